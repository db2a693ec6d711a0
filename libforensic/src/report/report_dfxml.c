/*
 * The DFXML report (Digital Forensics XML 2.0.0-beta.0, valid against the
 * working group's dfxml.xsd). DFXML's own elements carry what they define:
 *
 *   creator / execution_environment  the program that wrote this file (the
 *                                    report generator) and where, when
 *   source / image_filename          every image file the report covers
 *   diskimageobject                  one per acquisition: byte_runs with
 *                                    hashdigest for the whole image
 *                                    (fx:kind="image"), each hash window
 *                                    ("hash_window") and each unreadable
 *                                    range ("unreadable", fill="0"), and
 *                                    sector_size
 *
 * Everything else (case, evidence item, the acquisition's tool, host,
 * command line and times, write-block state, verifications, custody, the
 * audit chain, and what DFXML has no element for: an acquisition's
 * copies (fx:image_set), its resumes (fx:resume), the item's exports
 * (fx:export) and the chain's RFC 3161 anchors (fx:anchor in fx:audit))
 * is in the namespace urn:libforensic:report:1 (prefix fx),
 * which the schema admits wherever it allows elements of other namespaces.
 * A value the database does not hold is left out. Recorded text is always
 * element content (attributes carry numbers and fixed words only), escaped
 * by fx_rpt_put_markup.
 *
 * Threading: none; writes only to the FILE given.
 */
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "report/report_int.h"

#define FX_DFXML_NS "http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML"
#define FX_REPORT_NS "urn:libforensic:report:1"

/* <name>text</name> on its own line; nothing when text is NULL. */
static void el(FILE *f, int ind, const char *name, const char *text)
{
	if (!text)
		return;
	fprintf(f, "%*s<%s>", ind, "", name);
	fx_rpt_put_markup(f, text);
	fprintf(f, "</%s>\n", name);
}

static void el_u64(FILE *f, int ind, const char *name, uint64_t v)
{
	fprintf(f, "%*s<%s>%llu</%s>\n", ind, "", name, (unsigned long long)v,
		name);
}

/* <hashdigest type="...">hex</hashdigest>; nothing when hex is NULL. */
static void hashdigest(FILE *f, int ind, const char *type, const char *hex)
{
	if (!hex || !*hex)
		return;
	fprintf(f, "%*s<hashdigest type=\"%s\">", ind, "", type);
	fx_rpt_put_markup(f, hex);
	fputs("</hashdigest>\n", f);
}

static void hashset(FILE *f, int ind, const fx_digests *h)
{
	hashdigest(f, ind, "md5", h->md5);
	hashdigest(f, ind, "sha1", h->sha1);
	hashdigest(f, ind, "sha256", h->sha256);
}

static void flag(FILE *f, int ind, const char *name, int v)
{
	if (v >= 0)
		fprintf(f, "%*s<%s>%d</%s>\n", ind, "", name, v ? 1 : 0, name);
}

/* ---- creator and source ---- */

/* "verify 0.1.0" -> program "verify", version "0.1.0". */
static void program(FILE *f, const char *generator)
{
	const char *sp = strrchr(generator, ' ');
	char name[256];

	if (sp && sp[1] >= '0' && sp[1] <= '9' &&
	    (size_t)(sp - generator) < sizeof(name)) {
		memcpy(name, generator, (size_t)(sp - generator));
		name[sp - generator] = '\0';
		el(f, 4, "program", name);
		el(f, 4, "version", sp + 1);
	} else {
		el(f, 4, "program", generator);
	}
}

/* fx_library_versions(): "libforensic 0.1.0; OpenSSL 3.0.x ...; ..." */
static void libraries(FILE *f)
{
	const char *p = fx_library_versions(), *end, *sp;
	char name[128], version[256];

	while (p && *p) {
		end = strstr(p, "; ");
		if (!end)
			end = p + strlen(p);
		sp = memchr(p, ' ', (size_t)(end - p));
		snprintf(name, sizeof(name), "%.*s",
			 (int)((sp ? sp : end) - p), p);
		snprintf(version, sizeof(version), "%.*s",
			 sp ? (int)(end - sp - 1) : 0, sp ? sp + 1 : "");
		fputs("    <library name=\"", f);
		fx_rpt_put_markup(f, name);
		fputs("\" version=\"", f);
		fx_rpt_put_markup(f, version);
		fputs("\"/>\n", f);
		p = *end ? end + 2 : end;
	}
}

