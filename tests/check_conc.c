/*
 * Unit tests of the ordered job queue (src/conc/jobq.c), the pool under the
 * E01 writer and reader: jobs reach the consumer in sequence whatever order
 * the workers finish them in, with more jobs than slots; the first failure
 * (a worker's, the consumer's) stops everyone and is what every later call
 * returns; cancel wakes a blocked producer and consumer; a queue freed or
 * finished with jobs in flight stops cleanly (drops them, or does them all);
 * threads carry the names given. And the broadcast ring's gates (src/
 * conc/ring.c, the sinks of an acquisition with copies): a consumer that
 * is not a gate waits for every live gate, a gate that fails stops gating,
 * the last one cuts the stream. The queue and the ring are private to the
 * library, so this test links the library's objects (forensic_private).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "conc/jobq.h"
#include "conc/ring.h"
#include "forensic/forensic.h"

#define MAX_SLOTS 16

/* One test's state: the jobs (one number each), what the workers and the
 * consumer saw, and when to fail. */
typedef struct tq {
	fx_jobq *q;
	size_t nslots;
	uint64_t job[MAX_SLOTS];        /* producer writes seq, worker squares */
	int delay_us;                   /* workers sleep up to this */
	uint64_t fail_work_at;          /* worker fails on this seq */
	uint64_t fail_consume_at;       /* consumer fails on this seq */
	pthread_mutex_t lock;           /* guards the counters below */
	uint64_t worked;                /* jobs the workers did */
	uint64_t consumed;              /* jobs the consumer took */
	uint64_t out_of_order;          /* consumer saw seq != consumed */
	uint64_t bad_value;             /* job value not seq squared */
	uint64_t bad_slot;              /* slot != seq % nslots */
	char worker_names[4][16];
	char consumer_name[16];
} tq;

static void tq_init(tq *b, size_t nslots)
{
	memset(b, 0, sizeof(*b));
	b->nslots = nslots;
	b->fail_work_at = UINT64_MAX;
	b->fail_consume_at = UINT64_MAX;
	pthread_mutex_init(&b->lock, NULL);
}

static void sleep_us(int us)
{
	struct timespec ts = { 0, (long)us * 1000 };

	if (us > 0)
		nanosleep(&ts, NULL);
}

static int work(void *payload, unsigned worker, size_t slot, uint64_t seq)
{
	tq *b = payload;
	unsigned seed = (unsigned)(seq * 2654435761u + worker);

	sleep_us(b->delay_us ? rand_r(&seed) % b->delay_us : 0);
	if (worker < 4)
		pthread_getname_np(pthread_self(), b->worker_names[worker], 16);
	if (seq == b->fail_work_at) /* the message of the failing thread */
		return fx_error_set(FX_EIO, "job %llu: cannot inflate",
				    (unsigned long long)seq);
	b->job[slot] = b->job[slot] * b->job[slot];
	pthread_mutex_lock(&b->lock);
	b->worked++;
	pthread_mutex_unlock(&b->lock);
	return 0;
}

/* Checks job seq as the consumer receives it. */
static void take(tq *b, size_t slot, uint64_t seq)
{
	pthread_mutex_lock(&b->lock);
	b->out_of_order += seq != b->consumed;
	b->bad_value += b->job[slot] != seq * seq;
	b->bad_slot += slot != seq % b->nslots;
	b->consumed++;
	pthread_mutex_unlock(&b->lock);
}

static int consume(void *payload, size_t slot, uint64_t seq)
{
	tq *b = payload;

	pthread_getname_np(pthread_self(), b->consumer_name, 16);
	if (seq == b->fail_consume_at)
		return fx_error_set(FX_ENOSPC, "cannot write job %llu: disk full",
				    (unsigned long long)seq);
	take(b, slot, seq);
	return 0;
}

static fx_jobq *tq_queue(tq *b, unsigned nworkers, int with_consumer)
{
	fx_jobq_options o = { 0 };

	o.nslots = b->nslots;
	o.nworkers = nworkers;
	o.work = work;
	o.consume = with_consumer ? consume : NULL;
	o.payload = b;
	o.worker_name = "test/";
	o.consumer_name = "test-consumer";
	ck_assert_int_eq(fx_jobq_new(&b->q, &o), 0);
	ck_assert_int_eq(fx_jobq_start(b->q), 0);
	return b->q;
}

