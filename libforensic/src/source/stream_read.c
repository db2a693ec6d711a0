/*
 * A framed stream (acquire --to-stream, docs/stream.md) as a source. The
 * header is read and checked when the source is opened, so that an empty
 * pipe, bytes that are not a stream, a newer format or a damaged header
 * are refused before anything is written. Frames are read as the
 * pipeline asks for bytes: each one's CRC-32, sequence number and offset
 * are checked before its payload is handed out, so a damaged frame never
 * reaches the image, and the first failure names the frame. A data frame
 * that fits the caller's read is read straight into the caller's buffer
 * (the pipeline's ring): no copy in the common case of equal block sizes.
 * The trailer -- the sender's digests, unreadable ranges and outcome -- is
 * read when the reads reach the end, and given to the pipeline as the
 * source's account (fx_source_account_get), which compares the digests
 * with what arrived. The first failure is kept: every later read fails
 * with the same message. Used by one thread at a time (the pipeline's
 * reader); memory is one frame's payload at most.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/json.h"
#include "base/vec.h"
#include "source/source_impl.h"
#include "source/stream_frame.h"

typedef struct stream_src {
	int fd;
	char name[256];
	fx_stream_header hdr;
	uint64_t seq;            /* sequence number of the next frame */
	uint64_t pos;            /* media bytes received in data frames */
	uint64_t out;            /* media bytes handed out */
	uint64_t in;             /* stream bytes consumed (messages) */
	uint8_t head[FX_STREAM_FRAME_HEAD];
	uint8_t *buf;            /* a payload that did not fit a read */
	size_t cap, have, at;
	int fail;                /* the first failure's FX_E code, sticky */
	char msg[1400];
	int ended;               /* the trailer was read */
	fx_stream_trailer trailer;
	fx_bad_range *bad;
	size_t nbad, bad_cap;
	fx_stream_peer peer;
	char host[256], tool[128], path[1024], started[40];
	uint8_t *key;            /* HMAC key (a copy), NULL: none */
	size_t key_len;
	uint8_t *hdr_bytes;      /* the header as read: the MAC covers it */
	size_t hdr_len;
} stream_src;

