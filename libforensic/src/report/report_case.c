/*
 * The CASE report: the record as CASE 1.4 / UCO 1.4 JSON-LD (the Cyber-
 * investigation Analysis Standard Expression), for tool chains that merge
 * what several tools say about one investigation into one graph. The
 * mapping of each record field to its CASE/UCO property is in
 * docs/reports.md ("CASE"); in short: the case is a
 * case-investigation:Investigation, the evidence item a
 * uco-observable:Device with a ProvenanceRecord carrying its exhibit
 * number, and each acquisition, verification and custody transfer an
 * InvestigativeAction with its performer, instrument (a ConfiguredTool),
 * times, location, objects and results; images and image files are
 * observables whose ContentDataFacets hold the recorded hashes.
 *
 * Deterministic: the same database gives the same bytes, so a third party
 * can reproduce the file. Nothing about the moment of writing goes in (no
 * report time, no audit check time), and every node's @id is a name-based
 * UUID (RFC 4122 version 5, SHA-1) of stable record keys: a record's
 * kind, case and evidence numbers, id and recorded time, as a compact JSON
 * array (key_iri), or the IRI of the node it belongs to and a suffix
 * (child_iri). The same operator, host or vendor is the same node in
 * every report, of every database.
 *
 * An action kind is one row of action_kinds: how many an item has, the
 * IRI of the i-th, and the writer of its nodes; a new kind of record
 * (exports, resumes) is one more row.
 *
 * Text goes out through base/json's writer (pretty, text that is not
 * UTF-8 as U+FFFD); control characters, quotes and markup are JSON
 * escapes, so the graph holds the recorded characters exactly.
 *
 * Threading: none; writes only to the FILE given.
 */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/hex.h"
#include "base/json.h"
#include "base/vec.h"
#include "hash/hasher.h"
#include "report/report_int.h"

/* The namespace of every UUID this writer makes (a random UUID, fixed
 * forever: changing it changes every @id). */
static const uint8_t case_ns[16] = {
	0xb6, 0x9e, 0x33, 0xd6, 0x72, 0x4c, 0x44, 0x10,
	0xa7, 0x80, 0x02, 0x94, 0x76, 0x22, 0xe4, 0x03 };

/* A node's IRI, compact: "kb:KIND-UUID". */
typedef struct iri {
	char s[96];
} iri;

/* Identities and locations are written once each, after the records that
 * name them (sorted, so that the output does not depend on first use). */
enum agent_kind { AG_ORGANIZATION, AG_IDENTITY, AG_LOCATION };

struct agent {
	enum agent_kind kind;
	const char *name;              /* borrowed from the model */
};

struct cw {
	fx_json w;                     /* the output */
	const struct fx_rpt *r;
	fx_hasher *sha1;               /* for the UUIDs */
	struct agent *agents;
	size_t n_agents, cap_agents;
	int err;                       /* out of memory */
};

/* ---- IRIs ---- */

/* The version 5 UUID of name (len bytes) in case_ns, as text. */
static void uuid5(struct cw *c, char out[37], const char *name, size_t len)
{
	char hex[41];
	uint8_t b[20];

	fx_hasher_update(c->sha1, case_ns, sizeof(case_ns));
	fx_hasher_update(c->sha1, name, len);
	fx_hasher_final_hex(c->sha1, hex, sizeof(hex));
	if (fx_hex_decode(b, sizeof(b), hex) != 0)
		memset(b, 0, sizeof(b));
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x50);   /* version 5 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
	fx_hex_encode(hex, b, 16);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
		 hex + 12, hex + 16, hex + 20);
}

/* kb:KIND-UUID, the UUID of the compact JSON array of the n texts of
 * parts (NULL: null) followed by id when id >= 0, e.g.
 * ["acquisition","2026-0042","HD-1","2026-03-02T09:15:00Z",1]. */
