/**
 * @file acquire.h
 * The acquisition pipeline: one reader, concurrent hashers and one sink
 * sharing a fixed pool of buffers.
 */
#ifndef FORENSIC_ACQUIRE_H
#define FORENSIC_ACQUIRE_H

#include <signal.h>

#include "forensic/common.h"
#include "forensic/hash.h"
#include "forensic/sink.h"
#include "forensic/source.h"
#include "forensic/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest block size fx_acquire_run accepts (256 MiB). */
#define FX_ACQUIRE_MAX_BLOCK ((size_t)256 << 20)
/** Most re-reads of a failing sector fx_acquire_run accepts. */
#define FX_ACQUIRE_MAX_RETRIES 100u

/** Most copies fx_acquire_run writes besides its sink (options version 2). */
#define FX_ACQUIRE_MAX_COPIES 3u

/** A durable checkpoint of a run: the sink's files hold media [0, offset)
 *  on storage (fdatasync'ed), and these are that prefix's hashes. */
typedef struct fx_acquire_checkpoint {
	uint64_t offset;           /**< bytes of media durable in the image */
	fx_digests digests;        /**< of media [0, offset), the run's algs */
	/** Unreadable ranges below offset (the last one cut at offset);
	 *  borrowed for the callback's duration. */
	const fx_bad_range *bad;
	size_t nbad;
} fx_acquire_checkpoint;

/** Told each checkpoint, on the calling (reader) thread of
 *  fx_acquire_run; a non-zero return is ignored by the run (the caller
 *  keeps its own note of a checkpoint it could not record). */
typedef int (*fx_acquire_checkpoint_cb)(const fx_acquire_checkpoint *cp,
					void *payload);

/** Options for fx_acquire_run. */
typedef struct fx_acquire_options {
	unsigned version;
	size_t block_size;      /**< bytes per read; multiple of sector (1 MiB) */
	unsigned retries;       /**< re-reads of a failing sector (2), at most 100 */
	unsigned hash_algs;     /**< FX_HASH_* set (all) */
	uint64_t hash_window;   /**< window size in bytes; 0 = none */
	unsigned buffers;       /**< buffers in the pool (8) */
	/** Stop as soon as this becomes non-zero (e.g. set by a signal). */
	volatile sig_atomic_t *cancel;
	fx_progress_cb progress;
	void *progress_payload;
	unsigned progress_interval_ms; /**< (250) */
	/** Version 2: further sinks (copies) written from the same buffers as
	 *  the run's sink, each on its own thread: no second read, no second
	 *  hash. Up to FX_ACQUIRE_MAX_COPIES, borrowed for the run; requires a
	 *  sink. One that fails is finished as failed and the others go on. */
	fx_sink *const *copies;
	unsigned ncopies;
	/* Version 2, after the copies (resume): durable checkpoints and
	 * continuing from one. */
	/** A checkpoint when this many bytes were read since the last one
	 *  (0: by time only; both 0: none). */
	uint64_t checkpoint_bytes;
	/** ... or when this many milliseconds passed since the last one. */
	unsigned checkpoint_ms;
	fx_acquire_checkpoint_cb checkpoint;  /**< NULL: no checkpoints */
	void *checkpoint_payload;
	/** Resume: the sink already holds media [0, resume_offset) (a sink
	 *  reopened at that offset); 0: a new run. The pipeline re-reads that
	 *  prefix from resume_prefix (the image as stored), hashes it, and
	 *  compares with resume_digests before it reads a byte of the source
	 *  or hands one to the sink: a difference ends the run FAILED with
	 *  FX_EMISMATCH, nothing appended. */
	uint64_t resume_offset;
	fx_source *resume_prefix;
	const fx_digests *resume_digests;
	/** The prefix's unreadable ranges, as recorded (copied). */
	const fx_bad_range *resume_bad;
	size_t resume_nbad;
} fx_acquire_options;

#define FX_ACQUIRE_OPTIONS_VERSION 2
#define FX_ACQUIRE_OPTIONS_INIT \
	{ FX_ACQUIRE_OPTIONS_VERSION, 1 << 20, 2, FX_HASH_ALL, 0, 8, NULL, \
	  NULL, NULL, 250, NULL, 0, 0, 0, NULL, NULL, 0, NULL, NULL, NULL, 0 }

/** How one destination of a run ended: the run's sink is destination 0,
 *  the copies of fx_acquire_options follow in order. */
