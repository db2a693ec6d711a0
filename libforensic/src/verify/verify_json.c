/*
 * Findings and their words: adding findings and files to a result, the
 * names of kinds and references (the verdicts' are the vocabulary's:
 * base/types.c), and the result as one JSON
 * object, which is both what `verify --json` prints and what the case
 * database keeps as a verification's findings. The JSON is base/json's
 * writer, compact, keys in the order below; text that is not valid UTF-8
 * (a path is any bytes) is written with \u00XX escapes
 * (FX_JSON_TEXT_LATIN1) so that the database's UTF-8 rule holds.
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
#include "base/json.h"
#include "base/vec.h"
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

int fx_verify_add_finding(fx_verify_result *r, const fx_verify_finding *f)
{
	fx_verify_finding *n;
	size_t cap = fx_vec_cap_of(r->nfindings);   /* no capacity field in
						     * the public result */

	if (r->nfindings >= FX_VERIFY_MAX_FINDINGS) {
		r->findings_dropped++;
		return 0;
	}
	if (FX_VEC_RESERVE(r->findings, cap, r->nfindings + 1) != 0)
		return fx_error_set(FX_ERROR, "out of memory for findings");
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
	if (FX_VEC_RESERVE(r->files, c->files_cap, r->nfiles + 1) != 0)
		return NULL;
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
	free(r->bad);
	free(r->path);
	free(r->case_number);
	free(r->evidence_number);
	free(r->sha256_file);
	memset(r, 0, sizeof(*r));
}

/* ---- JSON ---------------------------------------------------------------- */

/* Text as the result has always had it: NULL is "". */
static void kv_str(fx_json *j, const char *k, const char *v)
{
	fx_json_member_string(j, k, v ? v : "");
}

/* {"md5":..,"sha1":..,"sha256":..} of the algorithms d has, or null. */
static void digests(fx_json *j, const char *k, const fx_digests *d)
{
	unsigned alg;

	fx_json_key(j, k);
	if (!d->algs) {
		fx_json_null(j);
		return;
	}
	fx_json_object_begin(j);
	for (alg = FX_HASH_MD5; alg <= FX_HASH_SHA256; alg <<= 1)
		if ((d->algs & alg) && fx_digests_get(d, alg)[0])
			kv_str(j, fx_hash_name(alg), fx_digests_get(d, alg));
	fx_json_object_end(j);
}

/* A hash, or null when there is none. */
static void opt_hash(fx_json *j, const char *k, const char *v)
{
	fx_json_key(j, k);
	if (v && *v)
		fx_json_cstring(j, v);
	else
		fx_json_null(j);
}

static void file_json(fx_json *j, const fx_verify_file *f)
{
	fx_json_object_begin(j);
	kv_str(j, "path", f->path);
	fx_json_member_bool(j, "present", f->present);
	fx_json_member_bool(j, "in_set", f->in_set);
	fx_json_member_uint(j, "size", f->size);
	opt_hash(j, "sha256", f->sha256);
	fx_json_key(j, "recorded_size");
	if (f->recorded)
		fx_json_uint(j, f->recorded_size);
	else
		fx_json_null(j);
	opt_hash(j, "recorded_sha256", f->recorded_sha256);
	opt_hash(j, "listed_sha256", f->listed_sha256);
	fx_json_key(j, "media_offset");
	if (f->media_offset >= 0)
		fx_json_int(j, f->media_offset);
	else
		fx_json_null(j);
	fx_json_object_end(j);
}