static void creator(FILE *f, const struct fx_rpt *r)
{
	struct utsname u;

	fputs("  <creator version=\"1.0\">\n", f);
	program(f, r->generator);
	fputs("    <execution_environment>\n", f);
	if (uname(&u) == 0) {
		el(f, 6, "os_sysname", u.sysname);
		el(f, 6, "os_release", u.release);
		el(f, 6, "os_version", u.version);
		el(f, 6, "host", u.nodename);
		el(f, 6, "arch", u.machine);
	}
	fprintf(f, "      <uid>%lu</uid>\n", (unsigned long)getuid());
	el(f, 6, "start_time", r->generated_utc);
	fputs("    </execution_environment>\n", f);
	libraries(f);
	fputs("  </creator>\n", f);
}

static void source(FILE *f, const struct fx_rpt *r)
{
	size_t i, j, k, n = 0;

	for (i = 0; i < r->n_items; i++)
		for (j = 0; j < r->items[i].n_acq; j++) {
			const fx_casedb_acquisition_info *a = r->items[i].acq[j];

			n += a->result.n_files;
			for (k = 0; k < a->n_image_sets; k++)
				n += a->image_sets[k].n_files;
		}
	if (!n)
		return;
	fputs("  <source>\n", f);
	for (i = 0; i < r->n_items; i++)
		for (j = 0; j < r->items[i].n_acq; j++) {
			const fx_casedb_acquisition_info *a = r->items[i].acq[j];
			size_t s;

			for (k = 0; k < a->result.n_files; k++)
				el(f, 4, "image_filename", a->result.files[k].path);
			/* the copies' files too (acquire --copy) */
			for (s = 0; s < a->n_image_sets; s++)
				for (k = 0; k < a->image_sets[s].n_files; k++)
					el(f, 4, "image_filename",
					   a->image_sets[s].files[k].path);
		}
	fputs("  </source>\n", f);
}

/* ---- report-level metadata ---- */

/* The chain's RFC 3161 anchors as checked when the report was made. */
static void anchors(FILE *f, const struct fx_rpt *r)
{
	size_t i;

	el(f, 6, "fx:anchors_error", r->anchor_rc ? r->anchor_error : NULL);
	for (i = 0; i < r->n_anchors; i++) {
		const fx_casedb_anchor_info *a = &r->anchors[i];

		fprintf(f, "      <fx:anchor id=\"%lld\" seq=\"%lld\" "
			"status=\"%s\" state=\"%s\">\n", (long long)a->id,
			(long long)a->seq, a->stamped ? "stamped" : "failed",
			fx_casedb_anchor_state_name(a->state));
		el(f, 8, "fx:head_hash", a->head_hash);
		el(f, 8, "fx:tsa_url", a->tsa_url);
		el(f, 8, "fx:requested_utc", a->requested_utc[0]
		   ? a->requested_utc : NULL);
		el(f, 8, "fx:error", a->stamped ? NULL : a->error);
		if (a->stamped) {
			hashdigest(f, 8, "sha256", a->token_sha256);
			el(f, 8, "fx:token_time_utc", a->token_time_utc);
		}
		el(f, 8, "fx:finding", a->finding[0] ? a->finding : NULL);
		fputs("      </fx:anchor>\n", f);
	}
}

