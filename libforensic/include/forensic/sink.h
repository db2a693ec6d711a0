/**
 * @file sink.h
 * Image writers. A sink receives the acquired stream in order, on its own
 * thread, and turns it into image files that it never overwrites.
 */
#ifndef FORENSIC_SINK_H
#define FORENSIC_SINK_H

#include "forensic/common.h"
#include "forensic/hash.h"
#include "forensic/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fx_sink fx_sink;
struct fx_source; /* forensic/source.h */

/** What a sink is told when the stream ends. */
typedef struct fx_sink_summary {
	uint64_t bytes;               /**< bytes of media streamed */
	uint32_t sector_size;
	const fx_digests *digests;    /**< hashes of the streamed media */
	const fx_bad_range *bad;      /**< unreadable ranges, in sectors */
	size_t nbad;
	int complete;                 /**< 0 if interrupted or failed */
	/** 1: the run stopped so that it can be resumed from a checkpoint
	 *  (interrupted, or its source vanished, in a run that takes
	 *  checkpoints): a sink leaves its image resumable rather than
	 *  closed for good (E01: not finalized, every chunk flushed). */
	int resumable;
} fx_sink_summary;

/** Operations of a sink; write is called from one thread, in order. */
typedef struct fx_sink_ops {
	unsigned version;
	int (*write)(void *payload, const uint8_t *data, size_t len);
	/* Completes the image (flushes, fsyncs, writes trailers). */
	int (*finish)(void *payload, const fx_sink_summary *summary);
	void (*close)(void *payload);
	/* Lists written files; returns the count, fills up to max entries
	 * (paths borrowed until close). */
	size_t (*files)(void *payload, fx_image_file *out, size_t max);
	/* Version 2: bytes of media the finished image holds (an image
	 * format may store less than it was given, e.g. whole sectors only).
	 * NULL: every byte written. The pipeline never reports a run
	 * completed unless this equals the source's size. */
	uint64_t (*held)(void *payload);
	/* Version 3: makes every byte written so far durable (fdatasync), for
	 * a checkpoint; 0 or a negative FX_E*. NULL: the sink cannot, and a
	 * run over it records no checkpoint. */
	int (*sync)(void *payload);
} fx_sink_ops;

#define FX_SINK_OPS_VERSION 3

/** Wraps caller-supplied operations (tests: fault injection). */
FX_EXTERN int fx_sink_new_custom(fx_sink **out, const fx_sink_ops *ops,
				 void *payload);

/**
 * Refuses (FX_EEXISTS, naming it) when anything -- a file, a directory, a
 * symbolic link, dangling or not -- is at path; 0 when nothing is.
 */
FX_EXTERN int fx_evidence_path_check(const char *path);

/**
 * Refuses (FX_EEXISTS, naming it) when anything is already at one of the
 * names the raw writer would create for media_size bytes
 * (fx_raw_segment_name).
 */
FX_EXTERN int fx_raw_check_names(const char *target, uint64_t segment_size,
				 uint64_t media_size);

/**
 * Smallest segment size of every segmented format (1 MiB), raw and E01
 * alike: libewf accepts no smaller E01 segment, and smaller raw segments
 * only multiply files (a 1-byte segment size made a million files).
 */
#define FX_MIN_SEGMENT ((uint64_t)1 << 20)

/**
 * Checks a raw segment size: 0 (one .raw file) or at least FX_MIN_SEGMENT.
 * Otherwise FX_EUSAGE, the message naming --segment-size and the value.
 * fx_sink_raw_new applies it; a tool calls it to refuse before it writes
 * anything.
 */
FX_EXTERN int fx_raw_segment_size_check(uint64_t segment_size);

/**
 * Raw image: target + ".raw" when segment_size is 0, otherwise target +
 * ".001", ".002", ... each exactly segment_size bytes but the last;
 * segment_size below FX_MIN_SEGMENT is refused (FX_EUSAGE, see
 * fx_raw_segment_size_check) before anything is created. Every file is
 * created with O_EXCL (FX_EEXISTS if it exists). When the stream equals
 * one file, its SHA-256 is the media SHA-256; segments are hashed as they
 * are written.
 */
FX_EXTERN int fx_sink_raw_new(fx_sink **out, const char *target,
			      uint64_t segment_size);