static void key_iri(struct cw *c, iri *out, const char *kind,
		    const char *const *parts, size_t n, int64_t id)
{
	char uuid[37];
	const char *text = NULL;
	size_t i, len = 0;
	fx_json j;

	fx_json_init(&j, FX_JSON_COMPACT | FX_JSON_TEXT_REPLACE, NULL);
	fx_json_array_begin(&j);
	for (i = 0; i < n; i++)
		fx_json_cstring(&j, parts[i]);
	if (id >= 0)
		fx_json_int(&j, id);
	fx_json_array_end(&j);
	if (fx_json_text(&j, &text, &len) != 0 || !text) {
		c->err = FX_ERROR;
		text = "";
		len = 0;
	}
	uuid5(c, uuid, text, len);
	fx_json_clear(&j);
	snprintf(out->s, sizeof(out->s), "kb:%s-%s", kind, uuid);
}

/* kb:KIND-UUID of a node that belongs to parent: the UUID of
 * "PARENT/SUFFIX" (PARENT the parent's compact IRI). */
static void child_iri(struct cw *c, iri *out, const iri *parent,
		      const char *kind, const char *suffix)
{
	char name[160], uuid[37];
	int n = snprintf(name, sizeof(name), "%s/%s", parent->s, suffix);

	uuid5(c, uuid, name, (size_t)n < sizeof(name) ? (size_t)n
		  : sizeof(name) - 1);
	snprintf(out->s, sizeof(out->s), "kb:%s-%s", kind, uuid);
}

static void agent_iri(struct cw *c, iri *out, enum agent_kind k,
		      const char *name)
{
	static const char *const tag[] = { "organization", "identity",
					   "location" };
	const char *parts[2] = { tag[k], name };

	key_iri(c, out, tag[k], parts, 2, -1);
}

/* ---- the writer's conventions ---- */

static void key(struct cw *c, const char *k) { fx_json_key(&c->w, k); }

/* A member whose value is text; nothing when s is NULL (not recorded). */
static void str(struct cw *c, const char *k, const char *s)
{
	if (s)
		fx_json_member_string(&c->w, k, s);
}

static void num(struct cw *c, const char *k, uint64_t v)
{
	fx_json_member_uint(&c->w, k, v);
}

/* A typed literal: {"@type": type, "@value": s}; nothing for NULL. */
static void typed(struct cw *c, const char *k, const char *type,
		  const char *s)
{
	if (!s)
		return;
	key(c, k);
	fx_json_object_begin(&c->w);
	str(c, "@type", type);
	str(c, "@value", s);
	fx_json_object_end(&c->w);
}

static void when(struct cw *c, const char *k, const char *utc)
{
	typed(c, k, "xsd:dateTime", utc);
}

/* {"@id": id} as a value (k NULL: an array element). */
static void ref(struct cw *c, const char *k, const iri *id)
{
	if (k)
		key(c, k);
	fx_json_object_begin(&c->w);
	str(c, "@id", id->s);
	fx_json_object_end(&c->w);
}

/* Opens a node object (k NULL: an array element, or the graph's). */
static void node(struct cw *c, const char *k, const iri *id, const char *type)
{
	if (k)
		key(c, k);
	fx_json_object_begin(&c->w);
	str(c, "@id", id->s);
	str(c, "@type", type);
}

static void end(struct cw *c) { fx_json_object_end(&c->w); }

static void list(struct cw *c, const char *k)
{
	key(c, k);
	fx_json_array_begin(&c->w);
}

static void list_end(struct cw *c) { fx_json_array_end(&c->w); }

/* A reference to the identity, organization or location called name,
 * whose node is written at the end; nothing when name is NULL. */
static void agent(struct cw *c, const char *k, enum agent_kind kind,
		  const char *name)
{
	iri id;

	if (!name)
		return;
	if (fx_vec_reserve(&c->agents, &c->cap_agents, c->n_agents + 1,
			   sizeof(*c->agents)) != 0) {
		c->err = FX_ERROR;
		return;
	}
	c->agents[c->n_agents].kind = kind;
	c->agents[c->n_agents++].name = name;
	agent_iri(c, &id, kind, name);
	ref(c, k, &id);
}

/* ---- observables ---- */

/* One uco-types:Hash in the hash list of facet; nothing for "". */
static void hash(struct cw *c, const iri *facet, const char *method,
		 const char *value)
{
	iri id;

	if (!value || !value[0])
		return;
	child_iri(c, &id, facet, "hash", method);
	node(c, NULL, &id, "uco-types:Hash");
	str(c, "uco-types:hashMethod", method);
	typed(c, "uco-types:hashValue", "xsd:hexBinary", value);
	end(c);
}

