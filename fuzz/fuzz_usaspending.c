/* Fuzz harness of USAspending ingest: header detection (transactions in
 * both layouts, award summaries, subawards) and the reader, through the
 * real bh_ingest_paths() on a temporary .csv file (see fuzz_ingest.h).
 * Detection is never forced: the header row is part of what is fuzzed. */
#define FUZZ_SUFFIX ".csv"
#include "fuzz_ingest.h"
