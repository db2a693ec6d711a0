/*
 * The JSON reader (base/json.h): one recursive-descent reader with two
 * strictnesses.
 *
 * Canonical mode is the audit check's: it accepts exactly what the writer
 * writes with FX_JSON_CANONICAL (one object, no white space, keys plain
 * and in increasing byte order, integers only, strict UTF-8, only the
 * shortest escapes), so that content a different writer could have
 * serialized differently is refused, and says where it stopped. It only
 * checks; it builds nothing.
 *
 * Tree mode is the reports': any JSON text, white space allowed, escapes
 * decoded, numbers kept as their text, read into a tree in an arena (the
 * findings `verify` records and an acquisition's parameters, which the
 * reports state in words).
 *
 * Cost: the audit check runs over every event's content, and one event
 * can hold a hundred megabytes, so each value is read once, in one pass,
 * with the length passed and never recomputed.
 *
 * Threading: no state; a tree belongs to its arena.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hex.h"
#include "base/json.h"
#include "base/utf8.h"

/* The deepest nesting each mode reads (the top level is 1). */
#define FX_JSON_CANONICAL_DEPTH 8
#define FX_JSON_TREE_DEPTH 33

struct jr {
	const char *s;
	size_t len;        /* of s; s[len] is the terminating NUL */
	size_t pos;
	int canonical;
	int max_depth;
	char *why;         /* canonical mode: where and why it stopped */
	size_t why_size;
	fx_arena *a;       /* tree mode: where the values go */
};

static int fail(struct jr *r, const char *what)
{
	if (r->why)
		snprintf(r->why, r->why_size, "%s at byte %zu", what, r->pos);
	return -1;
}

static void skip_ws(struct jr *r)
{
	if (r->canonical)
		return;
	while (r->s[r->pos] == ' ' || r->s[r->pos] == '\t' ||
	       r->s[r->pos] == '\n' || r->s[r->pos] == '\r')
		r->pos++;
}

static int read_value(struct jr *r, int depth, fx_json_value **out);

/* ---- strings ---- */

