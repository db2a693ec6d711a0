/*
 * A fixed ring of equal, aligned buffers with one producer and up to
 * FX_RING_MAX_CONSUMERS consumers. Every consumer sees every buffer, in
 * order, and reads it in place; a buffer is refilled only after all
 * consumers released it. Memory is nslots * slot_size, whatever the input.
 *
 * A consumer may hold several buffers at once (a sink with writes in
 * flight): fx_ring_next takes the next one, fx_ring_release gives back
 * the oldest one it holds. Releases are counted, so any thread may make
 * them for the consumer as long as they stay in order.
 */
#ifndef FX_RING_H
#define FX_RING_H

#include <stddef.h>
#include <stdint.h>

#define FX_RING_MAX_CONSUMERS 8

typedef struct fx_ring fx_ring;

/* A filled buffer as seen by a consumer. */
typedef struct fx_ring_slot {
	uint8_t *data;
	size_t len;
	uint64_t offset; /* of data[0] in the stream */
	int skip;        /* past the cut: release without using */
} fx_ring_slot;

int fx_ring_new(fx_ring **out, size_t nslots, size_t slot_size,
		unsigned nconsumers);
void fx_ring_free(fx_ring *ring);

/* Producer: waits for a free buffer; NULL once the ring was closed. */
uint8_t *fx_ring_claim(fx_ring *ring);
/* Producer: publishes the claimed buffer with len bytes at offset. */
void fx_ring_publish(fx_ring *ring, size_t len, uint64_t offset);
/* Producer: no more buffers; consumers drain what is published. */
void fx_ring_close(fx_ring *ring);

/* Makes consumer g one of the ring's gates (before any buffer is
 * published): every consumer that is not a gate gets a buffer only after
 * every live gate released it (hashes then cover only what all the sinks
 * still writing have taken). Gates do not wait for each other. */
void fx_ring_add_gate(fx_ring *ring, unsigned g);
/* Called by gate g before releasing the buffer it failed on. While other
 * gates are live, g only stops gating (it keeps consuming; the others go
 * on) and 0 is returned. When g was the last live gate, that buffer and
 * all later ones reach the other consumers with skip set, and 1 is
 * returned: the stream is cut. */
int fx_ring_drop_gate(fx_ring *ring, unsigned g);

/* Consumer c: waits for its next buffer (the one after the last it took);
 * 0 when drained, 1 with *out set. */
int fx_ring_next(fx_ring *ring, unsigned c, fx_ring_slot *out);
/* Consumer c: done with the oldest buffer it holds (taken by fx_ring_next
 * and not released yet). */
void fx_ring_release(fx_ring *ring, unsigned c);

#endif
