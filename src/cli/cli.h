/* The command-line front end: one table of subcommands (commands.c), each
 * in its own cmd_<name>.c as `int bh_cmd_<name>(int argc, char **argv)`
 * where argv[0] is the subcommand's name. Help text comes from the table.
 *
 * Exit status, for every command: 0 done, 1 partial (some input rejected),
 * 2 usage error or failure. */
#ifndef BH_CLI_H
#define BH_CLI_H

#include "util/json.h"

#include <stdio.h>

typedef struct {
	const char *name;
	const char *summary; /* one line for `behind --help` */
	const char *usage;   /* the full `behind NAME --help` text */
	int (*run)(int argc, char **argv);
} bh_command;

extern const bh_command bh_commands[];

/* The store path: --db given before the subcommand, else $BEHIND_DB, else
 * ./behind.db. A subcommand's own --db overrides it (bh_cli_set_db). */
const char *bh_cli_db(void);
void bh_cli_set_db(const char *path);

/* Prints the command's usage to `f`. */
void bh_cli_usage(FILE *f, const char *name);

/* Prints "behind NAME: <last error>" to stderr and returns 2. */
int bh_cli_fail(const char *name);

/* Standard long options every data command takes; use in getopt_long
 * tables. Returns 1 if `opt` was one of them and was handled. */
enum { BH_OPT_DB = 1000, BH_OPT_JSON, BH_OPT_HELP };
#define BH_COMMON_LONGOPTS \
	{"db", required_argument, NULL, BH_OPT_DB}, {"json", no_argument, NULL, BH_OPT_JSON}, \
	{"help", no_argument, NULL, BH_OPT_HELP}


#endif
