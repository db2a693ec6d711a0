/*
 * The sending end of a remote acquisition (acquire --to-stream,
 * docs/stream.md): a sink that writes the framed stream to a descriptor
 * (standard output) instead of image files. The header -- sizes and the
 * device facts of the source as it was opened, write-blocked and
 * identified here -- goes out when the sink is created, before the first
 * read; each block becomes one data frame (head and payload in one
 * writev, the payload straight from the ring's buffer: no copy), and at
 * finish the unreadable ranges and the trailer with the digests the
 * pipeline computed of exactly the bytes sent. The sink thread alone
 * writes; nothing else may write to the descriptor.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/error.h"
#include "forensic/json.h"
#include "forensic/source.h"
#include "sink/sink_impl.h"
#include "source/stream_frame.h"

typedef struct stream_sink {
	int fd;
	uint32_t block;          /* largest data payload */
	uint64_t seq;            /* the next frame's sequence number */
	uint64_t media;          /* media bytes sent */
	uint64_t sent;           /* stream bytes written (messages) */
	uint8_t *key;            /* HMAC key (a copy), NULL: none */
	size_t key_len;
	uint8_t *hdr;            /* the header as sent: the MAC covers it */
	size_t hdr_len;
} stream_sink;

/* All of the head and payload, through short writes and EINTR. */
static int send_frame(stream_sink *s, const uint8_t *head, const uint8_t *p,
		      size_t len)
{
	/* writev does not write through iov_base: the const is kept */
	struct iovec v[2] = { { (void *)(uintptr_t)head, FX_STREAM_FRAME_HEAD },
			      { (void *)(uintptr_t)p, len } };
	int iv = 0;
	ssize_t n;

	while (iv < 2) {
		n = writev(s->fd, v + iv, 2 - iv);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fx_error_set_errno(FX_EIO, errno,
						  "cannot write the stream at stream byte %llu (frame %llu)",
						  (unsigned long long)s->sent,
						  (unsigned long long)s->seq);
		s->sent += (uint64_t)n;
		while (iv < 2 && (size_t)n >= v[iv].iov_len)
			n -= (ssize_t)v[iv++].iov_len;
		if (iv < 2) {
			v[iv].iov_base = (uint8_t *)v[iv].iov_base + n;
			v[iv].iov_len -= (size_t)n;
		}
	}
	return 0;
}

static int frame(stream_sink *s, uint32_t type, uint64_t offset,
		 const uint8_t *p, size_t len)
{
	uint8_t head[FX_STREAM_FRAME_HEAD];
	fx_frame_head h = { type, (uint32_t)len, s->seq, offset, 0 };
	int rc;

	fx_frame_head_encode(head, &h, p);
	if ((rc = send_frame(s, head, p, len)) != 0)
		return rc;
	s->seq++;
	return 0;
}

static int stream_write(void *payload, const uint8_t *data, size_t len)
{
	stream_sink *s = payload;
	size_t at, take;
	int rc;

	for (at = 0; at < len; at += take) {
		take = len - at < s->block ? len - at : s->block;
		if ((rc = frame(s, FX_FRAME_DATA, s->media, data + at, take)) != 0)
			return rc;
		s->media += take;
	}
	return 0;
}

static int send_bad(stream_sink *s, const fx_bad_range *bad, size_t nbad)
{
	uint8_t *p = malloc(16u * FX_STREAM_BAD_PER_FRAME);
	size_t at, n;
	int rc = 0;

	if (!p)
		return fx_error_set(FX_ERROR, "out of memory for unreadable ranges");
	for (at = 0; rc == 0 && at < nbad; at += n) {
		n = nbad - at < FX_STREAM_BAD_PER_FRAME ? nbad - at
							: FX_STREAM_BAD_PER_FRAME;
		fx_stream_bad_encode(p, bad + at, n);
		rc = frame(s, FX_FRAME_BAD, 0, p, 16 * n);
	}
	free(p);
	return rc;
}

static int stream_finish(void *payload, const fx_sink_summary *sum)
{
	stream_sink *s = payload;
	uint8_t p[FX_STREAM_TRAILER_MAX];
	fx_stream_trailer t;
	size_t i, n;
	int rc;

	memset(&t, 0, sizeof(t));
	t.bytes = s->media;
	for (i = 0; i < sum->nbad; i++)
		t.bad_sectors += sum->bad[i].count;
	t.status = !sum->complete ? FX_STATUS_FAILED
		   : sum->nbad ? FX_STATUS_COMPLETED_WITH_ERRORS
			       : FX_STATUS_COMPLETED;
	if (sum->complete && sum->digests)
		t.digests = *sum->digests;
	else
		snprintf(t.error, sizeof(t.error),
			 "the sender stopped before the end of its source (see its messages)");
	t.has_mac = s->key != NULL;
	if ((rc = send_bad(s, sum->bad, sum->nbad)) != 0)
		return rc;
	n = fx_stream_trailer_encode(p, &t);
	if (t.has_mac && (rc = fx_stream_mac(p + FX_STREAM_TRAILER_FIXED, s->key,
					     s->key_len, s->hdr, s->hdr_len, p, n)) != 0)
		return rc;
	return frame(s, FX_FRAME_TRAILER, s->media, p, n);
}

static size_t stream_files(void *payload, fx_image_file *out, size_t max)
{
	(void)payload;
	(void)out;
	(void)max;
	return 0;
}

