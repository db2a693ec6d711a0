/*
 * Writing records: cases, evidence, acquisitions (begin and finish), the
 * image sets of an acquisition with copies, verifications, custody events
 * and exports.
 *
 * Each public function is one write (write_run, below): its arguments
 * checked (the required ones, the record's version, its fields), then one
 * transaction that takes the write lock, makes the writer's checks, inserts
 * the rows and appends the audit event that describes them
 * (fx_audit_record reads the rows back), so a record and its event exist
 * together or not at all. The functions differ only in their write_op:
 * what they check and which rows they insert. Values are always bound,
 * never pasted into SQL. A failure rolls the whole transaction back; the
 * database is then exactly as before the call.
 *
 * An acquisition is two transactions: begin (durable at once, status
 * running, owned by this process: host, pid, boot id, process start time)
 * and finish (status, hashes, files, bad sectors). A killed acquisition
 * stays "running" in the table; casedb_read.c reports it as interrupted
 * when its process is gone.
 *
 * The facts come in the vocabulary's types (types.h), as the pipeline
 * and the verifier produce them; what they say is not known ("" from a
 * source that does not expose it, a hash not computed, a flag FX_UNKNOWN)
 * is stored as NULL.
 *
 * Threading: per handle, like the rest of the module.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "casedb/casedb_int.h"
#include "base/error.h"

/* ---- one write ---- */

/* What a body returns when it found the record already there: nothing was
 * written, so there is no event (the ensure functions). */
#define FX_WRITE_FOUND 1

/* One public write function. */
struct write_op {
	const char *fn;             /* named in usage errors */
	int has_out;                /* it has an out argument (required) */
	const char *rec_arg;        /* its record argument (required); NULL:
				     * the function built the record itself */
	/* "fn: type" of a versioned record, whose first member is its
	 * version (up to max_version); NULL: not versioned */
	const char *version_name;
	unsigned int max_version;
	const char *action;         /* the event that describes the record */
	/* Checks the record's fields before the write lock (a refused call
	 * waits for nobody) and fills when, the record's time; ref is the
	 * record the call refers to. NULL: nothing to check. */
	int (*check)(char when[FX_TIME_MAX], const void *rec, int64_t ref);
	/* Inserts the rows inside the transaction; *id is the record the
	 * event describes, or FX_WRITE_FOUND. */
	int (*body)(int64_t *id, fx_casedb *db, const void *rec, int64_t ref,
		    const char *when);
};

/* The rows of one record and the event that describes them, inside the
 * caller's transaction; a write whose body writes other records first
 * (acquisition begin: its case and evidence item) runs their ops. */
static int write_record(int64_t *id, fx_casedb *db, const struct write_op *op,
			const void *rec, int64_t ref, const char *when)
{
	int rc = op->body(id, db, rec, ref, when);

	if (rc == FX_WRITE_FOUND)
		return 0;
	return rc ? rc : fx_audit_record(db, op->action, *id);
}

/* A public write, start to end. *out is set only when it succeeded. */
static int write_run(const struct write_op *op, int64_t *out, fx_casedb *db,
		     const void *rec, int64_t ref)
{
	char when[FX_TIME_MAX] = "";
	int64_t id = 0;
	int rc;

	if (op->has_out && !out)
		return fx_error_arg_missing(op->fn, "out");
	if (!db)
		return fx_error_arg_missing(op->fn, "db");
	if (op->rec_arg && !rec)
		return fx_error_arg_missing(op->fn, op->rec_arg);
	/* a versioned record's first member is its version (C11 6.7.2.1) */
	if (op->version_name &&
	    (rc = fx_error_version_check(*(const unsigned int *)rec,
					 op->max_version, op->version_name)))
		return rc;
	if (op->check && (rc = op->check(when, rec, ref)) != 0)
		return rc;
	if ((rc = fx_casedb_tx_begin(db)) != 0)
		return rc;
	rc = write_record(&id, db, op, rec, ref, when);
	if (!rc)
		rc = fx_casedb_tx_commit(db);
	if (rc)
		fx_casedb_tx_rollback(db);
	else if (out)
		*out = id;
	return rc;
}

/* ---- rows ---- */

static int need_text(const char *s, const char *what)
{
	if (!s || !*s)
		return fx_error_set(FX_EUSAGE, "%s is required", what);
	return 0;
}

/* Runs a prepared INSERT and returns the new row id in *out. */
static int insert_run(int64_t *out, fx_casedb *db, fx_stmt *st,
		      const char *what)
{
	if (fx_stmt_step(st) != FX_STORE_DONE)
		return fx_store_error(db->store, what);
	if (out)
		*out = fx_store_last_id(db->store);
	return 0;
}

/* Binds texts[0..n) to ?first, ?first+1, ... */
static int bind_texts(fx_casedb *db, fx_stmt *st, int first,
		      const char *const *texts, int n)
{
	int i, rc = 0;

	for (i = 0; !rc && i < n; i++)
		rc = fx_casedb_bind_text(db, st, first + i, texts[i]);
	return rc;
}

/* A source's text: "" is what the system did not expose, not recorded. */
static const char *exposed(const char *s)
{
	return s && *s ? s : NULL;
}

/* Binds the 11 identity fields to ?first.. in schema column order. */
static int bind_source(fx_casedb *db, fx_stmt *st, int first,
		       const fx_source_info *s)
{
	const char *texts[] = { exposed(s->vendor), exposed(s->model),
				exposed(s->serial), exposed(s->wwid) };
	int rc;

	rc = bind_texts(db, st, first, texts, 4);
	if (!rc)
		rc = fx_casedb_bind_u64(db, st, first + 4, s->size, 1);
	if (!rc)
		rc = fx_casedb_bind_u64(db, st, first + 5,
					s->logical_sector_size, 1);
	if (!rc)
		rc = fx_casedb_bind_u64(db, st, first + 6,
					s->physical_sector_size, 1);
	if (!rc)
		rc = fx_casedb_bind_flag(db, st, first + 7, s->removable);
	if (!rc)
		rc = fx_casedb_bind_flag(db, st, first + 8, s->rotational);
	if (!rc)
		rc = fx_casedb_bind_flag(db, st, first + 9, s->is_block_device);
	if (!rc)
		rc = fx_casedb_bind_text(db, st, first + 10,
					 exposed(s->hpa_dco));
	return rc;
}

