/*
 * Reading records back: look-ups by case and evidence number or by image
 * file, one acquisition with everything it recorded, the last verification,
 * and lists through callbacks.
 *
 * Records handed out own their strings in a small arena freed with the
 * record (get functions) or after the callback returns (list functions), so
 * a caller frees one thing. Each read is one read transaction, so a record
 * and its rows (hashes, files, bad sectors) come from the same snapshot even
 * while other processes write.
 *
 * Unfinished acquisitions: the row says "running" until finish. A reader
 * decides whether it is still running from the owner recorded at begin:
 * same host, same boot (boot_id), and a process with that pid whose start
 * time (from /proc/<pid>/stat) is the recorded one. If any of that differs,
 * the acquisition is reported as interrupted (never finished); the row is
 * not changed (fx_casedb_acquisition_finish can close it). On another host
 * it cannot be told and is reported as running, with a note saying so.
 *
 * Records are read back in the vocabulary's types: fx_source_info's texts
 * point into the arena (NULL: not recorded), hashes fill fx_digests and
 * fx_window_hash ("" when not recorded), image files are fx_image_file.
 *
 * Older schemas: a read-only handle reads a database of any version as it
 * is (casedb.c); a column that version lacks (acquisitions.error before
 * schema 3) is read as NULL, i.e. not recorded.
 *
 * Threading: per handle, like the rest of the module.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "casedb/casedb_int.h"
#include "base/arena.h"
#include "base/error.h"
#include "base/types_int.h"

/* Reads the columns of a row in order. */
struct cols {
	fx_stmt *st;
	int i;
	fx_arena *ar;
};

static const char *col_str(struct cols *c)
{
	return fx_arena_strdup(c->ar, fx_stmt_text(c->st, c->i++));
}

static int64_t col_int(struct cols *c)
{
	return fx_stmt_int(c->st, c->i++);
}

static int col_flag(struct cols *c)
{
	int null = fx_stmt_type(c->st, c->i) == FX_STORE_NULL;
	int v = (int)fx_stmt_int(c->st, c->i++);

	return null ? -1 : v;
}

/* The 11 identity columns, in schema order. */
#define FX_SOURCE_COLUMNS "vendor, model, serial, wwid, size_bytes, " \
	"logical_sector_size, physical_sector_size, removable, rotational, " \
	"is_block_device, hpa_dco"

/* A source as recorded: kind and is_partition are not (no such columns). */
static void col_source(struct cols *c, fx_source_info *s)
{
	static const fx_source_info none = FX_SOURCE_INFO_INIT;

	*s = none;
	s->vendor = col_str(c);
	s->model = col_str(c);
	s->serial = col_str(c);
	s->wwid = col_str(c);
	s->size = (uint64_t)col_int(c);
	s->logical_sector_size = (uint32_t)col_int(c);
	s->physical_sector_size = (uint32_t)col_int(c);
	s->removable = col_flag(c);
	s->rotational = col_flag(c);
	s->is_block_device = col_flag(c);
	s->hpa_dco = col_str(c);
}

/* ---- owner liveness ---- */

