/*
 * The acquisition pipeline. The calling thread reads the source once, in
 * large blocks, into a fixed ring of buffers (ring.c). Each selected hash
 * algorithm runs on its own thread, the optional window hasher on another,
 * and the sink on another; all of them read the same buffer in place, so
 * throughput is that of the slowest consumer and memory is the ring's.
 *
 * A block that fails to read is re-read sector by sector; each failing
 * sector is tried `retries` more times, then zero-filled and recorded in
 * the bad-sector list (owned by the reader thread until the run ends).
 * A vanished device, a failed sink or a cancel request stop the reader;
 * consumers always drain what was published, so the hashes and the image
 * cover exactly the bytes reported. Threads carry their job's name ("md5",
 * "sha1", "sha256", "window", "sink", "copy/N") for top -H and ps -T.
 *
 * Copies: the sink and up to FX_ACQUIRE_MAX_COPIES more are destinations,
 * each a gate consumer of the ring on its own thread, so a slow one holds
 * the others back by the ring's depth at most, and the hashers trail the
 * destinations still writing. A destination whose write fails drops out
 * (ring.c: fx_ring_drop_gate) with the byte it failed at, is finished as
 * failed, and the run goes on for the others; the last one to fail cuts
 * the stream, so a run that lost every destination ends exactly as a run
 * with one sink that failed.
 *
 * Option rules live in fx_acquire_options_check, which callers use to
 * refuse a bad value before they write anything. What the source is
 * (size, sectors, kind) comes from its public info, never from its
 * insides.
 *
 * Checkpoints (resume). Every checkpoint_bytes or checkpoint_ms the reader
 * marks the block that ends at a block boundary X (cp_offset; one in flight
 * at a time). Each hash thread, having hashed that block, peeks its digest
 * of [0, X) into cp_digests; the sink thread fdatasyncs its files; every
 * consumer then counts itself in cp_done. The reader, which polls cp_done
 * between blocks, hands the finished checkpoint (with its bad ranges, which
 * it owns) to the caller's callback on its own thread, so the case
 * database is only ever used from the caller's thread. A resumed run
 * first streams the image's stored prefix [0, resume_offset) through the
 * ring (the sink skips it: it is already there) with a checkpoint mark at
 * its end, waits for it, and compares the prefix's digests with the
 * recorded ones before it reads the source: a mismatch ends the run with
 * nothing appended.
 *
 * The result is the caller's to read: its error is an owned copy
 * of the message, and fx_casedb_result_from_run turns it into the case
 * database's record without a copy of its arrays.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "base/vec.h"
#include "forensic/acquire.h"
#include "hash/hasher.h"
#include "hash/sha256_pair.h"
#include "acquire/place.h"
#include "acquire/readq.h"
#include "conc/ring.h"
#include "sink/sink_impl.h"

typedef struct pipeline pipeline;

/* One destination (the sink or a copy). Its thread owns the fields until
 * it is joined, but for `failed`, which the reader reads. */
typedef struct dest {
	fx_sink *sink;
	unsigned index;                  /* its consumer in the ring */
	volatile int failed;             /* set once by its thread */
	int error_code;                  /* why it failed (FX_E*) */
	uint64_t cut_offset;             /* the byte its write failed at */
	char error[1024];
	int offloaded;                   /* its segment hashes are the SHA-256 thread's */
	/* Bytes it has written so far: its thread stores, anyone may read
	 * (atomics), e.g. a progress of each copy. */
	uint64_t written;
} dest;

#define FX_MAX_DESTS (1 + FX_ACQUIRE_MAX_COPIES)

/* One consumer thread; fields are owned by that thread until joined. */
typedef struct consumer {
	pipeline *p;
	unsigned index;                  /* in the ring */
	unsigned alg;                    /* hash consumers */
	fx_hasher *hasher;
	/* The SHA-256 consumer, when destinations have segments to hash
	 * (p->seg_size): the media's and the segment's digests at once, and
	 * the bytes of the current segment it has hashed */
	fx_sha256_pair *pair;
	uint64_t in_seg;
	dest *d;                         /* sink consumers */
	void *(*run)(void *);
	const char *name;                /* of the thread, for top -H, ps -T */
	pthread_t thread;
	int started;
} consumer;

struct pipeline {
	fx_ring *ring;
	fx_source *src;
	fx_readq *readq;                 /* reader: a device's reads in flight */
	const fx_source_info *info;      /* src's, as fx_source_get_info says */
	const fx_acquire_options *opts;
	consumer consumers[FX_RING_MAX_CONSUMERS];
	unsigned nconsumers;
	dest dests[FX_MAX_DESTS];        /* the sink, then the copies */
	unsigned ndests;
	/* Set once, by the thread of the last destination to fail (the one
	 * that cut the ring), read by the reader: stop reading. */
	volatile int all_failed;
	dest *cutter;                    /* that destination; read after join */
	fx_digests digests;              /* hash threads, each its own field */
	fx_window_hash *windows;         /* window thread */
	size_t nwindows, windows_cap;
	/* Segment hashes of the destinations that left them to the pipeline
	 * (segment_setup): the SHA-256 thread's until it is joined. */
	uint64_t seg_size;               /* 0: none */
	fx_segment_digest *segs;
	size_t nsegs, segs_cap;
	int segs_lost;                   /* out of memory: the rest from storage */
	fx_acquire_result *res;          /* reader thread (bad list, bytes) */
	size_t bad_cap;
	uint64_t fail_run;               /* reader: consecutive failed bytes */
	uint64_t last_good;              /* reader: offset of a sector read well */
	int have_good;
	/* reader: the counts the progress reports, as read (the result's
	 * may be cut back to what reached the image when the sink fails) */
	uint64_t read_bytes, read_bad;
	double last_report;              /* reader: when it last reported */
	int size_unknown;                /* a stream of no size given */
	int resuming;                    /* reader: re-reading the prefix */
	/* Checkpoint in flight: cp_offset set by the reader (0: none) before
	 * it publishes the block ending there; each consumer fills its part
	 * of cp_digests (hash threads, own field) or syncs (sink), then
	 * increments cp_done; the reader reads them once cp_done counts all
	 * consumers, then resets both. Atomics order the hand-over. */
	uint64_t cp_offset;
	unsigned cp_done;
	int cp_failed;                   /* sink: the sync failed */
	fx_digests cp_digests;
	uint64_t cp_last;                /* reader: offset of the last one */
	double cp_last_t;                /* reader: when */
};

/*
 * A dying drive may answer EIO for everything instead of ENODEV. After this
 * many consecutive unreadable bytes the reader re-reads the last sector
 * that read well: if that fails too, the device is treated as gone.
 */
#define FX_VANISH_PROBE_BYTES ((uint64_t)16 << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether slot s ends at the checkpoint in flight (never one past a cut). */
static int at_checkpoint(pipeline *p, const fx_ring_slot *s)
{
	uint64_t cp = __atomic_load_n(&p->cp_offset, __ATOMIC_ACQUIRE);

	return cp && !s->skip && s->offset + s->len == cp;
}

static void checkpoint_done(pipeline *p)
{
	__atomic_add_fetch(&p->cp_done, 1, __ATOMIC_ACQ_REL);
}

/* The SHA-256 thread's segment digest of the c->in_seg bytes lane 1 holds
 * (cut: and lane 1 starts anew, at a segment boundary). */
