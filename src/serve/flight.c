/* Requests in flight (flight.h): a short list of the keys being computed,
 * each with the waiters that follow it. Flights are few (at most one per
 * server thread computing), so a list beats a hash table. */
#include "serve/flight.h"
#include "util/err.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct waiter {
	struct waiter *next;
	void *w;
} waiter;

typedef struct flight {
	struct flight *next;
	uint64_t gen;
	waiter *waiters;
	char key[];
} flight;

struct bh_flights {
	pthread_mutex_t mu;
	pthread_cond_t landed; /* signalled when a flight ends, for close */
	bh_flight_ops ops;
	flight *head;
	int closing;
	uint64_t shared;
};

int bh_flights_new(bh_flights **out, const bh_flight_ops *ops)
{
	bh_flights *f = calloc(1, sizeof *f);

	*out = NULL;
	if (!f)
		return bh_error_set(BH_ENOMEM, "out of memory");
	f->ops = *ops;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->landed, NULL);
	*out = f;
	return 0;
}

void bh_flights_free(bh_flights *f)
{
	if (!f)
		return;
	pthread_cond_destroy(&f->landed);
	pthread_mutex_destroy(&f->mu);
	free(f);
}

/* Under the mutex: the link that points at the flight of key/gen (or the
 * list's end). */
static flight **find(bh_flights *f, const char *key, uint64_t gen)
{
	flight **p = &f->head;
	while (*p && ((*p)->gen != gen || strcmp((*p)->key, key) != 0))
		p = &(*p)->next;
	return p;
}

int bh_flight_join(bh_flights *f, const char *key, uint64_t gen, void *w)
{
	size_t keylen = strlen(key);
	flight **p, *fl;
	waiter *wt = NULL;
	int rc;

	pthread_mutex_lock(&f->mu);
	if (f->closing) {
		rc = BH_EBUSY;
		goto done;
	}
	p = find(f, key, gen);
	if ((fl = *p) != NULL) {
		if (!(wt = malloc(sizeof *wt))) {
			rc = BH_ENOMEM;
			goto done;
		}
		wt->w = w;
		wt->next = fl->waiters;
		fl->waiters = wt;
		f->ops.suspend(w); /* before the leader can wake it */
		rc = 0;
		goto done;
	}
	if (!(fl = malloc(sizeof *fl + keylen + 1))) {
		rc = BH_ENOMEM;
		goto done;
	}
	fl->next = NULL;
	fl->gen = gen;
	fl->waiters = NULL;
	memcpy(fl->key, key, keylen + 1);
	*p = fl;
	rc = 1;
done:
	pthread_mutex_unlock(&f->mu);
	return rc;
}

void bh_flight_land(bh_flights *f, const char *key, uint64_t gen, const char *body, size_t len,
		    const char *ctype)
{
	flight **p, *fl;
	waiter *wt, *next;

	pthread_mutex_lock(&f->mu);
	p = find(f, key, gen);
	if (!(fl = *p)) {
		pthread_mutex_unlock(&f->mu);
		return;
	}
	*p = fl->next;
	/* Woken under the mutex: a follower is suspended under it too, so
	 * no wake can come before its suspension. */
	for (wt = fl->waiters; wt; wt = next) {
		char *copy = body ? malloc(len + 1) : NULL;
		next = wt->next;
		if (copy) {
			memcpy(copy, body, len);
			copy[len] = '\0';
			f->shared++;
		}
		f->ops.wake(wt->w, copy, copy ? len : 0, ctype);
		free(wt);
	}
	free(fl);
	pthread_cond_broadcast(&f->landed);
	pthread_mutex_unlock(&f->mu);
}

void bh_flights_close(bh_flights *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->mu);
	f->closing = 1;
	while (f->head)
		pthread_cond_wait(&f->landed, &f->mu);
	pthread_mutex_unlock(&f->mu);
}

uint64_t bh_flights_shared(bh_flights *f)
{
	uint64_t n;
	pthread_mutex_lock(&f->mu);
	n = f->shared;
	pthread_mutex_unlock(&f->mu);
	return n;
}
