/*
 * A growing array, held by its owner as a pointer, a count and a
 * capacity (which may be fields of a public struct): FX_VEC_RESERVE
 * makes room, doubling the capacity, so that n appends cost O(n) in
 * all. The owner frees the pointer. Not thread-safe: an array belongs to
 * one thread at a time, or to whoever holds the owner's lock.
 *
 *	if (FX_VEC_RESERVE(r->bad, p->bad_cap, r->nbad + 1) != 0)
 *		return fx_error_set(FX_ERROR, "out of memory for ...");
 *	r->bad[r->nbad++] = range;
 */
#ifndef FX_VEC_H
#define FX_VEC_H

#include <stddef.h>

/* The capacity an array starts with. */
#define FX_VEC_FIRST 16

/* Makes *arrp (a pointer to the array pointer, of *cap elements of elem
 * bytes) hold at least need elements: 0, or -1 when memory runs out or
 * the size would overflow (the array is then unchanged). New elements
 * are not initialised. */
int fx_vec_reserve(void *arrp, size_t *cap, size_t need, size_t elem);

#define FX_VEC_RESERVE(arr, cap, need) \
	fx_vec_reserve(&(arr), &(cap), (need), sizeof(*(arr)))

/* The capacity of an array grown only through fx_vec_reserve one
 * element at a time, from its count alone: for an array kept in a
 * public struct without a capacity field. */
size_t fx_vec_cap_of(size_t n);

#endif
