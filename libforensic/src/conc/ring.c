/*
 * Multi-consumer ring (see ring.h). One mutex guards the counters; buffer
 * contents need no lock: a buffer is written only by the producer between
 * claim and publish, and read by consumers between next and release, and
 * the counters order the two. With 1 MiB buffers there are a few thousand
 * lock operations per GiB, which costs nothing next to hashing.
 *
 * Gates (the sinks): a buffer reaches the other consumers (the hashers)
 * only once every live gate has released it, so the hashes never cover a
 * byte that no image holds; gates themselves do not wait for each other,
 * so one slow sink holds the others back by at most the ring's depth. A
 * gate that fails stops gating; the last one to fail cuts the stream.
 *
 * Each consumer has two counters: taken (buffers fx_ring_next gave it)
 * and released. They differ by one for a hasher; a sink with queued
 * writes holds up to its queue's depth, and its buffers reach the hashers
 * only as their writes complete (released, in order).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "conc/ring.h"

struct fx_ring {
	pthread_mutex_t lock;
	pthread_cond_t filled;   /* signalled on publish and close */
	pthread_cond_t freed;    /* signalled on release and close */
	size_t nslots, slot_size;
	unsigned nconsumers;
	uint8_t *memory;         /* nslots * slot_size, 4096-aligned */
	size_t *lens;            /* guarded by lock */
	uint64_t *offsets;       /* guarded by lock */
	uint64_t published;      /* guarded by lock: buffers published */
	uint64_t released[FX_RING_MAX_CONSUMERS]; /* lock: per consumer */
	uint64_t taken[FX_RING_MAX_CONSUMERS];    /* lock: per consumer */
	int closed;              /* guarded by lock */
	unsigned gates;          /* consumers that are gates (bit mask) */
	unsigned live_gates;     /* lock: gates that have not failed */
	uint64_t cut;            /* lock: first skipped buffer (UINT64_MAX) */
};

int fx_ring_new(fx_ring **out, size_t nslots, size_t slot_size,
		unsigned nconsumers)
{
	fx_ring *r;
	void *mem = NULL;

	*out = NULL;
	if (nslots == 0 || nconsumers > FX_RING_MAX_CONSUMERS)
		return -1;
	r = calloc(1, sizeof(*r));
	if (!r || posix_memalign(&mem, 4096, nslots * slot_size) != 0) {
		free(r);
		return -1;
	}
	r->memory = mem;
	r->lens = calloc(nslots, sizeof(*r->lens));
	r->offsets = calloc(nslots, sizeof(*r->offsets));
	if (!r->lens || !r->offsets) {
		fx_ring_free(r);
		return -1;
	}
	r->nslots = nslots;
	r->slot_size = slot_size;
	r->nconsumers = nconsumers;
	r->cut = UINT64_MAX;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->filled, NULL);
	pthread_cond_init(&r->freed, NULL);
	*out = r;
	return 0;
}

void fx_ring_free(fx_ring *ring)
{
	if (!ring)
		return;
	if (ring->nslots) {
		pthread_mutex_destroy(&ring->lock);
		pthread_cond_destroy(&ring->filled);
		pthread_cond_destroy(&ring->freed);
	}
	free(ring->memory);
	free(ring->lens);
	free(ring->offsets);
	free(ring);
}

static uint64_t slowest(const fx_ring *r)
{
	uint64_t min = r->published;
	unsigned c;

	for (c = 0; c < r->nconsumers; c++)
		if (r->released[c] < min)
			min = r->released[c];
	return min;
}

uint8_t *fx_ring_claim(fx_ring *ring)
{
	uint8_t *buf = NULL;

	pthread_mutex_lock(&ring->lock);
	while (!ring->closed && ring->published - slowest(ring) >= ring->nslots)
		pthread_cond_wait(&ring->freed, &ring->lock);
	if (!ring->closed)
		buf = ring->memory +
		      (ring->published % ring->nslots) * ring->slot_size;
	pthread_mutex_unlock(&ring->lock);
	return buf;
}

void fx_ring_publish(fx_ring *ring, size_t len, uint64_t offset)
{
	size_t i;

	pthread_mutex_lock(&ring->lock);
	i = ring->published % ring->nslots;
	ring->lens[i] = len;
	ring->offsets[i] = offset;
	ring->published++;
	pthread_cond_broadcast(&ring->filled);
	pthread_mutex_unlock(&ring->lock);
}

void fx_ring_close(fx_ring *ring)
{
	pthread_mutex_lock(&ring->lock);
	ring->closed = 1;
	pthread_cond_broadcast(&ring->filled);
	pthread_cond_broadcast(&ring->freed);
	pthread_mutex_unlock(&ring->lock);
}

void fx_ring_add_gate(fx_ring *ring, unsigned g)
{
	ring->gates |= 1u << g;
	ring->live_gates |= 1u << g;
}

int fx_ring_drop_gate(fx_ring *ring, unsigned g)
{
	int cut = 0;

	pthread_mutex_lock(&ring->lock);
	if (ring->live_gates & (1u << g)) {
		ring->live_gates &= ~(1u << g);
		if (!ring->live_gates && ring->cut == UINT64_MAX) {
			ring->cut = ring->released[g];
			cut = 1;
		}
		/* trailing consumers may now wait for fewer gates */
		pthread_cond_broadcast(&ring->filled);
	}
	pthread_mutex_unlock(&ring->lock);
	return cut;
}

/* Whether consumer c may take its next buffer now: a gate as soon as it
 * is published, any other consumer once every live gate released it. */
static int ready(const fx_ring *r, unsigned c)
{
	uint64_t seq = r->taken[c];
	unsigned g;

	if (seq >= r->published)
		return 0;
	if (r->gates & (1u << c))
		return 1;
	for (g = 0; g < r->nconsumers; g++)
		if ((r->live_gates & (1u << g)) && r->released[g] <= seq)
			return 0;
	return 1;
}

int fx_ring_next(fx_ring *ring, unsigned c, fx_ring_slot *out)
{
	uint64_t seq;
	int have = 0;
	size_t i;

	pthread_mutex_lock(&ring->lock);
	while (!ready(ring, c) && !(ring->closed && ring->taken[c] >= ring->published))
		pthread_cond_wait(&ring->filled, &ring->lock);
	if (ready(ring, c)) {
		seq = ring->taken[c]++;
		i = seq % ring->nslots;
		out->data = ring->memory + i * ring->slot_size;
		out->len = ring->lens[i];
		out->offset = ring->offsets[i];
		out->skip = seq >= ring->cut;
		have = 1;
	}
	pthread_mutex_unlock(&ring->lock);
	return have;
}

void fx_ring_release(fx_ring *ring, unsigned c)
{
	pthread_mutex_lock(&ring->lock);
	ring->released[c]++;
	pthread_cond_broadcast(&ring->freed);
	if (ring->gates & (1u << c))
		pthread_cond_broadcast(&ring->filled); /* trailing consumers */
	pthread_mutex_unlock(&ring->lock);
}