/* ---- cases and evidence items ---- */

/* fx_casedb_case_ensure's arguments, as its record. */
struct case_rec {
	const char *number;
	const char *description;
};

static int case_check(char when[FX_TIME_MAX], const void *rec, int64_t ref)
{
	const struct case_rec *c = rec;

	(void)when;
	(void)ref;
	return need_text(c->number, "case number");
}

static int case_body(int64_t *id, fx_casedb *db, const void *rec,
		     int64_t ref, const char *when)
{
	const struct case_rec *c = rec;
	char now[FX_TIME_MAX];
	fx_stmt *st = NULL;
	const char *texts[3] = { c->number, c->description, now };
	int rc;

	(void)ref;
	(void)when;
	rc = fx_casedb_find_id(id, db, "SELECT id FROM cases WHERE "
			       "case_number = ?1", c->number, NULL, 0);
	if (rc != FX_ENOTFOUND)
		return rc ? rc : FX_WRITE_FOUND;
	fx_utc_now(now, sizeof(now), FX_UTC_MICRO);
	rc = fx_store_prepare(&st, db->store, "INSERT INTO cases (case_number, "
			      "description, created_utc) VALUES (?1, ?2, ?3)");
	if (!rc)
		rc = bind_texts(db, st, 1, texts, 3);
	if (!rc)
		rc = insert_run(id, db, st, "add case");
	fx_stmt_free(st);
	return rc;
}

static const struct write_op case_op = {
	"fx_casedb_case_ensure", 1, NULL, NULL, 0, "case.create",
	case_check, case_body
};

static int evidence_insert(int64_t *out, fx_casedb *db, int64_t case_id,
			   const fx_casedb_evidence *ev)
{
	char now[FX_TIME_MAX];
	fx_stmt *st = NULL;
	const char *texts[5] = { ev->evidence_number, ev->description,
				 ev->notes, ev->examiner, now };
	int rc;

	fx_utc_now(now, sizeof(now), FX_UTC_MICRO);
	rc = fx_store_prepare(&st, db->store, "INSERT INTO evidence (case_id, "
			      "evidence_number, description, notes, examiner, "
			      "created_utc, vendor, model, serial, wwid, "
			      "size_bytes, logical_sector_size, "
			      "physical_sector_size, removable, rotational, "
			      "is_block_device, hpa_dco) VALUES (?1, ?2, ?3, "
			      "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
			      "?14, ?15, ?16, ?17)");
	if (!rc)
		rc = fx_stmt_bind_int(st, 1, case_id) ? FX_ERROR : 0;
	if (!rc)
		rc = bind_texts(db, st, 2, texts, 5);
	if (!rc)
		rc = bind_source(db, st, 7, &ev->source);
	if (!rc)
		rc = insert_run(out, db, st, "add evidence");
	fx_stmt_free(st);
	return rc;
}

/* ref is the case. */
static int evidence_body(int64_t *id, fx_casedb *db, const void *rec,
			 int64_t case_id, const char *when)
{
	const fx_casedb_evidence *ev = rec;
	int64_t found = 0;
	int rc;

	(void)when;
	rc = need_text(ev->evidence_number, "evidence number");
	if (rc)
		return rc;
	rc = fx_casedb_find_id(&found, db, "SELECT id FROM cases WHERE id = ?3",
			       NULL, NULL, case_id);
	if (rc == FX_ENOTFOUND)
		return fx_error_set(FX_ENOTFOUND, "case database %s: no case "
				    "with id %lld", db->path, (long long)case_id);
	if (rc)
		return rc;
	rc = fx_casedb_find_id(id, db, "SELECT id FROM evidence WHERE "
			       "case_id = ?3 AND evidence_number = ?1",
			       ev->evidence_number, NULL, case_id);
	if (rc != FX_ENOTFOUND)
		return rc ? rc : FX_WRITE_FOUND;
	return evidence_insert(id, db, case_id, ev);
}

static const struct write_op evidence_op = {
	"fx_casedb_evidence_ensure", 1, "ev", NULL, 0, "evidence.create",
	NULL, evidence_body
};

int fx_casedb_case_ensure(int64_t *out, fx_casedb *db, const char *case_number,
			  const char *description)
{
	const struct case_rec c = { case_number, description };

	return write_run(&case_op, out, db, &c, 0);
}

int fx_casedb_evidence_ensure(int64_t *out, fx_casedb *db, int64_t case_id,
			      const fx_casedb_evidence *ev)
{
	return write_run(&evidence_op, out, db, ev, case_id);
}

/* ---- acquisitions ---- */

static int check_format(const char *format)
{
	if (format && (strcmp(format, "raw") == 0 ||
		       strcmp(format, "split-raw") == 0 ||
		       strcmp(format, "e01") == 0))
		return 0;
	return fx_error_set(FX_EUSAGE, "image format \"%.20s\" is not raw, "
			    "split-raw or e01", format ? format : "(none)");
}

