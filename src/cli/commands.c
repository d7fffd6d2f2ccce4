/* The table of subcommands (see cli.h): name, summary, usage text, entry
 * point. A new command is one cmd_<name>.c and one line here. */
#include "cli/cli.h"
#include "cli/commands.h"

#include <stddef.h>

const bh_command bh_commands[] = {
	{"ingest", "load files, folders and zips of public records", bh_usage_ingest, bh_cmd_ingest},
	{"sources", "list the ingested files", bh_usage_sources, bh_cmd_sources},
	{"rejects", "list the rows ingest refused or repaired", bh_usage_rejects, bh_cmd_rejects},
	{"search", "find entities and awards by name or description", bh_usage_search, bh_cmd_search},
	{"show", "an entity's names, ids, parents, money by year, largest awards", bh_usage_show,
	 bh_cmd_show},
	{"top", "an agency's biggest recipients, rolled up to parents, by fiscal year", bh_usage_top,
	 bh_cmd_top},
	{"who", "the dossier of an agency: money, supply chain, hidden vendors", bh_usage_who,
	 bh_cmd_who},
	{"serve", "the web explorer and JSON API on this machine", bh_usage_serve, bh_cmd_serve},
	{"path", "the shortest chains of links between two entities, ranked", bh_usage_path,
	 bh_cmd_path},
	{"export", "the graph as GEXF, GraphML, FollowTheMoney JSON lines or CSV", bh_usage_export,
	 bh_cmd_export},
	{"cite", "an evidence pack (records, query, official URLs) behind one figure",
	 bh_usage_cite, bh_cmd_cite},
	{"resolve", "link records of the same company or person across sources", bh_usage_resolve,
	 bh_cmd_resolve},
	{"explain", "why two records are (or are not) the same entity", bh_usage_explain,
	 bh_cmd_explain},
	{"judge", "record a human decision: merge, split or unsure", bh_usage_judge, bh_cmd_judge},
	{"judgments", "list and export the human decisions", bh_usage_judgments, bh_cmd_judgments},
	{NULL, NULL, NULL, NULL},
};
