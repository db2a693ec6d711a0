/*
 * The JSON report, described by schemas/report.schema.json (keep the two
 * in step: tests validate every report against the schema). base/json's
 * writer in pretty layout, straight to the file; text that is not UTF-8
 * (only a database changed behind the library's back holds any) as
 * U+FFFD. A value the database does not hold is null; numbers are
 * integers except duration_seconds.
 *
 * Threading: none; writes only to the FILE given.
 */
#include <string.h>

#include "base/json.h"
#include "report/report_int.h"

/* The report's conventions over the writer: a member is a key and a
 * value (key NULL: an array element); text that is not recorded is null. */

static void obj(fx_json *w, const char *key)
{
	if (key)
		fx_json_key(w, key);
	fx_json_object_begin(w);
}

static void obj_end(fx_json *w) { fx_json_object_end(w); }

static void arr(fx_json *w, const char *key)
{
	fx_json_key(w, key);
	fx_json_array_begin(w);
}

static void arr_end(fx_json *w) { fx_json_array_end(w); }

/* Text (key NULL: an array element; NULL: null) and numbers. */
static void str(fx_json *w, const char *key, const char *s)
{
	fx_json_member_string(w, key, s);
}

static void num(fx_json *w, const char *key, uint64_t v)
{
	fx_json_member_uint(w, key, v);
}

/* v, or null when zero (the database's "not recorded"). */
static void num0(fx_json *w, const char *key, uint64_t v)
{
	fx_json_key(w, key);
	if (v)
		fx_json_uint(w, v);
	else
		fx_json_null(w);
}

static void flag(fx_json *w, const char *key, int v)
{
	fx_json_key(w, key);
	if (v < 0)
		fx_json_null(w);
	else
		fx_json_bool(w, v);
}

static void null(fx_json *w, const char *key)
{
	fx_json_key(w, key);
	fx_json_null(w);
}

/* ---- records ---- */

static void source(fx_json *w, const char *key, const fx_source_info *s)
{
	obj(w, key);
	str(w, "vendor", s->vendor);
	str(w, "model", s->model);
	str(w, "serial", s->serial);
	str(w, "wwid", s->wwid);
	num0(w, "size_bytes", s->size);
	if (s->size && s->logical_sector_size)
		num(w, "size_sectors", s->size / s->logical_sector_size);
	else
		null(w, "size_sectors");
	num0(w, "logical_sector_size", s->logical_sector_size);
	num0(w, "physical_sector_size", s->physical_sector_size);
	flag(w, "removable", s->removable);
	flag(w, "rotational", s->rotational);
	flag(w, "is_block_device", s->is_block_device);
	flag(w, "optical", s->optical);
	str(w, "hpa_dco", s->hpa_dco);
	obj_end(w);
}

/* A recorded hash; "" (not computed) is null. */
static void hex(fx_json *w, const char *key, const char *s)
{
	str(w, key, s[0] ? s : NULL);
}

static void hashes(fx_json *w, const fx_digests *h)
{
	obj(w, "hashes");
	hex(w, "md5", h->md5);
	hex(w, "sha1", h->sha1);
	hex(w, "sha256", h->sha256);
	obj_end(w);
}

static void windows(fx_json *w, const fx_window_hash *win, size_t n)
{
	size_t i;

	arr(w, "hash_windows");
	for (i = 0; i < n; i++) {
		obj(w, NULL);
		num(w, "offset", win[i].offset);
		num(w, "length", win[i].length);
		str(w, "sha256", win[i].sha256);
		obj_end(w);
	}
	arr_end(w);
}

static void unreadable(fx_json *w, const fx_casedb_acquisition_info *a)
{
	const fx_casedb_result *x = &a->result;
	size_t i;

	obj(w, "unreadable");
	num0(w, "sector_size", x->sector_size);
	num(w, "range_count", x->n_bad);
	num(w, "sector_count", fx_rpt_bad_total(a));
	arr(w, "ranges");
	for (i = 0; i < x->n_bad; i++) {
		obj(w, NULL);
		num(w, "first_sector", x->bad[i].first);
		num(w, "last_sector", x->bad[i].first + x->bad[i].count - 1);
		num(w, "sector_count", x->bad[i].count);
		obj_end(w);
	}
	arr_end(w);
	obj_end(w);
}

static void image_files(fx_json *w, const fx_casedb_result *x)
{
	size_t i;

	arr(w, "image_files");
	for (i = 0; i < x->n_files; i++) {
		obj(w, NULL);
		str(w, "path", x->files[i].path);
		num(w, "size_bytes", x->files[i].size);
		if (x->files[i].allocated_known)
			num(w, "allocated_bytes", x->files[i].allocated);
		else
			null(w, "allocated_bytes");
		hex(w, "sha256", x->files[i].sha256);
		obj_end(w);
	}
	arr_end(w);
}

