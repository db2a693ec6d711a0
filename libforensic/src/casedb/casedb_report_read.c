/*
 * Reads the report module needs beyond casedb_read.c: every verification of
 * an evidence item (not only the last), the recorded signing keys, the
 * stored head of the audit log, and the database's path.
 *
 * Each function reads one snapshot (one read transaction). Records handed
 * to callbacks are borrowed: their strings point into the statement's
 * current row or into small allocations freed after the callback returns.
 *
 * Threading: per handle, like the rest of the casedb module.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casedb/casedb_int.h"
#include "base/error.h"
#include "base/types_int.h"
#include "base/vec.h"

static const char *text_col(fx_stmt *st, int i)
{
	return fx_stmt_text(st, i);
}

/* ---- verifications ---- */

/* Hashes of one verification; freed by ver_hashes_free. */
struct ver_hashes {
	fx_digests digests;
	fx_window_hash *windows;
	size_t n_windows, cap;
};

static void ver_hashes_free(struct ver_hashes *h)
{
	free(h->windows);
	memset(h, 0, sizeof(*h));
}

static int ver_hash_row(struct ver_hashes *h, fx_stmt *st)
{
	const char *algo = text_col(st, 0), *value = text_col(st, 1);
	fx_window_hash *w;

	if (fx_stmt_type(st, 2) == FX_STORE_NULL) {
		if (algo && (!strcmp(algo, "md5") || !strcmp(algo, "sha1") ||
			     !strcmp(algo, "sha256")))
			fx_casedb_digest_col(&h->digests, algo, value);
		return 0;
	}
	if (FX_VEC_RESERVE(h->windows, h->cap, h->n_windows + 1) != 0)
		return fx_error_set(FX_ERROR, "out of memory");
	w = &h->windows[h->n_windows++];
	w->offset = (uint64_t)fx_stmt_int(st, 2);
	w->length = (uint64_t)fx_stmt_int(st, 3);
	fx_casedb_hex_col(w->sha256, sizeof(w->sha256), value);
	return 0;
}

static int ver_hashes_read(struct ver_hashes *h, fx_casedb *db, int64_t id)
{
	fx_stmt *st = NULL;
	int rc, step = FX_STORE_DONE;

	rc = fx_store_prepare(&st, db->store, "SELECT algorithm, value, "
			      "window_offset, window_length FROM hashes "
			      "WHERE verification_id = ?1 ORDER BY id");
	if (!rc) {
		fx_stmt_bind_int(st, 1, id);
		while (!rc && (step = fx_stmt_step(st)) == FX_STORE_ROW)
			rc = ver_hash_row(h, st);
		if (!rc && step != FX_STORE_DONE)
			rc = fx_store_error(db->store, "read verification hashes");
	}
	fx_stmt_free(st);
	return rc;
}

/* Builds the record of the current row of st and hands it to cb. */
static int ver_emit(fx_casedb *db, fx_stmt *st,
		    fx_casedb_verification_cb cb, void *payload)
{
	fx_casedb_verification_info v;
	struct ver_hashes h;
	int rc;

	memset(&v, 0, sizeof(v));
	memset(&h, 0, sizeof(h));
	v.id = fx_stmt_int(st, 0);
	v.rec.version = FX_CASEDB_VERIFICATION_VERSION;
	v.rec.evidence_id = fx_stmt_int(st, 1);
	v.rec.acquisition_id = fx_stmt_int(st, 2);
	v.rec.time_utc = text_col(st, 3);
	v.rec.actor = text_col(st, 4);
	v.rec.host = text_col(st, 5);
	v.rec.tool = text_col(st, 6);
	v.rec.tool_version = text_col(st, 7);
	v.rec.result = (fx_verdict)fx_verdict_from_name(text_col(st, 8),
							  FX_VERDICT_ERROR);
	v.rec.findings = text_col(st, 9);
	rc = ver_hashes_read(&h, db, v.id);
	if (!rc) {
		v.rec.hashes = h.digests;
		v.rec.windows = h.windows;
		v.rec.n_windows = h.n_windows;
		rc = cb(&v, payload);
	}
	ver_hashes_free(&h);
	return rc;
}

