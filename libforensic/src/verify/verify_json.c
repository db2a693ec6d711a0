/*
 * Findings and their words: adding findings and files to a result, the
 * names of kinds and references (the verdicts' are the vocabulary's:
 * base/types.c), and the result as one JSON
 * object, which is both what `verify --json` prints and what the case
 * database keeps as a verification's findings. The JSON is built in a
 * growing buffer; text that is not valid UTF-8 (a path is any bytes) is
 * written with \u00XX escapes so that the database's UTF-8 rule holds.
 * Everything here is linear in the files and findings of a result: files
 * are found by base name through a hash index in the verification's
 * context, arrays grow by doubling (a set can have tens of thousands of
 * files, and each was once looked up by a scan of all the others).
 * No threads.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "verify/verify_int.h"

const char *fx_verify_finding_kind_name(int kind)
{
	static const char *names[] = { "?", "hash", "file_hash", "window",
		"chunk", "size", "extra_file", "missing", "truncated",
		"not_image", "corrupt", "no_record", "no_reference",
		"read_error", "record", "interrupted" };

	return kind > 0 && kind < (int)(sizeof(names) / sizeof(names[0]))
		? names[kind] : "?";
}

const char *fx_verify_reference_name(int reference)
{
	switch (reference) {
	case FX_REF_CASEDB: return "casedb";
	case FX_REF_E01: return "e01";
	case FX_REF_SHA256_FILE: return "sha256_file";
	default: return "";
	}
}

const char *fx_verify_alg_label(unsigned alg)
{
	return alg == FX_HASH_MD5 ? "MD5" : alg == FX_HASH_SHA1 ? "SHA-1"
	       : alg == FX_HASH_SHA256 ? "SHA-256" : "?";
}

/* Whether an array grown only by doubling from 8 is full at n elements:
 * its length is 8, 16, 32, ... so it is full at 0 (nothing allocated),
 * then at every power of two from 8. Keeps appends linear in total
 * without a capacity field in the public result. */
static int full_at(size_t n)
{
	return n == 0 || (n >= 8 && (n & (n - 1)) == 0);
}

int fx_verify_add_finding(fx_verify_result *r, const fx_verify_finding *f)
{
	fx_verify_finding *n;

	if (r->nfindings >= FX_VERIFY_MAX_FINDINGS) {
		r->findings_dropped++;
		return 0;
	}
	if (full_at(r->nfindings)) {
		n = realloc(r->findings, (r->nfindings ? 2 * r->nfindings : 8) * sizeof(*n));
		if (!n)
			return fx_error_set(FX_ERROR, "out of memory for findings");
		r->findings = n;
	}
	n = &r->findings[r->nfindings];
	*n = *f;
	n->file = f->file ? strdup(f->file) : NULL;
	n->message = strdup(f->message ? f->message : "");
	if ((f->file && !n->file) || !n->message) {
		free(n->file);
		free(n->message);
		return fx_error_set(FX_ERROR, "out of memory for findings");
	}
	r->nfindings++;
	return 0;
}

fx_verify_finding *fx_verify_findf(fx_verify_result *r, int kind, int status,
				   int reference, const char *file,
				   const char *fmt, ...)
{
	fx_verify_finding f;
	char msg[2048];
	va_list ap;
	size_t before = r->nfindings;

	memset(&f, 0, sizeof(f));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f.kind = kind;
	f.status = status;
	f.reference = reference;
	f.file = (char *)(uintptr_t)file;
	f.message = msg;
	if (fx_verify_add_finding(r, &f) != 0 || r->nfindings == before)
		return NULL;
	return &r->findings[before];
}

/* The base name of path, as basename(3) has it (after the last '/',
 * trailing '/'s ignored), as a span of path: no copy. */
static const char *base_span(const char *path, size_t *len)
{
	size_t end = strlen(path), start;

	while (end > 1 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (start == end && end > 0)
		start--; /* "/" */
	*len = end - start;
	return path + start;
}

static size_t name_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return (size_t)h;
}

/* The slot of the file named name, or the free slot where it would go. */
static size_t *name_slot(fx_verify_ctx *c, const char *name, size_t len)
{
	size_t mask = c->by_name_cap - 1, i = name_hash(name, len) & mask, blen;
	const char *b;

	for (; c->by_name[i]; i = (i + 1) & mask) {
		b = base_span(c->r->files[c->by_name[i] - 1].path, &blen);
		if (blen == len && memcmp(b, name, len) == 0)
			break;
	}
	return &c->by_name[i];
}

/* Room in the index for one more file: doubled and refilled when it
 * would be more than half full. */
