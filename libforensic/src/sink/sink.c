/*
 * Generic sink plumbing: forwarding to the implementation and the file
 * helpers every writer shares (exclusive creation, complete writes).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "sink/sink_impl.h"

int fx_sink_new_custom(fx_sink **out, const fx_sink_ops *ops, void *payload)
{
	fx_sink *s;

	FX_CHECK_ARG(out);
	*out = NULL;
	FX_CHECK_ARG(ops);
	FX_CHECK_VERSION(ops, FX_SINK_OPS_VERSION,
			 "fx_sink_new_custom: fx_sink_ops");
	if (!ops->write || !ops->finish)
		return fx_error_set(FX_EUSAGE, "custom sink without write/finish");
	if (!(s = calloc(1, sizeof(*s))))
		return fx_error_set(FX_ERROR, "out of memory for a sink");
	/* an older caller's struct ends before the fields it does not know */
	memcpy(&s->ops, ops, ops->version >= 3 ? sizeof(*ops)
			     : ops->version == 2 ? offsetof(fx_sink_ops, sync)
			     : offsetof(fx_sink_ops, held));
	s->payload = payload;
	*out = s;
	return 0;
}

int fx_sink_write(fx_sink *sink, const uint8_t *data, size_t len)
{
	return sink->ops.write(sink->payload, data, len);
}

void fx_sink_set_queue(fx_sink *sink, const fx_sink_queue_ops *queue)
{
	sink->queue = queue;
}

void fx_sink_set_hash_algs(fx_sink *sink, unsigned algs)
{
	sink->hash_algs = algs;
}

unsigned fx_sink_hash_algs(const fx_sink *sink)
{
	return sink->hash_algs;
}

void fx_sink_set_segments(fx_sink *sink, const fx_sink_segment_ops *ops,
			  uint64_t segment_size)
{
	sink->segments = ops;
	sink->segment_size = ops ? segment_size : 0;
}

uint64_t fx_sink_segment_size(const fx_sink *sink)
{
	return sink->segments ? sink->segment_size : 0;
}

void fx_sink_segment_offload(fx_sink *sink)
{
	if (!sink->segments)
		return;
	sink->segments->offload(sink->payload);
	sink->hash_algs &= ~(unsigned)FX_HASH_SHA256;
}

void fx_sink_segment_digests(fx_sink *sink, const fx_segment_digest *d,
			     size_t n)
{
	if (sink->segments)
		sink->segments->digests(sink->payload, d, n);
}

void fx_sink_submit(fx_sink *sink, const uint8_t *data, size_t len,
		    uint64_t tag, fx_sink_done_fn done, void *done_payload)
{
	int rc;

	if (sink->queue) {
		sink->queue->submit(sink->payload, data, len, tag, done,
				    done_payload);
		return;
	}
	rc = len ? sink->ops.write(sink->payload, data, len) : 0;
	done(done_payload, tag, rc, rc ? fx_error_last() : NULL);
}

void fx_sink_drain(fx_sink *sink)
{
	if (sink->queue)
		sink->queue->drain(sink->payload);
}

size_t fx_sink_queue_depth(const fx_sink *sink)
{
	return sink->queue ? sink->queue->depth : 0;
}

int fx_sink_finish(fx_sink *sink, const fx_sink_summary *summary)
{
	return sink->ops.finish(sink->payload, summary);
}

uint64_t fx_sink_held(fx_sink *sink, uint64_t written)
{
	return sink->ops.held ? sink->ops.held(sink->payload) : written;
}

int fx_sink_sync(fx_sink *sink)
{
	if (!sink->ops.sync)
		return fx_error_set(FX_EUSAGE, "this image format has no checkpoints");
	return sink->ops.sync(sink->payload);
}

int fx_sink_can_sync(const fx_sink *sink)
{
	return sink->ops.sync != NULL;
}

size_t fx_sink_files(fx_sink *sink, fx_image_file *out, size_t max)
{
	return sink->ops.files ? sink->ops.files(sink->payload, out, max) : 0;
}

void fx_sink_free(fx_sink *sink)
{
	if (!sink)
		return;
	if (sink->ops.close)
		sink->ops.close(sink->payload);
	free(sink);
}

size_t fx_image_files_copy(fx_image_file *out, size_t max,
			   const fx_image_file *files, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < max; i++)
		out[i] = files[i];
	return n;
}

int fx_write_all(int fd, const uint8_t *data, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOSPC;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int fx_create_evidence_file(const char *path, int *direct)
{
	int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd = -1;

	if (direct && *direct) {
		fd = open(path, flags | O_DIRECT, 0444);
		if (fd < 0 && errno == EINVAL) /* file system without O_DIRECT */
			*direct = 0;
		else if (fd < 0)
			goto failed;
	}
	if (fd < 0)
		fd = open(path, flags, 0444);
	if (fd >= 0)
		return fd;
failed:
	if (errno == EEXIST)
		return fx_error_set(FX_EEXISTS,
				    "refusing to overwrite existing file %s", path);
	return fx_error_set_errno(fx_error_from_errno(errno), errno,
				  "cannot create %s", path);
}

int fx_evidence_path_check(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return fx_error_set(FX_EEXISTS, S_ISLNK(st.st_mode)
				    ? "refusing to overwrite existing file %s (a symbolic link, never followed)"
				    : "refusing to overwrite existing file %s", path);
	if (errno != ENOENT)
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "cannot check %s", path);
	return 0;
}

int fx_raw_check_names(const char *target, uint64_t segment_size,
		       uint64_t media_size)
{
	char name[4200];
	uint64_t i, n = 1;
	int rc;

	if (segment_size && media_size > segment_size)
		n = (media_size + segment_size - 1) / segment_size;
	for (i = 0; i < n; i++)
		if ((rc = fx_raw_segment_name(name, sizeof(name), target,
					      segment_size, (unsigned)i)) != 0 ||
		    (rc = fx_evidence_path_check(name)) != 0)
			return rc;
	return 0;
}