static int acquisition_insert(int64_t *out, fx_casedb *db, int64_t ev_id,
			      const fx_casedb_acquisition *r, const char *start)
{
	char host[256], boot[64];
	int64_t ticks = 0;
	fx_stmt *st = NULL;
	const char *head[] = { r->tool, r->tool_version, r->library_versions,
		r->host ? r->host : db->host,
		r->operator_name ? r->operator_name : db->actor,
		r->command_line, r->parameters_json, r->format, r->compression };
	const fx_source_info *src = &r->evidence.source;
	const char *tail[] = { exposed(src->path) };
	const char *wb[] = { exposed(src->write_block_method),
		exposed(src->ro_before), exposed(src->ro_after), start, host };
	int rc;

	fx_casedb_sys_host(host);
	fx_casedb_self_identity(boot, &ticks);
	rc = fx_store_prepare(&st, db->store, "INSERT INTO acquisitions (evidence_id, "
			      "tool, tool_version, library_versions, host, operator, "
			      "command_line, parameters_json, format, compression, "
			      "segment_size, block_size, source_path, vendor, model, serial, "
			      "wwid, size_bytes, logical_sector_size, physical_sector_size, "
			      "removable, rotational, is_block_device, hpa_dco, "
			      "write_block_method, write_block_before, write_block_after, "
			      "start_utc, owner_host, owner_pid, owner_boot_id, "
			      "owner_start_ticks, optical) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
			      "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
			      "?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, "
			      "?32, ?33)");
	if (!rc)
		rc = fx_stmt_bind_int(st, 1, ev_id) ? FX_ERROR : 0;
	if (!rc)
		rc = bind_texts(db, st, 2, head, 9);
	if (!rc)
		rc = fx_casedb_bind_u64(db, st, 11, r->segment_size, 1);
	if (!rc)
		rc = fx_casedb_bind_u64(db, st, 12, r->block_size, 1);
	if (!rc)
		rc = bind_texts(db, st, 13, tail, 1);
	if (!rc)
		rc = bind_source(db, st, 14, &r->evidence.source);
	if (!rc)
		rc = bind_texts(db, st, 25, wb, 5);
	if (!rc)
		rc = fx_casedb_bind_flag(db, st, 33, src->optical);
	if (!rc) {
		fx_stmt_bind_int(st, 30, (int64_t)getpid());
		fx_stmt_bind_text(st, 31, boot[0] ? boot : NULL);
		if (ticks)
			fx_stmt_bind_int(st, 32, ticks);
		rc = insert_run(out, db, st, "add acquisition");
	}
	fx_stmt_free(st);
	return rc;
}

/* A case's description is recorded once, with the case (cases are
 * append-only). A different one given later, or one given for a case that
 * was recorded without, is refused (FX_EEXISTS), so that the record never
 * holds a description the examiner did not see stored; NULL: none given. */
static int case_description_check(fx_casedb *db, const char *number,
				  const char *description)
{
	fx_stmt *st = NULL;
	const char *have;
	int rc, step;

	if (!description)
		return 0;
	rc = fx_store_prepare(&st, db->store, "SELECT description FROM cases "
			      "WHERE case_number = ?1");
	if (rc)
		return rc;
	rc = fx_casedb_bind_text(db, st, 1, number);
	step = rc ? FX_STORE_DONE : fx_stmt_step(st);
	have = step == FX_STORE_ROW ? fx_stmt_text(st, 0) : NULL;
	if (!rc && step != FX_STORE_ROW && step != FX_STORE_DONE)
		rc = fx_store_error(db->store, "look up case");
	else if (!rc && step == FX_STORE_ROW && !have)
		rc = fx_error_set(FX_EEXISTS, "case \"%.200s\" is recorded "
				  "without a description; a case's description "
				  "is recorded once, when the case is made, so "
				  "\"%.300s\" is refused", number, description);
	else if (!rc && have && strcmp(have, description) != 0)
		rc = fx_error_set(FX_EEXISTS, "case \"%.200s\" is recorded "
				  "with the description \"%.300s\"; a case's "
				  "description is recorded once, when the case "
				  "is made, so \"%.300s\" is refused", number,
				  have, description);
	fx_stmt_free(st);
	return rc;
}

static int acquisition_check(char start[FX_TIME_MAX], const void *rec,
			     int64_t ref)
{
	const fx_casedb_acquisition *r = rec;
	int rc;

	(void)ref;
	rc = need_text(r->case_number, "case number");
	if (!rc)
		rc = need_text(r->evidence.evidence_number, "evidence number");
	if (!rc)
		rc = check_format(r->format);
	if (!rc)
		rc = fx_casedb_time_arg(start, r->start_utc, "start time");
	return rc;
}

/* The container files of a virtual-disk source (schema 5), in order. */
static int source_files_insert(fx_casedb *db, int64_t acq_id,
			       const fx_container_file *f, size_t n)
{
	static const char *const formats[] = { NULL, "vmdk", "vhd", "vhdx", "qcow2" };
	char value[65];
	fx_stmt *st = NULL;
	size_t i;
	int rc;

	if (n && !f)
		return fx_error_set(FX_EUSAGE, "fx_casedb_acquisition_begin: "
				    "%zu source files and no list", n);
	rc = n ? fx_store_prepare(&st, db->store, "INSERT INTO source_files "
				  "(acquisition_id, role, format, path, "
				  "size_bytes, sha256) VALUES (?1, ?2, ?3, ?4, "
				  "?5, ?6)") : 0;
	for (i = 0; !rc && i < n; i++) {
		fx_stmt_reset(st);
		fx_stmt_bind_int(st, 1, acq_id);
		rc = need_text(f[i].path, "source file path");
		if (!rc)
			rc = need_text(f[i].role, "source file role");
		if (!rc && (f[i].format < 1 || f[i].format > 4))
			rc = fx_error_set(FX_EUSAGE, "source file %.300s: format "
					  "%d is no container format", f[i].path,
					  f[i].format);
		if (!rc)
			rc = fx_casedb_hex_arg(value, f[i].sha256[0] ?
					       f[i].sha256 : NULL, 64,
					       "sha256 of a source file");
		if (!rc)
			rc = fx_casedb_bind_text(db, st, 2, f[i].role);
		if (!rc)
			rc = fx_casedb_bind_text(db, st, 3, formats[f[i].format]);
		if (!rc)
			rc = fx_casedb_bind_text(db, st, 4, f[i].path);
		if (!rc)
			rc = fx_casedb_bind_u64(db, st, 5, f[i].size, 0);
		if (!rc)
			rc = fx_casedb_bind_text(db, st, 6, value[0] ? value : NULL);
		if (!rc)
			rc = insert_run(NULL, db, st, "add source file");
	}
	fx_stmt_free(st);
	return rc;
}

