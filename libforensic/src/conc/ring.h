/*
 * A fixed ring of equal, aligned buffers with one producer and up to
 * FX_RING_MAX_CONSUMERS consumers. Every consumer sees every buffer, in
 * order, and reads it in place; a buffer is refilled only after all
 * consumers released it. Memory is nslots * slot_size, whatever the input.
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

/* Makes every other consumer trail consumer g: they get a buffer only
 * after g released it (hashes then cover only what the sink has taken). */
void fx_ring_set_gate(fx_ring *ring, unsigned g);
/* Called by the gate consumer before releasing the buffer it failed on:
 * that buffer and all later ones reach the others with skip set. */
void fx_ring_cut(fx_ring *ring);

/* Consumer c: waits for its next buffer; 0 when drained, 1 with *out set. */
int fx_ring_next(fx_ring *ring, unsigned c, fx_ring_slot *out);
/* Consumer c: done with the buffer returned by the last fx_ring_next. */
void fx_ring_release(fx_ring *ring, unsigned c);

#endif
