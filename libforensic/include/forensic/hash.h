/**
 * @file hash.h
 * Hash algorithm lists and names, digests compared, files hashed (the
 * algorithms, fx_digests and fx_window_hash are types.h's).
 */
#ifndef FORENSIC_HASH_H
#define FORENSIC_HASH_H

#include <signal.h>

#include "forensic/common.h"
#include "forensic/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Parses "md5,sha1,sha256" (any subset, any order, "all") into a bit set.
 * FX_EUSAGE names the unknown algorithm.
 */
FX_EXTERN int fx_hash_parse_list(unsigned *out, const char *list);

/** "md5", "sha1", "sha256" for one algorithm bit; NULL otherwise. */
FX_EXTERN const char *fx_hash_name(unsigned alg);

/** The digest of alg in d (borrowed), or NULL for an unknown bit. */
FX_EXTERN const char *fx_digests_get(const fx_digests *d, unsigned alg);

/**
 * Compares the algorithms both sets computed. Returns 0 if at least one is
 * shared and all shared ones are equal; otherwise the bit of the first
 * algorithm that differs, or -1 when they share none.
 */
FX_EXTERN int fx_digests_compare(const fx_digests *a, const fx_digests *b);

/** SHA-256 of a whole file, streamed; lowercase hex into out. */
FX_EXTERN int fx_file_sha256(char out[65], const char *path);

/**
 * SHA-256 of a whole file as storage holds it: the file is flushed and its
 * cached pages dropped before it is read, so the bytes hashed come from the
 * storage device, not from memory (a read-back check). When cancel is given
 * and becomes nonzero, stops with FX_EINTR and out empty.
 */
FX_EXTERN int fx_file_sha256_stored(char out[65], const char *path,
				    volatile sig_atomic_t *cancel);

#ifdef __cplusplus
}
#endif
#endif