/* A ContentDataFacet in the hasFacet list of owner: size (when has_size)
 * and the recorded digests. */
static void content(struct cw *c, const iri *owner, int has_size,
		    uint64_t size, const fx_digests *d)
{
	iri id;

	child_iri(c, &id, owner, "content-data-facet", "content-data");
	node(c, NULL, &id, "uco-observable:ContentDataFacet");
	if (has_size)
		num(c, "uco-observable:sizeInBytes", size);
	list(c, "uco-observable:hash");
	hash(c, &id, "MD5", d->md5);
	hash(c, &id, "SHA1", d->sha1);
	hash(c, &id, "SHA256", d->sha256);
	list_end(c);
	end(c);
}

/* The evidence item's source as a Device: manufacturer, model, serial
 * number and capacity as registered. */
static void device(struct cw *c, const iri *id, const struct fx_rpt_item *it)
{
	const fx_source_info *s = &it->ev.evidence.source;
	iri f;

	node(c, NULL, id, "uco-observable:Device");
	str(c, "uco-core:description", it->ev.evidence.description);
	list(c, "uco-core:hasFacet");
	child_iri(c, &f, id, "device-facet", "device");
	node(c, NULL, &f, "uco-observable:DeviceFacet");
	agent(c, "uco-observable:manufacturer", AG_ORGANIZATION, s->vendor);
	str(c, "uco-observable:model", s->model);
	str(c, "uco-observable:serialNumber", s->serial);
	end(c);
	if (s->size) {
		child_iri(c, &f, id, "storage-medium-facet", "storage-medium");
		node(c, NULL, &f, "uco-observable:StorageMediumFacet");
		num(c, "uco-observable:totalStorageCapacityInBytes", s->size);
		end(c);
	}
	list_end(c);
	end(c);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* ---- the case and the evidence item ---- */

/* The case number of the report: its items' (one case), or the one asked
 * for when the case has no evidence item. */
static const char *case_number(const struct fx_rpt *r)
{
	return r->n_items ? r->items[0].ev.case_number : r->scope_case;
}

static void case_iri(struct cw *c, iri *out)
{
	const char *parts[] = { "investigation", case_number(c->r) };

	key_iri(c, out, "investigation", parts, 2, -1);
}

static void device_iri(struct cw *c, iri *out, const struct fx_rpt_item *it)
{
	const char *parts[] = { "device", it->ev.case_number,
				it->ev.evidence.evidence_number };

	key_iri(c, out, "device", parts, 3, -1);
}

/* The record that makes the device an exhibit. */
static void exhibit_iri(struct cw *c, iri *out, const struct fx_rpt_item *it)
{
	const char *parts[] = { "exhibit", it->ev.case_number,
				it->ev.evidence.evidence_number };

	key_iri(c, out, "provenance-record", parts, 3, -1);
}

/* exhibitNumber and rootExhibitNumber: the evidence number. */
static void exhibit_numbers(struct cw *c, const struct fx_rpt_item *it)
{
	str(c, "case-investigation:exhibitNumber",
	    it->ev.evidence.evidence_number);
	str(c, "case-investigation:rootExhibitNumber",
	    it->ev.evidence.evidence_number);
}

static void exhibit(struct cw *c, const struct fx_rpt_item *it)
{
	iri id, dev;

	exhibit_iri(c, &id, it);
	device_iri(c, &dev, it);
	node(c, NULL, &id, "case-investigation:ProvenanceRecord");
	exhibit_numbers(c, it);
	str(c, "uco-core:description", it->ev.evidence.notes);
	agent(c, "uco-core:createdBy", AG_IDENTITY, it->ev.evidence.examiner);
	when(c, "uco-core:objectCreatedTime", it->ev.created_utc);
	list(c, "uco-core:object");
	ref(c, NULL, &dev);
	list_end(c);
	end(c);
}

/* ---- acquisitions ---- */

static size_t acq_count(const struct fx_rpt_item *it) { return it->n_acq; }

static void acq_key(struct cw *c, iri *out, const struct fx_rpt_item *it,
		    const fx_casedb_acquisition_info *a)
{
	const char *parts[] = { "acquisition", it->ev.case_number,
				it->ev.evidence.evidence_number,
				a->rec.start_utc };

	key_iri(c, out, "investigative-action", parts, 4, a->id);
}

static void acq_iri(struct cw *c, const struct fx_rpt_item *it, size_t i,
		    iri *out)
{
	acq_key(c, out, it, it->acq[i]);
}

/* The image an acquisition made, and its files. */
static void image_iri(struct cw *c, iri *out, const iri *action)
{
	child_iri(c, out, action, "image", "image");
}

static void file_iri(struct cw *c, iri *out, const iri *action, size_t i)
{
	char suffix[32];

	snprintf(suffix, sizeof(suffix), "file/%zu", i);
	child_iri(c, out, action, "file", suffix);
}

/* References to an acquisition's image and files (array elements). */
static void image_refs(struct cw *c, const iri *action,
		       const fx_casedb_acquisition_info *a)
{
	iri id;
	size_t i;

	image_iri(c, &id, action);
	ref(c, NULL, &id);
	for (i = 0; i < a->result.n_files; i++) {
		file_iri(c, &id, action, i);
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
	child_iri(c, &id, conf, "configuration-entry", suffix);
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
		child_iri(c, &id, conf, "dependency", suffix);
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

	child_iri(c, &id, action, "configured-tool", "tool");
	node(c, "uco-action:instrument", &id, "uco-tool:ConfiguredTool");
	str(c, "uco-core:name", name);
	str(c, "uco-tool:version", version);
	if (r) {
		child_iri(c, &conf, &id, "configuration", "configuration");
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
	list_end(c);
}

static void acq_image(struct cw *c, const iri *action,
		      const fx_casedb_acquisition_info *a)
{
	iri id, f;

	image_iri(c, &id, action);
	node(c, NULL, &id, "uco-observable:Image");
	list(c, "uco-core:hasFacet");
	child_iri(c, &f, &id, "image-facet", "image");
	node(c, NULL, &f, "uco-observable:ImageFacet");
	str(c, "uco-observable:imageType", a->rec.format);
	end(c);
	content(c, &id, a->status != FX_STATUS_RUNNING, a->result.bytes,
		&a->result.hashes);
	list_end(c);
	end(c);
}

static void acq_file(struct cw *c, const iri *action, size_t i,
		     const fx_image_file *file)
{
	fx_digests d = { FX_HASH_SHA256, "", "", "" };
	iri id, f;

	snprintf(d.sha256, sizeof(d.sha256), "%s", file->sha256);
	file_iri(c, &id, action, i);
	node(c, NULL, &id, "uco-observable:File");
	list(c, "uco-core:hasFacet");
	child_iri(c, &f, &id, "file-facet", "file");
	node(c, NULL, &f, "uco-observable:FileFacet");
	str(c, "uco-observable:fileName", base_name(file->path));
	str(c, "uco-observable:filePath", file->path);
	num(c, "uco-observable:sizeInBytes", file->size);
	end(c);
	content(c, &id, 1, file->size, &d);
	list_end(c);
	end(c);
}

static void acq_write(struct cw *c, const struct fx_rpt_item *it, size_t i)
{
	const fx_casedb_acquisition_info *a = it->acq[i];
	iri id, dev, rec;
	size_t k;

	acq_key(c, &id, it, a);
	device_iri(c, &dev, it);
	child_iri(c, &rec, &id, "provenance-record", "provenance-record");
	node(c, NULL, &id, "case-investigation:InvestigativeAction");
	str(c, "uco-core:name", "acquisition");
	acq_description(c, a);
	str(c, "uco-action:actionStatus", acq_status(a->status));
	when(c, "uco-action:startTime", a->rec.start_utc);
	when(c, "uco-action:endTime", a->result.end_utc);
	agent(c, "uco-action:performer", AG_IDENTITY, a->rec.operator_name);
	agent(c, "uco-action:location", AG_LOCATION, a->rec.host);
	tool(c, &id, a->rec.tool, a->rec.tool_version, &a->rec);
	list(c, "uco-action:object");
	ref(c, NULL, &dev);
	list_end(c);
	list(c, "uco-action:result");
	image_refs(c, &id, a);
	ref(c, NULL, &rec);
	list_end(c);
	end(c);
	acq_image(c, &id, a);
	for (k = 0; k < a->result.n_files; k++)
		acq_file(c, &id, k, &a->result.files[k]);
	node(c, NULL, &rec, "case-investigation:ProvenanceRecord");
	exhibit_numbers(c, it);
	list(c, "uco-core:object");
	image_refs(c, &id, a);
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

	key_iri(c, out, "investigative-action", parts, 4, it->ver[i].id);
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
	child_iri(c, &data, &id, "observable", "data-read");
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
	agent(c, "uco-action:performer", AG_IDENTITY, v->rec.actor);
	agent(c, "uco-action:location", AG_LOCATION, v->rec.host);
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
	content(c, &data, 0, 0, &v->rec.hashes);
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

	key_iri(c, out, "investigative-action", parts, 4, it->cus[i].id);
}

/* What changed hands: the device, and the images of the acquisitions
 * that had ended by then (array elements). */
static void held(struct cw *c, const struct fx_rpt_item *it,
		 const fx_casedb_custody *t)
{
	size_t k;
	iri id;

	device_iri(c, &id, it);
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
	child_iri(c, &rec, &id, "provenance-record", "provenance-record");
	node(c, NULL, &id, "case-investigation:InvestigativeAction");
	str(c, "uco-core:name", "custody transfer");
	str(c, "uco-core:description", t->reason);
	/* a hand-over is an instant: it starts and ends at the time recorded */
	when(c, "uco-action:startTime", t->time_utc);
	when(c, "uco-action:endTime", t->time_utc);
	agent(c, "uco-action:performer", AG_IDENTITY, t->from_party);
	list(c, "uco-action:participant");
	agent(c, NULL, AG_IDENTITY, t->to_party);
	list_end(c);
	agent(c, "uco-action:location", AG_LOCATION, t->location);
	list(c, "uco-action:object");
	held(c, it, t);
	list_end(c);
	list(c, "uco-action:result");
	ref(c, NULL, &rec);
	list_end(c);
	end(c);
	node(c, NULL, &rec, "case-investigation:ProvenanceRecord");
	exhibit_numbers(c, it);
	agent(c, "uco-core:createdBy", AG_IDENTITY, t->actor);
	when(c, "uco-core:objectCreatedTime", t->time_utc);
	list(c, "uco-core:object");
	held(c, it, t);
	list_end(c);
	end(c);
}

/* ---- the kinds of action ---- */

struct action_kind {
	size_t (*count)(const struct fx_rpt_item *it);
	void (*iri)(struct cw *c, const struct fx_rpt_item *it, size_t i,
		    iri *out);
	void (*write)(struct cw *c, const struct fx_rpt_item *it, size_t i);
};

static const struct action_kind action_kinds[] = {
	{ acq_count, acq_iri, acq_write },
	{ ver_count, ver_iri, ver_write },
	{ cus_count, cus_iri, cus_write },
};

#define N_KINDS (sizeof(action_kinds) / sizeof(action_kinds[0]))

/* ---- the graph ---- */

static void investigation(struct cw *c)
{
	const struct fx_rpt *r = c->r;
	const struct fx_rpt_item *it;
	size_t i, k, n;
	iri id;

	case_iri(c, &id);
	node(c, NULL, &id, "case-investigation:Investigation");
	str(c, "uco-core:name", case_number(r));
	str(c, "case-investigation:investigationForm", "case");
	if (r->n_items) {   /* what the case record holds */
		str(c, "uco-core:description", r->items[0].kase.description);
		when(c, "uco-core:objectCreatedTime",
		     r->items[0].kase.created_utc);
	}
	list(c, "uco-core:object");
	for (i = 0; i < r->n_items; i++) {
		it = &r->items[i];
		device_iri(c, &id, it);
		ref(c, NULL, &id);
		exhibit_iri(c, &id, it);
		ref(c, NULL, &id);
		for (k = 0; k < N_KINDS; k++)
			for (n = 0; n < action_kinds[k].count(it); n++) {
				action_kinds[k].iri(c, it, n, &id);
				ref(c, NULL, &id);
			}
	}
	list_end(c);
	end(c);
}

static int agent_order(const void *a, const void *b)
{
	const struct agent *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void agents(struct cw *c)
{
	static const char *const types[] = { "uco-identity:Organization",
		"uco-identity:Identity", "uco-location:Location" };
	size_t i;
	iri id;

	if (c->n_agents > 1)
		qsort(c->agents, c->n_agents, sizeof(*c->agents), agent_order);
	for (i = 0; i < c->n_agents; i++) {
		const struct agent *g = &c->agents[i];

		if (i && agent_order(g, g - 1) == 0)
			continue;
		agent_iri(c, &id, g->kind, g->name);
		node(c, NULL, &id, types[g->kind]);
		str(c, "uco-core:name", g->name);
		end(c);
	}
}

/* A chain that does not check out is said in the graph too, about the
 * investigation, without the time of the check (same database, same
 * bytes). */
static void audit_note(struct cw *c)
{
	const struct fx_rpt *r = c->r;
	const char *parts[] = { "audit", case_number(r), r->head.hash };
	char text[1024];
	iri id, inv;

	if (r->audit_rc == 0)
		return;
	snprintf(text, sizeof(text), r->audit_rc == FX_ECORRUPT
		 ? "The case database's audit chain does NOT check out: %s."
		 : "The case database's audit chain could not be checked: %s.",
		 r->audit_rc == FX_ECORRUPT ? r->audit.reason : r->audit_error);
	key_iri(c, &id, "annotation", parts, 3, r->head.last_seq);
	case_iri(c, &inv);
	node(c, NULL, &id, "uco-core:Annotation");
	str(c, "uco-core:statement", text);
	list(c, "uco-core:object");
	ref(c, NULL, &inv);
	list_end(c);
	end(c);
}

static void context(struct cw *c)
{
	static const char *const prefixes[][2] = {
		{ "case-investigation",
		  "https://ontology.caseontology.org/case/investigation/" },
		{ "kb", "urn:libforensic:kb:" },
		{ "uco-action",
		  "https://ontology.unifiedcyberontology.org/uco/action/" },
		{ "uco-configuration",
		  "https://ontology.unifiedcyberontology.org/uco/configuration/" },
		{ "uco-core", "https://ontology.unifiedcyberontology.org/uco/core/" },
		{ "uco-identity",
		  "https://ontology.unifiedcyberontology.org/uco/identity/" },
		{ "uco-location",
		  "https://ontology.unifiedcyberontology.org/uco/location/" },
		{ "uco-observable",
		  "https://ontology.unifiedcyberontology.org/uco/observable/" },
		{ "uco-tool", "https://ontology.unifiedcyberontology.org/uco/tool/" },
		{ "uco-types", "https://ontology.unifiedcyberontology.org/uco/types/" },
		{ "xsd", "http://www.w3.org/2001/XMLSchema#" } };
	size_t i;

	key(c, "@context");
	fx_json_object_begin(&c->w);
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		str(c, prefixes[i][0], prefixes[i][1]);
	fx_json_object_end(&c->w);
}

int fx_rpt_write_case(FILE *f, const struct fx_rpt *r)
{
	struct cw c;
	size_t i, k, n;
	int rc;

	memset(&c, 0, sizeof(c));
	c.r = r;
	if (fx_hasher_new(&c.sha1, FX_HASH_SHA1) != 0)
		return FX_ERROR;
	fx_json_init(&c.w, FX_JSON_PRETTY | FX_JSON_TEXT_REPLACE, f);
	fx_json_object_begin(&c.w);
	context(&c);
	list(&c, "@graph");
	investigation(&c);
	for (i = 0; i < r->n_items; i++) {
		const struct fx_rpt_item *it = &r->items[i];
		iri dev;

		device_iri(&c, &dev, it);
		device(&c, &dev, it);
		exhibit(&c, it);
		for (k = 0; k < N_KINDS; k++)
			for (n = 0; n < action_kinds[k].count(it); n++)
				action_kinds[k].write(&c, it, n);
	}
	agents(&c);
	audit_note(&c);
	list_end(&c);
	fx_json_object_end(&c.w);
	fputc('\n', f);
	rc = c.w.err ? c.w.err : c.err;
	if (c.err && !c.w.err)
		fx_error_set(FX_ERROR, "out of memory for the CASE report");
	fx_hasher_free(c.sha1);
	free(c.agents);
	return rc;
}
