/* Two SHA-256 digests over one stream at once: lane 0 over all of it,
 * lane 1 restarted at chosen 64-byte boundaries (a split image's media
 * hash and its segments' hashes). Not thread-safe: one thread at a time. */
#ifndef FX_SHA256_PAIR_H
#define FX_SHA256_PAIR_H

#include <stddef.h>

typedef struct fx_sha256_pair fx_sha256_pair;

/* A pair at the start of its stream. portable: never the SHA-NI code
 * (tests compare the two). */
int fx_sha256_pair_new(fx_sha256_pair **out, int portable);
void fx_sha256_pair_update(fx_sha256_pair *p, const void *data, size_t len);
/* Lane `lane`'s digest of what it has seen, as lowercase hex (hex_len >=
 * 65); the lane goes on. */
void fx_sha256_pair_peek_hex(const fx_sha256_pair *p, unsigned lane,
			     char *out, size_t hex_len);
/* Lane 1's digest as by peek, then lane 1 starts anew. Only where the
 * stream's length is a multiple of 64: returns -1 (and changes nothing)
 * elsewhere. */
int fx_sha256_pair_cut_hex(fx_sha256_pair *p, char *out, size_t hex_len);
/* Whether the SHA-NI code runs. */
int fx_sha256_pair_accelerated(const fx_sha256_pair *p);
void fx_sha256_pair_free(fx_sha256_pair *p);

#endif
