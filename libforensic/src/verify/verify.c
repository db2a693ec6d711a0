/*
 * Verification of an image, in the order an examiner would insist on:
 *
 *   1. gather the references: the acquisition record (found by the image's
 *      file name, or given), TARGET.sha256 beside the image;
 *   2. open the image as the record says it was written (raw, split raw,
 *      E01; only an image without a record is recognised by its name and
 *      contents) and check the set against the references before reading
 *      it: a file missing, shorter or longer than recorded, damaged E01
 *      structure, ends here with a finding naming the file;
 *   3. read the media once and hash it (verify_hash.c), with the image
 *      files' own SHA-256 where a reference lists them; when the set
 *      cannot be opened or read, hash those files alone;
 *   4. compare with every reference (verify_hash.c), then decide.
 *
 * The verdict is "verified" only when the whole media was hashed, the
 * acquisition record was compared, and nothing differs. An image file
 * whose SHA-256 differs from a reference is "mismatch" in every case: the
 * file was hashed whole, so it has changed, whatever else is wrong. Any
 * other difference is "mismatch" unless the set could not be read (then
 * "error": a mismatch found in an incomplete read would be a guess). A
 * cancelled run (a signal) is "interrupted": no verdict. No record, or no
 * reference at all, with nothing differing is "error": the image may be
 * intact, but it is not verified against what was acquired.
 * The database is only read here; fx_verify_record() writes the event.
 * One thread.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "casedb/casedb_int.h"
#include "base/error.h"
#include "base/arena.h"
#include "base/hex.h"
#include "base/json.h"
#include "image/image_int.h"
#include "verify/verify_int.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A recorded or listed hash of len characters, lowercased as the library
 * writes hashes; "" when there is none of that length. */
static void copy_hash(char *out, const char *in, size_t len)
{
	out[0] = '\0';
	if (in && strlen(in) == len)
		fx_hex_lower(out, in, len);
}

/* ---- references: the acquisition record ---------------------------------- */

typedef struct same_file {
	struct stat st;
	char db_dir[PATH_MAX];
	int64_t found;
} same_file;

static int is_same(const same_file *s, const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_dev == s->st.st_dev &&
	       st.st_ino == s->st.st_ino;
}

static int match_inode(const fx_casedb_acquisition_info *a, void *payload)
{
	same_file *s = payload;
	char copy[PATH_MAX], beside[PATH_MAX * 2];
	size_t i;

	for (i = 0; i < a->result.n_files; i++) {
		const char *p = a->result.files[i].path;

		if (!p)
			continue;
		snprintf(copy, sizeof(copy), "%s", p);
		snprintf(beside, sizeof(beside), "%s/%s", s->db_dir, basename(copy));
		if (is_same(s, p) || is_same(s, beside))
			s->found = a->id; /* the latest wins: ids increase */
	}
	return 0;
}

/* The acquisition that wrote path: as stored or as its realpath (the
 * database's lookup), else any whose file is the same inode, taking a
 * relative recorded path from here or from the database's directory (acquire
 * records the target as typed, and keeps the database beside it). */
static int find_acquisition(int64_t *out, fx_casedb *db, const char *path)
{
	char copy[PATH_MAX];
	same_file s;
	int rc = fx_casedb_acquisition_find_by_file(out, db, path);

	if (rc != FX_ENOTFOUND)
		return rc;
	memset(&s, 0, sizeof(s));
	snprintf(copy, sizeof(copy), "%s", db->path);
	snprintf(s.db_dir, sizeof(s.db_dir), "%s", dirname(copy));
	if (stat(path, &s.st) != 0 ||
	    fx_casedb_acquisition_list(db, 0, match_inode, &s) != 0 || !s.found)
		return FX_ENOTFOUND;
	*out = s.found;
	return 0;
}

static void record_digests(fx_verify_result *r, const fx_digests *h)
{
	fx_digests *d = &r->expected_casedb;

	copy_hash(d->md5, h->md5, 32);
	copy_hash(d->sha1, h->sha1, 40);
	copy_hash(d->sha256, h->sha256, 64);
	d->algs = (d->md5[0] ? FX_HASH_MD5 : 0) | (d->sha1[0] ? FX_HASH_SHA1 : 0) |
		  (d->sha256[0] ? FX_HASH_SHA256 : 0);
}