static void audit(FILE *f, const struct fx_rpt *r)
{
	size_t i;

	fprintf(f, "    <fx:audit result=\"%s\">\n", r->audit_rc == 0 ? "intact"
		: r->audit_rc == FX_ECORRUPT ? "broken" : "not_checked");
	el(f, 6, "fx:checked_utc", r->audit_checked_utc);
	if (r->audit_rc)
		el(f, 6, "fx:reason", r->audit_rc == FX_ECORRUPT
		   ? r->audit.reason : r->audit_error);
	if (r->audit.first_bad_seq)
		el_u64(f, 6, "fx:first_bad_seq", (uint64_t)r->audit.first_bad_seq);
	el_u64(f, 6, "fx:events", r->head.events);
	el_u64(f, 6, "fx:events_checked", r->audit.events);
	el_u64(f, 6, "fx:signed_events", r->audit.signed_events);
	if (r->audit_rc == 0) {
		char checked[1024], not_checked[1024];

		fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
					 sizeof(not_checked), &r->audit);
		el(f, 6, "fx:trust", fx_casedb_audit_trust_name(r->audit.trust));
		el(f, 6, "fx:checked", checked);
		el(f, 6, "fx:not_checked", not_checked);
	}
	if (r->audit.trusted_key[0])
		el(f, 6, "fx:trusted_key", r->audit.trusted_key);
	if (r->audit.triggers[0])
		el(f, 6, "fx:triggers", r->audit.triggers);
	if (r->head.last_seq) {
		el_u64(f, 6, "fx:head_seq", (uint64_t)r->head.last_seq);
		el(f, 6, "fx:head_hash", r->head.hash);
		el(f, 6, "fx:head_time_utc", r->head.time_utc);
	}
	for (i = 0; i < r->n_keys; i++) {
		fprintf(f, "      <fx:signing_key id=\"%lld\">\n",
			(long long)r->keys[i].id);
		el(f, 8, "fx:algorithm", r->keys[i].algorithm);
		el(f, 8, "fx:public_key", r->keys[i].public_key);
		el(f, 8, "fx:registered_utc", r->keys[i].registered_utc);
		fputs("      </fx:signing_key>\n", f);
	}
	anchors(f, r);
	fputs("    </fx:audit>\n", f);
}

static void metadata(FILE *f, const struct fx_rpt *r)
{
	static const char *kinds[] = { "verification", "acquisition", "audit",
				       "anchor" };
	size_t i;

	fputs("  <metadata>\n", f);
	el(f, 4, "dc:type", "Forensic acquisition report");
	el(f, 4, "dc:date", r->generated_utc);
	fputs("    <fx:report format_version=\"1\">\n", f);
	el(f, 6, "fx:generator", r->generator);
	el(f, 6, "fx:generated_utc", r->generated_utc);
	el(f, 6, "fx:case_database", r->db_path);
	el(f, 6, "fx:scope_case_number", r->scope_case);
	el(f, 6, "fx:scope_evidence_number", r->scope_evidence);
	fputs("    </fx:report>\n", f);
	for (i = 0; i < r->n_alerts; i++) {
		const struct fx_rpt_alert *a = &r->alerts[i];

		fprintf(f, "    <fx:attention kind=\"%s\"", kinds[a->kind]);
		if (a->record_id)
			fprintf(f, " record_id=\"%lld\"", (long long)a->record_id);
		fputs(">\n", f);
		if (a->item) {
			el(f, 6, "fx:case_number", a->item->ev.case_number);
			el(f, 6, "fx:evidence_number",
			   a->item->ev.evidence.evidence_number);
		}
		el(f, 6, "fx:message", a->message);
		fputs("    </fx:attention>\n", f);
	}
	audit(f, r);
	fputs("  </metadata>\n", f);
}

/* ---- acquisitions ---- */

static void identity(FILE *f, int ind, const fx_source_info *s)
{
	fprintf(f, "%*s<fx:source_identity>\n", ind, "");
	el(f, ind + 2, "fx:vendor", s->vendor);
	el(f, ind + 2, "fx:model", s->model);
	el(f, ind + 2, "fx:serial", s->serial);
	el(f, ind + 2, "fx:wwid", s->wwid);
	if (s->size)
		el_u64(f, ind + 2, "fx:size_bytes", s->size);
	if (s->size && s->logical_sector_size)
		el_u64(f, ind + 2, "fx:size_sectors",
		       s->size / s->logical_sector_size);
	if (s->logical_sector_size)
		el_u64(f, ind + 2, "fx:logical_sector_size",
		       s->logical_sector_size);
	if (s->physical_sector_size)
		el_u64(f, ind + 2, "fx:physical_sector_size",
		       s->physical_sector_size);
	flag(f, ind + 2, "fx:removable", s->removable);
	flag(f, ind + 2, "fx:rotational", s->rotational);
	flag(f, ind + 2, "fx:is_block_device", s->is_block_device);
	flag(f, ind + 2, "fx:optical", s->optical);
	el(f, ind + 2, "fx:hpa_dco", s->hpa_dco);
	fprintf(f, "%*s</fx:source_identity>\n", ind, "");
}

