/* `behind serve`: starts the local web explorer (src/serve) on the store
 * and answers until SIGINT or SIGTERM. A thin caller of serve.h: options,
 * the start-up lines (URL, and the token when one is needed), the wait. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "serve/serve.h"
#include "util/err.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

const char bh_usage_serve[] =
	"usage: behind serve [--db PATH] [--port N] [--listen ADDR] [--write] [--log]\n"
	"                    [--threads N] [--timeout MS] [--cache MB]\n"
	"\n"
	"Starts the web explorer on the store: search, entity pages, agency dossiers and\n"
	"the network view, at the URL it prints, with the JSON API under /api/ (see\n"
	"docs/api.md). Everything it serves is inside the binary; it needs no network.\n"
	"Stop it with Ctrl-C.\n"
	"\n"
	"  --port N       TCP port (default 8080; 0 picks a free one and prints it)\n"
	"  --listen ADDR  address to bind (default 127.0.0.1, this machine only); another\n"
	"                 address exposes the explorer to that network\n"
	"  --write        enable the one write: judgments on matches (the Review page,\n"
	"                 POST /api/judge). Writes need the token printed at start-up;\n"
	"                 without --listen the served page gets it by itself. Records\n"
	"                 are never changed; without --write nothing is.\n"
	"  --log          one line per request on stderr\n"
	"  --threads N    worker threads (default: one per core, 2 to 16)\n"
	"  --timeout MS   longest a request's queries may run (default 5000)\n"
	"  --cache MB     memory for answers already computed (default 64; 0: none). An\n"
	"                 answer is reused only while the store is unchanged: a commit\n"
	"                 by an ingest, a resolve or a judgment makes every answer new.\n";

static int number(const char *s, int lo, int hi, int *out)
{
	char *end = NULL;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int bh_cmd_serve(int argc, char **argv)
{
	static const struct option lo[] = {
		BH_COMMON_LONGOPTS,
		{"port", required_argument, NULL, 'p'},
		{"listen", required_argument, NULL, 'l'},
		{"write", no_argument, NULL, 'w'},
		{"log", no_argument, NULL, 'L'},
		{"threads", required_argument, NULL, 't'},
		{"timeout", required_argument, NULL, 'T'},
		{"cache", required_argument, NULL, 'C'},
		{NULL, 0, NULL, 0},
	};
	bh_serve_opts o = {.port = 8080};
	bh_server *srv = NULL;
	sigset_t sigs;
	int c, sig = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:", lo, NULL)) != -1) {
		switch (c) {
		case BH_OPT_DB: bh_cli_set_db(optarg); break;
		case BH_OPT_JSON: break;
		case BH_OPT_HELP: fputs(bh_usage_serve, stdout); return 0;
		case 'l': o.listen = optarg; break;
		case 'w': o.write = 1; break;
		case 'L': o.log = stderr; break;
		case 'p':
		case 't':
		case 'T':
		case 'C': {
			int *dst = c == 'p'   ? &o.port
				   : c == 't' ? &o.threads
				   : c == 'T' ? &o.timeout_ms
					      : &o.cache_mb;
			int lo_ = c == 'p' || c == 'C' ? 0 : 1;
			int hi = c == 'p' ? 65535 : c == 't' ? 64 : c == 'C' ? 65536 : 600000;
			if (number(optarg, lo_, hi, dst) < 0) {
				fprintf(stderr, "behind serve: bad number '%s' (from %d to %d)\n", optarg,
					lo_, hi);
				return 2;
			}
			if (c == 'C' && o.cache_mb == 0)
				o.cache_mb = -1; /* --cache 0: none */
			break;
		}
		default: fputs(bh_usage_serve, stderr); return 2;
		}
	}
	if (optind < argc) {
		fputs(bh_usage_serve, stderr);
		return 2;
	}
	o.db = bh_cli_db();

	/* The server's threads inherit this mask, so the signals wait for
	 * sigwait() below rather than killing a thread mid-request. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (bh_server_start(&srv, &o) < 0)
		return bh_cli_fail("serve");
	printf("behind serve: %s (store %s, %s)\n", bh_server_url(srv), o.db,
	       o.write ? "judgments enabled" : "read-only");
	if (*bh_server_token(srv))
		printf("behind serve: token for write requests: %s\n", bh_server_token(srv));
	if (!o.listen)
		printf("behind serve: only this machine can connect; --listen ADDR to share\n");
	fflush(stdout);
	sigwait(&sigs, &sig);
	fprintf(stderr, "behind serve: stopping (%s)\n", strsignal(sig));
	bh_server_stop(srv);
	return 0;
}
