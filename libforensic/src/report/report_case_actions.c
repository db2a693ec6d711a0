/*
 * The CASE report's actions: one writer per kind of record that is an
 * investigative action (acquisitions, verifications, custody transfers),
 * each a count, an IRI and the nodes it writes, listed in
 * fx_cg_action_kinds; a new kind (exports, resumes) is three functions
 * and one row. The mapping is in docs/reports.md ("CASE").
 *
 * Threading: none; writes only through the struct cw given.
 */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "report/report_case.h"

/* The name after the last slash of path. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* ---- acquisitions ---- */

static size_t acq_count(const struct fx_rpt_item *it) { return it->n_acq; }

static void acq_key(struct cw *c, iri *out, const struct fx_rpt_item *it,
		    const fx_casedb_acquisition_info *a)
{
	const char *parts[] = { "acquisition", it->ev.case_number,
				it->ev.evidence.evidence_number,
				a->rec.start_utc };

	fx_cg_key_iri(c, out, "investigative-action", parts, 4, a->id);
}

static void acq_iri(struct cw *c, const struct fx_rpt_item *it, size_t i,
		    iri *out)
{
	acq_key(c, out, it, it->acq[i]);
}

/* The image an acquisition made, and its files. */
static void image_iri(struct cw *c, iri *out, const iri *action)
{
	fx_cg_child_iri(c, out, action, "image", "image");
}

static void file_iri(struct cw *c, iri *out, const iri *action, size_t i)
{
	char suffix[32];

	snprintf(suffix, sizeof(suffix), "file/%zu", i);
	fx_cg_child_iri(c, out, action, "file", suffix);
}

/* References to an action's image and its n_files files (array elements):
 * an acquisition's, an export's. */
static void files_refs(struct cw *c, const iri *action, size_t n_files)
{
	iri id;
	size_t i;

	image_iri(c, &id, action);
	ref(c, NULL, &id);
	for (i = 0; i < n_files; i++) {
		file_iri(c, &id, action, i);
		ref(c, NULL, &id);
	}
}

/* References to an acquisition's image and files (array elements). */
static void image_refs(struct cw *c, const iri *action,
		       const fx_casedb_acquisition_info *a)
{
	files_refs(c, action, a->result.n_files);
}

/* A copy's file (acquire --copy): "copy/N/file/I" of the acquisition. */
static void copy_file_iri(struct cw *c, iri *out, const iri *action,
			  unsigned copy, size_t i)
{
	char suffix[48];

	snprintf(suffix, sizeof(suffix), "copy/%u/file/%zu", copy, i);
	fx_cg_child_iri(c, out, action, "file", suffix);
}

/* References to the files of an acquisition's copies (array elements). */
static void copy_refs(struct cw *c, const iri *action,
		      const fx_casedb_acquisition_info *a)
{
	size_t k, i;
	iri id;

	for (k = 0; k < a->n_image_sets; k++)
		for (i = 0; i < a->image_sets[k].n_files; i++) {
			copy_file_iri(c, &id, action, a->image_sets[k].copy_number, i);
			ref(c, NULL, &id);
		}
}

/* The JSON type of a recorded parameter, as its itemType. */
static const char *json_type(const fx_json_value *v)
{
	static const char *const names[] = { "null", "boolean", "number",
					     "string", "array", "object" };

	return names[v->t];
}

/* v as text: a string as it is, a number as written, a boolean, or an
 * array or object as compact JSON (into *tmp, cleared by the caller). */
static const char *json_text(const fx_json_value *v, fx_json *tmp);

static void json_copy(fx_json *j, const fx_json_value *v)
{
	const fx_json_value *m;

	switch (v->t) {
	case FX_JV_NULL: fx_json_null(j); return;
	case FX_JV_BOOL: fx_json_bool(j, v->b); return;
	case FX_JV_NUM: fx_json_raw(j, v->s); return;
	case FX_JV_STR: fx_json_cstring(j, v->s); return;
	case FX_JV_ARR:
		fx_json_array_begin(j);
		for (m = v->first; m; m = m->next)
			json_copy(j, m);
		fx_json_array_end(j);
		return;
	case FX_JV_OBJ:
		fx_json_object_begin(j);
		for (m = v->first; m; m = m->next) {
			fx_json_key(j, m->key);
			json_copy(j, m);
		}
		fx_json_object_end(j);
		return;
	}
}