/* Files in segment order, as fx:image_file elements at ind. */
static void files(FILE *f, int ind, const fx_image_file *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fprintf(f, "%*s<fx:image_file segment=\"%zu\" size=\"%llu\"",
			ind, "", i + 1, (unsigned long long)x[i].size);
		if (x[i].allocated_known)
			fprintf(f, " allocated=\"%llu\"",
				(unsigned long long)x[i].allocated);
		fputs(">\n", f);
		el(f, ind + 2, "fx:path", x[i].path);
		hashdigest(f, ind + 2, "sha256", x[i].sha256);
		fprintf(f, "%*s</fx:image_file>\n", ind, "");
	}
}

/* The destinations of a run with copies (acquire --copy), each with how
 * it ended; a copy's files (TARGET's are the acquisition's). */
static void image_sets(FILE *f, const fx_casedb_acquisition_info *a)
{
	size_t i;

	for (i = 0; i < a->n_image_sets; i++) {
		const fx_casedb_image_set *s = &a->image_sets[i];

		fprintf(f, "      <fx:image_set copy_number=\"%u\" status=\"%s\" "
			"bytes_written=\"%llu\"", s->copy_number,
			fx_status_name(s->status),
			(unsigned long long)s->bytes_written);
		if (s->failed_at != UINT64_MAX)
			fprintf(f, " failed_at=\"%llu\"",
				(unsigned long long)s->failed_at);
		fputs(">\n", f);
		el(f, 8, "fx:target", s->target);
		el(f, 8, "fx:format", s->format);
		el(f, 8, "fx:error", s->error);
		files(f, 8, s->files, s->n_files);
		fputs("      </fx:image_set>\n", f);
	}
}

/* Each resume of the run (acquire --resume), oldest first. */
static void resumes(FILE *f, const struct fx_rpt_item *it,
		    const fx_casedb_acquisition_info *a)
{
	const struct fx_rpt_resume *res;
	size_t i, n;

	res = fx_rpt_resumes_of(it, a->id, &n);
	for (i = 0; i < n; i++) {
		fprintf(f, "      <fx:resume order=\"%zu\" from_byte=\"%llu\">\n",
			res[i].nth, (unsigned long long)res[i].from_byte);
		el(f, 8, "fx:time_utc", res[i].time_utc);
		el(f, 8, "fx:operator", res[i].actor);
		el(f, 8, "fx:host", res[i].host);
		fputs("      </fx:resume>\n", f);
	}
}

static void acq_record(FILE *f, const struct fx_rpt_item *it,
		       const fx_casedb_acquisition_info *a)
{
	const fx_casedb_acquisition *r = &a->rec;
	const fx_casedb_result *x = &a->result;
	char buf[32];
	int64_t us;

	fprintf(f, "    <fx:acquisition id=\"%lld\" status=\"%s\">\n",
		(long long)a->id, fx_status_name(a->status));
	el(f, 6, "fx:case_number", it->ev.case_number);
	el(f, 6, "fx:evidence_number", it->ev.evidence.evidence_number);
	el(f, 6, "fx:status_recorded", fx_status_name(x->status));
	el(f, 6, "fx:status_note", a->status_note);
	el(f, 6, "fx:program", r->tool);
	el(f, 6, "fx:version", r->tool_version);
	el(f, 6, "fx:library_versions", r->library_versions);
	el(f, 6, "fx:command_line", r->command_line);
	el(f, 6, "fx:parameters_json", r->parameters_json);
	el(f, 6, "fx:host", r->host);
	el(f, 6, "fx:operator", r->operator_name);
	el(f, 6, "fx:start_time", r->start_utc);
	el(f, 6, "fx:end_time", x->end_utc);
	if (fx_rpt_duration(&us, r->start_utc, x->end_utc) == 0) {
		fx_rpt_seconds(buf, sizeof(buf), us);
		el(f, 6, "fx:duration_seconds", buf);
	}
	el(f, 6, "fx:source_path", r->evidence.source.path);
	identity(f, 6, &r->evidence.source);
	el(f, 6, "fx:write_block_method", r->evidence.source.write_block_method);
	el(f, 6, "fx:write_block_before", r->evidence.source.ro_before);
	el(f, 6, "fx:write_block_after", r->evidence.source.ro_after);
	el(f, 6, "fx:format", r->format);
	el(f, 6, "fx:compression", r->compression);
	el_u64(f, 6, "fx:segment_size", r->segment_size);
	if (r->block_size)
		el_u64(f, 6, "fx:block_size", r->block_size);
	el_u64(f, 6, "fx:bytes_acquired", x->bytes);
	fprintf(f, "      <fx:unreadable ranges=\"%zu\" sectors=\"%llu\"/>\n",
		x->n_bad, (unsigned long long)fx_rpt_bad_total(a));
	files(f, 6, x->files, x->n_files);
	image_sets(f, a);
	resumes(f, it, a);
	fputs("    </fx:acquisition>\n", f);
}