/* Produces jobs 0..n-1 (or until the queue fails); returns the claim's
 * result. */
static int produce(tq *b, uint64_t n)
{
	uint64_t i, seq;
	size_t slot;
	int rc;

	for (i = 0; i < n; i++) {
		if ((rc = fx_jobq_claim(b->q, &slot, &seq)) != 0)
			return rc;
		ck_assert_uint_eq(seq, i);
		b->job[slot] = seq;
		fx_jobq_submit(b->q);
	}
	return 0;
}

START_TEST(test_order_under_random_delays)
{
	tq b;

	tq_init(&b, 5);
	b.delay_us = 2000;
	tq_queue(&b, 4, 1);
	ck_assert_int_eq(produce(&b, 400), 0);
	fx_jobq_finish(b.q);
	ck_assert_int_eq(fx_jobq_error(b.q), 0);
	ck_assert_uint_eq(b.worked, 400);
	ck_assert_uint_eq(b.consumed, 400);
	ck_assert_uint_eq(b.out_of_order, 0);
	ck_assert_uint_eq(b.bad_value, 0);
	ck_assert_uint_eq(b.bad_slot, 0);
	fx_jobq_free(b.q);
}
END_TEST

START_TEST(test_many_more_jobs_than_slots)
{
	tq b;

	tq_init(&b, 2);
	tq_queue(&b, 3, 1);
	ck_assert_int_eq(produce(&b, 100000), 0);
	fx_jobq_finish(b.q);
	ck_assert_int_eq(fx_jobq_error(b.q), 0);
	ck_assert_uint_eq(b.worked, 100000);
	ck_assert_uint_eq(b.consumed, 100000);
	ck_assert_uint_eq(b.out_of_order, 0);
	ck_assert_uint_eq(b.bad_value, 0);
	fx_jobq_free(b.q);
}
END_TEST

/* The producer on its own thread, the caller consuming (as the E01
 * reader does). */
static void *producer_main(void *arg)
{
	tq *b = arg;
	uint64_t n = b->fail_consume_at; /* here: how many jobs */

	produce(b, n);
	fx_jobq_close(b->q);
	return NULL;
}

START_TEST(test_caller_consumer_in_order)
{
	uint64_t seq, again;
	size_t slot, slot2;
	pthread_t t;
	tq b;

	tq_init(&b, 3);
	b.delay_us = 1000;
	tq_queue(&b, 4, 0);
	b.fail_consume_at = 300;
	ck_assert_int_eq(pthread_create(&t, NULL, producer_main, &b), 0);
	while (fx_jobq_next(b.q, &slot, &seq) == 1) {
		/* not released: the same job again */
		ck_assert_int_eq(fx_jobq_next(b.q, &slot2, &again), 1);
		ck_assert_uint_eq(again, seq);
		ck_assert_uint_eq(slot2, slot);
		take(&b, slot, seq);
		fx_jobq_release(b.q);
	}
	pthread_join(t, NULL);
	ck_assert_int_eq(fx_jobq_next(b.q, &slot, &seq), 0); /* drained */
	ck_assert_uint_eq(b.consumed, 300);
	ck_assert_uint_eq(b.out_of_order, 0);
	ck_assert_uint_eq(b.bad_value, 0);
	ck_assert_uint_eq(b.bad_slot, 0);
	fx_jobq_finish(b.q);
	ck_assert_int_eq(fx_jobq_error(b.q), 0);
	fx_jobq_free(b.q);
}
END_TEST

START_TEST(test_worker_failure_stops_everyone)
{
	tq b;
	int rc;

	tq_init(&b, 4);
	b.delay_us = 500;
	b.fail_work_at = 37;
	tq_queue(&b, 3, 1);
	fx_error_clear();
	rc = produce(&b, 100000); /* stops at a claim after the failure */
	ck_assert_int_eq(rc, FX_EIO);
	ck_assert_str_eq(fx_error_last(), "job 37: cannot inflate");
	fx_error_clear();
	fx_jobq_finish(b.q);
	ck_assert_str_eq(fx_error_last(), ""); /* finish leaves it alone */
	ck_assert_int_eq(fx_jobq_error(b.q), FX_EIO);
	ck_assert_str_eq(fx_error_last(), "job 37: cannot inflate");
	/* jobs before the failed one may be consumed, none after it; at most
	 * nslots (4) jobs are ahead of the consumer: 0..40 without 37 */
	ck_assert_uint_le(b.consumed, 37);
	ck_assert_uint_eq(b.out_of_order, 0);
	ck_assert_uint_eq(b.bad_value, 0);
	ck_assert_uint_le(b.worked, 40);
	fx_jobq_free(b.q);
}
END_TEST