typedef struct fx_acquire_copy {
	/** COMPLETED or COMPLETED_WITH_ERRORS: it holds every byte of the
	 *  source; FAILED: it failed (its files are left as written);
	 *  INTERRUPTED: the run stopped before the end. */
	fx_status status;
	/** Bytes of media the destination holds: for a failed one, the byte
	 *  at which its write failed (nothing from there on is in it). */
	uint64_t bytes;
	/** The first byte it could not write (FAILED), else UINT64_MAX. */
	uint64_t failed_at;
	int error_code;          /**< FX_E* when FAILED, else 0 */
	char *error;             /**< owned: why it failed; NULL otherwise */
	/** Owned array of its files (paths borrowed from the sink: valid until
	 *  fx_sink_free), as fx_sink_files lists them after finish. */
	fx_image_file *files;
	size_t nfiles;
} fx_acquire_copy;

/** Everything a run produced; release with fx_acquire_result_clear. The
 *  library fills it; a caller reads it (and keeps its own copy of what it
 *  decides differently, e.g. a run it fails after the pipeline). */
typedef struct fx_acquire_result {
	fx_status status;        /**< never FX_STATUS_RUNNING */
	uint64_t bytes;          /**< bytes read and passed on */
	uint64_t size;           /**< source size */
	uint32_t sector_size;
	fx_digests digests;
	fx_bad_range *bad;       /**< owned; sorted, merged ranges */
	size_t nbad;
	uint64_t bad_sectors;    /**< total sectors in bad */
	fx_window_hash *windows; /**< owned */
	size_t nwindows;
	int error_code;          /**< FX_E* if FAILED or INTERRUPTED, else 0 */
	/** Owned: why the run failed or was interrupted (the message
	 *  fx_error_last() had, or the sink's); NULL when it completed. */
	char *error;
	double elapsed_s;
	/** Owned: one entry per destination (the sink, then the copies; none
	 *  without a sink), freed by fx_acquire_result_clear. Added in
	 *  libforensic.so.1: a result is filled whole for every caller, as
	 *  every caller of this soname has this field. With copies, status
	 *  says how the reading went while at least one destination holds
	 *  every byte; a copy that failed says so here only. */
	fx_acquire_copy *copies;
	size_t ncopies;
} fx_acquire_result;

/**
 * Checks opts by the rules fx_acquire_run applies, so that a caller can
 * refuse bad values before it writes anything: block size a positive
 * multiple of sector_size up to FX_ACQUIRE_MAX_BLOCK, hash window 0 or a
 * multiple of sector_size, retries up to FX_ACQUIRE_MAX_RETRIES, at least
 * one known hash algorithm and nothing else, 2..1024 buffers, a known
 * options version. sector_size is the source's logical sector size, or 0
 * when the source is not open yet: sizes are then checked against 512
 * bytes, of which every sector size is a multiple. Returns 0, or FX_EUSAGE
 * with a message naming the option (as the tools spell it) and its value.
 */
FX_EXTERN int fx_acquire_options_check(const fx_acquire_options *opts,
				       uint32_t sector_size);

/**
 * Reads src once from start to end, hashing every block concurrently (one
 * thread per algorithm) and handing it to sink (may be NULL: hash only).
 * Unreadable blocks are re-read sector by sector, each failing sector tried
 * retries more times, then zero-filled and listed. Returns 0 when the run
 * ended in a recorded state (see out->status, including failures of the
 * source or sink); a negative code only when it could not start
 * (FX_EUSAGE: opts break a rule of fx_acquire_options_check). Threads are
 * named for top -H and ps -T: md5, sha1, sha256, window, sink.
 */
FX_EXTERN int fx_acquire_run(fx_acquire_result *out, fx_source *src,
			     fx_sink *sink, const fx_acquire_options *opts);

/**
 * The SHA-256 of the first and of the last MiB of src (all of it when
 * smaller), as lowercase hex; "" for a part that cannot be read (an
 * unreadable sector). With the size, model and serial, what tells on a
 * resume that the source is the one the acquisition began on. Reads 2 MiB.
 */
FX_EXTERN int fx_acquire_source_marks(char head[65], char tail[65],
				      fx_source *src);

/** Frees what a result owns; safe on a zeroed result. */
FX_EXTERN void fx_acquire_result_clear(fx_acquire_result *result);

#ifdef __cplusplus
}
#endif
#endif
