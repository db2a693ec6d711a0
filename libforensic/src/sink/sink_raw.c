/*
 * Raw and split-raw images. Bytes go to the files unchanged: TARGET.raw, or
 * TARGET.001, TARGET.002, ... of exactly segment_size bytes but the last
 * (at least FX_MIN_SEGMENT: each file costs a create, an fdatasync and a
 * row in the case database, so tiny segments cost time, not safety).
 * Each segment is hashed (SHA-256) as it is written: here, or by the
 * pipeline, which hashes the same bytes for the media's SHA-256 and can
 * do both at once (fx_sink_segment_ops: offloaded, the digests arrive
 * before the finish, take_segment_digests). A single .raw file is the
 * media itself, so its SHA-256 is the media hash and is not computed
 * twice. Files are fdatasync'ed before they are reported complete.
 *
 * Writes use O_DIRECT where the file system allows it: the ring's buffers
 * are page-aligned, so the data goes from our buffer to storage without a
 * page-cache copy, leaving the CPU to the hashers (MD5 is the ceiling).
 * A write that is not aligned (a segment size or tail that is not a
 * multiple of 4096) switches that file back to buffered writes.
 *
 * Writes are queued (wqueue.c: FX_WQUEUE_DEPTH in flight, pwrite at the
 * file position each was given), so the destination is kept busy while
 * the pipeline's thread waits for a CPU; each submit's end is reported in
 * order from the queue's done thread (raw_submit, fx_sink_submit). A
 * submit queues one job per piece (a segment's part, a sparse run of
 * data) and the last carries the caller's done. The queue is drained
 * before a segment file is closed, so the jobs in flight are always those
 * of the current file. After a failed write the file is cut back to the
 * start of the part that failed, once every job in flight has ended (the
 * later ones may have written past it), so the image never holds a
 * partial block the hashes do not cover; a split segment cut so is
 * SHA-256'd from storage, its running hash having seen the lost bytes.
 * The failure (set once by the done thread, read by the sink thread after
 * a drain) is what every later submit reports.
 *
 * Resume (fx_sink_raw_resume): the files an interrupted run left are
 * reopened by name, never following a link and never creating one; each
 * must be a regular file holding at least what the checkpoint says. What
 * lies past the checkpoint is cut off: the file the checkpoint ends in is
 * truncated to it, and segment files already made past it are removed
 * and created anew when the run reaches them (resume_drop_later). The files
 * are 0444: a file is made writable only for the open through its own
 * descriptor, and read-only again at once (an open descriptor keeps its
 * access).
 *
 * Sparse (fx_raw_options.sparse): each buffer is scanned in 4 KiB blocks
 * of the file (word-wise, stopping at the first non-zero word, so a block
 * of data costs a few loads); a run of zero blocks of at least
 * FX_RAW_SPARSE_MIN_HOLE is not written (runs
 * are judged within one buffer: no state is carried between writes, so a
 * run cut by a buffer's end may leave up to 60 KiB of it written), and
 * the file's size is set by ftruncate when it is closed. Holes start and
 * end on 4 KiB boundaries of the file, so the writes between them keep
 * O_DIRECT's alignment. TARGET.iso is the same single file under the
 * name of optical media.
 *
 * Every file's allocated size (st_blocks * 512) is taken after its final
 * fdatasync. Used by the pipeline's sink thread (and the queue's
 * threads, for the fields marked so).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/vec.h"
#include "forensic/types.h"
#include "base/storage.h"
#include "hash/hasher.h"
#include "sink/sink_impl.h"
#include "sink/wqueue.h"

typedef struct raw_sink {
	char target[PATH_MAX];
	uint64_t segment_size;     /* 0: one .raw file */
	int sparse;                /* zero runs left as holes */
	int iso;                   /* one file, TARGET.iso */
	int fd;                    /* current file, -1 between files */
	int direct;                /* current file opened O_DIRECT */
	uint64_t in_file;          /* bytes in the current file */
	uint64_t total;            /* bytes written to all files */
	fx_hasher *hasher;         /* per-segment SHA-256 (split only) */
	int offload;               /* the pipeline hashes the segments */
	const fx_segment_digest *seg_digests; /* its digests, for the finish */
	size_t nseg_digests;
	fx_image_file *files;       /* paths owned, freed by raw_close */
	size_t nfiles, cap;
	/* Queued writes: the sink thread's, but for the failure below. */
	fx_wqueue *wq;             /* started at the first submit */
	fx_wq_job pend;            /* the submit's last job, not queued yet */
	int have_pend;
	int cut_done;              /* the failed file was cut back */
	int rehash;                /* the current segment's hasher saw more
				    * than the file holds: hash it from storage */
	/* The first failure: set once, by the done thread (a write) or by
	 * the sink thread with the queue drained (a create, a flush);
	 * `failed` is atomic, the rest is read after it or after a drain. */
	int failed;
	int fail_code;
	uint64_t fail_pos, fail_image; /* the part that failed: in its file, in the image */
	char fail_msg[1024];
} raw_sink;

