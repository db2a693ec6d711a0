/*
 * Reading and hashing for a verification, then comparing.
 *
 * The media is read once through the acquisition pipeline without a sink
 * (fx_acquire_run: MD5, SHA-1 and SHA-256 each on its own thread, plus the
 * window hasher when the record has windows, with the same window size).
 * Each image file's own SHA-256 is needed when a reference lists it (or,
 * for acquire's read-back, FX_VERIFY_FILES_UNKNOWN, only when no reference
 * has it), and is had as cheaply as the format allows:
 *   - raw, one file: the file is the media, its SHA-256 is the media's;
 *   - split raw: a sink on the pipeline's own thread cuts the stream at the
 *     segment boundaries and hashes each segment (no second read); for a
 *     set of equal segments but the last, the pipeline's SHA-256 thread
 *     hashes them with the media (two lanes: sink/sink_impl.h,
 *     fx_sink_segment_ops) and the sink takes its digests at the finish;
 *   - E01: the segment files are other bytes than the media, so a helper
 *     thread reads and hashes them while the pipeline runs.
 * The media stream vouches for a file's hash only when it was read whole
 * and without unreadable sectors; otherwise, and when the media cannot be
 * opened at all, the files a reference lists are hashed straight from
 * storage on the calling thread (fx_verify_hash_files), because a changed
 * file must be named whatever else is wrong with the set.
 * With bypass_cache, a file hashed straight from storage has its cached
 * pages dropped first, so its bytes come from the device.
 * The helper thread owns its hashers and buffer; it reads only the paths
 * copied for it and writes only its own result slots, which the calling
 * thread reads after joining it, and its progress counters (atomics),
 * which the calling thread reads while it waits. Files hashed on the
 * calling thread report their progress from its read loop themselves. The sink runs on the
 * pipeline's sink thread and likewise owns its state until fx_acquire_run
 * returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/storage.h"
#include "hash/hasher.h"
#include "sink/sink_impl.h"
#include "verify/verify_int.h"

typedef char sha_hex[65];

/* ---- image files hashed straight from storage ------------------------------ */

/* A list of files to hash, on a helper thread (E01, beside the media read)
 * or on the calling thread (files the media read could not vouch for). A
 * NULL path is not hashed. */
typedef struct file_hasher {
	char **paths;
	uint64_t *sizes;   /* for the progress */
	sha_hex *sha;
	size_t n;
	volatile sig_atomic_t *cancel;
	int from_storage;  /* drop each file's cached pages first */
	pthread_t thread;
	int thread_started;
	int cancelled;     /* cancel stopped it: the files after are not hashed */
	char error[4200];  /* first failure, "" if none */
	/* written by the hashing thread with atomics, read while waiting */
	int finished;
	size_t files_done;
	uint64_t bytes_done;
	double started;    /* when the hashing began (monotonic seconds) */
	/* hashing on the calling thread: the options whose files_progress
	 * it calls itself every 250 ms (NULL on the helper thread) */
	const fx_verify_options *report;
	double reported;   /* when it last did */
} file_hasher;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void files_progress(file_hasher *fh, fx_verify_files_progress *p,
			   const fx_verify_options *o)
{
	p->files_done = __atomic_load_n(&fh->files_done, __ATOMIC_RELAXED);
	p->bytes_done = __atomic_load_n(&fh->bytes_done, __ATOMIC_RELAXED);
	p->elapsed_s = now_s() - fh->started;
	o->files_progress(p, o->files_progress_payload);
}

/* The totals of the files to hash, for the progress. */
static void files_totals(const file_hasher *fh, fx_verify_files_progress *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < fh->n; i++)
		if (fh->paths[i]) {
			p->files_total++;
			p->bytes_total += fh->sizes[i];
		}
}

/* n more bytes read; on the calling thread, the progress when due. */
static void file_hasher_count(file_hasher *fh, uint64_t n)
{
	fx_verify_files_progress p;
	double t;

	__atomic_add_fetch(&fh->bytes_done, n, __ATOMIC_RELAXED);
	if (!fh->report || !fh->report->files_progress ||
	    (t = now_s()) - fh->reported < 0.25)
		return;
	fh->reported = t;
	files_totals(fh, &p);
	files_progress(fh, &p, fh->report);
}

static void file_hasher_error(file_hasher *fh, const char *what, size_t i,
			      const char *why)
{
	if (!fh->error[0])
		snprintf(fh->error, sizeof(fh->error), "%s %.4000s: %s", what,
			 fh->paths[i], why);
}

