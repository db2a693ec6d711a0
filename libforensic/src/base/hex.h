/* Hex digits, the one place that reads and writes them: digests, keys and
 * signatures (lowercase, the only form the suite writes), digests given
 * by a caller or listed in a .sha256 file (either case, stored
 * lowercase), and the \u escapes of JSON. Pure functions, thread-safe. */
#ifndef FX_HEX_H
#define FX_HEX_H

#include <stddef.h>
#include <stdint.h>

/* fx_hex_digit() flag: only 0-9 and a-f are digits. */
#define FX_HEX_LOWER 1u

/* The value of the hex digit c (0-9, a-f, A-F; with FX_HEX_LOWER not
 * A-F), or -1. */
int fx_hex_digit(char c, unsigned flags);

/* Writes 2 * n lowercase hex digits and a NUL into out. */
void fx_hex_encode(char *out, const uint8_t *in, size_t n);

/* Reads exactly 2 * n lowercase hex digits into out; -1 if hex has another
 * length or any other character. */
int fx_hex_decode(uint8_t *out, size_t n, const char *hex);

/* 1 if the n bytes at s are hex digits of either case, else 0. */
int fx_hex_span(const char *s, size_t n);

/* Copies the n bytes at in to out with A-F lowered, and a NUL (out has
 * n + 1 bytes); other bytes are copied as they are. */
void fx_hex_lower(char *out, const char *in, size_t n);

/* Copies in, which must be exactly n hex digits of either case, into out
 * (n + 1 bytes) in lowercase; -1 (out "") when it is not. */
int fx_hex_normalize(char *out, const char *in, size_t n);

#endif
