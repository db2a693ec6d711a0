/*
 * An arena: many small allocations freed at once. The records the case
 * database hands out keep their strings and arrays in one, and so do the
 * trees the JSON reader builds and the report's findings, so that their
 * owner frees one thing. Memory comes in chunks of at least 4 KiB; an
 * allocation is never freed alone. Not thread-safe: an arena belongs to
 * its owner's thread.
 */
#ifndef FX_ARENA_H
#define FX_ARENA_H

#include <stddef.h>

struct fx_arena_chunk;

typedef struct fx_arena {
	struct fx_arena_chunk *head;
	int err;             /* FX_ERROR once an allocation failed */
} fx_arena;

#define FX_ARENA_INIT { NULL, 0 }

/* n zeroed bytes, aligned for any type, or NULL when memory ran out (err
 * and the last error are then set). */
void *fx_arena_alloc(fx_arena *a, size_t n);

/* A copy of s in the arena; NULL for NULL, or when memory ran out. */
char *fx_arena_strdup(fx_arena *a, const char *s);

/* A copy of the n bytes at s, NUL-terminated. */
char *fx_arena_strndup(fx_arena *a, const char *s, size_t n);

/* A copy of the NUL-terminated p, which was malloc'ed, and frees p: for
 * text that another allocator made (vasprintf). NULL p sets err. */
char *fx_arena_take(fx_arena *a, char *p);

/* Room for one more element in an array that lives in the arena (used
 * elements, *cap allocated): old, or a copy with double the capacity
 * (the old one stays in the arena). NULL when memory ran out. */
void *fx_arena_grow(fx_arena *a, void *old, size_t used, size_t *cap,
		    size_t elem);

/* Frees everything allocated in a; a is empty and usable again. */
void fx_arena_free(fx_arena *a);

#endif