static void finding_json(fx_json *j, const fx_verify_finding *f)
{
	fx_json_object_begin(j);
	kv_str(j, "kind", fx_verify_finding_kind_name(f->kind));
	kv_str(j, "status", fx_verdict_name(f->status));
	kv_str(j, "message", f->message);
	if (f->reference)
		kv_str(j, "reference", fx_verify_reference_name(f->reference));
	if (f->file)
		kv_str(j, "file", f->file);
	if (f->alg)
		kv_str(j, "algorithm", fx_hash_name(f->alg));
	if (f->expected[0])
		kv_str(j, "expected", f->expected);
	if (f->computed[0])
		kv_str(j, "computed", f->computed);
	if (f->kind == FX_FIND_FILE_HASH && f->length) {
		fx_json_member_uint(j, "offset", f->offset);
		fx_json_member_uint(j, "length", f->length);
	}
	if (f->kind == FX_FIND_WINDOW) {
		fx_json_member_uint(j, "offset", f->offset);
		fx_json_member_uint(j, "length", f->length);
		fx_json_member_uint(j, "windows", f->windows);
	}
	if (f->kind == FX_FIND_CHUNK) {
		fx_json_member_uint(j, "first_chunk", f->first_chunk);
		fx_json_member_uint(j, "chunks", f->chunks);
		fx_json_member_uint(j, "first_sector", f->first_sector);
		fx_json_member_uint(j, "sectors", f->sectors);
	}
	fx_json_object_end(j);
}

static void references_json(fx_json *j, int refs)
{
	int ref;

	fx_json_key(j, "references");
	fx_json_array_begin(j);
	for (ref = FX_REF_CASEDB; ref <= FX_REF_SHA256_FILE; ref <<= 1)
		if (refs & ref)
			fx_json_cstring(j, fx_verify_reference_name(ref));
	fx_json_array_end(j);
}

/* What was read and what it was compared with. */
static void result_head(fx_json *j, const fx_verify_result *r)
{
	static const char *formats[] = { NULL, "raw", "split-raw", "e01" };

	kv_str(j, "status", fx_verdict_name(r->status));
	kv_str(j, "image", r->path);
	fx_json_member_string(j, "format", r->format >= FX_IMAGE_RAW &&
			      r->format <= FX_IMAGE_E01 ? formats[r->format]
			      : NULL);
	fx_json_member_uint(j, "size", r->size);
	fx_json_member_uint(j, "bytes", r->bytes);
	fx_json_member_uint(j, "sector_size", r->sector_size);
	fx_json_member_bool(j, "hashed", r->hashed);
	digests(j, "computed", &r->computed);
	fx_json_key(j, "expected");
	fx_json_object_begin(j);
	digests(j, "casedb", &r->expected_casedb);
	digests(j, "e01", &r->expected_e01);
	fx_json_object_end(j);
	references_json(j, r->references);
	fx_json_member_int(j, "acquisition_id", r->acquisition_id);
	fx_json_member_int(j, "evidence_id", r->evidence_id);
	kv_str(j, "case", r->case_number);
	kv_str(j, "evidence", r->evidence_number);
	fx_json_member_uint(j, "recorded_bytes", r->recorded_bytes);
	kv_str(j, "sha256_file", r->sha256_file);
}

int fx_verify_result_json(char **out, const fx_verify_result *r)
{
	fx_json j;
	char num[32];
	size_t i;

	*out = NULL;
	fx_json_init(&j, FX_JSON_COMPACT | FX_JSON_TEXT_LATIN1, NULL);
	fx_json_object_begin(&j);
	result_head(&j, r);
	fx_json_key(&j, "files");
	fx_json_array_begin(&j);
	for (i = 0; i < r->nfiles; i++)
		file_json(&j, &r->files[i]);
	fx_json_array_end(&j);
	fx_json_key(&j, "windows");
	fx_json_object_begin(&j);
	fx_json_member_uint(&j, "size", r->window_size);
	fx_json_member_uint(&j, "count", r->nwindows);
	fx_json_object_end(&j);
	fx_json_key(&j, "findings");
	fx_json_array_begin(&j);
	for (i = 0; i < r->nfindings; i++)
		finding_json(&j, &r->findings[i]);
	fx_json_array_end(&j);
	fx_json_member_uint(&j, "findings_dropped", r->findings_dropped);
	fx_json_key(&j, "elapsed_s");
	snprintf(num, sizeof(num), "%.3f", r->elapsed_s);
	fx_json_raw(&j, num);
	if (r->verification_id)
		fx_json_member_int(&j, "verification_id", r->verification_id);
	fx_json_object_end(&j);
	if (j.err) {
		fx_json_clear(&j);
		return fx_error_set(FX_ERROR, "out of memory for the JSON result");
	}
	*out = j.buf;   /* the caller frees it; the writer holds nothing else */
	return 0;
}
