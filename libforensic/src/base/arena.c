/* A chunked arena (see arena.h): allocations are carved from the newest
 * chunk; a request that does not fit starts a chunk of its own size or
 * 4 KiB, whichever is larger. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/error.h"

struct fx_arena_chunk {
	struct fx_arena_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

void *fx_arena_alloc(fx_arena *a, size_t n)
{
	struct fx_arena_chunk *c = a->head;
	size_t cap;
	void *p;

	if (n > SIZE_MAX - 15 - sizeof(*c))
		goto oom;
	n = n ? (n + 15) & ~(size_t)15 : 16;   /* a distinct pointer for 0 */
	if (!c || c->cap - c->used < n) {
		cap = n > 4096 ? n : 4096;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			goto oom;
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
oom:
	a->err = fx_error_set(FX_ERROR, "out of memory");
	return NULL;
}

char *fx_arena_strndup(fx_arena *a, const char *s, size_t n)
{
	char *p = n < SIZE_MAX ? fx_arena_alloc(a, n + 1) : NULL;

	if (p)
		memcpy(p, s, n);
	return p;
}

char *fx_arena_strdup(fx_arena *a, const char *s)
{
	return s ? fx_arena_strndup(a, s, strlen(s)) : NULL;
}

char *fx_arena_take(fx_arena *a, char *p)
{
	char *copy;

	if (!p) {
		a->err = fx_error_set(FX_ERROR, "out of memory");
		return NULL;
	}
	copy = fx_arena_strdup(a, p);
	free(p);
	return copy;
}

void *fx_arena_grow(fx_arena *a, void *old, size_t used, size_t *cap,
		    size_t elem)
{
	void *p;

	if (used < *cap)
		return old;
	if (elem && (*cap ? *cap : 8) > SIZE_MAX / 2 / elem) {
		a->err = fx_error_set(FX_ERROR, "out of memory");
		return NULL;
	}
	*cap = *cap ? *cap * 2 : 8;
	p = fx_arena_alloc(a, *cap * elem);
	if (p && used)
		memcpy(p, old, used * elem);
	return p;
}

void fx_arena_free(fx_arena *a)
{
	struct fx_arena_chunk *c, *next;

	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->err = 0;
}
