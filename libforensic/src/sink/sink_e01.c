/*
 * E01 images through libewf's chunk API, with compression on every core.
 *
 * The pipeline's sink thread copies the stream into jobs of JOB_CHUNKS
 * chunks (the only copy: the ring buffer must be released for the reader,
 * while compression of this job may still be queued). Worker threads
 * compress whole jobs; one writer thread hands chunks to libewf strictly in
 * order. The ordered job queue (conc/jobq.h) runs the three: the sink
 * thread is its producer, deflate/N its workers, ewf-writer its consumer.
 * Its slots index `jobs`, so memory is fixed at njobs * ~2 MiB whatever
 * the media size. A flusher thread starts the kernel's writeback of the
 * segments as they grow, so that the writer never waits for it.
 *
 * Chunk rules of the format: a chunk is stored deflated (a zlib stream,
 * which carries its own Adler-32) when that is smaller than the data;
 * otherwise raw, followed by the Adler-32 of the data. "empty" deflates
 * only chunks of one repeated byte; "none" stores everything raw.
 * "fast" uses ISA-L level 1, "best" zlib level 9; both give zlib streams.
 *
 * Locking: a job's buffers belong to whoever the queue gave it to (the
 * sink thread from claim to submit, one worker while it compresses, the
 * writer while it writes), so they are used without a lock. `flush_lock`
 * guards the flusher's requests. libewf is used by the writer thread while
 * it runs and by the sink thread before and after.
 *
 * Checkpoints and resume (docs/resume.md, E01): sync waits until the
 * writer has handed libewf every chunk queued and fdatasyncs the
 * segments; a run stopped so that it can be resumed is not finalized.
 * fx_sink_e01_resume reopens a set in libewf's resume mode over segments
 * we open (ewf_files.c); libewf keeps the chunks whose table was written,
 * up to resume_at. The pipeline's writes from the checkpoint below it up
 * to resume_at are compared with the stored chunks (read back through
 * libewf) instead of written; a resume that fails before its first write
 * closes libewf with writes refused, so that nothing is appended.
 *
 * The segment files' SHA-256 is not computed here: libewf rewrites each
 * sectors section's descriptor, near the start of the segment, when the
 * section ends, so a segment can only be hashed once it is complete, and
 * hashing it from the page cache would prove nothing about storage. The
 * caller hashes the files when it reads them back (acquire --verify).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isa-l.h>
#include <libewf.h>
#include <zlib.h>

#include "base/error.h"
#include "conc/jobq.h"
#include "sink/ewf_files.h"
#include "ewf/ewf_util.h"
#include "base/hex.h"
#include "forensic/types.h"
#include "forensic/source.h"
#include "sink/sink_impl.h"

#define SECTORS_PER_CHUNK 64
#define JOB_CHUNKS 32
#define MAX_WORKERS FX_E01_MAX_THREADS

enum { MODE_NONE, MODE_EMPTY, MODE_FAST, MODE_BEST };

typedef struct job {
	size_t len;                      /* input bytes */
	uint8_t *in;                     /* JOB_CHUNKS * chunk */
	uint8_t *out;                    /* JOB_CHUNKS * (chunk + 4) */
	uint32_t out_len[JOB_CHUNKS];
	uint32_t checksum[JOB_CHUNKS];
	int8_t compressed[JOB_CHUNKS];
} job;

typedef struct e01_sink e01_sink;

typedef struct worker {
	e01_sink *e;
	uint8_t *level_buf;              /* ISA-L level-1 scratch */
	uint8_t zero_out[1024];          /* cached deflate of a zero chunk */
	uint32_t zero_len;
} worker;

struct e01_sink {
	libewf_handle_t *handle;
	char target[PATH_MAX];
	size_t chunk;                    /* bytes per chunk */
	int mode;
	fx_jobq *q;                      /* its own lock; see conc/jobq.h */
	job *jobs;                       /* the queue's slots */
	size_t njobs;
	job *filling;                    /* sink thread: claimed, not submitted */
	pthread_mutex_t flush_lock;
	pthread_cond_t flush;
	uint64_t flush_requests;         /* flush_lock: writeback requested so far */
	int flusher_stop;                /* flush_lock: finish the requests */
	int flusher_abort;               /* flush_lock: the writer failed */
	pthread_cond_t written;          /* flush_lock: jobs_written moved */
	uint64_t jobs_written;           /* flush_lock: jobs handed to libewf */
	uint64_t jobs_submitted;         /* sink thread */
	worker workers[MAX_WORKERS];     /* i: worker i of the queue */
	unsigned nworkers;
	pthread_t flusher;
	int threads_started;             /* sink thread */
	uint64_t bytes_in;               /* sink thread */
	uint64_t out_since_flush;        /* writer: bytes since writeback asked */
	size_t flush_from;               /* flusher: first segment to flush */
	int first_write_checked;         /* writer */
	fx_ewf_files *segs;              /* the segment files, created by us */
	fx_image_file *files;
	size_t nfiles;
	uint32_t bytes_per_sector;
	char ext0;                       /* 'E', or 'e' for EWFX segments */
	/* A resume (fx_sink_e01_resume): libewf goes on writing at
	 * resume_at; the pipeline's writes of [bytes_in, resume_at) are
	 * compared with the stored chunks, not written. */
	uint64_t resume_at;
	uint64_t media_size;
	int resumed;                     /* made by fx_sink_e01_resume */
	int positioned;                  /* sink thread: libewf is at resume_at */
	uint8_t *stored;                 /* one chunk, read back */
};

static int one_byte_repeated(const uint8_t *p, size_t n)
{
	return n < 2 || (p[0] == p[n - 1] && memcmp(p, p + 1, n - 1) == 0);
}

