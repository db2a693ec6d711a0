/*
 * Standard input, a pipe or a socket as a source: read once, in order,
 * from where the descriptor stands to its end. A stream cannot be read
 * twice, so an offset other than the next byte is a caller's error, and
 * nothing is retried. Not a device: nothing to write-block, no identity,
 * no HPA/DCO, and the info says so in words the record keeps. With a size
 * given, the pipeline reads exactly that many bytes and then asks for one
 * more, which must not exist. Used by the pipeline's reader thread only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "source/source_impl.h"

typedef struct pipe_src {
	int fd;
	uint64_t pos;           /* bytes consumed from fd */
	char name[256];
} pipe_src;

/* Reads until len bytes or the end of the stream. */
static int64_t pipe_pread(void *payload, void *buf, size_t len, uint64_t offset)
{
	pipe_src *p = payload;
	size_t done = 0;
	ssize_t n;

	if (offset != p->pos) {
		fx_error_set(FX_EUSAGE,
			     "%s is a stream: byte %llu cannot be read after byte %llu",
			     p->name, (unsigned long long)offset,
			     (unsigned long long)p->pos);
		return -ESPIPE;
	}
	while (done < len) {
		n = read(p->fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			fx_error_set_errno(FX_EIO, err, "cannot read %s at byte %llu",
					   p->name,
					   (unsigned long long)(p->pos + done));
			return -err;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	p->pos += done;
	return (int64_t)done;
}

static void pipe_close(void *payload)
{
	free(payload);
}

int fx_source_open_pipe(fx_source **out, int fd, uint64_t size,
			const char *name)
{
	static const fx_source_ops ops = { 1, pipe_pread, pipe_close };
	pipe_src *p;
	fx_source *src;
	int rc;

	FX_CHECK_ARG(out);
	*out = NULL;
	FX_CHECK_ARG(name);
	if (fd < 0)
		return fx_error_set(FX_EUSAGE, "fx_source_open_pipe: fd %d", fd);
	if (!(p = calloc(1, sizeof(*p))))
		return fx_error_set(FX_ERROR, "out of memory opening %s", name);
	p->fd = fd;
	snprintf(p->name, sizeof(p->name), "%s", name);
	if ((rc = fx_source_new_custom(&src, &ops, p, size, 512, name)) != 0) {
		free(p);
		return rc;
	}
	src->info.kind = FX_SOURCE_STREAM;
	src->info.is_block_device = 0;
	src->info.is_partition = 0;
	snprintf(src->text.write_block_method, sizeof(src->text.write_block_method),
		 "none: a stream, not a device (%.40s)", name);
	snprintf(src->text.hpa_dco, sizeof(src->text.hpa_dco),
		 "not checked: %s is a stream, not a device", name);
	*out = src;
	return 0;
}
