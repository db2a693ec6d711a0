/*
 * Court reports: the model and its loading. fx_report_write() reads every
 * record the report needs through the casedb API into one model
 * (struct fx_rpt), checks the audit chain, works out what must be on the
 * first page (failed verifications, unfinished acquisitions, a broken
 * chain), and only then hands the model to one format writer
 * (report_text.c, report_html.c, report_json.c, report_dfxml.c,
 * report_case.c). So a
 * failed read never leaves half a report, and every format says the same
 * things in the same words.
 *
 * The model copies what it keeps (records handed to list callbacks are
 * borrowed) into its arena, r->mem, freed at once.
 *
 * Records are append-only, so reading them in several snapshots can only
 * miss records added meanwhile; the audit chain is checked last, so it
 * covers at least everything the report shows.
 *
 * Threading: one thread, the caller's, with the caller's casedb handle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/utc.h"
#include "base/vec.h"
#include "report/report_int.h"

/* Zeroed memory owned by the model; NULL (and the error set) if none. */
static void *rmem(struct fx_rpt *r, size_t n)
{
	void *p = fx_arena_alloc(&r->mem, n);

	if (!p)
		fx_error_set(FX_ERROR, "out of memory for the report");
	return p;
}

/* Copies s into the model; *err set on failure. NULL stays NULL. */
static const char *rstr(struct fx_rpt *r, const char *s, int *err)
{
	char *p;

	if (!s)
		return NULL;
	p = rmem(r, strlen(s) + 1);
	if (!p) {
		*err = FX_ERROR;
		return NULL;
	}
	return strcpy(p, s);
}

static void copy_source(struct fx_rpt *r, fx_source_info *d,
			const fx_source_info *s, int *err)
{
	*d = *s;
	d->path = rstr(r, s->path, err);
	d->vendor = rstr(r, s->vendor, err);
	d->model = rstr(r, s->model, err);
	d->serial = rstr(r, s->serial, err);
	d->wwid = rstr(r, s->wwid, err);
	d->hpa_dco = rstr(r, s->hpa_dco, err);
	d->write_block_method = rstr(r, s->write_block_method, err);
	d->ro_before = rstr(r, s->ro_before, err);
	d->ro_after = rstr(r, s->ro_after, err);
	d->ro_restored = rstr(r, s->ro_restored, err);
	d->ro_kept = rstr(r, s->ro_kept, err);
}

/* ---- choosing the evidence items ---- */

struct pick {
	struct fx_rpt *r;
	const char *number;      /* evidence number wanted, NULL: all */
	size_t cap;
	int err;
};

static int pick_evidence(const fx_casedb_evidence_info *e, void *payload)
{
	struct pick *p = payload;
	struct fx_rpt *r = p->r;
	fx_casedb_evidence_info *d;
	const fx_casedb_evidence *s = &e->evidence;

	if (p->number && strcmp(p->number, s->evidence_number) != 0)
		return 0;
	if (FX_VEC_RESERVE(r->items, p->cap, r->n_items + 1) != 0)
		return fx_error_set(FX_ERROR, "out of memory for the report");
	memset(&r->items[r->n_items], 0, sizeof(*r->items));
	d = &r->items[r->n_items++].ev;
	*d = *e;
	d->case_number = rstr(r, e->case_number, &p->err);
	d->created_utc = rstr(r, e->created_utc, &p->err);
	d->evidence.evidence_number = rstr(r, s->evidence_number, &p->err);
	d->evidence.description = rstr(r, s->description, &p->err);
	d->evidence.notes = rstr(r, s->notes, &p->err);
	d->evidence.examiner = rstr(r, s->examiner, &p->err);
	copy_source(r, &d->evidence.source, &s->source, &p->err);
	return p->err;
}

/* "2026-0042, 2026-0043" of the items (for the ambiguity message). */
static int ambiguous(const struct fx_rpt *r, const char *number)
{
	char list[512];

	fx_rpt_case_list(r, list, sizeof(list));
	return fx_error_set(FX_EUSAGE, "evidence number \"%.80s\" is in %zu "
			    "cases (%s); name the case as well", number,
			    r->n_items, list);
}

