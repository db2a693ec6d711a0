/**
 * @file verify.h
 * Re-verification of an image against every reference it has: the
 * acquisition record in the case database (media hashes, each image file's
 * size and SHA-256, hash windows), the MD5/SHA-1 stored inside an E01, the
 * TARGET.sha256 list beside the image, and the E01 chunk checksums. What
 * an opened image tells about itself (its files, stored hashes, the chunks
 * that failed, what made an open fail) is image.h's; the verification
 * builds on it and turns it into findings.
 *
 * The image is read once: MD5, SHA-1 and SHA-256 each on its own thread
 * (fx_acquire_run without a sink), E01 chunks decompressed on several
 * threads. The library compares and records; it never prints.
 */
#ifndef FORENSIC_VERIFY_H
#define FORENSIC_VERIFY_H

#include <signal.h>

#include "forensic/common.h"
#include "forensic/acquire.h"
#include "forensic/casedb.h"
#include "forensic/hash.h"
#include "forensic/image.h"
#include "forensic/sink.h"
#include "forensic/source.h"
#include "forensic/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- verification -------------------------------------------------------- */

/** What a finding is about. */
enum fx_verify_finding_kind {
	FX_FIND_HASH = 1,      /**< media hash differs from a reference */
	FX_FIND_FILE_HASH,     /**< an image file's SHA-256 differs */
	FX_FIND_WINDOW,        /**< hash windows differ (a byte range) */
	FX_FIND_CHUNK,         /**< E01 chunks fail (a sector range) */
	FX_FIND_SIZE,          /**< media size differs from the record */
	FX_FIND_EXTRA_FILE,    /**< a file of the set no reference lists */
	FX_FIND_MISSING,       /**< a file of the set is missing */
	FX_FIND_TRUNCATED,     /**< a file is shorter than recorded or ends early */
	FX_FIND_NOT_IMAGE,     /**< the file is not an image we can read */
	FX_FIND_CORRUPT,       /**< the image's structure is damaged */
	FX_FIND_NO_RECORD,     /**< no acquisition record in the case database */
	FX_FIND_NO_REFERENCE,  /**< nothing to compare the hashes with */
	FX_FIND_READ_ERROR,    /**< reading failed (I/O, unreadable sectors) */
	FX_FIND_RECORD,        /**< the record itself is unusable */
	FX_FIND_INTERRUPTED    /**< cancelled before the reading ended */
};

/** Where an expected value comes from. */
enum fx_verify_reference {
	FX_REF_NONE = 0,
	FX_REF_CASEDB = 1,     /**< the acquisition record */
	FX_REF_E01 = 2,        /**< hashes stored inside the E01 */
	FX_REF_SHA256_FILE = 4 /**< TARGET.sha256 beside the image */
};

/** One thing found; every string is owned by the result. */
typedef struct fx_verify_finding {
	int kind;              /**< enum fx_verify_finding_kind */
	fx_verdict status;     /**< FX_VERDICT_MISMATCH, FX_VERDICT_ERROR, or
				    FX_VERDICT_INTERRUPTED (FX_FIND_INTERRUPTED) */
	int reference;         /**< enum fx_verify_reference, or 0 */
	unsigned alg;          /**< FX_HASH_* of a hash finding, else 0 */
	char *file;            /**< the file concerned, or NULL */
	char expected[65];     /**< "" when not applicable */
	char computed[65];
	uint64_t offset;       /**< FX_FIND_WINDOW: byte range */
	uint64_t length;
	uint64_t windows;      /**< FX_FIND_WINDOW: windows in the range */
	uint64_t first_sector; /**< FX_FIND_CHUNK: sector range */
	uint64_t sectors;
	uint64_t first_chunk;  /**< FX_FIND_CHUNK */
	uint64_t chunks;
	char *message;         /**< one line naming file, range and values */
} fx_verify_finding;