static int index_reserve(fx_verify_ctx *c)
{
	size_t cap = c->by_name_cap ? c->by_name_cap : 32, i, len;
	size_t *old = c->by_name, old_cap = c->by_name_cap;
	const char *b;

	if (c->by_name && 2 * (c->r->nfiles + 1) <= c->by_name_cap)
		return 0;
	while (2 * (c->r->nfiles + 1) > cap)
		cap *= 2;
	if (!(c->by_name = calloc(cap, sizeof(size_t)))) {
		c->by_name = old;
		return -1;
	}
	c->by_name_cap = cap;
	for (i = 0; i < old_cap; i++)
		if (old[i]) {
			b = base_span(c->r->files[old[i] - 1].path, &len);
			*name_slot(c, b, len) = old[i];
		}
	free(old);
	return 0;
}

fx_verify_file *fx_verify_file_find(fx_verify_ctx *c, const char *path)
{
	size_t len, slot;
	const char *name = base_span(path, &len);

	if (!c->by_name)
		return NULL;
	slot = *name_slot(c, name, len);
	return slot ? &c->r->files[slot - 1] : NULL;
}

fx_verify_file *fx_verify_file_slot(fx_verify_ctx *c, const char *path)
{
	fx_verify_result *r = c->r;
	fx_verify_file *f = fx_verify_file_find(c, path);
	size_t len;
	const char *name;

	if (f)
		return f;
	if (r->nfiles == c->files_cap) {
		size_t cap = c->files_cap ? 2 * c->files_cap : 8;

		if (!(f = realloc(r->files, cap * sizeof(*f))))
			return NULL;
		r->files = f;
		c->files_cap = cap;
	}
	if (index_reserve(c) != 0)
		return NULL;
	f = &r->files[r->nfiles];
	memset(f, 0, sizeof(*f));
	if (!(f->path = strdup(path)))
		return NULL;
	f->media_offset = -1;
	name = base_span(f->path, &len);
	*name_slot(c, name, len) = ++r->nfiles;
	return f;
}

void fx_verify_result_clear(fx_verify_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nfindings; i++) {
		free(r->findings[i].file);
		free(r->findings[i].message);
	}
	for (i = 0; i < r->nfiles; i++)
		free(r->files[i].path);
	free(r->findings);
	free(r->files);
	free(r->windows);
	memset(r, 0, sizeof(*r));
}

/* ---- JSON ---------------------------------------------------------------- */

typedef struct buf {
	char *p;
	size_t len, cap;
	int failed;
} buf;

static void put(buf *b, const char *s, size_t n)
{
	char *p;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			b->failed = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void putf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	put(b, tmp, n < 0 ? 0 : (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0. */
static int utf8_len(const unsigned char *s)
{
	int n, i;

	if (s[0] < 0x80)
		return 1;
	n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	if (s[0] >= 0xf8)
		n = 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
		return 0;
	if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
		return 0;
	return n;
}

static void str(buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	char esc[8];
	int n;

	put(b, "\"", 1);
	while (*p) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p++;
			put(b, esc, 2);
		} else if (*p < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p++);
			put(b, esc, 6);
		} else if ((n = utf8_len(p)) == 0) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p++);
			put(b, esc, 6);
		} else {
			put(b, (const char *)p, (size_t)n);
			p += n;
		}
	}
	put(b, "\"", 1);
}

static void key(buf *b, const char *k, int first)
{
	if (!first)
		put(b, ",", 1);
	str(b, k);
	put(b, ":", 1);
}

static void kv_str(buf *b, const char *k, const char *v)
{
	key(b, k, 0);
	str(b, v);
}

static void kv_u64(buf *b, const char *k, uint64_t v)
{
	key(b, k, 0);
	putf(b, "%llu", (unsigned long long)v);
}

/* {"md5":..,"sha1":..,"sha256":..} of the algorithms d has, or null. */
static void digests(buf *b, const fx_digests *d)
{
	unsigned alg;
	int first = 1;

	if (!d->algs) {
		put(b, "null", 4);
		return;
	}
	put(b, "{", 1);
	for (alg = FX_HASH_MD5; alg <= FX_HASH_SHA256; alg <<= 1) {
		if (!(d->algs & alg) || !fx_digests_get(d, alg)[0])
			continue;
		key(b, fx_hash_name(alg), first);
		str(b, fx_digests_get(d, alg));
		first = 0;
	}
	put(b, "}", 1);
}

static void opt_hash(buf *b, const char *k, const char *v)
{
	key(b, k, 0);
	if (v && *v)
		str(b, v);
	else
		put(b, "null", 4);
}

static void files_json(buf *b, const fx_verify_result *r)
{
	size_t i;

	put(b, ",\"files\":[", 10);
	for (i = 0; i < r->nfiles; i++) {
		const fx_verify_file *f = &r->files[i];

		put(b, i ? ",{" : "{", i ? 2 : 1);
		key(b, "path", 1);
		str(b, f->path);
		putf(b, ",\"present\":%s,\"in_set\":%s", f->present ? "true" : "false",
		     f->in_set ? "true" : "false");
		kv_u64(b, "size", f->size);
		opt_hash(b, "sha256", f->sha256);
		key(b, "recorded_size", 0);
		if (f->recorded)
			putf(b, "%llu", (unsigned long long)f->recorded_size);
		else
			put(b, "null", 4);
		opt_hash(b, "recorded_sha256", f->recorded_sha256);
		opt_hash(b, "listed_sha256", f->listed_sha256);
		key(b, "media_offset", 0);
		if (f->media_offset >= 0)
			putf(b, "%lld", (long long)f->media_offset);
		else
			put(b, "null", 4);
		put(b, "}", 1);
	}
	put(b, "]", 1);
}

