/*
 * Checkpoints and resumes of an acquisition (acquire --resume). Both are
 * audit events of their own, with no table: an event is append-only,
 * hash-chained and signed like every other, which is all a checkpoint
 * needs to be trusted on resume, and an acquisition keeps its one row
 * (still "running" until the resumed run finishes it, once).
 *
 * acquisition.checkpoint: {"acquisition_id", "bad": [[first, count]...],
 * "md5", "note", "offset", "sha1", "sha256", "source_head_sha256",
 * "source_tail_sha256", "target"}: the image at target holds media
 * [0, offset) on storage, with those prefix digests and unreadable ranges;
 * the SHA-256 of the source's first and last MiB name the source.
 * acquisition.resume: {"acquisition_id", "from_byte", "pid"}; the event's
 * time, actor and host say when and by whom.
 *
 * Reading scans these events newest first: linear in the checkpoints and
 * resumes recorded, a handful per acquisition-hour.
 *
 * Threading: the caller's handle, one thread at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/json.h"
#include "casedb/casedb_int.h"

/* The acquisition must exist and be unfinished. */
static int running_check(fx_casedb *db, int64_t acq_id)
{
	fx_stmt *st = NULL;
	int rc = fx_store_prepare(&st, db->store, "SELECT status FROM "
				  "acquisitions WHERE id = ?1");

	if (rc)
		return rc;
	fx_stmt_bind_int(st, 1, acq_id);
	if (fx_stmt_step(st) != FX_STORE_ROW)
		rc = fx_error_set(FX_ENOTFOUND, "case database %s: no acquisition "
				  "with id %lld", db->path, (long long)acq_id);
	else if (strcmp(fx_stmt_text(st, 0), "running"))
		rc = fx_error_set(FX_EEXISTS, "case database %s: acquisition %lld "
				  "is finished (%s)", db->path, (long long)acq_id,
				  fx_stmt_text(st, 0));
	fx_stmt_free(st);
	return rc;
}

/* Appends one event in its own write transaction, for a running
 * acquisition. */
static int append_event(fx_casedb *db, int64_t acq_id, const char *action,
			fx_json *j)
{
	int rc;

	if (j->err)
		return j->err;
	if ((rc = fx_casedb_tx_begin(db)) != 0)
		return rc;
	rc = running_check(db, acq_id);
	if (!rc)
		rc = fx_audit_append(db, action, j->buf);
	if (!rc)
		rc = fx_casedb_tx_commit(db);
	if (rc)
		fx_casedb_tx_rollback(db);
	return rc;
}

static void member_text(fx_json *j, const char *key, const char *s)
{
	fx_json_member_string(j, key, s ? s : "");
}

int fx_casedb_checkpoint_record(fx_casedb *db, int64_t acq_id,
				const fx_casedb_checkpoint *cp)
{
	fx_json j;
	size_t i;
	int rc;

	FX_CHECK_ARG(db);
	FX_CHECK_ARG(cp);
	FX_CHECK_VERSION(cp, FX_CASEDB_CHECKPOINT_VERSION,
			 "fx_casedb_checkpoint_record: fx_casedb_checkpoint");
	if (!cp->target || (cp->n_bad && !cp->bad))
		return fx_error_set(FX_EUSAGE, "fx_casedb_checkpoint_record: "
				    "target and bad ranges are required");
	fx_json_init(&j, FX_JSON_CANONICAL, NULL);
	fx_json_object_begin(&j);
	fx_json_member_int(&j, "acquisition_id", acq_id);
	fx_json_key(&j, "bad");
	fx_json_array_begin(&j);
	for (i = 0; i < cp->n_bad; i++) {
		fx_json_array_begin(&j);
		fx_json_uint(&j, cp->bad[i].first);
		fx_json_uint(&j, cp->bad[i].count);
		fx_json_array_end(&j);
	}
	fx_json_array_end(&j);
	member_text(&j, "md5", cp->digests.md5);
	member_text(&j, "note", cp->note);
	fx_json_member_uint(&j, "offset", cp->offset);
	member_text(&j, "sha1", cp->digests.sha1);
	member_text(&j, "sha256", cp->digests.sha256);
	member_text(&j, "source_head_sha256", cp->source_head_sha256);
	member_text(&j, "source_tail_sha256", cp->source_tail_sha256);
	member_text(&j, "target", cp->target);
	fx_json_object_end(&j);
	rc = append_event(db, acq_id, "acquisition.checkpoint", &j);
	fx_json_clear(&j);
	return rc;
}

