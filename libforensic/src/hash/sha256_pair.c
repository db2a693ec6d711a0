/*
 * Two SHA-256 lanes over the same bytes, for a split raw image: lane 0 is
 * the media's SHA-256, lane 1 the current segment's, restarted at each
 * segment boundary. Computed apart (OpenSSL), the two cost twice one hash;
 * a fourth hash of the whole image on a 2-core machine, where MD5 already
 * fills a core (issue 15).
 *
 * With SHA-NI, one SHA-256 stream is bound by the latency of the round
 * instruction (sha256rnds2): each pair of rounds waits for the last one.
 * Two independent streams interleaved round by round fill those waits, so
 * the second digest costs little: 1 GiB took 0.645 s for both lanes
 * against 0.596 s for OpenSSL's one (AMD EPYC with SHA-NI, a scratch
 * benchmark over 1 MiB buffers). The lanes share a block buffer: lane 1
 * starts only at a 64-byte boundary of the stream (segment sizes are
 * multiples of the sector size), so both always stand at the same offset
 * modulo 64.
 *
 * The round structure is FIPS 180-4's; the instructions' use follows
 * Intel's SHA extensions reference: the state is kept as the two words
 * ABEF and CDGH, four message words at a time are expanded by sha256msg1
 * and sha256msg2 and added to the round constants, two rounds per
 * sha256rnds2. Without SHA-NI (or with `portable`), each lane is an
 * OpenSSL hasher and nothing is gained or lost. tests/check_hash.c
 * compares both against OpenSSL on every length, offset and cut.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/hex.h"
#include "forensic/types.h"
#include "hash/hasher.h"
#include "hash/sha256_pair.h"

#if defined(__x86_64__) || defined(__i386__)
#define FX_PAIR_SHANI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

struct fx_sha256_pair {
	int accel;                /* SHA-NI: h, tail; else lane */
	uint32_t h[2][8];         /* each lane's state, FIPS 180-4 order */
	uint8_t tail[64];         /* the stream's last bytes short of a block */
	size_t ntail;
	uint64_t len[2];          /* bytes each lane has seen */
	fx_hasher *lane[2];       /* portable */
};

static const uint32_t sha256_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

#ifdef FX_PAIR_SHANI

static const uint32_t sha256_k[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define FX_SHANI __attribute__((target("sha,sse4.1,ssse3")))

static int cpu_has_shani(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)) /* SSE4.1 */ ||
	    !(c & (1u << 9)) /* SSSE3 */)
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b >> 29) & 1; /* SHA */
}

/* h (A..H) into the instructions' ABEF and CDGH words, and back. */
FX_SHANI static void state_load(const uint32_t h[8], __m128i *abef, __m128i *cdgh)
{
	__m128i dcba = _mm_loadu_si128((const __m128i *)h);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)(h + 4));
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);

	*abef = _mm_alignr_epi8(cdab, efgh, 8);
	*cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
}

FX_SHANI static void state_store(uint32_t h[8], __m128i abef, __m128i cdgh)
{
	__m128i feba = _mm_shuffle_epi32(abef, 0x1B);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);

	_mm_storeu_si128((__m128i *)h, _mm_blend_epi16(feba, dchg, 0xF0));
	_mm_storeu_si128((__m128i *)(h + 4), _mm_alignr_epi8(dchg, feba, 8));
}

/* The message words W[4i..4i+3] of a block, big-endian. */
#define FX_BSWAP32X4 _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL)

/*
 * Four rounds (2 x sha256rnds2) of one lane at group r (rounds 4r..4r+3),
 * then, for r < 12, the next four message words into w[r & 3]:
 * W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16], where
 * sha256msg1 adds sigma0, alignr brings W[t-7], sha256msg2 adds sigma1.
 */
#define FX_ROUNDS4(abef, cdgh, w, r)                                            \
	do {                                                                    \
		__m128i m_ = _mm_add_epi32(w[(r) & 3],                          \
			_mm_load_si128((const __m128i *)(sha256_k + 4 * (r))));  \
		cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m_);                   \
		abef = _mm_sha256rnds2_epu32(abef, cdgh,                        \
					     _mm_shuffle_epi32(m_, 0x0E));      \
		if ((r) < 12)                                                   \
			w[(r) & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(        \
				_mm_sha256msg1_epu32(w[(r) & 3], w[((r) + 1) & 3]), \
				_mm_alignr_epi8(w[((r) + 3) & 3], w[((r) + 2) & 3], 4)), \
				w[((r) + 3) & 3]);                              \
	} while (0)

