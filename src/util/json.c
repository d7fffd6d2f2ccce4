/* JSON strings and money formatting (see json.h). */
#include "util/json.h"

#include <string.h>

void bh_json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	/* plain bytes go out in runs: one stdio call (and lock) per run, not
	 * per byte (fputc was 6% of an uncached show's CPU in the server) */
	const unsigned char *p = (const unsigned char *)s, *run = p;
	fputc('"', f);
	for (; *p; p++) {
		const char *esc;
		switch (*p) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '<': esc = "\\u003c"; break; /* safe inside <script> too */
		default:
			if (*p >= 0x20 && *p != 0x7f)
				continue;
			esc = NULL;
		}
		fwrite(run, 1, (size_t)(p - run), f);
		run = p + 1;
		if (esc)
			fputs(esc, f);
		else
			fprintf(f, "\\u%04x", *p);
	}
	fwrite(run, 1, (size_t)(p - run), f);
	fputc('"', f);
}

void bh_json_money(FILE *f, int64_t cents)
{
	uint64_t a = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	fprintf(f, "%s%llu.%02llu", cents < 0 ? "-" : "", (unsigned long long)(a / 100),
		(unsigned long long)(a % 100));
}

const char *bh_fmt_money(char *out, size_t cap, int64_t cents)
{
	uint64_t a = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	char digits[32], grouped[48];
	int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)(a / 100));
	size_t o = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[o++] = ',';
		grouped[o++] = digits[i];
	}
	grouped[o] = '\0';
	snprintf(out, cap, "%s$%s.%02llu", cents < 0 ? "-" : "", grouped,
		 (unsigned long long)(a % 100));
	return out;
}