/* A virtual-disk source's container files ([] for other sources). */
static void source_files(fx_json *w, const fx_casedb_acquisition *r)
{
	size_t i;

	arr(w, "source_files");
	for (i = 0; i < r->n_source_files; i++) {
		obj(w, NULL);
		str(w, "role", r->source_files[i].role);
		str(w, "format", fx_vdisk_format_name(r->source_files[i].format));
		str(w, "path", r->source_files[i].path);
		num(w, "size_bytes", r->source_files[i].size);
		hex(w, "sha256", r->source_files[i].sha256);
		obj_end(w);
	}
	arr_end(w);
}

/* The destinations of an acquisition with copies (only then present). */
static void image_sets(fx_json *w, const fx_casedb_acquisition_info *a)
{
	size_t i;

	if (!a->n_image_sets)
		return;
	arr(w, "image_sets");
	for (i = 0; i < a->n_image_sets; i++) {
		const fx_casedb_image_set *s = &a->image_sets[i];
		fx_casedb_result files;

		obj(w, NULL);
		num(w, "copy_number", s->copy_number);
		str(w, "target", s->target);
		str(w, "format", s->format);
		str(w, "status", fx_status_name(s->status));
		num(w, "bytes_written", s->bytes_written);
		fx_json_key(w, "failed_at");
		if (s->failed_at == UINT64_MAX)
			fx_json_null(w);
		else
			fx_json_uint(w, s->failed_at);
		str(w, "error", s->error);
		memset(&files, 0, sizeof(files));
		files.files = s->files;
		files.n_files = s->n_files;
		image_files(w, &files);
		obj_end(w);
	}
	arr_end(w);
}

/* Each resume of the acquisition (acquire --resume), oldest first. */
static void resumes(fx_json *w, const struct fx_rpt_item *it,
		    const fx_casedb_acquisition_info *a)
{
	const struct fx_rpt_resume *res;
	size_t i, n;

	res = fx_rpt_resumes_of(it, a->id, &n);
	arr(w, "resumes");
	for (i = 0; i < n; i++) {
		obj(w, NULL);
		str(w, "time_utc", res[i].time_utc);
		num(w, "from_byte", res[i].from_byte);
		str(w, "operator", res[i].actor);
		str(w, "host", res[i].host);
		obj_end(w);
	}
	arr_end(w);
}

static void duration(fx_json *w, const char *start, const char *end)
{
	char buf[32];
	int64_t us;

	fx_json_key(w, "duration_seconds");
	if (fx_rpt_duration(&us, start, end) == 0) {
		fx_rpt_seconds(buf, sizeof(buf), us);
		fx_json_raw(w, buf);
	} else {
		fx_json_null(w);
	}
}

static void acquisition(fx_json *w, const struct fx_rpt_item *it,
			const fx_casedb_acquisition_info *a)
{
	const fx_casedb_acquisition *r = &a->rec;

	obj(w, NULL);
	num(w, "id", (uint64_t)a->id);
	str(w, "status", fx_status_name(a->status));
	str(w, "status_recorded", fx_status_name(a->result.status));
	str(w, "status_note", a->status_note);
	str(w, "tool", r->tool);
	str(w, "tool_version", r->tool_version);
	str(w, "library_versions", r->library_versions);
	str(w, "command_line", r->command_line);
	str(w, "parameters_json", r->parameters_json);
	str(w, "host", r->host);
	str(w, "operator", r->operator_name);
	str(w, "start_utc", r->start_utc);
	str(w, "end_utc", a->result.end_utc);
	duration(w, r->start_utc, a->result.end_utc);
	str(w, "source_path", r->evidence.source.path);
	source(w, "source", &r->evidence.source);
	obj(w, "write_block");
	str(w, "method", r->evidence.source.write_block_method);
	str(w, "before", r->evidence.source.ro_before);
	str(w, "after", r->evidence.source.ro_after);
	obj_end(w);
	str(w, "format", r->format);
	str(w, "compression", r->compression);
	num(w, "segment_size", r->segment_size);
	num0(w, "block_size", r->block_size);
	num(w, "bytes_acquired", a->result.bytes);
	num0(w, "sector_size", a->result.sector_size);
	hashes(w, &a->result.hashes);
	windows(w, a->result.windows, a->result.n_windows);
	unreadable(w, a);
	image_files(w, &a->result);
	source_files(w, &a->rec);
	image_sets(w, a);
	resumes(w, it, a);
	obj_end(w);
}