static void segment_push(consumer *c, int cut)
{
	pipeline *p = c->p;
	char hex[65];

	if (!cut)
		fx_sha256_pair_peek_hex(c->pair, 1, hex, sizeof(hex));
	else if (fx_sha256_pair_cut_hex(c->pair, hex, sizeof(hex)) != 0)
		p->segs_lost = 1; /* never: segments are whole blocks */
	if (!p->segs_lost &&
	    FX_VEC_RESERVE(p->segs, p->segs_cap, p->nsegs + 1) != 0)
		p->segs_lost = 1;
	if (!p->segs_lost) {
		p->segs[p->nsegs].bytes = c->in_seg;
		memcpy(p->segs[p->nsegs++].sha256, hex, sizeof(hex));
	}
	c->in_seg = 0;
}

/* Both lanes, the segment's cut at each p->seg_size bytes. */
static void pair_update(consumer *c, const uint8_t *data, size_t len)
{
	uint64_t seg = c->p->seg_size;
	size_t take;

	while (len) {
		take = len;
		if (take > seg - c->in_seg)
			take = (size_t)(seg - c->in_seg);
		fx_sha256_pair_update(c->pair, data, take);
		c->in_seg += take;
		data += take;
		len -= take;
		if (c->in_seg == seg)
			segment_push(c, 1);
	}
}

static void *hash_main(void *arg)
{
	consumer *c = arg;
	fx_ring_slot s;
	fx_digests *d = &c->p->digests;
	char *out = c->alg == FX_HASH_MD5 ? d->md5
		    : c->alg == FX_HASH_SHA1 ? d->sha1 : d->sha256;

	while (fx_ring_next(c->p->ring, c->index, &s)) {
		if (!s.skip && c->pair)
			pair_update(c, s.data, s.len);
		else if (!s.skip)
			fx_hasher_update(c->hasher, s.data, s.len);
		if (at_checkpoint(c->p, &s)) {
			fx_digests *cd = &c->p->cp_digests;
			char *cp = c->alg == FX_HASH_MD5 ? cd->md5
				   : c->alg == FX_HASH_SHA1 ? cd->sha1 : cd->sha256;

			if (c->pair)
				fx_sha256_pair_peek_hex(c->pair, 0, cp, sizeof(cd->sha256));
			else
				fx_hasher_peek_hex(c->hasher, cp, sizeof(cd->sha256));
			checkpoint_done(c->p);
		}
		fx_ring_release(c->p->ring, c->index);
	}
	if (c->pair) {
		fx_sha256_pair_peek_hex(c->pair, 0, out, sizeof(d->sha256));
		if (c->in_seg)
			segment_push(c, 0);
	} else {
		fx_hasher_final_hex(c->hasher, out, sizeof(d->sha256));
	}
	return NULL;
}

static int window_push(pipeline *p, uint64_t offset, uint64_t length,
		       fx_hasher *h)
{
	fx_window_hash *w;

	if (FX_VEC_RESERVE(p->windows, p->windows_cap, p->nwindows + 1) != 0)
		return -1;
	w = &p->windows[p->nwindows++];
	w->offset = offset;
	w->length = length;
	fx_hasher_final_hex(h, w->sha256, sizeof(w->sha256));
	return 0;
}

/* SHA-256 of each hash_window bytes of the stream. */
static void *window_main(void *arg)
{
	consumer *c = arg;
	pipeline *p = c->p;
	uint64_t size = p->opts->hash_window, start = 0, filled = 0;
	fx_ring_slot s;
	size_t at, take;

	while (fx_ring_next(p->ring, c->index, &s)) {
		for (at = 0; !s.skip && at < s.len; at += take) {
			take = s.len - at;
			if (take > size - filled)
				take = (size_t)(size - filled);
			fx_hasher_update(c->hasher, s.data + at, take);
			filled += take;
			if (filled == size) {
				window_push(p, start, filled, c->hasher);
				start += filled;
				filled = 0;
			}
		}
		if (at_checkpoint(p, &s))
			checkpoint_done(p);
		fx_ring_release(p->ring, c->index);
	}
	if (filled)
		window_push(p, start, filled, c->hasher);
	return NULL;
}

/* A destination's write has ended (on its thread, or on its sink's done
 * thread: in order either way). The first failure drops the destination
 * from the ring's gates at the buffer it failed on; every buffer is then
 * released, in order, so the hashers get it. end: the stream offset the
 * buffer ends at, 0 for one that wrote nothing. */
static void dest_done(void *payload, uint64_t end, int rc, const char *why)
{
	consumer *c = payload;
	pipeline *p = c->p;
	dest *d = c->d;

	if (rc && !__atomic_load_n(&d->failed, __ATOMIC_ACQUIRE)) {
		d->error_code = rc;
		snprintf(d->error, sizeof(d->error), "%s", why ? why : "write failed");
		/* the buffers before this one are all written */
		d->cut_offset = __atomic_load_n(&d->written, __ATOMIC_RELAXED);
		__atomic_store_n(&d->failed, 1, __ATOMIC_RELEASE);
		/* the last one: hashes stop where the images stop */
		if (fx_ring_drop_gate(p->ring, c->index)) {
			p->cutter = d;
			__atomic_store_n(&p->all_failed, 1, __ATOMIC_RELEASE);
		}
	} else if (!rc && end) {
		__atomic_store_n(&d->written, end, __ATOMIC_RELAXED);
	}
	fx_ring_release(p->ring, c->index);
}

/* One destination's thread: submits each buffer to its sink (a raw sink
 * keeps several writes in flight and releases each buffer as its write
 * ends, dest_done). A failed one keeps taking buffers, unused, so that
 * the others and the reader go on. */
static void *sink_main(void *arg)
{
	consumer *c = arg;
	pipeline *p = c->p;
	dest *d = c->d;
	fx_ring_slot s;

	while (fx_ring_next(p->ring, c->index, &s)) {
		if (s.offset < p->opts->resume_offset) /* already in the image */
			fx_sink_submit(d->sink, NULL, 0, s.offset + s.len, dest_done, c);
		else if (!__atomic_load_n(&d->failed, __ATOMIC_ACQUIRE) && !s.skip)
			fx_sink_submit(d->sink, s.data, s.len, s.offset + s.len,
				       dest_done, c);
		else
			fx_sink_submit(d->sink, NULL, 0, 0, dest_done, c);
		if (at_checkpoint(p, &s)) {
			/* durable: every write up to it ended, then a flush */
			fx_sink_drain(d->sink);
			if (__atomic_load_n(&d->failed, __ATOMIC_ACQUIRE) ||
			    fx_sink_sync(d->sink) != 0)
				p->cp_failed = 1;
			checkpoint_done(p);
		}
	}
	fx_sink_drain(d->sink); /* every buffer released before the join */
	return NULL;
}

static int add_consumer(pipeline *p, void *(*run)(void *), unsigned alg,
			const char *name)
{
	consumer *c = &p->consumers[p->nconsumers];

	c->p = p;
	c->index = p->nconsumers;
	c->alg = alg;
	c->run = run;
	c->name = name;
	if (alg && fx_hasher_new(&c->hasher, alg) != 0)
		return FX_ERROR;
	p->nconsumers++;
	return 0;
}

static int bad_add(pipeline *p, uint64_t sector)
{
	fx_acquire_result *r = p->res;
	fx_bad_range *last = r->nbad ? &r->bad[r->nbad - 1] : NULL;

	r->bad_sectors++;
	if (last && last->first + last->count == sector) {
		last->count++;
		return 0;
	}
	if (FX_VEC_RESERVE(r->bad, p->bad_cap, r->nbad + 1) != 0)
		return fx_error_set(FX_ERROR, "out of memory for the bad-sector list");
	r->bad[r->nbad].first = sector;
	r->bad[r->nbad].count = 1;
	r->nbad++;
	return 0;
}

