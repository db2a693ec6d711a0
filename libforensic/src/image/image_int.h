/* Internal interface between the image readers: image.c (open, raw, split
 * raw, the per-format accessors, what made an open fail),
 * image_ewf_check.c (structure of an EWF segment set) and image_ewf_mt.c
 * (the parallel E01 reader). What made an open fail travels as an
 * fx_image_problem the open passes down (never NULL here): the image layer
 * says which file and how, typed; what that means for a verification is
 * the verifier's to say. */
#ifndef FX_IMAGE_INT_H
#define FX_IMAGE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "forensic/image.h"
#include "forensic/types.h"

/* Largest E01 chunk we accept (the format allows 2^31 sectors per chunk;
 * real images use 32 KiB to 2 MiB). */
#define FX_EWF_MAX_CHUNK ((uint32_t)64 << 20)

/* image_ewf_check.c */

/* The segment files of the EWF set whose first file is path, in order, as
 * found on disk; *out is a NULL-terminated array for fx_ewf_names_free.
 * Walks every segment's section chain (descriptor checksums, offsets within
 * the file, "next"/"done" at the end) so that a missing, truncated,
 * renamed or foreign segment is named before libewf reads anything:
 * FX_ENOTFOUND for a missing segment, FX_ECORRUPT for the others,
 * FX_EUSAGE when path is not the first segment; problem says which file
 * and how. */
int fx_ewf_find_set(char ***out, size_t *count, const char *path,
		    fx_image_problem *problem);
void fx_ewf_names_free(char **names);

/* 1 if the file starts with the EWF (EVF or EVF2) signature, 0 if not. */
int fx_ewf_has_signature(const char *path);

/* The name of the segment after name (E01 -> E02, E99 -> EAA, ...), keeping
 * the extension's case; -1 past the last possible name. */
int fx_ewf_next_name(char *out, size_t outlen, const char *name);

/* image.c: notes in p what made the open fail (enum
 * fx_image_problem_kind) and the file concerned (NULL: none). */
void fx_image_problem_note(fx_image_problem *p, int kind, const char *file);

/* image_ewf_mt.c: the parallel E01 reader behind fx_image_open. */
typedef struct fx_ewf_reader fx_ewf_reader;

int fx_ewf_reader_open(fx_source **out, const char *path, unsigned threads,
		       int bypass_cache, fx_image_problem *problem);
size_t fx_ewf_reader_files(const fx_ewf_reader *r, fx_image_file *out,
			   size_t max);
int fx_ewf_reader_stored_hashes(const fx_ewf_reader *r, fx_digests *out);
size_t fx_ewf_reader_chunk_errors(fx_ewf_reader *r, fx_image_chunk_error *out,
				  size_t max);
uint32_t fx_ewf_reader_chunk_size(const fx_ewf_reader *r);

#endif
