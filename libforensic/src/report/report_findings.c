/*
 * A verification's findings as a court report states them: sentences and
 * tables, not the JSON the database keeps. `verify` and `acquire --verify`
 * record the engine's whole result as one JSON object (verify_json.c);
 * databases written before acquire used the engine hold a line of text
 * for acquire's read-back. This file reads either into blocks -- sentences (with
 * hashes as unbreakable pieces) and tables (rows of cells, optionally with
 * hash lines under a row) -- that report_text.c and report_html.c lay out.
 * The wording is decided here, once, for both.
 *
 * What the blocks say, in order: the image (format, files, size) and how
 * far it was read (nothing when it was not opened: a finding says why);
 * what it was compared with; the media hashes that match each reference,
 * then each hash that differs; the image files that match their recorded
 * SHA-256, then each that differs, and those that had nothing to compare
 * with (table, with the SHA-256 computed); the hash
 * windows (all match, or a table of the byte ranges that differ); the E01
 * chunks that failed (table of sector ranges); every other finding as a
 * sentence made from its message (an unknown kind is named); findings not
 * kept. Text that is not JSON is one sentence; malformed JSON, or JSON that
 * is not a result (no "status", no "findings" array), is said to be so (the
 * JSON report gives it as recorded).
 *
 * The JSON is read by base/json's reader (tree mode) into the result's
 * arena. Cost is linear in the size of the findings.
 *
 * Threading: none; everything belongs to the fx_rpt_findings being built.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/vec.h"
#include "forensic/verify.h"
#include "report/report_int.h"

/* ---- memory: everything is kept by the result's arena, freed at once ---- */

/* Text another allocator made (malloc'ed), now kept by the result. */
static char *keep(struct fx_rpt_findings *f, char *p)
{
	p = fx_arena_take(&f->mem, p);
	if (!p)
		f->failed = 1;
	return p;
}

static void *alloc(struct fx_rpt_findings *f, size_t size)
{
	void *p = fx_arena_alloc(&f->mem, size);

	if (!p)
		f->failed = 1;
	return p;
}

static char *dup_s(struct fx_rpt_findings *f, const char *s)
{
	char *p = alloc(f, strlen(s) + 1);

	if (p)
		memcpy(p, s, strlen(s));
	return p;
}

