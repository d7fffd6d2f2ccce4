/* Builds the precomputed answers (bh_query_precompute: the cluster graph of
 * `path`, the obligations per agency of `who`) in a store without running
 * `behind resolve` first: for benchmark stores too big to resolve in the
 * time at hand (the 10M-row generated store: resolve takes about 50 minutes
 * and 14 GiB there, bench/RESULTS.md "Entity resolution"). Every entity is
 * then its own cluster, as `who` and `path` see such a store anyway.
 *
 *   build/bench/precompute STORE
 *
 * Prints the wall and CPU seconds it took. */
#include "query/query.h"
#include "util/err.h"

#include <stdio.h>
#include <time.h>

static double clock_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	bh_store *s = NULL;
	if (argc != 2) {
		fputs("usage: precompute STORE\n", stderr);
		return 2;
	}
	double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	if (bh_store_open(&s, argv[1], BH_STORE_RW) < 0 || bh_query_precompute(s) < 0) {
		fprintf(stderr, "precompute: %s\n", bh_error_last());
		bh_store_close(s);
		return 1;
	}
	bh_store_close(s);
	printf("precomputed answers of %s: %.1f s wall, %.1f s CPU\n", argv[1],
	       clock_s(CLOCK_MONOTONIC) - w0, clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0);
	return 0;
}