static void comparison(fx_json *w, const fx_casedb_verification_info *v,
		       const fx_casedb_acquisition_info *a)
{
	static const char *words[] = { NULL, "equal", "differs" };

	if (!a) {
		null(w, "compared_with_acquisition");
		return;
	}
	obj(w, "compared_with_acquisition");
	str(w, "md5", words[fx_rpt_hash_cmp(v->rec.hashes.md5,
					    a->result.hashes.md5)]);
	str(w, "sha1", words[fx_rpt_hash_cmp(v->rec.hashes.sha1,
					     a->result.hashes.sha1)]);
	str(w, "sha256", words[fx_rpt_hash_cmp(v->rec.hashes.sha256,
					       a->result.hashes.sha256)]);
	obj_end(w);
}

static void verification(fx_json *w, const struct fx_rpt_item *it,
			 const fx_casedb_verification_info *v)
{
	obj(w, NULL);
	num(w, "id", (uint64_t)v->id);
	num0(w, "acquisition_id", (uint64_t)v->rec.acquisition_id);
	str(w, "time_utc", v->rec.time_utc);
	str(w, "actor", v->rec.actor);
	str(w, "host", v->rec.host);
	str(w, "tool", v->rec.tool);
	str(w, "tool_version", v->rec.tool_version);
	str(w, "result", fx_verdict_name(v->rec.result));
	str(w, "findings", v->rec.findings);
	hashes(w, &v->rec.hashes);
	windows(w, v->rec.windows, v->rec.n_windows);
	comparison(w, v, fx_rpt_acq_of(it, v));
	obj_end(w);
}

/* The exports of the item's acquisitions (verify export), by id. */
static void exports(fx_json *w, const struct fx_rpt_item *it)
{
	size_t i;

	arr(w, "exports");
	for (i = 0; i < it->n_exp; i++) {
		const fx_casedb_export *x = &it->exp[i].rec;
		fx_casedb_result files;

		obj(w, NULL);
		num(w, "id", (uint64_t)it->exp[i].id);
		num(w, "acquisition_id", (uint64_t)x->acquisition_id);
		num(w, "verification_id", (uint64_t)x->verification_id);
		str(w, "time_utc", x->time_utc);
		str(w, "actor", x->actor);
		str(w, "host", x->host);
		str(w, "tool", x->tool);
		str(w, "tool_version", x->tool_version);
		str(w, "format", x->format);
		str(w, "path", x->path);
		num(w, "media_bytes", x->media_bytes);
		hashes(w, &x->media);
		memset(&files, 0, sizeof(files));
		files.files = x->files;
		files.n_files = x->n_files;
		image_files(w, &files);
		obj_end(w);
	}
	arr_end(w);
}

static void custody(fx_json *w, const struct fx_rpt_item *it)
{
	size_t i;

	arr(w, "custody");
	for (i = 0; i < it->n_cus; i++) {
		const fx_casedb_custody *c = &it->cus[i].rec;

		obj(w, NULL);
		num(w, "id", (uint64_t)it->cus[i].id);
		str(w, "time_utc", c->time_utc);
		str(w, "from", c->from_party);
		str(w, "to", c->to_party);
		str(w, "location", c->location);
		str(w, "reason", c->reason);
		str(w, "actor", c->actor);
		obj_end(w);
	}
	arr_end(w);
}

static void item(fx_json *w, const struct fx_rpt_item *it)
{
	const fx_casedb_evidence *e = &it->ev.evidence;
	size_t i;

	obj(w, NULL);
	obj(w, "case");
	str(w, "case_number", it->ev.case_number);
	str(w, "description", it->kase.description);
	str(w, "created_utc", it->kase.created_utc);
	obj_end(w);
	str(w, "evidence_number", e->evidence_number);
	str(w, "description", e->description);
	str(w, "notes", e->notes);
	str(w, "examiner", e->examiner);
	str(w, "created_utc", it->ev.created_utc);
	source(w, "source", &e->source);
	arr(w, "acquisitions");
	for (i = 0; i < it->n_acq; i++)
		acquisition(w, it, it->acq[i]);
	arr_end(w);
	arr(w, "verifications");
	for (i = 0; i < it->n_ver; i++)
		verification(w, it, &it->ver[i]);
	arr_end(w);
	exports(w, it);
	custody(w, it);
	obj_end(w);
}

/* ---- report-level parts ---- */

static void alerts(fx_json *w, const struct fx_rpt *r)
{
	static const char *kinds[] = { "verification", "acquisition", "audit",
				       "anchor" };
	size_t i;

	arr(w, "attention");
	for (i = 0; i < r->n_alerts; i++) {
		const struct fx_rpt_alert *a = &r->alerts[i];

		obj(w, NULL);
		str(w, "kind", kinds[a->kind]);
		str(w, "case_number", a->item ? a->item->ev.case_number : NULL);
		str(w, "evidence_number",
		    a->item ? a->item->ev.evidence.evidence_number : NULL);
		num0(w, "record_id", (uint64_t)a->record_id);
		str(w, "message", a->message);
		obj_end(w);
	}
	arr_end(w);
}