/* The case and the evidence item (each with its event if new), then the
 * acquisition and its source's container files. */
static int acquisition_begin_body(int64_t *id, fx_casedb *db, const void *rec,
				  int64_t ref, const char *start)
{
	const fx_casedb_acquisition *r = rec;
	const struct case_rec c = { r->case_number, r->case_description };
	int64_t case_id = 0, ev_id = 0;
	int rc;

	(void)ref;
	rc = case_description_check(db, r->case_number, r->case_description);
	if (!rc)
		rc = write_record(&case_id, db, &case_op, &c, 0, NULL);
	if (!rc)
		rc = write_record(&ev_id, db, &evidence_op, &r->evidence,
				  case_id, NULL);
	if (!rc)
		rc = acquisition_insert(id, db, ev_id, r, start);
	if (!rc && r->version >= 2)
		rc = source_files_insert(db, *id, r->source_files,
					 r->n_source_files);
	return rc;
}

static const struct write_op acquisition_begin_op = {
	"fx_casedb_acquisition_begin", 1, "rec",
	"fx_casedb_acquisition_begin: fx_casedb_acquisition",
	FX_CASEDB_ACQUISITION_VERSION, "acquisition.start",
	acquisition_check, acquisition_begin_body
};

int fx_casedb_acquisition_begin(int64_t *out, fx_casedb *db,
				const fx_casedb_acquisition *rec)
{
	return write_run(&acquisition_begin_op, out, db, rec, 0);
}

/* One row of hashes, owned by an acquisition or by a verification. */
static int hash_insert(fx_casedb *db, fx_stmt *st, const char *algo,
		       const char *hex, const fx_window_hash *w)
{
	static const struct { const char *name; size_t len; } algos[] = {
		{ "md5", 32 }, { "sha1", 40 }, { "sha256", 64 } };
	char value[65], what[64];
	size_t i;
	int rc;

	for (i = 0; strcmp(algos[i].name, algo) != 0; i++)
		;
	snprintf(what, sizeof(what), "%s%s", algo, w ? " of a window" : "");
	rc = fx_casedb_hex_arg(value, hex, algos[i].len, what);
	if (rc)
		return rc;
	fx_stmt_reset(st);
	fx_stmt_bind_text(st, 3, algo);
	fx_stmt_bind_text(st, 4, value);   /* stepped before value goes */
	fx_stmt_bind_text(st, 5, w ? "window" : "image");
	fx_stmt_bind_null(st, 6);
	fx_stmt_bind_null(st, 7);
	if (w) {
		rc = fx_casedb_bind_u64(db, st, 6, w->offset, 0);
		if (!rc)
			rc = fx_casedb_bind_u64(db, st, 7, w->length, 0);
	}
	return rc ? rc : insert_run(NULL, db, st, "add hash");
}

/* The image hashes that were computed ("" was not) and every window. */
static int hashes_insert(fx_casedb *db, int64_t acq_id, int64_t ver_id,
			 const fx_digests *hs, const fx_window_hash *windows,
			 size_t n)
{
	fx_stmt *st = NULL;
	size_t i;
	int rc;

	rc = fx_store_prepare(&st, db->store, "INSERT INTO hashes (acquisition_id, "
			      "verification_id, algorithm, value, scope, "
			      "window_offset, window_length) VALUES (?1, ?2, "
			      "?3, ?4, ?5, ?6, ?7)");
	if (rc)
		goto done;
	if (acq_id)
		fx_stmt_bind_int(st, 1, acq_id);
	if (ver_id)
		fx_stmt_bind_int(st, 2, ver_id);
	if (hs->md5[0])
		rc = hash_insert(db, st, "md5", hs->md5, NULL);
	if (!rc && hs->sha1[0])
		rc = hash_insert(db, st, "sha1", hs->sha1, NULL);
	if (!rc && hs->sha256[0])
		rc = hash_insert(db, st, "sha256", hs->sha256, NULL);
	for (i = 0; !rc && i < n; i++)
		rc = hash_insert(db, st, "sha256", windows[i].sha256,
				 &windows[i]);
done:
	fx_stmt_free(st);
	return rc;
}

static int bad_ranges_insert(fx_casedb *db, int64_t acq_id,
			     const fx_bad_range *bad, size_t n)
{
	fx_stmt *st = NULL;
	size_t i;
	int rc;

	rc = fx_store_prepare(&st, db->store, "INSERT INTO bad_sectors "
			      "(acquisition_id, first_sector, sector_count) "
			      "VALUES (?1, ?2, ?3)");
	for (i = 0; !rc && i < n; i++) {
		fx_stmt_reset(st);
		fx_stmt_bind_int(st, 1, acq_id);
		rc = fx_casedb_bind_u64(db, st, 2, bad[i].first, 0);
		if (!rc && bad[i].count == 0)
			rc = fx_error_set(FX_EUSAGE, "bad sector range at %llu "
					  "has no sectors",
					  (unsigned long long)bad[i].first);
		if (!rc)
			rc = fx_casedb_bind_u64(db, st, 3, bad[i].count, 0);
		if (!rc)
			rc = insert_run(NULL, db, st, "add bad sector range");
	}
	fx_stmt_free(st);
	return rc;
}