static int select_items(struct fx_rpt *r, fx_casedb *db,
			const fx_report_options *o)
{
	struct pick p = { r, o->evidence_number, 0, 0 };
	int64_t case_id = 0, ev_id;
	int rc;

	if (o->case_number) {
		rc = fx_casedb_case_find(&case_id, db, o->case_number);
		if (!rc && o->evidence_number)
			rc = fx_casedb_evidence_find(&ev_id, db, o->case_number,
						     o->evidence_number);
		if (rc)
			return rc;
	}
	rc = fx_casedb_evidence_list(db, case_id, pick_evidence, &p);
	if (rc)
		return rc;
	if (!o->case_number && r->n_items == 0)
		return fx_error_set(FX_ENOTFOUND, "case database %s: no "
				    "evidence \"%.80s\" in any case", r->db_path,
				    o->evidence_number);
	if (!o->case_number && r->n_items > 1)
		return ambiguous(r, o->evidence_number);
	return 0;
}

/* ---- cases ---- */

static int fill_case(const fx_casedb_case_info *c, void *payload)
{
	struct fx_rpt *r = payload;
	int err = 0;
	size_t i;

	for (i = 0; i < r->n_items && !err; i++) {
		fx_casedb_case_info *d = &r->items[i].kase;

		if (r->items[i].ev.case_id != c->id)
			continue;
		d->id = c->id;
		d->case_number = rstr(r, c->case_number, &err);
		d->description = rstr(r, c->description, &err);
		d->created_utc = rstr(r, c->created_utc, &err);
	}
	return err;
}

/* ---- per item: acquisitions, verifications, custody ---- */

struct grow {
	struct fx_rpt *r;
	struct fx_rpt_item *it;
	size_t cap;
	int err;
};

/* Makes room for one more element of the array at arrp (n used, *cap
 * held). */
static int grow_array(void *arrp, size_t n, size_t *cap, size_t elem)
{
	if (fx_vec_reserve(arrp, cap, n + 1, elem) != 0)
		return fx_error_set(FX_ERROR, "out of memory for the report");
	return 0;
}

static int take_verification(const fx_casedb_verification_info *v,
			     void *payload)
{
	struct grow *g = payload;
	struct fx_rpt_item *it = g->it;
	fx_casedb_verification_info *d;
	fx_window_hash *w = NULL;
	int rc = grow_array(&it->ver, it->n_ver, &g->cap, sizeof(*it->ver));

	if (rc)
		return rc;
	d = &it->ver[it->n_ver++];
	*d = *v;
	d->rec.time_utc = rstr(g->r, v->rec.time_utc, &g->err);
	d->rec.actor = rstr(g->r, v->rec.actor, &g->err);
	d->rec.host = rstr(g->r, v->rec.host, &g->err);
	d->rec.tool = rstr(g->r, v->rec.tool, &g->err);
	d->rec.tool_version = rstr(g->r, v->rec.tool_version, &g->err);
	d->rec.findings = rstr(g->r, v->rec.findings, &g->err);
	if (v->rec.n_windows) {
		w = rmem(g->r, v->rec.n_windows * sizeof(*w));
		if (!w)
			return FX_ERROR;
		memcpy(w, v->rec.windows, v->rec.n_windows * sizeof(*w));
	}
	d->rec.windows = w;
	return g->err;
}

static int take_custody(const fx_casedb_custody_info *c, void *payload)
{
	struct grow *g = payload;
	struct fx_rpt_item *it = g->it;
	fx_casedb_custody_info *d;
	int rc = grow_array(&it->cus, it->n_cus, &g->cap, sizeof(*it->cus));

	if (rc)
		return rc;
	d = &it->cus[it->n_cus++];
	*d = *c;
	d->rec.from_party = rstr(g->r, c->rec.from_party, &g->err);
	d->rec.to_party = rstr(g->r, c->rec.to_party, &g->err);
	d->rec.location = rstr(g->r, c->rec.location, &g->err);
	d->rec.reason = rstr(g->r, c->rec.reason, &g->err);
	d->rec.time_utc = rstr(g->r, c->rec.time_utc, &g->err);
	d->rec.actor = rstr(g->r, c->rec.actor, &g->err);
	return g->err;
}