/* The chain's RFC 3161 anchors as checked when the report was made. */
static void anchors(fx_json *w, const struct fx_rpt *r)
{
	size_t i;

	str(w, "anchors_error", r->anchor_rc ? r->anchor_error : NULL);
	arr(w, "anchors");
	for (i = 0; i < r->n_anchors; i++) {
		const fx_casedb_anchor_info *a = &r->anchors[i];

		obj(w, NULL);
		num(w, "id", (uint64_t)a->id);
		num(w, "seq", (uint64_t)a->seq);
		str(w, "head_hash", a->head_hash);
		str(w, "tsa_url", a->tsa_url);
		str(w, "requested_utc", a->requested_utc[0] ? a->requested_utc
							    : NULL);
		str(w, "status", a->stamped ? "stamped" : "failed");
		str(w, "error", a->stamped ? NULL : a->error);
		str(w, "token_sha256", a->stamped ? a->token_sha256 : NULL);
		str(w, "token_time_utc", a->stamped ? a->token_time_utc : NULL);
		str(w, "state", fx_casedb_anchor_state_name(a->state));
		str(w, "finding", a->finding[0] ? a->finding : NULL);
		obj_end(w);
	}
	arr_end(w);
}

static void audit(fx_json *w, const struct fx_rpt *r)
{
	char checked[1024], not_checked[1024];
	int ok = r->audit_rc == 0;
	size_t i;

	obj(w, "audit");
	str(w, "checked_utc", r->audit_checked_utc);
	str(w, "result", r->audit_rc == 0 ? "intact"
			 : r->audit_rc == FX_ECORRUPT ? "broken" : "not_checked");
	str(w, "reason", r->audit_rc == 0 ? NULL : r->audit_rc == FX_ECORRUPT
			 ? r->audit.reason : r->audit_error);
	num0(w, "first_bad_seq", (uint64_t)r->audit.first_bad_seq);
	num(w, "events", r->head.events);
	num(w, "events_checked", r->audit.events);
	num(w, "signed_events", r->audit.signed_events);
	fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
				 sizeof(not_checked), &r->audit);
	str(w, "trust", ok ? fx_casedb_audit_trust_name(r->audit.trust) : NULL);
	str(w, "trusted_key", r->audit.trusted_key[0] ? r->audit.trusted_key
						       : NULL);
	str(w, "checked", ok ? checked : NULL);
	str(w, "not_checked", ok ? not_checked : NULL);
	str(w, "triggers", r->audit.triggers[0] ? r->audit.triggers : NULL);
	num0(w, "head_seq", (uint64_t)r->head.last_seq);
	str(w, "head_hash", r->head.last_seq ? r->head.hash : NULL);
	str(w, "head_time_utc", r->head.last_seq ? r->head.time_utc : NULL);
	arr(w, "signing_keys");
	for (i = 0; i < r->n_keys; i++) {
		obj(w, NULL);
		num(w, "id", (uint64_t)r->keys[i].id);
		str(w, "algorithm", r->keys[i].algorithm);
		str(w, "public_key", r->keys[i].public_key);
		str(w, "registered_utc", r->keys[i].registered_utc);
		obj_end(w);
	}
	arr_end(w);
	anchors(w, r);
	obj_end(w);
}

int fx_rpt_write_json(FILE *f, const struct fx_rpt *r)
{
	fx_json w;
	const char *names[64];
	size_t i, n;

	fx_json_init(&w, FX_JSON_PRETTY | FX_JSON_TEXT_REPLACE, f);
	obj(&w, NULL);
	str(&w, "report_format", "libforensic-report");
	num(&w, "report_format_version", 1);
	str(&w, "generated_utc", r->generated_utc);
	str(&w, "generator", r->generator);
	str(&w, "libforensic_version", fx_version());
	str(&w, "case_database", r->db_path);
	obj(&w, "scope");
	str(&w, "case_number", r->scope_case);
	str(&w, "evidence_number", r->scope_evidence);
	obj_end(&w);
	alerts(&w, r);
	audit(&w, r);
	arr(&w, "evidence");
	for (i = 0; i < r->n_items; i++)
		item(&w, &r->items[i]);
	arr_end(&w);
	arr(&w, "examiners");
	n = fx_rpt_examiners(r, names, 64);
	for (i = 0; i < n; i++)
		str(&w, NULL, names[i]);
	arr_end(&w);
	obj_end(&w);
	fputc('\n', f);
	return w.err;
}