int fx_raw_segment_name(char *out, size_t outlen, const char *target,
			uint64_t segment_size, unsigned index)
{
	int n;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(target);
	n = segment_size ? snprintf(out, outlen, "%s.%03u", target, index + 1)
			 : snprintf(out, outlen, "%s.raw", target);
	if (n < 0 || (size_t)n >= outlen)
		return fx_error_set(FX_EUSAGE, "image name too long: %s", target);
	return 0;
}

static int open_next(raw_sink *r)
{
	char name[PATH_MAX], *path;
	fx_image_file *f;
	int rc;

	if (FX_VEC_RESERVE(r->files, r->cap, r->nfiles + 1) != 0)
		return fx_error_set(FX_ERROR, "out of memory");
	f = &r->files[r->nfiles];
	memset(f, 0, sizeof(*f));
	if (r->iso && snprintf(name, sizeof(name), "%s.iso", r->target) >=
	    (int)sizeof(name))
		return fx_error_set(FX_EUSAGE, "image name too long: %s", r->target);
	if (!r->iso && (rc = fx_raw_segment_name(name, sizeof(name), r->target,
						 r->segment_size,
						 (unsigned)r->nfiles)))
		return rc;
	if (!(path = strdup(name)))
		return fx_error_set(FX_ERROR, "out of memory");
	r->direct = 1;
	if ((rc = fx_create_evidence_file(path, &r->direct)) < 0) {
		free(path);
		return rc;
	}
	f->path = path; /* freed by raw_close */
	r->fd = rc;
	r->in_file = 0;
	r->nfiles++;
	return 0;
}

/* What the file takes on storage, measured after its final flush. */
static void measure_allocated(raw_sink *r, fx_image_file *f)
{
	struct stat st;

	if (fstat(r->fd, &st) == 0) {
		f->allocated = (uint64_t)st.st_blocks * 512;
		f->allocated_known = 1;
	}
}

static int close_current(raw_sink *r)
{
	fx_image_file *f = &r->files[r->nfiles - 1];
	int rc = 0;

	/* a sparse file that ends in a hole gets its size here */
	if (r->sparse && ftruncate(r->fd, (off_t)r->in_file) != 0)
		rc = fx_error_set_errno(fx_error_from_errno(errno), errno,
					"cannot set the size of %s to %llu bytes",
					f->path, (unsigned long long)r->in_file);
	if (rc == 0 && fdatasync(r->fd) != 0 && errno != EINVAL)
		rc = fx_error_set_errno(fx_error_from_errno(errno), errno,
					"cannot flush %s after %llu bytes", f->path,
					(unsigned long long)r->in_file);
	if (rc == 0)
		measure_allocated(r, f);
	if (close(r->fd) != 0 && rc == 0)
		rc = fx_error_set_errno(fx_error_from_errno(errno), errno,
					"cannot close %s", f->path);
	r->fd = -1;
	f->size = r->in_file;
	if (r->hasher && !r->offload)
		fx_hasher_final_hex(r->hasher, f->sha256, sizeof(f->sha256));
	if (r->hasher && r->rehash && rc == 0)
		rc = fx_file_sha256(f->sha256, f->path);
	r->rehash = 0;
	return rc;
}

/* Queues the job held back, if any: another follows it in this submit. */
static void flush_pend(raw_sink *r)
{
	if (r->have_pend)
		fx_wqueue_push(r->wq, &r->pend);
	r->have_pend = 0;
}