static int custody_order(const void *a, const void *b)
{
	const fx_casedb_custody_info *x = a, *y = b;
	int c = fx_rpt_time_cmp(x->rec.time_utc, y->rec.time_utc);

	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int verification_order(const void *a, const void *b)
{
	const fx_casedb_verification_info *x = a, *y = b;
	int c = fx_rpt_time_cmp(x->rec.time_utc, y->rec.time_utc);

	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* Collects acquisition ids through the list, then reads each (owned). */
struct acq_ids {
	int64_t *ids;
	size_t n, cap;
};

static int acq_id_cb(const fx_casedb_acquisition_info *a, void *payload)
{
	struct acq_ids *l = payload;
	int rc = grow_array(&l->ids, l->n, &l->cap, sizeof(*l->ids));

	if (rc)
		return rc;
	l->ids[l->n++] = a->id;
	return 0;
}

static int load_acquisitions(struct fx_rpt_item *it, fx_casedb *db)
{
	struct acq_ids l = { NULL, 0, 0 };
	size_t i;
	int rc;

	rc = fx_casedb_acquisition_list(db, it->ev.id, acq_id_cb, &l);
	if (!rc && l.n) {
		it->acq = calloc(l.n, sizeof(*it->acq));
		if (!it->acq)
			rc = fx_error_set(FX_ERROR, "out of memory for the report");
	}
	for (i = 0; !rc && i < l.n; i++) {
		rc = fx_casedb_acquisition_get(&it->acq[i], db, l.ids[i]);
		if (!rc)
			it->n_acq++;
	}
	free(l.ids);
	return rc;
}

/* An export with its files, copied into the model. */
static int take_export(const fx_casedb_export_info *e, void *payload)
{
	struct grow *g = payload;
	struct fx_rpt_item *it = g->it;
	fx_casedb_export_info *d;
	fx_image_file *files = NULL;
	size_t i;
	int rc = grow_array(&it->exp, it->n_exp, &g->cap, sizeof(*it->exp));

	if (rc)
		return rc;
	d = &it->exp[it->n_exp++];
	*d = *e;
	d->rec.time_utc = rstr(g->r, e->rec.time_utc, &g->err);
	d->rec.actor = rstr(g->r, e->rec.actor, &g->err);
	d->rec.host = rstr(g->r, e->rec.host, &g->err);
	d->rec.tool = rstr(g->r, e->rec.tool, &g->err);
	d->rec.tool_version = rstr(g->r, e->rec.tool_version, &g->err);
	d->rec.format = rstr(g->r, e->rec.format, &g->err);
	d->rec.path = rstr(g->r, e->rec.path, &g->err);
	if (e->rec.n_files && !(files = rmem(g->r, e->rec.n_files *
					     sizeof(*files))))
		return FX_ERROR;
	for (i = 0; i < e->rec.n_files; i++) {
		files[i] = e->rec.files[i];
		files[i].path = rstr(g->r, e->rec.files[i].path, &g->err);
	}
	d->rec.files = files;
	return g->err;
}

static int load_item(struct fx_rpt *r, struct fx_rpt_item *it, fx_casedb *db)
{
	struct grow g = { r, it, 0, 0 };
	int rc;

	rc = load_acquisitions(it, db);
	if (!rc)
		rc = fx_casedb_verification_list(db, it->ev.id,
						 take_verification, &g);
	g.cap = 0;
	if (!rc)
		rc = fx_casedb_custody_list(db, it->ev.id, take_custody, &g);
	g.cap = 0;
	if (!rc)
		rc = fx_casedb_export_list(db, it->ev.id, take_export, &g);
	if (rc)
		return rc;
	if (it->n_ver > 1)
		qsort(it->ver, it->n_ver, sizeof(*it->ver), verification_order);
	if (it->n_cus > 1)
		qsort(it->cus, it->n_cus, sizeof(*it->cus), custody_order);
	return 0;
}

/* ---- resumes: one pass over the log for every item ---- */

struct resumes {
	struct fx_rpt *r;
	size_t *caps;            /* one per item */
	size_t order;
	int err;
};

/* The acquisition's position in its item, or -1 with *item unchanged. */
static long acq_pos(const struct fx_rpt *r, int64_t acq_id, size_t *item)
{
	size_t i, k;

	for (i = 0; i < r->n_items; i++)
		for (k = 0; k < r->items[i].n_acq; k++)
			if (r->items[i].acq[k]->id == acq_id) {
				*item = i;
				return (long)k;
			}
	return -1;
}

static int take_resume(const fx_casedb_resume_info *ri, void *payload)
{
	struct resumes *l = payload;
	struct fx_rpt_item *it;
	struct fx_rpt_resume *d;
	size_t i = 0;
	long k = acq_pos(l->r, ri->acquisition_id, &i);
	int rc;

	l->order++;
	if (k < 0)
		return 0;   /* an acquisition outside the report */
	it = &l->r->items[i];
	rc = grow_array(&it->res, it->n_res, &l->caps[i], sizeof(*it->res));
	if (rc)
		return rc;
	d = &it->res[it->n_res++];
	memset(d, 0, sizeof(*d));
	d->acquisition_id = ri->acquisition_id;
	d->time_utc = rstr(l->r, ri->time_utc, &l->err);
	d->actor = rstr(l->r, ri->actor, &l->err);
	d->host = rstr(l->r, ri->host, &l->err);
	d->from_byte = ri->from_byte;
	d->order = l->order;
	d->acq_index = (size_t)k;
	return l->err;
}

static int resume_order(const void *a, const void *b)
{
	const struct fx_rpt_resume *x = a, *y = b;

	if (x->acq_index != y->acq_index)
		return x->acq_index < y->acq_index ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

static int load_resumes(struct fx_rpt *r, fx_casedb *db)
{
	struct resumes l = { r, NULL, 0, 0 };
	size_t i, k;
	int rc;

	if (!r->n_items)
		return 0;
	if (!(l.caps = calloc(r->n_items, sizeof(*l.caps))))
		return fx_error_set(FX_ERROR, "out of memory for the report");
	rc = fx_casedb_resume_list(db, 0, take_resume, &l);
	free(l.caps);
	for (i = 0; !rc && i < r->n_items; i++) {
		struct fx_rpt_item *it = &r->items[i];

		if (it->n_res > 1)
			qsort(it->res, it->n_res, sizeof(*it->res), resume_order);
		for (k = 0; k < it->n_res; k++)
			it->res[k].nth = k && it->res[k - 1].acquisition_id ==
				it->res[k].acquisition_id ? it->res[k - 1].nth + 1 : 1;
	}
	return rc;
}

/* ---- anchors: checked as found when the report is made ---- */

static int take_anchor(const fx_casedb_anchor_info *a, void *payload)
{
	struct grow *g = payload;
	struct fx_rpt *r = g->r;
	int rc = grow_array(&r->anchors, r->n_anchors, &g->cap,
			    sizeof(*r->anchors));

	if (rc)
		return rc;
	r->anchors[r->n_anchors++] = *a;
	return 0;
}

static void load_anchors(struct fx_rpt *r, fx_casedb *db,
			 const fx_report_options *o)
{
	struct grow g = { r, NULL, 0, 0 };

	r->anchor_rc = fx_casedb_anchor_check(NULL, db, o->version >= 3 ?
					      &o->anchor : NULL, take_anchor,
					      &g);
	if (r->anchor_rc)
		snprintf(r->anchor_error, sizeof(r->anchor_error), "%s",
			 fx_error_last());
}

/* An intact chain with an anchor that does not hold (its token refused,
 * its event gone or changed) is not intact: the first such anchor is the
 * finding, as verify audit says it. */
static void anchors_verdict(struct fx_rpt *r)
{
	size_t i;

	if (r->audit_rc != 0)
		return;
	for (i = 0; i < r->n_anchors; i++) {
		const fx_casedb_anchor_info *a = &r->anchors[i];

		if (a->state != FX_ANCHOR_BAD_TOKEN &&
		    a->state != FX_ANCHOR_HEAD_GONE)
			continue;
		r->audit_rc = FX_ECORRUPT;
		r->audit.intact = 0;
		r->audit.first_bad_seq = a->seq;
		snprintf(r->audit.reason, sizeof(r->audit.reason), "%s",
			 a->finding);
		return;
	}
}

/* ---- the audit chain ---- */

static int take_key(const fx_casedb_key_info *k, void *payload)
{
	struct grow *g = payload;
	struct fx_rpt *r = g->r;
	fx_casedb_key_info *d;
	int rc = grow_array(&r->keys, r->n_keys, &g->cap, sizeof(*r->keys));

	if (rc)
		return rc;
	d = &r->keys[r->n_keys++];
	d->id = k->id;
	d->algorithm = rstr(r, k->algorithm, &g->err);
	d->public_key = rstr(r, k->public_key, &g->err);
	d->registered_utc = rstr(r, k->registered_utc, &g->err);
	return g->err;
}

static int load_audit(struct fx_rpt *r, fx_casedb *db,
		      const fx_report_options *o)
{
	struct grow g = { r, NULL, 0, 0 };
	int rc;

	rc = fx_casedb_audit_head_get(&r->head, db);
	if (!rc)
		rc = fx_casedb_signing_key_list(db, take_key, &g);
	if (rc)
		return rc;
	fx_utc_now(r->audit_checked_utc, sizeof(r->audit_checked_utc), 0);
	r->audit_rc = fx_casedb_audit_check(&r->audit, db, o->version >= 2 ?
					    &o->audit : NULL);
	/* a trusted key that cannot be read, or a signal: no report */
	if (r->audit_rc == FX_EUSAGE || r->audit_rc == FX_EINTR)
		return r->audit_rc;
	if (r->audit_rc && r->audit_rc != FX_ECORRUPT)
		snprintf(r->audit_error, sizeof(r->audit_error), "%s",
			 fx_error_last());
	return 0;
}

/* ---- what the first page must say ---- */

static int alert(struct fx_rpt *r, size_t *cap, enum fx_rpt_alert_kind kind,
		 const struct fx_rpt_item *it, int64_t id, const char *msg)
{
	int err = 0, rc = grow_array(&r->alerts, r->n_alerts, cap,
				     sizeof(*r->alerts));

	if (rc)
		return rc;
	r->alerts[r->n_alerts].kind = kind;
	r->alerts[r->n_alerts].item = it;
	r->alerts[r->n_alerts].record_id = id;
	r->alerts[r->n_alerts].message = rstr(r, msg, &err);
	r->n_alerts++;
	return err;
}

/* A destination of an acquisition with copies that failed while the
 * acquisition completed: a partial image the reader must not take for a
 * copy of the evidence. */
static int copy_alerts(struct fx_rpt *r, size_t *cap,
		       const struct fx_rpt_item *it,
		       const fx_casedb_acquisition_info *a)
{
	char msg[1024];
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < a->n_image_sets; i++) {
		const fx_casedb_image_set *s = &a->image_sets[i];
		char at[64] = "", what[32] = "TARGET";

		if (s->status != FX_STATUS_FAILED)
			continue;
		if (s->failed_at != UINT64_MAX)
			snprintf(at, sizeof(at), " at byte %llu",
				 (unsigned long long)s->failed_at);
		if (s->copy_number)
			snprintf(what, sizeof(what), "copy %u", s->copy_number);
		snprintf(msg, sizeof(msg), "Acquisition %lld of evidence %s: "
			 "%s %s failed%s (%s); its files are a partial image.",
			 (long long)a->id, it->ev.evidence.evidence_number, what,
			 fx_rpt_or(s->target), at, fx_rpt_or(s->error));
		rc = alert(r, cap, FX_ALERT_ACQUISITION, it, a->id, msg);
	}
	return rc;
}

static int item_alerts(struct fx_rpt *r, size_t *cap,
		       const struct fx_rpt_item *it)
{
	const char *ev = it->ev.evidence.evidence_number;
	char msg[1024];
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < it->n_ver; i++) {
		const fx_casedb_verification_info *v = &it->ver[i];

		/* an interrupted run reached no verdict: nothing failed */
		if (v->rec.result == FX_VERDICT_VERIFIED ||
		    v->rec.result == FX_VERDICT_INTERRUPTED)
			continue;
		snprintf(msg, sizeof(msg), "Verification %lld of evidence %s "
			 "at %s FAILED: %s (%s).", (long long)v->id, ev,
			 fx_rpt_or(v->rec.time_utc),
			 fx_verdict_name(v->rec.result),
			 fx_rpt_verdict_meaning(v->rec.result));
		rc = alert(r, cap, FX_ALERT_VERIFICATION, it, v->id, msg);
	}
	for (i = 0; !rc && i < it->n_acq; i++) {
		const fx_casedb_acquisition_info *a = it->acq[i];

		if (a->status == FX_STATUS_COMPLETED ||
		    a->status == FX_STATUS_COMPLETED_WITH_ERRORS) {
			rc = copy_alerts(r, cap, it, a);
			continue;
		}
		snprintf(msg, sizeof(msg), "Acquisition %lld of evidence %s "
			 "did not complete: status %s%s%s.", (long long)a->id,
			 ev, fx_status_name(a->status),
			 a->status_note ? "; " : "",
			 a->status_note ? a->status_note : "");
		rc = alert(r, cap, FX_ALERT_ACQUISITION, it, a->id, msg);
	}
	return rc;
}

/* A time-stamp that is missing or refused, or whose event is gone: the
 * check's own finding, which names the anchor, its event and why. */
static int anchor_alerts(struct fx_rpt *r, size_t *cap)
{
	char msg[1024];
	size_t i;
	int rc = 0;

	if (r->anchor_rc) {
		snprintf(msg, sizeof(msg), "The time-stamps (anchors) of the "
			 "audit chain could not be read: %s.", r->anchor_error);
		return alert(r, cap, FX_ALERT_ANCHOR, NULL, 0, msg);
	}
	for (i = 0; !rc && i < r->n_anchors; i++) {
		const fx_casedb_anchor_info *a = &r->anchors[i];

		if (a->state != FX_ANCHOR_MISSING &&
		    a->state != FX_ANCHOR_BAD_TOKEN &&
		    a->state != FX_ANCHOR_HEAD_GONE)
			continue;
		/* the audit's finding, said by its own alert already */
		if (r->audit_rc == FX_ECORRUPT &&
		    strcmp(a->finding, r->audit.reason) == 0)
			continue;
		snprintf(msg, sizeof(msg), "Audit chain time-stamp %s: %s.",
			 a->state == FX_ANCHOR_MISSING ? "missing" :
			 a->state == FX_ANCHOR_BAD_TOKEN ? "refused" :
			 "no longer matches the chain", a->finding);
		rc = alert(r, cap, FX_ALERT_ANCHOR, NULL, a->id, msg);
	}
	return rc;
}

static int make_alerts(struct fx_rpt *r)
{
	char msg[1024];
	size_t cap = 0, i;
	int rc = 0;

	if (r->audit_rc == FX_ECORRUPT) {
		snprintf(msg, sizeof(msg), "The audit chain did NOT check out "
			 "at %s: %s.", r->audit_checked_utc, r->audit.reason);
		rc = alert(r, &cap, FX_ALERT_AUDIT, NULL, 0, msg);
	} else if (r->audit_rc) {
		snprintf(msg, sizeof(msg), "The audit chain could not be "
			 "checked at %s: %s.", r->audit_checked_utc,
			 r->audit_error);
		rc = alert(r, &cap, FX_ALERT_AUDIT, NULL, 0, msg);
	}
	for (i = 0; !rc && i < r->n_items; i++)
		rc = item_alerts(r, &cap, &r->items[i]);
	if (!rc)
		rc = anchor_alerts(r, &cap);
	return rc;
}

/* ---- entry points ---- */

static int check_options(const fx_report_options *o)
{
	if (!o)
		return fx_error_arg_missing("fx_report_write", "opts");
	FX_CHECK_VERSION(o, FX_REPORT_OPTIONS_VERSION,
			 "fx_report_write: fx_report_options");
	if (o->format < FX_REPORT_TEXT || o->format > FX_REPORT_CASE)
		return fx_error_set(FX_EUSAGE, "report: unknown format %d",
				    o->format);
	if (!o->case_number && !o->evidence_number)
		return fx_error_set(FX_EUSAGE, "report: give a case number, an "
				    "evidence number, or both");
	return 0;
}

int fx_rpt_load(struct fx_rpt *r, fx_casedb *db, const fx_report_options *o)
{
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = check_options(o);
	if (rc)
		return rc;
	snprintf(r->own_name, sizeof(r->own_name), "libforensic %s",
		 fx_version());
	r->format = o->format;
	r->generator = o->generator ? o->generator : r->own_name;
	r->scope_case = o->case_number;
	r->scope_evidence = o->evidence_number;
	r->db_path = fx_casedb_path(db);
	fx_utc_now(r->generated_utc, sizeof(r->generated_utc), 0);
	rc = select_items(r, db, o);
	if (!rc)
		rc = fx_casedb_case_list(db, fill_case, r);
	for (i = 0; !rc && i < r->n_items; i++)
		rc = load_item(r, &r->items[i], db);
	if (!rc)
		rc = load_resumes(r, db);
	if (!rc)
		load_anchors(r, db, o);
	if (!rc)
		rc = load_audit(r, db, o);
	if (!rc)
		anchors_verdict(r);
	if (!rc)
		rc = make_alerts(r);
	return rc;
}

void fx_rpt_free(struct fx_rpt *r)
{
	size_t i, j;

	for (i = 0; i < r->n_items; i++) {
		for (j = 0; j < r->items[i].n_acq; j++)
			fx_casedb_acquisition_info_free(r->items[i].acq[j]);
		free(r->items[i].acq);
		free(r->items[i].ver);
		free(r->items[i].cus);
		free(r->items[i].res);
		free(r->items[i].exp);
	}
	free(r->items);
	free(r->keys);
	free(r->anchors);
	free(r->alerts);
	fx_arena_free(&r->mem);
	memset(r, 0, sizeof(*r));
}

size_t fx_rpt_examiners(const struct fx_rpt *r, const char **out, size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < r->n_items; i++) {
		const char *e = r->items[i].ev.evidence.examiner;

		if (!e)
			continue;
		for (j = 0; j < n && strcmp(out[j], e) != 0; j++)
			;
		if (j == n && n < max)
			out[n++] = e;
	}
	return n;
}