/** One file of the image, with every value known for it. */
typedef struct fx_verify_file {
	char *path;            /**< as found (or as recorded, if missing) */
	int present;           /**< exists on disk */
	int in_set;            /**< part of the image as opened */
	uint64_t size;         /**< on disk */
	char sha256[65];       /**< computed ("" if not computed) */
	int recorded;          /**< listed in the acquisition record */
	uint64_t recorded_size;
	char recorded_sha256[65];
	int listed;            /**< listed in TARGET.sha256 */
	char listed_sha256[65];
	/** Raw sets: the media bytes the file holds, [media_offset,
	 *  media_offset + size); media_offset is -1 for E01 segments and
	 *  files not in the set. */
	int64_t media_offset;
} fx_verify_file;

/** Which image files fx_verify_image() hashes (SHA-256, from storage or
 *  from the media stream, whichever costs less). */
enum fx_verify_file_hashes {
	/** Those a reference lists with a SHA-256, to compare; and every
	 *  file of the set when hash_algs has SHA-256, for the record. */
	FX_VERIFY_FILES_AUTO = 0,
	/** Only those no reference has a SHA-256 for (an E01's segments
	 *  just written), whatever hash_algs: the read-back of a new image,
	 *  where the writer hashed the others from the bytes the media
	 *  hashes cover, costs one read of the media. */
	FX_VERIFY_FILES_UNKNOWN = 1
};

/** How far the hashing of image files straight from storage has got
 *  (FX_VERIFY_FILES_*: E01 segments), of the files it hashes. */
typedef struct fx_verify_files_progress {
	size_t files_done;
	size_t files_total;
	uint64_t bytes_done;     /**< of the files done, and of the file being read */
	uint64_t bytes_total;
	/** Seconds since the hashing of the files began (it may have begun
	 *  with the media read, beside it). Appended: the library fills it
	 *  for every caller. */
	double elapsed_s;
} fx_verify_files_progress;

typedef void (*fx_verify_files_progress_cb)(const fx_verify_files_progress *p,
					    void *payload);

/** Options of fx_verify_image(). */
typedef struct fx_verify_options {
	unsigned version;
	unsigned hash_algs;      /**< FX_HASH_* to compute (all) */
	unsigned threads;        /**< E01 decompression workers; 0 = cores */
	size_t block_size;       /**< read size (1 MiB) */
	/** Drop cached pages first (0): the image files, and each file
	 *  hashed straight from storage, are read from the device. */
	int bypass_cache;
	/** The acquisition to verify against; 0: the one that wrote path. */
	int64_t acquisition_id;
	/** Path of TARGET.sha256; NULL: beside the image (with a reference:
	 *  none, see reference). */
	const char *sha256_file;
	volatile sig_atomic_t *cancel;
	fx_progress_cb progress;
	void *progress_payload;
	/** Since version 2: the acquisition to verify against, held in
	 *  memory -- typically the one just run, whose record in the case
	 *  database is not finished yet (acquire --verify). Its id, evidence
	 *  id, case and evidence numbers, format, status and result (hashes,
	 *  bytes, files with their SHA-256 where known, windows) are the
	 *  record's references, exactly as if read from a database;
	 *  borrowed for the call. db is not searched (it may be NULL), and
	 *  no NAME.sha256 is read unless sha256_file names one: a new
	 *  image's list is written after its verification, from the same
	 *  facts. NULL: the record in db. */
	const fx_casedb_acquisition_info *reference;
	/** Since version 2: re-reads of a sector that fails (0), at most
	 *  FX_ACQUIRE_MAX_RETRIES (a read-back retries as its acquisition
	 *  did). */
	unsigned retries;
	/** Since version 2: enum fx_verify_file_hashes. */
	int file_hashes;
	/** Since version 2: called on the calling thread every 250 ms while
	 *  image files are still being hashed from storage after the media
	 *  was read, and once when that hashing has ended (also when it ended
	 *  before the media read did, so that a caller always learns how it
	 *  ended); NULL: none. */
	fx_verify_files_progress_cb files_progress;
	void *files_progress_payload;
} fx_verify_options;

#define FX_VERIFY_OPTIONS_VERSION 2
#define FX_VERIFY_OPTIONS_INIT { FX_VERIFY_OPTIONS_VERSION, FX_HASH_ALL, 0, \
	1 << 20, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, FX_VERIFY_FILES_AUTO, \
	NULL, NULL }