/* Deflates in[n] into out (room: n - 1); returns the size or 0. */
static uint32_t deflate_chunk(worker *w, const uint8_t *in, size_t n,
			      uint8_t *out, int mode)
{
	struct isal_zstream s;
	uLongf zlen = n - 1;

	if (mode == MODE_BEST)
		return compress2(out, &zlen, in, n, 9) == Z_OK ? (uint32_t)zlen : 0;
	isal_deflate_stateless_init(&s);
	s.level = 1;
	s.level_buf = w->level_buf;
	s.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
	s.gzip_flag = IGZIP_ZLIB; /* reset for every chunk: ISA-L clears it */
	s.end_of_stream = 1;
	s.flush = NO_FLUSH;
	s.next_in = (uint8_t *)(uintptr_t)in;
	s.avail_in = (uint32_t)n;
	s.next_out = out;
	s.avail_out = (uint32_t)(n - 1);
	if (isal_deflate_stateless(&s) != COMP_OK)
		return 0;
	return s.total_out;
}

static void compress_one(worker *w, job *j, size_t i)
{
	e01_sink *e = w->e;
	size_t off = i * e->chunk, n = j->len - off < e->chunk ? j->len - off : e->chunk;
	const uint8_t *in = j->in + off;
	uint8_t *out = j->out + i * (e->chunk + 4);
	int uniform = e->mode != MODE_NONE && one_byte_repeated(in, n);
	uint32_t len = 0;

	if (uniform && in[0] == 0 && n == e->chunk && w->zero_len) {
		memcpy(out, w->zero_out, w->zero_len);
		len = w->zero_len;
	} else if (e->mode == MODE_FAST || e->mode == MODE_BEST || uniform) {
		len = deflate_chunk(w, in, n, out, e->mode);
	}
	if (len) {
		j->out_len[i] = len;
		j->compressed[i] = 1;
		return;
	}
	memcpy(out, in, n);
	j->out_len[i] = (uint32_t)n;
	j->compressed[i] = 0;
	j->checksum[i] = isal_adler32(1, in, n);
}

/* The queue's work: worker `wi` compresses the job in slot. */
static int compress_job(void *payload, unsigned wi, size_t slot, uint64_t seq)
{
	e01_sink *e = payload;
	job *j = &e->jobs[slot];
	size_t i, nchunks = (j->len + e->chunk - 1) / e->chunk;

	(void)seq;
	for (i = 0; i < nchunks; i++)
		compress_one(&e->workers[wi], j, i);
	return 0;
}

/* libewf's message for a failed chunk names neither the file nor the
 * reason; a failure of our segment files (ewf_files.c) does. */
static int write_failed(e01_sink *e, uint64_t seq, size_t i,
			libewf_error_t **error)
{
	uint64_t at = e->resume_at + seq * JOB_CHUNKS * e->chunk + i * e->chunk;
	int rc = fx_ewf_files_failure(e->segs);
	char why[PATH_MAX + 256];

	if (rc != 0) {
		snprintf(why, sizeof(why), "%s", fx_error_last());
		libewf_error_free(error);
		return fx_error_set(rc, "%s (writing media byte %llu)", why,
				    (unsigned long long)at);
	}
	return fx_ewf_error(FX_EIO, error,
			    "cannot write E01 image %s.%c01 at media byte %llu",
			    e->target, e->ext0, (unsigned long long)at);
}

/* Once libewf has written a chunk, its first segment must be one of ours:
 * if libewf created it itself, the take-over did not happen. */
static int check_takeover(e01_sink *e)
{
	if (e->first_write_checked)
		return 0;
	e->first_write_checked = 1;
	if (fx_ewf_files_count(e->segs) == 0)
		return fx_error_set(FX_ERROR,
				    "libewf created %s.%c01 itself, not through libforensic (exclusive creation not guaranteed); stopping",
				    e->target, e->ext0);
	return 0;
}

static int write_job(e01_sink *e, const job *j, uint64_t seq)
{
	libewf_error_t *error = NULL;
	size_t i, nchunks = (j->len + e->chunk - 1) / e->chunk, n;
	uint8_t *out;
	ssize_t rc;

	for (i = 0; i < nchunks; i++) {
		out = j->out + i * (e->chunk + 4);
		n = j->len - i * e->chunk < e->chunk ? j->len - i * e->chunk : e->chunk;
		errno = 0;
		rc = libewf_handle_write_chunk(e->handle, out, j->out_len[i], n,
					       j->compressed[i],
					       j->compressed[i] ? NULL : out + j->out_len[i],
					       j->checksum[i], j->compressed[i] ? 0 : 1,
					       &error);
		if (rc <= 0)
			return write_failed(e, seq, i, &error);
		e->out_since_flush += j->out_len[i];
	}
	return check_takeover(e);
}

/*
 * libewf writes through the page cache. Left alone, the kernel would start
 * writing it back only at the end, and the final fdatasync would stall the
 * run for the whole image. So writeback of every segment file so far is
 * started each WRITEBACK_STEP bytes (8 MiB: what is left for the final
 * fdatasync is small). sync_file_range() submits the I/O in
 * the caller and can block for tens of milliseconds when the device queue
 * is full, so it runs on the flusher thread, never on the writer.
 */
#define WRITEBACK_STEP ((uint64_t)8 << 20)

/* Earlier segments are complete and were flushed once already. */
static void start_writeback(e01_sink *e)
{
	e->flush_from = fx_ewf_files_writeback(e->segs, e->flush_from);
}

static void *flusher_main(void *arg)
{
	e01_sink *e = arg;
	uint64_t seen = 0;

	pthread_mutex_lock(&e->flush_lock);
	for (;;) {
		while (!e->flusher_abort && !e->flusher_stop &&
		       e->flush_requests == seen)
			pthread_cond_wait(&e->flush, &e->flush_lock);
		if (e->flusher_abort || e->flush_requests == seen)
			break;
		seen = e->flush_requests;
		pthread_mutex_unlock(&e->flush_lock);
		start_writeback(e);
		pthread_mutex_lock(&e->flush_lock);
	}
	pthread_mutex_unlock(&e->flush_lock);
	return NULL;
}