int fx_casedb_verification_list(fx_casedb *db, int64_t evidence_id,
				fx_casedb_verification_cb cb, void *payload)
{
	fx_stmt *st = NULL;
	int rc, step = FX_STORE_DONE;

	FX_CHECK_ARG(db);
	FX_CHECK_ARG(cb);
	rc = fx_casedb_read_begin(db);
	if (rc)
		return rc;
	rc = fx_store_prepare(&st, db->store, "SELECT id, evidence_id, "
			      "acquisition_id, time_utc, actor, host, tool, "
			      "tool_version, result, findings FROM "
			      "verifications WHERE ?1 = 0 OR evidence_id = ?1 "
			      "ORDER BY id");
	if (!rc) {
		fx_stmt_bind_int(st, 1, evidence_id);
		while (!rc && (step = fx_stmt_step(st)) == FX_STORE_ROW)
			rc = ver_emit(db, st, cb, payload);
		if (!rc && step != FX_STORE_DONE)
			rc = fx_store_error(db->store, "list verifications");
	}
	fx_stmt_free(st);
	fx_casedb_tx_rollback(db);
	return rc;
}

/* ---- signing keys ---- */

int fx_casedb_signing_key_list(fx_casedb *db, fx_casedb_key_cb cb,
			       void *payload)
{
	fx_casedb_key_info k;
	fx_stmt *st = NULL;
	int rc, step = FX_STORE_DONE;

	FX_CHECK_ARG(db);
	FX_CHECK_ARG(cb);
	rc = fx_casedb_read_begin(db);
	if (rc)
		return rc;
	rc = fx_store_prepare(&st, db->store, "SELECT id, algorithm, public_key, "
			      "registered_utc FROM signing_keys ORDER BY id");
	while (!rc && (step = fx_stmt_step(st)) == FX_STORE_ROW) {
		k.id = fx_stmt_int(st, 0);
		k.algorithm = text_col(st, 1);
		k.public_key = text_col(st, 2);
		k.registered_utc = text_col(st, 3);
		rc = cb(&k, payload);
	}
	if (!rc && step != FX_STORE_DONE)
		rc = fx_store_error(db->store, "list signing keys");
	fx_stmt_free(st);
	fx_casedb_tx_rollback(db);
	return rc;
}

/* ---- audit head ---- */

int fx_casedb_audit_head_get(fx_casedb_audit_head *out, fx_casedb *db)
{
	fx_stmt *st = NULL;
	int rc, step;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(db);
	memset(out, 0, sizeof(*out));
	rc = fx_casedb_read_begin(db);
	if (rc)
		return rc;
	rc = fx_store_prepare(&st, db->store, "SELECT (SELECT count(*) FROM "
			      "audit_log), seq, hash, time_utc FROM audit_log "
			      "ORDER BY seq DESC LIMIT 1");
	if (rc)
		goto done;
	step = fx_stmt_step(st);
	if (step == FX_STORE_ROW) {
		out->events = (uint64_t)fx_stmt_int(st, 0);
		out->last_seq = fx_stmt_int(st, 1);
		snprintf(out->hash, sizeof(out->hash), "%s",
			 text_col(st, 2) ? text_col(st, 2) : "");
		snprintf(out->time_utc, sizeof(out->time_utc), "%s",
			 text_col(st, 3) ? text_col(st, 3) : "");
	} else if (step != FX_STORE_DONE) {
		rc = fx_store_error(db->store, "read the audit log head");
	}
done:
	fx_stmt_free(st);
	fx_casedb_tx_rollback(db);
	return rc;
}

const char *fx_casedb_path(const fx_casedb *db)
{
	return db ? db->path : NULL;
}
