/*
 * The ordered job queue (see jobq.h): a fixed ring of slot states indexed
 * by sequence number, three counters and one lock.
 *
 * A job moves FREE -> FILLING (claim) -> QUEUED (submit) -> WORKING (a
 * worker took it) -> DONE (work returned) -> FREE (the consumer released
 * it). Job seq is in slot seq % nslots. Workers take jobs in sequence
 * (`taken`), so the oldest job is always the first to be worked on and the
 * consumer waits as little as it can; they may finish in any order, and the
 * consumer waits for the slot of `consumed` to be DONE.
 *
 * Each condition variable has one kind of waiter: `work` the workers,
 * `done` the consumer, `freed` the producer. A hand-over wakes one waiter
 * (there is only one producer and one consumer, and any worker will do);
 * close and failure wake all. So a job costs a handful of lock operations,
 * nothing next to compressing or inflating a megabyte.
 *
 * Threads and ownership, field by field, in struct fx_jobq below. The
 * "owner" is the thread that calls new, start, finish and free.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/error.h"
#include "conc/jobq.h"

#define JOBQ_ERROR_MAX 1024
#define JOBQ_NAME_MAX 16 /* Linux thread names: 15 bytes and the NUL */

enum { SLOT_FREE, SLOT_FILLING, SLOT_QUEUED, SLOT_WORKING, SLOT_DONE };

typedef struct jobq_worker {
	fx_jobq *q;              /* immutable */
	unsigned index;          /* immutable */
	pthread_t thread;        /* owner */
} jobq_worker;

struct fx_jobq {
	fx_jobq_options o;       /* immutable after new */
	jobq_worker *workers;    /* immutable after new; threads: owner */
	pthread_t consumer;      /* owner */
	unsigned nstarted;       /* owner: workers running or not joined */
	int consumer_started;    /* owner */

	pthread_mutex_t lock;
	pthread_cond_t work;     /* workers wait: a job queued, close, stop */
	pthread_cond_t done;     /* consumer waits: a job done, close, stop */
	pthread_cond_t freed;    /* producer waits: a slot freed, stop */
	unsigned char *state;    /* lock: SLOT_* of each slot */
	uint64_t submitted;      /* lock; written by the producer only */
	uint64_t taken;          /* lock: jobs given to workers */
	uint64_t consumed;       /* lock; written by the consumer only */
	int closed;              /* lock: no more jobs will be submitted */
	int stopped;             /* lock: failed or cancelled */
	int error_code;          /* lock: set once, with stopped */
	char error[JOBQ_ERROR_MAX]; /* lock: set once, with stopped */
};

/* Under lock. */
static void fail_locked(fx_jobq *q, int code, const char *msg)
{
	if (!q->stopped) {
		q->stopped = 1;
		q->error_code = code;
		snprintf(q->error, sizeof(q->error), "%s", msg);
	}
	pthread_cond_broadcast(&q->work);
	pthread_cond_broadcast(&q->done);
	pthread_cond_broadcast(&q->freed);
}

/* Under lock: the failure as the calling thread's last error. */
static int error_locked(const fx_jobq *q)
{
	return q->stopped ? fx_error_set(q->error_code, "%s", q->error) : 0;
}

void fx_jobq_fail(fx_jobq *q, int code, const char *msg)
{
	pthread_mutex_lock(&q->lock);
	fail_locked(q, code, msg);
	pthread_mutex_unlock(&q->lock);
}

void fx_jobq_cancel(fx_jobq *q)
{
	fx_jobq_fail(q, FX_ERROR, "job queue cancelled");
}

int fx_jobq_error(fx_jobq *q)
{
	int rc;

	pthread_mutex_lock(&q->lock);
	rc = error_locked(q);
	pthread_mutex_unlock(&q->lock);
	return rc;
}

/* ---- producer ------------------------------------------------------------ */

