/*
 * A small JSON reader for the report: the findings `verify` records and an
 * acquisition's parameters are JSON, and the text and HTML reports state
 * them in words (report_findings.c). Reads a whole text into a tree of
 * values in memory kept by an fx_rpt_mem (one allocation list, freed at
 * once); strings are decoded (\\u escapes to UTF-8, a lone surrogate to
 * U+FFFD, \\u0000 refused), numbers kept as their text; nesting deeper
 * than 32 is refused. Linear in the text; lookups walk an object's
 * members (objects here are small).
 *
 * Threading: none; a tree belongs to its fx_rpt_mem.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

static char *dup_n(struct fx_rpt_mem *m, const char *s, size_t n)
{
	char *p = fx_rpt_mem_alloc(m, n + 1);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* ---- memory ---- */

void *fx_rpt_mem_keep(struct fx_rpt_mem *m, void *p)
{
	void **n;

	if (!p) {
		m->failed = 1;
		return NULL;
	}
	if (m->n == m->cap) {
		n = realloc(m->p, (m->cap ? m->cap * 2 : 32) * sizeof(*n));
		if (!n) {
			free(p);
			m->failed = 1;
			return NULL;
		}
		m->p = n;
		m->cap = m->cap ? m->cap * 2 : 32;
	}
	m->p[m->n++] = p;
	return p;
}

void *fx_rpt_mem_alloc(struct fx_rpt_mem *m, size_t size)
{
	return fx_rpt_mem_keep(m, calloc(1, size ? size : 1));
}

void fx_rpt_mem_free(struct fx_rpt_mem *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->p[i]);
	free(m->p);
	memset(m, 0, sizeof(*m));
}

/* ---- reading ---- */

struct jp {
	const char *p;
	struct fx_rpt_mem *m;
	int bad;
};

#define J_DEPTH 32

static void ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A \u escape at p (after the backslash and u): its code point, with a
 * surrogate pair joined; a lone surrogate is U+FFFD. */
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
		*cp = 0xFFFD;
	return p;
}

/* The string at j->p (at the opening quote), decoded. It can only be
 * shorter than its JSON form, so one buffer of that size holds it. */
static const char *jstring(struct jp *j)
{
	const char *p = j->p + 1, *end = p;
	char *out, *o;
	uint32_t cp;

	while (*end && *end != '"')
		end += *end == '\\' && end[1] ? 2 : 1;
	if (*end != '"' || !(out = fx_rpt_mem_alloc(j->m, (size_t)(end - p) + 1)))
		goto bad;
	for (o = out; p < end;) {
		if ((unsigned char)*p < 0x20)
			goto bad;
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		switch (p[1]) {
		case '"': case '\\': case '/': *o++ = p[1]; p += 2; continue;
		case 'b': *o++ = '\b'; p += 2; continue;
		case 'f': *o++ = '\f'; p += 2; continue;
		case 'n': *o++ = '\n'; p += 2; continue;
		case 'r': *o++ = '\r'; p += 2; continue;
		case 't': *o++ = '\t'; p += 2; continue;
		case 'u':
			if (!(p = unicode_escape(p + 2, &cp)) || cp == 0)
				goto bad;
			o += fx_rpt_utf8_put(o, cp);
			continue;
		default:
			goto bad;
		}
	}
	*o = '\0';
	j->p = end + 1;
	return out;
bad:
	j->bad = 1;
	return NULL;
}

static struct fx_rpt_jv *jvalue(struct jp *j, int depth);

/* The members of an object or the elements of an array, up to close. */
static void jitems(struct jp *j, struct fx_rpt_jv *v, char close, int depth)
{
	struct fx_rpt_jv **tail = &v->first, *item;
	const char *key = NULL;

	j->p++;
	ws(j);
	if (*j->p == close) {
		j->p++;
		return;
	}
	for (;;) {
		ws(j);
		if (close == '}') {
			if (*j->p != '"' || !(key = jstring(j)))
				break;
			ws(j);
			if (*j->p != ':')
				break;
			j->p++;
		}
		if (!(item = jvalue(j, depth + 1)))
			break;
		item->key = key;
		*tail = item;
		tail = &item->next;
		ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p == close) {
			j->p++;
			return;
		}
		break;
	}
	j->bad = 1;
}

static int word(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(j->p, w, n) != 0)
		return 0;
	j->p += n;
	return 1;
}

static struct fx_rpt_jv *jvalue(struct jp *j, int depth)
{
	struct fx_rpt_jv *v;
	const char *start;

	ws(j);
	if (j->bad || depth > J_DEPTH || !(v = fx_rpt_mem_alloc(j->m, sizeof(*v)))) {
		j->bad = 1;
		return NULL;
	}
	start = j->p;
	if (*j->p == '{' || *j->p == '[') {
		v->t = *j->p == '{' ? FX_JV_OBJ : FX_JV_ARR;
		jitems(j, v, *j->p == '{' ? '}' : ']', depth);
	} else if (*j->p == '"') {
		v->t = FX_JV_STR;
		v->s = jstring(j);
	} else if (word(j, "true") || word(j, "false")) {
		v->t = FX_JV_BOOL;
		v->b = *start == 't';
	} else if (word(j, "null")) {
		v->t = FX_JV_NULL;
	} else if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
		v->t = FX_JV_NUM;
		j->p += strspn(j->p, "-+.eE0123456789");
		v->s = dup_n(j->m, start, (size_t)(j->p - start));
	} else {
		j->bad = 1;
	}
	return j->bad ? NULL : v;
}

const struct fx_rpt_jv *fx_rpt_jparse(struct fx_rpt_mem *m, const char *text)
{
	struct jp j = { text, m, 0 };
	struct fx_rpt_jv *v = jvalue(&j, 0);

	ws(&j);
	return v && !j.bad && !*j.p ? v : NULL;
}

const struct fx_rpt_jv *fx_rpt_jget(const struct fx_rpt_jv *o, const char *key)
{
	const struct fx_rpt_jv *m;

	if (!o || o->t != FX_JV_OBJ)
		return NULL;
	for (m = o->first; m; m = m->next)
		if (strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

const char *fx_rpt_jstr(const struct fx_rpt_jv *o, const char *key)
{
	const struct fx_rpt_jv *v = fx_rpt_jget(o, key);

	return v && v->t == FX_JV_STR ? v->s : NULL;
}

uint64_t fx_rpt_jnum(const struct fx_rpt_jv *o, const char *key)
{
	const struct fx_rpt_jv *v = fx_rpt_jget(o, key);

	return v && v->t == FX_JV_NUM && v->s[0] != '-' ? strtoull(v->s, NULL, 10)
						   : 0;
}

int fx_rpt_jtrue(const struct fx_rpt_jv *o, const char *key)
{
	const struct fx_rpt_jv *v = fx_rpt_jget(o, key);

	return v && v->t == FX_JV_BOOL && v->b;
}

size_t fx_rpt_jcount(const struct fx_rpt_jv *a)
{
	const struct fx_rpt_jv *v;
	size_t n = 0;

	for (v = a && a->t == FX_JV_ARR ? a->first : NULL; v; v = v->next)
		n++;
	return n;
}
