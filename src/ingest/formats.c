/* The table of input formats ingest knows, in detection order (see
 * ingestInt.h). Add a format here and in the extern list. */
#include "ingest/ingestInt.h"

extern const bh_format bh_fmt_usaspending_txn;
extern const bh_format bh_fmt_usaspending_award;
extern const bh_format bh_fmt_usaspending_sub;

const bh_format *const bh_formats[] = {
	&bh_fmt_usaspending_txn,
	&bh_fmt_usaspending_award,
	&bh_fmt_usaspending_sub,
	NULL,
};
