/*
 * JSON inside the library: the writer of forensic/json.h on the stack,
 * with a compare mode for the audit check, and the one reader, with a
 * canonical mode (the audit check: is this exactly what the writer
 * writes?) and a tree mode (the reports: what does this say?).
 */
#ifndef FX_JSON_H
#define FX_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "base/arena.h"
#include "forensic/json.h"

/* ---- the writer (json_write.c) ---- */

#define FX_JSON_DEPTH 32

/* The writer's state. Owned by one thread. Members of the public
 * functions' writer, which fx_json_new allocates; library code keeps one
 * on the stack with fx_json_init. */
struct fx_json {
	unsigned flags;
	FILE *stream;            /* stream mode: written here, not kept */
	char *buf;               /* memory mode: the text, NUL-terminated */
	size_t len, cap;         /* bytes written (all modes), buf's size */
	const char *expect;      /* compare mode: the text to match, else NULL */
	size_t expect_len;
	int differs;             /* compare mode: a byte differed */
	int err;
	int depth;
	int after_key;           /* a key was written, its value is next */
	int count[FX_JSON_DEPTH];             /* values written at each level */
	const char *last_key[FX_JSON_DEPTH];  /* FX_JSON_SORTED */
};

/* A writer with flags into memory (stream NULL) or to stream. */
void fx_json_init(fx_json *j, unsigned flags, FILE *stream);
/* Compare mode (canonical): nothing is stored (buf stays NULL); the text
 * written is compared with expect (len bytes) as it is written, so a
 * record of any size is checked against its event in constant memory. */
void fx_json_init_compare(fx_json *j, const char *expect, size_t len);
/* Compare mode: 1 if exactly expect was written, without error. */
int fx_json_matches(const fx_json *j);
/* Frees the text of a writer made with fx_json_init; j can be reused
 * after another fx_json_init. */
void fx_json_clear(fx_json *j);

/* ---- the reader (json_read.c) ---- */

/* 0 if s (len bytes, NUL-terminated) is one canonical JSON object as
 * fx_json writes it with FX_JSON_CANONICAL, nested at most 8 deep; else
 * -1 with why (e.g. "keys out of order at byte 12"). One pass over s. */
int fx_json_check_canonical(const char *s, size_t len, char *why,
			    size_t why_size);

/* The integer at s.key1.key2 of canonical JSON s (len bytes, NUL-
 * terminated), reading only up to it: 0, or -1 if there is none. */
int fx_json_canonical_int(int64_t *out, const char *s, size_t len,
			  const char *key1, const char *key2);

/* A JSON value read into a tree. */
enum fx_json_type { FX_JV_NULL, FX_JV_BOOL, FX_JV_NUM, FX_JV_STR, FX_JV_ARR,
		    FX_JV_OBJ };

typedef struct fx_json_value {
	enum fx_json_type t;
	const char *key;                       /* member name, in an object */
	const char *s;                         /* string, or the number's text */
	int b;
	struct fx_json_value *first, *next;    /* members or elements, in order */
} fx_json_value;

/* Any JSON text (white space allowed, nesting up to 32) as a tree kept by
 * a: strings decoded (\u escapes to UTF-8, a lone surrogate to U+FFFD,
 * \u0000 refused), numbers kept as their text. NULL if text is not JSON
 * or a ran out of memory (a->err). Linear in the text. */
const fx_json_value *fx_json_parse(fx_arena *a, const char *text);

/* Member key of object o, or NULL (o not an object, or no such member;
 * the first of equal keys). Objects are searched member by member. */
const fx_json_value *fx_json_get(const fx_json_value *o, const char *key);
/* A string member, or NULL (absent, null, or not a string). */
const char *fx_json_get_str(const fx_json_value *o, const char *key);
/* A non-negative integer member, or 0. */
uint64_t fx_json_get_uint(const fx_json_value *o, const char *key);
/* 1 if the member is true. */
int fx_json_get_true(const fx_json_value *o, const char *key);
/* The number of elements of array a (0 if a is not an array). */
size_t fx_json_count(const fx_json_value *a);

#endif