static const char *json_text(const fx_json_value *v, fx_json *tmp)
{
	const char *text = NULL;

	if (v->t == FX_JV_STR || v->t == FX_JV_NUM)
		return v->s;
	if (v->t == FX_JV_BOOL)
		return v->b ? "true" : "false";
	if (v->t == FX_JV_NULL)
		return NULL;   /* an entry without a value */
	fx_json_init(tmp, FX_JSON_COMPACT | FX_JSON_TEXT_REPLACE, NULL);
	json_copy(tmp, v);
	fx_json_text(tmp, &text, NULL);
	return text;
}

static void entry(struct cw *c, const iri *conf, size_t i, const char *name,
		  const char *value, const char *type)
{
	char suffix[32];
	iri id;

	snprintf(suffix, sizeof(suffix), "entry/%zu", i);
	fx_cg_child_iri(c, &id, conf, "configuration-entry", suffix);
	node(c, NULL, &id, "uco-configuration:ConfigurationEntry");
	str(c, "uco-configuration:itemName", name);
	str(c, "uco-configuration:itemValue", value);
	str(c, "uco-configuration:itemType", type);
	end(c);
}

/* One entry per recorded parameter (parameters_json's members in their
 * order; text that is not a JSON object is one entry "parameters"), then
 * the command line. */
static void entries(struct cw *c, const iri *conf,
		    const fx_casedb_acquisition *r)
{
	fx_arena mem = FX_ARENA_INIT;
	const fx_json_value *v = NULL, *m;
	size_t i = 0;

	if (r->parameters_json)
		v = fx_json_parse(&mem, r->parameters_json);
	if (mem.err)
		c->err = FX_ERROR;
	list(c, "uco-configuration:configurationEntry");
	if (v && v->t == FX_JV_OBJ) {
		for (m = v->first; m; m = m->next) {
			fx_json tmp;

			memset(&tmp, 0, sizeof(tmp));
			entry(c, conf, i++, m->key, json_text(m, &tmp),
			      json_type(m));
			fx_json_clear(&tmp);
		}
	} else if (r->parameters_json) {
		entry(c, conf, i++, "parameters", r->parameters_json, "text");
	}
	if (r->command_line)
		entry(c, conf, i, "command_line", r->command_line,
		      "command-line");
	list_end(c);
	fx_arena_free(&mem);
}

/* The library versions ("libforensic 0.1.0; OpenSSL 3.0.15; ...") as
 * one Dependency each. */
static void dependencies(struct cw *c, const iri *conf, const char *libs)
{
	const char *p = libs, *semi;
	char suffix[32];
	size_t i = 0;
	iri id;

	if (!libs)
		return;
	list(c, "uco-configuration:dependencies");
	do {
		char *one;

		semi = strstr(p, "; ");
		one = semi ? strndup(p, (size_t)(semi - p)) : strdup(p);
		if (!one) {
			c->err = FX_ERROR;
			break;
		}
		snprintf(suffix, sizeof(suffix), "dependency/%zu", i++);
		fx_cg_child_iri(c, &id, conf, "dependency", suffix);
		node(c, NULL, &id, "uco-configuration:Dependency");
		str(c, "uco-configuration:dependencyType", "library");
		str(c, "uco-configuration:dependencyDescription", one);
		end(c);
		free(one);
		p = semi ? semi + 2 : NULL;
	} while (p);
	list_end(c);
}

/* The instrument of action: the tool, its version and (for an
 * acquisition) its configuration. */
