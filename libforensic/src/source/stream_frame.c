/*
 * Bytes of the remote stream's header, frames and trailer (stream_frame.h,
 * docs/stream.md). Pure functions: the writer and the reader call them on
 * their own buffers, from their own thread. Integers are written byte by
 * byte, little-endian, whatever the host's order.
 */
#include <stdint.h>
#include <string.h>

#include <isa-l.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "base/error.h"
#include "source/stream_frame.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

uint32_t fx_stream_crc(uint32_t crc, const void *data, size_t len)
{
	/* ISA-L's gzip CRC-32 is zlib's crc32(), at memory speed */
	while (len > UINT32_MAX) {
		crc = crc32_gzip_refl(crc, data, UINT32_MAX);
		data = (const uint8_t *)data + UINT32_MAX;
		len -= UINT32_MAX;
	}
	return crc32_gzip_refl(crc, data, len);
}

size_t fx_stream_header_encode(uint8_t *out, size_t outlen,
			       const fx_stream_header *h)
{
	size_t total = FX_STREAM_HEAD_FIXED + (size_t)h->json_len + 4;

	if (h->json_len > FX_STREAM_JSON_MAX || outlen < total)
		return 0;
	memcpy(out, FX_STREAM_MAGIC, 8);
	put32(out + 8, h->version);
	put32(out + 12, h->flags);
	put64(out + 16, h->size);
	put32(out + 24, h->sector_size);
	put32(out + 28, h->block_size);
	put32(out + 32, h->json_len);
	memcpy(out + FX_STREAM_HEAD_FIXED, h->json, h->json_len);
	put32(out + total - 4, fx_stream_crc(0, out, total - 4));
	return total;
}

static int sector_ok(uint32_t s)
{
	return s >= 512 && s <= 65536 && (s & (s - 1)) == 0;
}

int fx_stream_header_decode(fx_stream_header *out, const uint8_t *p,
			    const char *name)
{
	memset(out, 0, sizeof(*out));
	if (memcmp(p, FX_STREAM_MAGIC, 8) != 0)
		return fx_error_set(FX_ECORRUPT,
				    "%s is not an acquire stream: it does not begin with \"FXSTREAM\" (was it written by acquire --to-stream?)",
				    name);
	out->version = get32(p + 8);
	if (out->version > FX_STREAM_VERSION || out->version == 0)
		return fx_error_set(FX_EVERSION,
				    "%s is a stream of format version %u, newer than this acquire reads (up to version %u): receive it with an acquire as new as the sender's",
				    name, out->version, FX_STREAM_VERSION);
	out->flags = get32(p + 12);
	out->size = get64(p + 16);
	out->sector_size = get32(p + 24);
	out->block_size = get32(p + 28);
	out->json_len = get32(p + 32);
	if ((out->flags & ~FX_STREAM_FLAG_HMAC) || !sector_ok(out->sector_size) ||
	    out->block_size == 0 || out->block_size > FX_STREAM_MAX_BLOCK ||
	    out->block_size % out->sector_size || out->json_len > FX_STREAM_JSON_MAX)
		return fx_error_set(FX_ECORRUPT,
				    "%s: stream header is damaged (flags 0x%x, sector size %u, block size %u, %u bytes of device facts)",
				    name, out->flags, out->sector_size,
				    out->block_size, out->json_len);
	return 0;
}

int fx_stream_header_check(const uint8_t *whole, const fx_stream_header *h,
			   const char *name)
{
	size_t n = FX_STREAM_HEAD_FIXED + (size_t)h->json_len;

	if (fx_stream_crc(0, whole, n) != get32(whole + n))
		return fx_error_set(FX_ECORRUPT,
				    "%s: stream header (bytes 0 to %zu) fails its CRC-32 checksum",
				    name, n + 3);
	return 0;
}

void fx_frame_head_encode(uint8_t *out, fx_frame_head *h, const void *payload)
{
	uint32_t crc;

	put32(out, h->type);
	put32(out + 4, h->length);
	put64(out + 8, h->seq);
	put64(out + 16, h->offset);
	put32(out + 24, 0);
	crc = fx_stream_crc(0, out, 28);
	h->crc = fx_stream_crc(crc, payload, h->length);
	put32(out + 28, h->crc);
}

void fx_frame_head_decode(fx_frame_head *out, const uint8_t *in)
{
	out->type = get32(in);
	out->length = get32(in + 4);
	out->seq = get64(in + 8);
	out->offset = get64(in + 16);
	out->crc = get32(in + 28);
}

int fx_frame_crc_ok(const fx_frame_head *h, const uint8_t *in,
		    const void *payload)
{
	uint32_t crc = fx_stream_crc(0, in, 28);

	return fx_stream_crc(crc, payload, h->length) == h->crc;
}

