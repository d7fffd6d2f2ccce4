/* Error codes and the one error message of each thread.
 *
 * Functions of the engine return 0 on success and a negative BH_E* code on
 * failure. The message is set once, where the problem is found (naming file,
 * line and reason), and the code is passed up unchanged: callers that only
 * propagate never touch the message. The message buffer is thread-local and
 * owned by this module; bh_error_last() returns a borrowed view valid until
 * the next bh_error_set() on the same thread. */
#ifndef BH_ERR_H
#define BH_ERR_H

#include <stdarg.h>

enum {
	BH_OK = 0,
	BH_ERR = -1,       /* generic failure */
	BH_ENOMEM = -2,    /* allocation failed */
	BH_EIO = -3,       /* read/write/open failed */
	BH_EFORMAT = -4,   /* the input is not what it claims to be */
	BH_ENOTFOUND = -5, /* no such entity, file or kind */
	BH_EUSAGE = -6,    /* the caller asked for something meaningless */
	BH_ETOOBIG = -7,   /* a cap was hit (row length, field count, ...) */
	BH_EDB = -8,       /* SQLite said no */
	BH_EBUSY = -9,     /* another process holds the store */
};

/* Sets the thread's message and returns `code`, so that a failure can be
 * reported and propagated in one statement: return bh_error_set(...). */
int bh_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int bh_error_setv(int code, const char *fmt, va_list ap);

/* The last message set on this thread ("" if none). Borrowed. */
const char *bh_error_last(void);
void bh_error_clear(void);

#endif