/* Ends the flusher's loop: after the pending requests (stop), or at once,
 * the writer having failed (abort). */
static void flusher_end(e01_sink *e, int abort)
{
	pthread_mutex_lock(&e->flush_lock);
	if (abort)
		e->flusher_abort = 1;
	else
		e->flusher_stop = 1;
	pthread_cond_signal(&e->flush);
	pthread_cond_broadcast(&e->written); /* a sync waits no more */
	pthread_mutex_unlock(&e->flush_lock);
}

/* The queue's consumer, on the ewf-writer thread: writes the job of seq,
 * in order, and asks for writeback every WRITEBACK_STEP bytes. */
static int write_next(void *payload, size_t slot, uint64_t seq)
{
	e01_sink *e = payload;
	int rc;

	if ((rc = write_job(e, &e->jobs[slot], seq)) != 0) {
		flusher_end(e, 1);
		return rc;
	}
	pthread_mutex_lock(&e->flush_lock);
	e->jobs_written = seq + 1;
	pthread_cond_broadcast(&e->written);
	if (e->out_since_flush >= WRITEBACK_STEP) {
		e->out_since_flush = 0;
		e->flush_requests++;
		pthread_cond_signal(&e->flush);
	}
	pthread_mutex_unlock(&e->flush_lock);
	return 0;
}

/* Queues the filling job; called by the sink thread. */
static void submit(e01_sink *e)
{
	fx_jobq_submit(e->q);
	e->filling = NULL;
	e->jobs_submitted++;
}

/* Reads media [off, off + len) of a resumed image as libewf stored it.
 * Reads happen before the first write (the prefix, then the compared
 * span), so the handle is not shared with the writer thread. */
static int read_stored(e01_sink *e, uint8_t *buf, size_t len, uint64_t off)
{
	libewf_error_t *error = NULL;
	ssize_t n = libewf_handle_read_random(e->handle, buf, len, (off64_t)off,
					      &error);
	uint32_t bad = 0;

	/* libewf returns a chunk that fails its checksum (zero-filled) and
	 * only counts it: any is a stored chunk that is not what was written */
	if (n == (ssize_t)len &&
	    libewf_handle_get_number_of_checksum_errors(e->handle, &bad, NULL) == 1 &&
	    bad == 0)
		return 0;
	return fx_ewf_error(FX_EMISMATCH, &error,
			    "E01 image %s.%c01 cannot be read back at media bytes %llu..%llu (%zd of %zu bytes read, %u chunk(s) failing their checksum): the image is not what was recorded; nothing was appended",
			    e->target, e->ext0, (unsigned long long)off,
			    (unsigned long long)(off + len), n, len, bad);
}

/* The span of a resume between the checkpoint and libewf's resume point:
 * the source's bytes, read again, must be the stored ones. */
static int compare_stored(e01_sink *e, const uint8_t **data, size_t *len)
{
	size_t n, i, step;
	int rc;

	n = e->resume_at - e->bytes_in < *len ? (size_t)(e->resume_at - e->bytes_in) : *len;
	for (i = 0; i < n; i += step) {
		step = n - i < e->chunk ? n - i : e->chunk;
		if ((rc = read_stored(e, e->stored, step, e->bytes_in + i)) != 0)
			return rc;
		if (memcmp(e->stored, *data + i, step) != 0) {
			size_t k = 0;

			while (e->stored[k] == (*data)[i + k])
				k++;
			return fx_error_set(FX_EMISMATCH,
					    "E01 image %s.%c01 stores media byte %llu as 0x%02x, but the source read again has 0x%02x: the image is not what was recorded; nothing was appended",
					    e->target, e->ext0,
					    (unsigned long long)(e->bytes_in + i + k),
					    e->stored[k], (*data)[i + k]);
		}
	}
	e->bytes_in += n;
	*data += n;
	*len -= n;
	return 0;
}

/* Before a resumed image's first write: libewf's offset back at its
 * resume point (reading the stored chunks moved it). */
static int position(e01_sink *e)
{
	libewf_error_t *error = NULL;

	e->positioned = 1;
	if (!e->resumed ||
	    libewf_handle_seek_offset(e->handle, (off64_t)e->resume_at, SEEK_SET,
				      &error) == (off64_t)e->resume_at)
		return 0;
	return fx_ewf_error(FX_EIO, &error, "cannot resume E01 image %s.%c01 at media byte %llu",
			    e->target, e->ext0, (unsigned long long)e->resume_at);
}

static int e01_write(void *payload, const uint8_t *data, size_t len)
{
	e01_sink *e = payload;
	size_t cap = JOB_CHUNKS * e->chunk, take, slot;
	uint64_t seq;
	job *j;
	int rc;

	if (e->bytes_in < e->resume_at && (rc = compare_stored(e, &data, &len)) != 0)
		return rc;
	if (len && !e->positioned && (rc = position(e)) != 0)
		return rc;
	while (len) {
		if (!e->filling) {
			if ((rc = fx_jobq_claim(e->q, &slot, &seq)) != 0)
				return rc;
			e->filling = &e->jobs[slot];
			e->filling->len = 0;
		}
		j = e->filling;
		take = cap - j->len < len ? cap - j->len : len;
		memcpy(j->in + j->len, data, take);
		j->len += take;
		data += take;
		len -= take;
		e->bytes_in += take;
		if (j->len == cap)
			submit(e);
	}
	return fx_jobq_error(e->q);
}

/*
 * A checkpoint (fx_sink_ops.sync, on the sink thread): the job being
 * filled is queued as it is (the checkpoint is at a chunk boundary, so
 * every chunk but the media's last stays whole), the writer is waited
 * for until libewf holds every chunk given so far, and every segment
 * file is fdatasync'ed. libewf's buffers are not ours to flush: it
 * writes each chunk through to its file when it is handed over, so the
 * files then hold all of it (the open sectors section has no table yet:
 * a resume reads it with libewf's resume mode, see docs/resume.md).
 */