/** Everything a verification found; release with fx_verify_result_clear. */
typedef struct fx_verify_result {
	/** FX_VERDICT_INTERRUPTED: options.cancel stopped the reading
	 *  before a verdict (see fx_verify_image) */
	fx_verdict status;
	/** The image as given (owned, like the other texts of the result:
	 *  "" when none, NULL only when fx_verify_image returned a negative
	 *  code before it began). */
	char *path;
	int format;              /**< enum fx_image_format, 0 if not opened */
	uint64_t size;           /**< media bytes (0 if not opened) */
	uint64_t bytes;          /**< media bytes hashed */
	uint32_t sector_size;
	int hashed;              /**< the media was read and hashed */
	fx_digests computed;
	int references;          /**< FX_REF_* compared */
	fx_digests expected_casedb;  /**< algs 0: no record hashes */
	fx_digests expected_e01;     /**< algs 0: none stored */
	uint64_t recorded_bytes;     /**< from the record; 0 if none */
	int64_t acquisition_id;      /**< the record used; 0: none */
	int64_t evidence_id;
	char *case_number;           /**< of the record; owned, "" if none */
	char *evidence_number;       /**< owned, "" if none */
	char *sha256_file;           /**< owned; "" if none was read */
	uint64_t window_size;        /**< of the recorded windows; 0: none */
	fx_window_hash *windows;     /**< computed, owned */
	size_t nwindows;
	fx_verify_file *files;       /**< owned */
	size_t nfiles;
	fx_verify_finding *findings; /**< owned, in the order found */
	size_t nfindings;
	uint64_t findings_dropped;   /**< beyond FX_VERIFY_MAX_FINDINGS */
	double elapsed_s;
	int64_t verification_id;     /**< set by fx_verify_record() */
	/** The sectors the media read could not read (owned; sorted and
	 *  merged, in sectors of sector_size), each also a finding. */
	fx_bad_range *bad;
	size_t nbad;
	uint64_t bad_sectors;        /**< total sectors in bad */
} fx_verify_result;

/** Findings kept per result; more are counted in findings_dropped. */
#define FX_VERIFY_MAX_FINDINGS 4096

/**
 * Verifies the image whose first file is path, against the acquisition
 * record opts->reference gives or, without one, the record in db that
 * wrote path (or opts->acquisition_id). db may be NULL (then, without a
 * reference, FX_FIND_NO_RECORD is reported). The image is
 * read in the format its acquisition record gives (fx_image_options.format);
 * only an image without a record is recognised by name and contents. The
 * whole set is checked before the media is hashed: files missing, shorter
 * or longer than recorded or listed, and damaged structure (an E01's
 * section chain, a split raw segment of the wrong size) are findings, and
 * the media is then not hashed. Otherwise the media is hashed once and
 * compared with every reference; each difference is a finding.
 *
 * Every image file for which a reference (the record, NAME.sha256) lists a
 * SHA-256 is hashed and compared whether or not the media could be opened
 * or read (FX_VERIFY_FILES_AUTO): a file that no longer has its recorded
 * SHA-256 has changed, whatever else is wrong with the set.
 *
 * Status: FX_VERDICT_MISMATCH when an image file's SHA-256 differs from a
 * reference (always), or when anything else differs and the set was read
 * completely; FX_VERDICT_INTERRUPTED when opts->cancel stopped the reading
 * (and no file differed); FX_VERDICT_ERROR when the set is incomplete or
 * unreadable, or when nothing differs but there is no acquisition record
 * (or no reference at all); FX_VERDICT_VERIFIED only when the media was
 * hashed completely, at least the record was compared and nothing differs.
 * Returns 0 when out holds a verdict, a negative code only when it could
 * not start (bad options, out of memory); the database is only read.
 * Options of version 1 (no reference, no retries, FX_VERIFY_FILES_AUTO)
 * are served as they always were.
 */
FX_EXTERN int fx_verify_image(fx_verify_result *out, const char *path,
			      fx_casedb *db, const fx_verify_options *opts);

/**
 * Records r as a verification event of its acquisition (or of evidence_id
 * when r has no acquisition; 0 then means FX_ENOTFOUND: nothing to attach
 * it to): result, computed hashes and windows, and the whole result as JSON
 * in findings. tool names the tool ("verify"). Sets r->verification_id.
 */