/* Queues len bytes for file position pos (of the part that starts at
 * part_pos in the file, part_image in the image), leaving O_DIRECT when
 * the buffer, length or position is not aligned for it. */
static void write_at(raw_sink *r, const uint8_t *data, size_t len,
		     uint64_t pos, uint64_t part_pos, uint64_t part_image)
{
	fx_wq_job j;

	if (len == 0)
		return;
	if (r->direct && (((uintptr_t)data | len | pos) & 4095)) {
		fcntl(r->fd, F_SETFL, fcntl(r->fd, F_GETFL) & ~O_DIRECT);
		r->direct = 0;
	}
	memset(&j, 0, sizeof(j));
	j.fd = r->fd;
	j.data = data;
	j.len = len;
	j.pos = pos;
	j.path = r->files[r->nfiles - 1].path;
	j.part_pos = part_pos;
	j.part_image = part_image;
	flush_pend(r);
	r->pend = j;
	r->have_pend = 1;
}

#define SPARSE_BLOCK 4096

/*
 * Whether len bytes are all zero. Eight 64-bit words per step, OR-ed, so
 * the loop is branch-light; a block of data usually ends it at the first
 * step. memcpy loads: data need not be aligned (a segment may end
 * anywhere), and the compiler makes them plain loads.
 */