static int is_gone(int64_t err)
{
	return err == -ENODEV || err == -ENXIO || err == -ENOMEDIUM;
}

static void note_good(pipeline *p, uint64_t offset)
{
	p->fail_run = 0;
	p->last_good = offset;
	p->have_good = 1;
}

static int vanished(pipeline *p, int64_t err, uint64_t offset)
{
	return fx_error_set_errno(FX_EGONE, (int)-err,
				  "source %s vanished at byte %llu",
				  p->info->path, (unsigned long long)offset);
}

/* A source whose data cannot be decoded (a virtual disk's damaged
 * container, fx_source_open_virtual) fails the run with the source's own
 * reason: retrying or zero-filling would call corruption a bad sector. */
static int source_corrupt(pipeline *p)
{
	char why[1024];

	snprintf(why, sizeof(why), "%s", fx_error_last());
	if (!why[0])
		return fx_error_set(FX_ECORRUPT, "source %s is damaged",
				    p->info->path);
	return fx_error_set(FX_ECORRUPT, "%s", why);
}

/* After a long run of failures: does a sector that read well still read? */
static int still_there(pipeline *p, uint8_t *scratch, uint32_t ssz)
{
	return p->have_good &&
	       fx_source_pread(p->src, scratch, ssz, p->last_good) == (int64_t)ssz;
}

/* Reads one sector with retries; zero-fills and records it on failure. */
static int read_sector(pipeline *p, uint8_t *buf, uint64_t offset,
		       uint32_t ssz)
{
	unsigned attempt;
	int64_t n = -EIO;

	for (attempt = 0; attempt <= p->opts->retries; attempt++) {
		n = fx_source_pread(p->src, buf, ssz, offset);
		if (n == (int64_t)ssz) {
			note_good(p, offset);
			return 0;
		}
		if (is_gone(n))
			break;
	}
	p->fail_run += ssz;
	if (!is_gone(n) && p->fail_run >= FX_VANISH_PROBE_BYTES) {
		if (!still_there(p, buf, ssz))
			return fx_error_set(FX_EGONE,
					    "source %s stopped answering at byte %llu: %llu bytes in a row failed and sector %llu, read before, fails now",
					    p->info->path,
					    (unsigned long long)offset,
					    (unsigned long long)p->fail_run,
					    (unsigned long long)(p->last_good / ssz));
		p->fail_run = 0; /* alive: a bad region, go on */
	}
	if (is_gone(n))
		return vanished(p, n, offset);
	memset(buf, 0, ssz);
	return bad_add(p, offset / ssz);
}

static int is_stream(const pipeline *p)
{
	return p->info->kind == FX_SOURCE_STREAM;
}

/*
 * A stream is read once: a block that fails is not re-read, and a short
 * read is its end (*got: the bytes that came). The stream source has
 * said why it failed (FX_EMISMATCH for data that fails its check).
 */
static int read_stream_block(pipeline *p, uint8_t *buf, size_t len,
			     uint64_t offset, size_t *got)
{
	int64_t n = fx_source_pread(p->src, buf, len, offset);
	int code = fx_error_last_code();

	*got = 0;
	if (n < 0)
		return code < 0 ? code
		       : fx_error_set_errno(FX_EIO, (int)-n, "cannot read %s at byte %llu",
					    p->info->path, (unsigned long long)offset);
	*got = (size_t)n;
	return 0;
}

/* A stream of a size given in advance must hold exactly that many bytes:
 * fewer is a failure at the byte where it ended, more at the first byte
 * beyond (one byte more is asked for: a framed stream then reads its
 * trailer). */
static int stream_end_check(pipeline *p, uint64_t off, size_t got)
{
	uint8_t extra;
	size_t more = 0;
	int rc;

	if (off + got < p->res->size)
		return fx_error_set(FX_EIO,
				    "source %s ended at byte %llu, %llu bytes expected",
				    p->info->path, (unsigned long long)(off + got),
				    (unsigned long long)p->res->size);
	if ((rc = read_stream_block(p, &extra, 1, off + got, &more)) != 0)
		return rc;
	if (more)
		return fx_error_set(FX_EIO,
				    "source %s holds more than the %llu bytes expected: byte %llu arrived",
				    p->info->path, (unsigned long long)p->res->size,
				    (unsigned long long)(off + got));
	return 0;
}

/* Reads len bytes at offset into buf, falling back to single sectors. */
static int read_block(pipeline *p, uint8_t *buf, size_t len, uint64_t offset)
{
	uint32_t ssz = p->info->logical_sector_size;
	int64_t n = p->readq ? fx_readq_pread(p->readq, buf, len, offset, ssz)
			     : fx_source_pread(p->src, buf, len, offset);
	size_t at;
	int rc;

	if (n == (int64_t)len) {
		note_good(p, offset);
		return 0;
	}
	if (is_gone(n))
		return vanished(p, n, offset);
	if (n == -EBADMSG) /* a damaged container: corruption, no bad sector */
		return source_corrupt(p);
	/* a regular file that ends early was changed under us; a device or
	 * a custom source may just fail the large read: retried by sector */
	if (n >= 0 && p->info->kind == FX_SOURCE_FILE)
		return fx_error_set(FX_EIO,
				    "source %s ended at byte %llu, expected %llu bytes (was it truncated while being read?)",
				    p->info->path,
				    (unsigned long long)(offset + (uint64_t)n),
				    (unsigned long long)p->info->size);
	for (at = 0; at < len; at += ssz)
		if ((rc = read_sector(p, buf + at, offset + at, ssz)) != 0)
			return rc;
	return 0;
}

/* How far each destination has got, TARGET's first: the bytes its thread
 * has written, and its state (the result's, once the run has settled).
 * The library does not know the names the caller gave its sinks: target
 * is NULL, and the caller maps copies[i] to its i-th destination. */
static void fill_copies(pipeline *p, fx_progress_copy *cp)
{
	unsigned i;

	for (i = 0; i < p->ndests; i++) {
		dest *d = &p->dests[i];

		cp[i].target = NULL;
		cp[i].bytes = __atomic_load_n(&d->written, __ATOMIC_RELAXED);
		if (p->res->copies)
			cp[i].status = p->res->copies[i].status;
		else
			cp[i].status = __atomic_load_n(&d->failed, __ATOMIC_RELAXED)
				       ? FX_STATUS_FAILED : FX_STATUS_RUNNING;
	}
}

/* The progress, every progress_interval_ms (force: now), with the counts
 * as read so far. */
static void report_progress(pipeline *p, double start, int force)
{
	fx_progress_copy cp[FX_MAX_DESTS];
	fx_progress pr;
	double t = now_s();

	if (!p->opts->progress ||
	    (!force && (t - p->last_report) * 1000.0 < p->opts->progress_interval_ms))
		return;
	p->last_report = t;
	memset(&pr, 0, sizeof(pr));
	pr.bytes_done = p->read_bytes;
	/* a stream of a size not known in advance: the total is what has
	 * come so far, until it ends */
	pr.bytes_total = p->size_unknown ? p->read_bytes : p->res->size;
	pr.total_unknown = p->size_unknown;
	/* a resume's re-read of the image's stored prefix: its own pass,
	 * up to the checkpoint */
	if (p->resuming) {
		pr.bytes_total = p->opts->resume_offset;
		pr.resuming = 1;
	}
	pr.bad_sectors = p->read_bad;
	pr.elapsed_s = t - start;
	if (p->ndests > 1) {
		fill_copies(p, cp);
		pr.copies = cp;
		pr.ncopies = p->ndests;
	}
	p->opts->progress(&pr, p->opts->progress_payload);
}