static void tool(struct cw *c, const iri *action, const char *name,
		 const char *version, const fx_casedb_acquisition *r)
{
	iri id, conf;

	fx_cg_child_iri(c, &id, action, "configured-tool", "tool");
	node(c, "uco-action:instrument", &id, "uco-tool:ConfiguredTool");
	str(c, "uco-core:name", name);
	str(c, "uco-tool:version", version);
	if (r) {
		fx_cg_child_iri(c, &conf, &id, "configuration", "configuration");
		node(c, "uco-configuration:usesConfiguration", &conf,
		     "uco-configuration:Configuration");
		entries(c, &conf, r);
		dependencies(c, &conf, r->library_versions);
		end(c);
	}
	end(c);
}

/* UCO's ActionStatusTypeVocab for an acquisition's status. */
static const char *acq_status(fx_status s)
{
	switch (s) {
	case FX_STATUS_RUNNING: return "Ongoing";
	case FX_STATUS_COMPLETED: return "Success";
	case FX_STATUS_COMPLETED_WITH_ERRORS: return "Complete/Finish";
	case FX_STATUS_FAILED: return "Fail";
	case FX_STATUS_INTERRUPTED: return "Error";
	}
	return "Unknown";
}

/* How each destination of a run with copies ended (description lines). */
static void copy_lines(struct cw *c, const fx_casedb_acquisition_info *a)
{
	char line[1024], at[48], what[32];
	size_t k;

	for (k = 0; k < a->n_image_sets; k++) {
		const fx_casedb_image_set *s = &a->image_sets[k];

		at[0] = '\0';
		if (s->failed_at != UINT64_MAX)
			snprintf(at, sizeof(at), ", failed at byte %llu",
				 (unsigned long long)s->failed_at);
		if (s->copy_number)
			snprintf(what, sizeof(what), "copy %u", s->copy_number);
		else
			snprintf(what, sizeof(what), "TARGET");
		snprintf(line, sizeof(line), "%s %s (%s): %s%s, %llu bytes "
			 "written%s%s", what, s->target ? s->target : "",
			 s->format ? s->format : "", fx_status_name(s->status),
			 at, (unsigned long long)s->bytes_written,
			 s->error ? ": " : "", s->error ? s->error : "");
		str(c, NULL, line);
	}
}

/* What an acquisition's status is, in the record's words, and its
 * unreadable sectors. */
static void acq_description(struct cw *c, const fx_casedb_acquisition_info *a)
{
	char line[160];
	size_t i;

	list(c, "uco-core:description");
	snprintf(line, sizeof(line), "status: %s", fx_status_name(a->status));
	str(c, NULL, line);
	str(c, NULL, a->status_note);
	for (i = 0; i < a->result.n_bad; i++) {
		const fx_bad_range *b = &a->result.bad[i];

		snprintf(line, sizeof(line), "unreadable sectors %llu to %llu "
			 "(%llu sectors of %u bytes), zero-filled in the image",
			 (unsigned long long)b->first,
			 (unsigned long long)(b->first + b->count - 1),
			 (unsigned long long)b->count, a->result.sector_size);
		str(c, NULL, line);
	}
	copy_lines(c, a);
	list_end(c);
}

static void acq_image(struct cw *c, const iri *action,
		      const fx_casedb_acquisition_info *a)
{
	iri id, f;

	image_iri(c, &id, action);
	node(c, NULL, &id, "uco-observable:Image");
	list(c, "uco-core:hasFacet");
	fx_cg_child_iri(c, &f, &id, "image-facet", "image");
	node(c, NULL, &f, "uco-observable:ImageFacet");
	str(c, "uco-observable:imageType", a->rec.format);
	end(c);
	fx_cg_content(c, &id, a->status != FX_STATUS_RUNNING, a->result.bytes,
		&a->result.hashes);
	list_end(c);
	end(c);
}

/* A File node at id: name, path, size and its SHA-256 when recorded. */
static void file_node(struct cw *c, const iri *id, const fx_image_file *file)
{
	fx_digests d = { FX_HASH_SHA256, "", "", "" };
	iri f;

	snprintf(d.sha256, sizeof(d.sha256), "%s", file->sha256);
	node(c, NULL, id, "uco-observable:File");
	list(c, "uco-core:hasFacet");
	fx_cg_child_iri(c, &f, id, "file-facet", "file");
	node(c, NULL, &f, "uco-observable:FileFacet");
	str(c, "uco-observable:fileName", base_name(file->path));
	str(c, "uco-observable:filePath", file->path);
	num(c, "uco-observable:sizeInBytes", file->size);
	end(c);
	fx_cg_content(c, id, 1, file->size, &d);
	list_end(c);
	end(c);
}