/* Up to len bytes; fewer only at the end of the stream. */
static int64_t read_full(stream_src *s, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(s->fd, (uint8_t *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fx_error_set_errno(FX_EIO, errno,
						  "cannot read %s at stream byte %llu",
						  s->name,
						  (unsigned long long)(s->in + done));
		if (n == 0)
			break;
		done += (size_t)n;
	}
	s->in += done;
	return (int64_t)done;
}

/* The first failure, kept: code and message. */
static int failed(stream_src *s, int code)
{
	s->fail = code;
	snprintf(s->msg, sizeof(s->msg), "%s", fx_error_last());
	return code;
}

static int truncated(stream_src *s, const char *where)
{
	return fx_error_set(FX_EIO,
			    "stream from %s ended after %llu bytes, %s: truncated, the sender's trailer never came (%llu frames and %llu media bytes arrived whole)",
			    s->name, (unsigned long long)s->in, where,
			    (unsigned long long)s->seq,
			    (unsigned long long)s->pos);
}

static int bad_frame(stream_src *s, const fx_frame_head *h, const char *why)
{
	return fx_error_set(FX_EMISMATCH,
			    "frame %llu of the stream from %s (media offset %llu, stream byte %llu) %s",
			    (unsigned long long)s->seq, s->name,
			    (unsigned long long)s->pos,
			    (unsigned long long)(s->in - FX_STREAM_FRAME_HEAD -
						 (h ? h->length : 0)),
			    why);
}

/* Whether a frame of this type may have this payload length: data up to
 * the block size, whole unreadable ranges, a trailer's fixed part and its
 * error text; never empty, never an unknown type. */
static int length_ok(const stream_src *s, uint32_t type, uint32_t len)
{
	switch (type) {
	case FX_FRAME_DATA:
		return len && len <= s->hdr.block_size;
	case FX_FRAME_BAD:
		return len && len % 16 == 0 && len <= 16u * FX_STREAM_BAD_PER_FRAME;
	case FX_FRAME_TRAILER:
		return len >= FX_STREAM_TRAILER_FIXED && len <= FX_STREAM_TRAILER_MAX;
	default:
		return 0;
	}
}

static int take_bad(stream_src *s, const fx_frame_head *h, const uint8_t *p)
{
	size_t n = h->length / 16; /* whole ranges: length_ok */

	if (FX_VEC_RESERVE(s->bad, s->bad_cap, s->nbad + n) != 0)
		return fx_error_set(FX_ERROR, "out of memory for unreadable ranges");
	fx_stream_bad_decode(s->bad + s->nbad, p, n);
	s->nbad += n;
	return 0;
}

/* The trailer ends the stream: its account must agree with what came. */
static int take_trailer(stream_src *s, const fx_frame_head *h, const uint8_t *p)
{
	fx_stream_trailer *t = &s->trailer;
	uint8_t extra, mac[FX_STREAM_MAC_LEN];
	int keyed = (s->hdr.flags & FX_STREAM_FLAG_HMAC) != 0;
	int64_t n;
	char why[256];

	if (fx_stream_trailer_decode(t, p, h->length, keyed, s->name) != 0)
		return bad_frame(s, h, "is a damaged trailer (its length, status or digests are not what a sender writes)");
	/* authenticity first: nothing of an unauthenticated trailer counts */
	if (keyed && fx_stream_mac(mac, s->key, s->key_len, s->hdr_bytes,
				   s->hdr_len, p, h->length) != 0)
		return FX_ERROR;
	if (keyed && CRYPTO_memcmp(mac, t->mac, sizeof(mac)) != 0)
		return bad_frame(s, h, "is a trailer whose HMAC-SHA256 does not match the key: the stream was changed on its way, or sent with another key");
	s->ended = 1;
	s->peer.ended = 1;
	s->peer.status = t->status;
	s->peer.bytes = t->bytes;
	s->peer.digests = t->digests;
	if (t->status != FX_STATUS_COMPLETED &&
	    t->status != FX_STATUS_COMPLETED_WITH_ERRORS)
		return fx_error_set(FX_EIO,
				    "the sender's acquisition of %s on %s did not complete: %llu bytes sent%s%s",
				    s->path, s->host, (unsigned long long)t->bytes,
				    t->error[0] ? "; " : "", t->error);
	if (t->bytes != s->pos || h->offset != s->pos ||
	    (s->hdr.size && s->pos != s->hdr.size)) {
		snprintf(why, sizeof(why),
			 "is the trailer, which says %llu bytes were sent, but %llu arrived (media size %llu)",
			 (unsigned long long)t->bytes, (unsigned long long)s->pos,
			 (unsigned long long)s->hdr.size);
		return bad_frame(s, h, why);
	}
	if ((n = read_full(s, &extra, 1)) < 0)
		return (int)n;
	if (n > 0)
		return fx_error_set(FX_EMISMATCH,
				    "stream from %s goes on after its trailer (stream byte %llu): not what the sender wrote",
				    s->name, (unsigned long long)(s->in - 1));
	return 0;
}

/* Where a payload goes: the caller's buffer when a data frame fits it. */
static uint8_t *payload_dest(stream_src *s, const fx_frame_head *h,
			     uint8_t *dest, size_t room)
{
	if (h->type == FX_FRAME_DATA && h->length <= room)
		return dest;
	if (s->cap < h->length) {
		uint8_t *b = realloc(s->buf, h->length);

		if (!b)
			return NULL;
		s->buf = b;
		s->cap = h->length;
	}
	return s->buf;
}

/* Checks a frame that arrived whole, before anything of it is used. */
static int check_frame(stream_src *s, const fx_frame_head *h, const uint8_t *p)
{
	char why[200];

	if (!fx_frame_crc_ok(h, s->head, p))
		return bad_frame(s, h, "fails its CRC-32 checksum: the stream was changed on its way");
	if (h->seq != s->seq) {
		snprintf(why, sizeof(why),
			 "arrived numbered %llu: a frame was lost, repeated or reordered",
			 (unsigned long long)h->seq);
		return bad_frame(s, h, why);
	}
	if (h->type != FX_FRAME_DATA)
		return 0;
	if (h->offset != s->pos || !h->length ||
	    (s->hdr.size && h->length > s->hdr.size - s->pos)) {
		snprintf(why, sizeof(why),
			 "carries %u bytes for media offset %llu, not the next bytes of the media",
			 h->length, (unsigned long long)h->offset);
		return bad_frame(s, h, why);
	}
	return 0;
}

/* Reads the next frame; a data frame's payload lands in dest when it
 * fits room (*direct: its length), else in s->buf. */
static int next_frame(stream_src *s, uint8_t *dest, size_t room, size_t *direct)
{
	fx_frame_head h;
	uint8_t *p;
	int64_t n;
	int rc;
	char where[96];

	*direct = 0;
	if ((n = read_full(s, s->head, sizeof(s->head))) < 0)
		return (int)n;
	if (n < (int64_t)sizeof(s->head))
		return truncated(s, n ? "inside a frame's head" : "at a frame boundary");
	fx_frame_head_decode(&h, s->head);
	if (!length_ok(s, h.type, h.length))
		return bad_frame(s, NULL, "has a damaged head (an unknown type, or a length its type cannot have)");
	if (!(p = payload_dest(s, &h, dest, room)))
		return fx_error_set(FX_ERROR, "out of memory for a frame of %u bytes", h.length);
	if ((n = read_full(s, p, h.length)) < 0)
		return (int)n;
	if (n < (int64_t)h.length) {
		snprintf(where, sizeof(where), "inside frame %llu (%lld of its %u payload bytes)",
			 (unsigned long long)s->seq, (long long)n, h.length);
		return truncated(s, where);
	}
	if ((rc = check_frame(s, &h, p)) != 0)
		return rc;
	/* a failure names this frame: counted once it is taken */
	if (h.type == FX_FRAME_BAD)
		rc = take_bad(s, &h, p);
	else if (h.type == FX_FRAME_TRAILER)
		rc = take_trailer(s, &h, p);
	if (rc != 0)
		return rc;
	s->seq++;
	if (h.type != FX_FRAME_DATA)
		return 0;
	s->pos += h.length;
	if (p == dest)
		*direct = h.length;
	else
		s->have = h.length, s->at = 0;
	return 0;
}

static int64_t stream_pread(void *payload, void *buf, size_t len, uint64_t offset)
{
	stream_src *s = payload;
	size_t done = 0, direct, take;
	int rc;

	if (s->fail) {
		fx_error_set(s->fail, "%s", s->msg);
		return -EIO;
	}
	if (offset != s->out) {
		fx_error_set(FX_EUSAGE, "%s is a stream: byte %llu cannot be read after byte %llu",
			     s->name, (unsigned long long)offset,
			     (unsigned long long)s->out);
		return -ESPIPE;
	}
	while (done < len) {
		if (s->at < s->have) {
			take = s->have - s->at < len - done ? s->have - s->at : len - done;
			memcpy((uint8_t *)buf + done, s->buf + s->at, take);
			s->at += take;
			done += take;
			continue;
		}
		if (s->ended)
			break;
		if ((rc = next_frame(s, (uint8_t *)buf + done, len - done, &direct)) != 0)
			return failed(s, rc) == FX_EMISMATCH ? -EBADMSG : -EIO;
		done += direct;
	}
	s->out += done;
	return (int64_t)done;
}

static void stream_close(void *payload)
{
	stream_src *s = payload;

	if (s->key)
		memset(s->key, 0, s->key_len);
	free(s->key);
	free(s->hdr_bytes);
	free(s->buf);
	free(s->bad);
	free(s);
}

/* A text member of the device facts into the source's text field. */
static void fact(char *out, size_t outlen, const fx_json_value *o, const char *key)
{
	const char *v = fx_json_get_str(o, key);

	snprintf(out, outlen, "%s", v ? v : "");
}

/* true, false or null (not known). */
static int tristate(const fx_json_value *o, const char *key)
{
	const fx_json_value *v = fx_json_get(o, key);

	return v && v->t == FX_JV_BOOL ? v->b : FX_UNKNOWN;
}

static int apply_facts(stream_src *s, fx_source *src, const char *json)
{
	fx_arena a = FX_ARENA_INIT;
	const fx_json_value *o = fx_json_parse(&a, json);
	fx_source_text *t = &src->text;
	fx_source_info *in = &src->info;
	const char *kind;
	char wb[64];

	if (!o || o->t != FX_JV_OBJ) {
		fx_arena_free(&a);
		return fx_error_set(FX_ECORRUPT, "%s: the stream header's device facts are not a JSON object",
				    s->name);
	}
	fact(s->host, sizeof(s->host), o, "host");
	fact(s->tool, sizeof(s->tool), o, "tool");
	fact(s->path, sizeof(s->path), o, "path");
	fact(s->started, sizeof(s->started), o, "started");
	snprintf(t->path, sizeof(t->path), "%s:%s", s->host, s->path);
	fact(t->vendor, sizeof(t->vendor), o, "vendor");
	fact(t->model, sizeof(t->model), o, "model");
	fact(t->serial, sizeof(t->serial), o, "serial");
	fact(t->wwid, sizeof(t->wwid), o, "wwid");
	fact(t->hpa_dco, sizeof(t->hpa_dco), o, "hpa_dco");
	fact(wb, sizeof(wb), o, "write_block_method");
	/* cut to the field's size, as any device text */
	if (snprintf(t->write_block_method, sizeof(t->write_block_method),
		     "%s, by the sender on %.40s", wb[0] ? wb : "not said",
		     s->host) < 0)
		t->write_block_method[0] = '\0';
	fact(t->ro_before, sizeof(t->ro_before), o, "ro_before");
	fact(t->ro_after, sizeof(t->ro_after), o, "ro_after");
	kind = fx_json_get_str(o, "kind");
	in->is_block_device = tristate(o, "is_block_device");
	in->is_partition = kind ? strcmp(kind, "partition") == 0 : FX_UNKNOWN;
	in->removable = tristate(o, "removable");
	in->rotational = tristate(o, "rotational");
	in->optical = tristate(o, "optical") == 1;
	in->direct_io = tristate(o, "direct_io") == 1;
	in->physical_sector_size = (uint32_t)fx_json_get_uint(o, "physical_sector_size");
	if (!in->physical_sector_size)
		in->physical_sector_size = in->logical_sector_size;
	fx_arena_free(&a);
	return 0;
}

/* A stream sent with a key is read with one, and one sent without a key
 * is not accepted when a key is given (its MAC may have been dropped). */
static int check_keyed(const stream_src *s)
{
	int keyed = (s->hdr.flags & FX_STREAM_FLAG_HMAC) != 0;

	if (keyed && !s->key)
		return fx_error_set(FX_EUSAGE,
				    "stream from %s is authenticated (HMAC-SHA256): give the key it was sent with (--stream-key)",
				    s->name);
	if (!keyed && s->key)
		return fx_error_set(FX_EMISMATCH,
				    "stream from %s carries no HMAC, but a key was given: it was not sent with --stream-key, or its header was changed",
				    s->name);
	return 0;
}

/* Reads and checks the header; fills the peer and the source's info. */
static int read_header(stream_src *s, fx_source *src)
{
	uint8_t fixed[FX_STREAM_HEAD_FIXED], *whole = NULL;
	size_t total;
	int64_t n = read_full(s, fixed, sizeof(fixed));
	int rc;

	if (n < 0)
		return (int)n;
	if (n == 0)
		return fx_error_set(FX_EIO, "%s is empty: no stream arrived (0 bytes; see the sender's messages)",
				    s->name);
	if (n < 8 && memcmp(fixed, FX_STREAM_MAGIC, (size_t)n) != 0)
		memset(fixed + n, 0, sizeof(fixed) - (size_t)n);
	else if (n < (int64_t)sizeof(fixed))
		return fx_error_set(FX_EIO, "stream from %s ended after %lld bytes, inside its header: truncated",
				    s->name, (long long)n);
	if ((rc = fx_stream_header_decode(&s->hdr, fixed, s->name)) != 0)
		return rc;
	total = FX_STREAM_HEAD_FIXED + (size_t)s->hdr.json_len + 4;
	if (!(whole = malloc(total + 1)))
		return fx_error_set(FX_ERROR, "out of memory for the stream header");
	memcpy(whole, fixed, sizeof(fixed));
	if ((n = read_full(s, whole + sizeof(fixed), total - sizeof(fixed))) >= 0 &&
	    n < (int64_t)(total - sizeof(fixed)))
		rc = fx_error_set(FX_EIO, "stream from %s ended after %llu bytes, inside its header: truncated",
				  s->name, (unsigned long long)s->in);
	else if (n < 0)
		rc = (int)n;
	else if ((rc = fx_stream_header_check(whole, &s->hdr, s->name)) == 0 &&
		 (rc = check_keyed(s)) == 0) {
		s->hdr_bytes = malloc(total);
		if (!s->hdr_bytes)
			rc = fx_error_set(FX_ERROR, "out of memory for the stream header");
		else
			memcpy(s->hdr_bytes, whole, total); /* as the MAC saw it */
		s->hdr_len = total;
		whole[total - 4] = '\0'; /* the JSON, as a string */
		rc = rc ? rc : apply_facts(s, src, (const char *)whole + FX_STREAM_HEAD_FIXED);
	}
	s->hdr.json = NULL;
	free(whole);
	return rc;
}

int fx_source_open_stream(fx_source **out, int fd, const char *name,
			  const uint8_t *key, size_t key_len)
{
	static const fx_source_ops ops = { 1, stream_pread, stream_close };
	stream_src *s;
	fx_source *src = NULL;
	int rc;

	FX_CHECK_ARG(out);
	*out = NULL;
	FX_CHECK_ARG(name);
	if (key && key_len < FX_STREAM_KEY_MIN)
		return fx_error_set(FX_EUSAGE, "%s: a key of %zu bytes is too short (at least %u)",
				    name, key_len, FX_STREAM_KEY_MIN);
	if (!(s = calloc(1, sizeof(*s))))
		return fx_error_set(FX_ERROR, "out of memory opening %s", name);
	s->fd = fd;
	snprintf(s->name, sizeof(s->name), "%s", name);
	if (key && !(s->key = malloc(key_len))) {
		free(s);
		return fx_error_set(FX_ERROR, "out of memory opening %s", name);
	}
	if (key) {
		memcpy(s->key, key, key_len);
		s->key_len = key_len;
	}
	/* the sizes come with the header: the source exists first, so that
	 * the device facts land in its own texts */
	if ((rc = fx_source_new_custom(&src, &ops, s, 0, 512, name)) != 0) {
		stream_close(s);
		return rc;
	}
	src->info.kind = FX_SOURCE_STREAM;
	if ((rc = read_header(s, src)) != 0) {
		fx_source_free(src);
		return rc;
	}
	src->info.size = s->hdr.size;
	src->info.logical_sector_size = s->hdr.sector_size;
	if (src->info.physical_sector_size < s->hdr.sector_size)
		src->info.physical_sector_size = s->hdr.sector_size;
	s->peer.format_version = s->hdr.version;
	s->peer.host = s->host;
	s->peer.tool = s->tool;
	s->peer.path = s->path;
	s->peer.started = s->started;
	*out = src;
	return 0;
}

static stream_src *stream_of(const fx_source *src)
{
	return src && src->ops.pread == stream_pread ? src->payload : NULL;
}

const fx_stream_peer *fx_source_stream_peer(const fx_source *src)
{
	stream_src *s = stream_of(src);

	return s ? &s->peer : NULL;
}

int fx_source_account_get(const fx_source *src, fx_source_account *out)
{
	stream_src *s = stream_of(src);

	FX_CHECK_ARG(out);
	memset(out, 0, sizeof(*out));
	if (!s || !s->ended || s->fail)
		return fx_error_set(FX_ENOTFOUND, "the source gave no account of itself");
	out->bad = s->bad;
	out->nbad = s->nbad;
	out->digests = s->trailer.digests;
	out->bytes = s->trailer.bytes;
	return 0;
}
