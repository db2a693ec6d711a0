/*
 * Canonical JSON for the audit log: a writer and a checker.
 *
 * The audit chain hashes JSON text, so the text must be one well-defined
 * function of the data that a third party can reproduce with any JSON
 * library: objects with keys in increasing byte order, no whitespace,
 * integers only (no fractions or exponents), strings in UTF-8 with the
 * shortest RFC 8259 escapes (\" \\ \b \f \n \r \t, other controls as \u00xx
 * in lowercase hex, nothing else escaped). For our data this is RFC 8785
 * (JCS), and Python's json.dumps(obj, sort_keys=True, separators=(",", ":"),
 * ensure_ascii=False) gives the same bytes.
 *
 * The writer refuses keys out of order instead of sorting, so the order is
 * visible in the code that writes each event; the checker makes the audit
 * check refuse content that a different writer could have serialized
 * differently.
 *
 * Cost: the audit check runs the checker, the member lookup and a writer in
 * compare mode over every event's content, and one event (the finish of an
 * acquisition of a million files) can hold a hundred megabytes. So each of
 * them is one pass over the text with nothing re-scanned (the length is
 * passed, never recomputed per character), and compare mode checks the
 * bytes as they are written instead of keeping a second copy.
 *
 * Threading: no shared state; an fx_json belongs to its caller.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casedb/casedb_int.h"
#include "base/error.h"

void fx_json_init(fx_json *j)
{
	memset(j, 0, sizeof(*j));
}

void fx_json_free(fx_json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

void fx_json_init_compare(fx_json *j, const char *expect, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->expect = expect;
	j->expect_len = len;
}

int fx_json_matches(const fx_json *j)
{
	return !j->err && !j->differs && j->len == j->expect_len;
}

/* Compare mode: the bytes are checked against expect and not kept. */
static void put_compare(fx_json *j, const char *s, size_t n)
{
	if (j->differs || n > j->expect_len - j->len ||
	    memcmp(j->expect + j->len, s, n) != 0) {
		j->differs = 1;
		return;
	}
	j->len += n;
}

