/* `behind`: git-style dispatch to the subcommands of commands.c. */
#include "cli/cli.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

static const char *db_path;

const char *bh_cli_db(void)
{
	if (db_path)
		return db_path;
	const char *e = getenv("BEHIND_DB");
	return e && *e ? e : "behind.db";
}

void bh_cli_set_db(const char *path)
{
	db_path = path;
}

int bh_cli_fail(const char *name)
{
	fprintf(stderr, "behind %s: %s\n", name, bh_error_last());
	return 2;
}

void bh_cli_usage(FILE *f, const char *name)
{
	for (const bh_command *c = bh_commands; c->name; c++)
		if (strcmp(c->name, name) == 0) {
			fputs(c->usage, f);
			return;
		}
}

static void usage(FILE *f)
{
	fputs("usage: behind [--db PATH] COMMAND [ARGS]\n"
	      "\n"
	      "Who is behind this agency? Contracts, subcontracts, lobbying and political money,\n"
	      "linked across public records, with the records behind every number.\n"
	      "\n"
	      "Commands:\n", f);
	for (const bh_command *c = bh_commands; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fputs("\n"
	      "The store is ./behind.db unless --db PATH or $BEHIND_DB says otherwise.\n"
	      "`behind COMMAND --help` describes a command. Exit status: 0 done, 1 partial\n"
	      "(some input rejected), 2 usage error or failure.\n", f);
}

int main(int argc, char **argv)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db_path = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "--db=", 5) == 0) {
			db_path = argv[i] + 5;
			i++;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			puts("behind 0.1.0");
			return 0;
		} else {
			fprintf(stderr, "behind: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[i];
	if (strcmp(name, "help") == 0) {
		if (i + 1 < argc) {
			for (const bh_command *c = bh_commands; c->name; c++)
				if (strcmp(c->name, argv[i + 1]) == 0) {
					fputs(c->usage, stdout);
					return 0;
				}
			fprintf(stderr, "behind: no command '%s'\n", argv[i + 1]);
			return 2;
		}
		usage(stdout);
		return 0;
	}
	for (const bh_command *c = bh_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c->run(argc - i, argv + i);
	fprintf(stderr, "behind: no command '%s' (see `behind --help`)\n", name);
	return 2;
}