static void acq_file(struct cw *c, const iri *action, size_t i,
		     const fx_image_file *file)
{
	iri id;

	file_iri(c, &id, action, i);
	file_node(c, &id, file);
}

/* The files of the acquisition's copies. */
static void copy_files(struct cw *c, const iri *action,
		       const fx_casedb_acquisition_info *a)
{
	size_t k, i;
	iri id;

	for (k = 0; k < a->n_image_sets; k++)
		for (i = 0; i < a->image_sets[k].n_files; i++) {
			copy_file_iri(c, &id, action, a->image_sets[k].copy_number, i);
			file_node(c, &id, &a->image_sets[k].files[i]);
		}
}

/* A resume's IRI: the acquisition's, "/resume/" and its number (1, 2,
 * ... in the order they were recorded), so it needs no record of its own
 * (a resume is an audit event). */
static void resume_iri_of(struct cw *c, iri *out, const iri *acq, size_t nth)
{
	char suffix[32];

	snprintf(suffix, sizeof(suffix), "resume/%zu", nth);
	fx_cg_child_iri(c, out, acq, "investigative-action", suffix);
}

/* The acquisition's resumes as its subactions; nothing if none. */
static void resume_refs(struct cw *c, const struct fx_rpt_item *it,
			const fx_casedb_acquisition_info *a, const iri *acq)
{
	const struct fx_rpt_resume *res;
	size_t k, n;
	iri id;

	res = fx_rpt_resumes_of(it, a->id, &n);
	if (!n)
		return;
	list(c, "uco-action:subaction");
	for (k = 0; k < n; k++) {
		resume_iri_of(c, &id, acq, res[k].nth);
		ref(c, NULL, &id);
	}
	list_end(c);
}

static void acq_write(struct cw *c, const struct fx_rpt_item *it, size_t i)
{
	const fx_casedb_acquisition_info *a = it->acq[i];
	iri id, dev, rec;
	size_t k;

	acq_key(c, &id, it, a);
	fx_cg_device_iri(c, &dev, it);
	fx_cg_child_iri(c, &rec, &id, "provenance-record", "provenance-record");
	node(c, NULL, &id, "case-investigation:InvestigativeAction");
	str(c, "uco-core:name", "acquisition");
	acq_description(c, a);
	str(c, "uco-action:actionStatus", acq_status(a->status));
	when(c, "uco-action:startTime", a->rec.start_utc);
	when(c, "uco-action:endTime", a->result.end_utc);
	fx_cg_agent(c, "uco-action:performer", AG_IDENTITY, a->rec.operator_name);
	fx_cg_agent(c, "uco-action:location", AG_LOCATION, a->rec.host);
	tool(c, &id, a->rec.tool, a->rec.tool_version, &a->rec);
	list(c, "uco-action:object");
	ref(c, NULL, &dev);
	list_end(c);
	list(c, "uco-action:result");
	image_refs(c, &id, a);
	copy_refs(c, &id, a);
	ref(c, NULL, &rec);
	list_end(c);
	resume_refs(c, it, a, &id);
	end(c);
	acq_image(c, &id, a);
	for (k = 0; k < a->result.n_files; k++)
		acq_file(c, &id, k, &a->result.files[k]);
	copy_files(c, &id, a);
	node(c, NULL, &rec, "case-investigation:ProvenanceRecord");
	fx_cg_exhibit_numbers(c, it);
	list(c, "uco-core:object");
	image_refs(c, &id, a);
	copy_refs(c, &id, a);
	list_end(c);
	end(c);
}

/* ---- verifications ---- */

static size_t ver_count(const struct fx_rpt_item *it) { return it->n_ver; }