static int e01_sync(void *payload)
{
	e01_sink *e = payload;
	int rc;

	if (e->resumed && !e->positioned)
		return 0; /* nothing written yet: the set was flushed at the resume */
	if (e->bytes_in % e->chunk)
		return fx_error_set(FX_ERROR,
				    "a checkpoint at media byte %llu is not at an E01 chunk boundary (%zu bytes)",
				    (unsigned long long)e->bytes_in, e->chunk);
	if (e->filling && e->filling->len)
		submit(e);
	pthread_mutex_lock(&e->flush_lock);
	while (!e->flusher_abort && e->jobs_written < e->jobs_submitted)
		pthread_cond_wait(&e->written, &e->flush_lock);
	pthread_mutex_unlock(&e->flush_lock);
	if ((rc = fx_jobq_error(e->q)) != 0)
		return rc;
	if ((rc = fx_ewf_files_failure(e->segs)) != 0)
		return rc;
	return fx_ewf_files_sync(e->segs);
}

/* Every submitted job is compressed and written (unless the writer
 * failed), then the flusher ends after the writeback asked for. */
static void stop_threads(e01_sink *e)
{
	if (!e->threads_started)
		return;
	fx_jobq_finish(e->q);
	flusher_end(e, 0);
	pthread_join(e->flusher, NULL);
	e->threads_started = 0;
}

/* Hashes and acquisition errors go into the image before finalizing. */
static int store_metadata(e01_sink *e, const fx_sink_summary *sum)
{
	libewf_error_t *error = NULL;
	uint8_t md5[16], sha1[20];
	size_t i;

	/* libewf 20140813 refuses hashes on a handle opened in its resume
	 * mode ("md5 hash cannot be changed"): a resumed set carries none
	 * (docs/resume.md); the record and TARGET.sha256 do */
	if (sum->complete && sum->digests && !e->resumed) {
		if (sum->digests->md5[0] && !fx_hex_decode(md5, 16, sum->digests->md5) &&
		    libewf_handle_set_md5_hash(e->handle, md5, 16, &error) != 1)
			return fx_ewf_error(FX_ERROR, &error, "cannot store MD5 in %s.%c01",
					    e->target, e->ext0);
		if (sum->digests->sha1[0] && !fx_hex_decode(sha1, 20, sum->digests->sha1) &&
		    libewf_handle_set_sha1_hash(e->handle, sha1, 20, &error) != 1)
			return fx_ewf_error(FX_ERROR, &error, "cannot store SHA-1 in %s.%c01",
					    e->target, e->ext0);
	}
	for (i = 0; i < sum->nbad; i++) {
		/* source sectors; the image's bytes per sector are the same */
		if (libewf_handle_append_acquiry_error(e->handle, sum->bad[i].first,
						       sum->bad[i].count, &error) != 1)
			return fx_ewf_error(FX_ERROR, &error,
					    "cannot record unreadable sectors in %s.%c01",
					    e->target, e->ext0);
	}
	return 0;
}

/* Lists TARGET.E01, .E02, ... (the files we created, mode 0444) with
 * their sizes, each flushed to storage (libewf writes through the page
 * cache); their SHA-256 is left empty (see the top). */
static int collect_files(e01_sink *e)
{
	return fx_ewf_files_seal(e->segs, &e->files, &e->nfiles);
}

/*
 * A finish that fails still closes the set and lists every file it has
 * (the record must say what is on disk), and keeps the first cause: a
 * failure of our segment files (a full disk, a file that appeared), else
 * the one given.
 */
static int finish_failed(e01_sink *e, int code)
{
	char why[PATH_MAX + 512];
	int files_rc;

	snprintf(why, sizeof(why), "%s", fx_error_last());
	if ((files_rc = fx_ewf_files_failure(e->segs)) != 0) {
		code = files_rc;
		snprintf(why, sizeof(why), "%s", fx_error_last());
	}
	if (e->handle) {
		libewf_handle_close(e->handle, NULL);
		libewf_handle_free(&e->handle, NULL);
	}
	collect_files(e);
	return fx_error_set(code, "%s", why);
}

/*
 * A run stopped so that it can be resumed: the set is not finalized (a
 * finalized set ends with its "done" section, after which libewf's resume
 * mode cannot go on in the same segment), every chunk handed over is
 * flushed, and libewf's handle is closed with writes refused (its close
 * would finalize). acquire --resume reopens it (fx_sink_e01_resume).
 */
static int finish_resumable(e01_sink *e)
{
	int rc;

	if (e->filling && e->filling->len)
		submit(e);
	stop_threads(e);
	if ((rc = fx_jobq_error(e->q)) == 0 &&
	    (rc = fx_ewf_files_failure(e->segs)) == 0)
		rc = fx_ewf_files_sync(e->segs);
	fx_ewf_files_freeze(e->segs);
	libewf_handle_close(e->handle, NULL);
	libewf_handle_free(&e->handle, NULL);
	if (rc != 0) {
		char why[PATH_MAX + 512];

		snprintf(why, sizeof(why), "%s", fx_error_last());
		collect_files(e);
		return fx_error_set(rc, "%s", why);
	}
	return collect_files(e);
}

static int e01_finish(void *payload, const fx_sink_summary *sum)
{
	e01_sink *e = payload;
	libewf_error_t *error = NULL;
	int rc;

	if (e->resumed && !e->positioned && !sum->complete) {
		/* a resume that failed before its first write appends nothing:
		 * the set stays as the checkpoint left it */
		stop_threads(e);
		fx_ewf_files_freeze(e->segs);
		libewf_handle_close(e->handle, NULL);
		libewf_handle_free(&e->handle, NULL);
		return collect_files(e);
	}
	if (!e->positioned && (rc = position(e)) != 0)
		return finish_failed(e, rc);
	if (!sum->complete && sum->resumable)
		return finish_resumable(e);
	if (e->filling && e->filling->len)
		submit(e);
	stop_threads(e);
	if ((rc = fx_jobq_error(e->q)) != 0 || (rc = store_metadata(e, sum)) != 0)
		return finish_failed(e, rc);
	if (libewf_handle_write_finalize(e->handle, &error) < 0)
		return finish_failed(e, fx_ewf_error(FX_EIO, &error,
						     "cannot finalize %s.%c01",
						     e->target, e->ext0));
	if (libewf_handle_close(e->handle, &error) != 0)
		return finish_failed(e, fx_ewf_error(FX_EIO, &error,
						     "cannot close %s.%c01",
						     e->target, e->ext0));
	libewf_handle_free(&e->handle, NULL);
	return collect_files(e);
}

