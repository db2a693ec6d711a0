/*
 * An ordered job queue: one producer fills job slots in sequence, N worker
 * threads do the jobs in any order, one consumer takes the finished jobs
 * strictly in sequence. Used by the E01 writer (the sink thread produces,
 * deflate/N compress, ewf-writer writes) and the E01 reader (ewf-fetch
 * produces, inflate/N decompress, the caller of pread consumes).
 *
 * The queue owns no job data: it hands out slot indices (0..nslots-1) and
 * sequence numbers, and the user keeps an array of nslots jobs of its own,
 * allocated once. Job seq lives in slot seq % nslots; a slot is reused only
 * after the consumer released the job before it, so memory is fixed.
 *
 * Ownership of a slot's data follows the job: the producer's from claim to
 * submit, one worker's while it runs `work`, the consumer's from the moment
 * it receives the job until it releases it. The queue's lock orders the
 * hand-overs, so the data itself needs no lock.
 *
 * Failure: the first failure (a worker or the consumer returning an error,
 * fx_jobq_fail, fx_jobq_cancel) stops the queue. Every thread waiting in it
 * wakes, workers and the consumer thread stop after the job they are
 * running, and every later call that would wait returns that failure (its
 * code, and its message as the caller's last error).
 */
#ifndef FX_JOBQ_H
#define FX_JOBQ_H

#include <stddef.h>
#include <stdint.h>

typedef struct fx_jobq fx_jobq;

typedef struct fx_jobq_options {
	size_t nslots;       /* jobs in flight, at least 1 */
	unsigned nworkers;   /* worker threads, at least 1 */
	/* Worker `worker` (0..nworkers-1) does job seq, held in slot. Returns
	 * 0, or a negative FX_E code with fx_error_last() set: the queue
	 * fails with that code and message. */
	int (*work)(void *payload, unsigned worker, size_t slot, uint64_t seq);
	/* If set, a consumer thread calls it for every finished job, in
	 * sequence order, and releases the slot when it returns 0; an error
	 * fails the queue as for work. NULL: the caller consumes, with
	 * fx_jobq_next and fx_jobq_release. */
	int (*consume)(void *payload, size_t slot, uint64_t seq);
	void *payload;
	const char *worker_name;   /* workers are named worker_name + index,
				    * e.g. "deflate/" gives deflate/0 */
	const char *consumer_name; /* the consumer thread's name */
} fx_jobq_options;

/* Allocates a queue (no thread yet). 0, or FX_EUSAGE for a bad option,
 * FX_ERROR when out of memory. */
int fx_jobq_new(fx_jobq **out, const fx_jobq_options *o);

/* Starts the workers, then the consumer thread if there is one, each named
 * for top -H and ps -T. On failure the threads started are stopped and
 * joined, the queue is failed, and FX_ERROR is returned (a caller names
 * what could not start). Called once. */
int fx_jobq_start(fx_jobq *q);

/* Cancels the queue if its threads still run, joins them and frees it.
 * NULL is fine. */
void fx_jobq_free(fx_jobq *q);

/* Producer: waits until the slot of the next job is free and gives it
 * (*slot, *seq). 0, or the queue's failure. Every claim is followed by a
 * submit before the next claim. */
int fx_jobq_claim(fx_jobq *q, size_t *slot, uint64_t *seq);
/* Producer: hands the claimed job to the workers. */
void fx_jobq_submit(fx_jobq *q);
/* Producer: no more jobs. Workers finish every submitted job and the
 * consumer receives them all, then they stop. A claimed job that was not
 * submitted is dropped. */
void fx_jobq_close(fx_jobq *q);

/* Consumer (a queue without a consume callback): waits for the next job in
 * sequence and gives its slot and seq; until that job is released, the
 * same job is given again. 1 with a job, 0 when the queue is closed and
 * every job was received, or the queue's failure. */
int fx_jobq_next(fx_jobq *q, size_t *slot, uint64_t *seq);
/* Consumer: done with the job fx_jobq_next gave; its slot is free again. */
void fx_jobq_release(fx_jobq *q);

/* Fails the queue with code and msg unless it failed already (the first
 * failure wins). Any thread. */
void fx_jobq_fail(fx_jobq *q, int code, const char *msg);
/* Stops the queue now, dropping the jobs in it: fx_jobq_fail(q, FX_ERROR,
 * "job queue cancelled"). Any thread. */
void fx_jobq_cancel(fx_jobq *q);
/* 0, or the first failure's code, with its message set as the caller's
 * last error. */
int fx_jobq_error(fx_jobq *q);

/* Closes the queue, waits until the workers and the consumer thread have
 * finished every job (or stopped on a failure) and joins them. The caller's
 * last error is left as it is: fx_jobq_error tells how it ended. With a
 * caller consumer, the finished jobs not yet received stay receivable. */
void fx_jobq_finish(fx_jobq *q);

#endif