/* Whether the block that ends at end should carry the next checkpoint
 * (never the last block: a completed run is its own record). */
static int checkpoint_due(pipeline *p, uint64_t end)
{
	const fx_acquire_options *o = p->opts;

	/* one destination only (a resume reopens one image), never a
	 * stream (it cannot be read again) */
	if (!o->checkpoint || p->ndests != 1 || is_stream(p) ||
	    !fx_sink_can_sync(p->dests[0].sink) ||
	    p->cp_offset || end >= p->res->size)
		return 0;
	if (o->checkpoint_bytes && end - p->cp_last >= o->checkpoint_bytes)
		return 1;
	return o->checkpoint_ms &&
	       (now_s() - p->cp_last_t) * 1000.0 >= o->checkpoint_ms;
}

/* Hands a finished checkpoint to the caller, with the bad ranges below
 * it (the last one cut at the checkpoint). */
static void checkpoint_report(pipeline *p, uint64_t offset)
{
	fx_acquire_result *r = p->res;
	uint64_t end = offset / r->sector_size;
	fx_acquire_checkpoint cp;
	fx_bad_range *bad = NULL;
	size_t n = 0;

	while (n < r->nbad && r->bad[n].first < end)
		n++;
	if (n && !(bad = malloc(n * sizeof(*bad))))
		return; /* no memory: this checkpoint is skipped, the next one comes */
	if (n) {
		memcpy(bad, r->bad, n * sizeof(*bad));
		if (bad[n - 1].first + bad[n - 1].count > end)
			bad[n - 1].count = end - bad[n - 1].first;
	}
	memset(&cp, 0, sizeof(cp));
	cp.offset = offset;
	cp.digests = p->cp_digests;
	cp.digests.algs = p->opts->hash_algs;
	cp.bad = bad;
	cp.nbad = n;
	p->opts->checkpoint(&cp, p->opts->checkpoint_payload);
	free(bad);
}

/* The reader, between blocks: reports the checkpoint in flight once every
 * consumer has passed it, and makes room for the next. */
static void checkpoint_poll(pipeline *p)
{
	uint64_t cp = p->cp_offset;

	if (!cp || __atomic_load_n(&p->cp_done, __ATOMIC_ACQUIRE) < p->nconsumers)
		return;
	if (!p->cp_failed && cp > p->opts->resume_offset)
		checkpoint_report(p, cp);
	p->cp_last = cp;
	p->cp_last_t = now_s();
	p->cp_failed = 0;
	__atomic_store_n(&p->cp_done, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&p->cp_offset, 0, __ATOMIC_RELEASE);
}

/* The prefix's digests against the checkpoint's, every algorithm run. */
static int prefix_check(pipeline *p)
{
	const fx_digests *want = p->opts->resume_digests, *have = &p->cp_digests;
	const char *w, *h;
	unsigned alg;

	for (alg = FX_HASH_MD5; alg <= FX_HASH_SHA256; alg <<= 1) {
		if (!(p->opts->hash_algs & alg))
			continue;
		w = alg == FX_HASH_MD5 ? want->md5 : alg == FX_HASH_SHA1 ? want->sha1 : want->sha256;
		h = alg == FX_HASH_MD5 ? have->md5 : alg == FX_HASH_SHA1 ? have->sha1 : have->sha256;
		if (strcmp(w, h) != 0)
			return fx_error_set(FX_EMISMATCH,
					    "the image's first %llu bytes, re-read from storage, have %s %s, but the checkpoint recorded %s: the image is not what was recorded; nothing was appended",
					    (unsigned long long)p->opts->resume_offset,
					    fx_hash_name(alg), h, w[0] ? w : "none");
	}
	return 0;
}

/* Waits until every consumer has passed the prefix's end, then checks it. */
static int prefix_wait(pipeline *p)
{
	struct timespec ms = { 0, 1000000 };

	while (__atomic_load_n(&p->cp_done, __ATOMIC_ACQUIRE) < p->nconsumers) {
		if (fx_cancelled(p->opts->cancel))
			return fx_error_set(FX_EINTR,
					    "interrupted while re-reading the image's first %llu bytes",
					    (unsigned long long)p->opts->resume_offset);
		if (__atomic_load_n(&p->all_failed, __ATOMIC_ACQUIRE))
			return FX_ERROR;
		nanosleep(&ms, NULL);
	}
	p->cp_failed = 0;
	p->cp_last = p->opts->resume_offset;
	p->cp_last_t = now_s();
	__atomic_store_n(&p->cp_done, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&p->cp_offset, 0, __ATOMIC_RELEASE);
	return prefix_check(p);
}

/*
 * A resumed run: the image's stored prefix goes through the ring to the
 * hashers (the sink skips it), marked as a checkpoint at its end, so that
 * the hash state is rebuilt from what storage holds and checked against
 * the record before anything is appended.
 */
static int read_prefix(pipeline *p, double start)
{
	uint64_t end = p->opts->resume_offset, off = 0;
	size_t bs = p->opts->block_size, len;
	uint8_t *buf;
	int64_t n;
	int rc;

	p->resuming = 1;
	report_progress(p, start, 1);
	while (off < end) {
		if (fx_cancelled(p->opts->cancel))
			return fx_error_set(FX_EINTR, "interrupted while re-reading the image at byte %llu",
					    (unsigned long long)off);
		len = end - off < bs ? (size_t)(end - off) : bs;
		if (!(buf = fx_ring_claim(p->ring)))
			return FX_ERROR;
		n = fx_source_pread(p->opts->resume_prefix, buf, len, off);
		if (n == -EBADMSG) /* the prefix set FX_EMISMATCH and why */
			return FX_EMISMATCH;
		if (n != (int64_t)len)
			return fx_error_set(FX_EIO,
					    "cannot re-read the image at byte %llu of the %llu bytes its checkpoint holds (%s)",
					    (unsigned long long)off, (unsigned long long)end,
					    n < 0 ? strerror((int)-n) : "it ends early");
		if (off + len == end)
			__atomic_store_n(&p->cp_offset, end, __ATOMIC_RELEASE);
		fx_ring_publish(p->ring, len, off);
		off += len;
		p->res->bytes = off;
		p->read_bytes = off;
		p->read_bad = p->res->bad_sectors;
		report_progress(p, start, 0);
	}
	if ((rc = prefix_wait(p)) != 0)
		return rc; /* the last report stays the prefix's */
	/* the prefix's last report, then the source's first, at the
	 * checkpoint */
	report_progress(p, start, 1);
	p->resuming = 0;
	report_progress(p, start, 1);
	return 0;
}

/*
 * The reader loop of a stream: to its end when its size is not known in
 * advance (0), which is then the bytes that came; else exactly its size.
 */