/* Hashes file i into sha[i]. A file that cannot be read is left without a
 * hash (the first such failure is kept) and the next is hashed: each file
 * that can be read may name a change. -1 when cancelled. */
static int hash_one_file(file_hasher *fh, size_t i, fx_hasher *h, uint8_t *buf)
{
	/* O_NONBLOCK: a FIFO put in a segment's place must not hang us */
	int fd = open(fh->paths[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	sha_hex scrap;
	ssize_t n;

	if (fd < 0) {
		file_hasher_error(fh, "cannot open", i, strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		file_hasher_error(fh, "cannot hash", i, "not a regular file");
		close(fd);
		return 0;
	}
	if (fh->from_storage) {
		/* unflushed pages cannot be dropped: the hash would be the
		 * cache's, not the storage's */
		if (fx_storage_drop_cache(fd) != 0) {
			file_hasher_error(fh, "cannot flush", i, strerror(errno));
			close(fd);
			return 0;
		}
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	while ((n = read(fd, buf, 1 << 20)) != 0) {
		if (fx_cancelled(fh->cancel)) {
			fh->cancelled = 1;
			break;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			file_hasher_error(fh, "cannot read", i, strerror(errno));
			break;
		}
		fx_hasher_update(h, buf, (size_t)n);
		file_hasher_count(fh, (uint64_t)n);
	}
	close(fd);
	if (n != 0) { /* stopped early: reset the hasher, keep no hash */
		fx_hasher_final_hex(h, scrap, sizeof(scrap));
		return fh->cancelled ? -1 : 0;
	}
	fx_hasher_final_hex(h, fh->sha[i], sizeof(fh->sha[i]));
	return 0;
}

static void file_hasher_run(file_hasher *fh)
{
	fx_hasher *h = NULL;
	uint8_t *buf = malloc(1 << 20);
	uint64_t before, read;
	size_t i;

	if (!buf || fx_hasher_new(&h, FX_HASH_SHA256) != 0)
		snprintf(fh->error, sizeof(fh->error), "out of memory hashing the image files");
	for (i = 0; h && buf && i < fh->n; i++) {
		if (!fh->paths[i])
			continue;
		before = __atomic_load_n(&fh->bytes_done, __ATOMIC_RELAXED);
		if (hash_one_file(fh, i, h, buf) < 0)
			break;
		/* a file that failed, or changed size, still counts as its
		 * recorded size: the totals add up whatever happened */
		read = __atomic_load_n(&fh->bytes_done, __ATOMIC_RELAXED) - before;
		if (read < fh->sizes[i])
			__atomic_add_fetch(&fh->bytes_done, fh->sizes[i] - read,
					   __ATOMIC_RELAXED);
		__atomic_add_fetch(&fh->files_done, 1, __ATOMIC_RELAXED);
	}
	fx_hasher_free(h);
	free(buf);
	__atomic_store_n(&fh->finished, 1, __ATOMIC_RELEASE);
}

static void *file_hasher_main(void *arg)
{
	struct sched_param idle = { 0 };

	pthread_setname_np(pthread_self(), "file-sha256"); /* top -H, ps -T */
	/* Nothing waits for the segment files' hashes until the media is
	 * read: take only the time the pipeline leaves idle. */
	pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
	file_hasher_run(arg);
	return NULL;
}

static void file_hasher_free(file_hasher *fh)
{
	size_t i;

	for (i = 0; fh->paths && i < fh->n; i++)
		free(fh->paths[i]);
	free(fh->paths);
	free(fh->sizes);
	free(fh->sha);
}

static int file_hasher_init(file_hasher *fh, size_t n, const fx_verify_options *o)
{
	memset(fh, 0, sizeof(*fh));
	fh->n = n;
	fh->cancel = o->cancel;
	fh->started = now_s();
	fh->from_storage = o->bypass_cache;
	if (!(fh->paths = calloc(n ? n : 1, sizeof(char *))) ||
	    !(fh->sizes = calloc(n ? n : 1, sizeof(uint64_t))) ||
	    !(fh->sha = calloc(n ? n : 1, sizeof(sha_hex))))
		return fx_error_set(FX_ERROR, "out of memory");
	return 0;
}

/* Adds file i to the list: its path copied, its size for the progress. */
static int file_hasher_add(file_hasher *fh, size_t i, const char *path,
			   uint64_t size)
{
	if (!(fh->paths[i] = strdup(path)))
		return fx_error_set(FX_ERROR, "out of memory");
	fh->sizes[i] = size;
	return 0;
}

/* Waits for the helper thread, saying how far it has got while it
 * outlasts the media read (cancel stops the waiting, and the thread), and
 * joins it; then says where it ended, even when it ended first. */
static void file_hasher_join(file_hasher *fh, const fx_verify_options *o)
{
	const struct timespec tick = { 0, 250 * 1000 * 1000 };
	fx_verify_files_progress p;

	if (!fh->thread_started)
		return;
	files_totals(fh, &p);
	while (o->files_progress && !__atomic_load_n(&fh->finished, __ATOMIC_ACQUIRE) &&
	       !fx_cancelled(o->cancel)) {
		files_progress(fh, &p, o);
		nanosleep(&tick, NULL);
	}
	pthread_join(fh->thread, NULL);
	fh->thread_started = 0;
	if (o->files_progress)
		files_progress(fh, &p, o); /* where it ended */
}

/* The reading stopped because of cancel: no verdict (said once). */
static void mark_interrupted(fx_verify_ctx *c, const char *what)
{
	if (c->interrupted)
		return;
	c->interrupted = 1;
	fx_verify_findf(c->r, FX_FIND_INTERRUPTED, FX_VERDICT_INTERRUPTED, FX_REF_NONE,
			c->r->path, "%s was interrupted: no verdict", what);
}

/* ---- split raw: segments hashed in the stream ----------------------------- */

typedef struct segment_sink {
	uint64_t *ends;     /* media offset where each segment ends */
	sha_hex *sha;
	size_t n, cur;      /* cur: segments hashed, from the first */
	uint64_t at;
	fx_hasher *h;
	/* Left to the pipeline's SHA-256 thread (fx_sink_segment_ops: a set
	 * of equal segments but the last), its digests handed before the
	 * finish */
	int offload;
	const fx_segment_digest *digests;
	size_t ndigests;
} segment_sink;

static int segment_write(void *payload, const uint8_t *data, size_t len)
{
	segment_sink *s = payload;
	size_t take;

	if (s->offload)
		return 0;
	while (len && s->cur < s->n) {
		take = s->ends[s->cur] - s->at < len ? (size_t)(s->ends[s->cur] - s->at) : len;
		fx_hasher_update(s->h, data, take);
		s->at += take;
		data += take;
		len -= take;
		if (s->at == s->ends[s->cur])
			fx_hasher_final_hex(s->h, s->sha[s->cur++], sizeof(sha_hex));
	}
	return 0;
}

/* Offloaded: the segments hashed are those, from the first, whose
 * pipeline digest covers exactly the file's bytes (a stream that ended
 * early leaves the rest unhashed, as when the sink hashes them itself). */
static int segment_finish(void *payload, const fx_sink_summary *summary)
{
	segment_sink *s = payload;
	uint64_t start;

	(void)summary;
	for (; s->offload && s->cur < s->n && s->cur < s->ndigests; s->cur++) {
		start = s->cur ? s->ends[s->cur - 1] : 0;
		if (s->digests[s->cur].bytes != s->ends[s->cur] - start)
			break;
		memcpy(s->sha[s->cur], s->digests[s->cur].sha256, sizeof(sha_hex));
	}
	s->digests = NULL; /* the pipeline's, freed when its run ends */
	s->ndigests = 0;
	return 0;
}

static void segment_offload(void *payload)
{
	((segment_sink *)payload)->offload = 1;
}

static void segment_digests(void *payload, const fx_segment_digest *d, size_t n)
{
	segment_sink *s = payload;

	s->digests = d;
	s->ndigests = n;
}

static const fx_sink_segment_ops segment_ops = { segment_offload,
						 segment_digests };

/* The segment size the pipeline can hash the set's files by: every file
 * but the last of one size, a multiple of 64 bytes, the last no longer
 * (0: it cannot). */
static uint64_t even_segments(const fx_image_file *files, size_t n)
{
	uint64_t size = n ? files[0].size : 0;
	size_t i;

	for (i = 1; i < n; i++)
		if ((i + 1 < n && files[i].size != size) || files[i].size > size ||
		    !files[i].size)
			return 0;
	return size % 64 ? 0 : size;
}

static void segment_close(void *payload)
{
	(void)payload;
}

static size_t segment_files(void *payload, fx_image_file *out, size_t max)
{
	(void)payload;
	(void)out;
	(void)max;
	return 0;
}

/* ---- a tap beside the segment hashing: both see every block -------------- */

/* The split raw segment sink and an export's sink on the one sink thread:
 * the pipeline has one sink, and the media is read once. */
typedef struct tee_sink {
	fx_sink *a, *b;     /* a: the segment hashing; b: the tap (its fate is
			     * the run's: a failed write cuts the ring) */
	uint64_t written;
} tee_sink;

static int tee_write(void *payload, const uint8_t *data, size_t len)
{
	tee_sink *t = payload;
	int rc = fx_sink_write(t->b, data, len);

	if (rc == 0 && (rc = fx_sink_write(t->a, data, len)) == 0)
		t->written += len;
	return rc;
}

static int tee_finish(void *payload, const fx_sink_summary *summary)
{
	tee_sink *t = payload;
	int rc = fx_sink_finish(t->b, summary);

	return rc ? rc : fx_sink_finish(t->a, summary);
}

static uint64_t tee_held(void *payload)
{
	tee_sink *t = payload;

	return fx_sink_held(t->b, t->written);
}

/* The segment hashing's offload goes to it through the tee. */
static void tee_offload(void *payload)
{
	fx_sink_segment_offload(((tee_sink *)payload)->a);
}

static void tee_digests(void *payload, const fx_segment_digest *d, size_t n)
{
	fx_sink_segment_digests(((tee_sink *)payload)->a, d, n);
}

static const fx_sink_segment_ops tee_segment_ops = { tee_offload, tee_digests };

/* ---- the run ------------------------------------------------------------- */

typedef struct hash_plan {
	fx_image_file *files;   /* of the image, in order */
	size_t nfiles;
	file_hasher fh;
	segment_sink seg;
	fx_sink *sink;
	int media_is_file;      /* one raw file: its SHA-256 is the media's */
	tee_sink tee;           /* sink and the tap's, when both */
	fx_sink *tee_sink;
} hash_plan;

/* Whether a reference has f's SHA-256. */
static int listed(const fx_verify_file *f)
{
	return f->recorded_sha256[0] || f->listed_sha256[0];
}

static int unknown_only(const fx_verify_ctx *c)
{
	return c->o->file_hashes == FX_VERIFY_FILES_UNKNOWN;
}

/* The files of the set are hashed when a reference lists one (to compare),
 * and otherwise whenever SHA-256 is among the algorithms asked for, so the
 * verification's record holds them (an E01 acquired with --no-verify has no
 * file SHA-256 in its acquisition record); with FX_VERIFY_FILES_UNKNOWN,
 * when one has no SHA-256 in any reference. */
static int wants_file_hashes(const fx_verify_ctx *c)
{
	const fx_verify_result *r = c->r;
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		if (r->files[i].in_set &&
		    (unknown_only(c) ? !listed(&r->files[i])
		     : (c->o->hash_algs & FX_HASH_SHA256) || listed(&r->files[i])))
			return 1;
	return 0;
}

/* E01: the segment files on a helper thread (all of them, or with
 * FX_VERIFY_FILES_UNKNOWN those without a SHA-256 in a reference). */
static int plan_e01(hash_plan *p, fx_verify_ctx *c)
{
	const fx_verify_file *f;
	size_t i;

	if (file_hasher_init(&p->fh, p->nfiles, c->o) != 0)
		return FX_ERROR;
	for (i = 0; i < p->nfiles; i++) {
		f = fx_verify_file_find(c, p->files[i].path);
		if (unknown_only(c) && (!f || listed(f)))
			continue;
		if (file_hasher_add(&p->fh, i, p->files[i].path, p->files[i].size) != 0)
			return FX_ERROR;
	}
	if (pthread_create(&p->fh.thread, NULL, file_hasher_main, &p->fh) != 0)
		return fx_error_set(FX_ERROR, "cannot start the file hashing thread");
	p->fh.thread_started = 1;
	return 0;
}

static int plan_split(hash_plan *p)
{
	static const fx_sink_ops ops = { FX_SINK_OPS_VERSION, segment_write,
					 segment_finish, segment_close, segment_files, NULL, NULL };
	uint64_t end = 0, even;
	size_t i;
	int rc;

	p->seg.n = p->nfiles;
	if (!(p->seg.ends = calloc(p->nfiles, sizeof(uint64_t))) ||
	    !(p->seg.sha = calloc(p->nfiles, sizeof(sha_hex))) ||
	    fx_hasher_new(&p->seg.h, FX_HASH_SHA256) != 0)
		return fx_error_set(FX_ERROR, "out of memory");
	for (i = 0; i < p->nfiles; i++)
		p->seg.ends[i] = end += p->files[i].size;
	if ((rc = fx_sink_new_custom(&p->sink, &ops, &p->seg)) != 0)
		return rc;
	/* what it hashes, and what it can leave to the SHA-256 thread */
	fx_sink_set_hash_algs(p->sink, FX_HASH_SHA256);
	if ((even = even_segments(p->files, p->nfiles)) != 0)
		fx_sink_set_segments(p->sink, &segment_ops, even);
	return 0;
}

static int plan(hash_plan *p, fx_verify_ctx *c)
{
	fx_verify_result *r = c->r;

	p->nfiles = fx_image_files(c->img, NULL, 0);
	if (!(p->files = calloc(p->nfiles ? p->nfiles : 1, sizeof(*p->files))))
		return fx_error_set(FX_ERROR, "out of memory");
	fx_image_files(c->img, p->files, p->nfiles);
	if (!wants_file_hashes(c))
		return 0;
	if (r->format == FX_IMAGE_RAW && (c->o->hash_algs & FX_HASH_SHA256)) {
		p->media_is_file = 1;
		return 0;
	}
	return r->format == FX_IMAGE_SPLIT_RAW || r->format == FX_IMAGE_RAW
		? plan_split(p) : plan_e01(p, c);
}

/* The tap's sink joins the run: alone, or beside the segment hashing. */
static int plan_tap(hash_plan *p, fx_verify_ctx *c)
{
	static const fx_sink_ops ops = { FX_SINK_OPS_VERSION, tee_write,
					 tee_finish, segment_close, segment_files,
					 tee_held, NULL };
	int rc;

	if (!c->tap_sink || !p->sink)
		return 0;
	p->tee.a = p->sink;
	p->tee.b = c->tap_sink;
	if ((rc = fx_sink_new_custom(&p->tee_sink, &ops, &p->tee)) != 0)
		return rc;
	fx_sink_set_hash_algs(p->tee_sink, fx_sink_hash_algs(p->sink) |
			      fx_sink_hash_algs(c->tap_sink));
	if (fx_sink_segment_size(p->sink))
		fx_sink_set_segments(p->tee_sink, &tee_segment_ops,
				     fx_sink_segment_size(p->sink));
	return 0;
}

static void plan_free(hash_plan *p)
{
	if (p->fh.thread_started)
		pthread_join(p->fh.thread, NULL);
	file_hasher_free(&p->fh);
	fx_sink_free(p->tee_sink);
	fx_sink_free(p->sink);
	fx_hasher_free(p->seg.h);
	free(p->seg.ends);
	free(p->seg.sha);
	free(p->files);
}

/* The files' SHA-256 into the result, once everything was read. Hashes
 * taken from the media stream (raw, split raw) count only when the media
 * was read completely: a zero-filled unreadable sector is not the file's
 * byte. */
static void collect_file_hashes(hash_plan *p, fx_verify_ctx *c)
{
	fx_verify_result *r = c->r;
	fx_verify_file *f;
	size_t i;
	const char *sha;

	if (p->fh.thread_started) {
		file_hasher_join(&p->fh, c->o);
		if (p->fh.cancelled)
			mark_interrupted(c, "hashing the image files");
		if (p->fh.error[0])
			fx_verify_findf(r, FX_FIND_READ_ERROR, FX_VERDICT_ERROR, FX_REF_NONE,
					NULL, "%s", p->fh.error);
	}
	for (i = 0; i < p->nfiles; i++) {
		sha = p->media_is_file ? (r->hashed ? r->computed.sha256 : "")
		      : p->sink ? (r->hashed && i < p->seg.cur ? p->seg.sha[i] : "")
		      : p->fh.sha ? p->fh.sha[i] : "";
		if ((f = fx_verify_file_find(c, p->files[i].path)) && sha[0])
			snprintf(f->sha256, sizeof(f->sha256), "%s", sha);
	}
}

static void chunk_findings(fx_verify_ctx *c)
{
	static const char *what[][2] = {
		{ "", "" },
		{ "fails its checksum", "fail their checksums" },
		{ "does not decompress to its size", "do not decompress to their size" },
		{ "cannot be read", "cannot be read" } };
	fx_image_chunk_error *e;
	fx_verify_finding *f;
	size_t n = fx_image_chunk_errors(c->img, NULL, 0), i;
	int reason;

	if (!n || !(e = calloc(n, sizeof(*e))))
		return;
	n = fx_image_chunk_errors(c->img, e, n);
	for (i = 0; i < n; i++) {
		reason = e[i].reason >= 1 && e[i].reason <= 3 ? e[i].reason : 3;
		if (e[i].chunks == 1)
			f = fx_verify_findf(c->r, FX_FIND_CHUNK, FX_VERDICT_MISMATCH, FX_REF_E01, NULL,
					    "E01 chunk %llu (sectors %llu-%llu) %s",
					    (unsigned long long)e[i].first_chunk,
					    (unsigned long long)e[i].first_sector,
					    (unsigned long long)(e[i].first_sector + e[i].sectors - 1),
					    what[reason][0]);
		else
			f = fx_verify_findf(c->r, FX_FIND_CHUNK, FX_VERDICT_MISMATCH, FX_REF_E01, NULL,
					    "E01 chunks %llu-%llu (sectors %llu-%llu) %s",
					    (unsigned long long)e[i].first_chunk,
					    (unsigned long long)(e[i].first_chunk + e[i].chunks - 1),
					    (unsigned long long)e[i].first_sector,
					    (unsigned long long)(e[i].first_sector + e[i].sectors - 1),
					    what[reason][1]);
		if (f) {
			f->first_chunk = e[i].first_chunk;
			f->chunks = e[i].chunks;
			f->first_sector = e[i].first_sector;
			f->sectors = e[i].sectors;
		}
	}
	free(e);
}

/* What the pipeline run says about reading. */
static void run_findings(fx_verify_ctx *c, const fx_acquire_result *res)
{
	char what[4200];
	size_t i;

	if (res->status == FX_STATUS_INTERRUPTED) {
		snprintf(what, sizeof(what), "reading %s after %llu of %llu bytes",
			 c->r->path, (unsigned long long)res->bytes,
			 (unsigned long long)c->r->size);
		mark_interrupted(c, what);
		return;
	}
	if (res->status == FX_STATUS_FAILED) {
		fx_verify_findf(c->r, FX_FIND_READ_ERROR, FX_VERDICT_ERROR, FX_REF_NONE,
				c->r->path, "reading %s failed after %llu bytes: %s",
				c->r->path, (unsigned long long)res->bytes,
				res->error ? res->error : "");
		return;
	}
	for (i = 0; i < res->nbad; i++)
		fx_verify_findf(c->r, FX_FIND_READ_ERROR, FX_VERDICT_ERROR, FX_REF_NONE,
				c->r->path, "%s: sectors %llu-%llu (%llu) could not be read",
				c->r->path, (unsigned long long)res->bad[i].first,
				(unsigned long long)(res->bad[i].first + res->bad[i].count - 1),
				(unsigned long long)res->bad[i].count);
	if (!res->nbad && res->bytes == c->r->size)
		c->r->hashed = 1;
}

int fx_verify_hash(fx_verify_ctx *c)
{
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result res;
	hash_plan p;
	int rc;

	memset(&p, 0, sizeof(p));
	memset(&res, 0, sizeof(res));
	if ((rc = plan(&p, c)) != 0 || (rc = plan_tap(&p, c)) != 0)
		goto done;
	ao.block_size = c->o->block_size;
	ao.retries = c->o->retries;
	ao.hash_algs = c->o->hash_algs;
	ao.hash_window = c->windows_usable ? c->r->window_size : 0;
	ao.cancel = c->o->cancel;
	ao.progress = c->o->progress;
	ao.progress_payload = c->o->progress_payload;
	if ((rc = fx_acquire_run(&res, c->img, p.tee_sink ? p.tee_sink
				 : p.sink ? p.sink : c->tap_sink, &ao)) != 0)
		goto done;
	c->r->bytes = res.bytes;
	c->r->computed = res.digests;
	c->r->windows = res.windows;
	c->r->nwindows = res.nwindows;
	res.windows = NULL;
	res.nwindows = 0;
	run_findings(c, &res);
	c->r->bad = res.bad;
	c->r->nbad = res.nbad;
	c->r->bad_sectors = res.bad_sectors;
	res.bad = NULL;
	res.nbad = 0;
	chunk_findings(c);
	collect_file_hashes(&p, c);
	/* the E01 helper read every file itself; the others took their hashes
	 * from a media read that stopped early, or the stream left some
	 * without one (an empty last file, the pipeline's digests lost):
	 * those are hashed from storage */
	if ((!c->r->hashed || (p.sink && p.seg.cur < p.seg.n)) &&
	    !c->interrupted && !p.fh.sha)
		rc = fx_verify_hash_files(c);
done:
	if (p.fh.thread_started) /* stop the helper early when the run failed */
		pthread_join(p.fh.thread, NULL), p.fh.thread_started = 0;
	fx_acquire_result_clear(&res);
	plan_free(&p);
	return rc;
}

/* Whether f is present, not hashed yet, and a reference lists a SHA-256
 * for it (with FX_VERIFY_FILES_UNKNOWN: none does). */
static int file_needs_hash(const fx_verify_ctx *c, const fx_verify_file *f)
{
	return f->present && !f->sha256[0] &&
	       (unknown_only(c) ? !listed(f) : listed(f));
}

int fx_verify_hash_files(fx_verify_ctx *c)
{
	fx_verify_result *r = c->r;
	file_hasher fh;
	size_t *idx = NULL, i, n = 0;
	int rc;

	for (i = 0; i < r->nfiles; i++)
		n += file_needs_hash(c, &r->files[i]);
	if (!n)
		return 0;
	if ((rc = file_hasher_init(&fh, n, c->o)) != 0 ||
	    !(idx = calloc(n, sizeof(*idx)))) {
		rc = rc ? rc : fx_error_set(FX_ERROR, "out of memory");
		goto done;
	}
	for (i = 0, n = 0; i < r->nfiles; i++) {
		if (!file_needs_hash(c, &r->files[i]))
			continue;
		idx[n] = i;
		if ((rc = file_hasher_add(&fh, n++, r->files[i].path,
					  r->files[i].size)) != 0)
			goto done;
	}
	/* on this thread: it reports its own progress, and where it ended */
	fh.report = c->o;
	fh.reported = fh.started;
	file_hasher_run(&fh);
	if (c->o->files_progress) {
		fx_verify_files_progress p;

		files_totals(&fh, &p);
		files_progress(&fh, &p, c->o);
	}
	for (i = 0; i < n; i++)
		if (fh.sha[i][0])
			snprintf(r->files[idx[i]].sha256, sizeof(r->files[idx[i]].sha256),
				 "%s", fh.sha[i]);
	if (fh.error[0])
		fx_verify_findf(r, FX_FIND_READ_ERROR, FX_VERDICT_ERROR, FX_REF_NONE,
				NULL, "%s", fh.error);
	if (fh.cancelled)
		mark_interrupted(c, "hashing the image files");
done:
	file_hasher_free(&fh);
	free(idx);
	return rc;
}

/* ---- comparing ----------------------------------------------------------- */

static size_t compare_digests(fx_verify_result *r, const fx_digests *want,
			      int reference, const char *what)
{
	fx_verify_finding *f;
	const char *a, *b;
	unsigned alg;
	size_t compared = 0;

	for (alg = FX_HASH_MD5; alg <= FX_HASH_SHA256; alg <<= 1) {
		a = fx_digests_get(want, alg);
		b = fx_digests_get(&r->computed, alg);
		if (!(want->algs & alg) || !a[0] || !b[0])
			continue;
		compared++;
		if (!strcasecmp(a, b))
			continue;
		f = fx_verify_findf(r, FX_FIND_HASH, FX_VERDICT_MISMATCH, reference, NULL,
				    "%s of the media differs from %s: expected %s, computed %s",
				    fx_verify_alg_label(alg), what, a, b);
		if (f) {
			f->alg = alg;
			snprintf(f->expected, sizeof(f->expected), "%s", a);
			snprintf(f->computed, sizeof(f->computed), "%s", b);
		}
	}
	return compared;
}

static int compare_file(fx_verify_result *r, fx_verify_file *v, const char *want,
			int reference, const char *what)
{
	fx_verify_finding *f;
	char range[96] = "";

	if (!want[0] || !v->sha256[0])
		return 0;
	if (!strcasecmp(want, v->sha256))
		return reference;
	if (v->media_offset >= 0 && v->size)
		snprintf(range, sizeof(range), " (media bytes %lld-%llu)",
			 (long long)v->media_offset,
			 (unsigned long long)v->media_offset + v->size - 1);
	f = fx_verify_findf(r, FX_FIND_FILE_HASH, FX_VERDICT_MISMATCH, reference, v->path,
			    "image file %s%s: SHA-256 differs from %s: expected %s, computed %s",
			    v->path, range, what, want, v->sha256);
	if (f && v->media_offset >= 0) {
		f->offset = (uint64_t)v->media_offset;
		f->length = v->size;
	}
	if (f) {
		f->alg = FX_HASH_SHA256;
		snprintf(f->expected, sizeof(f->expected), "%s", want);
		snprintf(f->computed, sizeof(f->computed), "%s", v->sha256);
	}
	return reference;
}

/* A run of differing windows [first, first + count). */
static void window_finding(fx_verify_ctx *c, size_t first, size_t count)
{
	const fx_window_hash *a = &c->expected_windows[first], *b = &c->r->windows[first];
	const fx_window_hash *last = &c->r->windows[first + count - 1];
	uint64_t end = last->offset + last->length;
	fx_verify_finding *f;

	if (count == 1)
		f = fx_verify_findf(c->r, FX_FIND_WINDOW, FX_VERDICT_MISMATCH, FX_REF_CASEDB, NULL,
				    "bytes %llu-%llu (hash window %zu of %llu bytes) differ from the acquisition record: expected SHA-256 %s, computed %s",
				    (unsigned long long)b->offset, (unsigned long long)(end - 1),
				    first, (unsigned long long)c->r->window_size, a->sha256, b->sha256);
	else
		f = fx_verify_findf(c->r, FX_FIND_WINDOW, FX_VERDICT_MISMATCH, FX_REF_CASEDB, NULL,
				    "bytes %llu-%llu (hash windows %zu-%zu of %llu bytes) differ from the acquisition record",
				    (unsigned long long)b->offset, (unsigned long long)(end - 1),
				    first, first + count - 1, (unsigned long long)c->r->window_size);
	if (!f)
		return;
	f->alg = FX_HASH_SHA256;
	f->offset = b->offset;
	f->length = end - b->offset;
	f->windows = count;
	if (count == 1) {
		snprintf(f->expected, sizeof(f->expected), "%s", a->sha256);
		snprintf(f->computed, sizeof(f->computed), "%s", b->sha256);
	}
}

static void compare_windows(fx_verify_ctx *c)
{
	fx_verify_result *r = c->r;
	size_t n = r->nwindows < c->nexpected ? r->nwindows : c->nexpected, i, run = 0;

	if (!c->windows_usable || !r->hashed)
		return;
	for (i = 0; i < n; i++) {
		const fx_window_hash *a = &c->expected_windows[i], *b = &r->windows[i];
		int differs = a->offset != b->offset || a->length != b->length ||
			      strcasecmp(a->sha256, b->sha256) != 0;

		if (differs) {
			run++;
			continue;
		}
		if (run)
			window_finding(c, i - run, run);
		run = 0;
	}
	if (run)
		window_finding(c, n - run, run);
}

static void compare_files(fx_verify_result *r)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++) {
		r->references |= compare_file(r, &r->files[i], r->files[i].recorded_sha256,
					      FX_REF_CASEDB, "the acquisition record");
		r->references |= compare_file(r, &r->files[i], r->files[i].listed_sha256,
					      FX_REF_SHA256_FILE, r->sha256_file);
	}
}

void fx_verify_compare(fx_verify_ctx *c)
{
	fx_verify_result *r = c->r;

	if (!r->hashed) { /* the files' hashes are whole even so */
		compare_files(r);
		return;
	}
	if (c->acq && r->expected_casedb.algs && r->size != r->recorded_bytes)
		fx_verify_findf(r, FX_FIND_SIZE, FX_VERDICT_MISMATCH, FX_REF_CASEDB, NULL,
				"the media is %llu bytes, the acquisition record says %llu",
				(unsigned long long)r->size, (unsigned long long)r->recorded_bytes);
	if (compare_digests(r, &r->expected_casedb, FX_REF_CASEDB, "the acquisition record"))
		r->references |= FX_REF_CASEDB;
	else if (r->expected_casedb.algs)
		fx_verify_findf(r, FX_FIND_RECORD, FX_VERDICT_ERROR, FX_REF_CASEDB, NULL,
				"the acquisition record has no hash of the algorithms computed");
	if (compare_digests(r, &r->expected_e01, FX_REF_E01, "the hash stored in the E01 image"))
		r->references |= FX_REF_E01;
	compare_files(r);
	compare_windows(c);
	if (!r->references)
		fx_verify_findf(r, FX_FIND_NO_REFERENCE, FX_VERDICT_ERROR, FX_REF_NONE, r->path,
				"nothing to verify %s against: no acquisition record, no hash stored in the image, no .sha256 file",
				r->path);
}
