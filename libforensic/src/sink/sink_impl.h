/* Internal layout of a sink: operations plus the implementation's state. */
#ifndef FX_SINK_IMPL_H
#define FX_SINK_IMPL_H

#include "forensic/sink.h"

struct fx_sink {
	fx_sink_ops ops;
	void *payload;
};

/* The pipeline's calls into a sink (its sink thread): write in order, then
 * finish once. */
int fx_sink_write(fx_sink *sink, const uint8_t *data, size_t len);
int fx_sink_finish(fx_sink *sink, const fx_sink_summary *summary);

/* Bytes of media the finished image holds; `written` when the sink does
 * not say (fx_sink_ops.held). */
uint64_t fx_sink_held(fx_sink *sink, uint64_t written);

/* A checkpoint's flush of everything written (fx_sink_ops.sync); whether
 * the sink has one. */
int fx_sink_sync(fx_sink *sink);
int fx_sink_can_sync(const fx_sink *sink);

/* Copies up to max of the n files into out; returns n (the sinks' files op). */
size_t fx_image_files_copy(fx_image_file *out, size_t max,
			   const fx_image_file *files, size_t n);

/* Writes all of len bytes to fd at its position, retrying on EINTR and
 * short writes. Returns 0 or -errno. */
int fx_write_all(int fd, const uint8_t *data, size_t len);

/* Creates path exclusively for writing (never overwrites, never follows a
 * link: O_EXCL|O_NOFOLLOW), mode 0444 so
 * evidence is not modified by accident; with direct, O_DIRECT where the
 * file system allows it (*direct is cleared where not). Returns the fd or
 * a negative FX_E code. */
int fx_create_evidence_file(const char *path, int *direct);

#endif
