/* Hex encoding of digests, keys and signatures: lowercase, the only form
 * the suite writes. Pure functions, thread-safe. */
#ifndef FX_HEX_H
#define FX_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2 * n lowercase hex digits and a NUL into out. */
void fx_hex_encode(char *out, const uint8_t *in, size_t n);

/* Reads exactly 2 * n lowercase hex digits into out; -1 if hex has another
 * length or any other character. */
int fx_hex_decode(uint8_t *out, size_t n, const char *hex);

#endif
