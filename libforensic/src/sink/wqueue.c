/*
 * Queued file writes (see wqueue.h) over the ordered job queue.
 *
 * Why: a sink thread that writes one block at a time leaves the
 * destination idle from the end of each write until the thread gets a
 * CPU again to issue the next, and on a machine whose cores are busy
 * hashing that wait is long (issue 15: 60-70% of the storage's speed).
 * With the writes queued, a writer thread has the next block in hand
 * when the previous one completes, and the sink thread is free to queue
 * more (and to hash a split image's segments) meanwhile.
 *
 * Threads: one producer (the owner's thread: push, drain, free), the
 * jobq's writers (pwrite of their job, nothing else) and its consumer
 * (the owner's done callback, in order). `jobs` follows the jobq's slot
 * ownership. `pushed` is the producer's; `finished` is guarded by `lock`
 * and counts the jobs whose done callback has returned.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "conc/jobq.h"
#include "sink/wqueue.h"

struct fx_wqueue {
	fx_jobq *q;
	fx_wq_job jobs[FX_WQUEUE_DEPTH];   /* by jobq slot */
	fx_wqueue_done_fn done;            /* immutable */
	void *payload;                     /* immutable */
	char writer_name[16], done_name[16];
	uint64_t pushed;                   /* producer */
	pthread_mutex_t lock;
	pthread_cond_t idle;               /* signalled as jobs finish */
	uint64_t finished;                 /* lock */
};

/* All of len bytes at pos, or an errno. */
static int pwrite_all(int fd, const uint8_t *data, size_t len, uint64_t pos)
{
	ssize_t n;

	while (len) {
		n = pwrite(fd, data, len, (off_t)pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return ENOSPC;
		data += n;
		pos += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int wq_work(void *payload, unsigned worker, size_t slot, uint64_t seq)
{
	fx_wqueue *w = payload;
	fx_wq_job *j = &w->jobs[slot];

	(void)worker;
	(void)seq;
	j->err = j->len ? pwrite_all(j->fd, j->data, j->len, j->pos) : 0;
	return 0; /* a failed write is the owner's to judge, in order */
}

static int wq_consume(void *payload, size_t slot, uint64_t seq)
{
	fx_wqueue *w = payload;

	(void)seq;
	w->done(w->payload, &w->jobs[slot]);
	pthread_mutex_lock(&w->lock);
	w->finished++;
	pthread_cond_broadcast(&w->idle);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

int fx_wqueue_new(fx_wqueue **out, const char *name, fx_wqueue_done_fn done,
		  void *payload)
{
	fx_jobq_options o = { 0 };
	fx_wqueue *w;
	int rc;

	*out = NULL;
	if (!(w = calloc(1, sizeof(*w))))
		return fx_error_set(FX_ERROR, "out of memory for a write queue");
	w->done = done;
	w->payload = payload;
	snprintf(w->writer_name, sizeof(w->writer_name), "%.12s/", name);
	snprintf(w->done_name, sizeof(w->done_name), "%.12s/d", name);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->idle, NULL);
	o.nslots = FX_WQUEUE_DEPTH;
	o.nworkers = FX_WQUEUE_WRITERS;
	o.work = wq_work;
	o.consume = wq_consume;
	o.payload = w;
	o.worker_name = w->writer_name;
	o.consumer_name = w->done_name;
	if ((rc = fx_jobq_new(&w->q, &o)) != 0 || (rc = fx_jobq_start(w->q)) != 0) {
		fx_wqueue_free(w);
		return fx_error_set(FX_ERROR, "cannot start the writer threads");
	}
	*out = w;
	return 0;
}

int fx_wqueue_push(fx_wqueue *w, const fx_wq_job *job)
{
	size_t slot;
	uint64_t seq;

	if (fx_jobq_claim(w->q, &slot, &seq) != 0)
		return FX_ERROR;
	w->jobs[slot] = *job;
	w->jobs[slot].err = 0;
	w->pushed++;
	fx_jobq_submit(w->q);
	return 0;
}

void fx_wqueue_drain(fx_wqueue *w)
{
	pthread_mutex_lock(&w->lock);
	while (w->finished < w->pushed) /* its jobs never fail the jobq */
		pthread_cond_wait(&w->idle, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

void fx_wqueue_free(fx_wqueue *w)
{
	if (!w)
		return;
	if (w->q) {
		fx_jobq_finish(w->q); /* every job pushed is written and reported */
		fx_jobq_free(w->q);
	}
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->idle);
	free(w);
}