/* The recorded windows, if they tile the media in one size the pipeline
 * can re-hash with. */
static int record_windows(fx_verify_ctx *c)
{
	const fx_casedb_result *res = &c->acq->result;
	uint64_t size, at = 0;
	size_t i, n = res->n_windows;

	if (!n)
		return 0;
	if (!(c->expected_windows = calloc(n, sizeof(*c->expected_windows))))
		return fx_error_set(FX_ERROR, "out of memory");
	size = res->windows[0].length;
	for (i = 0; i < n; i++) {
		const fx_window_hash *w = &res->windows[i];

		if (w->offset != at || !w->length || (i + 1 < n && w->length != size) ||
		    w->length > size)
			break;
		c->expected_windows[i].offset = w->offset;
		c->expected_windows[i].length = w->length;
		copy_hash(c->expected_windows[i].sha256, w->sha256, 64);
		at += w->length;
	}
	c->nexpected = n;
	if (i < n || size % 512 || size > ((uint64_t)1 << 40)) {
		fx_verify_findf(c->r, FX_FIND_RECORD, FX_VERDICT_ERROR, FX_REF_CASEDB, NULL,
				"the hash windows of acquisition %lld do not tile the media in equal sizes (window %zu); they are not compared",
				(long long)c->acq->id, i);
		return 0;
	}
	c->windows_usable = 1;
	c->r->window_size = size;
	return 0;
}

/* The recorded files, looked for beside the image being verified (the set
 * may have been copied or moved since it was recorded). */
static int record_files(fx_verify_ctx *c)
{
	const fx_casedb_result *res = &c->acq->result;
	char dir[PATH_MAX], name[PATH_MAX], beside[PATH_MAX * 2];
	fx_verify_file *f;
	size_t i;

	snprintf(name, sizeof(name), "%s", c->r->path);
	snprintf(dir, sizeof(dir), "%s", dirname(name));
	for (i = 0; i < res->n_files; i++) {
		if (!res->files[i].path)
			continue;
		snprintf(name, sizeof(name), "%s", res->files[i].path);
		snprintf(beside, sizeof(beside), "%s/%s", dir, basename(name));
		if (!(f = fx_verify_file_slot(c, beside)))
			return fx_error_set(FX_ERROR, "out of memory");
		f->recorded = 1;
		f->recorded_size = res->files[i].size;
		copy_hash(f->recorded_sha256, res->files[i].sha256, 64);
	}
	return 0;
}

/* Whether two paths name files of the same base name. */
static int same_name(const char *a, const char *b)
{
	char x[PATH_MAX], y[PATH_MAX];

	snprintf(x, sizeof(x), "%s", a);
	snprintf(y, sizeof(y), "%s", b);
	return strcmp(basename(x), basename(y)) == 0;
}

/* Whether path is the file recorded as file (as given, or as its
 * realpath: the database holds absolute paths). */
static int is_recorded_file(const char *path, const char *file, const char *real)
{
	return file && (strcmp(path, file) == 0 || (real && strcmp(real, file) == 0));
}

/*
 * An acquisition with copies (acquire --copy, schema 4) has one image set
 * per destination. Given a copy's file, the record is presented as that
 * copy: its format (which decides how it is read), its files and its own
 * status (a copy that failed has nothing to verify against, whatever the
 * others did); the media's hashes and size are the acquisition's, which
 * every complete copy holds.
 */
static void present_copy(fx_casedb_acquisition_info *a, const char *path)
{
	char real[PATH_MAX];
	const char *rp = realpath(path, real) ? real : NULL;
	size_t i, k;

	for (i = 0; i < a->n_image_sets; i++) {
		const fx_casedb_image_set *set = &a->image_sets[i];

		for (k = 0; set->copy_number && k < set->n_files; k++) {
			if (!is_recorded_file(path, set->files[k].path, rp))
				continue;
			a->rec.format = set->format;
			a->result.files = set->files;
			a->result.n_files = set->n_files;
			a->status = set->status;
			a->status_note = set->error;
			return;
		}
	}
}

/* The record in the database that wrote path (or the one asked for) into
 * c->acq; without one, the finding says why and c->acq stays NULL. */
int fx_verify_text_set(char **dst, const char *s)
{
	char *copy = strdup(s ? s : "");

	if (!copy)
		return fx_error_set(FX_ERROR, "out of memory");
	free(*dst);
	*dst = copy;
	return 0;
}