/* Rows of image files, owned by owner_id (?1): path, size, SHA-256 and,
 * where the table has the column (allocated: 1), the allocated bytes (?5).
 * One writer for an acquisition's files and for a copy's; what names the
 * insert in a failure ("add image file"). */
static int file_rows_insert(fx_casedb *db, const char *sql, int64_t owner_id,
			    const fx_image_file *files, size_t n,
			    int allocated, const char *what)
{
	char value[65];
	fx_stmt *st = NULL;
	size_t i;
	int rc;

	rc = fx_store_prepare(&st, db->store, sql);
	for (i = 0; !rc && i < n; i++) {
		fx_stmt_reset(st);
		fx_stmt_bind_int(st, 1, owner_id);
		rc = need_text(files[i].path, "image file path");
		if (!rc)
			rc = fx_casedb_hex_arg(value, files[i].sha256[0] ?
					       files[i].sha256 : NULL, 64,
					       "sha256 of an image file");
		if (!rc)
			rc = fx_casedb_bind_text(db, st, 2, files[i].path);
		if (!rc)
			rc = fx_casedb_bind_u64(db, st, 3, files[i].size, 0);
		if (!rc)
			rc = fx_casedb_bind_text(db, st, 4,
						 value[0] ? value : NULL);
		if (allocated) {
			fx_stmt_bind_null(st, 5);
			if (!rc && files[i].allocated_known)
				rc = fx_casedb_bind_u64(db, st, 5,
							files[i].allocated, 0);
		}
		if (!rc)
			rc = insert_run(NULL, db, st, what);
	}
	fx_stmt_free(st);
	return rc;
}

static int files_insert(fx_casedb *db, int64_t acq_id,
			const fx_image_file *files, size_t n)
{
	return file_rows_insert(db, "INSERT INTO image_files "
				"(acquisition_id, path, size_bytes, sha256, "
				"allocated_bytes) VALUES (?1, ?2, ?3, ?4, ?5)",
				acq_id, files, n, 1, "add image file");
}

/* The acquisition must exist and still be running. */
static int finish_allowed(fx_casedb *db, int64_t acq_id)
{
	fx_stmt *st = NULL;
	int rc;

	rc = fx_store_prepare(&st, db->store, "SELECT status FROM acquisitions "
			      "WHERE id = ?1");
	if (rc)
		goto done;
	fx_stmt_bind_int(st, 1, acq_id);
	if (fx_stmt_step(st) != FX_STORE_ROW)
		rc = fx_error_set(FX_ENOTFOUND, "case database %s: no "
				  "acquisition with id %lld", db->path,
				  (long long)acq_id);
	else if (strcmp(fx_stmt_text(st, 0), "running"))
		rc = fx_error_set(FX_EEXISTS, "case database %s: acquisition "
				  "%lld is already finished (%s)", db->path,
				  (long long)acq_id, fx_stmt_text(st, 0));
done:
	fx_stmt_free(st);
	return rc;
}

/* ref is the acquisition. */
static int finish_check(char end[FX_TIME_MAX], const void *rec,
			int64_t acq_id)
{
	const fx_casedb_result *r = rec;

	if (r->status <= FX_STATUS_RUNNING || r->status > FX_STATUS_INTERRUPTED)
		return fx_error_set(FX_EUSAGE, "acquisition %lld: final status "
				    "%d is not a final status", (long long)acq_id,
				    (int)r->status);
	if ((r->n_bad && !r->bad) || (r->n_windows && !r->windows) ||
	    (r->n_files && !r->files))
		return fx_error_set(FX_EUSAGE, "acquisition %lld: a count is "
				    "set without its array", (long long)acq_id);
	return fx_casedb_time_arg(end, r->end_utc, "end time");
}

static int finish_body(int64_t *id, fx_casedb *db, const void *rec,
		       int64_t acq_id, const char *end)
{
	const fx_casedb_result *r = rec;
	fx_stmt *st = NULL;
	int rc;

	*id = acq_id;
	rc = finish_allowed(db, acq_id);
	if (!rc)
		rc = fx_store_prepare(&st, db->store, "UPDATE acquisitions SET "
				      "status = ?1, end_utc = ?2, "
				      "bytes_acquired = ?3, sector_size = ?4, "
				      "error = ?6 WHERE id = ?5");
	if (!rc) {
		fx_stmt_bind_text(st, 1, fx_status_name(r->status));
		fx_stmt_bind_text(st, 2, end);
		rc = fx_casedb_bind_u64(db, st, 3, r->bytes, 0);
	}
	if (!rc) {
		fx_casedb_bind_u64(db, st, 4, r->sector_size, 1);
		fx_stmt_bind_int(st, 5, acq_id);
		if (r->version >= 2 && r->error && r->status != FX_STATUS_COMPLETED &&
		    r->status != FX_STATUS_COMPLETED_WITH_ERRORS)
			fx_stmt_bind_text(st, 6, r->error);
		else
			fx_stmt_bind_null(st, 6);
		rc = insert_run(NULL, db, st, "finish acquisition");
	}
	fx_stmt_free(st);
	if (!rc)
		rc = bad_ranges_insert(db, acq_id, r->bad, r->n_bad);
	if (!rc)
		rc = hashes_insert(db, acq_id, 0, &r->hashes, r->windows,
				   r->n_windows);
	if (!rc)
		rc = files_insert(db, acq_id, r->files, r->n_files);
	return rc;
}

/* acquisition.close: acquisition.end (acquisition.finish with the error,
 * schema 3) with the image files' allocated bytes (schema 5) */
static const struct write_op finish_op = {
	"fx_casedb_acquisition_finish", 0, "result",
	"fx_casedb_acquisition_finish: fx_casedb_result",
	FX_CASEDB_RESULT_VERSION, "acquisition.close", finish_check, finish_body
};