START_TEST(test_consumer_failure_stops_everyone)
{
	tq b;

	tq_init(&b, 4);
	b.delay_us = 300;
	b.fail_consume_at = 10;
	tq_queue(&b, 3, 1);
	ck_assert_int_eq(produce(&b, 100000), FX_ENOSPC);
	ck_assert_str_eq(fx_error_last(), "cannot write job 10: disk full");
	fx_jobq_finish(b.q);
	ck_assert_int_eq(fx_jobq_error(b.q), FX_ENOSPC);
	ck_assert_uint_eq(b.consumed, 10); /* exactly the jobs before it */
	ck_assert_uint_eq(b.out_of_order, 0);
	/* job 10 is never released: jobs 0..13 at most (4 slots) */
	ck_assert_uint_le(b.worked, 14);
	fx_jobq_free(b.q);
}
END_TEST

START_TEST(test_first_failure_wins)
{
	tq b;

	tq_init(&b, 2);
	tq_queue(&b, 1, 0);
	ck_assert_int_eq(fx_jobq_error(b.q), 0);
	fx_jobq_fail(b.q, FX_EIO, "first");
	fx_jobq_fail(b.q, FX_ENOSPC, "second");
	fx_jobq_cancel(b.q);
	ck_assert_int_eq(fx_jobq_error(b.q), FX_EIO);
	ck_assert_str_eq(fx_error_last(), "first");
	fx_jobq_free(b.q);
}
END_TEST

/* A producer blocked on a full queue (nobody consumes). */
static void *blocked_producer(void *arg)
{
	tq *b = arg;
	static int rc;

	rc = produce(b, 1000);
	return &rc;
}

START_TEST(test_cancel_wakes_producer_and_consumer)
{
	uint64_t seq;
	size_t slot;
	pthread_t t;
	void *ret;
	tq b;

	tq_init(&b, 3);
	tq_queue(&b, 2, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, blocked_producer, &b), 0);
	ck_assert_int_eq(fx_jobq_next(b.q, &slot, &seq), 1); /* job 0 done */
	while (1) { /* the producer has filled every slot and waits */
		pthread_mutex_lock(&b.lock);
		if (b.worked == 3) {
			pthread_mutex_unlock(&b.lock);
			break;
		}
		pthread_mutex_unlock(&b.lock);
		sleep_us(1000);
	}
	sleep_us(20000);
	fx_jobq_cancel(b.q);
	pthread_join(t, &ret);
	ck_assert_int_eq(*(int *)ret, FX_ERROR);
	ck_assert_int_eq(fx_jobq_next(b.q, &slot, &seq), FX_ERROR);
	ck_assert_str_eq(fx_error_last(), "job queue cancelled");
	ck_assert_uint_eq(b.worked, 3);
	fx_jobq_free(b.q);
}
END_TEST

/* free while workers are busy: the jobs are dropped, nobody hangs. */
START_TEST(test_free_with_jobs_in_flight)
{
	tq b;

	tq_init(&b, 8);
	b.delay_us = 20000;
	tq_queue(&b, 2, 1);
	ck_assert_int_eq(produce(&b, 8), 0);
	fx_jobq_free(b.q); /* cancels, joins */
	ck_assert_uint_le(b.worked, 8);
	ck_assert_uint_eq(b.out_of_order, 0);
	ck_assert_uint_eq(b.bad_value, 0);
}
END_TEST

/* finish with jobs in flight: every submitted job is done and consumed,
 * a claimed job never submitted is dropped (the E01 writer's close). */
START_TEST(test_finish_drains_jobs_in_flight)
{
	uint64_t seq;
	size_t slot;
	tq b;

	tq_init(&b, 8);
	b.delay_us = 5000;
	tq_queue(&b, 2, 1);
	ck_assert_int_eq(produce(&b, 7), 0);
	ck_assert_int_eq(fx_jobq_claim(b.q, &slot, &seq), 0);
	ck_assert_uint_eq(seq, 7);
	fx_jobq_finish(b.q);
	ck_assert_int_eq(fx_jobq_error(b.q), 0);
	ck_assert_uint_eq(b.worked, 7);
	ck_assert_uint_eq(b.consumed, 7);
	ck_assert_uint_eq(b.out_of_order, 0);
	ck_assert_uint_eq(b.bad_value, 0);
	fx_jobq_free(b.q);
}
END_TEST