static size_t e01_files(void *payload, fx_image_file *out, size_t max)
{
	e01_sink *e = payload;

	return fx_image_files_copy(out, max, e->files, e->nfiles);
}

/* E01 stores whole sectors: a partial last sector is not in the image. */
static uint64_t e01_held(void *payload)
{
	e01_sink *e = payload;

	return e->bytes_in - e->bytes_in % e->bytes_per_sector;
}

static void e01_close(void *payload)
{
	e01_sink *e = payload;
	size_t i;

	if (!e)
		return;
	stop_threads(e);
	fx_jobq_free(e->q);
	if (e->segs && e->resumed && !e->positioned)
		fx_ewf_files_freeze(e->segs); /* nothing appended: see finish */
	if (e->handle) {
		libewf_handle_close(e->handle, NULL);
		libewf_handle_free(&e->handle, NULL);
	}
	fx_ewf_files_free(e->segs);
	for (i = 0; e->jobs && i < e->njobs; i++) {
		free(e->jobs[i].in);
		free(e->jobs[i].out);
	}
	for (i = 0; i < e->nworkers; i++)
		free(e->workers[i].level_buf);
	free(e->jobs);
	free(e->files);
	free(e->stored);
	pthread_mutex_destroy(&e->flush_lock);
	pthread_cond_destroy(&e->flush);
	pthread_cond_destroy(&e->written);
	free(e);
}

static const struct {
	const char *name;
	uint8_t format;
} ewf_formats[] = {
	{ "encase6", LIBEWF_FORMAT_ENCASE6 }, { "encase5", LIBEWF_FORMAT_ENCASE5 },
	{ "encase4", LIBEWF_FORMAT_ENCASE4 }, { "encase3", LIBEWF_FORMAT_ENCASE3 },
	{ "encase2", LIBEWF_FORMAT_ENCASE2 }, { "encase7", LIBEWF_FORMAT_ENCASE7 },
	{ "ftk", LIBEWF_FORMAT_FTK_IMAGER }, { "linen5", LIBEWF_FORMAT_LINEN5 },
	{ "linen6", LIBEWF_FORMAT_LINEN6 }, { "linen7", LIBEWF_FORMAT_LINEN7 },
	{ "ewfx", LIBEWF_FORMAT_EWFX },
};

static int find_format(uint8_t *out, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ewf_formats) / sizeof(ewf_formats[0]); i++)
		if (name && strcasecmp(name, ewf_formats[i].name) == 0) {
			*out = ewf_formats[i].format;
			break;
		}
	if (i == sizeof(ewf_formats) / sizeof(ewf_formats[0]))
		return fx_error_set(FX_EUSAGE,
				    "--ewf-format: unknown EWF format '%s' (encase2..encase6, ftk, linen5, linen6, ewfx)",
				    name ? name : "");
	/* libewf 20140813 writes these without header sections: the case
	 * metadata would be lost and readers see EnCase 5. */
	if (*out == LIBEWF_FORMAT_ENCASE7 || *out == LIBEWF_FORMAT_LINEN7)
		return fx_error_set(FX_EUSAGE,
				    "--ewf-format: EWF format '%s' is not offered: libewf %s writes it without header sections, so the case metadata would be lost (use encase6)",
				    name, libewf_get_version());
	return 0;
}

int fx_e01_max_segment(uint64_t *out, const char *ewf_format)
{
	uint8_t f;
	int rc;

	FX_CHECK_ARG(out);
	rc = find_format(&f, ewf_format);

	if (rc == 0)
		*out = f == LIBEWF_FORMAT_ENCASE6 ? (uint64_t)INT64_MAX
						  : (uint64_t)INT32_MAX;
	return rc;
}

static int parse_mode(int *out, const char *name)
{
	static const char *names[] = { "none", "empty", "fast", "best" };
	int i;

	for (i = 0; i < 4; i++)
		if (name && strcmp(name, names[i]) == 0) {
			*out = i;
			return 0;
		}
	return fx_error_set(FX_EUSAGE,
			    "--compression: unknown compression '%s' (none, empty, fast, best)",
			    name ? name : "");
}

static int set_header(e01_sink *e, const char *key, const char *value)
{
	libewf_error_t *error = NULL;

	if (!value || !*value)
		return 0;
	if (libewf_handle_set_utf8_header_value(e->handle, (const uint8_t *)key,
					   strlen(key), (const uint8_t *)value,
					   strlen(value), &error) != 1)
		return fx_ewf_error(FX_EUSAGE, &error,
				    "cannot store %s '%s' in the E01 header", key, value);
	return 0;
}

static int set_headers(e01_sink *e, const fx_e01_options *o)
{
	int rc = 0;

	rc = rc ? rc : set_header(e, "case_number", o->case_number);
	rc = rc ? rc : set_header(e, "evidence_number", o->evidence_number);
	rc = rc ? rc : set_header(e, "examiner_name", o->examiner);
	rc = rc ? rc : set_header(e, "description", o->description);
	rc = rc ? rc : set_header(e, "notes", o->notes);
	rc = rc ? rc : set_header(e, "model", o->model);
	rc = rc ? rc : set_header(e, "serial_number", o->serial);
	rc = rc ? rc : set_header(e, "acquiry_software_version", o->software);
	rc = rc ? rc : set_header(e, "acquiry_operating_system", o->os);
	return rc;
}

