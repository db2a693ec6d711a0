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
 * array (fx_cg_key_iri), or the IRI of the node it belongs to and a
 * suffix (fx_cg_child_iri). The same operator, host or vendor is the same
 * node in every report, of every database.
 *
 * This file writes the graph's frame: the investigation, the evidence
 * items, the people, places and makers, and the audit note. The actions
 * are report_case_actions.c's, one row of fx_cg_action_kinds per kind of
 * record (how many an item has, the IRI of the i-th, the writer of its
 * nodes); a new kind (exports, resumes) is one more row there.
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
#include "base/vec.h"
#include "report/report_case.h"

/* The namespace of every UUID this writer makes (a random UUID, fixed
 * forever: changing it changes every @id). */
static const uint8_t case_ns[16] = {
	0xb6, 0x9e, 0x33, 0xd6, 0x72, 0x4c, 0x44, 0x10,
	0xa7, 0x80, 0x02, 0x94, 0x76, 0x22, 0xe4, 0x03 };

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
void fx_cg_key_iri(struct cw *c, iri *out, const char *kind,
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
void fx_cg_child_iri(struct cw *c, iri *out, const iri *parent,
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

	fx_cg_key_iri(c, out, tag[k], parts, 2, -1);
}

/* ---- agents and observables ---- */

/* A reference to the identity, organization or location called name,
 * whose node is written at the end; nothing when name is NULL. */
void fx_cg_agent(struct cw *c, const char *k, enum agent_kind kind,
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


/* One uco-types:Hash in the hash list of facet; nothing for "". */
static void hash(struct cw *c, const iri *facet, const char *method,
		 const char *value)
{
	iri id;

	if (!value || !value[0])
		return;
	fx_cg_child_iri(c, &id, facet, "hash", method);
	node(c, NULL, &id, "uco-types:Hash");
	str(c, "uco-types:hashMethod", method);
	typed(c, "uco-types:hashValue", "xsd:hexBinary", value);
	end(c);
}

/* A ContentDataFacet in the hasFacet list of owner: size (when has_size)
 * and the recorded digests. */
void fx_cg_content(struct cw *c, const iri *owner, int has_size,
		    uint64_t size, const fx_digests *d)
{
	iri id;

	fx_cg_child_iri(c, &id, owner, "content-data-facet", "content-data");
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
	fx_cg_child_iri(c, &f, id, "device-facet", "device");
	node(c, NULL, &f, "uco-observable:DeviceFacet");
	fx_cg_agent(c, "uco-observable:manufacturer", AG_ORGANIZATION, s->vendor);
	str(c, "uco-observable:model", s->model);
	str(c, "uco-observable:serialNumber", s->serial);
	end(c);
	if (s->size) {
		fx_cg_child_iri(c, &f, id, "storage-medium-facet", "storage-medium");
		node(c, NULL, &f, "uco-observable:StorageMediumFacet");
		num(c, "uco-observable:totalStorageCapacityInBytes", s->size);
		end(c);
	}
	list_end(c);
	end(c);
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

	fx_cg_key_iri(c, out, "investigation", parts, 2, -1);
}

void fx_cg_device_iri(struct cw *c, iri *out, const struct fx_rpt_item *it)
{
	const char *parts[] = { "device", it->ev.case_number,
				it->ev.evidence.evidence_number };

	fx_cg_key_iri(c, out, "device", parts, 3, -1);
}

/* The record that makes the device an exhibit. */
static void exhibit_iri(struct cw *c, iri *out, const struct fx_rpt_item *it)
{
	const char *parts[] = { "exhibit", it->ev.case_number,
				it->ev.evidence.evidence_number };

	fx_cg_key_iri(c, out, "provenance-record", parts, 3, -1);
}

/* exhibitNumber and rootExhibitNumber: the evidence number. */
void fx_cg_exhibit_numbers(struct cw *c, const struct fx_rpt_item *it)
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
	fx_cg_device_iri(c, &dev, it);
	node(c, NULL, &id, "case-investigation:ProvenanceRecord");
	fx_cg_exhibit_numbers(c, it);
	str(c, "uco-core:description", it->ev.evidence.notes);
	fx_cg_agent(c, "uco-core:createdBy", AG_IDENTITY, it->ev.evidence.examiner);
	when(c, "uco-core:objectCreatedTime", it->ev.created_utc);
	list(c, "uco-core:object");
	ref(c, NULL, &dev);
	list_end(c);
	end(c);
}

/* ---- the chain's RFC 3161 anchors ----
 * Each request for a time-stamp of the chain's head is an action of the
 * TSA (the performer, an organization named by its URL): its object is
 * the investigation whose record the chain holds, its result the token,
 * an observable whose ContentDataFacet holds the token's SHA-256 (the
 * value the tools print and the log keeps). A TSA that gave no token is
 * an action with status Fail that says why: never silent. */

static void anchor_iri(struct cw *c, iri *out, const fx_casedb_anchor_info *a)
{
	const char *parts[] = { "anchor", case_number(c->r), a->head_hash };

	fx_cg_key_iri(c, out, "action", parts, 3, a->id);
}

static void anchor_description(struct cw *c, const fx_casedb_anchor_info *a)
{
	char line[1024];

	list(c, "uco-core:description");
	snprintf(line, sizeof(line), "time-stamp of event %lld of the case "
		 "database's audit chain, hash %s (imprint: SHA-256 of "
		 "\"libforensic-anchor v1 seq=%lld hash=%s\")", (long long)a->seq,
		 a->head_hash, (long long)a->seq, a->head_hash);
	str(c, NULL, line);
	snprintf(line, sizeof(line), "state: %s",
		 fx_casedb_anchor_state_name(a->state));
	str(c, NULL, line);
	/* a missing one's finding says why the TSA gave none */
	str(c, NULL, a->finding[0] ? a->finding : NULL);
	list_end(c);
}

static void anchor_write(struct cw *c, const fx_casedb_anchor_info *a)
{
	fx_digests d = { FX_HASH_SHA256, "", "", "" };
	iri id, inv, tok;

	anchor_iri(c, &id, a);
	case_iri(c, &inv);
	fx_cg_child_iri(c, &tok, &id, "observable", "token");
	node(c, NULL, &id, "uco-action:Action");
	str(c, "uco-core:name", "audit chain time-stamp");
	anchor_description(c, a);
	str(c, "uco-action:actionStatus", a->stamped &&
	    (a->state == FX_ANCHOR_VERIFIED || a->state == FX_ANCHOR_NOT_CHECKED)
	    ? "Success" : "Fail");
	when(c, "uco-action:startTime", a->requested_utc[0] ? a->requested_utc
							    : NULL);
	when(c, "uco-action:endTime", a->stamped ? a->token_time_utc : NULL);
	fx_cg_agent(c, "uco-action:performer", AG_ORGANIZATION, a->tsa_url);
	list(c, "uco-action:object");
	ref(c, NULL, &inv);
	list_end(c);
	if (a->stamped) {
		list(c, "uco-action:result");
		ref(c, NULL, &tok);
		list_end(c);
	}
	end(c);
	if (!a->stamped)
		return;
	snprintf(d.sha256, sizeof(d.sha256), "%s", a->token_sha256);
	node(c, NULL, &tok, "uco-observable:ObservableObject");
	str(c, "uco-core:name", "RFC 3161 time-stamp token");
	list(c, "uco-core:hasFacet");
	fx_cg_content(c, &tok, 0, 0, &d);
	list_end(c);
	end(c);
}

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
		fx_cg_device_iri(c, &id, it);
		ref(c, NULL, &id);
		exhibit_iri(c, &id, it);
		ref(c, NULL, &id);
		for (k = 0; k < fx_cg_n_action_kinds; k++)
			for (n = 0; n < fx_cg_action_kinds[k].count(it); n++) {
				fx_cg_action_kinds[k].iri(c, it, n, &id);
				ref(c, NULL, &id);
			}
	}
	for (i = 0; i < r->n_anchors; i++) {
		anchor_iri(c, &id, &r->anchors[i]);
		ref(c, NULL, &id);
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

/* The chain's head (sequence and hash) is said in the graph, about the
 * investigation, so that a copy of the report kept elsewhere anchors the
 * chain too; a chain that does not check out is said with it. Without the
 * time of the check (same database, same bytes). */
static void audit_note(struct cw *c)
{
	const struct fx_rpt *r = c->r;
	const char *parts[] = { "audit", case_number(r), r->head.hash };
	char text[1024];
	iri id, inv;

	if (r->audit_rc == 0 && !r->head.last_seq)
		return;
	if (r->audit_rc == 0)
		snprintf(text, sizeof(text), "The case database's audit chain "
			 "checks out; its head is event %lld with hash %s.",
			 (long long)r->head.last_seq, r->head.hash);
	else
		snprintf(text, sizeof(text), r->audit_rc == FX_ECORRUPT
		 ? "The case database's audit chain does NOT check out: %s."
		 : "The case database's audit chain could not be checked: %s.",
		 r->audit_rc == FX_ECORRUPT ? r->audit.reason : r->audit_error);
	fx_cg_key_iri(c, &id, "annotation", parts, 3, r->head.last_seq);
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

		fx_cg_device_iri(&c, &dev, it);
		device(&c, &dev, it);
		exhibit(&c, it);
		for (k = 0; k < fx_cg_n_action_kinds; k++)
			for (n = 0; n < fx_cg_action_kinds[k].count(it); n++)
				fx_cg_action_kinds[k].write(&c, it, n);
	}
	for (i = 0; i < r->n_anchors; i++)
		anchor_write(&c, &r->anchors[i]);
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
