/* Small helpers shared by the Check unit tests. */
#ifndef FX_TESTUTIL_H
#define FX_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "forensic/forensic.h"

/* A fresh empty directory under $FX_TEST_TMP (or /tmp), unique per call.
 * Returns a static buffer valid until the next call. */
const char *fxt_tmpdir(const char *tag);

/* Lowercase hex SHA-256 / MD5 of a whole file into out (65 / 33 bytes).
 * Returns 0, or -1 if the file cannot be read. */
int fxt_file_sha256(char out[65], const char *path);
int fxt_file_md5(char out[33], const char *path);

/* Lowercase hex SHA-256 of a buffer. */
void fxt_sha256_hex(char out[65], const void *data, size_t len);

/* Writes len bytes of data to path, creating it. Returns 0 or -1. */
int fxt_write_file(const char *path, const void *data, size_t len);

/* Deterministic pseudo-random fill (xorshift64 from seed). */
void fxt_fill_pattern(uint8_t *buf, size_t len, uint64_t seed);

/* ---- known media and E01 images (check_image, check_verify) ----
 * The helpers below fail the calling test (ck_assert) instead of
 * returning an error. */

#define FXT_MIB (1u << 20)
#define FXT_MEDIA_SIZE (4u * FXT_MIB)
#define FXT_CHUNK 32768u /* the E01 writer's chunk: 64 sectors */

/* FXT_MEDIA_SIZE bytes: 1 MiB each of zeros, random, text, random.
 * The caller frees it. */
uint8_t *fxt_make_media(void);

/* The lowercase hex digests of a buffer, by OpenSSL (not libforensic). */
typedef struct fxt_hashes {
	char md5[33], sha1[41], sha256[65];
} fxt_hashes;
fxt_hashes fxt_hash_of(const void *data, size_t len);

/* Replaces path with len bytes of data. */
void fxt_write_or_die(const char *path, const void *data, size_t len);

/* Flips one byte of a file in place (XOR 0x5a: a second flip restores it). */
void fxt_flip_byte(const char *path, uint64_t off);

/* Writes target.E01... of media with libforensic's E01 writer (2 threads;
 * segment 0: the format's largest). */
void fxt_make_e01(const char *target, const uint8_t *media, size_t len,
		  const char *compression, uint64_t segment);

/* Fills media (FXT_MEDIA_SIZE) with random bytes, which do not compress,
 * and writes it as an E01 set of 1 MiB segments: target.E01 to .E05. */
void fxt_make_segmented(const char *target, uint8_t *media);

/* Offset in the file of stored chunk k of a one-segment E01, from its own
 * "table" section; *compressed: whether the chunk is stored deflated. */
uint64_t fxt_chunk_offset(const char *e01, unsigned k, int *compressed);

/* fx_image_open(first) with default options fails with code, leaves no
 * image, and its message contains needle. */
void fxt_expect_open_fails(const char *first, int code, const char *needle);

#endif