static int configure(e01_sink *e, const fx_e01_options *o, uint64_t segment)
{
	static const int8_t levels[] = { LIBEWF_COMPRESSION_NONE, LIBEWF_COMPRESSION_NONE,
					 LIBEWF_COMPRESSION_FAST, LIBEWF_COMPRESSION_BEST };
	static const uint8_t media_types[] = { LIBEWF_MEDIA_TYPE_FIXED,
					       LIBEWF_MEDIA_TYPE_REMOVABLE,
					       LIBEWF_MEDIA_TYPE_OPTICAL };
	libewf_error_t *error = NULL;
	uint8_t format = 0;
	int rc;

	if ((rc = find_format(&format, o->ewf_format)) != 0)
		return rc;
	if (libewf_handle_set_format(e->handle, format, &error) != 1 ||
	    libewf_handle_set_media_size(e->handle, o->media_size, &error) != 1 ||
	    libewf_handle_set_bytes_per_sector(e->handle, o->bytes_per_sector, &error) != 1 ||
	    libewf_handle_set_sectors_per_chunk(e->handle, SECTORS_PER_CHUNK, &error) != 1 ||
	    libewf_handle_set_media_type(e->handle,
					 media_types[o->media_type >= 0 && o->media_type <= 2
						     ? o->media_type : 0], &error) != 1 ||
	    libewf_handle_set_media_flags(e->handle,
					  o->physical ? LIBEWF_MEDIA_FLAG_PHYSICAL : 0,
					  &error) != 1 ||
	    libewf_handle_set_compression_values(e->handle, levels[e->mode],
						 e->mode == MODE_NONE ? 0
						 : LIBEWF_COMPRESS_FLAG_USE_EMPTY_BLOCK_COMPRESSION,
						 &error) != 1 ||
	    libewf_handle_set_maximum_segment_size(e->handle, segment, &error) != 1)
		return fx_ewf_error(FX_EUSAGE, &error, "cannot set up E01 image %s.%c01",
				    e->target, e->ext0);
	return set_headers(e, o);
}

static int segment_size(uint64_t *out, const fx_e01_options *o)
{
	uint64_t max;
	int rc = fx_e01_max_segment(&max, o->ewf_format);

	if (rc != 0)
		return rc;
	if (!o->segment_size) {
		*out = (uint64_t)2 << 30 < max ? (uint64_t)2 << 30 : max;
		return 0;
	}
	if (o->segment_size < FX_E01_MIN_SEGMENT || o->segment_size > max)
		return fx_error_set(FX_EUSAGE,
				    "--segment-size %llu is outside %llu..%llu bytes for EWF format %s",
				    (unsigned long long)o->segment_size,
				    (unsigned long long)FX_E01_MIN_SEGMENT,
				    (unsigned long long)max, o->ewf_format);
	*out = o->segment_size;
	return 0;
}

static int alloc_workers(e01_sink *e, unsigned threads)
{
	fx_jobq_options q = { 0 };
	size_t i;

	e->nworkers = threads;
	e->njobs = 2 * (size_t)threads + 2;
	if (!(e->jobs = calloc(e->njobs, sizeof(*e->jobs))))
		return fx_error_set(FX_ERROR, "out of memory");
	for (i = 0; i < e->njobs; i++) {
		e->jobs[i].in = malloc(JOB_CHUNKS * e->chunk);
		e->jobs[i].out = malloc(JOB_CHUNKS * (e->chunk + 4));
		if (!e->jobs[i].in || !e->jobs[i].out)
			return fx_error_set(FX_ERROR, "out of memory for E01 buffers");
	}
	for (i = 0; i < threads; i++) {
		worker *w = &e->workers[i];
		uint8_t *zeros = calloc(1, e->chunk);

		w->e = e;
		w->level_buf = malloc(ISAL_DEF_LVL1_DEFAULT);
		if (!w->level_buf || !zeros) {
			free(zeros);
			return fx_error_set(FX_ERROR, "out of memory for E01 workers");
		}
		if (e->mode != MODE_NONE) {
			w->zero_len = deflate_chunk(w, zeros, e->chunk, w->zero_out,
						    e->mode == MODE_BEST ? MODE_BEST : MODE_FAST);
			if (w->zero_len > sizeof(w->zero_out))
				w->zero_len = 0;
		}
		free(zeros);
	}
	q.nslots = e->njobs;
	q.nworkers = threads;
	q.work = compress_job;
	q.consume = write_next;
	q.payload = e;
	q.worker_name = "deflate/";
	q.consumer_name = "ewf-writer";
	return fx_jobq_new(&e->q, &q);
}

/* Threads are named for top -H and ps -T: deflate/N, ewf-writer, flusher */
static int start_threads(e01_sink *e)
{
	if (fx_jobq_start(e->q) != 0 ||
	    pthread_create(&e->flusher, NULL, flusher_main, e) != 0) {
		fx_jobq_free(e->q); /* stops and joins what started */
		e->q = NULL;
		return fx_error_set(FX_ERROR, "cannot start E01 compression threads");
	}
	pthread_setname_np(e->flusher, "flusher");
	e->threads_started = 1;
	return 0;
}

/* libewf creates no file here: segments are created, by us, as the
 * first chunk of each is written. */
static int open_handle(e01_sink *e)
{
	libewf_error_t *error = NULL;
	char *names[1] = { e->target };
	int rc;

	if ((rc = fx_ewf_files_new(&e->segs, e->target, e->ext0)) != 0)
		return rc;
	if (libewf_handle_initialize(&e->handle, &error) != 1 ||
	    libewf_handle_open(e->handle, names, 1, LIBEWF_OPEN_WRITE, &error) != 1)
		return fx_ewf_error(FX_EIO, &error, "cannot create E01 image %s.%c01",
				    e->target, e->ext0);
	return 0;
}

static int first_letter(char *out, const char *ewf_format)
{
	uint8_t format;
	int rc = find_format(&format, ewf_format);

	if (rc == 0)
		*out = format == LIBEWF_FORMAT_EWFX ? 'e' : 'E';
	return rc;
}

