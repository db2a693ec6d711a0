/*
 * The JSON writer (forensic/json.h, base/json.h): one state machine for
 * commas, keys, nesting and indentation, one string escaper with four
 * rules, and three places the bytes go: memory, a stream, or (for the
 * audit check) a comparison with text already written.
 *
 * Why four text rules: the canonical rule is what the audit chain hashes,
 * so it can never change; the report, the verification result and the
 * tools' summaries each wrote their own escapes before there was one
 * writer, and their output is kept byte for byte (JSON readers see the
 * same strings either way, except where the BYTES rule passes on bytes
 * that are not UTF-8). One difference: the verification result's own
 * UTF-8 test took a lead byte F5 to F7 with two continuation bytes for a
 * character and passed it on, so that the result was not UTF-8 (and the
 * case database refused to record it); with the one decoder those bytes
 * are \u00XX escapes like every other byte that is not UTF-8.
 *
 * Cost: the audit check writes every event's content again in compare
 * mode, and one event can hold a hundred megabytes; a string is copied in
 * runs between the bytes that need escaping, and compare mode checks the
 * bytes as they are written instead of keeping a copy.
 *
 * Threading: no shared state; a writer belongs to its caller.
 */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/json.h"
#include "base/utf8.h"
#include "base/vec.h"

void fx_json_init(fx_json *j, unsigned flags, FILE *stream)
{
	memset(j, 0, sizeof(*j));
	j->flags = flags;
	j->stream = stream;
}

void fx_json_init_compare(fx_json *j, const char *expect, size_t len)
{
	fx_json_init(j, FX_JSON_CANONICAL, NULL);
	j->expect = expect;
	j->expect_len = len;
}

int fx_json_matches(const fx_json *j)
{
	return !j->err && !j->differs && j->len == j->expect_len;
}

void fx_json_clear(fx_json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

int fx_json_new(fx_json **out, unsigned flags, FILE *stream)
{
	FX_CHECK_ARG(out);
	*out = malloc(sizeof(**out));
	if (!*out)
		return fx_error_set(FX_ERROR, "out of memory for a JSON writer");
	fx_json_init(*out, flags, stream);
	return 0;
}

void fx_json_free(fx_json *j)
{
	if (!j)
		return;
	fx_json_clear(j);
	free(j);
}

int fx_json_text(const fx_json *j, const char **text, size_t *len)
{
	if (text)
		*text = j->err || j->stream ? NULL : j->buf ? j->buf : "";
	if (len)
		*len = j->len;
	return j->err;
}

/* ---- where the bytes go ---- */

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
	if (j->err || n == 0)
		return;
	if (j->expect) {
		put_compare(j, s, n);
		return;
	}
	if (j->stream) {
		fwrite(s, 1, n, j->stream);
		j->len += n;
		return;
	}
	if (n > SIZE_MAX - 1 - j->len ||
	    FX_VEC_RESERVE(j->buf, j->cap, j->len + n + 1) != 0) {
		j->err = fx_error_set(FX_ERROR, "out of memory building JSON "
				      "(%zu bytes)", j->len + n);
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

/* A line break and the indentation of level (pretty layout). */
static void put_break(fx_json *j, int level)
{
	static const char spaces[] = "                                ";
	size_t n = 2 * (size_t)level, k;

	put(j, "\n", 1);
	for (; n > 0; n -= k) {
		k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		put(j, spaces, k);
	}
}

/* ---- structure ---- */

/* The separator before a value (or before a key, in an object). */
static void before_value(fx_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth == 0)
		return;
	if (j->count[j->depth - 1]++ > 0)
		put(j, ",", 1);
	if (j->flags & FX_JSON_PRETTY)
		put_break(j, j->depth);
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
	if (j->depth == 0) {
		j->err = fx_error_set(FX_ERROR, "internal: JSON closed more "
				      "often than opened");
		return;
	}
	j->depth--;
	if ((j->flags & FX_JSON_PRETTY) && j->count[j->depth] > 0)
		put_break(j, j->depth);
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

/* ---- text ---- */

/* The escape of byte c, which put_text found cannot stand as it is. */
static void put_escape(fx_json *j, unsigned char c, unsigned rule)
{
	/* the short escapes of 0x08 to 0x0d, per rule; 0: \u00xx */
	static const char shorts[4][6] = {
		[FX_JSON_TEXT_STRICT >> 2] = "btn\0fr",
		[FX_JSON_TEXT_REPLACE >> 2] = "btn\0fr",
		[FX_JSON_TEXT_LATIN1 >> 2] = "",
		[FX_JSON_TEXT_BYTES >> 2] = "\0tn\0\0r",
	};
	char esc[8];

	if (c == '"' || c == '\\') {
		esc[0] = '\\';
		esc[1] = (char)c;
		put(j, esc, 2);
	} else if (c >= 8 && c <= 13 && shorts[rule >> 2][c - 8]) {
		esc[0] = '\\';
		esc[1] = shorts[rule >> 2][c - 8];
		put(j, esc, 2);
	} else if (c >= 0x80 && rule == FX_JSON_TEXT_REPLACE) {
		put(j, "\xef\xbf\xbd", 3);   /* U+FFFD */
	} else {
		snprintf(esc, sizeof(esc), "\\u%04x", c);
		put(j, esc, 6);
	}
}

/* s as a JSON string under the writer's text rule, copied in runs
 * between the bytes that are escaped. STRICT text was checked before, and
 * BYTES keeps every byte from 0x80 up, so only REPLACE and LATIN1 decode
 * UTF-8 here. */
static void put_text(fx_json *j, const char *s, size_t len)
{
	unsigned rule = j->flags & FX_JSON_TEXT_MASK;
	int keep_high = rule == FX_JSON_TEXT_STRICT || rule == FX_JSON_TEXT_BYTES;
	size_t i = 0, run = 0, n;
	unsigned char c;

	put(j, "\"", 1);
	while (i < len) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && (c < 0x80 || keep_high)) {
			i++;
			continue;
		}
		if (c >= 0x80 && (n = fx_utf8_decode(NULL, s + i, len - i)) > 0) {
			i += n;
			continue;
		}
		put(j, s + run, i - run);
		put_escape(j, c, rule);
		run = ++i;
	}
	put(j, s + run, len - run);
	put(j, "\"", 1);
}

