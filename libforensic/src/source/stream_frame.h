/*
 * The framing of acquire's remote stream (docs/stream.md): one header,
 * then frames (data, unreadable ranges, trailer), every integer
 * little-endian, each header and frame covered by a CRC-32. Encoding and
 * decoding only: no I/O, no allocation, so that the writer (sink layer),
 * the reader (stream_read.c) and the unit tests share one definition of
 * the bytes. A CRC-32 finds accidents (a flipped bit, a cut), never an
 * attacker, who recomputes it.
 */
#ifndef FX_STREAM_FRAME_H
#define FX_STREAM_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "forensic/types.h"

#define FX_STREAM_MAGIC "FXSTREAM"
/* The format this library writes and the newest it reads. */
#define FX_STREAM_VERSION 1u
/* Magic, version, flags, size, sector size, block size, JSON length. */
#define FX_STREAM_HEAD_FIXED 36u
#define FX_STREAM_JSON_MAX (64u << 10)
#define FX_STREAM_FRAME_HEAD 32u
/* Largest data payload (the pipeline's largest block). */
#define FX_STREAM_MAX_BLOCK ((uint32_t)256 << 20)
/* Header flag: the trailer carries an HMAC-SHA256 (a key shared out of
 * band) over the whole header and the trailer's payload. */
#define FX_STREAM_FLAG_HMAC 1u
#define FX_STREAM_MAC_LEN 32u
/* Trailer payload: status, algorithms, bytes, bad sectors, hex digests
 * (160 bytes); with FX_STREAM_FLAG_HMAC the 32-byte MAC; then the
 * sender's error text, up to FX_STREAM_ERROR_MAX bytes. */
#define FX_STREAM_TRAILER_FIXED 160u
#define FX_STREAM_ERROR_MAX 1024u
/* Ranges per unreadable-ranges frame (16 bytes each). */
#define FX_STREAM_BAD_PER_FRAME 4096u

/* Frame types: four ASCII letters, read as a little-endian integer. */
#define FX_FRAME_DATA 0x41544144u    /* "DATA" */
#define FX_FRAME_BAD 0x53444142u     /* "BADS" */
#define FX_FRAME_TRAILER 0x4c494154u /* "TAIL" */

typedef struct fx_stream_header {
	uint32_t version;
	uint32_t flags;        /* FX_STREAM_FLAG_HMAC or 0 */
	uint64_t size;         /* media bytes; 0: not known in advance */
	uint32_t sector_size;  /* the source's logical sector size */
	uint32_t block_size;   /* largest data payload */
	const char *json;      /* device facts (docs/stream.md); decode:
				* points into the caller's buffer */
	uint32_t json_len;
} fx_stream_header;

typedef struct fx_frame_head {
	uint32_t type;
	uint32_t length;       /* payload bytes */
	uint64_t seq;          /* 0 for the first frame, then +1 */
	uint64_t offset;       /* data: media offset; trailer: bytes sent */
	uint32_t crc;          /* of the head's first 28 bytes and payload */
} fx_frame_head;

typedef struct fx_stream_trailer {
	fx_status status;      /* the sender's acquisition */
	uint64_t bytes;        /* bytes the sender read and sent */
	uint64_t bad_sectors;
	fx_digests digests;    /* of those bytes, as the sender hashed them */
	char error[FX_STREAM_ERROR_MAX + 1]; /* why it did not complete */
	int has_mac;           /* the trailer carries mac */
	uint8_t mac[FX_STREAM_MAC_LEN];
} fx_stream_trailer;

/* CRC-32 (the gzip/zlib polynomial), continued from crc (0 to start). */
uint32_t fx_stream_crc(uint32_t crc, const void *data, size_t len);

/* The whole header into out (FX_STREAM_HEAD_FIXED + json_len + 4
 * bytes); returns its length, or 0 when out is too small or the JSON too
 * long. */
size_t fx_stream_header_encode(uint8_t *out, size_t outlen,
			       const fx_stream_header *h);

/* The fixed part (FX_STREAM_HEAD_FIXED bytes): magic, then the version
 * (FX_EVERSION when newer than FX_STREAM_VERSION, before anything else is
 * believed), then the rest. name: for messages. Returns 0, or a negative
 * FX_E* with the message set. */
int fx_stream_header_decode(fx_stream_header *out, const uint8_t *fixed,
			    const char *name);

/* Checks the CRC that follows the JSON: whole is the header as read
 * (fixed part, JSON, CRC). FX_ECORRUPT when it fails. */
int fx_stream_header_check(const uint8_t *whole, const fx_stream_header *h,
			   const char *name);

/* A frame head into out (FX_STREAM_FRAME_HEAD bytes), its CRC computed
 * over the head and payload (h->crc is ignored and set). */
void fx_frame_head_encode(uint8_t *out, fx_frame_head *h, const void *payload);

/* The fields of a frame head (no check). */
void fx_frame_head_decode(fx_frame_head *out, const uint8_t *in);

/* Whether the CRC of the head in and its payload is h->crc. */
int fx_frame_crc_ok(const fx_frame_head *h, const uint8_t *in,
		    const void *payload);

/* Largest trailer payload. */
#define FX_STREAM_TRAILER_MAX \
	(FX_STREAM_TRAILER_FIXED + FX_STREAM_MAC_LEN + FX_STREAM_ERROR_MAX)

/* A trailer payload into out (FX_STREAM_TRAILER_MAX bytes); with
 * t->has_mac, t->mac at its place (see fx_stream_mac). Returns its
 * length. */
size_t fx_stream_trailer_encode(uint8_t *out, const fx_stream_trailer *t);

/* A trailer payload of len bytes, with a MAC when has_mac; FX_ECORRUPT
 * (message set) when its length, status or digests are not what a writer
 * writes. */
int fx_stream_trailer_decode(fx_stream_trailer *out, const uint8_t *p,
			     size_t len, int has_mac, const char *name);

/* HMAC-SHA256 with key over the whole header (hdr, hdr_len bytes) and the
 * trailer payload p (len bytes) read with its MAC field as zeros: what
 * binds the sender's digests and device facts to the key. 0, or FX_ERROR. */
int fx_stream_mac(uint8_t out[FX_STREAM_MAC_LEN], const uint8_t *key,
		  size_t key_len, const uint8_t *hdr, size_t hdr_len,
		  const uint8_t *p, size_t len);

/* An unreadable-ranges payload: 16 bytes per range (first, count). */
void fx_stream_bad_encode(uint8_t *out, const fx_bad_range *r, size_t n);
void fx_stream_bad_decode(fx_bad_range *out, const uint8_t *p, size_t n);

#endif