/* The acquisition's TARGET for the image file path (its real path
 * without .raw, .001 or .E01): what its checkpoints name. */
static void target_of(char *out, size_t len, const char *path)
{
	static const char *const exts[] = { ".raw", ".001", ".e01" };
	char *dot;
	size_t i;

	if (!realpath(path, out))
		snprintf(out, len, "%s", path);
	if (!(dot = strrchr(out, '.')) || strchr(dot, '/'))
		return;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (strcasecmp(dot, exts[i]) == 0)
			*dot = '\0';
}

/* A run left resumable (acquire --resume) records no image files until
 * it is finished: it is found by the checkpoint naming the image's
 * TARGET. */
static int find_by_checkpoint(int64_t *out, fx_casedb *db, const char *path)
{
	fx_casedb_checkpoint_info *ci = NULL;
	char target[PATH_MAX];
	int rc;

	target_of(target, sizeof(target), path);
	if ((rc = fx_casedb_checkpoint_last(&ci, db, target)) != 0)
		return rc;
	*out = ci->acquisition_id;
	fx_casedb_checkpoint_info_free(ci);
	return 0;
}

typedef struct by_target {
	const char *target;
	int64_t found;
} by_target;

static int match_target(const fx_casedb_acquisition_info *a, void *payload)
{
	by_target *s = payload;
	fx_arena ar = FX_ARENA_INIT;
	const fx_json_value *v;
	const char *t;

	if (a->result.status != FX_STATUS_RUNNING || !a->rec.parameters_json)
		return 0;
	if ((v = fx_json_parse(&ar, a->rec.parameters_json)) &&
	    (t = fx_json_get_str(v, "target")) && strcmp(t, s->target) == 0)
		s->found = a->id; /* the latest wins: ids increase */
	fx_arena_free(&ar);
	return 0;
}

/* A run killed before it recorded an image file or a checkpoint (an E01
 * run killed by SIGKILL) is found by the TARGET its parameters name. */
static int find_by_target(int64_t *out, fx_casedb *db, const char *path)
{
	char target[PATH_MAX];
	by_target s;
	int rc;

	target_of(target, sizeof(target), path);
	s.target = target;
	s.found = 0;
	if ((rc = fx_casedb_acquisition_list(db, 0, match_target, &s)) != 0)
		return rc;
	if (!s.found)
		return FX_ENOTFOUND;
	*out = s.found;
	return 0;
}

static int read_record(fx_verify_ctx *c, const char *path)
{
	int64_t id = c->o->acquisition_id;
	int rc;

	if (!c->db) {
		fx_verify_findf(c->r, FX_FIND_NO_RECORD, FX_VERDICT_ERROR, FX_REF_CASEDB, path,
				"no acquisition record for %s: no case database", path);
		return 0;
	}
	if (!id && (rc = find_acquisition(&id, c->db, path)) == FX_ENOTFOUND)
		rc = find_by_checkpoint(&id, c->db, path);
	if (!id && rc == FX_ENOTFOUND)
		rc = find_by_target(&id, c->db, path);
	if (!id && rc != 0) {
		if (rc != FX_ENOTFOUND)
			return rc;
		fx_verify_findf(c->r, FX_FIND_NO_RECORD, FX_VERDICT_ERROR, FX_REF_CASEDB, path,
				"no acquisition record for %s in the case database", path);
		return 0;
	}
	if ((rc = fx_casedb_acquisition_get(&c->acq_read, c->db, id)) != 0)
		return rc;
	present_copy(c->acq_read, path);
	c->acq = c->acq_read;
	return 0;
}

/*
 * An interrupted acquisition (SIGINT, SIGTERM, SIGKILL, a crash, a source
 * that vanished) holds an incomplete image by design: reading it would
 * only report what an unfinished file looks like (an E01 without its
 * tables fails its section checksums). So the image is not read, and the
 * one finding says what is known: resumable from its last checkpoint
 * (left open by acquire, its process gone), or how far it got.
 */
