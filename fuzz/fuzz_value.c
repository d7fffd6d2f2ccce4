/* Fuzz harness of the typed-value parsers (src/ingest/value.h): money,
 * dates (the inferring slash-date column and the fixed month-first form),
 * DUNS numbers and name keys. Each input is split at '\n' into cells that
 * all go through every parser, one column state shared across the cells
 * so order inference and conflicts are reached. Outputs are checked for
 * the shapes the header promises. */
#include "fuzz.h"
#include "ingest/value.h"

#include <ctype.h>

static void check_date(int r, const char out[11])
{
	if (r != 1)
		return;
	if (strlen(out) != 10 || (out[4] != '-' && out[4] != '/') || out[7] != out[4])
		abort();
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)out[i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bh_datecol col = {.column = "fuzz"};
	const char *p = (const char *)data, *end = p + size;
	int64_t line = 1;

	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		/* a private copy, so reads past the cell are caught by ASan */
		char *cell = malloc(n ? n : 1);
		if (!cell)
			abort();
		memcpy(cell, p, n);

		int64_t cents;
		int r = bh_money_parse(cell, n, &cents);
		if (r < -1 || r > 1)
			abort();
		char d[11] = {0};
		check_date(bh_datecol_value(&col, cell, n, line, d), d);
		memset(d, 0, sizeof d);
		check_date(bh_date_mdy(cell, n, 0, d), d);
		memset(d, 0, sizeof d);
		check_date(bh_date_mdy(cell, n, 1, d), d);
		char duns[10] = {0};
		if (bh_duns_norm(cell, n, duns) == 1 && strlen(duns) != 9)
			abort();
		char key[64];
		size_t k = bh_name_key(key, sizeof key, cell, n);
		if (k >= sizeof key || key[k] != '\0')
			abort();
		size_t k1 = bh_name_key(key, 1, cell, n);
		if (k1 != 0 || key[0] != '\0')
			abort();

		free(cell);
		line++;
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}
