/* Phase timings (see timing.h). */
#include "util/timing.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

/* CPU seconds of the process so far, and its peak resident set (MiB) */
static double cpu_seconds(long *peak_mib)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	*peak_mib = ru.ru_maxrss / 1024;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

void bh_timing(const char *what)
{
	static struct timespec last;
	static double last_cpu;
	struct timespec t;
	if (!getenv("BEHIND_TIMING"))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	long peak;
	double cpu = cpu_seconds(&peak);
	double dt = last.tv_sec ? (double)(t.tv_sec - last.tv_sec) + (t.tv_nsec - last.tv_nsec) / 1e9 : 0;
	fprintf(stderr, "timing: %-40.40s %7.3f s wall %7.3f s cpu  peak %ld MiB\n", what, dt,
		last.tv_sec ? cpu - last_cpu : 0, peak);
	last = t;
	last_cpu = cpu;
}
