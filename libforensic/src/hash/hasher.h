/* One running digest of one algorithm (OpenSSL EVP). Not thread-safe: each
 * hasher belongs to one thread at a time. */
#ifndef FX_HASHER_H
#define FX_HASHER_H

#include <stddef.h>
#include <stdint.h>

typedef struct fx_hasher fx_hasher;

int fx_hasher_new(fx_hasher **out, unsigned alg);
void fx_hasher_update(fx_hasher *h, const void *data, size_t len);
/* Writes the lowercase hex digest into out (hex_len >= 2*size+1) and
 * resets the hasher for reuse. */
void fx_hasher_final_hex(fx_hasher *h, char *out, size_t hex_len);
/* The digest of what was hashed so far, without ending the hasher (a
 * checkpoint's prefix digest): a copy of the state is finalised. Returns
 * 0, or -1 when OpenSSL cannot copy the state (out of memory). */
int fx_hasher_peek_hex(const fx_hasher *h, char *out, size_t hex_len);
void fx_hasher_free(fx_hasher *h);

#endif
