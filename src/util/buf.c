/* Growable buffers with a cap (see buf.h). */
#include "util/buf.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bh_buf_reserve(bh_buf *b, size_t extra)
{
	size_t limit = b->limit ? b->limit : BH_BUF_DEFAULT_LIMIT;
	size_t need = b->len + extra + 1;
	size_t ncap;
	char *np;

	if (extra <= limit && need <= b->cap) /* extra past the cap would wrap need */
		return 0;
	if (extra > limit || need > limit + 1)
		return bh_error_set(BH_ETOOBIG, "buffer would exceed its cap of %zu bytes", limit);
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > (SIZE_MAX / 2) ? need : ncap * 2;
	if (ncap > limit + 1)
		ncap = limit + 1;
	np = realloc(b->p, ncap);
	if (!np)
		return bh_error_set(BH_ENOMEM, "out of memory (buffer of %zu bytes)", ncap);
	b->p = np;
	b->cap = ncap;
	return 0;
}

int bh_buf_put(bh_buf *b, const void *data, size_t n)
{
	int rc = bh_buf_reserve(b, n);
	if (rc < 0)
		return rc;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int bh_buf_puts(bh_buf *b, const char *s)
{
	return bh_buf_put(b, s, strlen(s));
}

int bh_buf_putc(bh_buf *b, char c)
{
	return bh_buf_put(b, &c, 1);
}

int bh_buf_printf(bh_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return bh_error_set(BH_ERR, "bad format");
	if ((rc = bh_buf_reserve(b, (size_t)n)) < 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void bh_buf_clear(bh_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void bh_buf_free(bh_buf *b)
{
	if (!b)
		return;
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
