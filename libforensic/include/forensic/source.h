/**
 * @file source.h
 * Evidence sources: a block device or regular file opened read-only and
 * write-blocked, or any caller-supplied reader (for tests and image readers).
 */
#ifndef FORENSIC_SOURCE_H
#define FORENSIC_SOURCE_H

#include "forensic/common.h"
#include "forensic/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fx_source fx_source;

/** Options for fx_source_open. */
typedef struct fx_source_options {
	unsigned version;
	int write_block;   /**< set BLKROSET on device and partitions (1) */
	int allow_mounted; /**< do not refuse a mounted source (0) */
	int direct_io;     /**< O_DIRECT on block devices when allowed (1) */
	int bypass_cache;  /**< regular files: drop cached pages first (0) */
	/** Version 2: NULL-terminated list of output paths (files or
	 *  directories, existing or not) refused as fx_source_check_destination
	 *  refuses them, before the source is opened or write-blocked, so
	 *  that a refused run changes nothing (NULL: none). */
	const char *const *destinations;
} fx_source_options;

#define FX_SOURCE_OPTIONS_VERSION 2
#define FX_SOURCE_OPTIONS_INIT { FX_SOURCE_OPTIONS_VERSION, 1, 0, 1, 0, NULL }

/**
 * Operations of a caller-supplied source.
 * pread returns the number of bytes read (fewer than len only at the end of
 * the source) or a negative errno value; it must be safe to call for single
 * sectors after a failed multi-sector read.
 */
typedef struct fx_source_ops {
	unsigned version;
	int64_t (*pread)(void *payload, void *buf, size_t len, uint64_t offset);
	void (*close)(void *payload);
} fx_source_ops;

#define FX_SOURCE_OPS_VERSION 1

/**
 * Opens a block device or regular file read-only. For a block device: size
 * and sector sizes from the kernel, refusal if it or a partition is mounted
 * (FX_EBUSY, unless allow_mounted), BLKROSET on the device and each of its
 * partitions confirmed with BLKROGET, identity from sysfs/udev, HPA/DCO
 * through SG_IO where the device answers ATA commands. The caller owns *out.
 * An open that fails after setting flags clears them again before it
 * returns (its message says so), as fx_source_restore_write_block does.
 */
FX_EXTERN int fx_source_open(fx_source **out, const char *path,
			     const fx_source_options *opts);

/**
 * Wraps caller-supplied operations as a source of size bytes with the given
 * sector size. name is recorded as its path. Ownership of payload stays with
 * the caller until fx_source_free, which calls ops->close(payload).
 */
FX_EXTERN int fx_source_new_custom(fx_source **out, const fx_source_ops *ops,
				   void *payload, uint64_t size,
				   uint32_t sector_size, const char *name);

/**
 * Wraps fd (standard input, a pipe, a socket) as a source of kind
 * FX_SOURCE_STREAM, read once from where it stands, in order, to its end:
 * what a stream holds cannot be read twice, so nothing is re-read or
 * retried. It is not a device, so nothing is write-blocked, and the info
 * says so. size: the bytes the stream must hold (fewer is a failure naming
 * the byte where it ended, more a failure at the first byte beyond), or 0
 * when not known in advance (the run's size is then what arrived). name
 * is how messages and the record name it ("standard input"). Sectors are
 * 512 bytes. fd is the caller's: fx_source_free does not close it.
 */
FX_EXTERN int fx_source_open_pipe(fx_source **out, int fd, uint64_t size,
				  const char *name);

/**
 * Reads the header of a framed stream (acquire --to-stream,
 * docs/stream.md) from fd and presents the stream as a source of kind
 * FX_SOURCE_STREAM: its size, sector size and the device facts the sender
 * recorded (path given as "HOST:PATH", identity, HPA/DCO, the sender's
 * write-block and read-only flags) are the info's. Each frame's CRC-32,
 * sequence number and offset are checked as the pipeline reads it; a
 * failure is FX_EMISMATCH naming the frame (its sequence number and media
 * offset), a stream that ends early FX_EIO naming the byte count. The
 * sender's trailer (its digests, unreadable ranges and outcome) is read
 * when the reads reach the end: fx_source_account_get. Before anything
 * is returned: an empty stream, one that is not an acquire stream
 * (FX_ECORRUPT), one of a newer format version (FX_EVERSION), a damaged
 * header. name is how messages name fd ("standard input" or a file).
 * key (key_len bytes, at least FX_STREAM_KEY_MIN), or NULL: the key the
 * stream was sent with (fx_stream_options.key); the trailer's HMAC-SHA256
 * must then match (FX_EMISMATCH naming the trailer's frame otherwise). A
 * stream sent with a key is refused without one (FX_EUSAGE), and one sent
 * without a key is refused when a key is given (FX_EMISMATCH: whoever
 * changed it may have dropped its MAC). fd is the caller's:
 * fx_source_free does not close it.
 */
