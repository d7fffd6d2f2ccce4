/* Declarations of every subcommand's entry point and usage text; the table
 * that registers them is commands.c. One line per command. */
#ifndef BH_COMMANDS_H
#define BH_COMMANDS_H

#define BH_CMD(name) \
	extern const char bh_usage_##name[]; \
	int bh_cmd_##name(int argc, char **argv);

BH_CMD(ingest)
BH_CMD(sources)
BH_CMD(rejects)
BH_CMD(search)
BH_CMD(show)
BH_CMD(top)
BH_CMD(who)
BH_CMD(path)
BH_CMD(export)
BH_CMD(cite)
BH_CMD(serve)
BH_CMD(resolve)
BH_CMD(judge)
BH_CMD(judgments)
BH_CMD(explain)

#endif
