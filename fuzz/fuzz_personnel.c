/* Fuzz harness of personnel CSV ingest (staffer lists, outside positions,
 * the generic person/position/organization layout) through the real
 * bh_ingest_paths() on a temporary .csv file (see fuzz_ingest.h). The
 * first byte forces one layout (0..2) or leaves detection to the content. */
#define FUZZ_SUFFIX ".csv"
#define FUZZ_KINDS "trumptown-staffers", "trumptown-outside", "positions", NULL
#include "fuzz_ingest.h"
