/*
 * The E01 reader: reading and decompressing on several threads, delivered
 * in order.
 *
 * libewf decompresses and checks chunks inside libewf_handle_read_random(),
 * on the caller's thread, with zlib: a verification would run at the speed
 * of one core. Here one fetch thread takes the chunks as stored, in order,
 * with libewf_handle_read_chunk() (no decompression: a copy out of the
 * segment file, about a tenth of the work), into jobs of JOB_BYTES of
 * media. Worker threads take whole jobs and decode each chunk: a
 * compressed chunk is a zlib stream, inflated with ISA-L, whose Adler-32
 * trailer ISA-L checks; a stored chunk is followed by its Adler-32, checked
 * here, in place (no copy). A compressed chunk stored byte for byte like
 * the one before it (runs of empty sectors) inflates to the same bytes, so
 * it is not inflated again. pread() hands decoded jobs to its caller
 * strictly in media order. The ordered job queue (conc/jobq.h) runs this:
 * the fetch thread is its producer, inflate/N its workers, the caller of
 * pread its consumer.
 * A chunk that fails is zero-filled and remembered as a run of chunks
 * (sectors) with the reason. Zeros, as libewf gives with zero-on-error
 * (ewfverify -w); by default libewf returns a stored chunk's damaged bytes
 * and a compressed chunk's failed inflation, which is not the evidence and
 * no defined value (docs/architecture.md). The run list is appended in
 * media order as the caller consumes jobs, so fx_image_chunk_errors() says
 * exactly which chunks of what was read are bad. Nothing is reported as
 * good that was not checked.
 *
 * Reads that are not sequential (the pipeline re-reading single sectors, a
 * caller seeking back) go through a second libewf handle, opened on first
 * need, with the same decoder: one chunk at a time, on the caller's thread.
 *
 * Threads and ownership:
 *   - `handle` belongs to the fetch thread, `rnd` and the consumer fields
 *     to the thread calling pread (one at a time, as for every source).
 *   - A job's buffers belong to whoever the queue gave it to: the fetch
 *     thread from claim to submit, one worker while it decodes, the
 *     consumer from fx_jobq_next to fx_jobq_release.
 *   - `lock` guards the error list.
 *   - Everything else is immutable after open.
 * Memory is nslots jobs of about 2 * JOB_BYTES, whatever the image size.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isa-l.h>
#include <libewf.h>

#include "base/error.h"
#include "base/vec.h"
#include "conc/jobq.h"
#include "ewf/ewf_util.h"
#include "base/hex.h"
#include "image/image_int.h"
#include "source/source_impl.h"
#include "base/storage.h"

#define JOB_BYTES ((size_t)1 << 20)
#define MAX_WORKERS 32
#define RAW_SLACK 1024 /* a stored chunk may exceed the chunk size a little */

typedef struct ewf_job {
	uint64_t first_chunk;
	unsigned nchunks;
	size_t data_len;         /* media bytes in data */
	uint8_t *raw;            /* stored chunks, each at i * raw_stride */
	uint32_t *raw_len;
	int8_t *compressed;
	uint32_t *checksum;      /* Adler-32 stored after an uncompressed chunk */
	uint8_t *reason;         /* 0 or enum fx_chunk_error_reason */
	uint8_t *data;           /* inflated chunks, each at i * chunk_size */
	const uint8_t **media;   /* each chunk's media bytes: in data, or in
				  * raw for a chunk stored uncompressed */
} ewf_job;

struct fx_ewf_reader {
	char **names;
	size_t nnames;
	fx_image_file *files;
	uint64_t media_size;
	uint32_t chunk_size, sector_size;
	uint64_t nchunks, njobs;
	unsigned job_chunks;
	size_t job_bytes, raw_stride;
	fx_digests stored;
	libewf_handle_t *handle;   /* fetch thread (and open) */
	libewf_handle_t *rnd;      /* consumer: out-of-order reads */
	ewf_job *rnd_job;