static int read_stream(pipeline *p, double start)
{
	uint64_t size = p->res->size, off = 0;
	size_t bs = p->opts->block_size, len, got = 0;
	uint8_t *buf;
	int rc, end = 0;

	p->size_unknown = !size;
	while (!end) {
		if (fx_cancelled(p->opts->cancel))
			return fx_error_set(FX_EINTR, "interrupted after %llu bytes",
					    (unsigned long long)off);
		if (__atomic_load_n(&p->all_failed, __ATOMIC_ACQUIRE))
			return FX_ERROR;
		len = size && size - off < bs ? (size_t)(size - off) : bs;
		if (size && off == size)
			len = 0;
		if (len && !(buf = fx_ring_claim(p->ring)))
			return FX_ERROR;
		if (len && (rc = read_stream_block(p, buf, len, off, &got)) != 0)
			return rc;
		if (!len)
			got = 0;
		end = got < len || !len;
		if (got)
			fx_ring_publish(p->ring, got, off);
		off += got;
		p->res->bytes = off;
		p->read_bytes = off;
		p->read_bad = p->res->bad_sectors;
		report_progress(p, start, 0);
	}
	if (size && (rc = stream_end_check(p, off - got, got)) != 0)
		return rc;
	if (!off)
		return fx_error_set(FX_EIO, "source %s ended before its first byte: nothing arrived",
				    p->info->path);
	if (!size)
		p->res->size = off; /* what arrived */
	report_progress(p, start, 1);
	return 0;
}

/* The reader loop; returns 0, FX_EINTR, or the failure code. */
static int read_all(pipeline *p, double start)
{
	uint64_t size = p->res->size, off = p->opts->resume_offset;
	size_t bs = p->opts->block_size, len;
	uint8_t *buf;
	int rc;

	p->cp_last_t = start;
	if (off && (rc = read_prefix(p, start)) != 0)
		return rc;
	while (off < size) {
		checkpoint_poll(p);
		if (fx_cancelled(p->opts->cancel))
			return fx_error_set(FX_EINTR, "interrupted after %llu bytes",
					    (unsigned long long)off);
		if (__atomic_load_n(&p->all_failed, __ATOMIC_ACQUIRE))
			return FX_ERROR;
		len = size - off < bs ? (size_t)(size - off) : bs;
		if (!(buf = fx_ring_claim(p->ring)))
			return FX_ERROR;
		if ((rc = read_block(p, buf, len, off)) != 0)
			return rc;
		if (checkpoint_due(p, off + len))
			__atomic_store_n(&p->cp_offset, off + len, __ATOMIC_RELEASE);
		fx_ring_publish(p->ring, len, off);
		off += len;
		p->res->bytes = off;
		p->read_bytes = off;
		p->read_bad = p->res->bad_sectors;
		report_progress(p, start, 0);
	}
	return 0;
}

/*
 * With fewer cores than pipeline threads, the scheduler time-shares MD5's
 * core with the other hashers, and MD5, which cannot be split, sets the
 * pace. So MD5 gets a core of its own and every other pipeline thread
 * (the reader included) the rest -- when the rest of the hashing fits on
 * the other cores (acquire/place.c: each hash's cost measured on this
 * CPU before the run, a sink's own hashing counted). Threads started
 * before the run (E01 compression workers, a device's readers) keep
 * floating; a raw sink's writers, started by its destination thread at
 * its first buffer, inherit the rest. Nothing is pinned when there are
 * enough cores, or only one. Returns whether the caller's affinity was
 * changed (restored by the caller).
 *
 * Measured (issue 15), 2 cores (SHA-NI: SHA-1 and SHA-256 together cost
 * 0.82 of MD5 by the probes), 1 GiB mixed image from the page cache, all
 * three hashes, idle machine, runs alternating pinned and unpinned:
 * - raw to ext4 1.51-1.60 s pinned against 1.62-1.67 s unpinned, to tmpfs
 *   1.66-1.71 s against 1.75-1.85 s (5 pairs each): pinned (the rest is
 *   0.82 + 0.15 of MD5);
 * - split raw, 4 segments, each SHA-256'd by the sink: to ext4 2.04-2.08 s
 *   pinned against 1.90-1.96 s, to tmpfs 2.31-2.34 s against 1.98-2.16 s,
 *   with 160% of the two cores busy pinned and 180-189% unpinned: not
 *   pinned (0.82 + 0.43 + 0.15). With the segments hashed by the SHA-256
 *   thread's second lane (segment_setup): 1.53-1.71 s pinned against
 *   1.61-1.72 s, to tmpfs 1.76-2.12 s against 1.82-2.09 s (4 pairs): a
 *   tie, and not pinned (0.40 + 1.1 x 0.43 + 0.15 = 1.02); with a split
 *   --copy 1.91-2.49 s pinned against 1.80-2.02 s;
 * - raw with one --copy on ext4: 2.09-2.29 s pinned against 1.85-1.96 s
 *   (4 pairs): not pinned (0.82 + 2 x 0.15);
 * - E01 fast to tmpfs: 2.19-2.30 s pinned against 2.26-2.32 s (3 pairs):
 *   pinned (its compression workers float anyway).
 */
/* alg's probe (fx_place_probe), measured once per run: cost[alg]. */
static double probe_cost(double *cost, unsigned alg)
{
	if (cost[alg] == 0)
		cost[alg] = fx_place_probe(alg);
	return cost[alg];
}

static int place_threads(pipeline *p, cpu_set_t *saved)
{
	cpu_set_t all, rest, one;
	double md5, others = 0, cost[FX_HASH_SHA256 + 1] = { 0 };
	int cpu, last = -1;
	unsigned i, alg;

	if (pthread_getaffinity_np(pthread_self(), sizeof(all), &all) != 0 ||
	    CPU_COUNT(&all) < 2 || (unsigned)CPU_COUNT(&all) > p->nconsumers ||
	    !(p->opts->hash_algs & FX_HASH_MD5) || p->nconsumers < 2)
		return 0;
	md5 = probe_cost(cost, FX_HASH_MD5);
	for (i = 0; i < p->nconsumers; i++) {
		const consumer *c = &p->consumers[i];

		if ((c->run == hash_main && c->alg != FX_HASH_MD5) || c->run == window_main)
			/* the two-lane SHA-256 costs about 8% more than one */
			others += probe_cost(cost, c->alg) * (c->pair ? 1.1 : 1.0);
		else if (c->run == sink_main) {
			others += FX_PLACE_DEST_COST * md5;
			for (alg = FX_HASH_MD5; alg <= FX_HASH_SHA256; alg <<= 1)
				if (fx_sink_hash_algs(c->d->sink) & alg)
					others += probe_cost(cost, alg);
		}
	}
	if (!fx_place_pin_md5(md5, others, (unsigned)CPU_COUNT(&all)))
		return 0;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &all))
			last = cpu;
	rest = all;
	CPU_CLR(last, &rest);
	CPU_ZERO(&one);
	CPU_SET(last, &one);
	for (i = 0; i < p->nconsumers; i++)
		pthread_setaffinity_np(p->consumers[i].thread, sizeof(cpu_set_t),
				       p->consumers[i].alg == FX_HASH_MD5 &&
				       p->consumers[i].run == hash_main ? &one : &rest);
	*saved = all;
	pthread_setaffinity_np(pthread_self(), sizeof(rest), &rest);
	return 1;
}

/* Every logical sector size is a multiple of this: the unit sizes are
 * checked against before the source, and its sector size, are known. */
#define FX_SECTOR_UNIT 512u

/* A size option must be a multiple of the sector size (or of 512 bytes
 * when that is not known yet). */
