/* Unit tests of the server's in-flight table (src/serve/flight.h): the
 * first request of a key at a generation leads, the same key and
 * generation arriving meanwhile follows (suspended at once, under the
 * table's lock), another key or another generation leads its own flight;
 * the landing wakes every follower with its own copy of the bytes, or with
 * NULL when the leader failed; a landed key leads again; close refuses new
 * flights and returns only when the last one has landed (a thread lands it
 * while close waits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "serve/flight.h"

/* A waiter as the server's connection state would be. */
typedef struct {
	int suspended, woken;
	char *body;
	size_t len;
	char ctype[64];
} waiter;

static void on_suspend(void *w)
{
	((waiter *)w)->suspended++;
}

static void on_wake(void *w, char *body, size_t len, const char *ctype)
{
	waiter *x = w;
	x->woken++;
	x->body = body;
	x->len = len;
	snprintf(x->ctype, sizeof x->ctype, "%s", ctype ? ctype : "");
}

static const bh_flight_ops ops = {on_suspend, on_wake};

static void test_lead_follow_land(void **state)
{
	bh_flights *f = NULL;
	waiter lead = {0}, a = {0}, b = {0}, other = {0}, newer = {0};
	const char *answer = "{\"who\":1}";

	assert_int_equal(bh_flights_new(&f, &ops), 0);
	assert_int_equal(bh_flight_join(f, "/api/who?agency=7012", 3, &lead), 1);
	assert_int_equal(bh_flight_join(f, "/api/who?agency=7012", 3, &a), 0);
	assert_int_equal(bh_flight_join(f, "/api/who?agency=7012", 3, &b), 0);
	assert_int_equal(a.suspended, 1);
	assert_int_equal(b.suspended, 1);
	/* another key (a prefix of it), another generation: their own flights */
	assert_int_equal(bh_flight_join(f, "/api/who?agency=701", 3, &other), 1);
	assert_int_equal(bh_flight_join(f, "/api/who?agency=7012", 4, &newer), 1);
	assert_int_equal(other.suspended + newer.suspended + lead.suspended, 0);

	bh_flight_land(f, "/api/who?agency=7012", 3, answer, strlen(answer), "application/json");
	assert_int_equal(a.woken, 1);
	assert_int_equal(b.woken, 1);
	assert_int_equal(lead.woken + other.woken + newer.woken, 0);
	assert_string_equal(a.body, answer);
	assert_string_equal(b.body, answer);
	assert_int_equal(a.len, strlen(answer));
	assert_ptr_not_equal(a.body, b.body); /* each its own copy */
	assert_ptr_not_equal(a.body, answer);
	assert_string_equal(a.ctype, "application/json");
	assert_int_equal(bh_flights_shared(f), 2);
	free(a.body);
	free(b.body);

	/* landed: the same request now leads a new flight */
	waiter again = {0};
	assert_int_equal(bh_flight_join(f, "/api/who?agency=7012", 3, &again), 1);
	/* a failed leader wakes its followers with nothing */
	waiter c = {0};
	assert_int_equal(bh_flight_join(f, "/api/who?agency=7012", 3, &c), 0);
	bh_flight_land(f, "/api/who?agency=7012", 3, NULL, 0, "application/json");
	assert_int_equal(c.woken, 1);
	assert_null(c.body);
	assert_int_equal(bh_flights_shared(f), 2);
	/* landing a key that is not in flight does nothing */
	bh_flight_land(f, "/api/who?agency=7012", 3, answer, strlen(answer), "application/json");
	assert_int_equal(c.woken, 1);

	bh_flight_land(f, "/api/who?agency=701", 3, NULL, 0, NULL);
	bh_flight_land(f, "/api/who?agency=7012", 4, NULL, 0, NULL);
	bh_flights_close(f); /* nothing in flight: returns at once */
	assert_true(bh_flight_join(f, "/api/x", 1, &lead) < 0); /* closed: compute alone */
	bh_flights_free(f);
}

typedef struct {
	bh_flights *f;
	int *closed;
} lander;

/* Lands the flight after a while, checking that close is still waiting. */
static void *land_later(void *p)
{
	lander *l = p;
	usleep(100 * 1000);
	int closed = __atomic_load_n(l->closed, __ATOMIC_SEQ_CST);
	bh_flight_land(l->f, "/api/who?agency=7012", 1, "{}", 2, "application/json");
	return (void *)(intptr_t)closed;
}

static void test_close_waits(void **state)
{
	bh_flights *f = NULL;
	waiter lead = {0}, a = {0};
	int closed = 0;
	pthread_t t;
	void *was_closed = NULL;

	assert_int_equal(bh_flights_new(&f, &ops), 0);
	assert_int_equal(bh_flight_join(f, "/api/who?agency=7012", 1, &lead), 1);
	assert_int_equal(bh_flight_join(f, "/api/who?agency=7012", 1, &a), 0);
	lander l = {f, &closed};
	assert_int_equal(pthread_create(&t, NULL, land_later, &l), 0);
	bh_flights_close(f);
	__atomic_store_n(&closed, 1, __ATOMIC_SEQ_CST);
	assert_int_equal(pthread_join(t, &was_closed), 0);
	assert_int_equal((intptr_t)was_closed, 0); /* close returned after the landing */
	assert_int_equal(a.woken, 1);
	assert_string_equal(a.body, "{}");
	free(a.body);
	bh_flights_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lead_follow_land),
		cmocka_unit_test(test_close_waits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