FX_EXTERN int fx_verify_record(fx_casedb *db, fx_verify_result *r,
			       int64_t evidence_id, const char *tool,
			       const char *tool_version);

/**
 * The result as one JSON object (no newline), malloc'ed into *out:
 * status, image, format, sizes, computed and expected hashes, files,
 * windows summary, every finding. Strings are valid UTF-8 (bytes that are
 * not are written as \u00XX).
 */
FX_EXTERN int fx_verify_result_json(char **out, const fx_verify_result *r);

/** Adds a finding to r (used by callers that find more, e.g. handoff). */
FX_EXTERN int fx_verify_add_finding(fx_verify_result *r,
				    const fx_verify_finding *f);

/** Frees what a result owns; safe on a zeroed result. */
FX_EXTERN void fx_verify_result_clear(fx_verify_result *r);

/** "hash", "file_hash", "window", "chunk", ...; "?" otherwise. Static. */
FX_EXTERN const char *fx_verify_finding_kind_name(int kind);

/** "casedb", "e01", "sha256_file"; "" for none. Static. */
FX_EXTERN const char *fx_verify_reference_name(int reference);

/* ---- export for emulation and hand-over ---------------------------------- */

/** Options of fx_verify_export(). */
typedef struct fx_export_options {
	unsigned version;
	int format;                    /**< enum fx_export_format (sink.h) */
	/** How the image is read and verified (NULL: the defaults); SHA-256
	 *  is always among the hashes, as the export's files are named by it.
	 *  acquisition_id names the record when the caller found it (verify
	 *  export EVIDENCE); 0: the one that wrote the image. */
	const fx_verify_options *verify;
	const char *tool;              /**< recorded (NULL: "verify export") */
	const char *tool_version;
} fx_export_options;

#define FX_EXPORT_OPTIONS_VERSION 1
#define FX_EXPORT_OPTIONS_INIT { FX_EXPORT_OPTIONS_VERSION, FX_EXPORT_RAW, \
	NULL, NULL, NULL }

/** What an export did. */
typedef struct fx_export_result {
	/** The verification of the media as it was read for the export;
	 *  release with fx_export_result_clear. */
	fx_verify_result verify;
	int format;                    /**< enum fx_export_format */
	/** 1: the files are complete, on storage, read-only and recorded;
	 *  0: nothing of the export is left (see removed). */
	int exported;
	/** The files written: PATH (raw, VHD, the VMDK descriptor), then a
	 *  VMDK's flat extent; their path points into paths. */
	fx_image_file files[2];
	size_t nfiles;
	char paths[2][4096];
	int64_t export_id;             /**< the export record; 0: none */
	/** 0 when no file was created or every file created was removed
	 *  again; -1 when one could not be removed, or its name held another
	 *  file by then (left as it is, named in removal_error). */
	int removed;
	char removal_error[4400];
} fx_export_result;

/**
 * Exports the image whose first file is image_path (raw, split raw or E01,
 * read as its acquisition record says) as a virtual disk at dest: the
 * media is read once, hashed and written in the same pass (MD5, SHA-1,
 * SHA-256 and the recorded hash windows, as fx_verify_image), and the
 * export is completed only when the media verified against the
 * acquisition record in db: then the VHD footer or the VMDK descriptor is
 * written, the files are flushed to storage and made read-only, and an
 * export event is recorded (fx_casedb_export_record: who, when, where,
 * format, the files' sizes and SHA-256, the media's size and hashes).
 * The verification is recorded whatever its verdict (tool
 * opts->tool), as a verification event; out->verify.verification_id.
 *
 * Refused before anything is read or created: anything at a name the
 * export would create (FX_EEXISTS), checked first; a media size that is
 * not a multiple of 512 for VHD or VMDK (FX_EUSAGE, naming the size),
 * checked as soon as the image is open. Every file is created with
 * O_EXCL|O_NOFOLLOW.
 *
 * When the media does not verify (out->verify.status not
 * FX_VERDICT_VERIFIED: a mismatch, an unreadable or incomplete set, a
 * signal), the files this export created are removed -- only those, and
 * only while their names still hold the inodes created -- and 0 is
 * returned with out->exported 0 and no export recorded. Returns a negative
 * code when the export could not be made whatever the verdict (writing
 * failed: FX_EIO, FX_ENOSPC, naming the file and offset; recording it
 * failed), also after removing what it created; fx_error_last() says why.
 * db is required: an export is verified against its record.
 */
