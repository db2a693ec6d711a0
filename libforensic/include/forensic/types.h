/**
 * @file types.h
 * The vocabulary every module shares: the facts that cross from one module
 * to another (the pipeline, the image writers and readers, the verifier,
 * the case database, the reports) have one type each, defined here, so
 * that what the pipeline produces is what the case database stores and
 * what it reads back.
 *
 * Text fields of these types follow one rule: "" means not known (not
 * computed, not exposed by the system). Where a pointer may be NULL (read
 * back from a case database), NULL means not recorded.
 */
#ifndef FORENSIC_TYPES_H
#define FORENSIC_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "forensic/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- outcomes ------------------------------------------------------------ */

/**
 * State of an acquisition: what fx_acquire_run() reports and what the case
 * database records. A run never ends FX_STATUS_RUNNING; that is the state
 * of a record begun and not (yet) finished.
 */
typedef enum fx_status {
	FX_STATUS_RUNNING = 0,   /**< begun, not finished (yet) */
	FX_STATUS_COMPLETED = 1, /**< every sector read */
	/** finished; unreadable sectors zero-filled and listed */
	FX_STATUS_COMPLETED_WITH_ERRORS = 2,
	/** stopped by an error (I/O, no space, device gone) */
	FX_STATUS_FAILED = 3,
	/** cancelled by the caller (a signal), or its process died */
	FX_STATUS_INTERRUPTED = 4
} fx_status;

/** "running", "completed", "completed_with_errors", "failed",
 *  "interrupted" (the case database stores these words); "?" for other
 *  values. Static. */
FX_EXTERN const char *fx_status_name(int status);

/**
 * Verdict of a verification: what fx_verify_image() decides, what each of
 * its findings is, and what the case database records.
 */
typedef enum fx_verdict {
	FX_VERDICT_VERIFIED = 1, /**< every reference matches, nothing wrong */
	FX_VERDICT_MISMATCH = 2, /**< a hash, file or chunk does not match */
	FX_VERDICT_ERROR = 3,    /**< could not be verified (I/O, no record) */
	/** stopped (by a signal) before a verdict: neither a pass nor a
	 *  failure (a signal is no evidence) */
	FX_VERDICT_INTERRUPTED = 4
} fx_verdict;

/** "verified", "mismatch", "error", "interrupted" (the case database
 *  stores these words); "?" for other values. Static. */
FX_EXTERN const char *fx_verdict_name(int verdict);

/* ---- what an acquisition produces ---------------------------------------- */

/** A run of unreadable sectors (in logical sectors of the source). */
typedef struct fx_bad_range {
	uint64_t first;
	uint64_t count;
} fx_bad_range;

/** Hash algorithms, combinable as a bit set. */
enum fx_hash_alg {
	FX_HASH_MD5 = 1,
	FX_HASH_SHA1 = 2,
	FX_HASH_SHA256 = 4,
	FX_HASH_ALL = 7
};

/** Lowercase hex digests; an algorithm not computed (or not recorded) is
 *  "". algs: the FX_HASH_* set computed. */
typedef struct fx_digests {
	unsigned algs;
	char md5[33];
	char sha1[41];
	char sha256[65];
} fx_digests;

/** The SHA-256 of the image bytes [offset, offset + length) (piecewise
 *  hashing). */
typedef struct fx_window_hash {
	uint64_t offset;
	uint64_t length;
	char sha256[65];
} fx_window_hash;

/** One file of an image (the image, or a segment of a split raw or E01
 *  set). */
typedef struct fx_image_file {
	/** Borrowed from whoever filled the struct (a sink, an image, a case
	 *  database record): see the function that gives it. */
	const char *path;
	uint64_t size;
	/** Lowercase hex; "" when not known (e.g. E01 segments before they
	 *  are hashed from storage: see fx_sink_e01_new). */
	char sha256[65];
	/** 1 when allocated holds what the file takes on storage, 0 when it
	 *  was not measured (files of an E01 set, records made before case
	 *  database schema 5). */
	int allocated_known;
	/** Bytes the file takes on storage: st_blocks * 512 after its final
	 *  flush. Below size for a sparse file (its holes take nothing), and
	 *  0 is a measurement too (a file that is all hole). */
	uint64_t allocated;
} fx_image_file;

/* ---- where it comes from ------------------------------------------------- */

/** What kind of thing a source reads. */
typedef enum fx_source_kind {
	FX_SOURCE_UNKNOWN = 0,   /**< not recorded (read back from a record) */
	FX_SOURCE_DEVICE = 1,    /**< a whole block device (a disk) */
	FX_SOURCE_PARTITION = 2, /**< a block device that is a partition */
	FX_SOURCE_FILE = 3,      /**< a regular file */
	FX_SOURCE_CUSTOM = 4,    /**< a caller's reads (fx_source_new_custom) */
	FX_SOURCE_IMAGE = 5,     /**< an image read back (fx_image_open) */
	/** a stream read once, in order (standard input, a pipe, a framed
	 *  remote stream): never write-blocked, as it is not a device; a
	 *  size of 0 means not known in advance (the run's size is then what
	 *  arrived) */
	FX_SOURCE_STREAM = 6,
	/** the disk a virtual machine sees in a VMDK, VHD, VHDX or QCOW
	 *  container (fx_source_open_virtual) */
	FX_SOURCE_VIRTUAL = 7
} fx_source_kind;