/* Four hex digits at p (either case) into *out. */
static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i, d;

	for (i = 0; i < 4; i++) {
		if ((d = fx_hex_digit(p[i], 0)) < 0)
			return -1;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

/* The code point of the \u escape at p (after the backslash and u), a
 * surrogate pair joined, a lone surrogate as U+FFFD; the text after it,
 * or NULL. */
static const char *unicode_escape(const char *p, uint32_t *cp)
{
	unsigned hi, lo;

	if (hex4(p, &hi))
		return NULL;
	p += 4;
	*cp = hi;
	if (hi >= 0xD800 && hi <= 0xDBFF && p[0] == '\\' && p[1] == 'u' &&
	    !hex4(p + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
		*cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
		return p + 6;
	}
	if (hi >= 0xD800 && hi <= 0xDFFF)
		*cp = FX_UTF8_REPLACEMENT;
	return p;
}

/* Canonical mode: the escape at r->pos is one the writer writes: \" \\
 * \b \f \n \r \t, or \u00xx (lowercase) for another control. */
static int canonical_escape(struct jr *r)
{
	const char *e = r->s + r->pos + 1;

	if (*e && strchr("\"\\bfnrt", *e)) {
		r->pos += 2;
		return 0;
	}
	if (strncmp(e, "u00", 3) == 0 && (e[3] == '0' || e[3] == '1') &&
	    fx_hex_digit(e[4], FX_HEX_LOWER) >= 0 &&
	    !(e[3] == '0' && e[4] && strchr("89acd", e[4]))) {
		r->pos += 6;
		return 0;
	}
	return fail(r, "escape not in canonical form");
}

/* Tree mode: the escape at r->pos decoded to o (advanced). \u0000 is
 * refused: the tree's strings are C strings. */
static int tree_escape(struct jr *r, char **o)
{
	static const char names[] = "\"\\/bfnrt", values[] = "\"\\/\b\f\n\r\t";
	const char *e = r->s + r->pos + 1, *k = *e ? strchr(names, *e) : NULL;
	const char *after;
	uint32_t cp;

	if (k) {
		*(*o)++ = values[k - names];
		r->pos += 2;
		return 0;
	}
	if (*e != 'u' || !(after = unicode_escape(e + 1, &cp)) || cp == 0)
		return fail(r, "invalid escape");
	*o += fx_utf8_put(*o, cp);
	r->pos = (size_t)(after - r->s);
	return 0;
}

/* Tree mode: room for the string at r->pos (at its opening quote)
 * decoded: it can only be shorter than its JSON form. NULL if it is not
 * closed or memory ran out. */
static char *string_room(struct jr *r)
{
	const char *p = r->s + r->pos + 1, *end = p;

	while (*end && *end != '"')
		end += *end == '\\' && end[1] ? 2 : 1;
	if (*end != '"')
		return NULL;
	return fx_arena_alloc(r->a, (size_t)(end - p) + 1);
}

/* The string at r->pos; *plain is cleared if it has an escape (a key
 * must not, in canonical mode). Tree mode: decoded into *out. */
static int read_string(struct jr *r, int *plain, const char **out)
{
	const unsigned char *p = (const unsigned char *)r->s;
	char *start = NULL, *o = NULL;
	size_t n;

	*plain = 1;
	if (p[r->pos] != '"')
		return fail(r, "string expected");
	if (out && !(start = o = string_room(r)))
		return fail(r, "string not closed");
	r->pos++;
	for (;;) {
		unsigned char ch = p[r->pos];

		if (ch == '"')
			break;
		if (ch < 0x20)
			return fail(r, "unescaped control character");
		if (ch == '\\') {
			*plain = 0;
			if ((r->canonical ? canonical_escape(r)
					  : tree_escape(r, &o)) != 0)
				return -1;
			continue;
		}
		n = 1;
		if (ch >= 0x80 && r->canonical &&
		    (n = fx_utf8_decode(NULL, r->s + r->pos, r->len - r->pos)) == 0)
			return fail(r, "invalid UTF-8");
		if (o) {
			memcpy(o, r->s + r->pos, n);
			o += n;
		}
		r->pos += n;
	}
	r->pos++;
	if (out) {
		*o = '\0';
		*out = start;
	}
	return 0;
}

/* ---- numbers and words ---- */

/* Canonical mode: an integer without leading zeros, not -0; tree mode:
 * the characters a JSON number is made of, kept as text. */
static int read_number(struct jr *r)
{
	const char *p = r->s + r->pos;
	size_t n = 0;

	if (!r->canonical) {
		if (*p != '-' && !(*p >= '0' && *p <= '9'))
			return fail(r, "value expected");
		r->pos += strspn(p, "-+.eE0123456789");
		return 0;
	}
	if (p[0] == '-')
		n++;
	if (p[n] == '0') {
		if (n == 1)
			return fail(r, "negative zero");
		n++;
	} else if (p[n] >= '1' && p[n] <= '9') {
		while (p[n] >= '0' && p[n] <= '9')
			n++;
	} else {
		return fail(r, "value expected");
	}
	if (p[n] == '.' || p[n] == 'e' || p[n] == 'E' ||
	    (p[n] >= '0' && p[n] <= '9'))
		return fail(r, "number not a canonical integer");
	r->pos += n;
	return 0;
}

static int read_word(struct jr *r, fx_json_value *v)
{
	const char *p = r->s + r->pos;
	size_t n;

	if (strncmp(p, "true", 4) == 0 || strncmp(p, "null", 4) == 0)
		n = 4;
	else if (strncmp(p, "false", 5) == 0)
		n = 5;
	else
		return fail(r, "value expected");
	if (v) {
		v->t = *p == 'n' ? FX_JV_NULL : FX_JV_BOOL;
		v->b = *p == 't';
	}
	r->pos += n;
	return 0;
}

/* ---- objects and arrays ---- */

/* Byte order of two keys given as spans (without the quotes). */
static int key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* An object's key and the ':' after it; canonical mode checks that it is
 * plain and after the previous key (*last, *last_len: its span). */
static int read_key(struct jr *r, const char **name, size_t *last,
		    size_t *last_len)
{
	size_t key;
	int plain;

	skip_ws(r);
	key = r->pos + 1;
	if (read_string(r, &plain, name) != 0)
		return -1;
	if (r->canonical) {
		if (!plain)
			return fail(r, "escaped character in a key");
		if (*last && key_cmp(r->s + *last, *last_len, r->s + key,
				     r->pos - 1 - key) >= 0)
			return fail(r, "keys out of order");
		*last = key;
		*last_len = r->pos - 1 - key;
	}
	skip_ws(r);
	if (r->s[r->pos] != ':')
		return fail(r, "':' expected");
	r->pos++;
	return 0;
}

/* The members of an object or the elements of an array, from the
 * opening bracket at r->pos to close; linked under v in tree mode. */
static int read_items(struct jr *r, int depth, fx_json_value *v, char close)
{
	fx_json_value **tail = v ? &v->first : NULL, *item;
	const char *name = NULL;
	size_t last = 0, last_len = 0;

	r->pos++;
	skip_ws(r);
	if (r->s[r->pos] == close) {
		r->pos++;
		return 0;
	}
	for (;;) {
		if (close == '}' &&
		    read_key(r, v ? &name : NULL, &last, &last_len) != 0)
			return -1;
		if (read_value(r, depth + 1, v ? &item : NULL) != 0)
			return -1;
		if (v) {
			item->key = name;
			*tail = item;
			tail = &item->next;
		}
		skip_ws(r);
		if (r->s[r->pos] == close) {
			r->pos++;
			return 0;
		}
		if (r->s[r->pos] != ',')
			return fail(r, close == '}' ? "',' or '}' expected"
					  : "',' or ']' expected");
		r->pos++;
	}
}

static int read_value(struct jr *r, int depth, fx_json_value **out)
{
	fx_json_value *v = NULL;
	size_t start;
	int plain, rc;

	skip_ws(r);
	if (depth > r->max_depth)
		return fail(r, "nested too deep");
	if (r->a && !(v = fx_arena_alloc(r->a, sizeof(*v))))
		return -1;
	start = r->pos;
	switch (r->s[r->pos]) {
	case '{':
	case '[':
		if (v)
			v->t = r->s[r->pos] == '{' ? FX_JV_OBJ : FX_JV_ARR;
		rc = read_items(r, depth, v, r->s[r->pos] == '{' ? '}' : ']');
		break;
	case '"':
		if (v)
			v->t = FX_JV_STR;
		rc = read_string(r, &plain, v ? &v->s : NULL);
		break;
	case 't':
	case 'f':
	case 'n':
		rc = read_word(r, v);
		break;
	default:
		rc = read_number(r);
		if (!rc && v) {
			v->t = FX_JV_NUM;
			if (!(v->s = fx_arena_strndup(r->a, r->s + start,
						      r->pos - start)))
				rc = -1;
		}
	}
	if (out)
		*out = v;
	return rc;
}

/* ---- entry points ---- */

int fx_json_check_canonical(const char *s, size_t len, char *why,
			    size_t why_size)
{
	struct jr r = { s, len, 0, 1, FX_JSON_CANONICAL_DEPTH, why, why_size,
			NULL };

	if (s[0] != '{')
		return fail(&r, "object expected");
	if (read_value(&r, 1, NULL) != 0)
		return -1;
	if (r.pos != len)
		return fail(&r, "text after the object");
	return 0;
}

/* Canonical mode: 1 and r->pos at the value of the member key of the
 * object at r->pos, 0 if it has none, -1 if the text is not canonical. */
static int find_member(struct jr *r, const char *key)
{
	size_t klen = strlen(key), start;
	int plain;

	if (r->s[r->pos] != '{')
		return -1;
	r->pos++;
	if (r->s[r->pos] == '}')
		return 0;
	for (;;) {
		start = r->pos + 1;
		if (read_string(r, &plain, NULL) != 0 || r->s[r->pos] != ':')
			return -1;
		r->pos++;
		if (r->pos - 2 - start == klen &&
		    memcmp(r->s + start, key, klen) == 0)
			return 1;
		if (read_value(r, 1, NULL) != 0)
			return -1;
		if (r->s[r->pos] == '}')
			return 0;
		if (r->s[r->pos] != ',')
			return -1;
		r->pos++;
	}
}

int fx_json_canonical_int(int64_t *out, const char *s, size_t len,
			  const char *key1, const char *key2)
{
	char why[64];
	struct jr r = { s, len, 0, 1, FX_JSON_CANONICAL_DEPTH, why,
			sizeof(why), NULL };
	size_t start;
	long long v;

	if (find_member(&r, key1) != 1 || find_member(&r, key2) != 1)
		return -1;
	start = r.pos;
	if (read_number(&r) != 0)
		return -1;
	errno = 0;
	v = strtoll(s + start, NULL, 10);
	if (errno)                    /* canonical, but beyond 64 bits */
		return -1;
	*out = v;
	return 0;
}

const fx_json_value *fx_json_parse(fx_arena *a, const char *text)
{
	struct jr r = { text, strlen(text), 0, 0, FX_JSON_TREE_DEPTH, NULL, 0,
			a };
	fx_json_value *v = NULL;

	if (read_value(&r, 1, &v) != 0)
		return NULL;
	skip_ws(&r);
	return r.s[r.pos] ? NULL : v;
}

/* ---- looking things up in a tree ---- */

const fx_json_value *fx_json_get(const fx_json_value *o, const char *key)
{
	const fx_json_value *m;

	if (!o || o->t != FX_JV_OBJ)
		return NULL;
	for (m = o->first; m; m = m->next)
		if (strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

const char *fx_json_get_str(const fx_json_value *o, const char *key)
{
	const fx_json_value *v = fx_json_get(o, key);

	return v && v->t == FX_JV_STR ? v->s : NULL;
}

uint64_t fx_json_get_uint(const fx_json_value *o, const char *key)
{
	const fx_json_value *v = fx_json_get(o, key);

	return v && v->t == FX_JV_NUM && v->s[0] != '-'
	       ? strtoull(v->s, NULL, 10) : 0;
}

int fx_json_get_true(const fx_json_value *o, const char *key)
{
	const fx_json_value *v = fx_json_get(o, key);

	return v && v->t == FX_JV_BOOL && v->b;
}

size_t fx_json_count(const fx_json_value *a)
{
	const fx_json_value *v;
	size_t n = 0;

	for (v = a && a->t == FX_JV_ARR ? a->first : NULL; v; v = v->next)
		n++;
	return n;
}
