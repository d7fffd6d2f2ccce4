/* Fuzz harness of kind detection: every format's detect() (USAspending
 * header rows, FEC field counts, LDA root elements, personnel layouts) on
 * the same first block. A detector may only answer a non-negative score (above 100 is possible:
 * a header repeating a column counts it twice; only the order matters) and
 * must read nothing past `len` (the block is an exact-size copy, so ASan
 * catches an overread). */
#include "fuzz.h"
#include "ingest/ingestInt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > BH_INPUT_HEAD)
		size = BH_INPUT_HEAD;
	char *head = malloc(size ? size : 1);
	if (!head)
		abort();
	memcpy(head, data, size);
	for (const bh_format *const *f = bh_formats; *f; f++) {
		int s = (*f)->detect(head, size);
		if (s < 0 || s > 1000) /* scores are relative; a repeated column adds to one */
			abort();
	}
	free(head);
	return 0;
}