FX_EXTERN int fx_verify_export(fx_export_result *out, const char *image_path,
			       const char *dest, fx_casedb *db,
			       const fx_export_options *opts);

/** Frees what an export result owns; safe on a zeroed result. */
FX_EXTERN void fx_export_result_clear(fx_export_result *r);

/* ---- NAME.sha256 ----------------------------------------------------------- */

/** Why no NAME.sha256 is written for an acquisition's image files. */
enum fx_sha256_withheld {
	FX_SHA256_ALLOWED = 0,  /**< it is written */
	FX_SHA256_INTERRUPTED,  /**< the acquisition was interrupted */
	FX_SHA256_NOT_FINISHED, /**< it failed, or has not ended */
	FX_SHA256_NO_FILES,     /**< it recorded no image files */
	FX_SHA256_UNHASHED      /**< a file has no SHA-256 */
};

/**
 * The rule for NAME.sha256, one for every format: it lists an image only
 * when the image is whole -- an acquisition that ended
 * FX_STATUS_COMPLETED or FX_STATUS_COMPLETED_WITH_ERRORS, with at least
 * one file, every file with a SHA-256 -- so that `sha256sum -c` never
 * passes on part of a set (an interrupted or failed split raw set has a
 * SHA-256 for each file and still gets none). Returns FX_SHA256_ALLOWED
 * or why not (enum fx_sha256_withheld); for FX_SHA256_UNHASHED, *unhashed
 * (when not NULL) is the index of the first file without a SHA-256.
 */
FX_EXTERN int fx_sha256_file_withheld(size_t *unhashed, fx_status status,
				      const fx_image_file *files, size_t n);

/**
 * Writes NAME.sha256 at path for the files of an acquisition that ended
 * with status, as sha256sum writes it: "HASH  NAME" for each file in
 * order, NAME its base name; a name holding a backslash, a line feed or a
 * carriage return in sha256sum's escaped form (a leading backslash, then
 * \\, \n, \r), which sha256sum and fx_sha256_file_read() read back.
 * Only when fx_sha256_file_withheld() allows it: otherwise FX_EUSAGE, and
 * nothing is created. The list is evidence like the image: created
 * read-only with O_EXCL|O_NOFOLLOW, never over anything and never through
 * a link (FX_EEXISTS, naming what is there and whether it is a link), and
 * on storage (fsync) when this returns 0. A list that could not be
 * written completely is removed: a partial one would pass `sha256sum -c`
 * on part of the set. On failure, fx_error_last() says why ("cannot
 * create PATH: ...", or "cannot write PATH: ...") and *created (when not
 * NULL) says whether the file had been created before the writing failed
 * (1; it is removed again) or not (0).
 */
FX_EXTERN int fx_sha256_file_write(int *created, const char *path,
				   fx_status status, const fx_image_file *files,
				   size_t n);

/**
 * One line of a NAME.sha256 list: sha256 is its 64 hex digits, lowered;
 * name the file as listed (unescaped; relative to the list's directory
 * unless absolute), both borrowed for the call. A line that is neither
 * blank, a comment ('#') nor "HASH  NAME" / "HASH *NAME" (or their escaped
 * form) is given with sha256 and name NULL. lineno counts from 1. A
 * nonzero return stops the reading and is what fx_sha256_file_read()
 * returns.
 */
typedef int (*fx_sha256_file_cb)(const char *sha256, const char *name,
				 unsigned lineno, void *payload);

/**
 * Reads the NAME.sha256 list at path, giving every line to cb in order.
 * Returns 0, cb's nonzero return, or, when path cannot be opened, a
 * negative code (FX_ENOTFOUND when it does not exist) with "cannot read
 * PATH: why" in fx_error_last(), before any call of cb.
 */
FX_EXTERN int fx_sha256_file_read(const char *path, fx_sha256_file_cb cb,
				  void *payload);

#ifdef __cplusplus
}
#endif
#endif