	fx_jobq *q;                /* NULL for empty media */
	ewf_job *jobs;             /* the queue's slots */
	unsigned nslots;
	pthread_t fetcher;
	unsigned nworkers;
	int fetcher_started;       /* the opening/closing thread */

	pthread_mutex_t lock;
	int sync_ok;               /* lock initialised */

	uint64_t next_consume;     /* consumer; seq of the job it reads */
	fx_image_chunk_error *errors; /* lock */
	size_t nerrors, errors_cap;
	uint64_t errors_overflow;
};

static void job_free(ewf_job *j)
{
	free(j->raw);
	free(j->raw_len);
	free(j->compressed);
	free(j->checksum);
	free(j->reason);
	free(j->data);
	free(j->media);
}

static int job_alloc(ewf_job *j, const fx_ewf_reader *r, unsigned chunks)
{
	j->raw = malloc(chunks * r->raw_stride);
	j->raw_len = calloc(chunks, sizeof(*j->raw_len));
	j->compressed = calloc(chunks, sizeof(*j->compressed));
	j->checksum = calloc(chunks, sizeof(*j->checksum));
	j->reason = calloc(chunks, sizeof(*j->reason));
	j->data = malloc((size_t)chunks * r->chunk_size);
	j->media = calloc(chunks, sizeof(*j->media));
	if (!j->raw || !j->raw_len || !j->compressed || !j->checksum ||
	    !j->reason || !j->data || !j->media)
		return fx_error_set(FX_ERROR, "out of memory for the E01 reader");
	return 0;
}

/* ---- decoding ------------------------------------------------------------ */

/* Media bytes of chunk c. */
static size_t chunk_bytes(const fx_ewf_reader *r, uint64_t c)
{
	uint64_t left = r->media_size - c * r->chunk_size;

	return left < r->chunk_size ? (size_t)left : r->chunk_size;
}

/* Decodes one stored chunk: a compressed one is inflated into out (want
 * bytes), an uncompressed one is checked where it is (*media = raw). 0, or
 * the reason it is bad, in which case *media is out, zero-filled. */
static int decode_chunk(const uint8_t **media, uint8_t *out, size_t want,
			const uint8_t *raw, size_t raw_len, int compressed,
			uint32_t checksum)
{
	struct inflate_state st;
	int rc;

	if (compressed) {
		isal_inflate_init(&st);
		st.crc_flag = ISAL_ZLIB;
		st.next_in = (uint8_t *)(uintptr_t)raw;
		st.avail_in = (uint32_t)raw_len;
		st.next_out = out;
		st.avail_out = (uint32_t)want;
		rc = isal_inflate_stateless(&st);
		*media = out;
		if (rc == ISAL_DECOMP_OK && st.total_out == want)
			return 0;
		rc = rc == ISAL_INCORRECT_CHECKSUM ? FX_CHUNK_CHECKSUM
						   : FX_CHUNK_DECOMPRESS;
	} else if (raw_len != want) {
		rc = FX_CHUNK_DECOMPRESS;
	} else {
		*media = raw;
		if (isal_adler32(1, raw, want) == checksum)
			return 0;
		rc = FX_CHUNK_CHECKSUM;
	}
	memset(out, 0, want);
	*media = out;
	return rc;
}

/* Whether compressed chunk i is stored exactly as chunk k was (then it
 * inflates to the same bytes: runs of empty or repeated chunks). */
static int same_as(const fx_ewf_reader *r, const ewf_job *j, unsigned i,
		   unsigned k)
{
	return j->compressed[i] && j->compressed[k] && !j->reason[k] &&
	       j->raw_len[i] == j->raw_len[k] &&
	       chunk_bytes(r, j->first_chunk + i) == chunk_bytes(r, j->first_chunk + k) &&
	       memcmp(j->raw + (size_t)i * r->raw_stride,
		      j->raw + (size_t)k * r->raw_stride, j->raw_len[i]) == 0;
}

