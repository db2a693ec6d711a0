/* Internal layout of a sink: operations plus the implementation's state. */
#ifndef FX_SINK_IMPL_H
#define FX_SINK_IMPL_H

#include "forensic/sink.h"

/* A write's end, reported by fx_sink_submit: rc 0, or the sink's failure
 * (an FX_E code) with why, its message. Once a write failed, every later
 * one reports that failure too: the image ends where the first failed. */
typedef void (*fx_sink_done_fn)(void *payload, uint64_t tag, int rc,
				const char *why);

/* A sink that keeps writes in flight (raw, split raw): submit queues one
 * and calls done for it later, in order, from a thread of its own; drain
 * waits until done has been called for every one. */
typedef struct fx_sink_queue_ops {
	void (*submit)(void *payload, const uint8_t *data, size_t len,
		       uint64_t tag, fx_sink_done_fn done, void *done_payload);
	void (*drain)(void *payload);
	size_t depth; /* buffers a caller's submits may hold at once */
} fx_sink_queue_ops;

struct fx_sink {
	fx_sink_ops ops;
	const fx_sink_queue_ops *queue; /* NULL: writes are synchronous */
	void *payload;
	/* FX_HASH_* the sink computes over every byte it writes (a split raw
	 * image's per-segment SHA-256): CPU work the pipeline's placement of
	 * threads counts (acquire/place.c) */
	unsigned hash_algs;
	/* A sink that SHA-256s each segment_size bytes it writes as one file
	 * (split raw) and can leave that to the pipeline (NULL: it cannot) */
	const struct fx_sink_segment_ops *segments;
	uint64_t segment_size;
};

/* One file's SHA-256, computed by the pipeline over the stream's bytes
 * [i * segment_size, i * segment_size + bytes). */
typedef struct fx_segment_digest {
	uint64_t bytes;
	char sha256[65];
} fx_segment_digest;

/*
 * Segment hashes computed by the pipeline (issue 15). A split raw sink
 * SHA-256s each segment as it writes it; the pipeline SHA-256s the same
 * bytes for the media hash, and computes both at once for little more
 * than one (hash/sha256_pair.c). offload: from now on (before the first
 * write) the sink hashes nothing as it writes. digests: called once,
 * before fx_sink_finish, with the pipeline's digests of every segment it
 * hashed (borrowed for the finish). At its finish the sink gives file i
 * digests[i] when the file holds exactly digests[i].bytes and has no
 * hash of its own (a file cut back after a failed write, or kept whole
 * by a resume, is hashed from storage); a file left without one is
 * hashed from storage.
 */
typedef struct fx_sink_segment_ops {
	void (*offload)(void *payload);
	void (*digests)(void *payload, const fx_segment_digest *d, size_t n);
} fx_sink_segment_ops;

/* Gives a sink queued writes (its implementation, after
 * fx_sink_new_custom). */
void fx_sink_set_queue(fx_sink *sink, const fx_sink_queue_ops *queue);
/* What a sink hashes of every byte it writes (fx_sink.hash_algs). */
void fx_sink_set_hash_algs(fx_sink *sink, unsigned algs);
unsigned fx_sink_hash_algs(const fx_sink *sink);
/* Segment hashes (fx_sink_segment_ops): the implementation's; the size
 * of the segments a sink could leave to the pipeline (0: none); the
 * pipeline's calls (no-ops on a sink that has none). */
void fx_sink_set_segments(fx_sink *sink, const fx_sink_segment_ops *ops,
			  uint64_t segment_size);
uint64_t fx_sink_segment_size(const fx_sink *sink);
void fx_sink_segment_offload(fx_sink *sink);
void fx_sink_segment_digests(fx_sink *sink, const fx_segment_digest *d,
			     size_t n);

/* The pipeline's writes (its destination threads): len bytes of data
 * (0: none, a marker that keeps its place) are written, then done(tag,
 * rc, why) is called exactly once, in the order of the submits, on this
 * thread (a sink without a queue) or on the sink's own; data must stay
 * valid until then. fx_sink_drain returns once done was called for
 * every submit. */
void fx_sink_submit(fx_sink *sink, const uint8_t *data, size_t len,
		    uint64_t tag, fx_sink_done_fn done, void *done_payload);
void fx_sink_drain(fx_sink *sink);
/* How many submitted buffers the sink may hold at once (0: none, its
 * writes are synchronous). */
size_t fx_sink_queue_depth(const fx_sink *sink);

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