static void stream_close(void *payload)
{
	stream_sink *s = payload;

	if (!s)
		return;
	if (s->key)
		memset(s->key, 0, s->key_len);
	free(s->key);
	free(s->hdr);
	free(s);
}

static void tri(fx_json *j, const char *key, int v)
{
	fx_json_key(j, key);
	if (v == FX_UNKNOWN)
		fx_json_null(j);
	else
		fx_json_bool(j, v);
}

/* The device facts, as the receiver records them for its source. */
static fx_json *facts_json(const fx_source_info *in, const fx_stream_options *o)
{
	fx_json *j = NULL;

	if (fx_json_new(&j, FX_JSON_COMPACT | FX_JSON_TEXT_REPLACE, NULL) != 0)
		return NULL;
	fx_json_object_begin(j);
	fx_json_member_string(j, "host", o->host ? o->host : "");
	fx_json_member_string(j, "tool", o->tool ? o->tool : "");
	fx_json_member_string(j, "started", o->started ? o->started : "");
	fx_json_member_string(j, "path", in->path);
	fx_json_member_string(j, "kind", in->kind == FX_SOURCE_DEVICE ? "device"
				 : in->kind == FX_SOURCE_PARTITION ? "partition"
				 : in->kind == FX_SOURCE_FILE ? "file" : "other");
	tri(j, "is_block_device", in->is_block_device);
	fx_json_member_uint(j, "physical_sector_size", in->physical_sector_size);
	fx_json_member_string(j, "vendor", in->vendor);
	fx_json_member_string(j, "model", in->model);
	fx_json_member_string(j, "serial", in->serial);
	fx_json_member_string(j, "wwid", in->wwid);
	tri(j, "removable", in->removable);
	tri(j, "rotational", in->rotational);
	tri(j, "optical", in->optical);
	fx_json_member_string(j, "hpa_dco", in->hpa_dco);
	fx_json_member_string(j, "write_block_method", in->write_block_method);
	fx_json_member_string(j, "ro_before", in->ro_before);
	fx_json_member_string(j, "ro_after", in->ro_after);
	tri(j, "direct_io", in->direct_io);
	fx_json_object_end(j);
	return j;
}

static int send_header(stream_sink *s, const fx_source_info *in,
		       const fx_stream_options *o)
{
	fx_stream_header h = { FX_STREAM_VERSION, s->key ? FX_STREAM_FLAG_HMAC : 0,
			       in->size, in->logical_sector_size, s->block,
			       NULL, 0 };
	fx_json *j = facts_json(in, o);
	uint8_t *buf = NULL;
	size_t len = 0, n;
	int rc;

	if (!j || fx_json_text(j, &h.json, &len) != 0 || len > FX_STREAM_JSON_MAX) {
		fx_json_free(j);
		return fx_error_set(FX_ERROR, "cannot write the device facts of %s for the stream",
				    in->path);
	}
	h.json_len = (uint32_t)len;
	n = FX_STREAM_HEAD_FIXED + len + 4;
	if (!(buf = malloc(n)) || fx_stream_header_encode(buf, n, &h) != n)
		rc = fx_error_set(FX_ERROR, "out of memory for the stream header");
	else if ((rc = fx_write_all(s->fd, buf, n)) != 0)
		rc = fx_error_set_errno(FX_EIO, -rc, "cannot write the stream header");
	else {
		s->sent = n;
		s->hdr = buf; /* kept: the trailer's MAC covers it */
		s->hdr_len = n;
		buf = NULL;
	}
	free(buf);
	fx_json_free(j);
	return rc;
}

int fx_sink_stream_new(fx_sink **out, int fd, const fx_source_info *source,
		       const fx_stream_options *opts)
{
	static const fx_sink_ops ops = { FX_SINK_OPS_VERSION, stream_write,
					 stream_finish, stream_close,
					 stream_files, NULL,
					 NULL /* a pipe: nothing to make durable, never checkpointed */ };
	stream_sink *s;
	int rc;

	FX_CHECK_ARG(out);
	*out = NULL;
	FX_CHECK_ARG(source);
	FX_CHECK_ARG(opts);
	FX_CHECK_VERSION(opts, FX_STREAM_OPTIONS_VERSION,
			 "fx_sink_stream_new: fx_stream_options");
	if (!opts->block_size || opts->block_size > FX_STREAM_MAX_BLOCK ||
	    !source->logical_sector_size ||
	    opts->block_size % source->logical_sector_size)
		return fx_error_set(FX_EUSAGE,
				    "fx_sink_stream_new: block size %u is not a multiple of the %u-byte sector up to 256 MiB",
				    opts->block_size, source->logical_sector_size);
	if (opts->key && opts->key_len < FX_STREAM_KEY_MIN)
		return fx_error_set(FX_EUSAGE,
				    "fx_sink_stream_new: a key of %zu bytes is too short (at least %u)",
				    opts->key_len, FX_STREAM_KEY_MIN);
	if (!(s = calloc(1, sizeof(*s))))
		return fx_error_set(FX_ERROR, "out of memory");
	s->fd = fd;
	s->block = opts->block_size;
	if (opts->key && (s->key = malloc(opts->key_len)) != NULL) {
		memcpy(s->key, opts->key, opts->key_len);
		s->key_len = opts->key_len;
	}
	if ((opts->key && !s->key && (rc = fx_error_set(FX_ERROR, "out of memory")) != 0) ||
	    (rc = send_header(s, source, opts)) != 0 ||
	    (rc = fx_sink_new_custom(out, &ops, s)) != 0) {
		stream_close(s);
		return rc;
	}
	return 0;
}
