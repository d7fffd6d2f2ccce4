/* Phase timings for profiling long work (ingest, index builds): with
 * $BEHIND_TIMING set, bh_timing() prints to stderr the seconds since its
 * previous call (0 for the first) with `what`, and the CPU seconds of all
 * the process's threads over the same span, which a busy machine distorts
 * less than wall time, and the process's peak resident set so far (which
 * phase raised it). Without the variable it costs one getenv per call:
 * callers use it per phase, never per row. */
#ifndef BH_TIMING_H
#define BH_TIMING_H

void bh_timing(const char *what);

#endif
