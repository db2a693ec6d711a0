/* Small helpers shared by the Check unit tests. */
#ifndef FX_TESTUTIL_H
#define FX_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

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

#endif