static int interrupted_record(fx_verify_ctx *c, const char *path)
{
	const fx_casedb_acquisition_info *a = c->acq;
	fx_casedb_checkpoint_info *ci = NULL;
	char target[PATH_MAX], got[96];
	int rc;

	c->unfinished = 1;
	target_of(target, sizeof(target), path);
	if (a->result.status == FX_STATUS_RUNNING && c->db &&
	    (rc = fx_casedb_checkpoint_last(&ci, c->db, target)) != FX_ENOTFOUND) {
		if (rc != 0)
			return rc;
		if (ci->acquisition_id == a->id) {
			fx_verify_findf(c->r, FX_FIND_RECORD, FX_VERDICT_ERROR, FX_REF_CASEDB, NULL,
					"interrupted acquisition, resumable with acquire --resume %s: acquisition %lld holds %llu of %llu bytes at its last checkpoint (%s)",
					target, (long long)a->id, (unsigned long long)ci->cp.offset,
					(unsigned long long)a->rec.evidence.source.size, ci->time_utc);
			fx_casedb_checkpoint_info_free(ci);
			return 0;
		}
		fx_casedb_checkpoint_info_free(ci);
	}
	if (a->result.status == FX_STATUS_RUNNING)
		snprintf(got, sizeof(got), "stopped before its end");
	else
		snprintf(got, sizeof(got), "stopped after %llu of %llu bytes",
			 (unsigned long long)a->result.bytes,
			 (unsigned long long)a->rec.evidence.source.size);
	fx_verify_findf(c->r, FX_FIND_RECORD, FX_VERDICT_ERROR, FX_REF_CASEDB, NULL,
			"interrupted acquisition: acquisition %lld %s (%s) and recorded no checkpoint to resume from: the image is incomplete; acquire it anew",
			(long long)a->id, got, a->status_note ? a->status_note : "interrupted");
	return 0;
}

/* The record's references: the caller's in memory, else the database's. */
static int load_record(fx_verify_ctx *c, const char *path)
{
	fx_verify_result *r = c->r;
	int64_t id;
	int rc;

	if (c->o->reference)
		c->acq = c->o->reference;
	else if ((rc = read_record(c, path)) != 0 || !c->acq)
		return rc;
	id = c->acq->id;
	r->acquisition_id = id;
	r->evidence_id = c->acq->evidence_id;
	if ((rc = fx_verify_text_set(&r->case_number, c->acq->rec.case_number)) != 0 ||
	    (rc = fx_verify_text_set(&r->evidence_number,
				     c->acq->rec.evidence.evidence_number)) != 0)
		return rc;
	if (c->acq->status == FX_STATUS_INTERRUPTED)
		return interrupted_record(c, path);
	if (c->acq->status != FX_STATUS_COMPLETED &&
	    c->acq->status != FX_STATUS_COMPLETED_WITH_ERRORS) {
		fx_verify_findf(r, FX_FIND_RECORD, FX_VERDICT_ERROR, FX_REF_CASEDB, NULL,
				"acquisition %lld is %s: its record has no final hashes to verify against",
				(long long)id, fx_status_name(c->acq->status));
		return record_files(c);
	}
	if (c->acq->result.n_files > 1 && c->acq->result.files[0].path &&
	    !same_name(path, c->acq->result.files[0].path)) {
		fx_verify_findf(r, FX_FIND_NOT_IMAGE, FX_VERDICT_ERROR, FX_REF_CASEDB, path,
				"%s is not the first file of its image (acquisition %lld begins with %s): give the first file",
				path, (long long)id, c->acq->result.files[0].path);
		return 0;
	}
	record_digests(r, &c->acq->result.hashes);
	r->recorded_bytes = c->acq->result.bytes;
	if ((rc = record_files(c)) != 0)
		return rc;
	return record_windows(c);
}

/* ---- references: TARGET.sha256 ------------------------------------------- */

/* The list being read, and whether the reading stopped for want of memory
 * (then not a list that cannot be read). */
typedef struct sha256_list {
	fx_verify_ctx *c;
	int failed;
} sha256_list;