int fx_casedb_acquisition_resume(fx_casedb *db, int64_t acq_id,
				 uint64_t from_byte)
{
	fx_json j;
	int rc;

	FX_CHECK_ARG(db);
	fx_json_init(&j, FX_JSON_CANONICAL, NULL);
	fx_json_object_begin(&j);
	fx_json_member_int(&j, "acquisition_id", acq_id);
	fx_json_member_uint(&j, "from_byte", from_byte);
	fx_json_member_int(&j, "pid", (int64_t)getpid());
	fx_json_object_end(&j);
	rc = append_event(db, acq_id, "acquisition.resume", &j);
	fx_json_clear(&j);
	return rc;
}

/* Copies a string member into dst (size n); "" when absent. */
static void copy_member(char *dst, size_t n, const fx_json_value *o,
			const char *key)
{
	const char *s = fx_json_get_str(o, key);

	snprintf(dst, n, "%s", s ? s : "");
}

static int fill_bad(fx_casedb_checkpoint_info *ci, const fx_json_value *arr)
{
	const fx_json_value *e;
	size_t n = fx_json_count(arr), i = 0;

	if (!n)
		return 0;
	if (!(ci->bad_owned = calloc(n, sizeof(*ci->bad_owned))))
		return fx_error_set(FX_ERROR, "out of memory");
	for (e = arr->first; e && i < n; e = e->next, i++) {
		if (e->t != FX_JV_ARR || !e->first || !e->first->next)
			return fx_error_set(FX_ECORRUPT, "a checkpoint's bad range is not [first, count]");
		ci->bad_owned[i].first = strtoull(e->first->s, NULL, 10);
		ci->bad_owned[i].count = strtoull(e->first->next->s, NULL, 10);
	}
	ci->cp.bad = ci->bad_owned;
	ci->cp.n_bad = n;
	return 0;
}

/* Fills ci from one checkpoint event's content, if it is for target. */
static int checkpoint_parse(fx_casedb_checkpoint_info *ci, const char *content,
			    const char *target, int *match)
{
	fx_arena a;
	const fx_json_value *v;
	const char *t;
	int rc = 0;

	memset(&a, 0, sizeof(a));
	*match = 0;
	if (!(v = fx_json_parse(&a, content))) {
		fx_arena_free(&a);
		return fx_error_set(FX_ECORRUPT, "a checkpoint event is not JSON");
	}
	t = fx_json_get_str(v, "target");
	if (t && strcmp(t, target) == 0) {
		*match = 1;
		ci->acquisition_id = (int64_t)fx_json_get_uint(v, "acquisition_id");
		ci->cp.version = FX_CASEDB_CHECKPOINT_VERSION;
		ci->cp.offset = fx_json_get_uint(v, "offset");
		copy_member(ci->cp.digests.md5, sizeof(ci->cp.digests.md5), v, "md5");
		copy_member(ci->cp.digests.sha1, sizeof(ci->cp.digests.sha1), v, "sha1");
		copy_member(ci->cp.digests.sha256, sizeof(ci->cp.digests.sha256), v, "sha256");
		copy_member(ci->head, sizeof(ci->head), v, "source_head_sha256");
		copy_member(ci->tail, sizeof(ci->tail), v, "source_tail_sha256");
		copy_member(ci->note, sizeof(ci->note), v, "note");
		copy_member(ci->target, sizeof(ci->target), v, "target");
		ci->cp.source_head_sha256 = ci->head;
		ci->cp.source_tail_sha256 = ci->tail;
		ci->cp.note = ci->note;
		ci->cp.target = ci->target;
		rc = fill_bad(ci, fx_json_get(v, "bad"));
	}
	fx_arena_free(&a);
	return rc;
}

/* The newest checkpoint for target, of acquisition acq_id (0: any), at
 * or below max_offset. */