static void acq_runs(FILE *f, const fx_casedb_acquisition_info *a)
{
	const fx_casedb_result *x = &a->result;
	size_t i;

	fputs("    <byte_runs>\n", f);
	fprintf(f, "      <byte_run img_offset=\"0\" len=\"%llu\" "
		"fx:kind=\"image\">\n", (unsigned long long)x->bytes);
	hashset(f, 8, &x->hashes);
	fputs("      </byte_run>\n", f);
	for (i = 0; i < x->n_windows; i++) {
		fprintf(f, "      <byte_run img_offset=\"%llu\" len=\"%llu\" "
			"fx:kind=\"hash_window\">\n",
			(unsigned long long)x->windows[i].offset,
			(unsigned long long)x->windows[i].length);
		hashdigest(f, 8, "sha256", x->windows[i].sha256);
		fputs("      </byte_run>\n", f);
	}
	for (i = 0; i < x->n_bad; i++) {
		fputs("      <byte_run", f);
		if (x->sector_size)
			fprintf(f, " img_offset=\"%llu\" len=\"%llu\"",
				(unsigned long long)(x->bad[i].first * x->sector_size),
				(unsigned long long)(x->bad[i].count * x->sector_size));
		fprintf(f, " fill=\"0\" fx:kind=\"unreadable\" "
			"fx:first_sector=\"%llu\" fx:sector_count=\"%llu\"/>\n",
			(unsigned long long)x->bad[i].first,
			(unsigned long long)x->bad[i].count);
	}
	fputs("    </byte_runs>\n", f);
}

static void diskimage(FILE *f, const struct fx_rpt_item *it,
		      const fx_casedb_acquisition_info *a)
{
	fputs("  <diskimageobject>\n", f);
	acq_record(f, it, a);
	acq_runs(f, a);
	if (a->result.sector_size)
		el_u64(f, 4, "sector_size", a->result.sector_size);
	if (a->status != FX_STATUS_COMPLETED &&
	    a->status != FX_STATUS_COMPLETED_WITH_ERRORS) {
		char msg[600];

		snprintf(msg, sizeof(msg), "acquisition did not complete: %s%s%s",
			 fx_status_name(a->status),
			 a->status_note ? "; " : "",
			 a->status_note ? a->status_note : "");
		el(f, 4, "error", msg);
	}
	fputs("  </diskimageobject>\n", f);
}

/* ---- evidence items ---- */

static void verification(FILE *f, const fx_casedb_verification_info *v)
{
	size_t i;

	fprintf(f, "    <fx:verification id=\"%lld\" result=\"%s\"",
		(long long)v->id, fx_verdict_name(v->rec.result));
	if (v->rec.acquisition_id)
		fprintf(f, " acquisition_id=\"%lld\"",
			(long long)v->rec.acquisition_id);
	fputs(">\n", f);
	el(f, 6, "fx:time_utc", v->rec.time_utc);
	el(f, 6, "fx:actor", v->rec.actor);
	el(f, 6, "fx:host", v->rec.host);
	el(f, 6, "fx:program", v->rec.tool);
	el(f, 6, "fx:version", v->rec.tool_version);
	el(f, 6, "fx:findings", v->rec.findings);
	hashset(f, 6, &v->rec.hashes);
	for (i = 0; i < v->rec.n_windows; i++) {
		fprintf(f, "      <byte_run img_offset=\"%llu\" len=\"%llu\" "
			"fx:kind=\"hash_window\">\n",
			(unsigned long long)v->rec.windows[i].offset,
			(unsigned long long)v->rec.windows[i].length);
		hashdigest(f, 8, "sha256", v->rec.windows[i].sha256);
		fputs("      </byte_run>\n", f);
	}
	fputs("    </fx:verification>\n", f);
}