/** Options of a raw image (fx_sink_raw_open). */
typedef struct fx_raw_options {
	unsigned version;
	/** 0: one file; else files of segment_size bytes (TARGET.001 ...),
	 *  at least FX_MIN_SEGMENT */
	uint64_t segment_size;
	/** 1: runs of all-zero blocks (FX_RAW_SPARSE_MIN_HOLE bytes or more,
	 *  on 4 KiB boundaries of the file, judged within each write the
	 *  sink is given: the pipeline's blocks) are not written but left as
	 *  holes; the file reads back the same bytes and takes the space of
	 *  its data. Check the destination with fx_raw_sparse_check first. */
	int sparse;
	/** 1: one file named TARGET.iso (a raw image of optical media);
	 *  segment_size must be 0 */
	int iso;
} fx_raw_options;

#define FX_RAW_OPTIONS_VERSION 1
#define FX_RAW_OPTIONS_INIT { FX_RAW_OPTIONS_VERSION, 0, 0, 0 }

/** Shortest run of zeros a sparse raw image leaves as a hole (64 KiB):
 *  shorter runs are written, so that data with scattered zero blocks is
 *  not cut into many small writes. */
#define FX_RAW_SPARSE_MIN_HOLE ((size_t)64 << 10)

/**
 * Raw image with options: as fx_sink_raw_new, plus sparse writing and the
 * .iso name. Every file's allocated size is measured after its final
 * flush (fx_image_file.allocated). FX_EUSAGE for a segment size below the
 * minimum, or segmented .iso, before anything is created.
 */
FX_EXTERN int fx_sink_raw_open(fx_sink **out, const char *target,
			       const fx_raw_options *opts);

/**
 * Whether the file system of target's directory keeps holes, as a sparse
 * raw image needs: an unnamed file (O_TMPFILE), or where the file system
 * has none a file of a name no one else uses created O_EXCL and removed,
 * gets one byte at 1 MiB; holes are kept when it then takes less than
 * 1 MiB. 0 when it does; FX_EUSAGE naming the directory and what the
 * probe took when it does not (vfat, exFAT); another code when the
 * directory cannot be probed.
 */
FX_EXTERN int fx_raw_sparse_check(const char *target);

/**
 * Reopens the raw or split raw image an interrupted acquisition left at
 * target, to go on writing at offset: a durable checkpoint, the files
 * holding media [0, offset) on storage. The files are opened by name,
 * never following a link and never created; each must be a regular file
 * with at least the bytes the checkpoint says (FX_ECORRUPT or
 * FX_ENOTFOUND, naming the file). What lies past offset is cut off: the
 * file offset falls in is truncated to it, and segment files made past it
 * (regular files: they hold only discarded bytes) are removed, to be
 * created anew (O_EXCL) when the stream reaches them. Complete
 * segments are hashed from storage (SHA-256), and the current one's stored
 * bytes feed its hasher, so the files list as a new run's would.
 */
FX_EXTERN int fx_sink_raw_resume(fx_sink **out, const char *target,
				 uint64_t segment_size, uint64_t offset);

/** E01 media type. */
enum fx_e01_media { FX_E01_FIXED = 0, FX_E01_REMOVABLE, FX_E01_OPTICAL };

/** Options of an E01 image; text fields may be NULL. */
typedef struct fx_e01_options {
	unsigned version;
	const char *ewf_format;    /**< encase6 (default), encase2..encase5, ftk, linen5, linen6, ewfx */
	const char *compression;   /**< none, empty, fast (default), best */
	unsigned threads;          /**< compression workers; 0 = online cores (at most FX_E01_MAX_THREADS) */
	uint64_t segment_size;     /**< bytes; 0 = 2 GiB or the format's maximum */
	uint64_t media_size;       /**< bytes of the source */
	uint32_t bytes_per_sector;
	int media_type;            /**< enum fx_e01_media */
	int physical;              /**< 1: a whole device, 0: a partition or file */
	const char *case_number, *evidence_number, *examiner, *description,
		*notes, *model, *serial, *software, *os;
} fx_e01_options;

#define FX_E01_OPTIONS_VERSION 1
#define FX_E01_OPTIONS_INIT { FX_E01_OPTIONS_VERSION, "encase6", "fast", 0, 0, \
	0, 512, FX_E01_FIXED, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }

