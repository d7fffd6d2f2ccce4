/* The per-thread error message behind bh_error_set() (see err.h). */
#include "util/err.h"

#include <stdio.h>

static _Thread_local char msg[2048];

int bh_error_setv(int code, const char *fmt, va_list ap)
{
	vsnprintf(msg, sizeof msg, fmt, ap);
	return code;
}

int bh_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bh_error_setv(code, fmt, ap);
	va_end(ap);
	return code;
}

const char *bh_error_last(void)
{
	return msg;
}

void bh_error_clear(void)
{
	msg[0] = '\0';
}