void fx_rpt_binding(const struct fx_rpt *r, char *out, size_t size)
{
	char cases[256], evidence[256], intact[64];

	snprintf(intact, sizeof(intact), "intact (%s)",
		 fx_casedb_audit_trust_name(r->audit.trust));
	fx_rpt_case_list(r, cases, sizeof(cases));
	fx_rpt_evidence_list(r, evidence, sizeof(evidence));
	snprintf(out, size, "This signature refers to the report on case %s, "
		 "evidence %s, generated %s UTC by %s, with the audit chain %s "
		 "at %s: %llu events, head event %lld, head hash %s.",
		 r->n_items ? cases : fx_rpt_or(r->scope_case),
		 r->n_items ? evidence : "none recorded", r->generated_utc,
		 r->generator, r->audit_rc == 0 ? intact
		 : r->audit_rc == FX_ECORRUPT ? "NOT intact" : "NOT checked",
		 r->audit_checked_utc, (unsigned long long)r->head.events,
		 (long long)r->head.last_seq,
		 r->head.last_seq ? r->head.hash : "none");
}

static void join(char *out, size_t size, const char *s, int *first)
{
	size_t len = strlen(out);

	snprintf(out + len, size - len, "%s%s", *first ? "" : ", ", s);
	*first = 0;
}

