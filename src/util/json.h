/* Small helpers for writing JSON and human-readable numbers to a FILE*.
 * Everything is written immediately; nothing is allocated. */
#ifndef BH_JSON_H
#define BH_JSON_H

#include <stdint.h>
#include <stdio.h>

/* A JSON string literal (quoted, escaped); NULL prints null. */
void bh_json_str(FILE *f, const char *s);

/* Cents as a JSON number of dollars with two decimals: 123456 -> 1234.56 */
void bh_json_money(FILE *f, int64_t cents);

/* Cents as "$1,234.56" (negative: "-$1,234.56") into out (>= 32 bytes). */
const char *bh_fmt_money(char *out, size_t cap, int64_t cents);

#endif