static void ver_iri(struct cw *c, const struct fx_rpt_item *it, size_t i,
		    iri *out)
{
	const char *parts[] = { "verification", it->ev.case_number,
				it->ev.evidence.evidence_number,
				it->ver[i].rec.time_utc };

	fx_cg_key_iri(c, out, "investigative-action", parts, 4, it->ver[i].id);
}

static const char *ver_status(fx_verdict v)
{
	switch (v) {
	case FX_VERDICT_VERIFIED: return "Success";
	case FX_VERDICT_MISMATCH: return "Fail";
	case FX_VERDICT_ERROR: return "Error";
	case FX_VERDICT_INTERRUPTED: return "Unknown";
	}
	return "Unknown";
}

static void ver_write(struct cw *c, const struct fx_rpt_item *it, size_t i)
{
	const fx_casedb_verification_info *v = &it->ver[i];
	const fx_casedb_acquisition_info *a = fx_rpt_acq_of(it, v);
	char line[64];
	iri id, acq, data;

	ver_iri(c, it, i, &id);
	fx_cg_child_iri(c, &data, &id, "observable", "data-read");
	node(c, NULL, &id, "case-investigation:InvestigativeAction");
	str(c, "uco-core:name", "verification");
	list(c, "uco-core:description");
	snprintf(line, sizeof(line), "result: %s", fx_verdict_name(v->rec.result));
	str(c, NULL, line);
	str(c, NULL, v->rec.findings);
	list_end(c);
	str(c, "uco-action:actionStatus", ver_status(v->rec.result));
	/* the record has one time: when the result was recorded */
	when(c, "uco-action:endTime", v->rec.time_utc);
	fx_cg_agent(c, "uco-action:performer", AG_IDENTITY, v->rec.actor);
	fx_cg_agent(c, "uco-action:location", AG_LOCATION, v->rec.host);
	tool(c, &id, v->rec.tool, v->rec.tool_version, NULL);
	if (a) {
		acq_key(c, &acq, it, a);
		ref(c, "case-investigation:wasInformedBy", &acq);
		list(c, "uco-action:object");
		image_refs(c, &acq, a);
		list_end(c);
	}
	list(c, "uco-action:result");
	ref(c, NULL, &data);
	list_end(c);
	end(c);
	/* what it read: the hashes it computed */
	node(c, NULL, &data, "uco-observable:ObservableObject");
	str(c, "uco-core:name", "data read by the verification");
	list(c, "uco-core:hasFacet");
	fx_cg_content(c, &data, 0, 0, &v->rec.hashes);
	list_end(c);
	end(c);
}

/* ---- custody transfers ---- */

static size_t cus_count(const struct fx_rpt_item *it) { return it->n_cus; }

static void cus_iri(struct cw *c, const struct fx_rpt_item *it, size_t i,
		    iri *out)
{
	const char *parts[] = { "custody", it->ev.case_number,
				it->ev.evidence.evidence_number,
				it->cus[i].rec.time_utc };

	fx_cg_key_iri(c, out, "investigative-action", parts, 4, it->cus[i].id);
}

/* What changed hands: the device, and the images of the acquisitions
 * that had ended by then (array elements). */
static void held(struct cw *c, const struct fx_rpt_item *it,
		 const fx_casedb_custody *t)
{
	size_t k;
	iri id;

	fx_cg_device_iri(c, &id, it);
	ref(c, NULL, &id);
	for (k = 0; k < it->n_acq; k++) {
		const fx_casedb_acquisition_info *a = it->acq[k];

		if (!a->result.end_utc || !t->time_utc ||
		    fx_rpt_time_cmp(a->result.end_utc, t->time_utc) > 0)
			continue;
		acq_key(c, &id, it, a);
		image_refs(c, &id, a);
	}
}