FX_EXTERN int fx_source_open_stream(fx_source **out, int fd, const char *name,
				    const uint8_t *key, size_t key_len);

/** Shortest key of an authenticated stream (bytes). */
#define FX_STREAM_KEY_MIN 16u

/** What the sender of a framed stream said of itself (header and
 *  trailer). Texts borrowed from the source, "" when not sent. */
typedef struct fx_stream_peer {
	unsigned format_version;
	const char *host;        /**< the sender's host name */
	const char *tool;        /**< the sender's tool and version */
	const char *path;        /**< the device as the sender named it */
	const char *started;     /**< the sender's start, UTC */
	int ended;               /**< 1 once the trailer was read */
	fx_status status;        /**< the sender's outcome (trailer) */
	uint64_t bytes;          /**< bytes the sender read (trailer) */
	fx_digests digests;      /**< what it hashed (trailer) */
} fx_stream_peer;

/** The sender of a framed stream source (fx_source_open_stream), or NULL
 *  for any other source. Borrowed until fx_source_free. */
FX_EXTERN const fx_stream_peer *fx_source_stream_peer(const fx_source *src);

/** What a source says of itself once read to its end: the account of a
 *  framed stream's sender. */
typedef struct fx_source_account {
	const fx_bad_range *bad; /**< ranges the sender could not read
				  *   (zero-filled in what it sent);
				  *   borrowed until fx_source_free */
	size_t nbad;
	fx_digests digests;      /**< what the sender's reads hashed to */
	uint64_t bytes;          /**< bytes the sender read */
} fx_source_account;

/**
 * The account of a source that gives one (a framed stream whose trailer
 * was read, its sender's acquisition complete): 0 and *out. FX_ENOTFOUND
 * for every other source, or before the end was read. The pipeline
 * merges the ranges into its result and compares the digests.
 */
FX_EXTERN int fx_source_account_get(const fx_source *src,
				    fx_source_account *out);

/** Kind, identity and write-block state (fx_source_info, types.h): every
 *  text a string ("" when not exposed). Borrowed, texts included; valid
 *  until fx_source_free. */
FX_EXTERN const fx_source_info *fx_source_get_info(const fx_source *src);

/**
 * Refuses (FX_EUSAGE) when path (an output file or directory, existing or
 * not) lies on the source device or one of its partitions, or is the source.
 */
FX_EXTERN int fx_source_check_destination(const fx_source *src,
					  const char *path);

/** Re-reads the read-only state into info->ro_after. */
FX_EXTERN int fx_source_refresh_state(fx_source *src);

/**
 * Undoes fx_source_open's write-block, for a source given back unread (a
 * run refused or failed before its first read): clears the read-only flag
 * of every device node whose flag the open changed from 0 to 1, and
 * confirms each with BLKROGET. A flag that was already set before the
 * open, or whose state the open could not read, is never cleared.
 * info->ro_restored lists the flags cleared, info->ro_kept those left set
 * as found, info->ro_after the state now. It acts once: calling it
 * again, or for a regular file, a custom source or a source opened without
 * write_block, does nothing and returns 0. Nothing checks whether the
 * source was read (see info->read_started): that policy is the caller's.
 * Returns 0, or FX_ERROR naming the first device node whose flag could not
 * be cleared (every other flag is still tried).
 */
FX_EXTERN int fx_source_restore_write_block(fx_source *src);

/**
 * Reads len bytes at offset (one attempt). Returns bytes read (short only at
 * the end), or a negative errno value.
 */
FX_EXTERN int64_t fx_source_pread(fx_source *src, void *buf, size_t len,
				  uint64_t offset);

/** Closes the source. The read-only flags stay as they are (set, unless
 *  fx_source_restore_write_block cleared them). NULL is safe. */
FX_EXTERN void fx_source_free(fx_source *src);

#ifdef __cplusplus
}
#endif
#endif