int fx_casedb_acquisition_finish(fx_casedb *db, int64_t acq_id,
				 const fx_casedb_result *result)
{
	return write_run(&finish_op, NULL, db, result, acq_id);
}

/* ---- image sets (schema 4) ---- */

static int image_set_check(char when[FX_TIME_MAX], const void *rec,
			   int64_t acq_id)
{
	const fx_casedb_image_set *s = rec;
	int rc;

	(void)when;
	if (s->status <= FX_STATUS_RUNNING || s->status > FX_STATUS_INTERRUPTED)
		return fx_error_set(FX_EUSAGE, "acquisition %lld: image set status "
				    "%d is not a final status", (long long)acq_id,
				    (int)s->status);
	if ((rc = need_text(s->target, "image set target")) != 0 ||
	    (rc = check_format(s->format)) != 0)
		return rc;
	if (s->n_files && !s->files)
		return fx_error_set(FX_EUSAGE, "acquisition %lld: a count is "
				    "set without its array", (long long)acq_id);
	if (s->copy_number == 0 && s->n_files)
		return fx_error_set(FX_EUSAGE, "acquisition %lld: image set 0 "
				    "is TARGET, whose files are the acquisition's",
				    (long long)acq_id);
	return 0;
}

static int set_files_insert(fx_casedb *db, int64_t set_id,
			    const fx_image_file *files, size_t n)
{
	return file_rows_insert(db, "INSERT INTO image_set_files "
				"(image_set_id, path, size_bytes, sha256) "
				"VALUES (?1, ?2, ?3, ?4)",
				set_id, files, n, 0, "add image set file");
}

/* The acquisition exists, is finished, and has no such copy yet. */
static int image_set_allowed(fx_casedb *db, int64_t acq_id, unsigned copy)
{
	char status[32] = "";
	int64_t have = 0;
	fx_stmt *st = NULL;
	int rc;

	rc = fx_store_prepare(&st, db->store, "SELECT status, (SELECT count(*) "
			      "FROM image_sets WHERE acquisition_id = ?1 AND "
			      "copy_number = ?2) FROM acquisitions WHERE id = ?1");
	if (!rc) {
		fx_stmt_bind_int(st, 1, acq_id);
		fx_stmt_bind_int(st, 2, copy);
		if (fx_stmt_step(st) == FX_STORE_ROW) {
			snprintf(status, sizeof(status), "%s", fx_stmt_text(st, 0));
			have = fx_stmt_int(st, 1);
		}
	}
	fx_stmt_free(st);
	if (rc)
		return rc;
	if (!status[0])
		return fx_error_set(FX_ENOTFOUND, "case database %s: no "
				    "acquisition with id %lld", db->path,
				    (long long)acq_id);
	if (!strcmp(status, "running"))
		return fx_error_set(FX_EUSAGE, "case database %s: acquisition "
				    "%lld is still running: its image sets are "
				    "recorded once it is finished", db->path,
				    (long long)acq_id);
	if (have)
		return fx_error_set(FX_EEXISTS, "case database %s: acquisition "
				    "%lld has image set %u already", db->path,
				    (long long)acq_id, copy);
	return 0;
}

static int image_set_body(int64_t *id, fx_casedb *db, const void *rec,
			  int64_t acq_id, const char *when)
{
	const fx_casedb_image_set *s = rec;
	fx_stmt *st = NULL;
	int rc;

	(void)when;
	rc = image_set_allowed(db, acq_id, s->copy_number);
	if (!rc)
		rc = fx_store_prepare(&st, db->store, "INSERT INTO image_sets "
				      "(acquisition_id, copy_number, target, "
				      "format, status, bytes_written, failed_at, "
				      "error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
				      "?7, ?8)");
	if (!rc) {
		fx_stmt_bind_int(st, 1, acq_id);
		fx_stmt_bind_int(st, 2, s->copy_number);
		rc = fx_casedb_bind_text(db, st, 3, s->target);
	}
	if (!rc)
		rc = fx_casedb_bind_text(db, st, 4, s->format);
	if (!rc) {
		fx_stmt_bind_text(st, 5, fx_status_name(s->status));
		rc = fx_casedb_bind_u64(db, st, 6, s->bytes_written, 0);
	}
	if (!rc && s->failed_at != UINT64_MAX)
		rc = fx_casedb_bind_u64(db, st, 7, s->failed_at, 0);
	if (!rc)
		rc = fx_casedb_bind_text(db, st, 8, s->error);
	if (!rc)
		rc = insert_run(id, db, st, "add image set");
	fx_stmt_free(st);
	if (!rc)
		rc = set_files_insert(db, *id, s->files, s->n_files);
	return rc;
}

static const struct write_op image_set_op = {
	"fx_casedb_image_set_add", 1, "set",
	"fx_casedb_image_set_add: fx_casedb_image_set",
	FX_CASEDB_IMAGE_SET_VERSION, "image_set.record", image_set_check,
	image_set_body
};

int fx_casedb_image_set_add(int64_t *out, fx_casedb *db, int64_t acq_id,
			    const fx_casedb_image_set *set)
{
	return write_run(&image_set_op, out, db, set, acq_id);
}

/* ---- verifications and custody ---- */

static int verification_check(char when[FX_TIME_MAX], const void *rec,
			      int64_t ref)
{
	const fx_casedb_verification *v = rec;

	(void)ref;
	if (!strcmp(fx_verdict_name(v->result), "?") ||
	    (v->n_windows && !v->windows))
		return fx_error_set(FX_EUSAGE, "verification: result %d is not "
				    "a verdict, or windows missing",
				    (int)v->result);
	return fx_casedb_time_arg(when, v->time_utc, "verification time");
}

