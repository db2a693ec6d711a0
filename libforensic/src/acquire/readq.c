/*
 * Several reads in flight for a block device (see readq.h), over the
 * ordered job queue: the pipeline's reader thread is both its producer
 * (one job per piece of a block) and its consumer (it collects the
 * pieces, in order, before it publishes the block), and
 * FX_READQ_READERS threads pread the pieces. The queue holds as many
 * jobs as a block has pieces, so a block's pieces are all in flight at
 * once and the reader waits only for the slowest.
 *
 * Threads: `jobs` follows the jobq's slot ownership (the reader's from
 * claim to submit and from next to release, one reader thread's while
 * it reads); `src` is read by the reader threads through pread only.
 */
#include <errno.h>
#include <stdlib.h>

#include "acquire/readq.h"
#include "base/error.h"
#include "conc/jobq.h"

typedef struct read_job {
	uint8_t *buf;
	size_t len;
	uint64_t offset;
	int64_t got;       /* what fx_source_pread returned */
} read_job;

struct fx_readq {
	fx_jobq *q;
	fx_source *src;
	read_job jobs[FX_READQ_READERS];
};

static int read_piece(void *payload, unsigned worker, size_t slot, uint64_t seq)
{
	fx_readq *r = payload;
	read_job *j = &r->jobs[slot];

	(void)worker;
	(void)seq;
	j->got = fx_source_pread(r->src, j->buf, j->len, j->offset);
	return 0; /* a failed piece is the pipeline's to judge */
}

int fx_readq_new(fx_readq **out, fx_source *src)
{
	fx_jobq_options o = { 0 };
	fx_readq *r;

	*out = NULL;
	if (!(r = calloc(1, sizeof(*r))))
		return fx_error_set(FX_ERROR, "out of memory for the readers");
	r->src = src;
	o.nslots = FX_READQ_READERS;
	o.nworkers = FX_READQ_READERS;
	o.work = read_piece;
	o.payload = r;
	o.worker_name = "read/";
	if (fx_jobq_new(&r->q, &o) != 0 || fx_jobq_start(r->q) != 0) {
		fx_readq_free(r);
		return fx_error_set(FX_ERROR, "cannot start the reader threads");
	}
	*out = r;
	return 0;
}

static int is_gone(int64_t n)
{
	return n == -ENODEV || n == -ENXIO || n == -ENOMEDIUM;
}

int64_t fx_readq_pread(fx_readq *r, uint8_t *buf, size_t len,
		       uint64_t offset, uint32_t align)
{
	size_t piece = (len / FX_READQ_READERS + align - 1) / align * align;
	size_t at, slot, npieces = 0, i;
	uint64_t seq;
	int64_t bad = 0;

	if (piece == 0)
		piece = align;
	for (at = 0; at < len; at += piece, npieces++) {
		if (fx_jobq_claim(r->q, &slot, &seq) != 0)
			return -EIO;
		r->jobs[slot].buf = buf + at;
		r->jobs[slot].len = len - at < piece ? len - at : piece;
		r->jobs[slot].offset = offset + at;
		fx_jobq_submit(r->q);
	}
	for (i = 0; i < npieces; i++) {
		if (fx_jobq_next(r->q, &slot, &seq) != 1)
			return -EIO;
		if (r->jobs[slot].got != (int64_t)r->jobs[slot].len &&
		    (bad == 0 || is_gone(r->jobs[slot].got)) && !is_gone(bad))
			bad = r->jobs[slot].got < 0 ? r->jobs[slot].got : -EIO;
		fx_jobq_release(r->q);
	}
	return bad ? bad : (int64_t)len;
}

void fx_readq_free(fx_readq *r)
{
	if (!r)
		return;
	if (r->q) {
		fx_jobq_finish(r->q);
		fx_jobq_free(r->q);
	}
	free(r);
}