void fx_rpt_case_list(const struct fx_rpt *r, char *out, size_t size)
{
	size_t i, j;
	int first = 1;

	out[0] = '\0';
	for (i = 0; i < r->n_items; i++) {
		for (j = 0; j < i; j++)
			if (r->items[j].ev.case_id == r->items[i].ev.case_id)
				break;
		if (j == i)
			join(out, size, r->items[i].ev.case_number, &first);
	}
}

void fx_rpt_evidence_list(const struct fx_rpt *r, char *out, size_t size)
{
	size_t i;
	int first = 1;

	out[0] = '\0';
	for (i = 0; i < r->n_items; i++)
		join(out, size, r->items[i].ev.evidence.evidence_number, &first);
}

int fx_report_parse_format(int *out, const char *name)
{
	static const char *names[] = { "text", "html", "json", "dfxml", "case" };
	int i;

	FX_CHECK_ARG(out);
	for (i = 0; name && i < 5; i++)
		if (strcmp(name, names[i]) == 0) {
			*out = FX_REPORT_TEXT + i;
			return 0;
		}
	return fx_error_set(FX_EUSAGE, "unknown report format \"%.40s\" "
			    "(expected html, text, json, dfxml or case)",
			    name ? name : "");
}

int fx_report_write(FILE *out, fx_casedb *db, const fx_report_options *opts)
{
	static int (*const writers[])(FILE *, const struct fx_rpt *) = {
		fx_rpt_write_text, fx_rpt_write_html, fx_rpt_write_json,
		fx_rpt_write_dfxml, fx_rpt_write_case
	};
	struct fx_rpt r;
	int rc;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(db);
	rc = fx_rpt_load(&r, db, opts);
	if (!rc)
		rc = writers[r.format - FX_REPORT_TEXT](out, &r);
	if (!rc && (fflush(out) != 0 || ferror(out)))
		rc = fx_error_set_errno(FX_EIO, errno, "cannot write the report");
	fx_rpt_free(&r);
	if (!rc)
		fx_error_clear();
	return rc;
}