static int check_multiple(const char *name, uint64_t value, uint32_t ssz)
{
	if (value % (ssz ? ssz : FX_SECTOR_UNIT) == 0)
		return 0;
	if (!ssz)
		return fx_error_set(FX_EUSAGE,
				    "%s %llu is not a multiple of %u bytes (every sector size is)",
				    name, (unsigned long long)value, FX_SECTOR_UNIT);
	return fx_error_set(FX_EUSAGE,
			    "%s %llu is not a multiple of the source's %u-byte logical sector size",
			    name, (unsigned long long)value, ssz);
}

int fx_acquire_options_check(const fx_acquire_options *o, uint32_t ssz)
{
	int rc;

	if (!o)
		return fx_error_arg_missing(__func__, "opts");
	FX_CHECK_VERSION(o, FX_ACQUIRE_OPTIONS_VERSION,
			 "fx_acquire_options_check: fx_acquire_options");
	if (!o->block_size)
		return fx_error_set(FX_EUSAGE, "--block-size 0 is not a positive size");
	if (o->block_size > FX_ACQUIRE_MAX_BLOCK)
		return fx_error_set(FX_EUSAGE, "--block-size %zu is larger than 256M (%zu bytes)",
				    o->block_size, FX_ACQUIRE_MAX_BLOCK);
	if ((rc = check_multiple("--block-size", o->block_size, ssz)) != 0 ||
	    (rc = check_multiple("--hash-window", o->hash_window, ssz)) != 0)
		return rc;
	if (o->retries > FX_ACQUIRE_MAX_RETRIES)
		return fx_error_set(FX_EUSAGE, "--retries %u is more than %u", o->retries,
				    FX_ACQUIRE_MAX_RETRIES);
	if (!(o->hash_algs & FX_HASH_ALL) || (o->hash_algs & ~FX_HASH_ALL))
		return fx_error_set(FX_EUSAGE,
				    "--hash: no known hash algorithm in the set 0x%x (md5, sha1, sha256)",
				    o->hash_algs);
	if (o->buffers < 2 || o->buffers > 1024)
		return fx_error_set(FX_EUSAGE, "buffers %u is not 2..1024", o->buffers);
	if (o->version >= 2 && o->ncopies > FX_ACQUIRE_MAX_COPIES)
		return fx_error_set(FX_EUSAGE, "--copy given %u times: at most %u copies besides TARGET",
				    o->ncopies, FX_ACQUIRE_MAX_COPIES);
	if (o->version >= 2 && o->ncopies && !o->copies)
		return fx_error_arg_missing("fx_acquire_options", "copies");
	return 0;
}

/* Copy names, as the threads are named: "copy/1", "copy/2", ... */
static const char *const copy_names[FX_ACQUIRE_MAX_COPIES] = {
	"copy/1", "copy/2", "copy/3"
};

/* One sink consumer per destination, the gates of the ring. */
static int add_dests(pipeline *p, fx_sink *sink)
{
	unsigned i, n = p->opts->ncopies;

	for (i = 0; sink && i <= n; i++) {
		dest *d = &p->dests[p->ndests];

		d->sink = i ? p->opts->copies[i - 1] : sink;
		if (!d->sink)
			return fx_error_set(FX_EUSAGE, "fx_acquire_run: copy %u is NULL", i);
		d->index = p->nconsumers;
		if (add_consumer(p, sink_main, 0, i ? copy_names[i - 1] : "sink"))
			return FX_ERROR;
		p->consumers[d->index].d = d;
		p->ndests++;
	}
	return 0;
}

/* Buffers a destination may hold with its writes in flight: the ring gets
 * that many on top of `buffers`, so that the reader and the hashers keep
 * the slack they had when every write was synchronous. */
static size_t held_by_dests(const pipeline *p)
{
	size_t most = 0, n;
	unsigned i;

	for (i = 0; i < p->ndests; i++)
		if ((n = fx_sink_queue_depth(p->dests[i].sink)) > most)
			most = n;
	return most;
}

/*
 * Split raw destinations SHA-256 each segment file. When SHA-256 is among
 * the hashes and the CPU has SHA-NI, its thread computes those digests
 * too, in the same pass (hash/sha256_pair.c: for about 8-17% more than
 * the media's alone), for every destination with the first one's segment
 * size; a destination with another size, or any without SHA-NI, hashes
 * its own as before. The digests are handed over at the finish
 * (finish_dest), where a file that does not hold exactly a digest's
 * bytes is hashed from storage instead.
 */
static void segment_setup(pipeline *p)
{
	consumer *sha = NULL;
	uint64_t size = 0;
	unsigned i;

	for (i = 0; i < p->ndests && !size; i++)
		size = fx_sink_segment_size(p->dests[i].sink);
	for (i = 0; i < p->nconsumers; i++)
		if (p->consumers[i].run == hash_main &&
		    p->consumers[i].alg == FX_HASH_SHA256)
			sha = &p->consumers[i];
	if (!sha || !size || size % 64 || fx_sha256_pair_new(&sha->pair, 0) != 0)
		return;
	if (!fx_sha256_pair_accelerated(sha->pair)) {
		/* without SHA-NI the pair is two OpenSSL hashers one after
		 * the other on this thread: the sinks' threads hash theirs in
		 * parallel with it instead */
		fx_sha256_pair_free(sha->pair);
		sha->pair = NULL;
		return;
	}
	p->seg_size = size;
	for (i = 0; i < p->ndests; i++)
		if (fx_sink_segment_size(p->dests[i].sink) == size) {
			fx_sink_segment_offload(p->dests[i].sink);
			p->dests[i].offloaded = 1;
		}
}

static int pipeline_setup(pipeline *p, fx_sink *sink)
{
	unsigned alg, i;
	int rc;
	size_t slot = (p->opts->block_size + 4095) & ~(size_t)4095, nslots;

	for (alg = FX_HASH_MD5; alg <= FX_HASH_SHA256; alg <<= 1)
		if ((p->opts->hash_algs & alg) &&
		    add_consumer(p, hash_main, alg, fx_hash_name(alg)))
			return FX_ERROR;
	if (p->opts->hash_window &&
	    add_consumer(p, window_main, FX_HASH_SHA256, "window"))
		return FX_ERROR;
	if ((rc = add_dests(p, sink)) != 0)
		return rc;
	segment_setup(p);
	/* a device read O_DIRECT: several reads in flight (readq.h) */
	if (p->info->is_block_device && p->info->direct_io &&
	    p->opts->block_size >= 2 * p->info->logical_sector_size &&
	    (rc = fx_readq_new(&p->readq, p->src)) != 0)
		return rc;
	nslots = p->opts->buffers + held_by_dests(p);
	if (fx_ring_new(&p->ring, nslots, slot, p->nconsumers))
		return fx_error_set(FX_ERROR, "cannot allocate %zu buffers of %zu bytes",
				    nslots, slot);
	for (i = 0; i < p->ndests; i++) /* hash only what the sinks took */
		fx_ring_add_gate(p->ring, p->dests[i].index);
	return 0;
}

static void pipeline_teardown(pipeline *p)
{
	unsigned i;

	fx_readq_free(p->readq);
	for (i = 0; i < p->nconsumers; i++) {
		fx_hasher_free(p->consumers[i].hasher);
		fx_sha256_pair_free(p->consumers[i].pair);
	}
	fx_ring_free(p->ring);
	free(p->windows);
	free(p->segs);
}

