/**
 * @file image.h
 * Reading images back (raw, split raw, E01) as sources: opening a set,
 * its files, the hashes it stores, the E01 chunks that failed, and what
 * made an open fail, typed. The image layer knows nothing of
 * verification; verify.h builds on this.
 */
#ifndef FORENSIC_IMAGE_H
#define FORENSIC_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "forensic/common.h"
#include "forensic/source.h"
#include "forensic/types.h"

#ifdef __cplusplus
extern "C" {
#endif

enum fx_image_format {
	FX_IMAGE_AUTO = 0,     /**< options only: from the name, then the contents */
	FX_IMAGE_RAW = 1,      /**< one file */
	FX_IMAGE_SPLIT_RAW,    /**< NAME.001, NAME.002, ... */
	FX_IMAGE_E01           /**< NAME.E01, NAME.E02, ... */
};

/** What made an image open fail, for a caller that acts on it (a
 *  verifier names the file in a finding of the matching kind). */
enum fx_image_problem_kind {
	FX_IMAGE_PROBLEM_NONE = 0,   /**< opened; or a failure no file is to
					  blame for (options, memory) */
	FX_IMAGE_PROBLEM_MISSING,    /**< a file of the set does not exist */
	FX_IMAGE_PROBLEM_UNREADABLE, /**< a file cannot be opened or read */
	FX_IMAGE_PROBLEM_NOT_IMAGE,  /**< not an image that can be read as
					  asked (not a regular file, not the
					  first file, the wrong signature) */
	FX_IMAGE_PROBLEM_TRUNCATED,  /**< a file is shorter than the set needs */
	FX_IMAGE_PROBLEM_CORRUPT     /**< the set's structure is damaged */
};

/** The typed side of a failed open; the message is fx_error_last(). */
typedef struct fx_image_problem {
	int kind;              /**< enum fx_image_problem_kind */
	char file[4096];       /**< the file concerned; "" when none */
} fx_image_problem;

/** Options for fx_image_open. */
typedef struct fx_image_options {
	unsigned version;
	int bypass_cache; /**< drop cached pages of each file before reading */
	/** How to read the image (enum fx_image_format). Whoever knows the
	 *  format (the acquisition that wrote the image, its record) gives
	 *  it: the bytes are then read that way, whatever they look like.
	 *  FX_IMAGE_AUTO is for images nobody recorded. Since version 2. */
	int format;
	/** E01 decompression workers; 0: one per online core. Raw images
	 *  ignore it. Since version 3. */
	unsigned threads;
	/** Where fx_image_open says what made it fail (set by every call
	 *  with options of a known version: kind FX_IMAGE_PROBLEM_NONE when
	 *  it opened); NULL: not wanted. Since version 3. */
	fx_image_problem *problem;
} fx_image_options;

#define FX_IMAGE_OPTIONS_VERSION 3
#define FX_IMAGE_OPTIONS_INIT { FX_IMAGE_OPTIONS_VERSION, 0, FX_IMAGE_AUTO, 0, NULL }

/**
 * Opens the image whose first file is path and returns it as a source of
 * the media it holds; the other files of the set are found by name. A
 * missing or truncated segment fails with FX_ENOTFOUND / FX_ECORRUPT naming
 * the file (and, with opts->problem, says which file and how, typed).
 *
 * With an explicit format, path is read as that format: FX_IMAGE_RAW as
 * one file of media bytes (even one that starts like an E01),
 * FX_IMAGE_SPLIT_RAW from NAME.001 on, FX_IMAGE_E01 from NAME.E01 on.
 * With FX_IMAGE_AUTO (and options of version 1) the name decides and the
 * contents must agree: .E01/.Ex01 must start with the EWF signature, and a
 * name of a raw image (.raw, .dd, .img, .iso, .001 and other numbers) must not,
 * or the open fails with FX_ECORRUPT saying which; only another name is
 * taken as E01 when it starts with the EWF signature and as raw otherwise.
 * An unknown format or options version fails with FX_EUSAGE. opts NULL:
 * FX_IMAGE_OPTIONS_INIT.
 */
FX_EXTERN int fx_image_open(fx_source **out, const char *path,
			    const fx_image_options *opts);

/** The format of the image behind src, or 0 if src is not an image. */
FX_EXTERN int fx_image_format(const fx_source *src);

/**
 * The files of the image behind img, in order (path as found, borrowed
 * until fx_source_free; size; sha256 is ""). Returns their number; fills
 * at most max entries. 0 if img is not an image.
 */
FX_EXTERN size_t fx_image_files(const fx_source *img, fx_image_file *out,
				size_t max);

/**
 * The media hashes stored inside the image (E01: MD5 and SHA-1 when
 * present); out->algs says which. Raw images store none (algs 0).
 */
FX_EXTERN int fx_image_stored_hashes(const fx_source *img, fx_digests *out);

/** Why an E01 chunk could not be used. */
enum fx_chunk_error_reason {
	FX_CHUNK_CHECKSUM = 1, /**< data does not match its Adler-32 */
	FX_CHUNK_DECOMPRESS,   /**< not a valid zlib stream of the chunk's size */
	FX_CHUNK_UNREADABLE    /**< libewf cannot locate or read the chunk */
};

/** A run of E01 chunks that failed, zero-filled in what the image reads. */
typedef struct fx_image_chunk_error {
	uint64_t first_chunk;
	uint64_t chunks;
	uint64_t first_sector; /**< in sectors of the image's sector size */
	uint64_t sectors;
	int reason;            /**< enum fx_chunk_error_reason */
} fx_image_chunk_error;

/**
 * E01 chunks that failed their checksum, did not decompress or could not be
 * read, among those read so far, in order and merged into runs. Returns the
 * number of runs; fills at most max. 0 for raw images.
 */
FX_EXTERN size_t fx_image_chunk_errors(fx_source *img,
				       fx_image_chunk_error *out, size_t max);

#ifdef __cplusplus
}
#endif
#endif