/** Unknown value of a tri-state field (removable, rotational, ...). */
#define FX_UNKNOWN (-1)

/**
 * What is known of a source: as an open source sees it
 * (fx_source_get_info(): every text is a string, "" when the system does
 * not expose it, borrowed until fx_source_free), or as a case database
 * recorded it (NULL: not recorded; "" is stored as not recorded).
 */
typedef struct fx_source_info {
	fx_source_kind kind;
	const char *path;              /**< as given to the open */
	/** 1 for a block device (a disk or a partition), 0 otherwise;
	 *  FX_UNKNOWN when not recorded */
	int is_block_device;
	/** 1 for a partition of a disk (HPA/DCO then belong to the disk),
	 *  0 otherwise; FX_UNKNOWN when not recorded (a case database keeps
	 *  no such column) */
	int is_partition;
	uint64_t size;                 /**< bytes; 0 when not recorded */
	uint32_t logical_sector_size;  /**< bytes per sector used for ranges */
	uint32_t physical_sector_size;
	const char *vendor;
	const char *model;
	const char *serial;
	const char *wwid;
	int removable;                 /**< 1, 0 or FX_UNKNOWN */
	int rotational;                /**< 1, 0 or FX_UNKNOWN */
	/** 1: optical media, a CD/DVD/BD drive (SCSI peripheral type 5) or
	 *  a device of 2048-byte logical sectors; 0 otherwise; FX_UNKNOWN
	 *  when not recorded (case database schema 5 records it) */
	int optical;
	/** HPA/DCO findings, or "not checked: <reason>". */
	const char *hpa_dco;
	/** "BLKROSET", "none: regular file opened O_RDONLY",
	 *  "disabled (--no-write-block)" or "custom source". */
	const char *write_block_method;
	/** Read-only flags as "sda=0 sda1=0" (the device, then its partitions
	 *  in partition-number order): as found before fx_source_open set
	 *  them, and as last read (after the open, fx_source_refresh_state or
	 *  fx_source_restore_write_block). -1: the flag could not be read.
	 *  A case database records them as the state before the tool acted
	 *  and the state it left in force when reading began. */
	const char *ro_before;
	const char *ro_after;
	/** Flags fx_source_restore_write_block cleared again, as "sda=0
	 *  sda1=0"; "" when it cleared none (or was not called). */
	const char *ro_restored;
	/** Flags that were already set when fx_source_open found them, as
	 *  "sda2=1": never changed by the open, never cleared by a restore. */
	const char *ro_kept;
	int direct_io;                 /**< 1 if reads bypass the page cache */
	/** 1 once fx_source_pread has been called: reading has started. */
	int read_started;
} fx_source_info;

/** A source info that records nothing: numbers 0, flags FX_UNKNOWN, texts
 *  NULL (for records built by hand). */
#define FX_SOURCE_INFO_INIT { FX_SOURCE_UNKNOWN, NULL, FX_UNKNOWN, \
	FX_UNKNOWN, 0, 0, 0, NULL, NULL, NULL, NULL, FX_UNKNOWN, FX_UNKNOWN, \
	FX_UNKNOWN, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0 }

/* ---- progress ------------------------------------------------------------ */

/** How far one destination of a run with several copies has got
 *  (fx_progress.copies). */
typedef struct fx_progress_copy {
	/** The copy's TARGET, borrowed for the call; NULL when the library
	 *  does not know the name (fx_acquire_run: copies[i] is the caller's
	 *  i-th destination, the sink first, then opts.copies in order). */
	const char *target;
	uint64_t bytes;       /**< bytes the copy has taken so far */
	/** FX_STATUS_RUNNING while it takes bytes, FX_STATUS_FAILED once it
	 *  has failed (the others go on), FX_STATUS_COMPLETED at the end. */
	fx_status status;
} fx_progress_copy;

/** Progress of a pass over a source, delivered on the calling thread at
 *  most every progress_interval_ms of the options that carry the
 *  callback, and once more when the pass has ended, whatever the outcome
 *  (completed, failed, interrupted), after the sink has finished writing:
 *  the counts as read, bytes_done never going back. The library fills it
 *  and lends it for the call.
 *  It grows only at its end: a caller built against an older header
 *  reads the fields it knows, which mean what they always did. */
typedef struct fx_progress {
	uint64_t bytes_done;     /**< bytes read (and passed on) so far */
	uint64_t bytes_total;    /**< the source's size (see total_unknown) */
	uint64_t bad_sectors;    /**< unreadable sectors so far */
	double elapsed_s;        /**< since the pass began */
	/** 1: the size is not known in advance (a stream read to its end);
	 *  bytes_total is then what has arrived so far. */
	int total_unknown;
	/** The destinations of a run that writes several copies, TARGET's
	 *  first, borrowed for the call; NULL and 0 for a single destination
	 *  or none (a hash-only pass). */
	const fx_progress_copy *copies;
	size_t ncopies;
	/** 1: a resumed run re-reads the image's stored prefix (bytes_done
	 *  of bytes_total, the checkpoint's offset), before it reads the
	 *  source from there (0: bytes_done from the checkpoint on, of the
	 *  source's size). */
	int resuming;
} fx_progress;

typedef void (*fx_progress_cb)(const fx_progress *progress, void *payload);

#ifdef __cplusplus
}
#endif
#endif
