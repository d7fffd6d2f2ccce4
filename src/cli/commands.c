/* The table of subcommands (see cli.h): name, summary, usage text, entry
 * point. A new command is one cmd_<name>.c and one line here. */
#include "cli/cli.h"
#include "cli/commands.h"

#include <stddef.h>

const bh_command bh_commands[] = {
	{"ingest", "load files, folders and zips of public records", bh_usage_ingest, bh_cmd_ingest},
	{"sources", "list the ingested files", bh_usage_sources, bh_cmd_sources},
	{"rejects", "list the rows ingest refused or repaired", bh_usage_rejects, bh_cmd_rejects},
	{NULL, NULL, NULL, NULL},
};
