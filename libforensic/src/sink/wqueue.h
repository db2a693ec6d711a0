/*
 * Queued file writes: a few pwrite()s in flight to the files a sink
 * created, their ends reported strictly in the order they were queued.
 * Built on the ordered job queue (conc/jobq): the queuing thread is its
 * producer, FX_WQUEUE_WRITERS writer threads its workers, and one thread
 * its consumer, which calls the owner's done callback job by job.
 *
 * A job writes len bytes of data at pos of fd (all of them: short writes
 * and EINTR are resumed, a write that makes no progress is ENOSPC), or
 * nothing when len is 0 (a marker that only keeps its place in the
 * order). Its errno, if any, is in the job when done sees it. The data
 * must stay valid, and fd open, until done has been called for the job.
 */
#ifndef FX_WQUEUE_H
#define FX_WQUEUE_H

#include <stddef.h>
#include <stdint.h>

/* Writer threads and jobs in flight, sized by measurement (docs/
 * performance.md): on ext4 with O_DIRECT, 2 writers of 1 MiB wrote 5-15%
 * faster than 1 and 4 or 8 were slower; 4 jobs keep both writers fed
 * while the done thread reports the oldest. */
#define FX_WQUEUE_WRITERS 2
#define FX_WQUEUE_DEPTH 4

typedef struct fx_wqueue fx_wqueue;

/* One write, as queued; the owner's fields ride along to done. */
typedef struct fx_wq_job {
	int fd;
	const uint8_t *data;
	size_t len;                /* 0: nothing to write */
	uint64_t pos;              /* in the file */
	int err;                   /* set by the writer: 0 or an errno */
	/* the owner's, untouched by the queue */
	const char *path;
	uint64_t part_pos, part_image;
	uint64_t tag;
	int last;
	void (*done)(void *payload, uint64_t tag, int rc, const char *why);
	void *done_payload;
} fx_wq_job;

/* Called on the queue's done thread, once per job, in queue order. */
typedef void (*fx_wqueue_done_fn)(void *payload, const fx_wq_job *job);

/* A queue whose threads are named name + "/0", name + "/1" (writers) and
 * name + "/d" (done). 0, or FX_ERROR (out of memory, no thread). */
int fx_wqueue_new(fx_wqueue **out, const char *name, fx_wqueue_done_fn done,
		  void *payload);

/* Queues a copy of job; waits while FX_WQUEUE_DEPTH jobs are in flight.
 * Producer thread only. 0, or FX_ERROR if the queue has stopped. */
int fx_wqueue_push(fx_wqueue *q, const fx_wq_job *job);

/* Waits until done has returned for every job pushed. Producer only. */
void fx_wqueue_drain(fx_wqueue *q);

/* Drains, stops and joins the threads, frees. NULL is fine. */
void fx_wqueue_free(fx_wqueue *q);

#endif