static int sha256_entry(const char *sha256, const char *name, unsigned lineno,
			void *payload)
{
	sha256_list *l = payload;
	fx_verify_ctx *c = l->c;
	char dir[PATH_MAX], full[PATH_MAX * 2];
	fx_verify_file *f;

	if (!sha256) {
		fx_verify_findf(c->r, FX_FIND_RECORD, FX_VERDICT_ERROR, FX_REF_SHA256_FILE,
				c->r->sha256_file, "%s line %u is not \"<sha256>  <file>\"",
				c->r->sha256_file, lineno);
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", c->r->sha256_file);
	if (snprintf(full, sizeof(full), "%s/%s", dirname(dir), name) >= (int)sizeof(full))
		return 0;
	if (!(f = fx_verify_file_slot(c, full))) {
		l->failed = 1;
		return fx_error_set(FX_ERROR, "out of memory");
	}
	f->listed = 1;
	copy_hash(f->listed_sha256, sha256, 64);
	return 0;
}

static int load_sha256_file(fx_verify_ctx *c, const char *path)
{
	sha256_list l = { c, 0 };
	char file[PATH_MAX];
	int rc;

	if (c->o->reference && !c->o->sha256_file)
		return 0; /* a new image: its list is written after this */
	if (c->o->sha256_file)
		snprintf(file, sizeof(file), "%s", c->o->sha256_file);
	else
		fx_sha256_file_beside(file, sizeof(file), path);
	if ((rc = fx_verify_text_set(&c->r->sha256_file, file)) != 0)
		return rc;
	rc = fx_sha256_file_read(file, sha256_entry, &l);
	if (!rc || l.failed)
		return rc;
	c->r->sha256_file[0] = '\0'; /* none was read */
	if (rc != FX_ENOTFOUND || c->o->sha256_file)
		fx_verify_findf(c->r, FX_FIND_RECORD, FX_VERDICT_ERROR,
				FX_REF_SHA256_FILE, file, "%s", fx_error_last());
	return 0;
}

/* ---- the set ------------------------------------------------------------- */

/* How the acquisition wrote the image: that, not what the bytes look like,
 * decides how it is read (a raw image of a disk may hold an E01). */
static int recorded_format(const fx_casedb_acquisition_info *acq)
{
	const char *f = acq ? acq->rec.format : NULL;

	if (!f)
		return FX_IMAGE_AUTO;
	if (!strcmp(f, "raw"))
		return FX_IMAGE_RAW;
	if (!strcmp(f, "split-raw"))
		return FX_IMAGE_SPLIT_RAW;
	return !strcmp(f, "e01") ? FX_IMAGE_E01 : FX_IMAGE_AUTO;
}

/* The finding that says what made the image open fail: the image layer
 * says which file and how; a failure no file is to blame for is a read
 * error of the image. */
static int problem_finding(int kind)
{
	switch (kind) {
	case FX_IMAGE_PROBLEM_MISSING: return FX_FIND_MISSING;
	case FX_IMAGE_PROBLEM_NOT_IMAGE: return FX_FIND_NOT_IMAGE;
	case FX_IMAGE_PROBLEM_TRUNCATED: return FX_FIND_TRUNCATED;
	case FX_IMAGE_PROBLEM_CORRUPT: return FX_FIND_CORRUPT;
	default: return FX_FIND_READ_ERROR; /* unreadable, or none to blame */
	}
}

static int open_image(fx_verify_ctx *c, const char *path)
{
	fx_image_options io = FX_IMAGE_OPTIONS_INIT;
	fx_image_problem pb;
	fx_image_file *files = NULL;
	fx_verify_file *f;
	uint64_t at;
	size_t i, n;

	io.bypass_cache = c->o->bypass_cache;
	io.format = recorded_format(c->acq);
	io.threads = c->o->threads;
	io.problem = &pb;
	if (fx_image_open(&c->img, path, &io) != 0) {
		fx_verify_findf(c->r, problem_finding(pb.kind), FX_VERDICT_ERROR,
				FX_REF_NONE, pb.file[0] ? pb.file : path, "%s",
				fx_error_last());
		if (pb.kind == FX_IMAGE_PROBLEM_MISSING &&
		    (f = fx_verify_file_find(c, pb.file)))
			f->in_set = -1; /* said already */
		return 0;
	}
	c->r->format = fx_image_format(c->img);
	c->r->size = fx_source_get_info(c->img)->size;
	c->r->sector_size = fx_source_get_info(c->img)->logical_sector_size;
	fx_image_stored_hashes(c->img, &c->r->expected_e01);
	n = fx_image_files(c->img, NULL, 0);
	if (!(files = calloc(n ? n : 1, sizeof(*files))))
		return fx_error_set(FX_ERROR, "out of memory");
	fx_image_files(c->img, files, n);
	for (i = 0, at = 0; i < n; at += files[i].size, i++) {
		char *name = strdup(files[i].path); /* the name as found on disk */

		if (!name || !(f = fx_verify_file_slot(c, files[i].path))) {
			free(name);
			free(files);
			return fx_error_set(FX_ERROR, "out of memory");
		}
		free(f->path);
		f->path = name;
		f->present = 1;
		f->in_set = 1;
		f->size = files[i].size;
		f->media_offset = c->r->format == FX_IMAGE_E01 ? -1 : (int64_t)at;
	}
	free(files);
	return 0;
}

/* What the references say is the set, against what is on disk. */
static void check_file(fx_verify_ctx *c, fx_verify_file *f, int listed_any)
{
	struct stat st;

	if (!f->in_set && !f->present && stat(f->path, &st) == 0) {
		f->present = 1;
		f->size = (uint64_t)st.st_size;
	}
	if (!f->present && f->in_set == -1) {
		f->in_set = 0;
		return;
	}
	if (!f->present && (f->recorded || f->listed)) {
		fx_verify_findf(c->r, FX_FIND_MISSING, FX_VERDICT_ERROR,
				f->recorded ? FX_REF_CASEDB : FX_REF_SHA256_FILE, f->path,
				"image file %s is missing (%s)", f->path,
				f->recorded ? "recorded by the acquisition" : "listed in the .sha256 file");
		return;
	}
	if (!f->present)
		return;
	if (f->recorded && f->size < f->recorded_size)
		fx_verify_findf(c->r, FX_FIND_TRUNCATED, FX_VERDICT_ERROR, FX_REF_CASEDB, f->path,
				"image file %s is truncated: %llu bytes, recorded %llu",
				f->path, (unsigned long long)f->size,
				(unsigned long long)f->recorded_size);
	else if (f->recorded && f->size > f->recorded_size)
		fx_verify_findf(c->r, FX_FIND_SIZE, FX_VERDICT_MISMATCH, FX_REF_CASEDB, f->path,
				"image file %s is %llu bytes, recorded %llu: it has grown",
				f->path, (unsigned long long)f->size,
				(unsigned long long)f->recorded_size);
	if (f->in_set && !f->recorded && !f->listed && listed_any)
		fx_verify_findf(c->r, FX_FIND_EXTRA_FILE, FX_VERDICT_MISMATCH, FX_REF_NONE, f->path,
				"image file %s is part of the image, but neither the acquisition record nor the .sha256 file lists it",
				f->path);
	else if (!f->in_set && c->img)
		fx_verify_findf(c->r, FX_FIND_EXTRA_FILE, FX_VERDICT_MISMATCH, FX_REF_NONE, f->path,
				"image file %s is listed but is not part of the image as opened",
				f->path);
}

/* A split raw set that could not be opened: a NAME.NNN after the last
 * file the references list, which the reader took into the set, is named
 * (it is why the set no longer fits together). */
static void check_split_extra(fx_verify_ctx *c)
{
	fx_verify_result *r = c->r;
	char next[PATH_MAX];
	unsigned last = 0, n;
	size_t i, len = strlen(r->path);
	const char *dot;
	char *end;

	if (len < 4 || strcmp(r->path + len - 4, ".001") != 0)
		return;
	for (i = 0; i < r->nfiles; i++) {
		if (!r->files[i].recorded && !r->files[i].listed)
			continue;
		dot = strrchr(r->files[i].path, '.');
		n = dot ? (unsigned)strtoul(dot + 1, &end, 10) : 0;
		if (dot && !*end && n > last)
			last = n;
	}
	if (!last || last >= 999 ||
	    snprintf(next, sizeof(next), "%.*s%03u", (int)len - 3, r->path, last + 1) >= (int)sizeof(next) ||
	    access(next, F_OK) != 0)
		return;
	fx_verify_findf(r, FX_FIND_EXTRA_FILE, FX_VERDICT_MISMATCH, FX_REF_NONE, next,
			"image file %s follows the last file the references list, so the set no longer fits together",
			next);
}

static void check_set(fx_verify_ctx *c)
{
	fx_verify_result *r = c->r;
	char next[PATH_MAX];
	int listed_any = 0;
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		listed_any |= r->files[i].recorded || r->files[i].listed;
	for (i = 0; i < r->nfiles; i++)
		check_file(c, &r->files[i], listed_any);
	if (c->img && r->format == FX_IMAGE_E01 && r->nfiles &&
	    fx_ewf_next_name(next, sizeof(next), r->files[r->nfiles - 1].path) == 0 &&
	    access(next, F_OK) == 0 && !fx_verify_file_find(c, next))
		fx_verify_findf(r, FX_FIND_EXTRA_FILE, FX_VERDICT_MISMATCH, FX_REF_NONE, next,
				"%s follows the last segment of the image, which ends the set",
				next);
	if (!c->img && listed_any)
		check_split_extra(c);
}

/* ---- verdict ------------------------------------------------------------- */

static int is_reference_problem(int kind)
{
	return kind == FX_FIND_NO_RECORD || kind == FX_FIND_NO_REFERENCE ||
	       kind == FX_FIND_RECORD;
}

static int has_status(const fx_verify_result *r, fx_verdict status,
		      int reference_kinds)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].status == status &&
		    is_reference_problem(r->findings[i].kind) == reference_kinds)
			return 1;
	return 0;
}