static void cus_write(struct cw *c, const struct fx_rpt_item *it, size_t i)
{
	const fx_casedb_custody *t = &it->cus[i].rec;
	iri id, rec;

	cus_iri(c, it, i, &id);
	fx_cg_child_iri(c, &rec, &id, "provenance-record", "provenance-record");
	node(c, NULL, &id, "case-investigation:InvestigativeAction");
	str(c, "uco-core:name", "custody transfer");
	str(c, "uco-core:description", t->reason);
	/* a hand-over is an instant: it starts and ends at the time recorded */
	when(c, "uco-action:startTime", t->time_utc);
	when(c, "uco-action:endTime", t->time_utc);
	fx_cg_agent(c, "uco-action:performer", AG_IDENTITY, t->from_party);
	list(c, "uco-action:participant");
	fx_cg_agent(c, NULL, AG_IDENTITY, t->to_party);
	list_end(c);
	fx_cg_agent(c, "uco-action:location", AG_LOCATION, t->location);
	list(c, "uco-action:object");
	held(c, it, t);
	list_end(c);
	list(c, "uco-action:result");
	ref(c, NULL, &rec);
	list_end(c);
	end(c);
	node(c, NULL, &rec, "case-investigation:ProvenanceRecord");
	fx_cg_exhibit_numbers(c, it);
	fx_cg_agent(c, "uco-core:createdBy", AG_IDENTITY, t->actor);
	when(c, "uco-core:objectCreatedTime", t->time_utc);
	list(c, "uco-core:object");
	held(c, it, t);
	list_end(c);
	end(c);
}

/* ---- resumes: actions of their own, subactions of the acquisition ----
 * A resume is done by its own operator, on its own host, at its own time:
 * one acquisition action has one performer, location and start, so
 * folding the resumes into it would lose who resumed it where. */

static size_t res_count(const struct fx_rpt_item *it) { return it->n_res; }

static const fx_casedb_acquisition_info *res_acq(const struct fx_rpt_item *it,
						 size_t i)
{
	return it->acq[it->res[i].acq_index];
}

static void res_iri(struct cw *c, const struct fx_rpt_item *it, size_t i,
		    iri *out)
{
	iri acq;

	acq_key(c, &acq, it, res_acq(it, i));
	resume_iri_of(c, out, &acq, it->res[i].nth);
}

static void res_write(struct cw *c, const struct fx_rpt_item *it, size_t i)
{
	const struct fx_rpt_resume *r = &it->res[i];
	const fx_casedb_acquisition_info *a = res_acq(it, i);
	char line[96];
	iri id, acq, dev;

	acq_key(c, &acq, it, a);
	resume_iri_of(c, &id, &acq, r->nth);
	fx_cg_device_iri(c, &dev, it);
	node(c, NULL, &id, "case-investigation:InvestigativeAction");
	str(c, "uco-core:name", "acquisition resume");
	snprintf(line, sizeof(line), "resumed from byte %llu",
		 (unsigned long long)r->from_byte);
	str(c, "uco-core:description", line);
	when(c, "uco-action:startTime", r->time_utc);
	fx_cg_agent(c, "uco-action:performer", AG_IDENTITY, r->actor);
	fx_cg_agent(c, "uco-action:location", AG_LOCATION, r->host);
	list(c, "uco-action:object");
	ref(c, NULL, &dev);
	list_end(c);
	list(c, "uco-action:result");
	image_refs(c, &acq, a);
	list_end(c);
	end(c);
}

/* ---- exports (verify export) ---- */

static size_t exp_count(const struct fx_rpt_item *it) { return it->n_exp; }

static void exp_iri(struct cw *c, const struct fx_rpt_item *it, size_t i,
		    iri *out)
{
	const char *parts[] = { "export", it->ev.case_number,
				it->ev.evidence.evidence_number,
				it->exp[i].rec.time_utc };

	fx_cg_key_iri(c, out, "investigative-action", parts, 4, it->exp[i].id);
}

/* The export's tool and what it was told: the format and the path. */
static void exp_tool(struct cw *c, const iri *action,
		     const fx_casedb_export *x)
{
	iri id, conf;

	fx_cg_child_iri(c, &id, action, "configured-tool", "tool");
	node(c, "uco-action:instrument", &id, "uco-tool:ConfiguredTool");
	str(c, "uco-core:name", x->tool);
	str(c, "uco-tool:version", x->tool_version);
	fx_cg_child_iri(c, &conf, &id, "configuration", "configuration");
	node(c, "uco-configuration:usesConfiguration", &conf,
	     "uco-configuration:Configuration");
	list(c, "uco-configuration:configurationEntry");
	entry(c, &conf, 0, "format", x->format, "string");
	entry(c, &conf, 1, "output", x->path, "string");
	list_end(c);
	end(c);
	end(c);
}