static void decode_job(const fx_ewf_reader *r, ewf_job *j)
{
	size_t at = 0, want;
	unsigned i;

	for (i = 0; i < j->nchunks; i++, at += want) {
		want = chunk_bytes(r, j->first_chunk + i);
		if (j->reason[i]) {
			memset(j->data + at, 0, want);
			j->media[i] = j->data + at;
			continue;
		}
		if (i && !j->reason[i] && same_as(r, j, i, i - 1)) {
			j->media[i] = j->media[i - 1]; /* checked when it was inflated */
			continue;
		}
		j->reason[i] = (uint8_t)decode_chunk(&j->media[i], j->data + at, want,
						     j->raw + (size_t)i * r->raw_stride,
						     j->raw_len[i], j->compressed[i],
						     j->checksum[i]);
	}
}

/* ---- fetching ------------------------------------------------------------ */

/* Reads stored chunk c with handle h (positioned at it unless *reseek)
 * into slot i of j. */
static void fetch_chunk(fx_ewf_reader *r, libewf_handle_t *h, ewf_job *j,
			unsigned i, uint64_t c, int *reseek)
{
	libewf_error_t *error = NULL;
	uint8_t *buf = j->raw + (size_t)i * r->raw_stride, ck[4];
	int8_t compressed = 0, has_ck = 0;
	uint32_t checksum = 0;
	size_t want = chunk_bytes(r, c);
	ssize_t n;

	j->reason[i] = 0;
	j->raw_len[i] = 0;
	if (*reseek && libewf_handle_seek_offset(h, (off64_t)(c * r->chunk_size),
						 SEEK_SET, &error) < 0) {
		j->reason[i] = FX_CHUNK_UNREADABLE;
		libewf_error_free(&error);
		return;
	}
	*reseek = 0;
	n = libewf_handle_read_chunk(h, buf, r->raw_stride, &compressed, ck,
				     &checksum, &has_ck, &error);
	if (n <= 0 || (size_t)n > r->raw_stride) {
		j->reason[i] = FX_CHUNK_UNREADABLE;
		libewf_error_free(&error);
		*reseek = 1;
		return;
	}
	j->compressed[i] = compressed != 0;
	j->raw_len[i] = (uint32_t)n;
	if (!compressed && (size_t)n == want + 4) {
		/* data, then its Adler-32 (also copied to ck when has_ck) */
		j->raw_len[i] = (uint32_t)want;
		j->checksum[i] = has_ck ? checksum
				 : (uint32_t)buf[want] | (uint32_t)buf[want + 1] << 8 |
				   (uint32_t)buf[want + 2] << 16 |
				   (uint32_t)buf[want + 3] << 24;
	} else if (!compressed && !has_ck) {
		j->raw_len[i] = 0; /* no checksum to check it by: bad size */
	} else {
		j->checksum[i] = checksum;
	}
}

static void fetch_job(fx_ewf_reader *r, libewf_handle_t *h, ewf_job *j,
		      uint64_t seq, int *reseek)
{
	unsigned i;

	j->first_chunk = seq * r->job_chunks;
	j->nchunks = (unsigned)(r->nchunks - j->first_chunk < r->job_chunks
				? r->nchunks - j->first_chunk : r->job_chunks);
	j->data_len = 0;
	for (i = 0; i < j->nchunks; i++) {
		fetch_chunk(r, h, j, i, j->first_chunk + i, reseek);
		j->data_len += chunk_bytes(r, j->first_chunk + i);
	}
}

/* The queue's producer: fetches every job of the media in order, until
 * the queue is cancelled (close). */
static void *fetch_main(void *arg)
{
	fx_ewf_reader *r = arg;
	uint64_t n, seq;
	size_t slot;
	int reseek = 1;

	for (n = 0; n < r->njobs; n++) {
		if (fx_jobq_claim(r->q, &slot, &seq) != 0)
			break;
		fetch_job(r, r->handle, &r->jobs[slot], seq, &reseek);
		fx_jobq_submit(r->q);
	}
	fx_jobq_close(r->q);
	return NULL;
}