static int verification_body(int64_t *out, fx_casedb *db, const void *rec,
			     int64_t ref, const char *when)
{
	const fx_casedb_verification *v = rec;
	int64_t ev_id = v->evidence_id;
	fx_stmt *st = NULL;
	const char *texts[] = { when, v->actor ? v->actor : db->actor,
		v->host ? v->host : db->host, v->tool, v->tool_version,
		fx_verdict_name(v->result), v->findings };
	int rc = 0;

	(void)ref;
	if (v->acquisition_id) {
		rc = fx_casedb_find_id(&ev_id, db, "SELECT evidence_id FROM "
				       "acquisitions WHERE id = ?3", NULL, NULL,
				       v->acquisition_id);
		if (!rc && v->evidence_id && ev_id != v->evidence_id)
			rc = fx_error_set(FX_EUSAGE, "acquisition %lld is of "
					  "evidence %lld, not %lld",
					  (long long)v->acquisition_id,
					  (long long)ev_id,
					  (long long)v->evidence_id);
	} else {
		rc = fx_casedb_find_id(&ev_id, db, "SELECT id FROM evidence "
				       "WHERE id = ?3", NULL, NULL, ev_id);
	}
	if (rc == FX_ENOTFOUND)
		return fx_error_set(rc, "case database %s: verification of "
				    "unknown evidence %lld / acquisition %lld",
				    db->path, (long long)v->evidence_id,
				    (long long)v->acquisition_id);
	if (!rc)
		rc = fx_store_prepare(&st, db->store, "INSERT INTO verifications "
				      "(evidence_id, acquisition_id, time_utc, "
				      "actor, host, tool, tool_version, result, "
				      "findings) VALUES (?1, ?2, ?3, ?4, ?5, "
				      "?6, ?7, ?8, ?9)");
	if (!rc) {
		fx_stmt_bind_int(st, 1, ev_id);
		if (v->acquisition_id)
			fx_stmt_bind_int(st, 2, v->acquisition_id);
		rc = bind_texts(db, st, 3, texts, 7);
	}
	if (!rc)
		rc = insert_run(out, db, st, "add verification");
	fx_stmt_free(st);
	if (!rc)
		rc = hashes_insert(db, 0, *out, &v->hashes, v->windows,
				   v->n_windows);
	return rc;
}

static const struct write_op verification_op = {
	"fx_casedb_verification_record", 1, "v",
	"fx_casedb_verification_record: fx_casedb_verification",
	FX_CASEDB_VERIFICATION_VERSION, "verification.record",
	verification_check, verification_body
};

int fx_casedb_verification_record(int64_t *out, fx_casedb *db,
				  const fx_casedb_verification *v)
{
	return write_run(&verification_op, out, db, v, 0);
}

static int custody_check(char when[FX_TIME_MAX], const void *rec, int64_t ref)
{
	const fx_casedb_custody *c = rec;
	int rc;

	(void)ref;
	rc = need_text(c->to_party, "custody: receiving party");
	return rc ? rc : fx_casedb_time_arg(when, c->time_utc, "custody time");
}

static int custody_body(int64_t *out, fx_casedb *db, const void *rec,
			int64_t ref, const char *when)
{
	const fx_casedb_custody *c = rec;
	int64_t found = 0;
	fx_stmt *st = NULL;
	const char *texts[] = { c->from_party, c->to_party, c->location,
		c->reason, when, c->actor ? c->actor : db->actor };
	int rc;

	(void)ref;
	rc = fx_casedb_find_id(&found, db, "SELECT id FROM evidence WHERE "
			       "id = ?3", NULL, NULL, c->evidence_id);
	if (rc == FX_ENOTFOUND)
		return fx_error_set(rc, "case database %s: custody of unknown "
				    "evidence %lld", db->path,
				    (long long)c->evidence_id);
	if (!rc)
		rc = fx_store_prepare(&st, db->store, "INSERT INTO custody_events "
				      "(evidence_id, from_party, to_party, "
				      "location, reason, time_utc, actor) "
				      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!rc) {
		fx_stmt_bind_int(st, 1, c->evidence_id);
		rc = bind_texts(db, st, 2, texts, 6);
	}
	if (!rc)
		rc = insert_run(out, db, st, "add custody event");
	fx_stmt_free(st);
	return rc;
}

static const struct write_op custody_op = {
	"fx_casedb_custody_record", 1, "c",
	"fx_casedb_custody_record: fx_casedb_custody",
	FX_CASEDB_CUSTODY_VERSION, "custody.transfer", custody_check,
	custody_body
};

int fx_casedb_custody_record(int64_t *out, fx_casedb *db,
			     const fx_casedb_custody *c)
{
	return write_run(&custody_op, out, db, c, 0);
}

/* ---- exports ---- */

static int export_check(char when[FX_TIME_MAX], const void *rec, int64_t ref)
{
	const fx_casedb_export *e = rec;
	char hex[65];
	size_t i;
	int rc;

	(void)ref;
	if (!e->acquisition_id || !e->verification_id)
		return fx_error_set(FX_EUSAGE, "export: the acquisition and the "
				    "verification are required");
	if ((rc = need_text(e->format, "export: format")) != 0 ||
	    (rc = need_text(e->path, "export: path")) != 0)
		return rc;
	if (strcmp(e->format, "raw") && strcmp(e->format, "vhd") &&
	    strcmp(e->format, "vmdk"))
		return fx_error_set(FX_EUSAGE, "export: format %s is not raw, "
				    "vhd or vmdk", e->format);
	if (!e->media.sha256[0] || !e->n_files || !e->files)
		return fx_error_set(FX_EUSAGE, "export: the media's SHA-256 "
				    "and the files written are required");
	for (i = 0, rc = 0; !rc && i < e->n_files; i++) {
		rc = need_text(e->files[i].path, "export: file path");
		if (!rc && !e->files[i].sha256[0])
			rc = fx_error_set(FX_EUSAGE, "export: file %s has no "
					  "SHA-256", e->files[i].path);
		if (!rc)
			rc = fx_casedb_hex_arg(hex, e->files[i].sha256, 64,
					       "export: sha256 of a file");
	}
	return rc ? rc : fx_casedb_time_arg(when, e->time_utc, "export time");
}