static char *dup_f(struct fx_rpt_findings *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static char *dup_f(struct fx_rpt_findings *f, const char *fmt, ...)
{
	va_list ap;
	char *p = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		p = NULL;
	return keep(f, p);
}

void fx_rpt_findings_free(struct fx_rpt_findings *f)
{
	fx_arena_free(&f->mem);
	free(f->blocks);
	memset(f, 0, sizeof(*f));
}

/* ---- building blocks ---- */

static struct fx_rpt_fblock *block_add(struct fx_rpt_findings *f, int kind)
{
	struct fx_rpt_fblock *b;

	if (f->failed)
		return NULL;
	if (FX_VEC_RESERVE(f->blocks, f->cap, f->n + 1) != 0) {
		f->failed = 1;
		return NULL;
	}
	b = &f->blocks[f->n++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	return b;
}

/* A growing string. */
struct tbuf {
	char *p;
	size_t len, cap;
	int failed;
};

static void tput(struct tbuf *t, const char *s)
{
	size_t n = strlen(s);

	if (t->failed)
		return;
	if (FX_VEC_RESERVE(t->p, t->cap, t->len + n + 1) != 0) {
		t->failed = 1;
		return;
	}
	memcpy(t->p + t->len, s, n + 1);
	t->len += n;
}

/* A sentence being built: text is gathered in cur, and becomes a piece
 * when a hash (a piece of its own) follows or the sentence ends. A
 * sentence holds at most a few hashes. */
struct sentence {
	struct fx_rpt_findings *f;
	struct tbuf cur;
	struct fx_rpt_piece piece[16];
	size_t n;
};

static void s_text(struct sentence *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void s_text(struct sentence *s, const char *fmt, ...)
{
	va_list ap;
	char *p = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0) {
		s->f->failed = 1;
		return;
	}
	tput(&s->cur, p);
	free(p);
	if (s->cur.failed)
		s->f->failed = 1;
}

/* Adds a piece (text kept by the result); 0 or -1. */
static int s_piece(struct sentence *s, const char *text, int hash)
{
	if (s->n == sizeof(s->piece) / sizeof(s->piece[0]) || !text) {
		s->f->failed = 1;
		return -1;
	}
	s->piece[s->n].text = text;
	s->piece[s->n++].hash = hash;
	return 0;
}

/* The text gathered so far becomes a piece (kept by the result even when
 * it cannot be added); cur starts again. */
static void s_flush(struct sentence *s)
{
	char *text = s->cur.p;
	size_t len = s->cur.len;

	memset(&s->cur, 0, sizeof(s->cur));
	if (!len) {
		free(text);
		return;
	}
	s_piece(s, keep(s->f, text), 0);
}

static void s_hash(struct sentence *s, const char *hex)
{
	s_flush(s);
	s_piece(s, dup_s(s->f, hex), 1);
}

/* Ends the sentence as a block of its own, or as the caption of b, and
 * empties s for the next sentence. */
static void s_end(struct sentence *s, struct fx_rpt_fblock *b)
{
	struct fx_rpt_piece *p;

	s_flush(s);
	if ((b || (b = block_add(s->f, FX_BLOCK_SENTENCE)) != NULL) &&
	    (p = alloc(s->f, s->n * sizeof(*p))) != NULL) {
		memcpy(p, s->piece, s->n * sizeof(*p));
		b->pieces = p;
		b->n_pieces = s->n;
	}
	s->n = 0;
}

static struct fx_rpt_fblock *table_add(struct fx_rpt_findings *f, size_t cols,
				      unsigned numeric, const char *const *head)
{
	struct fx_rpt_fblock *b = block_add(f, FX_BLOCK_TABLE);

	if (!b)
		return NULL;
	b->n_cols = cols;
	b->numeric = numeric;
	b->head = head;
	return b;
}

static struct fx_rpt_row *row_add(struct fx_rpt_findings *f,
				  struct fx_rpt_fblock *b)
{
	struct fx_rpt_row *rows;

	if (!b || f->failed)
		return NULL;
	/* the old array stays in the arena until the end */
	rows = fx_arena_grow(&f->mem, b->rows, b->n_rows, &b->cap_rows,
			     sizeof(*rows));
	if (!rows) {
		f->failed = 1;
		return NULL;
	}
	b->rows = rows;
	rows = &b->rows[b->n_rows++];
	rows->cells = alloc(f, b->n_cols * sizeof(*rows->cells));
	return rows->cells ? rows : NULL;
}

/* ---- sentences made from recorded text ---- */

/* A recorded message as a sentence: a first word of lower-case letters is
 * capitalised (never a path or a file name), a full stop added. lead, if
 * any, goes first and the message is left as it is. */
static void message_sentence(struct sentence *s, const char *lead,
			     const char *msg)
{
	size_t w = strspn(msg, "abcdefghijklmnopqrstuvwxyz"), n = strlen(msg);
	int cap = !lead && w > 0 && (msg[w] == ' ' || msg[w] == '\0');
	char end = n ? msg[n - 1] : '.';

	if (!n) {
		s_text(s, "%sA finding was recorded without a message.",
		       lead ? lead : "");
		return;
	}
	s_text(s, "%s%c%s%s", lead ? lead : "",
	       cap ? (char)(msg[0] - 'a' + 'A') : msg[0], msg + 1,
	       end == '.' || end == '!' || end == '?' ? "" : ".");
}

static const char *format_name(const char *f)
{
	return !f ? NULL : strcmp(f, "e01") == 0 ? "E01"
	       : strcmp(f, "split-raw") == 0 ? "split raw" : f;
}

/* ---- the parts of a verification result ---- */

/* A string member, or dflt. */
static const char *str_or(const fx_json_value *o, const char *key,
			  const char *dflt)
{
	return fx_json_get_str(o, key) ? fx_json_get_str(o, key) : dflt;
}

/* How many hash windows a window finding covers (1 if not said). */
static uint64_t windows_of(const fx_json_value *fd)
{
	uint64_t n = fx_json_get_uint(fd, "windows");

	return n ? n : 1;
}

struct ctx {
	struct fx_rpt_findings *f;
	const fx_json_value *r;          /* the result object */
	const fx_json_value *findings;   /* its findings array */
};

static void image_sentences(struct ctx *c)
{
	struct sentence s = { c->f, { NULL, 0, 0, 0 }, { { 0, 0 } }, 0 };
	const fx_json_value *file;
	const char *path = str_or(c->r, "image", FX_NOT_RECORDED);
	const char *fmt = fx_json_get_str(c->r, "format");
	uint64_t size = fx_json_get_uint(c->r, "size"), bytes = fx_json_get_uint(c->r, "bytes");
	uint64_t ss = fx_json_get_uint(c->r, "sector_size");
	size_t files = 0;

	file = fx_json_get(c->r, "files");
	for (file = file ? file->first : NULL; file; file = file->next)
		files += fx_json_get_true(file, "in_set");
	if (!fmt)
		return;    /* not opened: the findings say why */
	s_text(&s, "The image %s (%s, %zu file%s) holds %llu bytes",
	       path, format_name(fmt), files,
	       files == 1 ? "" : "s", (unsigned long long)size);
	if (ss && size % ss == 0)
		s_text(&s, " = %llu sectors of %llu bytes.",
		       (unsigned long long)(size / ss), (unsigned long long)ss);
	else
		s_text(&s, ".");
	s_end(&s, NULL);
	if (fx_json_get_true(c->r, "hashed"))
		s_text(&s, "All %llu bytes were read and hashed.",
		       (unsigned long long)bytes);
	else if (bytes && bytes == size)
		s_text(&s, "All %llu bytes were read, but not all without "
		       "error, so the hashes do not vouch for the image.",
		       (unsigned long long)bytes);
	else if (bytes)
		s_text(&s, "Only %llu of the %llu bytes were read.",
		       (unsigned long long)bytes, (unsigned long long)size);
	else
		s_text(&s, "The image was not read.");
	s_end(&s, NULL);
}

/* "Compared with the acquisition record (acquisition 3), the hashes
 * stored in the E01 and the list /x/HD-1.sha256." */
static void references_sentence(struct ctx *c)
{
	struct sentence s = { c->f, { NULL, 0, 0, 0 }, { { 0, 0 } }, 0 };
	const fx_json_value *refs = fx_json_get(c->r, "references"), *ref;
	size_t n = fx_json_count(refs), i = 0;

	if (!n) {
		s_text(&s, "No reference was compared.");
		s_end(&s, NULL);
		return;
	}
	s_text(&s, "Compared with ");
	for (ref = refs->first; ref; ref = ref->next, i++) {
		const char *name = ref->t == FX_JV_STR ? ref->s : "";

		s_text(&s, "%s", i == 0 ? "" : i + 1 == n ? " and " : ", ");
		if (strcmp(name, "casedb") == 0 && fx_json_get_uint(c->r, "acquisition_id"))
			s_text(&s, "the acquisition record (acquisition %llu)",
			       (unsigned long long)fx_json_get_uint(c->r, "acquisition_id"));
		else if (strcmp(name, "casedb") == 0)
			s_text(&s, "the acquisition record");
		else if (strcmp(name, "e01") == 0)
			s_text(&s, "the hashes stored in the E01");
		else if (strcmp(name, "sha256_file") == 0)
			s_text(&s, "the list %s", fx_json_get_str(c->r, "sha256_file")
			       ? fx_json_get_str(c->r, "sha256_file") : ".sha256");
		else
			s_text(&s, "reference \"%s\"", name);
	}
	s_text(&s, ".");
	s_end(&s, NULL);
}

static const char *const alg_keys[] = { "md5", "sha1", "sha256" };
static const char *const alg_labels[] = { "MD5", "SHA-1", "SHA-256" };

/* "All three hashes match the acquisition record (MD5 a, SHA-1 b,
 * SHA-256 c)."; "The MD5 and SHA-1 match ..." when another differs. */
static void hash_matches(struct ctx *c, const char *ref, const char *one,
			 const char *many)
{
	const fx_json_value *want = fx_json_get(fx_json_get(c->r, "expected"), ref);
	const fx_json_value *have = fx_json_get(c->r, "computed");
	struct sentence s = { c->f, { NULL, 0, 0, 0 }, { { 0, 0 } }, 0 };
	int eq[3], n_eq = 0, n_cmp = 0, i, k = 0;
	static const char *const count[] = { "", "", "Both", "All three" };

	for (i = 0; i < 3; i++) {
		const char *a = fx_json_get_str(want, alg_keys[i]);
		const char *b = fx_json_get_str(have, alg_keys[i]);

		eq[i] = a && b && strcasecmp(a, b) == 0;
		n_cmp += a && b;
		n_eq += eq[i];
	}
	if (!n_eq)
		return;
	if (n_eq == n_cmp && n_eq > 1) {
		s_text(&s, "%s hashes match %s (", count[n_eq], many);
	} else {
		s_text(&s, "The ");
		for (i = 0; i < 3; i++)
			if (eq[i])
				s_text(&s, "%s%s", k++ ? " and " : "", alg_labels[i]);
		s_text(&s, " match%s %s (", n_eq == 1 ? "es" : "",
		       n_eq == 1 ? one : many);
	}
	for (i = 0, k = 0; i < 3; i++) {
		if (!eq[i])
			continue;
		s_text(&s, "%s%s ", k++ ? ", " : "", alg_labels[i]);
		s_hash(&s, fx_json_get_str(have, alg_keys[i]));
	}
	s_text(&s, ").");
	s_end(&s, NULL);
}

/* Where a finding's expected value came from, as the report names it:
 * noun, and the verb for the value there. */
static void reference_words(const struct ctx *c, const char *ref,
			    const char **noun, const char **verb)
{
	*verb = "recorded";
	if (ref && strcmp(ref, "e01") == 0) {
		*noun = "the one stored in the E01";
		*verb = "stored";
	} else if (ref && strcmp(ref, "sha256_file") == 0) {
		*noun = fx_json_get_str(c->r, "sha256_file") ? "the list"
							  : "the .sha256 list";
		*verb = "listed";
	} else {
		*noun = "the acquisition record";
	}
}

static const char *alg_label(const char *alg)
{
	int i;

	for (i = 0; alg && i < 3; i++)
		if (strcmp(alg, alg_keys[i]) == 0)
			return alg_labels[i];
	return alg;
}

/* "The SHA-256 differs from the acquisition record: recorded X,
 * computed Y." */
static void hash_difference(struct ctx *c, const fx_json_value *fd)
{
	struct sentence s = { c->f, { NULL, 0, 0, 0 }, { { 0, 0 } }, 0 };
	const char *alg = alg_label(fx_json_get_str(fd, "algorithm")), *noun, *verb;
	const char *want = fx_json_get_str(fd, "expected");
	const char *have = fx_json_get_str(fd, "computed");

	if (!alg || !want || !have) {
		message_sentence(&s, NULL, str_or(fd, "message", ""));
		s_end(&s, NULL);
		return;
	}
	reference_words(c, fx_json_get_str(fd, "reference"), &noun, &verb);
	if (strcmp(noun, "the one stored in the E01") != 0 &&
	    strcmp(noun, "the acquisition record") != 0)
		noun = "the reference";
	s_text(&s, "The %s differs from %s: %s ", alg, noun, verb);
	s_hash(&s, want);
	s_text(&s, ", computed ");
	s_hash(&s, have);
	s_text(&s, ".");
	s_end(&s, NULL);
}

/* "File P: SHA-256 differs from the acquisition record: recorded X,
 * computed Y. It holds media bytes A to B." */
static void file_difference(struct ctx *c, const fx_json_value *fd)
{
	struct sentence s = { c->f, { NULL, 0, 0, 0 }, { { 0, 0 } }, 0 };
	const char *want = fx_json_get_str(fd, "expected");
	const char *have = fx_json_get_str(fd, "computed");
	const char *file = fx_json_get_str(fd, "file"), *noun, *verb;
	uint64_t off = fx_json_get_uint(fd, "offset"), len = fx_json_get_uint(fd, "length");

	if (!file || !want || !have) {
		message_sentence(&s, NULL, str_or(fd, "message", ""));
		s_end(&s, NULL);
		return;
	}
	reference_words(c, fx_json_get_str(fd, "reference"), &noun, &verb);
	s_text(&s, "File %s: SHA-256 differs from %s", file, noun);
	if (strcmp(verb, "listed") == 0 && fx_json_get_str(c->r, "sha256_file"))
		s_text(&s, " %s", fx_json_get_str(c->r, "sha256_file"));
	s_text(&s, ": %s ", verb);
	s_hash(&s, want);
	s_text(&s, ", computed ");
	s_hash(&s, have);
	s_text(&s, ".");
	if (len)
		s_text(&s, " It holds media bytes %llu to %llu.",
		       (unsigned long long)off, (unsigned long long)(off + len - 1));
	s_end(&s, NULL);
}

static int kind_is(const fx_json_value *fd, const char *kind)
{
	const char *k = fx_json_get_str(fd, "kind");

	return k && strcmp(k, kind) == 0;
}

static void differences(struct ctx *c, const char *kind,
			void (*say)(struct ctx *, const fx_json_value *))
{
	const fx_json_value *fd;

	for (fd = c->findings ? c->findings->first : NULL; fd; fd = fd->next)
		if (kind_is(fd, kind))
			say(c, fd);
}

static size_t count_kind(const struct ctx *c, const char *kind)
{
	const fx_json_value *fd;
	size_t n = 0;

	for (fd = c->findings ? c->findings->first : NULL; fd; fd = fd->next)
		n += kind_is(fd, kind);
	return n;
}

/* A file's SHA-256 as compared: 1 matches every reference it has, 0 one
 * differs, -1 nothing to compare with (or not computed). */
static int file_state(const fx_json_value *file)
{
	const char *have = fx_json_get_str(file, "sha256");
	const char *rec = fx_json_get_str(file, "recorded_sha256");
	const char *lst = fx_json_get_str(file, "listed_sha256");

	if (!have || (!rec && !lst))
		return -1;
	return (!rec || strcasecmp(rec, have) == 0) &&
	       (!lst || strcasecmp(lst, have) == 0);
}

static void files_part(struct ctx *c)
{
	static const char *const head[] = { "#", "File", "Bytes" };
	const fx_json_value *files = fx_json_get(c->r, "files"), *file;
	struct sentence s = { c->f, { NULL, 0, 0, 0 }, { { 0, 0 } }, 0 };
	struct fx_rpt_fblock *t = NULL;
	struct fx_rpt_row *row;
	size_t cmp = 0, good = 0, alone = 0, i = 0;
	int st;

	for (file = files ? files->first : NULL; file; file = file->next) {
		st = file_state(file);
		cmp += st >= 0;
		good += st == 1;
		alone += st < 0 && fx_json_get_str(file, "sha256");
	}
	if (cmp == 1 && good == 1)
		s_text(&s, "The image file matches its recorded SHA-256.");
	else if (cmp && good == cmp)
		s_text(&s, "All %zu image files match their recorded SHA-256.", cmp);
	else if (cmp == 1)
		s_text(&s, "The image file does not match its recorded SHA-256.");
	else if (cmp && !good)
		s_text(&s, "None of the %zu image files matches its recorded "
		       "SHA-256.", cmp);
	else if (cmp)
		s_text(&s, "%zu of the %zu image files match their recorded "
		       "SHA-256.", good, cmp);
	if (cmp)
		s_end(&s, NULL);
	differences(c, "file_hash", file_difference);
	if (!alone)
		return;
	s_text(&s, "%zu image file%s had no recorded SHA-256 to compare with; "
	       "this verification computed:", alone, alone == 1 ? "" : "s");
	s_end(&s, t = table_add(c->f, 3, 1u | 4u, head));
	for (file = files->first; file; file = file->next) {
		if (file_state(file) >= 0 || !fx_json_get_str(file, "sha256"))
			continue;
		if (!(row = row_add(c->f, t)))
			return;
		row->cells[0] = dup_f(c->f, "%zu", ++i);
		row->cells[1] = str_or(file, "path", FX_NOT_RECORDED);
		row->cells[2] = dup_f(c->f, "%llu",
				      (unsigned long long)fx_json_get_uint(file, "size"));
		row->hash_label[0] = "SHA-256";
		row->hash[0] = fx_json_get_str(file, "sha256");
	}
}

static void windows_part(struct ctx *c)
{
	static const char *const head[] = { "#", "First byte", "Last byte",
					    "Bytes", "Windows" };
	const fx_json_value *w = fx_json_get(c->r, "windows"), *fd;
	struct sentence s = { c->f, { NULL, 0, 0, 0 }, { { 0, 0 } }, 0 };
	struct fx_rpt_fblock *t;
	struct fx_rpt_row *row;
	uint64_t size = fx_json_get_uint(w, "size"), count = fx_json_get_uint(w, "count");
	uint64_t differ = 0;
	uint64_t off, len;
	size_t i = 0;

	for (fd = c->findings ? c->findings->first : NULL; fd; fd = fd->next)
		if (kind_is(fd, "window"))
			differ += windows_of(fd);
	if (!size || !fx_json_get_true(c->r, "hashed"))
		return;
	if (!differ) {
		s_text(&s, "All %llu hash windows of %llu bytes match the "
		       "acquisition record.", (unsigned long long)count,
		       (unsigned long long)size);
		s_end(&s, NULL);
		return;
	}
	s_text(&s, "%llu of the %llu hash windows of %llu bytes %s from the "
	       "acquisition record, in these byte ranges:",
	       (unsigned long long)differ, (unsigned long long)count,
	       (unsigned long long)size, differ == 1 ? "differs" : "differ");
	s_end(&s, t = table_add(c->f, 5, 0x1Fu, head));
	for (fd = c->findings->first; fd; fd = fd->next) {
		if (!kind_is(fd, "window") || !(row = row_add(c->f, t)))
			continue;
		off = fx_json_get_uint(fd, "offset");
		len = fx_json_get_uint(fd, "length");
		row->cells[0] = dup_f(c->f, "%zu", ++i);
		row->cells[1] = dup_f(c->f, "%llu", (unsigned long long)off);
		row->cells[2] = len ? dup_f(c->f, "%llu", (unsigned long long)
					    (off + len - 1)) : "-";
		row->cells[3] = dup_f(c->f, "%llu", (unsigned long long)len);
		row->cells[4] = dup_f(c->f, "%llu",
				      (unsigned long long)windows_of(fd));
		if (fx_json_get_str(fd, "expected") && fx_json_get_str(fd, "computed")) {
			row->hash_label[0] = "recorded";
			row->hash[0] = fx_json_get_str(fd, "expected");
			row->hash_label[1] = "computed";
			row->hash[1] = fx_json_get_str(fd, "computed");
		}
	}
}

/* What failed in a chunk range. The result holds the reason only in the
 * message's fixed wording (verify_hash.c), so it is matched there; an
 * unknown wording is shown as "see the finding". */
static const char *chunk_problem(const char *msg)
{
	static const struct { const char *tail, *say; } words[] = {
		{ "fails its checksum", "checksum fails" },
		{ "fail their checksums", "checksums fail" },
		{ "does not decompress to its size", "does not decompress" },
		{ "do not decompress to their size", "do not decompress" },
		{ "cannot be read", "cannot be read" } };
	size_t i, n = msg ? strlen(msg) : 0, t;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		t = strlen(words[i].tail);
		if (n >= t && strcmp(msg + n - t, words[i].tail) == 0)
			return words[i].say;
	}
	return "see the finding";
}

static void chunks_part(struct ctx *c)
{
	static const char *const head[] = { "#", "First sector", "Last sector",
					    "Sectors", "Chunks", "Problem" };
	struct sentence s = { c->f, { NULL, 0, 0, 0 }, { { 0, 0 } }, 0 };
	struct fx_rpt_fblock *t;
	struct fx_rpt_row *row;
	const fx_json_value *fd;
	uint64_t first, n, ch, nch;
	size_t i = 0, runs = count_kind(c, "chunk");

	if (!runs)
		return;
	s_text(&s, "%zu range%s of E01 chunks failed (sectors of %llu bytes):",
	       runs, runs == 1 ? "" : "s",
	       (unsigned long long)fx_json_get_uint(c->r, "sector_size"));
	s_end(&s, t = table_add(c->f, 6, 0x1Fu, head));
	for (fd = c->findings->first; fd; fd = fd->next) {
		if (!kind_is(fd, "chunk") || !(row = row_add(c->f, t)))
			continue;
		first = fx_json_get_uint(fd, "first_sector");
		n = fx_json_get_uint(fd, "sectors");
		ch = fx_json_get_uint(fd, "first_chunk");
		nch = fx_json_get_uint(fd, "chunks");
		row->cells[0] = dup_f(c->f, "%zu", ++i);
		row->cells[1] = dup_f(c->f, "%llu", (unsigned long long)first);
		row->cells[2] = n ? dup_f(c->f, "%llu", (unsigned long long)
					  (first + n - 1)) : "-";
		row->cells[3] = dup_f(c->f, "%llu", (unsigned long long)n);
		row->cells[4] = nch > 1 ? dup_f(c->f, "%llu-%llu",
						(unsigned long long)ch,
						(unsigned long long)(ch + nch - 1))
				: dup_f(c->f, "%llu", (unsigned long long)ch);
		row->cells[5] = chunk_problem(fx_json_get_str(fd, "message"));
	}
}

static int kind_known(const char *k)
{
	static const char *const kinds[] = { "size", "extra_file", "missing",
		"truncated", "not_image", "corrupt", "no_record", "no_reference",
		"read_error", "record" };
	size_t i;

	for (i = 0; k && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(k, kinds[i]) == 0)
			return 1;
	return 0;
}

static void other_findings(struct ctx *c)
{
	const fx_json_value *fd;
	const char *kind, *msg;
	char *lead;

	for (fd = c->findings ? c->findings->first : NULL; fd; fd = fd->next) {
		struct sentence s = { c->f, { NULL, 0, 0, 0 }, { { 0, 0 } }, 0 };

		kind = fx_json_get_str(fd, "kind");
		if (kind_is(fd, "hash") || kind_is(fd, "file_hash") ||
		    kind_is(fd, "window") || kind_is(fd, "chunk"))
			continue;
		msg = str_or(fd, "message", "");
		lead = kind_known(kind) ? NULL
		       : dup_f(c->f, "Other finding (%s): ",
			       kind ? kind : "of no kind");
		message_sentence(&s, lead, msg);
		s_end(&s, NULL);
	}
}

static void result_blocks(struct ctx *c)
{
	struct sentence s = { c->f, { NULL, 0, 0, 0 }, { { 0, 0 } }, 0 };
	uint64_t dropped = fx_json_get_uint(c->r, "findings_dropped");

	image_sentences(c);
	references_sentence(c);
	if (fx_json_get_true(c->r, "hashed")) {
		hash_matches(c, "casedb", "the acquisition record",
			     "the acquisition record");
		hash_matches(c, "e01", "the one stored in the E01",
			     "those stored in the E01");
	}
	differences(c, "hash", hash_difference);
	files_part(c);
	windows_part(c);
	chunks_part(c);
	other_findings(c);
	if (dropped) {
		s_text(&s, "%llu further finding%s %s not kept (a verification "
		       "records at most %d).", (unsigned long long)dropped,
		       dropped == 1 ? "" : "s", dropped == 1 ? "was" : "were",
		       FX_VERIFY_MAX_FINDINGS);
		s_end(&s, NULL);
	}
}

int fx_rpt_findings_read(struct fx_rpt_findings *f, const char *findings)
{
	struct sentence s = { f, { NULL, 0, 0, 0 }, { { 0, 0 } }, 0 };
	const char *p = findings;
	struct ctx c;

	memset(f, 0, sizeof(*f));
	s.f = f;
	while (p && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if (!p || !*p)
		return 0;
	memset(&c, 0, sizeof(c));
	c.f = f;
	if (*p != '{' && *p != '[') {
		message_sentence(&s, NULL, p);    /* acquire's line of text */
		s_end(&s, NULL);
	} else if ((c.r = fx_json_parse(&f->mem, p)) == NULL ||
		   !fx_json_get_str(c.r, "status") ||
		   fx_json_get(c.r, "findings") == NULL ||
		   fx_json_get(c.r, "findings")->t != FX_JV_ARR) {
		if (f->failed)
			goto done;
		s_text(&s, "The recorded findings (%zu bytes) are not a "
		       "verification result this report can read; the JSON "
		       "report gives them as recorded.", strlen(p));
		s_end(&s, NULL);
	} else {
		c.findings = fx_json_get(c.r, "findings");
		result_blocks(&c);
	}
done:
	if (!f->failed)
		return 0;
	fx_rpt_findings_free(f);
	return -1;
}

/* ---- acquisition parameters ---- */

/* "name value, name value"; a nested object or array in parentheses. */
static void members_text(struct tbuf *t, const fx_json_value *v)
{
	const fx_json_value *m;

	for (m = v->first; m; m = m->next) {
		if (m->key) {
			tput(t, m->key);
			tput(t, " ");
		}
		if (m->t == FX_JV_OBJ || m->t == FX_JV_ARR) {
			tput(t, "(");
			members_text(t, m);
			tput(t, ")");
		} else {
			tput(t, m->t == FX_JV_NULL ? "null" : m->t == FX_JV_BOOL
			     ? (m->b ? "true" : "false") : m->s[0] ? m->s
			     : "\"\"");
		}
		if (m->next)
			tput(t, ", ");
	}
}

char *fx_rpt_params_text(const char *json)
{
	struct fx_rpt_findings f;
	struct tbuf t = { NULL, 0, 0, 0 };
	const fx_json_value *v;

	if (!json)
		return NULL;
	memset(&f, 0, sizeof(f));
	v = fx_json_parse(&f.mem, json);
	if (v && v->t == FX_JV_OBJ)
		members_text(&t, v);
	else
		tput(&t, json);    /* not an object: as recorded */
	if (!t.failed && !t.p)
		tput(&t, "none");
	fx_rpt_findings_free(&f);
	if (t.failed) {
		free(t.p);
		return NULL;
	}
	return t.p;
}