/* The queue's work: decodes the job in slot. */
static int decode_slot(void *payload, unsigned worker, size_t slot,
		       uint64_t seq)
{
	fx_ewf_reader *r = payload;

	(void)worker;
	(void)seq;
	decode_job(r, &r->jobs[slot]);
	return 0;
}

/* ---- errors ------------------------------------------------------------ */

/* Appends chunk c (bad for reason) to the run list. Under lock. */
static void error_add(fx_ewf_reader *r, uint64_t c, int reason)
{
	uint64_t spc = r->chunk_size / r->sector_size;
	fx_image_chunk_error *last = r->nerrors ? &r->errors[r->nerrors - 1] : NULL;
	uint64_t sectors = (chunk_bytes(r, c) + r->sector_size - 1) / r->sector_size;

	if (last && last->reason == reason &&
	    last->first_chunk + last->chunks == c) {
		last->chunks++;
		last->sectors += sectors;
		return;
	}
	if (r->nerrors >= ((size_t)1 << 20) ||
	    FX_VEC_RESERVE(r->errors, r->errors_cap, r->nerrors + 1) != 0) {
		r->errors_overflow++;
		return;
	}
	last = &r->errors[r->nerrors++];
	last->first_chunk = c;
	last->chunks = 1;
	last->first_sector = c * spc;
	last->sectors = sectors;
	last->reason = reason;
}

static void job_errors(fx_ewf_reader *r, const ewf_job *j)
{
	unsigned i;

	for (i = 0; i < j->nchunks; i++)
		if (j->reason[i])
			error_add(r, j->first_chunk + i, j->reason[i]);
}

/* ---- pread --------------------------------------------------------------- */

/* Out-of-order read of the chunk holding byte at, through the second
 * handle; copies what of [at, at + len) lies in that chunk. */
/*
 * A handle keeps at most FX_EWF_OPEN_SEGMENTS segment files open (libewf
 * closes the least recently used): a set can have more segments than
 * `ulimit -n` allows. Only for sets that large: libewf 20140813 fails to
 * open a set of fewer segments than the limit it was given.
 */
static int limit_open_segments(libewf_handle_t *h, size_t nsegments,
			       libewf_error_t **error)
{
	if (nsegments <= FX_EWF_OPEN_SEGMENTS)
		return 1;
	return libewf_handle_set_maximum_number_of_open_handles(h,
			FX_EWF_OPEN_SEGMENTS, error);
}

static int64_t read_slow(fx_ewf_reader *r, uint8_t *buf, size_t len, uint64_t at)
{
	libewf_error_t *error = NULL;
	uint64_t c = at / r->chunk_size;
	size_t in = (size_t)(at - c * r->chunk_size), n;
	int reseek = 1;

	if (!r->rnd) {
		if (libewf_handle_initialize(&r->rnd, &error) != 1 ||
		    limit_open_segments(r->rnd, r->nnames, &error) != 1 ||
		    libewf_handle_open(r->rnd, r->names, (int)r->nnames,
				       LIBEWF_OPEN_READ, &error) != 1) {
			fx_ewf_error(FX_EIO, &error, "cannot re-open %s", r->names[0]);
			return -EIO;
		}
	}
	if (!r->rnd_job) {
		if (!(r->rnd_job = calloc(1, sizeof(*r->rnd_job))) ||
		    job_alloc(r->rnd_job, r, 1) != 0)
			return -ENOMEM;
	}
	r->rnd_job->first_chunk = c;
	r->rnd_job->nchunks = 1;
	fetch_chunk(r, r->rnd, r->rnd_job, 0, c, &reseek);
	decode_job(r, r->rnd_job);
	pthread_mutex_lock(&r->lock);
	job_errors(r, r->rnd_job);
	pthread_mutex_unlock(&r->lock);
	n = chunk_bytes(r, c) - in;
	n = n < len ? n : len;
	memcpy(buf, r->rnd_job->media[0] + in, n);
	return (int64_t)n;
}