/* An export (verify export): what, where, when, by whom, the media's
 * hashes as read and the files written. */
static void export_record(FILE *f, const fx_casedb_export_info *e)
{
	const fx_casedb_export *x = &e->rec;

	fprintf(f, "    <fx:export id=\"%lld\" acquisition_id=\"%lld\" "
		"verification_id=\"%lld\" format=\"", (long long)e->id,
		(long long)x->acquisition_id, (long long)x->verification_id);
	fx_rpt_put_markup(f, x->format);
	fprintf(f, "\" media_bytes=\"%llu\">\n",
		(unsigned long long)x->media_bytes);
	el(f, 6, "fx:path", x->path);
	el(f, 6, "fx:time_utc", x->time_utc);
	el(f, 6, "fx:actor", x->actor);
	el(f, 6, "fx:host", x->host);
	el(f, 6, "fx:program", x->tool);
	el(f, 6, "fx:version", x->tool_version);
	hashset(f, 6, &x->media);
	files(f, 6, x->files, x->n_files);
	fputs("    </fx:export>\n", f);
}

static void custody(FILE *f, const fx_casedb_custody_info *c, size_t order)
{
	fprintf(f, "    <fx:custody id=\"%lld\" order=\"%zu\">\n",
		(long long)c->id, order);
	el(f, 6, "fx:time_utc", c->rec.time_utc);
	el(f, 6, "fx:from", c->rec.from_party);
	el(f, 6, "fx:to", c->rec.to_party);
	el(f, 6, "fx:location", c->rec.location);
	el(f, 6, "fx:reason", c->rec.reason);
	el(f, 6, "fx:actor", c->rec.actor);
	fputs("    </fx:custody>\n", f);
}

static void evidence(FILE *f, const struct fx_rpt_item *it)
{
	const fx_casedb_evidence *e = &it->ev.evidence;
	size_t i;

	fprintf(f, "  <fx:evidence id=\"%lld\">\n", (long long)it->ev.id);
	el(f, 4, "fx:case_number", it->ev.case_number);
	el(f, 4, "fx:case_description", it->kase.description);
	el(f, 4, "fx:case_created_utc", it->kase.created_utc);
	el(f, 4, "fx:evidence_number", e->evidence_number);
	el(f, 4, "fx:description", e->description);
	el(f, 4, "fx:notes", e->notes);
	el(f, 4, "fx:examiner", e->examiner);
	el(f, 4, "fx:created_utc", it->ev.created_utc);
	identity(f, 4, &e->source);
	for (i = 0; i < it->n_acq; i++)
		fprintf(f, "    <fx:acquisition_ref id=\"%lld\"/>\n",
			(long long)it->acq[i]->id);
	for (i = 0; i < it->n_ver; i++)
		verification(f, &it->ver[i]);
	for (i = 0; i < it->n_exp; i++)
		export_record(f, &it->exp[i]);
	for (i = 0; i < it->n_cus; i++)
		custody(f, &it->cus[i], i + 1);
	fputs("  </fx:evidence>\n", f);
}

int fx_rpt_write_dfxml(FILE *f, const struct fx_rpt *r)
{
	size_t i, j;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fputs("<dfxml xmlns=\"" FX_DFXML_NS "\"\n"
	      "       xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	      "       xmlns:fx=\"" FX_REPORT_NS "\"\n"
	      "       version=\"2.0.0-beta.0\">\n", f);
	metadata(f, r);
	creator(f, r);
	source(f, r);
	for (i = 0; i < r->n_items; i++)
		for (j = 0; j < r->items[i].n_acq; j++)
			diskimage(f, &r->items[i], r->items[i].acq[j]);
	for (i = 0; i < r->n_items; i++)
		evidence(f, &r->items[i]);
	fputs("</dfxml>\n", f);
	return 0;
}