int fx_e01_segment_name(char *out, size_t outlen, const char *target,
			const char *ewf_format, unsigned index)
{
	char ext0;
	int rc;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(target);
	rc = first_letter(&ext0, ewf_format);
	return rc ? rc : fx_ewf_segment_path(out, outlen, target, ext0, index);
}

/*
 * How many segments a set of this media can reach, with a margin: each
 * segment holds at least (segment - 64 KiB of sections) of chunks, each
 * stored as at most chunk + 4 (checksum) + 8 (table entries) bytes.
 */
static unsigned reachable_segments(const fx_e01_options *o, uint64_t segment,
				   size_t chunk)
{
	uint64_t chunks = (o->media_size + chunk - 1) / chunk, per, n;

	per = segment > (64u << 10) ? (segment - (64u << 10)) / (chunk + 12) : 1;
	n = (chunks + (per ? per : 1) - 1) / (per ? per : 1) + 2;
	return n < FX_EWF_MAX_SEGMENTS ? (unsigned)n : FX_EWF_MAX_SEGMENTS;
}

int fx_e01_check_names(const char *target, const fx_e01_options *o)
{
	char name[PATH_MAX + 8], ext0;
	uint64_t segment;
	unsigned i, n;
	int rc;

	FX_CHECK_ARG(target);
	if (!o)
		return fx_error_arg_missing(__func__, "opts");
	FX_CHECK_VERSION(o, FX_E01_OPTIONS_VERSION,
			 "fx_e01_check_names: fx_e01_options");
	if ((rc = first_letter(&ext0, o->ewf_format)) != 0 ||
	    (rc = segment_size(&segment, o)) != 0)
		return rc;
	n = reachable_segments(o, segment, (size_t)SECTORS_PER_CHUNK *
				(o->bytes_per_sector ? o->bytes_per_sector : 512));
	for (i = 0; i < n; i++)
		if ((rc = fx_ewf_segment_path(name, sizeof(name), target, ext0, i)) != 0 ||
		    (rc = fx_evidence_path_check(name)) != 0)
			return rc;
	return 0;
}

/* E01 stores whole sectors: a tail shorter than a sector would be lost. */
static int check_media(const fx_e01_options *o)
{
	uint32_t bps = o->bytes_per_sector ? o->bytes_per_sector : 512;

	if (o->media_size % bps == 0)
		return 0;
	return fx_error_set(FX_EUSAGE,
			    "E01 stores whole %u-byte sectors, and %llu bytes is not a multiple of %u: its last %llu bytes would be lost (--format raw keeps every byte)",
			    bps, (unsigned long long)o->media_size, bps,
			    (unsigned long long)(o->media_size % bps));
}

int fx_e01_options_check(const fx_e01_options *o)
{
	uint64_t segment;
	int mode, rc;

	if (!o)
		return fx_error_arg_missing(__func__, "opts");
	FX_CHECK_VERSION(o, FX_E01_OPTIONS_VERSION,
			 "fx_e01_options_check: fx_e01_options");
	if ((rc = parse_mode(&mode, o->compression)) != 0 ||
	    (rc = segment_size(&segment, o)) != 0)
		return rc;
	if (o->threads > FX_E01_MAX_THREADS)
		return fx_error_set(FX_EUSAGE, "--threads %u is more than %u",
				    o->threads, FX_E01_MAX_THREADS);
	return 0;
}

static const fx_sink_ops e01_ops = { FX_SINK_OPS_VERSION, e01_write, e01_finish,
				     e01_close, e01_files, e01_held, e01_sync };

/* The sink's state and workers, before any file is touched. */
static int e01_alloc(e01_sink **out, const char *target, const fx_e01_options *o,
		     uint64_t *segment)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads;
	e01_sink *e;
	int rc;

	*out = NULL;
	if ((rc = fx_e01_options_check(o)) != 0)
		return rc;
	threads = o->threads ? o->threads : cores > 0 ? (unsigned)cores : 1;
	if (!(e = calloc(1, sizeof(*e))))
		return fx_error_set(FX_ERROR, "out of memory");
	pthread_mutex_init(&e->flush_lock, NULL);
	pthread_cond_init(&e->flush, NULL);
	pthread_cond_init(&e->written, NULL);
	snprintf(e->target, sizeof(e->target), "%s", target);
	e->chunk = (size_t)SECTORS_PER_CHUNK * (o->bytes_per_sector ? o->bytes_per_sector : 512);
	if (threads > MAX_WORKERS) /* all cores of a bigger machine */
		threads = MAX_WORKERS;
	e->bytes_per_sector = o->bytes_per_sector ? o->bytes_per_sector : 512;
	e->media_size = o->media_size;
	*out = e;
	if ((rc = parse_mode(&e->mode, o->compression)) != 0 ||
	    (rc = first_letter(&e->ext0, o->ewf_format)) != 0 ||
	    (rc = segment_size(segment, o)) != 0 || (rc = check_media(o)) != 0)
		return rc;
	return alloc_workers(e, threads);
}

int fx_sink_e01_new(fx_sink **out, const char *target, const fx_e01_options *o)
{
	uint64_t segment = 0;
	e01_sink *e = NULL;
	int rc;

	FX_CHECK_ARG(out);
	*out = NULL;
	FX_CHECK_ARG(target);
	if ((rc = e01_alloc(&e, target, o, &segment)) != 0 ||
	    (rc = fx_e01_check_names(target, o)) != 0 ||
	    (rc = open_handle(e)) != 0 || (rc = configure(e, o, segment)) != 0 ||
	    (rc = start_threads(e)) != 0 ||
	    (rc = fx_sink_new_custom(out, &e01_ops, e)) != 0) {
		e01_close(e);
		return rc;
	}
	return 0;
}

/* ---- a resume ---------------------------------------------------------- */