/* Drops unreadable ranges past the bytes that reached the image. */
static void trim_bad(fx_acquire_result *r)
{
	uint64_t end = r->bytes / r->sector_size;

	while (r->nbad && r->bad[r->nbad - 1].first >= end) {
		r->bad_sectors -= r->bad[r->nbad - 1].count;
		r->nbad--;
	}
	if (r->nbad && r->bad[r->nbad - 1].first + r->bad[r->nbad - 1].count > end) {
		fx_bad_range *last = &r->bad[r->nbad - 1];

		r->bad_sectors -= last->first + last->count - end;
		last->count = end - last->first;
	}
}

/* The run ends in status, with code and its message (copied). */
static void result_end(fx_acquire_result *r, fx_status status, int code,
		       const char *message)
{
	r->status = status;
	r->error_code = code;
	free(r->error);
	r->error = strdup(message);
}

/* Final status from how the reader and the destinations ended. */
static void settle(pipeline *p, int read_rc)
{
	fx_acquire_result *r = p->res;

	if (p->all_failed) {
		result_end(r, FX_STATUS_FAILED, p->cutter->error_code,
			   p->cutter->error);
		r->bytes = p->cutter->cut_offset;
		trim_bad(r);
	} else if (read_rc == FX_EINTR) {
		result_end(r, FX_STATUS_INTERRUPTED, FX_EINTR, fx_error_last());
	} else if (read_rc != 0) {
		result_end(r, FX_STATUS_FAILED, read_rc, fx_error_last());
		trim_bad(r); /* sectors of the block that never reached the image */
	} else {
		r->status = r->nbad ? FX_STATUS_COMPLETED_WITH_ERRORS
				    : FX_STATUS_COMPLETED;
	}
}

/* "md5,sha256": the names of a set of algorithms ("none" when empty). */
static const char *algs_text(char *out, size_t len, unsigned algs)
{
	unsigned a;
	size_t n = 0;

	out[0] = '\0';
	for (a = FX_HASH_MD5; a <= FX_HASH_SHA256; a <<= 1)
		if (algs & a)
			n += (size_t)snprintf(out + n, len - n, "%s%s", n ? "," : "",
					      fx_hash_name(a));
	return n ? out : "none";
}

/* The first algorithm both computed whose digests differ, or 0. */
static unsigned digest_differs(const fx_digests *a, const fx_digests *b,
			       const char **x, const char **y)
{
	unsigned both = a->algs & b->algs;

	*x = a->md5, *y = b->md5;
	if ((both & FX_HASH_MD5) && strcmp(*x, *y) != 0)
		return FX_HASH_MD5;
	*x = a->sha1, *y = b->sha1;
	if ((both & FX_HASH_SHA1) && strcmp(*x, *y) != 0)
		return FX_HASH_SHA1;
	*x = a->sha256, *y = b->sha256;
	if ((both & FX_HASH_SHA256) && strcmp(*x, *y) != 0)
		return FX_HASH_SHA256;
	return 0;
}

/*
 * A source that gives an account of itself at its end (a remote sender's
 * trailer): its unreadable ranges become the run's (zero-filled in what
 * it sent, so in the image too), and what arrived must hash to what it
 * read, or the run fails (FX_EMISMATCH) before the sink is finished as
 * complete.
 */
static void take_account(pipeline *p)
{
	fx_acquire_result *r = p->res;
	fx_source_account acc;
	const char *got, *sent;
	char why[512], sent_algs[32], run_algs[32];
	unsigned alg;
	size_t i;

	if ((r->status != FX_STATUS_COMPLETED &&
	     r->status != FX_STATUS_COMPLETED_WITH_ERRORS) ||
	    fx_source_account_get(p->src, &acc) != 0)
		return;
	if (!(r->digests.algs & acc.digests.algs)) {
		/* no end-to-end comparison: not proven whole */
		snprintf(why, sizeof(why),
			 "what arrived from %.200s cannot be compared with what the sender read: it hashed %s, this run %s (give --hash with one of the sender's)",
			 p->info->path, algs_text(sent_algs, sizeof(sent_algs), acc.digests.algs),
			 algs_text(run_algs, sizeof(run_algs), r->digests.algs));
		result_end(r, FX_STATUS_FAILED, FX_ERROR, why);
		return;
	}
	if ((alg = digest_differs(&r->digests, &acc.digests, &got, &sent)) != 0) {
		snprintf(why, sizeof(why),
			 "what arrived from %.200s does not hash to what the sender read: %s %s arrived, the sender read %s (every frame passed its checksum)",
			 p->info->path, fx_hash_name(alg), got, sent);
		result_end(r, FX_STATUS_FAILED, FX_EMISMATCH, why);
		return;
	}
	for (i = 0; i < acc.nbad; i++) {
		if (bad_add(p, acc.bad[i].first) != 0)
			break;
		r->bad_sectors += acc.bad[i].count - 1;
		r->bad[r->nbad - 1].count += acc.bad[i].count - 1;
	}
	if (r->nbad)
		r->status = FX_STATUS_COMPLETED_WITH_ERRORS;
}


static int run_complete(const fx_acquire_result *r)
{
	return r->status == FX_STATUS_COMPLETED ||
	       r->status == FX_STATUS_COMPLETED_WITH_ERRORS;
}

/* A destination fails after its writes (finish, or it holds less than
 * the source): it says why; the run's own end is decided by
 * settle_dests. */
static void dest_fail(dest *d, int code, const char *why, uint64_t at)
{
	d->error_code = code;
	snprintf(d->error, sizeof(d->error), "%s", why);
	d->cut_offset = at;
	d->failed = 1;
}

/* Unreadable ranges that start below bytes: what a failed destination,
 * which holds only that much, is told of. */
static size_t bad_below(const fx_acquire_result *r, uint64_t bytes)
{
	size_t n = 0;

	while (n < r->nbad && r->bad[n].first * r->sector_size < bytes)
		n++;
	return n;
}

/* Every destination is finished, a failed one too: it closes and lists
 * its files. The run's hashes go to a destination that holds exactly the
 * bytes they describe (one that did not fail, or the last to fail). */
static void finish_dest(pipeline *p, dest *d)
{
	fx_acquire_result *r = p->res;
	fx_sink_summary sum;
	int rc, whole = !d->failed || d == p->cutter;

	sum.bytes = d->failed ? d->cut_offset : r->bytes;
	sum.digests = whole ? &r->digests : NULL;
	sum.bad = r->bad;
	sum.nbad = whole ? r->nbad : bad_below(r, sum.bytes);
	sum.sector_size = r->sector_size;
	sum.complete = run_complete(r) && !d->failed;
	/* as the caller's records will have it (acquire --resume) */
	sum.resumable = !sum.complete && !d->failed && p->opts->checkpoint &&
			p->ndests == 1 && !is_stream(p) &&
			(r->status == FX_STATUS_INTERRUPTED ||
			 (r->status == FX_STATUS_FAILED && r->error_code == FX_EGONE));
	if (d->offloaded)
		fx_sink_segment_digests(d->sink, p->segs, p->nsegs);
	if ((rc = fx_sink_finish(d->sink, &sum)) != 0 && !d->failed)
		dest_fail(d, rc, fx_error_last(), r->bytes);
}

/*
 * "Completed" means the image holds every byte of the source, whatever
 * the format: checked here, once per destination, against what its sink
 * says it holds.
 */