static int has_kind(const fx_verify_result *r, int kind, fx_verdict status)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].kind == kind && r->findings[i].status == status)
			return 1;
	return 0;
}

/* The media was read to its last byte (its hashes were compared, or its
 * unreadable sectors are all known). */
static int media_read_whole(const fx_verify_result *r)
{
	return r->format && r->size && r->bytes == r->size;
}

static int decide(const fx_verify_ctx *c)
{
	const fx_verify_result *r = c->r;

	/* a whole file that is not what was recorded has changed, whatever
	 * else stopped the verification; a signal is no verdict */
	if (has_kind(r, FX_FIND_FILE_HASH, FX_VERDICT_MISMATCH))
		return FX_VERDICT_MISMATCH;
	/* so has media read to its end that differs or could not be read: a
	 * signal while the files are still being hashed does not hide it */
	if (c->interrupted && media_read_whole(r)) {
		if (has_kind(r, FX_FIND_HASH, FX_VERDICT_MISMATCH) ||
		    has_kind(r, FX_FIND_SIZE, FX_VERDICT_MISMATCH))
			return FX_VERDICT_MISMATCH;
		if (has_kind(r, FX_FIND_READ_ERROR, FX_VERDICT_ERROR))
			return FX_VERDICT_ERROR;
	}
	if (c->interrupted)
		return FX_VERDICT_INTERRUPTED;
	if (has_status(r, FX_VERDICT_ERROR, 0) || !r->hashed)
		return FX_VERDICT_ERROR;
	if (has_status(r, FX_VERDICT_MISMATCH, 0) || has_status(r, FX_VERDICT_MISMATCH, 1))
		return FX_VERDICT_MISMATCH;
	if (has_status(r, FX_VERDICT_ERROR, 1) || !(r->references & FX_REF_CASEDB))
		return FX_VERDICT_ERROR;
	return r->findings_dropped ? FX_VERDICT_MISMATCH : FX_VERDICT_VERIFIED;
}

