/* Fuzz harness of Senate LDA XML ingest (LD-1/LD-2 and LD-203), including
 * the UTF-16 handling (with and without a byte-order mark), through the
 * real bh_ingest_paths() on a temporary .xml file (see fuzz_ingest.h).
 * The first byte forces LD-2 (0), LD-203 (1) or leaves detection to the
 * content. */
#define FUZZ_SUFFIX ".xml"
#define FUZZ_KINDS "lda-ld1-ld2", "lda-ld203", NULL
#include "fuzz_ingest.h"