START_TEST(test_thread_names)
{
	tq b;

	tq_init(&b, 4);
	b.delay_us = 2000; /* so that both workers take jobs */
	tq_queue(&b, 2, 1);
	ck_assert_int_eq(produce(&b, 50), 0);
	fx_jobq_finish(b.q);
	ck_assert_int_eq(fx_jobq_error(b.q), 0);
	ck_assert_str_eq(b.worker_names[0], "test/0");
	ck_assert_str_eq(b.worker_names[1], "test/1");
	ck_assert_str_eq(b.consumer_name, "test-consumer");
	fx_jobq_free(b.q);
}
END_TEST

START_TEST(test_bad_options)
{
	fx_jobq_options o = { 0 };
	fx_jobq *q = (fx_jobq *)&o;

	o.nworkers = 1;
	o.work = work;
	ck_assert_int_eq(fx_jobq_new(&q, &o), FX_EUSAGE); /* no slot */
	ck_assert_ptr_null(q);
	o.nslots = 1;
	o.nworkers = 0;
	ck_assert_int_eq(fx_jobq_new(&q, &o), FX_EUSAGE);
	o.nworkers = 1;
	o.work = NULL;
	ck_assert_int_eq(fx_jobq_new(&q, &o), FX_EUSAGE);
	fx_jobq_free(NULL);
}
END_TEST

/* A queue that was never started frees without joining anything. */
START_TEST(test_free_unstarted)
{
	fx_jobq_options o = { 0 };
	fx_jobq *q;

	o.nslots = 4;
	o.nworkers = 2;
	o.work = work;
	ck_assert_int_eq(fx_jobq_new(&q, &o), 0);
	fx_jobq_free(q);
}
END_TEST

/* A trailing consumer (a hasher) on its own thread: how many buffers it
 * has taken, and whether it has finished. */
typedef struct trailer {
	fx_ring *ring;
	unsigned c;
	int taken, skipped, done;
} trailer;