/* The caller's options as this version reads them: an older caller's
 * struct ends before the newer fields, which keep their defaults. */
static int read_options(fx_verify_options *out, const fx_verify_options *opts)
{
	fx_verify_options defaults = FX_VERIFY_OPTIONS_INIT;

	*out = defaults;
	if (!opts)
		return 0;
	FX_CHECK_VERSION(opts, FX_VERIFY_OPTIONS_VERSION, "fx_verify_image: fx_verify_options");
	memcpy(out, opts, opts->version >= 2 ? sizeof(*out)
	       : offsetof(fx_verify_options, reference));
	/* a reference the caller built holds two versioned records: they
	 * follow the one rule as if given on their own */
	if (out->reference) {
		FX_CHECK_VERSION(&out->reference->rec, FX_CASEDB_ACQUISITION_VERSION,
				 "fx_verify_image: fx_casedb_acquisition");
		FX_CHECK_VERSION(&out->reference->result, FX_CASEDB_RESULT_VERSION,
				 "fx_verify_image: fx_casedb_result");
	}
	return 0;
}

static int check_options(const fx_verify_options *o)
{
	if (!(o->hash_algs & FX_HASH_ALL) || (o->hash_algs & ~FX_HASH_ALL))
		return fx_error_set(FX_EUSAGE, "no valid hash algorithm selected");
	if (!o->block_size || o->block_size % 4096 || o->block_size > (256u << 20))
		return fx_error_set(FX_EUSAGE, "block size %zu is not a multiple of 4096 up to 256 MiB",
				    o->block_size);
	if (o->retries > FX_ACQUIRE_MAX_RETRIES)
		return fx_error_set(FX_EUSAGE, "retries %u is more than %u", o->retries,
				    FX_ACQUIRE_MAX_RETRIES);
	if (o->file_hashes != FX_VERIFY_FILES_AUTO &&
	    o->file_hashes != FX_VERIFY_FILES_UNKNOWN)
		return fx_error_set(FX_EUSAGE, "unknown file_hashes %d", o->file_hashes);
	return 0;
}