static void put(fx_json *j, const char *s, size_t n)
{
	char *nb;
	size_t ncap;

	if (j->err)
		return;
	if (j->expect) {
		put_compare(j, s, n);
		return;
	}
	if (j->len + n + 1 > j->cap) {
		ncap = j->cap ? j->cap : 256;
		while (ncap < j->len + n + 1)
			ncap *= 2;
		nb = realloc(j->buf, ncap);
		if (!nb) {
			j->err = fx_error_set(FX_ERROR, "out of memory "
					      "building JSON (%zu bytes)", ncap);
			return;
		}
		j->buf = nb;
		j->cap = ncap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

/* Comma and bookkeeping before a value (or a key, in an object). */
static void before_value(fx_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0 && j->count[j->depth - 1]++ > 0)
		put(j, ",", 1);
}

static void open_level(fx_json *j, char c)
{
	if (j->err)
		return;
	before_value(j);
	if (j->depth == FX_JSON_DEPTH) {
		j->err = fx_error_set(FX_ERROR, "JSON nested too deep");
		return;
	}
	j->count[j->depth] = 0;
	j->last_key[j->depth] = NULL;
	j->depth++;
	put(j, &c, 1);
}

static void close_level(fx_json *j, char c)
{
	if (j->err)
		return;
	j->depth--;
	put(j, &c, 1);
}

void fx_json_object_begin(fx_json *j)
{
	open_level(j, '{');
}

void fx_json_object_end(fx_json *j)
{
	close_level(j, '}');
}

void fx_json_array_begin(fx_json *j)
{
	open_level(j, '[');
}

void fx_json_array_end(fx_json *j)
{
	close_level(j, ']');
}

static void put_string(fx_json *j, const char *s, size_t len)
{
	static const char short_esc[] = "btn\0fr";
	char esc[8];
	size_t i, run = 0;

	put(j, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(j, s + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(j, esc, 2);
		} else if (c >= 8 && c <= 13 && short_esc[c - 8]) {
			esc[0] = '\\';
			esc[1] = short_esc[c - 8];
			put(j, esc, 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(j, esc, 6);
		}
	}
	put(j, s + run, len - run);
	put(j, "\"", 1);
}

void fx_json_key(fx_json *j, const char *key)
{
	const char **last;

	if (j->err)
		return;
	last = &j->last_key[j->depth - 1];
	if (*last && strcmp(*last, key) >= 0) {
		j->err = fx_error_set(FX_ERROR, "internal: JSON key \"%s\" "
				      "written after \"%s\"", key, *last);
		return;
	}
	*last = key;
	before_value(j);
	put_string(j, key, strlen(key));
	put(j, ":", 1);
	j->after_key = 1;
}

void fx_json_string(fx_json *j, const char *s, size_t len)
{
	if (j->err)
		return;
	if (fx_utf8_check(s, len) != 0) {
		j->err = fx_error_set(FX_EUSAGE, "text is not valid UTF-8: "
				      "\"%.60s\"", s);
		return;
	}
	before_value(j);
	put_string(j, s, len);
}

void fx_json_cstring(fx_json *j, const char *s)
{
	if (!s)
		fx_json_null(j);
	else
		fx_json_string(j, s, strlen(s));
}

void fx_json_int(fx_json *j, int64_t v)
{
	char num[24];
	int n;

	if (j->err)
		return;
	before_value(j);
	n = snprintf(num, sizeof(num), "%lld", (long long)v);
	put(j, num, (size_t)n);
}

void fx_json_null(fx_json *j)
{
	if (j->err)
		return;
	before_value(j);
	put(j, "null", 4);
}

void fx_json_raw(fx_json *j, const char *text)
{
	if (j->err)
		return;
	before_value(j);
	put(j, text, strlen(text));
}

static void row_value(fx_json *j, sqlite3_stmt *st, int col)
{
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		fx_json_int(j, sqlite3_column_int64(st, col));
		break;
	case SQLITE_TEXT:
		fx_json_string(j, (const char *)sqlite3_column_text(st, col),
			       (size_t)sqlite3_column_bytes(st, col));
		break;
	case SQLITE_NULL:
		fx_json_null(j);
		break;
	default:
		if (!j->err)
			j->err = fx_error_set(FX_ECORRUPT, "column %s holds "
					      "neither an integer nor text",
					      sqlite3_column_name(st, col));
	}
}

void fx_json_row(fx_json *j, sqlite3_stmt *st)
{
	int order[64], n = sqlite3_column_count(st), i, k;

	if (n > 64) {
		j->err = fx_error_set(FX_ERROR, "internal: row too wide");
		return;
	}
	for (i = 0; i < n; i++) {   /* insertion sort of column names */
		for (k = i; k > 0 && strcmp(sqlite3_column_name(st, order[k - 1]),
					    sqlite3_column_name(st, i)) > 0; k--)
			order[k] = order[k - 1];
		order[k] = i;
	}
	fx_json_object_begin(j);
	for (i = 0; i < n; i++) {
		fx_json_key(j, sqlite3_column_name(st, order[i]));
		row_value(j, st, order[i]);
	}
	fx_json_object_end(j);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

int fx_utf8_check(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		n = utf8_seq(p + i, len - i);
		if (n == 0)
			return -1;
		i += n;
	}
	return 0;
}

/* ---- the checker: a strict recursive-descent reader ---- */

struct cj {
	const char *s;
	size_t len;       /* of s; s[len] is the terminating NUL */
	size_t pos;
	char *why;
	size_t why_size;
};

static int cj_fail(struct cj *c, const char *what)
{
	snprintf(c->why, c->why_size, "%s at byte %zu", what, c->pos);
	return -1;
}

static int cj_value(struct cj *c, int depth);

/* A string; sets *plain if it has no escapes (required for keys). */
static int cj_string(struct cj *c, int *plain)
{
	const unsigned char *p = (const unsigned char *)c->s;
	size_t n;

	*plain = 1;
	if (p[c->pos] != '"')
		return cj_fail(c, "string expected");
	c->pos++;
	for (;;) {
		unsigned char ch = p[c->pos];

		if (ch == '"') {
			c->pos++;
			return 0;
		}
		if (ch < 0x20)
			return cj_fail(c, "unescaped control character");
		if (ch == '\\') {
			const char *e = c->s + c->pos + 1;

			*plain = 0;
			if (strchr("\"\\bfnrt", *e) && *e) {
				c->pos += 2;
				continue;
			}
			if (strncmp(e, "u00", 3) == 0 && strchr("01", e[3]) &&
			    e[3] && e[4] && strchr("0123456789abcdef", e[4]) &&
			    !(e[3] == '0' && strchr("89acd", e[4]))) {
				c->pos += 6;
				continue;
			}
			return cj_fail(c, "escape not in canonical form");
		}
		n = utf8_seq(p + c->pos, c->len - c->pos);
		if (n == 0)
			return cj_fail(c, "invalid UTF-8");
		c->pos += n;
	}
}

static int cj_number(struct cj *c)
{
	const char *p = c->s + c->pos;
	size_t n = 0;

	if (p[0] == '-')
		n++;
	if (p[n] == '0') {
		if (n == 1)
			return cj_fail(c, "negative zero");
		n++;
	} else if (p[n] >= '1' && p[n] <= '9') {
		while (p[n] >= '0' && p[n] <= '9')
			n++;
	} else {
		return cj_fail(c, "value expected");
	}
	if (p[n] == '.' || p[n] == 'e' || p[n] == 'E' ||
	    (p[n] >= '0' && p[n] <= '9'))
		return cj_fail(c, "number not a canonical integer");
	c->pos += n;
	return 0;
}

/* Byte order of two keys given as spans (without the quotes). */
static int key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r != 0)
		return r;
	return alen < blen ? -1 : alen > blen;
}

