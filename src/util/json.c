/* JSON strings and money formatting (see json.h). */
#include "util/json.h"

#include <string.h>

void bh_json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '<': fputs("\\u003c", f); break; /* safe inside <script> too */
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
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