static void finding_json(buf *b, const fx_verify_finding *f)
{
	put(b, "{", 1);
	key(b, "kind", 1);
	str(b, fx_verify_finding_kind_name(f->kind));
	kv_str(b, "status", fx_verdict_name(f->status));
	kv_str(b, "message", f->message);
	if (f->reference)
		kv_str(b, "reference", fx_verify_reference_name(f->reference));
	if (f->file)
		kv_str(b, "file", f->file);
	if (f->alg)
		kv_str(b, "algorithm", fx_hash_name(f->alg));
	if (f->expected[0])
		kv_str(b, "expected", f->expected);
	if (f->computed[0])
		kv_str(b, "computed", f->computed);
	if (f->kind == FX_FIND_FILE_HASH && f->length) {
		kv_u64(b, "offset", f->offset);
		kv_u64(b, "length", f->length);
	}
	if (f->kind == FX_FIND_WINDOW) {
		kv_u64(b, "offset", f->offset);
		kv_u64(b, "length", f->length);
		kv_u64(b, "windows", f->windows);
	}
	if (f->kind == FX_FIND_CHUNK) {
		kv_u64(b, "first_chunk", f->first_chunk);
		kv_u64(b, "chunks", f->chunks);
		kv_u64(b, "first_sector", f->first_sector);
		kv_u64(b, "sectors", f->sectors);
	}
	put(b, "}", 1);
}

static void references_json(buf *b, int refs)
{
	int ref, first = 1;

	put(b, ",\"references\":[", 15);
	for (ref = FX_REF_CASEDB; ref <= FX_REF_SHA256_FILE; ref <<= 1)
		if (refs & ref) {
			if (!first)
				put(b, ",", 1);
			str(b, fx_verify_reference_name(ref));
			first = 0;
		}
	put(b, "]", 1);
}

int fx_verify_result_json(char **out, const fx_verify_result *r)
{
	static const char *formats[] = { NULL, "raw", "split-raw", "e01" };
	buf b = { NULL, 0, 0, 0 };
	size_t i;

	*out = NULL;
	put(&b, "{", 1);
	key(&b, "status", 1);
	str(&b, fx_verdict_name(r->status));
	kv_str(&b, "image", r->path);
	key(&b, "format", 0);
	if (r->format >= FX_IMAGE_RAW && r->format <= FX_IMAGE_E01)
		str(&b, formats[r->format]);
	else
		put(&b, "null", 4);
	kv_u64(&b, "size", r->size);
	kv_u64(&b, "bytes", r->bytes);
	kv_u64(&b, "sector_size", r->sector_size);
	putf(&b, ",\"hashed\":%s", r->hashed ? "true" : "false");
	put(&b, ",\"computed\":", 12);
	digests(&b, &r->computed);
	put(&b, ",\"expected\":{\"casedb\":", 22);
	digests(&b, &r->expected_casedb);
	put(&b, ",\"e01\":", 7);
	digests(&b, &r->expected_e01);
	put(&b, "}", 1);
	references_json(&b, r->references);
	putf(&b, ",\"acquisition_id\":%lld,\"evidence_id\":%lld",
	     (long long)r->acquisition_id, (long long)r->evidence_id);
	kv_str(&b, "case", r->case_number);
	kv_str(&b, "evidence", r->evidence_number);
	kv_u64(&b, "recorded_bytes", r->recorded_bytes);
	kv_str(&b, "sha256_file", r->sha256_file);
	files_json(&b, r);
	putf(&b, ",\"windows\":{\"size\":%llu,\"count\":%zu}",
	     (unsigned long long)r->window_size, r->nwindows);
	put(&b, ",\"findings\":[", 13);
	for (i = 0; i < r->nfindings; i++) {
		if (i)
			put(&b, ",", 1);
		finding_json(&b, &r->findings[i]);
	}
	put(&b, "]", 1);
	kv_u64(&b, "findings_dropped", r->findings_dropped);
	putf(&b, ",\"elapsed_s\":%.3f", r->elapsed_s);
	if (r->verification_id)
		putf(&b, ",\"verification_id\":%lld", (long long)r->verification_id);
	put(&b, "}", 1);
	if (b.failed) {
		free(b.p);
		return fx_error_set(FX_ERROR, "out of memory for the JSON result");
	}
	*out = b.p;
	return 0;
}