static void check_complete(pipeline *p, dest *d)
{
	fx_acquire_result *r = p->res;
	uint64_t held;
	char why[256];

	if (!run_complete(r) || d->failed)
		return;
	held = fx_sink_held(d->sink, r->bytes);
	if (r->bytes == r->size && held == r->size)
		return;
	snprintf(why, sizeof(why),
		 "the image holds %llu of the source's %llu bytes (%llu read): not a complete acquisition",
		 (unsigned long long)held, (unsigned long long)r->size,
		 (unsigned long long)r->bytes);
	dest_fail(d, FX_ECORRUPT, why, held);
}

/* The run completed only if some destination holds every byte; when none
 * does, it failed with the first one's reason. Without a sink, reading
 * all of it is completing. */
static void settle_dests(pipeline *p)
{
	fx_acquire_result *r = p->res;
	unsigned i;

	for (i = 0; i < p->ndests; i++) {
		finish_dest(p, &p->dests[i]);
		check_complete(p, &p->dests[i]);
	}
	if (!run_complete(r))
		return;
	for (i = 0; i < p->ndests; i++)
		if (!p->dests[i].failed)
			return;
	if (p->ndests)
		result_end(r, FX_STATUS_FAILED, p->dests[0].error_code,
			   p->dests[0].error);
}

/* Per destination, what it became (the result's copies). */
static int report_dests(pipeline *p)
{
	fx_acquire_result *r = p->res;
	unsigned i;

	if (!p->ndests)
		return 0;
	if (!(r->copies = calloc(p->ndests, sizeof(*r->copies))))
		return fx_error_set(FX_ERROR, "out of memory for the copies' results");
	r->ncopies = p->ndests;
	for (i = 0; i < p->ndests; i++) {
		dest *d = &p->dests[i];
		fx_acquire_copy *c = &r->copies[i];
		size_t n = fx_sink_files(d->sink, NULL, 0);

		c->status = d->failed ? FX_STATUS_FAILED : r->status;
		c->bytes = d->failed ? d->cut_offset
				     : run_complete(r) ? r->size : r->bytes;
		c->failed_at = d->failed ? d->cut_offset : UINT64_MAX;
		c->error_code = d->failed ? d->error_code : r->error_code;
		c->error = d->failed ? strdup(d->error)
			   : r->error ? strdup(r->error) : NULL;
		if (n && (c->files = calloc(n, sizeof(*c->files))) != NULL)
			c->nfiles = fx_sink_files(d->sink, c->files, n);
	}
	return 0;
}

/* The caller's options, read up to its version's fields, over the
 * defaults of the fields it does not know. */
static int take_options(fx_acquire_options *out, const fx_acquire_options *opts)
{
	fx_acquire_options defaults = FX_ACQUIRE_OPTIONS_INIT;

	*out = defaults;
	if (!opts)
		return 0;
	FX_CHECK_VERSION(opts, FX_ACQUIRE_OPTIONS_VERSION,
			 "fx_acquire_run: fx_acquire_options");
	memcpy(out, opts, opts->version >= 2 ? sizeof(*out)
		: offsetof(fx_acquire_options, copies));
	return 0;
}

/* Starts every consumer thread, each named before its first block. */
static int start_threads(pipeline *p)
{
	unsigned i;

	for (i = 0; i < p->nconsumers; i++) {
		consumer *c = &p->consumers[i];

		if (pthread_create(&c->thread, NULL, c->run, c) != 0)
			return fx_error_set(FX_ERROR, "cannot start a pipeline thread");
		c->started = 1;
		pthread_setname_np(c->thread, c->name);
	}
	return 0;
}

/* A resumed run's own rules, and its prefix's recorded bad ranges. */
static int resume_setup(pipeline *p, fx_sink *sink)
{
	const fx_acquire_options *o = p->opts;
	fx_acquire_result *r = p->res;
	size_t i;

	if (!o->resume_offset)
		return 0;
	if (!o->resume_prefix || !o->resume_digests || !sink)
		return fx_error_set(FX_EUSAGE,
				    "fx_acquire_run: a resume needs the image's prefix, its recorded digests and the sink");
	if (o->ncopies)
		return fx_error_set(FX_EUSAGE,
				    "fx_acquire_run: a resume reopens one image: it cannot write copies");
	if (is_stream(p))
		return fx_error_set(FX_EUSAGE,
				    "fx_acquire_run: a stream cannot be resumed: what it sent before cannot be read again");
	if (o->resume_offset % r->sector_size || o->resume_offset > r->size)
		return fx_error_set(FX_EUSAGE,
				    "fx_acquire_run: resume offset %llu is not a sector boundary of the %llu-byte source",
				    (unsigned long long)o->resume_offset,
				    (unsigned long long)r->size);
	for (i = 0; i < o->resume_nbad; i++) {
		if (FX_VEC_RESERVE(r->bad, p->bad_cap, r->nbad + 1) != 0)
			return fx_error_set(FX_ERROR, "out of memory for the bad-sector list");
		r->bad[r->nbad++] = o->resume_bad[i];
		r->bad_sectors += o->resume_bad[i].count;
	}
	return 0;
}

int fx_acquire_run(fx_acquire_result *out, fx_source *src, fx_sink *sink,
		   const fx_acquire_options *opts)
{
	fx_acquire_options o;
	pipeline p;
	double start = now_s();
	cpu_set_t saved_cpus;
	unsigned i;
	int rc, placed;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(src);
	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	if ((rc = take_options(&o, opts)) != 0)
		return rc;
	p.opts = &o;
	p.info = fx_source_get_info(src);
	if ((rc = fx_acquire_options_check(p.opts,
					   p.info->logical_sector_size)) != 0)
		return rc;
	if (o.ncopies && !sink)
		return fx_error_set(FX_EUSAGE, "fx_acquire_run: copies without a sink");
	p.src = src;
	p.res = out;
	out->size = p.info->size;
	out->sector_size = p.info->logical_sector_size;
	if ((rc = resume_setup(&p, sink)) != 0 ||
	    (rc = pipeline_setup(&p, sink)) != 0)
		goto done;
	rc = start_threads(&p);
	placed = rc ? 0 : place_threads(&p, &saved_cpus);
	rc = rc ? rc : is_stream(&p) ? read_stream(&p, start) : read_all(&p, start);
	if (placed)
		pthread_setaffinity_np(pthread_self(), sizeof(saved_cpus), &saved_cpus);
	fx_ring_close(p.ring);
	for (i = 0; i < p.nconsumers; i++)
		if (p.consumers[i].started)
			pthread_join(p.consumers[i].thread, NULL);
	out->digests = p.digests;
	out->digests.algs = p.opts->hash_algs;
	out->windows = p.windows;
	out->nwindows = p.nwindows;
	p.windows = NULL;
	settle(&p, rc);
	take_account(&p);
	settle_dests(&p);
	if (report_dests(&p) != 0)
		result_end(out, FX_STATUS_FAILED, FX_ERROR, fx_error_last());
	/* The pass's last report, whatever the outcome, once the sinks have
	 * finished (E01: the last chunks compressed and written, the set
	 * closed and synced): the caller's line does not stay at 100% while
	 * the image is still being written out. */
	report_progress(&p, start, 1);
	out->elapsed_s = now_s() - start;
	rc = 0;
done:
	pipeline_teardown(&p);
	return rc;
}

void fx_acquire_result_clear(fx_acquire_result *result)
{
	size_t i;

	if (!result)
		return;
	free(result->bad);
	free(result->windows);
	free(result->error);
	for (i = 0; i < result->ncopies; i++) {
		free(result->copies[i].error);
		free(result->copies[i].files);
	}
	free(result->copies);
	memset(result, 0, sizeof(*result));
}