/** Smallest E01 segment size: the same FX_MIN_SEGMENT as raw. */
#define FX_E01_MIN_SEGMENT FX_MIN_SEGMENT

/** Most compression workers an E01 sink runs. */
#define FX_E01_MAX_THREADS 64u

/**
 * Checks E01 options as fx_sink_e01_new does, before anything is created:
 * the EWF format (known, and one libewf writes with its header sections),
 * the compression, the segment size for that format (FX_E01_MIN_SEGMENT
 * up to fx_e01_max_segment; 0 for the default) and threads (0 for the
 * online cores, at most FX_E01_MAX_THREADS). Returns 0, or FX_EUSAGE with a
 * message naming the option (as the tools spell it) and its value.
 */
FX_EXTERN int fx_e01_options_check(const fx_e01_options *opts);

/**
 * Largest segment size of an EWF format name (FX_EUSAGE for an unknown
 * name): EnCase 6 segments may be up to 2^63-1 bytes, the others 2^31-1.
 */
FX_EXTERN int fx_e01_max_segment(uint64_t *out, const char *ewf_format);

/**
 * The name of segment index (0-based) of an E01 set, as it is written:
 * target + ".E01" ... ".E99", ".EAA" ... ".EZZ", ".FAA" ... up to ".ZZZ"
 * (lower case for ewfx). FX_EUSAGE for an unknown format or past the last.
 */
FX_EXTERN int fx_e01_segment_name(char *out, size_t outlen, const char *target,
				  const char *ewf_format, unsigned index);

/**
 * Refuses (FX_EEXISTS, naming it) when anything is already at a name the
 * E01 set of opts (format, segment and media size) can reach.
 */
FX_EXTERN int fx_e01_check_names(const char *target, const fx_e01_options *opts);

/**
 * E01 image through libewf: target + ".E01", ".E02", ... Chunks (32 KiB)
 * are compressed on opts->threads workers and written in order by one
 * writer thread with libewf_handle_write_chunk. MD5 and SHA-1 go into the
 * image's hash sections and unreadable sectors into its acquisition-error
 * section at finish.
 *
 * Refuses, before any file exists: a media size that is not a multiple of
 * bytes_per_sector (FX_EUSAGE: E01 stores whole sectors, the tail would be
 * lost), and anything already at a name the set can reach (FX_EEXISTS,
 * fx_e01_check_names). Segment files are created by libforensic, never by
 * libewf, with O_EXCL|O_NOFOLLOW: a name that appears during the run
 * fails it (FX_EEXISTS, naming the file) and is left untouched.
 * Segments are flushed to storage and made read-only at finish, but not
 * hashed: libewf rewrites each sectors section's descriptor when the
 * section ends, so a segment is final only once complete. Hash them from
 * storage afterwards (fx_file_sha256_stored), as acquire --verify does.
 */
FX_EXTERN int fx_sink_e01_new(fx_sink **out, const char *target,
			      const fx_e01_options *opts);

/**
 * Reopens the E01 set an interrupted acquisition left at target (opts as
 * that acquisition had them) to go on writing it (docs/resume.md). Its
 * segments are opened by libforensic, never through a link, each a
 * regular file with one name (a last one too short to hold a chunk is
 * removed and created again, O_EXCL, when reached); libewf's resume mode
 * (LIBEWF_OPEN_WRITE_RESUME) takes them and says where it goes on
 * writing: *resume_at, the end of the chunks it keeps (those of every
 * sectors section that has its table). The set must hold opts' media
 * size and sector size (FX_ECORRUPT otherwise). Nothing is written
 * before fx_sink_e01_resume_from.
 */
FX_EXTERN int fx_sink_e01_resume(fx_sink **out, uint64_t *resume_at,
				 const char *target, const fx_e01_options *opts);

/**
 * Where a resumed E01 sink's writes start: offset, a durable checkpoint
 * at or below its resume point (a chunk boundary). *prefix reads media
 * [0, offset) as the image stores it (for the pipeline's re-read; free it
 * before the sink). The writes of [offset, resume point) are compared
 * with the stored chunks, not written (FX_ECORRUPT naming the first media
 * byte that differs); writing goes on at the resume point.
 */