/* The tap's sink, asked for once the set is known to be readable; a
 * refusal ends the verification before a byte is read. */
static int tap_ready(fx_verify_ctx *c)
{
	if (!c->tap)
		return 0;
	return c->tap->ready(c->tap->payload, c->r, &c->tap_sink);
}

int fx_verify_image(fx_verify_result *out, const char *path, fx_casedb *db,
		    const fx_verify_options *opts)
{
	return fx_verify_image_tap(out, path, db, opts, NULL);
}

int fx_verify_image_tap(fx_verify_result *out, const char *path, fx_casedb *db,
			const fx_verify_options *opts, const fx_verify_tap *tap)
{
	fx_verify_options o;
	fx_verify_ctx c;
	double start = now_s();
	int rc;

	FX_CHECK_ARG(out);
	memset(out, 0, sizeof(*out));
	FX_CHECK_ARG(path);
	memset(&c, 0, sizeof(c));
	c.r = out;
	c.o = &o;
	c.db = db;
	c.tap = tap;
	if ((rc = read_options(&o, opts)) != 0 || (rc = check_options(&o)) != 0)
		return rc;
	if ((rc = fx_verify_text_set(&out->path, path)) != 0 ||
	    (rc = fx_verify_text_set(&out->case_number, NULL)) != 0 ||
	    (rc = fx_verify_text_set(&out->evidence_number, NULL)) != 0 ||
	    (rc = fx_verify_text_set(&out->sha256_file, NULL)) != 0)
		goto done;
	if ((rc = load_record(&c, path)) != 0)
		goto done;
	/* not the first file, or an image known to be incomplete */
	if (has_status(out, FX_VERDICT_ERROR, 0) || c.unfinished) {
		out->status = FX_VERDICT_ERROR;
		goto done;
	}
	if ((rc = load_sha256_file(&c, path)) != 0 || (rc = open_image(&c, path)) != 0)
		goto done;
	check_set(&c);
	if (c.img && !has_status(out, FX_VERDICT_ERROR, 0)) {
		if ((rc = tap_ready(&c)) == 0)
			rc = fx_verify_hash(&c);
	} else /* the media cannot be read: its files still say what changed */
		rc = fx_verify_hash_files(&c);
	if (rc)
		goto done;
	fx_verify_compare(&c);
	out->status = decide(&c);
done:
	out->elapsed_s = now_s() - start;
	fx_source_free(c.img);
	fx_casedb_acquisition_info_free(c.acq_read);
	free(c.expected_windows);
	free(c.by_name);
	if (rc)
		fx_verify_result_clear(out);
	return rc;
}

/* ---- the record ---------------------------------------------------------- */

int fx_verify_record(fx_casedb *db, fx_verify_result *r, int64_t evidence_id,
		     const char *tool, const char *tool_version)
{
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	char *json = NULL;
	int rc;

	FX_CHECK_ARG(db);
	FX_CHECK_ARG(r);
	if (!r->acquisition_id && !evidence_id && !r->evidence_id)
		return fx_error_set(FX_ENOTFOUND,
				    "verification of %s: no acquisition or evidence to record it against",
				    r->path);
	if ((rc = fx_verify_result_json(&json, r)) != 0)
		return rc;
	v.acquisition_id = r->acquisition_id;
	v.evidence_id = r->acquisition_id ? 0 : evidence_id ? evidence_id : r->evidence_id;
	v.tool = tool;
	v.tool_version = tool_version;
	v.result = r->status;
	if (r->hashed) { /* the hashes of a partial read are of nothing */
		v.hashes = r->computed;
		v.windows = r->windows;
		v.n_windows = r->nwindows;
	}
	v.findings = json;
	rc = fx_casedb_verification_record(&r->verification_id, db, &v);
	free(json);
	return rc;
}