static int checkpoint_find(fx_casedb_checkpoint_info **out, fx_casedb *db,
			   const char *target, int64_t acq_id, uint64_t max_offset)
{
	fx_casedb_checkpoint_info *ci;
	fx_stmt *st = NULL;
	int rc, step, match = 0;

	if (!(ci = calloc(1, sizeof(*ci))))
		return fx_error_set(FX_ERROR, "out of memory");
	rc = fx_store_prepare(&st, db->store, "SELECT time_utc, content FROM "
			      "audit_log WHERE action = 'acquisition.checkpoint' "
			      "ORDER BY seq DESC");
	while (!rc && !match && (step = fx_stmt_step(st)) == FX_STORE_ROW) {
		free(ci->bad_owned); /* a newer one that did not qualify */
		ci->bad_owned = NULL;
		ci->cp.bad = NULL;
		ci->cp.n_bad = 0;
		rc = checkpoint_parse(ci, fx_stmt_text(st, 1), target, &match);
		if (match && ((acq_id && ci->acquisition_id != acq_id) ||
			      ci->cp.offset > max_offset))
			match = 0;
		snprintf(ci->time_utc, sizeof(ci->time_utc), "%s", fx_stmt_text(st, 0));
	}
	fx_stmt_free(st);
	if (!rc && !match)
		rc = max_offset == UINT64_MAX
		     ? fx_error_set(FX_ENOTFOUND, "case database %s: no checkpoint "
				    "recorded for %s", db->path, target)
		     : fx_error_set(FX_ENOTFOUND, "case database %s: no checkpoint "
				    "recorded for %s at or below byte %llu", db->path,
				    target, (unsigned long long)max_offset);
	if (rc) {
		fx_casedb_checkpoint_info_free(ci);
		return rc;
	}
	*out = ci;
	return 0;
}

int fx_casedb_checkpoint_last(fx_casedb_checkpoint_info **out, fx_casedb *db,
			      const char *target)
{
	FX_CHECK_ARG(out);
	*out = NULL;
	FX_CHECK_ARG(db);
	FX_CHECK_ARG(target);
	return checkpoint_find(out, db, target, 0, UINT64_MAX);
}

int fx_casedb_checkpoint_at_most(fx_casedb_checkpoint_info **out, fx_casedb *db,
				 const char *target, int64_t acq_id,
				 uint64_t max_offset)
{
	FX_CHECK_ARG(out);
	*out = NULL;
	FX_CHECK_ARG(db);
	FX_CHECK_ARG(target);
	return checkpoint_find(out, db, target, acq_id, max_offset);
}

void fx_casedb_checkpoint_info_free(fx_casedb_checkpoint_info *ci)
{
	if (!ci)
		return;
	free(ci->bad_owned);
	free(ci);
}

int fx_casedb_resume_list(fx_casedb *db, int64_t acq_id,
			  fx_casedb_resume_cb cb, void *payload)
{
	fx_casedb_resume_info ri;
	fx_stmt *st = NULL;
	fx_arena a;
	const fx_json_value *v;
	int rc, step = FX_STORE_DONE;

	FX_CHECK_ARG(db);
	FX_CHECK_ARG(cb);
	/* one statement: one snapshot, also inside a caller's transaction */
	rc = fx_store_prepare(&st, db->store, "SELECT time_utc, actor, host, "
			      "content FROM audit_log WHERE action = "
			      "'acquisition.resume' ORDER BY seq");
	while (!rc && (step = fx_stmt_step(st)) == FX_STORE_ROW) {
		memset(&a, 0, sizeof(a));
		v = fx_json_parse(&a, fx_stmt_text(st, 3));
		memset(&ri, 0, sizeof(ri));
		if (v)
			ri.acquisition_id = (int64_t)fx_json_get_uint(
				v, "acquisition_id");
		if (v && (acq_id == 0 || ri.acquisition_id == acq_id)) {
			ri.time_utc = fx_stmt_text(st, 0);
			ri.actor = fx_stmt_text(st, 1);
			ri.host = fx_stmt_text(st, 2);
			ri.from_byte = fx_json_get_uint(v, "from_byte");
			rc = cb(&ri, payload);
		}
		fx_arena_free(&a);
	}
	if (!rc && step != FX_STORE_DONE)
		rc = fx_store_error(db->store, "read the audit log");
	fx_stmt_free(st);
	return rc;
}
