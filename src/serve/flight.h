/* Identical requests in flight share one computation: while one request
 * (the leader) computes the answer to a key at a store generation, the
 * same request arriving meanwhile (a follower) waits for that answer
 * instead of computing it again. Fifty clients asking the same slow
 * question (an agency's `who`, ~0.15 s of CPU) then cost one computation,
 * not fifty queued on two cores past their clients' timeouts.
 *
 * The server suspends a follower's connection (no thread waits) and
 * resumes it when the leader lands. The table holds only flights in
 * progress: unlike the response cache (cache.h), nothing outlives its
 * leader, so it also works with --cache 0.
 *
 * Thread-safe (one mutex). Ownership: the table borrows the waiters; each
 * waiter receives its own copy of the answer, which it frees with free(). */
#ifndef BH_SERVE_FLIGHT_H
#define BH_SERVE_FLIGHT_H

#include <stddef.h>
#include <stdint.h>

typedef struct bh_flights bh_flights;

/* What the table does with a waiter: `suspend` runs (under the table's
 * lock, so before any wake) when a request becomes a follower; `wake`
 * hands it the answer (body: an owned copy of len bytes, NUL-terminated;
 * NULL when the leader failed or memory is short: compute it yourself). */
typedef struct {
	void (*suspend)(void *waiter);
	void (*wake)(void *waiter, char *body, size_t len, const char *ctype);
} bh_flight_ops;

/* 0 or a negative code (out of memory). */
int bh_flights_new(bh_flights **out, const bh_flight_ops *ops);

/* Frees the table; every flight must have landed. Accepts NULL. */
void bh_flights_free(bh_flights *f);

/* Joins the flight of `key` at generation `gen`: 1 when the caller leads
 * (it computes the answer, then calls bh_flight_land()), 0 when it follows
 * (`waiter` suspended, woken by the leader's landing), a negative code
 * when memory is short or the table is closing (compute alone). */
int bh_flight_join(bh_flights *f, const char *key, uint64_t gen, void *waiter);

/* The leader's answer to `key` at `gen` (NULL when it failed): each
 * follower is woken with its own copy, and the flight ends. */
void bh_flight_land(bh_flights *f, const char *key, uint64_t gen, const char *body, size_t len,
		    const char *ctype);

/* Refuses new flights and waits until those in progress have landed:
 * called before the HTTP daemon stops, which must find no suspended
 * connection. */
void bh_flights_close(bh_flights *f);

/* Followers served so far (answers shared instead of computed). */
uint64_t bh_flights_shared(bh_flights *f);

#endif
