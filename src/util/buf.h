/* A growable byte buffer with an explicit cap (public files can be hostile:
 * nothing grows without bound). The buffer owns its bytes; bh_buf_free()
 * releases them and accepts a zeroed buffer. `p` is always NUL-terminated
 * once anything was appended, so it can be used as a C string. */
#ifndef BH_BUF_H
#define BH_BUF_H

#include <stddef.h>

typedef struct {
	char *p;
	size_t len;
	size_t cap;   /* allocated bytes */
	size_t limit; /* most bytes it may hold; 0 means BH_BUF_DEFAULT_LIMIT */
} bh_buf;

#define BH_BUF_DEFAULT_LIMIT ((size_t)256 << 20)

int bh_buf_reserve(bh_buf *b, size_t extra);
int bh_buf_put(bh_buf *b, const void *data, size_t n);
int bh_buf_puts(bh_buf *b, const char *s);
int bh_buf_putc(bh_buf *b, char c);
int bh_buf_printf(bh_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void bh_buf_clear(bh_buf *b);
void bh_buf_free(bh_buf *b);

#endif