/* The verification whose read wrote the export, and its acquisition. */
static void exp_sources(struct cw *c, const struct fx_rpt_item *it,
			const fx_casedb_export *x,
			const fx_casedb_acquisition_info **acq)
{
	size_t k;
	iri id;

	*acq = NULL;
	for (k = 0; k < it->n_acq; k++)
		if (it->acq[k]->id == x->acquisition_id)
			*acq = it->acq[k];
	list(c, "case-investigation:wasInformedBy");
	for (k = 0; k < it->n_ver; k++)
		if (it->ver[k].id == x->verification_id) {
			ver_iri(c, it, k, &id);
			ref(c, NULL, &id);
		}
	if (*acq) {
		acq_key(c, &id, it, *acq);
		ref(c, NULL, &id);
	}
	list_end(c);
}

static void exp_image(struct cw *c, const iri *action,
		      const fx_casedb_export *x)
{
	iri id, f;

	image_iri(c, &id, action);
	node(c, NULL, &id, "uco-observable:Image");
	list(c, "uco-core:hasFacet");
	fx_cg_child_iri(c, &f, &id, "image-facet", "image");
	node(c, NULL, &f, "uco-observable:ImageFacet");
	str(c, "uco-observable:imageType", x->format);
	end(c);
	fx_cg_content(c, &id, 1, x->media_bytes, &x->media);
	list_end(c);
	end(c);
}

static void exp_write(struct cw *c, const struct fx_rpt_item *it, size_t i)
{
	const fx_casedb_export *x = &it->exp[i].rec;
	const fx_casedb_acquisition_info *a;
	char line[160];
	iri id, acq, rec;
	size_t k;

	exp_iri(c, it, i, &id);
	fx_cg_child_iri(c, &rec, &id, "provenance-record", "provenance-record");
	node(c, NULL, &id, "case-investigation:InvestigativeAction");
	str(c, "uco-core:name", "export");
	snprintf(line, sizeof(line), "export of acquisition %lld as %s, read "
		 "by verification %lld", (long long)x->acquisition_id,
		 x->format, (long long)x->verification_id);
	str(c, "uco-core:description", line);
	/* only a verified read is recorded as an export */
	str(c, "uco-action:actionStatus", "Success");
	/* the record has one time: when the export was recorded, done */
	when(c, "uco-action:endTime", x->time_utc);
	fx_cg_agent(c, "uco-action:performer", AG_IDENTITY, x->actor);
	fx_cg_agent(c, "uco-action:location", AG_LOCATION, x->host);
	exp_tool(c, &id, x);
	exp_sources(c, it, x, &a);
	if (a) {
		acq_key(c, &acq, it, a);
		list(c, "uco-action:object");
		image_refs(c, &acq, a);
		list_end(c);
	}
	list(c, "uco-action:result");
	files_refs(c, &id, x->n_files);
	ref(c, NULL, &rec);
	list_end(c);
	end(c);
	exp_image(c, &id, x);
	for (k = 0; k < x->n_files; k++)
		acq_file(c, &id, k, &x->files[k]);
	node(c, NULL, &rec, "case-investigation:ProvenanceRecord");
	fx_cg_exhibit_numbers(c, it);
	list(c, "uco-core:object");
	files_refs(c, &id, x->n_files);
	list_end(c);
	end(c);
}

/* ---- the kinds of action: a new kind is one more row ---- */

const struct fx_cg_action_kind fx_cg_action_kinds[] = {
	{ acq_count, acq_iri, acq_write },
	{ res_count, res_iri, res_write },
	{ ver_count, ver_iri, ver_write },
	{ exp_count, exp_iri, exp_write },
	{ cus_count, cus_iri, cus_write },
};

const size_t fx_cg_n_action_kinds =
	sizeof(fx_cg_action_kinds) / sizeof(fx_cg_action_kinds[0]);