/* A hex digest in a fixed field: the digits, then NULs. */
static void put_hex(uint8_t *p, size_t width, const char *hex)
{
	size_t n = strnlen(hex, width);

	memset(p, 0, width);
	memcpy(p, hex, n);
}

static int get_hex(char *out, const uint8_t *p, size_t width)
{
	size_t n = strnlen((const char *)p, width), i;

	for (i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return -1;
	for (i = n; i < width; i++)
		if (p[i])
			return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return n == 0 || n == width ? 0 : -1;
}

size_t fx_stream_trailer_encode(uint8_t *out, const fx_stream_trailer *t)
{
	size_t elen = strnlen(t->error, FX_STREAM_ERROR_MAX);
	size_t fixed = FX_STREAM_TRAILER_FIXED + (t->has_mac ? FX_STREAM_MAC_LEN : 0);

	put32(out, (uint32_t)t->status);
	put32(out + 4, t->digests.algs);
	put64(out + 8, t->bytes);
	put64(out + 16, t->bad_sectors);
	put_hex(out + 24, 32, t->digests.md5);
	put_hex(out + 56, 40, t->digests.sha1);
	put_hex(out + 96, 64, t->digests.sha256);
	if (t->has_mac)
		memcpy(out + FX_STREAM_TRAILER_FIXED, t->mac, FX_STREAM_MAC_LEN);
	memcpy(out + fixed, t->error, elen);
	return fixed + elen;
}

int fx_stream_trailer_decode(fx_stream_trailer *out, const uint8_t *p,
			     size_t len, int has_mac, const char *name)
{
	size_t fixed = FX_STREAM_TRAILER_FIXED + (has_mac ? FX_STREAM_MAC_LEN : 0);
	uint32_t status;

	memset(out, 0, sizeof(*out));
	if (len < fixed || len > fixed + FX_STREAM_ERROR_MAX)
		return fx_error_set(FX_ECORRUPT, "%s: the trailer has %zu bytes, expected %zu to %zu",
				    name, len, fixed, fixed + FX_STREAM_ERROR_MAX);
	status = get32(p);
	out->digests.algs = get32(p + 4);
	out->bytes = get64(p + 8);
	out->bad_sectors = get64(p + 16);
	if (status < FX_STATUS_COMPLETED || status > FX_STATUS_INTERRUPTED ||
	    (out->digests.algs & ~(unsigned)FX_HASH_ALL) ||
	    get_hex(out->digests.md5, p + 24, 32) != 0 ||
	    get_hex(out->digests.sha1, p + 56, 40) != 0 ||
	    get_hex(out->digests.sha256, p + 96, 64) != 0)
		return fx_error_set(FX_ECORRUPT, "%s: the trailer is damaged (status %u)",
				    name, status);
	out->status = (fx_status)status;
	out->has_mac = has_mac;
	if (has_mac)
		memcpy(out->mac, p + FX_STREAM_TRAILER_FIXED, FX_STREAM_MAC_LEN);
	memcpy(out->error, p + fixed, len - fixed);
	out->error[len - fixed] = '\0';
	return 0;
}

int fx_stream_mac(uint8_t out[FX_STREAM_MAC_LEN], const uint8_t *key,
		  size_t key_len, const uint8_t *hdr, size_t hdr_len,
		  const uint8_t *p, size_t len)
{
	static const uint8_t zeros[FX_STREAM_MAC_LEN];
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string("digest", (char *)(uintptr_t)"SHA256", 0),
		OSSL_PARAM_construct_end()
	};
	size_t n = 0;
	int ok = ctx && len >= FX_STREAM_TRAILER_FIXED + FX_STREAM_MAC_LEN &&
		 EVP_MAC_init(ctx, key, key_len, params) == 1 &&
		 EVP_MAC_update(ctx, hdr, hdr_len) == 1 &&
		 EVP_MAC_update(ctx, p, FX_STREAM_TRAILER_FIXED) == 1 &&
		 EVP_MAC_update(ctx, zeros, FX_STREAM_MAC_LEN) == 1 &&
		 EVP_MAC_update(ctx, p + FX_STREAM_TRAILER_FIXED + FX_STREAM_MAC_LEN,
				len - FX_STREAM_TRAILER_FIXED - FX_STREAM_MAC_LEN) == 1 &&
		 EVP_MAC_final(ctx, out, &n, FX_STREAM_MAC_LEN) == 1 &&
		 n == FX_STREAM_MAC_LEN;

	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? 0 : fx_error_set(FX_ERROR, "cannot compute the stream's HMAC-SHA256");
}

void fx_stream_bad_encode(uint8_t *out, const fx_bad_range *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		put64(out + 16 * i, r[i].first);
		put64(out + 16 * i + 8, r[i].count);
	}
}

void fx_stream_bad_decode(fx_bad_range *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[i].first = get64(p + 16 * i);
		out[i].count = get64(p + 16 * i + 8);
	}
}