/* n blocks into both lanes, their rounds interleaved. */
FX_SHANI static void blocks2(uint32_t h0[8], uint32_t h1[8], const uint8_t *p,
			     size_t n)
{
	const __m128i bswap = FX_BSWAP32X4;
	__m128i a0, c0, a1, c1, w0[4], w1[4], sa0, sc0, sa1, sc1;
	int i;

	state_load(h0, &a0, &c0);
	state_load(h1, &a1, &c1);
	for (; n; n--, p += 64) {
		sa0 = a0, sc0 = c0, sa1 = a1, sc1 = c1;
		for (i = 0; i < 4; i++)
			w1[i] = w0[i] = _mm_shuffle_epi8(
				_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
		_Pragma("GCC unroll 16")
		for (i = 0; i < 16; i++) {
			FX_ROUNDS4(a0, c0, w0, i);
			FX_ROUNDS4(a1, c1, w1, i);
		}
		a0 = _mm_add_epi32(a0, sa0), c0 = _mm_add_epi32(c0, sc0);
		a1 = _mm_add_epi32(a1, sa1), c1 = _mm_add_epi32(c1, sc1);
	}
	state_store(h0, a0, c0);
	state_store(h1, a1, c1);
}

#else /* !FX_PAIR_SHANI */

static int cpu_has_shani(void)
{
	return 0;
}

static void blocks2(uint32_t h0[8], uint32_t h1[8], const uint8_t *p, size_t n)
{
	(void)h0, (void)h1, (void)p, (void)n;
}

#endif

int fx_sha256_pair_new(fx_sha256_pair **out, int portable)
{
	fx_sha256_pair *p;
	int rc;

	*out = NULL;
	if (!(p = calloc(1, sizeof(*p))))
		return fx_error_set(FX_ERROR, "out of memory for a hasher");
	p->accel = !portable && cpu_has_shani();
	memcpy(p->h[0], sha256_iv, sizeof(sha256_iv));
	memcpy(p->h[1], sha256_iv, sizeof(sha256_iv));
	if (!p->accel &&
	    ((rc = fx_hasher_new(&p->lane[0], FX_HASH_SHA256)) != 0 ||
	     (rc = fx_hasher_new(&p->lane[1], FX_HASH_SHA256)) != 0)) {
		fx_sha256_pair_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void fx_sha256_pair_update(fx_sha256_pair *p, const void *data, size_t len)
{
	const uint8_t *d = data;
	size_t take, n;

	p->len[0] += len;
	p->len[1] += len;
	if (!p->accel) {
		fx_hasher_update(p->lane[0], d, len);
		fx_hasher_update(p->lane[1], d, len);
		return;
	}
	if (p->ntail) {
		take = 64 - p->ntail < len ? 64 - p->ntail : len;
		memcpy(p->tail + p->ntail, d, take);
		p->ntail += take;
		d += take;
		len -= take;
		if (p->ntail < 64)
			return;
		blocks2(p->h[0], p->h[1], p->tail, 1);
		p->ntail = 0;
	}
	if ((n = len / 64) != 0)
		blocks2(p->h[0], p->h[1], d, n);
	memcpy(p->tail, d + 64 * n, len - 64 * n);
	p->ntail = len - 64 * n;
}

void fx_sha256_pair_peek_hex(const fx_sha256_pair *p, unsigned lane,
			     char *out, size_t hex_len)
{
	uint8_t last[128], digest[32];
	uint32_t h[8], scratch[8];
	uint64_t bits = p->len[lane] * 8;
	size_t nblocks = p->ntail + 1 + 8 <= 64 ? 1 : 2, i;

	if (hex_len < 65) {
		if (hex_len)
			out[0] = '\0';
		return;
	}
	if (!p->accel) {
		if (fx_hasher_peek_hex(p->lane[lane], out, hex_len) != 0)
			out[0] = '\0';
		return;
	}
	/* FIPS 180-4 5.1.1: 0x80, zeros, the length in bits, big-endian */
	memset(last, 0, sizeof(last));
	memcpy(last, p->tail, p->ntail);
	last[p->ntail] = 0x80;
	for (i = 0; i < 8; i++)
		last[64 * nblocks - 1 - i] = (uint8_t)(bits >> (8 * i));
	/* the padding through both lanes' code, the second lane a scratch */
	memcpy(h, p->h[lane], sizeof(h));
	memcpy(scratch, h, sizeof(scratch));
	blocks2(h, scratch, last, nblocks);
	for (i = 0; i < 8; i++) {
		digest[4 * i] = (uint8_t)(h[i] >> 24);
		digest[4 * i + 1] = (uint8_t)(h[i] >> 16);
		digest[4 * i + 2] = (uint8_t)(h[i] >> 8);
		digest[4 * i + 3] = (uint8_t)h[i];
	}
	fx_hex_encode(out, digest, sizeof(digest));
}

int fx_sha256_pair_cut_hex(fx_sha256_pair *p, char *out, size_t hex_len)
{
	if (p->len[0] % 64)
		return -1;
	if (!p->accel) {
		fx_hasher_final_hex(p->lane[1], out, hex_len); /* and resets it */
	} else {
		fx_sha256_pair_peek_hex(p, 1, out, hex_len);
		memcpy(p->h[1], sha256_iv, sizeof(sha256_iv));
	}
	p->len[1] = 0;
	return 0;
}

int fx_sha256_pair_accelerated(const fx_sha256_pair *p)
{
	return p->accel;
}

void fx_sha256_pair_free(fx_sha256_pair *p)
{
	if (!p)
		return;
	fx_hasher_free(p->lane[0]);
	fx_hasher_free(p->lane[1]);
	free(p);
}
