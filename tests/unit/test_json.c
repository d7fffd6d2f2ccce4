/* Unit tests of the JSON string writer (src/util/json.h): every escape,
 * control bytes, UTF-8 passed through, and plain runs before, between and
 * after escapes (bh_json_str writes plain bytes in runs). Each expected
 * literal is written out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/json.h"

/* STR_IS(s, want): bh_json_str(s) writes exactly `want`. */
#define STR_IS(s, want)                                      \
	do {                                                 \
		char *b_ = NULL;                             \
		size_t n_ = 0;                               \
		FILE *f_ = open_memstream(&b_, &n_);         \
		assert_non_null(f_);                         \
		bh_json_str(f_, (s));                        \
		assert_int_equal(fclose(f_), 0);             \
		assert_string_equal(b_, (want));             \
		assert_int_equal(n_, strlen(want));          \
		free(b_);                                    \
	} while (0)

static void test_plain(void **state)
{
	STR_IS("", "\"\"");
	STR_IS("GEO GROUP, INC.", "\"GEO GROUP, INC.\"");
	STR_IS(NULL, "null");
	/* UTF-8 bytes (>= 0x80) pass through as they are */
	STR_IS("Caf\xc3\xa9", "\"Caf\xc3\xa9\"");
}

static void test_escapes(void **state)
{
	STR_IS("\"", "\"\\\"\"");
	STR_IS("a\\b", "\"a\\\\b\"");
	STR_IS("one\ntwo\r\tthree", "\"one\\ntwo\\r\\tthree\"");
	STR_IS("</script>", "\"\\u003c/script>\"");
	/* other control bytes and DEL as \u00XX */
	STR_IS("\x01x\x1f\x7f", "\"\\u0001x\\u001f\\u007f\"");
}

static void test_runs(void **state)
{
	/* escapes first, last, adjacent, and between runs */
	STR_IS("\"abc\"", "\"\\\"abc\\\"\"");
	STR_IS("ab\n\ncd<ef", "\"ab\\n\\ncd\\u003cef\"");
	STR_IS("\n", "\"\\n\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