FX_EXTERN int fx_sink_e01_resume_from(fx_sink *sink, uint64_t offset,
				      struct fx_source **prefix);

/** Options of the sending end of a remote stream (fx_sink_stream_new). */
typedef struct fx_stream_options {
	unsigned version;
	const char *host;     /**< the sender's host name (recorded by the receiver) */
	const char *tool;     /**< the sender's tool and version */
	const char *started;  /**< when the sender started, UTC */
	uint32_t block_size;  /**< largest data frame: the pipeline's block size */
	/** A key shared out of band (at least FX_STREAM_KEY_MIN bytes,
	 *  source.h), or
	 *  NULL: the trailer then carries an HMAC-SHA256 over the header and
	 *  itself, so that the sender's digests and device facts cannot be
	 *  changed by whoever does not hold the key. Copied. */
	const uint8_t *key;
	size_t key_len;
} fx_stream_options;

#define FX_STREAM_OPTIONS_VERSION 1
#define FX_STREAM_OPTIONS_INIT { FX_STREAM_OPTIONS_VERSION, NULL, NULL, NULL, \
	1u << 20, NULL, 0 }

/**
 * A sink that sends what the pipeline reads as a framed stream to fd (the
 * format in docs/stream.md), for fx_source_open_stream at the other end:
 * the header (format version, sizes, block size, source's device facts as
 * JSON) is written here, before the first read; each block becomes data
 * frames (sequence number, offset, length, CRC-32); finish sends the
 * unreadable ranges and a trailer with the sender's outcome and the
 * digests the pipeline computed of exactly the bytes sent (with a key,
 * authenticated by an HMAC-SHA256). It writes no
 * file (fx_sink_files gives none) and writes nothing else to fd. A write
 * that fails (the receiver went away: EPIPE, when SIGPIPE is ignored)
 * fails the run, naming the stream byte and frame. fd stays the caller's.
 */
FX_EXTERN int fx_sink_stream_new(fx_sink **out, int fd,
				 const fx_source_info *source,
				 const fx_stream_options *opts);

/** The file name of raw segment index (0-based) into out. */
FX_EXTERN int fx_raw_segment_name(char *out, size_t outlen,
				  const char *target, uint64_t segment_size,
				  unsigned index);

/**
 * Files written so far (size and SHA-256 final only after finish). Returns
 * the number of files; fills at most max entries of out. The paths are
 * borrowed from the sink: valid until fx_sink_free.
 */
FX_EXTERN size_t fx_sink_files(fx_sink *sink, fx_image_file *out, size_t max);


/* ---- virtual disks written by an export (verify export) ------------------ */

/** What an export writes (fx_verify_export). */
enum fx_export_format {
	FX_EXPORT_RAW = 1,  /**< the media, one file, as given */
	FX_EXPORT_VHD = 2,  /**< fixed VHD: the media plus a 512-byte footer */
	FX_EXPORT_VMDK = 3  /**< a VMDK descriptor plus a monolithicFlat extent */
};

/** "raw", "vhd", "vmdk"; "?" otherwise. Static. */
FX_EXTERN const char *fx_export_format_name(int format);

/** The format named name ("raw", "vhd", "vmdk"); FX_EUSAGE naming it
 *  otherwise. */
FX_EXTERN int fx_export_format_parse(int *out, const char *name);

/**
 * The name of a VMDK export's flat extent for the descriptor path: path
 * without a final ".vmdk", plus "-flat.vmdk" (disk.vmdk: disk-flat.vmdk),
 * beside the descriptor. FX_EUSAGE when it does not fit outlen.
 */
FX_EXTERN int fx_export_extent_name(char *out, size_t outlen, const char *path);

/**
 * Refuses (FX_EEXISTS, naming it) when anything -- a file, a directory, a
 * symbolic link, dangling or not -- is at a name the export of format to
 * path would create (path; for VMDK also its extent). 0 when nothing is.
 */
FX_EXTERN int fx_export_check_names(const char *path, int format);

/** Closes and frees; NULL is safe. Files written stay on disk. */
FX_EXTERN void fx_sink_free(fx_sink *sink);

#ifdef __cplusplus
}
#endif
#endif