/* The reopened set must hold the media the acquisition recorded. */
static int check_resumed(e01_sink *e, uint64_t at)
{
	libewf_error_t *error = NULL;
	size64_t media = 0;
	uint32_t bps = 0, spc = 0;

	if (libewf_handle_get_media_size(e->handle, &media, &error) != 1 ||
	    libewf_handle_get_bytes_per_sector(e->handle, &bps, &error) != 1 ||
	    libewf_handle_get_sectors_per_chunk(e->handle, &spc, &error) != 1)
		return fx_ewf_error(FX_ECORRUPT, &error, "cannot read the media values of E01 image %s.%c01",
				    e->target, e->ext0);
	if (media != e->media_size || bps != e->bytes_per_sector || spc != SECTORS_PER_CHUNK)
		return fx_error_set(FX_ECORRUPT,
				    "E01 image %s.%c01 holds %llu bytes of media in %u-byte sectors, %u per chunk, but the acquisition recorded %llu bytes in %u-byte sectors, %u per chunk: it is not the image recorded",
				    e->target, e->ext0, (unsigned long long)media, bps, spc,
				    (unsigned long long)e->media_size, e->bytes_per_sector,
				    SECTORS_PER_CHUNK);
	if (at % e->chunk || at > e->media_size)
		return fx_error_set(FX_ECORRUPT,
				    "libewf resumes E01 image %s.%c01 at media byte %llu, which is not a chunk boundary of its %llu bytes",
				    e->target, e->ext0, (unsigned long long)at,
				    (unsigned long long)e->media_size);
	return 0;
}

/* Opens the existing set through our own files (ewf_files.c) in libewf's
 * resume mode, and asks where it goes on writing. */
static int open_resume(e01_sink *e, uint64_t *resume_at)
{
	libewf_error_t *error = NULL;
	char **names = NULL;
	off64_t at = 0;
	size_t n = 0;
	int rc, opened;

	e->resumed = 1;
	if ((rc = fx_ewf_files_new(&e->segs, e->target, e->ext0)) != 0 ||
	    (rc = fx_ewf_files_adopt(e->segs, &names, &n)) != 0)
		return rc;
	if (libewf_handle_initialize(&e->handle, &error) != 1) {
		free(names);
		return fx_ewf_error(FX_ERROR, &error, "cannot set up libewf");
	}
	opened = libewf_handle_open(e->handle, names, (int)n,
				    LIBEWF_OPEN_WRITE_RESUME | LIBEWF_ACCESS_FLAG_READ,
				    &error) == 1;
	free(names);
	rc = fx_ewf_files_adopt_end(e->segs);
	if (!opened) {
		if (rc == 0 && (rc = fx_ewf_files_failure(e->segs)) == 0)
			rc = fx_ewf_error(FX_ECORRUPT, &error,
					  "libewf cannot resume E01 image %s.%c01",
					  e->target, e->ext0);
		else
			libewf_error_free(&error);
		return rc;
	}
	if (rc != 0)
		return rc;
	if (libewf_handle_get_offset(e->handle, &at, &error) != 1 || at < 0)
		return fx_ewf_error(FX_ECORRUPT, &error, "libewf gives no resume point for E01 image %s.%c01",
				    e->target, e->ext0);
	if ((rc = check_resumed(e, (uint64_t)at)) != 0)
		return rc;
	e->first_write_checked = 1; /* the set is ours from its first segment */
	*resume_at = e->resume_at = (uint64_t)at;
	return 0;
}

int fx_sink_e01_resume(fx_sink **out, uint64_t *resume_at, const char *target,
		       const fx_e01_options *o)
{
	uint64_t segment = 0;
	e01_sink *e = NULL;
	int rc;

	FX_CHECK_ARG(out);
	*out = NULL;
	FX_CHECK_ARG(resume_at);
	*resume_at = 0;
	FX_CHECK_ARG(target);
	if ((rc = e01_alloc(&e, target, o, &segment)) != 0 ||
	    (rc = open_resume(e, resume_at)) != 0 ||
	    (rc = start_threads(e)) != 0 ||
	    (rc = fx_sink_new_custom(out, &e01_ops, e)) != 0) {
		e01_close(e);
		*resume_at = 0;
		return rc;
	}
	return 0;
}

/* The prefix source: the resumed image as stored. */
static int64_t prefix_pread(void *payload, void *buf, size_t len, uint64_t off)
{
	e01_sink *e = payload;

	if (off >= e->bytes_in)
		return 0;
	if (len > e->bytes_in - off)
		len = (size_t)(e->bytes_in - off);
	/* a chunk that cannot be read back is evidence, not an accident */
	return read_stored(e, buf, len, off) == 0 ? (int64_t)len : -EBADMSG;
}

static void prefix_close(void *payload)
{
	(void)payload; /* the sink owns its state */
}

int fx_sink_e01_resume_from(fx_sink *sink, uint64_t offset, struct fx_source **prefix)
{
	static const fx_source_ops ops = { FX_SOURCE_OPS_VERSION, prefix_pread,
					   prefix_close };
	e01_sink *e;

	FX_CHECK_ARG(prefix);
	*prefix = NULL;
	FX_CHECK_ARG(sink);
	if (sink->ops.write != e01_write)
		return fx_error_set(FX_EUSAGE, "fx_sink_e01_resume_from: not a resumed E01 sink");
	e = sink->payload;
	if (e->positioned || e->bytes_in || offset > e->resume_at ||
	    offset % e->chunk)
		return fx_error_set(FX_EUSAGE,
				    "fx_sink_e01_resume_from: offset %llu is not a chunk boundary at or below the resume point %llu, or writing began",
				    (unsigned long long)offset,
				    (unsigned long long)e->resume_at);
	if (!e->stored && !(e->stored = malloc(e->chunk)))
		return fx_error_set(FX_ERROR, "out of memory");
	e->bytes_in = offset;
	return fx_source_new_custom(prefix, &ops, e, offset, e->bytes_per_sector,
				    e->target);
}