/* Copies n media bytes from in bytes into job j, chunk by chunk. */
static void job_copy(const fx_ewf_reader *r, const ewf_job *j, uint8_t *dst,
		     size_t in, size_t n)
{
	size_t i, at, take;

	while (n) {
		i = in / r->chunk_size;
		at = in % r->chunk_size;
		take = chunk_bytes(r, j->first_chunk + i) - at;
		take = take < n ? take : n;
		memcpy(dst, j->media[i] + at, take);
		dst += take;
		in += take;
		n -= take;
	}
}

/* Waits for the next job in order (next_consume), decoded. NULL only if
 * the queue stopped, which it does on close alone. */
static ewf_job *wait_ready(fx_ewf_reader *r)
{
	uint64_t seq;
	size_t slot;

	if (fx_jobq_next(r->q, &slot, &seq) != 1)
		return NULL;
	return &r->jobs[slot];
}

/* The consumer is done with job j: its errors go to the list in order and
 * its slot back to the fetch thread. */
static void release_job(fx_ewf_reader *r, ewf_job *j)
{
	pthread_mutex_lock(&r->lock);
	job_errors(r, j);
	pthread_mutex_unlock(&r->lock);
	r->next_consume++;
	fx_jobq_release(r->q);
}

static int64_t ewf_pread(void *payload, void *buf, size_t len, uint64_t off)
{
	fx_ewf_reader *r = payload;
	size_t done = 0, n;
	uint64_t at, seq, start;
	int64_t k;
	ewf_job *j;

	while (done < len && off + done < r->media_size) {
		at = off + done;
		seq = at / r->job_bytes;
		if (seq < r->next_consume || !r->q) {
			if ((k = read_slow(r, (uint8_t *)buf + done, len - done, at)) < 0)
				return k;
			done += (size_t)k;
			continue;
		}
		while (r->next_consume < seq) { /* skipped ahead: drop jobs */
			if (!(j = wait_ready(r)))
				return -EIO;
			release_job(r, j);
		}
		if (!(j = wait_ready(r)))
			return -EIO;
		start = seq * r->job_bytes;
		n = (size_t)(start + j->data_len - at);
		n = n < len - done ? n : len - done;
		job_copy(r, j, (uint8_t *)buf + done, (size_t)(at - start), n);
		done += n;
		if (at + n == start + j->data_len)
			release_job(r, j);
	}
	return (int64_t)done;
}

/* ---- open and close ------------------------------------------------------ */

/* The jobs in flight are dropped; the fetch thread leaves its loop at its
 * next claim. */
static void stop_threads(fx_ewf_reader *r)
{
	if (!r->q)
		return;
	fx_jobq_cancel(r->q);
	if (r->fetcher_started)
		pthread_join(r->fetcher, NULL);
	r->fetcher_started = 0;
	fx_jobq_free(r->q);
	r->q = NULL;
}

static void close_handle(libewf_handle_t **h)
{
	if (!*h)
		return;
	libewf_handle_close(*h, NULL);
	libewf_handle_free(h, NULL);
}

static void ewf_close(void *payload)
{
	fx_ewf_reader *r = payload;
	unsigned i;

	if (!r)
		return;
	stop_threads(r);
	for (i = 0; r->jobs && i < r->nslots; i++)
		job_free(&r->jobs[i]);
	free(r->jobs);
	if (r->rnd_job)
		job_free(r->rnd_job);
	free(r->rnd_job);
	close_handle(&r->handle);
	close_handle(&r->rnd);
	if (r->sync_ok)
		pthread_mutex_destroy(&r->lock);
	fx_ewf_names_free(r->names);
	free(r->files);
	free(r->errors);
	free(r);
}

