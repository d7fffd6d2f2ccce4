/* The table of input formats ingest knows, in detection order (see
 * ingestInt.h). Add a format here and in the extern list. */
#include "ingest/ingestInt.h"

extern const bh_format bh_fmt_usaspending_txn;
extern const bh_format bh_fmt_usaspending_award;
extern const bh_format bh_fmt_usaspending_sub;
extern const bh_format bh_fmt_fec_cm;
extern const bh_format bh_fmt_fec_cn;
extern const bh_format bh_fmt_fec_ccl;
extern const bh_format bh_fmt_fec_indiv;
extern const bh_format bh_fmt_fec_oth;
extern const bh_format bh_fmt_fec_pas2;
extern const bh_format bh_fmt_fec_webk;
extern const bh_format bh_fmt_lda_ld2;
extern const bh_format bh_fmt_lda_ld203;
extern const bh_format bh_fmt_personnel_staff;
extern const bh_format bh_fmt_personnel_outside;
extern const bh_format bh_fmt_personnel_generic;

const bh_format *const bh_formats[] = {
	&bh_fmt_usaspending_txn,
	&bh_fmt_usaspending_award,
	&bh_fmt_usaspending_sub,
	&bh_fmt_fec_cm,
	&bh_fmt_fec_cn,
	&bh_fmt_fec_ccl,
	&bh_fmt_fec_indiv,
	&bh_fmt_fec_oth,
	&bh_fmt_fec_pas2,
	&bh_fmt_fec_webk,
	&bh_fmt_lda_ld2,
	&bh_fmt_lda_ld203,
	&bh_fmt_personnel_staff,
	&bh_fmt_personnel_outside,
	&bh_fmt_personnel_generic,
	NULL,
};