void fx_json_key(fx_json *j, const char *key)
{
	const char **last;

	if (j->err)
		return;
	if (j->depth == 0 || j->after_key) {
		j->err = fx_error_set(FX_ERROR, "internal: JSON key \"%s\" "
				      "outside an object", key);
		return;
	}
	last = &j->last_key[j->depth - 1];
	if ((j->flags & FX_JSON_SORTED) && *last && strcmp(*last, key) >= 0) {
		j->err = fx_error_set(FX_ERROR, "internal: JSON key \"%s\" "
				      "written after \"%s\"", key, *last);
		return;
	}
	*last = key;
	before_value(j);
	put_text(j, key, strlen(key));
	if (j->flags & FX_JSON_PRETTY)
		put(j, ": ", 2);
	else
		put(j, ":", 1);
	j->after_key = 1;
}

void fx_json_string(fx_json *j, const char *s, size_t len)
{
	if (j->err)
		return;
	if ((j->flags & FX_JSON_TEXT_MASK) == FX_JSON_TEXT_STRICT &&
	    fx_utf8_check(s, len) != 0) {
		j->err = fx_error_set(FX_EUSAGE, "text is not valid UTF-8: "
				      "\"%.60s\"", s);
		return;
	}
	before_value(j);
	put_text(j, s, len);
}

void fx_json_cstring(fx_json *j, const char *s)
{
	if (!s)
		fx_json_null(j);
	else
		fx_json_string(j, s, strlen(s));
}

/* ---- other values ---- */

void fx_json_raw(fx_json *j, const char *text)
{
	if (j->err)
		return;
	before_value(j);
	put(j, text, strlen(text));
}

void fx_json_int(fx_json *j, int64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", (long long)v);
	fx_json_raw(j, num);
}

void fx_json_uint(fx_json *j, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	fx_json_raw(j, num);
}

void fx_json_bool(fx_json *j, int v)
{
	fx_json_raw(j, v ? "true" : "false");
}

void fx_json_null(fx_json *j)
{
	fx_json_raw(j, "null");
}

/* ---- members: a key and its value ---- */

static void member(fx_json *j, const char *key)
{
	if (key)
		fx_json_key(j, key);
}

void fx_json_member_string(fx_json *j, const char *key, const char *s)
{
	member(j, key);
	fx_json_cstring(j, s);
}

void fx_json_member_int(fx_json *j, const char *key, int64_t v)
{
	member(j, key);
	fx_json_int(j, v);
}

void fx_json_member_uint(fx_json *j, const char *key, uint64_t v)
{
	member(j, key);
	fx_json_uint(j, v);
}

void fx_json_member_bool(fx_json *j, const char *key, int v)
{
	member(j, key);
	fx_json_bool(j, v);
}
