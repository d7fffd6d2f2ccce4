/* Fuzz harness of FEC ingest (committee and candidate masters, linkages,
 * individual and committee transactions, PAC summaries) through the real
 * bh_ingest_paths() on a temporary .txt file (see fuzz_ingest.h). The
 * first byte forces one of the FEC kinds (0..6) or leaves detection to
 * the content (any other value). */
#define FUZZ_SUFFIX ".txt"
#define FUZZ_KINDS                                                                        \
	"fec-committees", "fec-candidates", "fec-linkages", "fec-individual",                 \
		"fec-committee-txn", "fec-to-candidates", "fec-pac-summary", NULL
#include "fuzz_ingest.h"