static void *trail_main(void *arg)
{
	trailer *t = arg;
	fx_ring_slot s;

	while (fx_ring_next(t->ring, t->c, &s)) {
		__atomic_add_fetch(s.skip ? &t->skipped : &t->taken, 1, __ATOMIC_SEQ_CST);
		fx_ring_release(t->ring, t->c);
	}
	__atomic_store_n(&t->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int trail_taken(trailer *t)
{
	return __atomic_load_n(&t->taken, __ATOMIC_SEQ_CST);
}

/* Waits up to 2 s for the trailer to have taken n buffers. */
static int trail_wait(trailer *t, int n)
{
	int i;

	for (i = 0; i < 200 && trail_taken(t) < n; i++)
		usleep(10000);
	return trail_taken(t);
}

/* Consumer g takes its next buffer and releases it; its skip flag. */
static int gate_step(fx_ring *r, unsigned g)
{
	fx_ring_slot s;

	ck_assert_int_eq(fx_ring_next(r, g, &s), 1);
	fx_ring_release(r, g);
	return s.skip;
}

static void publish(fx_ring *r, uint64_t off)
{
	ck_assert_ptr_nonnull(fx_ring_claim(r));
	fx_ring_publish(r, 512, off);
}

START_TEST(test_ring_gates)
{
	fx_ring *r = NULL;
	trailer t;
	pthread_t th;

	ck_assert_int_eq(fx_ring_new(&r, 4, 4096, 3), 0);
	fx_ring_add_gate(r, 1);
	fx_ring_add_gate(r, 2);
	memset(&t, 0, sizeof(t));
	t.ring = r;
	t.c = 0;
	ck_assert_int_eq(pthread_create(&th, NULL, trail_main, &t), 0);
	publish(r, 0);
	publish(r, 512);
	/* gate 1 took both, gate 2 none: the trailer waits for gate 2 */
	ck_assert_int_eq(gate_step(r, 1), 0);
	ck_assert_int_eq(gate_step(r, 1), 0);
	usleep(100000);
	ck_assert_int_eq(trail_taken(&t), 0);
	ck_assert_int_eq(gate_step(r, 2), 0);
	ck_assert_int_eq(trail_wait(&t, 1), 1);
	usleep(50000);
	ck_assert_int_eq(trail_taken(&t), 1); /* not the second yet */
	/* gate 2 fails on its second buffer: gate 1 is still live, so it
	 * only stops gating, and the trailer follows gate 1 alone */
	ck_assert_int_eq(fx_ring_drop_gate(r, 2), 0);
	ck_assert_int_eq(gate_step(r, 2), 0);
	ck_assert_int_eq(trail_wait(&t, 2), 2);
	/* gate 2 no longer holds anyone back; gate 1 fails on the third:
	 * the last live gate cuts the stream there */
	publish(r, 1024);
	publish(r, 1536);
	ck_assert_int_eq(gate_step(r, 2), 0);
	ck_assert_int_eq(gate_step(r, 2), 0);
	usleep(50000);
	ck_assert_int_eq(trail_taken(&t), 2);
	ck_assert_int_eq(fx_ring_drop_gate(r, 1), 1);
	ck_assert_int_eq(fx_ring_drop_gate(r, 1), 0); /* once */
	ck_assert_int_eq(gate_step(r, 1), 1);
	ck_assert_int_eq(gate_step(r, 1), 1);
	fx_ring_close(r);
	pthread_join(th, NULL);
	ck_assert_int_eq(t.done, 1);
	ck_assert_int_eq(t.taken, 2);
	ck_assert_int_eq(t.skipped, 2);
	fx_ring_free(r);
}
END_TEST

/* A gate with writes in flight holds several buffers (taken, not yet
 * released): the trailer gets each only as the gate releases it, in
 * order. */
START_TEST(test_ring_gate_holds_several)
{
	fx_ring *r = NULL;
	fx_ring_slot s;
	trailer t;
	pthread_t th;
	int i;

	ck_assert_int_eq(fx_ring_new(&r, 4, 4096, 2), 0);
	fx_ring_add_gate(r, 1);
	memset(&t, 0, sizeof(t));
	t.ring = r;
	t.c = 0;
	ck_assert_int_eq(pthread_create(&th, NULL, trail_main, &t), 0);
	for (i = 0; i < 3; i++) {
		publish(r, (uint64_t)i * 512);
		ck_assert_int_eq(fx_ring_next(r, 1, &s), 1);
		ck_assert_uint_eq(s.offset, (uint64_t)i * 512); /* the next one each time */
	}
	usleep(100000);
	ck_assert_int_eq(trail_taken(&t), 0); /* none released yet */
	fx_ring_release(r, 1);                /* the oldest: offset 0 */
	ck_assert_int_eq(trail_wait(&t, 1), 1);
	usleep(50000);
	ck_assert_int_eq(trail_taken(&t), 1);
	fx_ring_release(r, 1);
	fx_ring_release(r, 1);
	ck_assert_int_eq(trail_wait(&t, 3), 3);
	fx_ring_close(r);
	ck_assert_int_eq(fx_ring_next(r, 1, &s), 0); /* drained */
	pthread_join(th, NULL);
	ck_assert_int_eq(t.done, 1);
	ck_assert_int_eq(t.taken, 3);
	ck_assert_int_eq(t.skipped, 0);
	fx_ring_free(r);
}
END_TEST

static Suite *conc_suite(void)
{
	Suite *s = suite_create("conc");
	TCase *tc = tcase_create("jobq");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_order_under_random_delays);
	tcase_add_test(tc, test_many_more_jobs_than_slots);
	tcase_add_test(tc, test_caller_consumer_in_order);
	tcase_add_test(tc, test_worker_failure_stops_everyone);
	tcase_add_test(tc, test_consumer_failure_stops_everyone);
	tcase_add_test(tc, test_first_failure_wins);
	tcase_add_test(tc, test_cancel_wakes_producer_and_consumer);
	tcase_add_test(tc, test_free_with_jobs_in_flight);
	tcase_add_test(tc, test_finish_drains_jobs_in_flight);
	tcase_add_test(tc, test_thread_names);
	tcase_add_test(tc, test_bad_options);
	tcase_add_test(tc, test_free_unstarted);
	suite_add_tcase(s, tc);
	tc = tcase_create("ring");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_ring_gates);
	tcase_add_test(tc, test_ring_gate_holds_several);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(conc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