/* The verification must be of the export's acquisition, and verified. */
static int export_refs(int64_t *ev_id, fx_casedb *db, const fx_casedb_export *e)
{
	int64_t acq = 0, ok = 0;
	int rc = fx_casedb_find_id(ev_id, db, "SELECT evidence_id FROM "
				   "acquisitions WHERE id = ?3", NULL, NULL,
				   e->acquisition_id);

	if (!rc)
		rc = fx_casedb_find_id(&acq, db, "SELECT acquisition_id FROM "
				       "verifications WHERE id = ?3", NULL, NULL,
				       e->verification_id);
	if (rc == FX_ENOTFOUND)
		return fx_error_set(rc, "case database %s: export of unknown "
				    "acquisition %lld / verification %lld",
				    db->path, (long long)e->acquisition_id,
				    (long long)e->verification_id);
	if (!rc)
		rc = fx_casedb_find_id(&ok, db, "SELECT count(*) FROM "
				       "verifications WHERE id = ?3 AND result "
				       "= 'verified'", NULL, NULL,
				       e->verification_id);
	if (!rc && (acq != e->acquisition_id || !ok))
		return fx_error_set(FX_EUSAGE, "export: verification %lld is "
				    "not a passed verification of acquisition "
				    "%lld", (long long)e->verification_id,
				    (long long)e->acquisition_id);
	return rc;
}

static int export_files_insert(fx_casedb *db, int64_t export_id,
			       const fx_casedb_export *e)
{
	char hex[65];
	fx_stmt *st = NULL;
	size_t i;
	int rc;

	rc = fx_store_prepare(&st, db->store, "INSERT INTO export_files "
			      "(export_id, path, size_bytes, sha256) VALUES "
			      "(?1, ?2, ?3, ?4)");
	for (i = 0; !rc && i < e->n_files; i++) {
		fx_stmt_reset(st);
		fx_stmt_bind_int(st, 1, export_id);
		rc = fx_casedb_hex_arg(hex, e->files[i].sha256, 64, "sha256");
		if (!rc)
			rc = fx_casedb_bind_text(db, st, 2, e->files[i].path);
		if (!rc)
			rc = fx_casedb_bind_u64(db, st, 3, e->files[i].size, 0);
		if (!rc)
			rc = fx_casedb_bind_text(db, st, 4, hex);
		if (!rc)
			rc = insert_run(NULL, db, st, "add export file");
	}
	fx_stmt_free(st);
	return rc;
}

static int export_body(int64_t *out, fx_casedb *db, const void *rec,
		       int64_t ref, const char *when)
{
	const fx_casedb_export *e = rec;
	char md5[33], sha1[41], sha256[65];
	const char *texts[] = { when, e->actor ? e->actor : db->actor,
		e->host ? e->host : db->host, e->tool, e->tool_version,
		e->format, e->path };
	int64_t ev_id = 0;
	fx_stmt *st = NULL;
	int rc;

	(void)ref;
	rc = export_refs(&ev_id, db, e);
	if (!rc)
		rc = fx_casedb_hex_arg(md5, e->media.md5[0] ? e->media.md5 : NULL,
				       32, "export: media MD5");
	if (!rc)
		rc = fx_casedb_hex_arg(sha1, e->media.sha1[0] ? e->media.sha1 : NULL,
				       40, "export: media SHA-1");
	if (!rc)
		rc = fx_casedb_hex_arg(sha256, e->media.sha256, 64,
				       "export: media SHA-256");
	if (!rc)
		rc = fx_store_prepare(&st, db->store, "INSERT INTO exports "
				      "(evidence_id, acquisition_id, "
				      "verification_id, time_utc, actor, host, "
				      "tool, tool_version, format, path, "
				      "media_bytes, md5, sha1, sha256) VALUES "
				      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
				      "?11, ?12, ?13, ?14)");
	if (!rc) {
		fx_stmt_bind_int(st, 1, ev_id);
		fx_stmt_bind_int(st, 2, e->acquisition_id);
		fx_stmt_bind_int(st, 3, e->verification_id);
		rc = bind_texts(db, st, 4, texts, 7);
	}
	if (!rc)
		rc = fx_casedb_bind_u64(db, st, 11, e->media_bytes, 0);
	if (!rc)
		rc = fx_casedb_bind_text(db, st, 12, md5[0] ? md5 : NULL);
	if (!rc)
		rc = fx_casedb_bind_text(db, st, 13, sha1[0] ? sha1 : NULL);
	if (!rc)
		rc = fx_casedb_bind_text(db, st, 14, sha256);
	if (!rc)
		rc = insert_run(out, db, st, "add export");
	fx_stmt_free(st);
	return rc ? rc : export_files_insert(db, *out, e);
}

static const struct write_op export_op = {
	"fx_casedb_export_record", 1, "e",
	"fx_casedb_export_record: fx_casedb_export",
	FX_CASEDB_EXPORT_VERSION, "export.record", export_check, export_body
};

int fx_casedb_export_record(int64_t *out, fx_casedb *db,
			    const fx_casedb_export *e)
{
	return write_run(&export_op, out, db, e, 0);
}

void fx_casedb_result_from_run(fx_casedb_result *out,
				const fx_acquire_result *r)
{
	static const fx_casedb_result init = FX_CASEDB_RESULT_INIT;

	*out = init;
	out->status = r->status;
	out->bytes = r->bytes;
	out->sector_size = r->sector_size;
	out->bad = r->bad;
	out->n_bad = r->nbad;
	out->hashes = r->digests;
	out->windows = r->windows;
	out->n_windows = r->nwindows;
	out->error = r->error; /* kept only for a failed or interrupted run */
}