static int cj_object(struct cj *c, int depth)
{
	size_t last = 0, last_len = 0, key, key_len;
	int plain, first = 1;

	c->pos++;
	if (c->s[c->pos] == '}') {
		c->pos++;
		return 0;
	}
	for (;;) {
		key = c->pos + 1;
		if (cj_string(c, &plain) != 0)
			return -1;
		key_len = c->pos - 1 - key;
		if (!plain)
			return cj_fail(c, "escaped character in a key");
		if (!first && key_cmp(c->s + last, last_len, c->s + key,
				      key_len) >= 0)
			return cj_fail(c, "keys out of order");
		first = 0;
		last = key;
		last_len = key_len;
		if (c->s[c->pos] != ':')
			return cj_fail(c, "':' expected");
		c->pos++;
		if (cj_value(c, depth + 1) != 0)
			return -1;
		if (c->s[c->pos] == '}') {
			c->pos++;
			return 0;
		}
		if (c->s[c->pos] != ',')
			return cj_fail(c, "',' or '}' expected");
		c->pos++;
	}
}

static int cj_array(struct cj *c, int depth)
{
	c->pos++;
	if (c->s[c->pos] == ']') {
		c->pos++;
		return 0;
	}
	for (;;) {
		if (cj_value(c, depth + 1) != 0)
			return -1;
		if (c->s[c->pos] == ']') {
			c->pos++;
			return 0;
		}
		if (c->s[c->pos] != ',')
			return cj_fail(c, "',' or ']' expected");
		c->pos++;
	}
}

static int cj_value(struct cj *c, int depth)
{
	const char *p = c->s + c->pos;
	int plain;

	if (depth > FX_JSON_DEPTH)
		return cj_fail(c, "nested too deep");
	switch (*p) {
	case '{':
		return cj_object(c, depth);
	case '[':
		return cj_array(c, depth);
	case '"':
		return cj_string(c, &plain);
	case 't':
	case 'f':
	case 'n':
		if (strncmp(p, "true", 4) == 0 || strncmp(p, "null", 4) == 0) {
			c->pos += 4;
			return 0;
		}
		if (strncmp(p, "false", 5) == 0) {
			c->pos += 5;
			return 0;
		}
		return cj_fail(c, "value expected");
	default:
		return cj_number(c);
	}
}

int fx_cjson_check(const char *s, size_t len, char *why, size_t why_size)
{
	struct cj c = { s, len, 0, why, why_size };

	if (s[0] != '{')
		return cj_fail(&c, "object expected");
	if (cj_value(&c, 1) != 0)
		return -1;
	if (c.pos != len)
		return cj_fail(&c, "text after the object");
	return 0;
}

/* The member key of the object at c->pos: 1 and c->pos at its value, 0 if
 * the object has no such member, -1 if the text is not canonical JSON. */
static int cj_find_member(struct cj *c, const char *key)
{
	size_t klen = strlen(key), start;
	int plain;

	if (c->s[c->pos] != '{')
		return -1;
	c->pos++;
	if (c->s[c->pos] == '}')
		return 0;
	for (;;) {
		start = c->pos + 1;
		if (cj_string(c, &plain) != 0 || c->s[c->pos] != ':')
			return -1;
		c->pos++;
		if (c->pos - 2 - start == klen &&
		    memcmp(c->s + start, key, klen) == 0)
			return 1;
		if (cj_value(c, 1) != 0)
			return -1;
		if (c->s[c->pos] == '}')
			return 0;
		if (c->s[c->pos] != ',')
			return -1;
		c->pos++;
	}
}

int fx_cjson_member_int(int64_t *out, const char *s, size_t len,
			const char *key1, const char *key2)
{
	char why[64];
	struct cj c = { s, len, 0, why, sizeof(why) };
	size_t start;
	long long v;

	if (cj_find_member(&c, key1) != 1 || cj_find_member(&c, key2) != 1)
		return -1;
	start = c.pos;
	if (cj_number(&c) != 0)
		return -1;
	errno = 0;
	v = strtoll(s + start, NULL, 10);
	if (errno)                    /* canonical, but beyond 64 bits */
		return -1;
	*out = v;
	return 0;
}