static int all_zero(const uint8_t *p, size_t len)
{
	uint64_t w[8], acc;
	size_t i = 0;
	int k;

	for (; i + sizeof(w) <= len; i += sizeof(w)) {
		memcpy(w, p + i, sizeof(w));
		acc = 0;
		for (k = 0; k < 8; k++)
			acc |= w[k];
		if (acc)
			return 0;
	}
	for (; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/*
 * Sparse: [data, data + len) at file position pos, in 4 KiB blocks of the
 * file; each run of zero blocks of FX_RAW_SPARSE_MIN_HOLE or more is
 * left out (a hole), everything else queued.
 */
static void write_sparse(raw_sink *r, const uint8_t *data, size_t len,
			 uint64_t pos)
{
	size_t at = 0, from = 0, zero = 0, block;
	int in_zero = 0;

	for (; at < len; at += block) {
		block = SPARSE_BLOCK - (size_t)((pos + at) % SPARSE_BLOCK);
		if (block > len - at)
			block = len - at;
		if (all_zero(data + at, block)) {
			if (!in_zero)
				zero = at;
			in_zero = 1;
			continue;
		}
		if (in_zero && at - zero >= FX_RAW_SPARSE_MIN_HOLE) {
			write_at(r, data + from, zero - from, pos + from, pos, r->total);
			from = at;
		}
		in_zero = 0;
	}
	if (in_zero && len - zero >= FX_RAW_SPARSE_MIN_HOLE)
		len = zero;
	write_at(r, data + from, len - from, pos + from, pos, r->total);
}

/* The done thread: a job has ended. The first failure is kept (and, in
 * order, every job after it fails with it); a submit's last job reports. */
static void raw_job_done(void *payload, const fx_wq_job *j)
{
	raw_sink *r = payload;
	int failed = __atomic_load_n(&r->failed, __ATOMIC_ACQUIRE);

	if (j->err && !failed) {
		r->fail_code = fx_error_set_errno(fx_error_from_errno(j->err), j->err,
						  "cannot write %s: destination full or failing after %llu bytes of the image (%llu in this file)",
						  j->path, (unsigned long long)j->part_image,
						  (unsigned long long)j->part_pos);
		snprintf(r->fail_msg, sizeof(r->fail_msg), "%s", fx_error_last());
		r->fail_pos = j->part_pos;
		r->fail_image = j->part_image;
		__atomic_store_n(&r->failed, failed = 1, __ATOMIC_RELEASE);
	}
	if (j->last && j->done)
		j->done(j->done_payload, j->tag, failed ? r->fail_code : 0,
			failed ? r->fail_msg : NULL);
}

/* Every job queued has ended; a failed file is cut back to the start of
 * the part that failed (the jobs after it may have written past it). */
static void settle(raw_sink *r)
{
	if (!r->wq)
		return;
	flush_pend(r);
	fx_wqueue_drain(r->wq);
	if (!__atomic_load_n(&r->failed, __ATOMIC_ACQUIRE) || r->cut_done)
		return;
	r->cut_done = 1;
	if (r->fd >= 0 && ftruncate(r->fd, (off_t)r->fail_pos) != 0)
		return; /* the failure already reported says the file is unsound */
	r->in_file = r->fail_pos;
	r->total = r->fail_image;
	r->rehash = r->hasher != NULL;
}

/* A failure of the sink thread's own (a create, a flush): with the queue
 * drained, it becomes the sink's failure unless one came first. */
static void fail_here(raw_sink *r, int rc)
{
	settle(r);
	if (__atomic_load_n(&r->failed, __ATOMIC_ACQUIRE))
		return;
	r->fail_code = rc;
	snprintf(r->fail_msg, sizeof(r->fail_msg), "%s", fx_error_last());
	r->cut_done = 1; /* nothing was written past what the files hold */
	__atomic_store_n(&r->failed, 1, __ATOMIC_RELEASE);
}

/* The part of a submit that fits the current file. */
static void write_part(raw_sink *r, const uint8_t *data, size_t take)
{
	if (r->sparse)
		write_sparse(r, data, take, r->in_file);
	else
		write_at(r, data, take, r->in_file, r->in_file, r->total);
}

/* Queues len bytes, in pieces; a full segment is closed (after its writes
 * ended) and the next one created when data reaches it. Stops at the
 * first failure. */
static void queue_bytes(raw_sink *r, const uint8_t *data, size_t len)
{
	size_t take;
	int rc;

	while (len && !__atomic_load_n(&r->failed, __ATOMIC_ACQUIRE)) {
		if (r->fd < 0 && (rc = open_next(r)) != 0) {
			fail_here(r, rc);
			return;
		}
		take = len;
		if (r->segment_size && take > r->segment_size - r->in_file)
			take = (size_t)(r->segment_size - r->in_file);
		write_part(r, data, take);
		if (r->hasher && !r->offload)
			fx_hasher_update(r->hasher, data, take);
		r->in_file += take;
		r->total += take;
		data += take;
		len -= take;
		if (r->segment_size && r->in_file == r->segment_size) {
			settle(r);
			if (__atomic_load_n(&r->failed, __ATOMIC_ACQUIRE))
				return;
			if ((rc = close_current(r)) != 0)
				fail_here(r, rc);
		}
	}
}

static void raw_submit(void *payload, const uint8_t *data, size_t len,
		       uint64_t tag, fx_sink_done_fn done, void *done_payload)
{
	raw_sink *r = payload;
	int rc;

	if (!r->wq && (rc = fx_wqueue_new(&r->wq, "rawwrite", raw_job_done, r)) != 0) {
		if (!r->failed) {
			r->failed = 1;
			r->cut_done = 1;
			r->fail_code = rc;
			snprintf(r->fail_msg, sizeof(r->fail_msg), "%s", fx_error_last());
		}
		done(done_payload, tag, r->fail_code, r->fail_msg);
		return;
	}
	queue_bytes(r, data, len);
	if (!r->have_pend) { /* nothing to write: a marker keeps the order */
		memset(&r->pend, 0, sizeof(r->pend));
		r->pend.fd = -1;
	}
	r->pend.last = 1;
	r->pend.tag = tag;
	r->pend.done = done;
	r->pend.done_payload = done_payload;
	r->have_pend = 1;
	flush_pend(r);
}

static void raw_drain(void *payload)
{
	settle(payload);
}

/* A synchronous write (fx_sink_ops.write): queued, then waited for. */
typedef struct sync_result {
	int rc;
	char why[1024];
} sync_result;

static void sync_done(void *payload, uint64_t tag, int rc, const char *why)
{
	sync_result *res = payload;

	(void)tag;
	res->rc = rc;
	if (rc)
		snprintf(res->why, sizeof(res->why), "%s", why ? why : "");
}

static int raw_write(void *payload, const uint8_t *data, size_t len)
{
	sync_result res = { 0, "" };

	raw_submit(payload, data, len, 0, sync_done, &res);
	settle(payload);
	return res.rc ? fx_error_set(res.rc, "%s", res.why) : 0;
}

/* Offloaded segment hashes (fx_sink_segment_ops): each file without a
 * hash of its own takes the pipeline's digest of its bytes, or is hashed
 * from storage when there is none of its exact size. */
static int take_segment_digests(raw_sink *r)
{
	fx_image_file *f;
	size_t i;
	int rc, first = 0;

	for (i = 0; i < r->nfiles; i++) {
		f = &r->files[i];
		if (f->sha256[0])
			continue;
		if (i < r->nseg_digests && r->seg_digests[i].bytes == f->size)
			memcpy(f->sha256, r->seg_digests[i].sha256, sizeof(f->sha256));
		else if ((rc = fx_file_sha256(f->sha256, f->path)) != 0 && !first)
			first = rc; /* the files after it still get theirs */
	}
	/* the pipeline's, freed when its run ends */
	r->seg_digests = NULL;
	r->nseg_digests = 0;
	return first;
}

static void raw_segment_offload(void *payload)
{
	((raw_sink *)payload)->offload = 1;
}

static void raw_segment_digests(void *payload, const fx_segment_digest *d,
				size_t n)
{
	raw_sink *r = payload;

	r->seg_digests = d;
	r->nseg_digests = n;
}

static const fx_sink_segment_ops raw_segment_ops = { raw_segment_offload,
						     raw_segment_digests };

static int raw_finish(void *payload, const fx_sink_summary *sum)
{
	raw_sink *r = payload;
	int rc;

	settle(r);
	if (r->nfiles == 0 && (rc = open_next(r)) != 0) /* empty source */
		return rc;
	rc = r->fd >= 0 ? close_current(r) : 0;
	/* the files before a failed close keep their hashes */
	if (r->segment_size && r->offload) {
		int taken = take_segment_digests(r);

		rc = rc ? rc : taken;
	}
	if (rc || r->segment_size)
		return rc;
	if (sum->digests && sum->digests->sha256[0] && sum->bytes == r->total)
		memcpy(r->files[0].sha256, sum->digests->sha256, 65);
	else
		return fx_file_sha256(r->files[0].sha256, r->files[0].path);
	return 0;
}

/* A checkpoint: what was written is on storage (the files before the
 * current one were fdatasync'ed when they were closed). */
static int raw_sync(void *payload)
{
	raw_sink *r = payload;

	settle(r);
	if (__atomic_load_n(&r->failed, __ATOMIC_ACQUIRE))
		return fx_error_set(r->fail_code, "%s", r->fail_msg);
	if (r->fd < 0 || fdatasync(r->fd) == 0 || errno == EINVAL)
		return 0;
	return fx_error_set_errno(fx_error_from_errno(errno), errno,
				  "cannot flush %s after %llu bytes",
				  r->files[r->nfiles - 1].path,
				  (unsigned long long)r->in_file);
}

static size_t raw_files(void *payload, fx_image_file *out, size_t max)
{
	raw_sink *r = payload;

	return fx_image_files_copy(out, max, r->files, r->nfiles);
}

static void raw_close(void *payload)
{
	raw_sink *r = payload;
	size_t i;

	if (r->wq) {
		flush_pend(r);
		fx_wqueue_free(r->wq); /* its writes end before their file closes */
	}
	if (r->fd >= 0)
		close(r->fd);
	fx_hasher_free(r->hasher);
	for (i = 0; i < r->nfiles; i++)
		free((char *)(uintptr_t)r->files[i].path);
	free(r->files);
	free(r);
}

int fx_raw_segment_size_check(uint64_t segment_size)
{
	if (segment_size && segment_size < FX_MIN_SEGMENT)
		return fx_error_set(FX_EUSAGE,
				    "--segment-size %llu is below the minimum of %llu bytes (1 MiB) for a split raw image",
				    (unsigned long long)segment_size,
				    (unsigned long long)FX_MIN_SEGMENT);
	return 0;
}

static const fx_sink_ops raw_ops = { FX_SINK_OPS_VERSION, raw_write,
				     raw_finish, raw_close, raw_files, NULL,
				     raw_sync };

static const fx_sink_ops raw_sparse_ops = { FX_SINK_OPS_VERSION, raw_write,
					    raw_finish, raw_close, raw_files,
					    NULL, NULL };

static int raw_alloc(raw_sink **out, const char *target,
		     const fx_raw_options *opts);

/* A submit's buffer is held until its last job ends: up to the queue's
 * depth of them in flight, and one more waiting for a free slot. */
static const fx_sink_queue_ops raw_queue_ops = { raw_submit, raw_drain,
						 FX_WQUEUE_DEPTH + 1 };

/* What the pipeline is told of a raw sink: its writes are queued, and a
 * split one SHA-256s its segments, which it can leave to the pipeline. */
static void raw_declare(fx_sink *sink, const raw_sink *r)
{
	fx_sink_set_queue(sink, &raw_queue_ops);
	fx_sink_set_hash_algs(sink, r->hasher ? FX_HASH_SHA256 : 0);
	if (r->hasher)
		fx_sink_set_segments(sink, &raw_segment_ops, r->segment_size);
}

int fx_sink_raw_new(fx_sink **out, const char *target, uint64_t segment_size)
{
	fx_raw_options o = FX_RAW_OPTIONS_INIT;

	o.segment_size = segment_size;
	return fx_sink_raw_open(out, target, &o);
}

int fx_sink_raw_open(fx_sink **out, const char *target,
		     const fx_raw_options *opts)
{
	raw_sink *r;
	int rc;

	FX_CHECK_ARG(out);
	*out = NULL;
	FX_CHECK_ARG(target);
	FX_CHECK_ARG(opts);
	FX_CHECK_VERSION(opts, FX_RAW_OPTIONS_VERSION,
			 "fx_sink_raw_open: fx_raw_options");
	if ((rc = raw_alloc(&r, target, opts)) != 0)
		return rc;
	/* a sparse file's size is set when it is closed: a checkpoint could
	 * not make its bytes durable, so it has no sync */
	if ((rc = fx_sink_new_custom(out, r->sparse ? &raw_sparse_ops : &raw_ops,
				     r)) != 0)
		raw_close(r);
	else
		raw_declare(*out, r);
	return rc;
}

static int raw_alloc(raw_sink **out, const char *target,
		     const fx_raw_options *opts)
{
	uint64_t segment_size = opts->segment_size;
	raw_sink *r;
	int rc;

	*out = NULL;
	if ((rc = fx_raw_segment_size_check(segment_size)) != 0)
		return rc;
	if (opts->iso && segment_size)
		return fx_error_set(FX_EUSAGE, "an .iso image is one file: "
				    "--segment-size is for --format raw");
	if (!(r = calloc(1, sizeof(*r))))
		return fx_error_set(FX_ERROR, "out of memory");
	r->fd = -1;
	r->segment_size = segment_size;
	r->sparse = opts->sparse != 0;
	r->iso = opts->iso != 0;
	if (snprintf(r->target, sizeof(r->target), "%s", target) >=
	    (int)sizeof(r->target)) {
		raw_close(r);
		return fx_error_set(FX_EUSAGE, "image name too long: %s", target);
	}
	if (segment_size && (rc = fx_hasher_new(&r->hasher, FX_HASH_SHA256))) {
		raw_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* An image file of ours, opened for writing to resume it: by name, never
 * following a link, never creating; a regular file; made writable for this
 * open only (see the top). Returns the fd or a negative FX_E code. */
static int reopen_evidence(const char *path)
{
	struct stat st, wst;
	char proc[64];
	int rfd, wfd, err;

	if ((rfd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return fx_error_set_errno(errno == ENOENT ? FX_ENOTFOUND
					  : errno == ELOOP ? FX_ECORRUPT
					  : fx_error_from_errno(errno), errno,
					  "cannot reopen %s to resume", path);
	if (fstat(rfd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(rfd);
		return fx_error_set(FX_ECORRUPT,
				    "%s is not a regular file: not resuming into it", path);
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", rfd);
	fchmod(rfd, (st.st_mode & 07777) | S_IWUSR);
	wfd = open(proc, O_WRONLY | O_CLOEXEC);
	err = errno;
	fchmod(rfd, st.st_mode & 07777);
	close(rfd);
	if (wfd < 0)
		return fx_error_set_errno(fx_error_from_errno(err), err,
					  "cannot reopen %s for writing to resume", path);
	if (fstat(wfd, &wst) != 0 || wst.st_dev != st.st_dev || wst.st_ino != st.st_ino) {
		close(wfd);
		return fx_error_set(FX_ECORRUPT, "%s changed while it was reopened", path);
	}
	return wfd;
}

/* Feeds the first len bytes of path, as storage holds them, to h. */
static int hash_stored(fx_hasher *h, const char *path, uint64_t len)
{
	static const size_t bufsz = 1 << 20;
	uint8_t *buf = malloc(bufsz);
	uint64_t at = 0;
	ssize_t n = 0;
	int fd, rc = 0;

	if (!buf)
		return fx_error_set(FX_ERROR, "out of memory");
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		free(buf);
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "cannot read %s", path);
	}
	fx_storage_drop_cache(fd);
	while (at < len) {
		n = pread(fd, buf, len - at < bufsz ? (size_t)(len - at) : bufsz, (off_t)at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = fx_error_set_errno(FX_EIO, n < 0 ? errno : EIO,
						"cannot read %s at byte %llu", path,
						(unsigned long long)at);
			break;
		}
		fx_hasher_update(h, buf, (size_t)n);
		at += (uint64_t)n;
	}
	close(fd);
	free(buf);
	return rc;
}

/* A complete segment before the checkpoint: exactly segment_size bytes,
 * its SHA-256 from storage. */
static int resume_full(raw_sink *r, fx_image_file *f)
{
	struct stat st;

	if (lstat(f->path, &st) != 0)
		return fx_error_set_errno(errno == ENOENT ? FX_ENOTFOUND : FX_EIO, errno,
					  "cannot resume: image file %s", f->path);
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != r->segment_size)
		return fx_error_set(FX_ECORRUPT,
				    "cannot resume: image file %s holds %llu bytes, the checkpoint says %llu",
				    f->path, (unsigned long long)st.st_size,
				    (unsigned long long)r->segment_size);
	f->size = r->segment_size;
	return fx_file_sha256_stored(f->sha256, f->path, NULL);
}

/* The file the checkpoint ends in: cut to in_file bytes, written on from
 * there; a segment's hasher fed its stored bytes. */
static int resume_current(raw_sink *r, const char *path)
{
	struct stat st;
	int fd = reopen_evidence(path);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) != 0 || (uint64_t)st.st_size < r->in_file) {
		close(fd);
		return fx_error_set(FX_ECORRUPT,
				    "cannot resume: image file %s holds %llu bytes, fewer than the %llu its checkpoint says",
				    path, (unsigned long long)st.st_size,
				    (unsigned long long)r->in_file);
	}
	if (ftruncate(fd, (off_t)r->in_file) != 0 || fdatasync(fd) != 0 ||
	    lseek(fd, (off_t)r->in_file, SEEK_SET) < 0) {
		int err = errno;

		close(fd);
		return fx_error_set_errno(fx_error_from_errno(err), err,
					  "cannot cut %s back to its checkpoint (%llu bytes)",
					  path, (unsigned long long)r->in_file);
	}
	r->fd = fd;
	r->direct = 0;
	return r->hasher ? hash_stored(r->hasher, path, r->in_file) : 0;
}

/* Segment files made past the checkpoint hold only bytes the resume
 * discards: they are removed (ours: the name family was refused at the
 * start if anything held it), so that the set ends where the checkpoint
 * does and each is created anew, O_EXCL, when the stream reaches it. A
 * name that is not a regular file is left alone, and refuses the run when
 * it is reached. */
static int resume_drop_later(raw_sink *r)
{
	char name[PATH_MAX];
	struct stat st;
	unsigned i = (unsigned)r->nfiles;

	while (r->segment_size &&
	       fx_raw_segment_name(name, sizeof(name), r->target, r->segment_size, i++) == 0 &&
	       lstat(name, &st) == 0 && S_ISREG(st.st_mode))
		if (unlink(name) != 0)
			return fx_error_set_errno(fx_error_from_errno(errno), errno,
						  "cannot remove %s, made past the checkpoint", name);
	return 0;
}

static int resume_files(raw_sink *r, uint64_t offset)
{
	uint64_t nfull = r->segment_size ? offset / r->segment_size : 0, i;
	char name[PATH_MAX];
	fx_image_file *f;
	int rc;

	r->in_file = r->segment_size ? offset % r->segment_size : offset;
	for (i = 0; i < nfull + (r->in_file || !r->segment_size); i++) {
		if (FX_VEC_RESERVE(r->files, r->cap, r->nfiles + 1) != 0)
			return fx_error_set(FX_ERROR, "out of memory");
		f = &r->files[r->nfiles];
		memset(f, 0, sizeof(*f));
		if ((rc = fx_raw_segment_name(name, sizeof(name), r->target,
					      r->segment_size, (unsigned)i)) != 0)
			return rc;
		if (!(f->path = strdup(name)))
			return fx_error_set(FX_ERROR, "out of memory");
		r->nfiles++;
		rc = i < nfull ? resume_full(r, f) : resume_current(r, name);
		if (rc)
			return rc;
	}
	if (r->fd < 0)
		r->in_file = 0;
	r->total = offset;
	return resume_drop_later(r);
}

int fx_sink_raw_resume(fx_sink **out, const char *target,
		       uint64_t segment_size, uint64_t offset)
{
	fx_raw_options o = FX_RAW_OPTIONS_INIT;
	raw_sink *r;
	int rc;

	FX_CHECK_ARG(out);
	*out = NULL;
	FX_CHECK_ARG(target);
	o.segment_size = segment_size; /* never sparse, never .iso */
	if ((rc = raw_alloc(&r, target, &o)) != 0)
		return rc;
	if ((rc = resume_files(r, offset)) == 0 &&
	    (rc = fx_sink_new_custom(out, &raw_ops, r)) == 0) {
		raw_declare(*out, r);
		return 0;
	}
	raw_close(r);
	return rc;
}

/* A probe file in dir: unnamed (O_TMPFILE) where the file system allows
 * it, else named for this process, the time and a counter, created
 * O_EXCL|O_NOFOLLOW (never anyone's file) and unlinked at once. The fd,
 * or -1 with errno. */
static int probe_create(const char *dir)
{
	static unsigned counter;
	char name[PATH_MAX + 128];
	struct timespec now;
	int fd, tries;

	fd = open(dir, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR &&
			errno != EINVAL))
		return fd;
	for (tries = 0; tries < 16; tries++) {
		clock_gettime(CLOCK_REALTIME, &now);
		snprintf(name, sizeof(name), "%s/.fx-sparse-probe.%ld.%lld.%ld.%u",
			 dir, (long)getpid(), (long long)now.tv_sec,
			 (long)now.tv_nsec, __atomic_add_fetch(&counter, 1,
							       __ATOMIC_RELAXED));
		fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  0600);
		if (fd >= 0) {
			unlink(name);
			return fd;
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

int fx_raw_sparse_check(const char *target)
{
	char dir[PATH_MAX], *slash;
	struct stat st;
	uint64_t taken;
	int fd, rc = 0;

	FX_CHECK_ARG(target);
	snprintf(dir, sizeof(dir), "%s", target);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		slash[slash == dir ? 1 : 0] = '\0';
	if ((fd = probe_create(dir)) < 0)
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "--sparse: cannot probe %s for holes", dir);
	if (pwrite(fd, "", 1, (off_t)1 << 20) != 1 || fsync(fd) != 0 ||
	    fstat(fd, &st) != 0)
		rc = fx_error_set_errno(fx_error_from_errno(errno), errno,
					"--sparse: cannot probe %s for holes", dir);
	taken = rc == 0 ? (uint64_t)st.st_blocks * 512 : 0;
	if (rc == 0 && taken >= ((uint64_t)1 << 20))
		rc = fx_error_set(FX_EUSAGE,
				  "--sparse: the file system of %s does not keep holes (one byte written at 1 MiB took %llu bytes), so a sparse image would take its full size; write a plain raw image, or to a file system with holes (ext4, XFS, Btrfs, tmpfs)",
				  dir, (unsigned long long)taken);
	close(fd);
	return rc;
}