/* Media geometry and stored hashes; refuses what cannot be read sanely. */
static int read_media(fx_ewf_reader *r, fx_image_problem *pb)
{
	libewf_error_t *error = NULL;
	size64_t media = 0;
	uint32_t bps = 0, cs = 0;
	uint8_t md5[16], sha1[20];
	uint64_t total = 0;
	size_t i;

	if (libewf_handle_get_media_size(r->handle, &media, &error) != 1 ||
	    libewf_handle_get_bytes_per_sector(r->handle, &bps, &error) != 1 ||
	    libewf_handle_get_chunk_size(r->handle, &cs, &error) != 1) {
		fx_image_problem_note(pb, FX_IMAGE_PROBLEM_CORRUPT, r->names[0]);
		return fx_ewf_error(FX_ECORRUPT, &error,
				    "cannot read the media size of %s", r->names[0]);
	}
	r->sector_size = bps ? bps : 512;
	for (i = 0; i < r->nnames; i++)
		total += r->files[i].size;
	if (cs == 0 || cs > FX_EWF_MAX_CHUNK || cs % r->sector_size ||
	    (r->sector_size & (r->sector_size - 1)) || r->sector_size > cs) {
		fx_image_problem_note(pb, FX_IMAGE_PROBLEM_CORRUPT, r->names[0]);
		return fx_error_set(FX_ECORRUPT,
				    "E01 image %s: unsupported geometry (chunk %u bytes, sector %u bytes)",
				    r->names[0], cs, r->sector_size);
	}
	r->media_size = media;
	r->chunk_size = cs;
	r->nchunks = (media + cs - 1) / cs;
	/* Each chunk takes at least a 4-byte table entry in the files. */
	if (r->nchunks > total / 4) {
		fx_image_problem_note(pb, FX_IMAGE_PROBLEM_CORRUPT, r->names[0]);
		return fx_error_set(FX_ECORRUPT,
				    "E01 image %s claims %llu bytes of media (%llu chunks); its %llu bytes of segment files cannot hold that",
				    r->names[0], (unsigned long long)media,
				    (unsigned long long)r->nchunks, (unsigned long long)total);
	}
	if (libewf_handle_get_md5_hash(r->handle, md5, sizeof(md5), &error) == 1) {
		fx_hex_encode(r->stored.md5, md5, sizeof(md5));
		r->stored.algs |= FX_HASH_MD5;
	}
	libewf_error_free(&error);
	if (libewf_handle_get_sha1_hash(r->handle, sha1, sizeof(sha1), &error) == 1) {
		fx_hex_encode(r->stored.sha1, sha1, sizeof(sha1));
		r->stored.algs |= FX_HASH_SHA1;
	}
	libewf_error_free(&error);
	return 0;
}

static int open_handle(fx_ewf_reader *r, int bypass_cache,
		       fx_image_problem *pb)
{
	libewf_error_t *error = NULL;
	struct stat st;
	size_t i;

	if (!(r->files = calloc(r->nnames, sizeof(*r->files))))
		return fx_error_set(FX_ERROR, "out of memory");
	for (i = 0; i < r->nnames; i++) {
		r->files[i].path = r->names[i]; /* both freed at close */
		if (stat(r->names[i], &st) == 0)
			r->files[i].size = (uint64_t)st.st_size;
		if (bypass_cache)
			fx_storage_drop_cache_path(r->names[i]);
	}
	if (libewf_handle_initialize(&r->handle, &error) != 1 ||
	    limit_open_segments(r->handle, r->nnames, &error) != 1 ||
	    libewf_handle_open(r->handle, r->names, (int)r->nnames,
			       LIBEWF_OPEN_READ, &error) != 1) {
		fx_image_problem_note(pb, FX_IMAGE_PROBLEM_CORRUPT, r->names[0]);
		return fx_ewf_error(FX_ECORRUPT, &error, "cannot open E01 image %s",
				    r->names[0]);
	}
	return 0;
}