int fx_jobq_claim(fx_jobq *q, size_t *slot, uint64_t *seq)
{
	size_t i;
	int rc = 0;

	pthread_mutex_lock(&q->lock);
	i = q->submitted % q->o.nslots;
	while (!q->stopped && q->state[i] != SLOT_FREE)
		pthread_cond_wait(&q->freed, &q->lock);
	if (q->stopped) {
		rc = error_locked(q);
	} else {
		q->state[i] = SLOT_FILLING;
		*slot = i;
		*seq = q->submitted;
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

void fx_jobq_submit(fx_jobq *q)
{
	pthread_mutex_lock(&q->lock);
	q->state[q->submitted % q->o.nslots] = SLOT_QUEUED;
	q->submitted++;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->lock);
}

void fx_jobq_close(fx_jobq *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = 1;
	pthread_cond_broadcast(&q->work);
	pthread_cond_broadcast(&q->done);
	pthread_mutex_unlock(&q->lock);
}

/* ---- workers ------------------------------------------------------------- */

static void *worker_main(void *arg)
{
	jobq_worker *w = arg;
	fx_jobq *q = w->q;
	uint64_t seq;
	size_t i;
	int rc;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->stopped && q->taken == q->submitted && !q->closed)
			pthread_cond_wait(&q->work, &q->lock);
		if (q->stopped || q->taken == q->submitted)
			break;
		seq = q->taken++;
		i = seq % q->o.nslots;
		q->state[i] = SLOT_WORKING;
		pthread_mutex_unlock(&q->lock);
		rc = q->o.work(q->o.payload, w->index, i, seq);
		pthread_mutex_lock(&q->lock);
		if (rc != 0) {
			fail_locked(q, rc, fx_error_last());
			break;
		}
		q->state[i] = SLOT_DONE;
		pthread_cond_signal(&q->done);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* ---- consumer ------------------------------------------------------------ */

/* Under lock: waits for the next job in sequence; 1 when it is DONE, 0
 * when there is none (closed and all received, or stopped). */
static int wait_next(fx_jobq *q)
{
	size_t i = q->consumed % q->o.nslots;

	while (!q->stopped && q->state[i] != SLOT_DONE &&
	       !(q->closed && q->consumed == q->submitted))
		pthread_cond_wait(&q->done, &q->lock);
	return !q->stopped && q->state[i] == SLOT_DONE;
}

/* Under lock. */
static void release_locked(fx_jobq *q)
{
	q->state[q->consumed % q->o.nslots] = SLOT_FREE;
	q->consumed++;
	pthread_cond_signal(&q->freed);
}

static void *consumer_main(void *arg)
{
	fx_jobq *q = arg;
	uint64_t seq;
	int rc;

	pthread_mutex_lock(&q->lock);
	while (wait_next(q)) {
		seq = q->consumed;
		pthread_mutex_unlock(&q->lock);
		rc = q->o.consume(q->o.payload, seq % q->o.nslots, seq);
		pthread_mutex_lock(&q->lock);
		if (rc != 0) {
			fail_locked(q, rc, fx_error_last());
			break;
		}
		release_locked(q);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

int fx_jobq_next(fx_jobq *q, size_t *slot, uint64_t *seq)
{
	int rc;

	pthread_mutex_lock(&q->lock);
	if ((rc = wait_next(q)) == 1) {
		*seq = q->consumed;
		*slot = q->consumed % q->o.nslots;
	} else {
		rc = error_locked(q);
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

void fx_jobq_release(fx_jobq *q)
{
	pthread_mutex_lock(&q->lock);
	release_locked(q);
	pthread_mutex_unlock(&q->lock);
}

/* ---- life cycle ---------------------------------------------------------- */

int fx_jobq_new(fx_jobq **out, const fx_jobq_options *o)
{
	fx_jobq *q;
	unsigned i;

	*out = NULL;
	if (!o || o->nslots == 0 || o->nworkers == 0 || !o->work)
		return fx_error_set(FX_EUSAGE,
				    "job queue: needs slots, workers and a work function");
	if (!(q = calloc(1, sizeof(*q))))
		return fx_error_set(FX_ERROR, "out of memory");
	q->o = *o;
	q->state = calloc(o->nslots, sizeof(*q->state));
	q->workers = calloc(o->nworkers, sizeof(*q->workers));
	if (!q->state || !q->workers) {
		free(q->state);
		free(q->workers);
		free(q);
		return fx_error_set(FX_ERROR, "out of memory");
	}
	for (i = 0; i < o->nworkers; i++) {
		q->workers[i].q = q;
		q->workers[i].index = i;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->done, NULL);
	pthread_cond_init(&q->freed, NULL);
	*out = q;
	return 0;
}

static void join_all(fx_jobq *q)
{
	for (; q->nstarted > 0; q->nstarted--)
		pthread_join(q->workers[q->nstarted - 1].thread, NULL);
	if (q->consumer_started)
		pthread_join(q->consumer, NULL);
	q->consumer_started = 0;
}

static void name_thread(pthread_t t, const char *prefix, unsigned index,
			int numbered)
{
	char name[JOBQ_NAME_MAX + 16]; /* room for any %u; 15 chars are used */

	if (!prefix)
		return;
	if (numbered)
		snprintf(name, sizeof(name), "%s%u", prefix, index);
	else
		snprintf(name, sizeof(name), "%s", prefix);
	name[JOBQ_NAME_MAX - 1] = '\0';
	pthread_setname_np(t, name);
}

int fx_jobq_start(fx_jobq *q)
{
	int err = 0;

	while (q->nstarted < q->o.nworkers) {
		jobq_worker *w = &q->workers[q->nstarted];

		if ((err = pthread_create(&w->thread, NULL, worker_main, w)) != 0)
			break;
		q->nstarted++;
		name_thread(w->thread, q->o.worker_name, w->index, 1);
	}
	if (err == 0 && q->o.consume &&
	    (err = pthread_create(&q->consumer, NULL, consumer_main, q)) == 0) {
		q->consumer_started = 1;
		name_thread(q->consumer, q->o.consumer_name, 0, 0);
	}
	if (err == 0)
		return 0;
	fx_jobq_fail(q, FX_ERROR, "job queue: cannot start its threads");
	join_all(q);
	return fx_error_set_errno(FX_ERROR, err, "job queue: cannot start a thread");
}

void fx_jobq_finish(fx_jobq *q)
{
	fx_jobq_close(q);
	join_all(q);
}

void fx_jobq_free(fx_jobq *q)
{
	if (!q)
		return;
	if (q->nstarted || q->consumer_started) {
		fx_jobq_cancel(q);
		join_all(q);
	}
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->done);
	pthread_cond_destroy(&q->freed);
	free(q->state);
	free(q->workers);
	free(q);
}