static int read_line(char *out, size_t n, const char *path)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(out, (int)n, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

/* Start time of a process in clock ticks since boot (field 22). */
static int proc_start_ticks(int64_t *out, int64_t pid)
{
	char path[64], line[1024], *p;
	int field;

	snprintf(path, sizeof(path), "/proc/%lld/stat", (long long)pid);
	if (read_line(line, sizeof(line), path) != 0)
		return -1;
	p = strrchr(line, ')');   /* the name may hold spaces and ')' */
	if (!p)
		return -1;
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -1;
	*out = strtoll(p + 1, NULL, 10);
	return 0;
}

void fx_casedb_self_identity(char boot_id[64], int64_t *start_ticks)
{
	if (read_line(boot_id, 64, "/proc/sys/kernel/random/boot_id") != 0)
		boot_id[0] = '\0';
	if (proc_start_ticks(start_ticks, (int64_t)getpid()) != 0)
		*start_ticks = 0;
}

void fx_casedb_owner_note(char *note, size_t note_size, int *gone,
			  const char *host, int64_t pid, const char *boot_id,
			  int64_t start_ticks, const char *this_host)
{
	char boot[64];
	int64_t ticks = 0;

	*gone = 0;
	if (strcmp(host, this_host) != 0) {
		snprintf(note, note_size, "running on host %s (pid %lld); "
			 "whether it is alive cannot be checked from host %s",
			 host, (long long)pid, this_host);
		return;
	}
	*gone = 1;
	if (boot_id && read_line(boot, sizeof(boot),
				 "/proc/sys/kernel/random/boot_id") == 0 &&
	    strcmp(boot, boot_id) != 0)
		snprintf(note, note_size, "interrupted (never finished): host "
			 "%s has restarted since", host);
	else if (proc_start_ticks(&ticks, pid) != 0 ||
		 (start_ticks && ticks != start_ticks))
		snprintf(note, note_size, "interrupted (never finished): "
			 "process %lld on host %s is gone", (long long)pid,
			 host);
	else {
		*gone = 0;
		snprintf(note, note_size, "running: process %lld on host %s",
			 (long long)pid, host);
	}
}

/* ---- acquisitions ---- */

/* A status word of another version is believed to be a failure. */
static fx_status status_parse(const char *s)
{
	return (fx_status)fx_status_from_name(s, FX_STATUS_FAILED);
}

/* The acquisition with its case and evidence item; error and optical are
 * the columns "a.error" and "a.optical", or "NULL" for a database older
 * than the column. */
#define FX_ACQ_SELECT(error, optical) "SELECT a.id, a.evidence_id, c.case_number, " \
	"c.description, e.evidence_number, e.description, e.notes, " \
	"e.examiner, a.operator, a.host, a.tool, a.tool_version, " \
	"a.library_versions, a.command_line, a.parameters_json, a.format, " \
	"a.compression, a.segment_size, a.block_size, a.source_path, " \
	"a.vendor, a.model, a.serial, a.wwid, a.size_bytes, " \
	"a.logical_sector_size, a.physical_sector_size, a.removable, " \
	"a.rotational, a.is_block_device, a.hpa_dco, a.write_block_method, " \
	"a.write_block_before, a.write_block_after, a.start_utc, a.status, " \
	"a.end_utc, a.bytes_acquired, a.sector_size, " error ", a.owner_host, " \
	"a.owner_pid, a.owner_boot_id, a.owner_start_ticks, " optical " " \
	"FROM acquisitions a JOIN evidence e ON e.id = a.evidence_id " \
	"JOIN cases c ON c.id = e.case_id "
#define FX_ACQ_BY_ID "WHERE a.id = ?1"
#define FX_ACQ_BY_EVIDENCE "WHERE ?1 = 0 OR a.evidence_id = ?1 ORDER BY a.id"

/* The statement that reads acquisitions (by id, or by evidence item) from
 * a database of db's schema version. */
static const char *acq_select(const fx_casedb *db, int by_evidence)
{
	static const char *const sql[3][2] = {
		{ FX_ACQ_SELECT("NULL", "NULL") FX_ACQ_BY_ID,
		  FX_ACQ_SELECT("NULL", "NULL") FX_ACQ_BY_EVIDENCE },
		{ FX_ACQ_SELECT("a.error", "NULL") FX_ACQ_BY_ID,
		  FX_ACQ_SELECT("a.error", "NULL") FX_ACQ_BY_EVIDENCE },
		{ FX_ACQ_SELECT("a.error", "a.optical") FX_ACQ_BY_ID,
		  FX_ACQ_SELECT("a.error", "a.optical") FX_ACQ_BY_EVIDENCE },
	};
	int level = db->version >= FX_SCHEMA_MEDIA ? 2
		    : db->version >= FX_SCHEMA_ACQ_ERROR;

	return sql[level][by_evidence != 0];
}

static void acq_columns(struct cols *c, fx_casedb_acquisition_info *a)
{
	fx_casedb_acquisition *r = &a->rec;
	fx_casedb_result *x = &a->result;
	fx_source_info *src = &r->evidence.source;
	const char *path;

	a->id = col_int(c);
	a->evidence_id = col_int(c);
	r->version = FX_CASEDB_ACQUISITION_VERSION;
	r->case_number = col_str(c);
	r->case_description = col_str(c);
	r->evidence.evidence_number = col_str(c);
	r->evidence.description = col_str(c);
	r->evidence.notes = col_str(c);
	r->evidence.examiner = col_str(c);
	r->operator_name = col_str(c);
	r->host = col_str(c);
	r->tool = col_str(c);
	r->tool_version = col_str(c);
	r->library_versions = col_str(c);
	r->command_line = col_str(c);
	r->parameters_json = col_str(c);
	r->format = col_str(c);
	r->compression = col_str(c);
	r->segment_size = (uint64_t)col_int(c);
	r->block_size = (uint32_t)col_int(c);
	path = col_str(c);
	col_source(c, src);
	src->path = path;
	src->write_block_method = col_str(c);
	src->ro_before = col_str(c);
	src->ro_after = col_str(c);
	r->start_utc = col_str(c);
	x->version = FX_CASEDB_RESULT_VERSION;
	x->status = status_parse(fx_stmt_text(c->st, c->i++));
	x->end_utc = col_str(c);
	x->bytes = (uint64_t)col_int(c);
	x->sector_size = (uint32_t)col_int(c);
	x->error = col_str(c);
	a->owner_host = col_str(c);
	a->owner_pid = col_int(c);
}

/* Decides status and status_note; the cursor is at owner_boot_id. */
static void acq_liveness(struct cols *c, fx_casedb_acquisition_info *a)
{
	char note[512], host[256];
	const char *boot = fx_stmt_text(c->st, c->i);
	int64_t ticks = fx_stmt_int(c->st, c->i + 1);
	int gone = 0;

	a->status = a->result.status;
	a->status_note = a->result.error; /* why it failed, if it said */
	if (a->result.status != FX_STATUS_RUNNING)
		return;
	fx_casedb_sys_host(host);
	fx_casedb_owner_note(note, sizeof(note), &gone, a->owner_host ?
			     a->owner_host : "", a->owner_pid, boot, ticks, host);
	if (gone)
		a->status = FX_STATUS_INTERRUPTED;
	a->status_note = fx_arena_strdup(c->ar, note);
}

/* Steps st (id bound as ?1) and calls row for each row. */
static int each_row(fx_casedb *db, fx_stmt *st,
		    int (*row)(fx_stmt *st, void *ctx), void *ctx)
{
	int step, rc = 0;

	while (!rc && (step = fx_stmt_step(st)) == FX_STORE_ROW)
		rc = row(st, ctx);
	if (!rc && step != FX_STORE_DONE)
		rc = fx_store_error(db->store, "read records");
	return rc;
}

struct children {
	fx_arena *ar;
	fx_casedb_result *x;
	fx_digests *hs;
	fx_window_hash **windows;
	size_t *n_windows, cap_windows;
	fx_bad_range *bad;
	size_t cap_bad;
	fx_image_file *files;
	size_t cap_files;
	fx_casedb_acquisition *rec;   /* its source_files (schema 5) */
	fx_container_file *sources;
	size_t cap_sources;
};

void fx_casedb_hex_col(char *out, size_t size, const char *value)
{
	size_t len = value ? strlen(value) : 0;

	if (len >= size)
		len = 0; /* not a hash of that field: not recorded */
	memcpy(out, value ? value : "", len);
	out[len] = '\0';
}

void fx_casedb_digest_col(fx_digests *d, const char *algo, const char *value)
{
	if (algo && strcmp(algo, "md5") == 0)
		fx_casedb_hex_col(d->md5, sizeof(d->md5), value);
	else if (algo && strcmp(algo, "sha1") == 0)
		fx_casedb_hex_col(d->sha1, sizeof(d->sha1), value);
	else
		fx_casedb_hex_col(d->sha256, sizeof(d->sha256), value);
	d->algs = (d->md5[0] ? FX_HASH_MD5 : 0) |
		  (d->sha1[0] ? FX_HASH_SHA1 : 0) |
		  (d->sha256[0] ? FX_HASH_SHA256 : 0);
}

static int hash_row(fx_stmt *st, void *ctx)
{
	struct children *k = ctx;
	const char *algo = fx_stmt_text(st, 0);
	const char *value = fx_stmt_text(st, 1);
	fx_window_hash *w;

	if (fx_stmt_type(st, 2) == FX_STORE_NULL) {
		fx_casedb_digest_col(k->hs, algo, value);
		return 0;
	}
	*k->windows = fx_arena_grow(k->ar, *k->windows, *k->n_windows,
				    &k->cap_windows, sizeof(**k->windows));
	if (!*k->windows)
		return k->ar->err;
	w = &(*k->windows)[(*k->n_windows)++];
	w->offset = (uint64_t)fx_stmt_int(st, 2);
	w->length = (uint64_t)fx_stmt_int(st, 3);
	fx_casedb_hex_col(w->sha256, sizeof(w->sha256), value);
	return k->ar->err;
}

static int bad_row(fx_stmt *st, void *ctx)
{
	struct children *k = ctx;

	k->bad = fx_arena_grow(k->ar, k->bad, k->x->n_bad, &k->cap_bad,
			       sizeof(*k->bad));
	if (!k->bad)
		return k->ar->err;
	k->bad[k->x->n_bad].first = (uint64_t)fx_stmt_int(st, 0);
	k->bad[k->x->n_bad++].count = (uint64_t)fx_stmt_int(st, 1);
	k->x->bad = k->bad;
	return 0;
}

static int file_row(fx_stmt *st, void *ctx)
{
	struct children *k = ctx;
	fx_image_file *f;

	k->files = fx_arena_grow(k->ar, k->files, k->x->n_files, &k->cap_files,
				 sizeof(*k->files));
	if (!k->files)
		return k->ar->err;
	f = &k->files[k->x->n_files++];
	f->path = fx_arena_strdup(k->ar, fx_stmt_text(st, 0));
	f->size = (uint64_t)fx_stmt_int(st, 1);
	fx_casedb_hex_col(f->sha256, sizeof(f->sha256), fx_stmt_text(st, 2));
	f->allocated_known = fx_stmt_type(st, 3) != FX_STORE_NULL;
	f->allocated = f->allocated_known ? (uint64_t)fx_stmt_int(st, 3) : 0;
	k->x->files = k->files;
	return k->ar->err;
}

/* One container file of a virtual-disk source; role and format are
 * the schema's words, the format made the source's number again. */
static int source_row(fx_stmt *st, void *ctx)
{
	static const char *const formats[] = { "raw", "vmdk", "vhd", "vhdx", "qcow2" };
	struct children *k = ctx;
	fx_container_file *f;
	const char *format = fx_stmt_text(st, 1);
	int i;

	k->sources = fx_arena_grow(k->ar, k->sources, k->rec->n_source_files,
				   &k->cap_sources, sizeof(*k->sources));
	if (!k->sources)
		return k->ar->err;
	f = &k->sources[k->rec->n_source_files++];
	memset(f, 0, sizeof(*f));
	f->role = fx_arena_strdup(k->ar, fx_stmt_text(st, 0));
	for (i = 1; i < 5; i++)
		if (format && strcmp(format, formats[i]) == 0)
			f->format = i;
	f->path = fx_arena_strdup(k->ar, fx_stmt_text(st, 2));
	f->size = (uint64_t)fx_stmt_int(st, 3);
	fx_casedb_hex_col(f->sha256, sizeof(f->sha256), fx_stmt_text(st, 4));
	k->rec->source_files = k->sources;
	return k->ar->err;
}

static int children_read(fx_casedb *db, const char *sql, int64_t id,
			 int (*row)(fx_stmt *, void *), void *k)
{
	fx_stmt *st = NULL;
	int rc;

	rc = fx_store_prepare(&st, db->store, sql);
	if (!rc) {
		fx_stmt_bind_int(st, 1, id);
		rc = each_row(db, st, row, k);
	}
	fx_stmt_free(st);
	return rc;
}

/* The image sets of an acquisition (schema 4) being read. */
struct sets {
	fx_arena *ar;
	fx_casedb_image_set *sets;
	int64_t *ids;
	size_t n, cap, cap_ids;
};

static int set_row(fx_stmt *st, void *ctx)
{
	struct sets *k = ctx;
	struct cols c = { st, 0, k->ar };
	fx_casedb_image_set *s;
	size_t cap = k->cap_ids;

	k->sets = fx_arena_grow(k->ar, k->sets, k->n, &k->cap, sizeof(*k->sets));
	k->ids = fx_arena_grow(k->ar, k->ids, k->n, &cap, sizeof(*k->ids));
	if (!k->sets || !k->ids)
		return k->ar->err;
	k->cap_ids = cap;
	s = &k->sets[k->n];
	memset(s, 0, sizeof(*s));
	s->version = FX_CASEDB_IMAGE_SET_VERSION;
	k->ids[k->n++] = col_int(&c);
	s->copy_number = (unsigned)col_int(&c);
	s->target = col_str(&c);
	s->format = col_str(&c);
	s->status = status_parse(fx_stmt_text(st, c.i++));
	s->bytes_written = (uint64_t)col_int(&c);
	s->failed_at = fx_stmt_type(st, c.i) == FX_STORE_NULL ? UINT64_MAX
			: (uint64_t)fx_stmt_int(st, c.i);
	c.i++;
	s->error = col_str(&c);
	return k->ar->err;
}

/* Reads the image sets of a, each copy with its files. */
static int image_sets_read(fx_casedb *db, fx_arena *ar,
			   fx_casedb_acquisition_info *a)
{
	struct sets k;
	struct children f;
	fx_casedb_result files;
	size_t i;
	int rc;

	if (db->version < FX_SCHEMA_IMAGE_SETS)
		return 0;
	memset(&k, 0, sizeof(k));
	k.ar = ar;
	rc = children_read(db, "SELECT id, copy_number, target, format, status, "
			   "bytes_written, failed_at, error FROM image_sets "
			   "WHERE acquisition_id = ?1 ORDER BY copy_number", a->id,
			   set_row, &k);
	for (i = 0; !rc && i < k.n; i++) {
		memset(&f, 0, sizeof(f));
		memset(&files, 0, sizeof(files));
		f.ar = ar;
		f.x = &files;
		/* a copy's storage is not recorded: not known */
		rc = children_read(db, "SELECT path, size_bytes, sha256, NULL "
				   "FROM image_set_files WHERE image_set_id = ?1 "
				   "ORDER BY id", k.ids[i], file_row, &f);
		k.sets[i].files = files.files;
		k.sets[i].n_files = files.n_files;
	}
	a->image_sets = k.sets;
	a->n_image_sets = k.n;
	return rc;
}

#define FX_HASH_ROWS "SELECT algorithm, value, window_offset, window_length " \
	"FROM hashes WHERE "

static int acq_children(fx_casedb *db, fx_arena *ar,
			fx_casedb_acquisition_info *a)
{
	struct children k;
	fx_window_hash *windows = NULL;
	int rc;

	memset(&k, 0, sizeof(k));
	k.ar = ar;
	k.x = &a->result;
	k.hs = &a->result.hashes;
	k.windows = &windows;
	k.n_windows = &a->result.n_windows;
	k.rec = &a->rec;
	rc = children_read(db, FX_HASH_ROWS "acquisition_id = ?1 ORDER BY id",
			   a->id, hash_row, &k);
	a->result.windows = windows;
	if (!rc)
		rc = children_read(db, "SELECT first_sector, sector_count FROM "
				   "bad_sectors WHERE acquisition_id = ?1 "
				   "ORDER BY first_sector, id", a->id, bad_row,
				   &k);
	if (!rc)
		rc = children_read(db, db->version >= FX_SCHEMA_MEDIA
				   ? "SELECT path, size_bytes, sha256, allocated_bytes "
				     "FROM image_files WHERE acquisition_id = ?1 "
				     "ORDER BY id"
				   : "SELECT path, size_bytes, sha256, NULL FROM "
				     "image_files WHERE acquisition_id = ?1 "
				     "ORDER BY id", a->id, file_row, &k);
	if (!rc && db->version >= FX_SCHEMA_SOURCE_FILES)
		rc = children_read(db, "SELECT role, format, path, size_bytes, "
				   "sha256 FROM source_files WHERE "
				   "acquisition_id = ?1 ORDER BY id", a->id,
				   source_row, &k);
	return rc ? rc : image_sets_read(db, ar, a);
}

/* Fills a from the current row of an acq_select() statement. */
static int acq_from_row(fx_casedb_acquisition_info *a, fx_arena *ar,
			fx_casedb *db, fx_stmt *st)
{
	struct cols c = { st, 0, ar };

	acq_columns(&c, a);
	acq_liveness(&c, a);
	c.i += 2; /* owner_boot_id, owner_start_ticks: read by acq_liveness */
	a->rec.evidence.source.optical = col_flag(&c);
	return ar->err ? ar->err : acq_children(db, ar, a);
}

struct acq_holder {
	fx_casedb_acquisition_info info;   /* first: freed through it */
	fx_arena arena;
};

int fx_casedb_acquisition_get(fx_casedb_acquisition_info **out, fx_casedb *db,
			      int64_t acq_id)
{
	struct acq_holder *h = NULL;
	fx_stmt *st = NULL;
	int rc;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(db);
	*out = NULL;
	rc = fx_casedb_read_begin(db);
	if (rc)
		return rc;
	h = calloc(1, sizeof(*h));
	rc = h ? fx_store_prepare(&st, db->store, acq_select(db, 0))
	       : fx_error_set(FX_ERROR, "out of memory");
	if (rc)
		goto done;
	fx_stmt_bind_int(st, 1, acq_id);
	if (fx_stmt_step(st) != FX_STORE_ROW) {
		rc = fx_error_set(FX_ENOTFOUND, "case database %s: no "
				  "acquisition with id %lld", db->path,
				  (long long)acq_id);
		goto done;
	}
	rc = acq_from_row(&h->info, &h->arena, db, st);
done:
	fx_stmt_free(st);
	fx_casedb_tx_rollback(db);
	if (rc && h) {
		fx_arena_free(&h->arena);
		free(h);
	} else if (!rc) {
		*out = &h->info;
	}
	return rc;
}

void fx_casedb_acquisition_info_free(fx_casedb_acquisition_info *a)
{
	struct acq_holder *h = (struct acq_holder *)a;

	if (!h)
		return;
	fx_arena_free(&h->arena);
	free(h);
}

/* ---- look-ups ---- */

int fx_casedb_case_find(int64_t *out, fx_casedb *db, const char *case_number)
{
	int rc;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(db);
	FX_CHECK_ARG(case_number);
	rc = fx_casedb_find_id(out, db, "SELECT id FROM cases WHERE "
			       "case_number = ?1", case_number, NULL, 0);
	if (rc == FX_ENOTFOUND)
		fx_error_set(rc, "case database %s: no case \"%.80s\"",
			     db->path, case_number);
	return rc;
}

int fx_casedb_evidence_find(int64_t *out, fx_casedb *db,
			    const char *case_number,
			    const char *evidence_number)
{
	int rc;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(db);
	FX_CHECK_ARG(case_number);
	FX_CHECK_ARG(evidence_number);
	rc = fx_casedb_find_id(out, db, "SELECT e.id FROM evidence e JOIN "
			       "cases c ON c.id = e.case_id WHERE "
			       "c.case_number = ?1 AND e.evidence_number = ?2",
			       case_number, evidence_number, 0);
	if (rc == FX_ENOTFOUND)
		fx_error_set(rc, "case database %s: no evidence \"%.80s\" in "
			     "case \"%.80s\"", db->path, evidence_number,
			     case_number);
	return rc;
}

int fx_casedb_acquisition_find_by_file(int64_t *out, fx_casedb *db,
				       const char *path)
{
	static const char sql1[] = "SELECT acquisition_id FROM image_files "
		"WHERE path = ?1 ORDER BY acquisition_id DESC LIMIT 1";
	/* schema 4: a copy's files too */
	static const char sql4[] = "SELECT acquisition_id FROM image_files "
		"WHERE path = ?1 UNION ALL SELECT s.acquisition_id FROM "
		"image_set_files f JOIN image_sets s ON s.id = f.image_set_id "
		"WHERE f.path = ?1 ORDER BY 1 DESC LIMIT 1";
	const char *sql;
	char real[PATH_MAX];
	int rc;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(db);
	FX_CHECK_ARG(path);
	sql = db->version >= FX_SCHEMA_IMAGE_SETS ? sql4 : sql1;
	rc = fx_casedb_find_id(out, db, sql, path, NULL, 0);
	if (rc == FX_ENOTFOUND && realpath(path, real))
		rc = fx_casedb_find_id(out, db, sql, real, NULL, 0);
	if (rc == FX_ENOTFOUND)
		fx_error_set(rc, "case database %s: no acquisition wrote image "
			     "file %s", db->path, path);
	return rc;
}

/* ---- verifications ---- */

struct ver_holder {
	fx_casedb_verification_info info;  /* first: freed through it */
	fx_arena arena;
};

static void ver_columns(struct cols *c, fx_casedb_verification_info *v)
{
	fx_casedb_verification *r = &v->rec;

	v->id = col_int(c);
	r->version = FX_CASEDB_VERIFICATION_VERSION;
	r->evidence_id = col_int(c);
	r->acquisition_id = col_int(c);
	r->time_utc = col_str(c);
	r->actor = col_str(c);
	r->host = col_str(c);
	r->tool = col_str(c);
	r->tool_version = col_str(c);
	r->result = (fx_verdict)fx_verdict_from_name(
		fx_stmt_text(c->st, c->i++), FX_VERDICT_ERROR);
	r->findings = col_str(c);
}

static int ver_read(struct ver_holder *h, fx_casedb *db, int64_t acq_id)
{
	struct cols c = { NULL, 0, &h->arena };
	struct children k;
	fx_window_hash *windows = NULL;
	int rc;

	rc = fx_store_prepare(&c.st, db->store, "SELECT id, evidence_id, "
			      "acquisition_id, time_utc, actor, host, tool, "
			      "tool_version, result, findings FROM "
			      "verifications WHERE acquisition_id = ?1 "
			      "ORDER BY id DESC LIMIT 1");
	if (rc)
		goto done;
	fx_stmt_bind_int(c.st, 1, acq_id);
	if (fx_stmt_step(c.st) != FX_STORE_ROW) {
		rc = fx_error_set(FX_ENOTFOUND, "case database %s: acquisition "
				  "%lld has no verification", db->path,
				  (long long)acq_id);
		goto done;
	}
	ver_columns(&c, &h->info);
	memset(&k, 0, sizeof(k));
	k.ar = &h->arena;
	k.hs = &h->info.rec.hashes;
	k.windows = &windows;
	k.n_windows = &h->info.rec.n_windows;
	rc = h->arena.err ? h->arena.err
			  : children_read(db, FX_HASH_ROWS "verification_id "
					  "= ?1 ORDER BY id", h->info.id,
					  hash_row, &k);
	h->info.rec.windows = windows;
done:
	fx_stmt_free(c.st);
	return rc;
}

int fx_casedb_verification_last(fx_casedb_verification_info **out,
				fx_casedb *db, int64_t acq_id)
{
	struct ver_holder *h;
	int rc;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(db);
	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return fx_error_set(FX_ERROR, "out of memory");
	rc = fx_casedb_read_begin(db);
	if (!rc) {
		rc = ver_read(h, db, acq_id);
		fx_casedb_tx_rollback(db);
	}
	if (rc) {
		fx_arena_free(&h->arena);
		free(h);
		return rc;
	}
	*out = &h->info;
	return 0;
}

void fx_casedb_verification_info_free(fx_casedb_verification_info *v)
{
	struct ver_holder *h = (struct ver_holder *)v;

	if (!h)
		return;
	fx_arena_free(&h->arena);
	free(h);
}

/* ---- lists ---- */

/* Runs sql (?1 = filter id, 0 = all) in a read transaction and calls
 * emit(row) for each row with a fresh arena. */
typedef void (*fx_any_fn)(void);

struct lister {
	fx_casedb *db;
	int (*emit)(struct lister *l, fx_stmt *st, fx_arena *ar);
	fx_any_fn cb;    /* the caller's callback, cast back by emit */
	void *payload;
};

static int list_rows(struct lister *l, const char *sql, int64_t filter)
{
	fx_arena ar = FX_ARENA_INIT;
	fx_stmt *st = NULL;
	int rc, step = FX_STORE_DONE;

	rc = fx_casedb_read_begin(l->db);
	if (rc)
		return rc;
	rc = fx_store_prepare(&st, l->db->store, sql);
	if (rc)
		goto done;
	fx_stmt_bind_int(st, 1, filter);
	while (!rc && (step = fx_stmt_step(st)) == FX_STORE_ROW) {
		rc = l->emit(l, st, &ar);
		fx_arena_free(&ar);
		ar.err = 0;
	}
	if (!rc && step != FX_STORE_DONE)
		rc = fx_store_error(l->db->store, "list records");
done:
	fx_stmt_free(st);
	fx_casedb_tx_rollback(l->db);
	return rc;
}

static int emit_case(struct lister *l, fx_stmt *st, fx_arena *ar)
{
	struct cols c = { st, 0, ar };
	fx_casedb_case_info info;

	info.id = col_int(&c);
	info.case_number = col_str(&c);
	info.description = col_str(&c);
	info.created_utc = col_str(&c);
	return ar->err ? ar->err
		       : ((fx_casedb_case_cb)l->cb)(&info, l->payload);
}

static int emit_evidence(struct lister *l, fx_stmt *st, fx_arena *ar)
{
	struct cols c = { st, 0, ar };
	fx_casedb_evidence_info info;

	info.id = col_int(&c);
	info.case_id = col_int(&c);
	info.case_number = col_str(&c);
	info.created_utc = col_str(&c);
	info.evidence.evidence_number = col_str(&c);
	info.evidence.description = col_str(&c);
	info.evidence.notes = col_str(&c);
	info.evidence.examiner = col_str(&c);
	col_source(&c, &info.evidence.source);
	return ar->err ? ar->err
		       : ((fx_casedb_evidence_cb)l->cb)(&info, l->payload);
}

static int emit_acquisition(struct lister *l, fx_stmt *st, fx_arena *ar)
{
	fx_casedb_acquisition_info info;
	int rc;

	memset(&info, 0, sizeof(info));
	rc = acq_from_row(&info, ar, l->db, st);
	return rc ? rc : ((fx_casedb_acquisition_cb)l->cb)(&info, l->payload);
}

static int emit_custody(struct lister *l, fx_stmt *st, fx_arena *ar)
{
	struct cols c = { st, 0, ar };
	fx_casedb_custody_info info;

	info.id = col_int(&c);
	info.rec.version = FX_CASEDB_CUSTODY_VERSION;
	info.rec.evidence_id = col_int(&c);
	info.rec.from_party = col_str(&c);
	info.rec.to_party = col_str(&c);
	info.rec.location = col_str(&c);
	info.rec.reason = col_str(&c);
	info.rec.time_utc = col_str(&c);
	info.rec.actor = col_str(&c);
	return ar->err ? ar->err
		       : ((fx_casedb_custody_cb)l->cb)(&info, l->payload);
}

int fx_casedb_case_list(fx_casedb *db, fx_casedb_case_cb cb, void *payload)
{
	struct lister l = { db, emit_case, (fx_any_fn)cb, payload };

	FX_CHECK_ARG(db);
	FX_CHECK_ARG(cb);
	return list_rows(&l, "SELECT id, case_number, description, "
			 "created_utc FROM cases WHERE ?1 = 0 ORDER BY id", 0);
}

int fx_casedb_evidence_list(fx_casedb *db, int64_t case_id,
			    fx_casedb_evidence_cb cb, void *payload)
{
	struct lister l = { db, emit_evidence, (fx_any_fn)cb, payload };

	FX_CHECK_ARG(db);
	FX_CHECK_ARG(cb);
	return list_rows(&l, "SELECT e.id, e.case_id, c.case_number, "
			 "e.created_utc, e.evidence_number, e.description, "
			 "e.notes, e.examiner, e." FX_SOURCE_COLUMNS " FROM "
			 "evidence e JOIN cases c ON c.id = e.case_id WHERE "
			 "?1 = 0 OR e.case_id = ?1 ORDER BY e.id", case_id);
}

int fx_casedb_acquisition_list(fx_casedb *db, int64_t evidence_id,
			       fx_casedb_acquisition_cb cb, void *payload)
{
	struct lister l = { db, emit_acquisition, (fx_any_fn)cb, payload };

	FX_CHECK_ARG(db);
	FX_CHECK_ARG(cb);
	return list_rows(&l, acq_select(db, 1), evidence_id);
}

int fx_casedb_custody_list(fx_casedb *db, int64_t evidence_id,
			   fx_casedb_custody_cb cb, void *payload)
{
	struct lister l = { db, emit_custody, (fx_any_fn)cb, payload };

	FX_CHECK_ARG(db);
	FX_CHECK_ARG(cb);
	return list_rows(&l, "SELECT id, evidence_id, from_party, to_party, "
			 "location, reason, time_utc, actor FROM "
			 "custody_events WHERE evidence_id = ?1 ORDER BY id",
			 evidence_id);
}

/* ---- exports ---- */

struct export_files {
	fx_arena *ar;
	fx_image_file *files;
	size_t n, cap;
};

static int export_file_row(fx_stmt *st, void *ctx)
{
	struct export_files *k = ctx;
	fx_image_file *f;

	k->files = fx_arena_grow(k->ar, k->files, k->n, &k->cap, sizeof(*k->files));
	if (!k->files)
		return k->ar->err;
	f = &k->files[k->n++];
	f->path = fx_arena_strdup(k->ar, fx_stmt_text(st, 0));
	f->size = (uint64_t)fx_stmt_int(st, 1);
	fx_casedb_hex_col(f->sha256, sizeof(f->sha256), fx_stmt_text(st, 2));
	return k->ar->err;
}

static int emit_export(struct lister *l, fx_stmt *st, fx_arena *ar)
{
	struct cols c = { st, 0, ar };
	struct export_files k = { ar, NULL, 0, 0 };
	fx_casedb_export_info info;
	fx_stmt *fs = NULL;
	int rc;

	memset(&info, 0, sizeof(info));
	info.id = col_int(&c);
	info.evidence_id = col_int(&c);
	info.rec.version = FX_CASEDB_EXPORT_VERSION;
	info.rec.acquisition_id = col_int(&c);
	info.rec.verification_id = col_int(&c);
	info.rec.time_utc = col_str(&c);
	info.rec.actor = col_str(&c);
	info.rec.host = col_str(&c);
	info.rec.tool = col_str(&c);
	info.rec.tool_version = col_str(&c);
	info.rec.format = col_str(&c);
	info.rec.path = col_str(&c);
	info.rec.media_bytes = (uint64_t)col_int(&c);
	fx_casedb_digest_col(&info.rec.media, "md5", fx_stmt_text(st, c.i++));
	fx_casedb_digest_col(&info.rec.media, "sha1", fx_stmt_text(st, c.i++));
	fx_casedb_digest_col(&info.rec.media, "sha256", fx_stmt_text(st, c.i++));
	rc = fx_store_prepare(&fs, l->db->store, "SELECT path, size_bytes, "
			      "sha256 FROM export_files WHERE export_id = ?1 "
			      "ORDER BY id");
	if (!rc) {
		fx_stmt_bind_int(fs, 1, info.id);
		rc = each_row(l->db, fs, export_file_row, &k);
	}
	fx_stmt_free(fs);
	info.rec.files = k.files;
	info.rec.n_files = k.n;
	if (!rc)
		rc = ar->err;
	return rc ? rc : ((fx_casedb_export_cb)l->cb)(&info, l->payload);
}

int fx_casedb_export_list(fx_casedb *db, int64_t evidence_id,
			  fx_casedb_export_cb cb, void *payload)
{
	struct lister l = { db, emit_export, (fx_any_fn)cb, payload };

	FX_CHECK_ARG(db);
	FX_CHECK_ARG(cb);
	if (db->version < FX_SCHEMA_EXPORTS)
		return 0; /* read as it is: no export was ever recorded */
	return list_rows(&l, "SELECT id, evidence_id, acquisition_id, "
			 "verification_id, time_utc, actor, host, tool, "
			 "tool_version, format, path, media_bytes, md5, sha1, "
			 "sha256 FROM exports WHERE ?1 = 0 OR evidence_id = ?1 "
			 "ORDER BY id", evidence_id);
}