/* Job size, worker and slot counts for this media. */
static void plan_jobs(fx_ewf_reader *r, unsigned threads)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	r->nworkers = threads ? threads : cores > 0 ? (unsigned)cores : 1;
	if (r->nworkers > MAX_WORKERS)
		r->nworkers = MAX_WORKERS;
	r->job_chunks = (unsigned)(JOB_BYTES / r->chunk_size ? JOB_BYTES / r->chunk_size : 1);
	if (r->nchunks && r->job_chunks > r->nchunks)
		r->job_chunks = (unsigned)r->nchunks; /* a small image: small jobs */
	r->job_bytes = (size_t)r->job_chunks * r->chunk_size;
	r->raw_stride = r->chunk_size + RAW_SLACK;
	r->njobs = (r->nchunks + r->job_chunks - 1) / r->job_chunks;
	if (r->nworkers > r->njobs)
		r->nworkers = r->njobs ? (unsigned)r->njobs : 1;
	r->nslots = 2 * r->nworkers + 2;
	if (r->nslots > r->njobs)
		r->nslots = r->njobs ? (unsigned)r->njobs : 1;
}

/* Threads are named for top -H and ps -T: inflate/N, ewf-fetch. */
static int start_threads(fx_ewf_reader *r, unsigned threads)
{
	fx_jobq_options q = { 0 };
	unsigned i;
	int rc;

	plan_jobs(r, threads);
	if (pthread_mutex_init(&r->lock, NULL) != 0)
		return fx_error_set(FX_ERROR, "cannot create a lock");
	r->sync_ok = 1;
	if (r->njobs == 0)
		return 0;
	if (!(r->jobs = calloc(r->nslots, sizeof(*r->jobs))))
		return fx_error_set(FX_ERROR, "out of memory");
	for (i = 0; i < r->nslots; i++)
		if (job_alloc(&r->jobs[i], r, r->job_chunks) != 0)
			return FX_ERROR;
	q.nslots = r->nslots;
	q.nworkers = r->nworkers;
	q.work = decode_slot;
	q.payload = r;
	q.worker_name = "inflate/";
	if ((rc = fx_jobq_new(&r->q, &q)) != 0)
		return rc;
	if (fx_jobq_start(r->q) != 0)
		return fx_error_set(FX_ERROR, "cannot start an E01 decompression thread");
	if (pthread_create(&r->fetcher, NULL, fetch_main, r) != 0)
		return fx_error_set(FX_ERROR, "cannot start the E01 fetch thread");
	r->fetcher_started = 1;
	pthread_setname_np(r->fetcher, "ewf-fetch");
	return 0;
}

int fx_ewf_reader_open(fx_source **out, const char *path, unsigned threads,
		       int bypass_cache, fx_image_problem *pb)
{
	static const fx_source_ops ops = { FX_SOURCE_OPS_VERSION, ewf_pread,
					   ewf_close };
	fx_ewf_reader *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (!r)
		return fx_error_set(FX_ERROR, "out of memory");
	if ((rc = fx_ewf_find_set(&r->names, &r->nnames, path, pb)) != 0 ||
	    (rc = open_handle(r, bypass_cache, pb)) != 0 ||
	    (rc = read_media(r, pb)) != 0 ||
	    (rc = start_threads(r, threads)) != 0)
		goto fail;
	if ((rc = fx_source_new_custom(out, &ops, r, r->media_size,
				       r->sector_size, path)) != 0)
		goto fail;
	(*out)->image_format = FX_IMAGE_E01;
	return 0;
fail:
	ewf_close(r);
	return rc;
}

size_t fx_ewf_reader_files(const fx_ewf_reader *r, fx_image_file *out,
			   size_t max)
{
	size_t i;

	for (i = 0; out && i < r->nnames && i < max; i++)
		out[i] = r->files[i];
	return r->nnames;
}

int fx_ewf_reader_stored_hashes(const fx_ewf_reader *r, fx_digests *out)
{
	*out = r->stored;
	return 0;
}

size_t fx_ewf_reader_chunk_errors(fx_ewf_reader *r, fx_image_chunk_error *out,
				  size_t max)
{
	size_t i, n;

	if (!r->sync_ok)
		return 0;
	pthread_mutex_lock(&r->lock);
	n = r->nerrors;
	for (i = 0; out && i < n && i < max; i++)
		out[i] = r->errors[i];
	pthread_mutex_unlock(&r->lock);
	return n;
}

uint32_t fx_ewf_reader_chunk_size(const fx_ewf_reader *r)
{
	return r->chunk_size;
}
