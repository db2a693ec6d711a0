/*
 * The CASE report's graph writer (report_case.c, report_case_actions.c):
 * the writer's state, node IRIs, and the conventions every node is written
 * with. Private to those two files; docs/reports.md ("CASE") gives the
 * mapping and the IRI rule.
 */
#ifndef FX_REPORT_CASE_H
#define FX_REPORT_CASE_H

#include <stdint.h>

#include "base/json.h"
#include "hash/hasher.h"
#include "report/report_int.h"

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

/* ---- the writer's conventions ---- */

static inline void key(struct cw *c, const char *k) { fx_json_key(&c->w, k); }

/* A member whose value is text; nothing when s is NULL (not recorded). */
static inline void str(struct cw *c, const char *k, const char *s)
{
	if (s)
		fx_json_member_string(&c->w, k, s);
}

static inline void num(struct cw *c, const char *k, uint64_t v)
{
	fx_json_member_uint(&c->w, k, v);
}

/* A typed literal: {"@type": type, "@value": s}; nothing for NULL. */
static inline void typed(struct cw *c, const char *k, const char *type,
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

static inline void when(struct cw *c, const char *k, const char *utc)
{
	typed(c, k, "xsd:dateTime", utc);
}

/* {"@id": id} as a value (k NULL: an array element). */
static inline void ref(struct cw *c, const char *k, const iri *id)
{
	if (k)
		key(c, k);
	fx_json_object_begin(&c->w);
	str(c, "@id", id->s);
	fx_json_object_end(&c->w);
}

/* Opens a node object (k NULL: an array element, or the graph's). */
static inline void node(struct cw *c, const char *k, const iri *id,
			const char *type)
{
	if (k)
		key(c, k);
	fx_json_object_begin(&c->w);
	str(c, "@id", id->s);
	str(c, "@type", type);
}

static inline void end(struct cw *c) { fx_json_object_end(&c->w); }

static inline void list(struct cw *c, const char *k)
{
	key(c, k);
	fx_json_array_begin(&c->w);
}

static inline void list_end(struct cw *c) { fx_json_array_end(&c->w); }

/* ---- report_case.c ---- */

/* kb:KIND-UUID, the UUID of the compact JSON array of the n texts of parts
 * (NULL: null) followed by id when id >= 0. */
void fx_cg_key_iri(struct cw *c, iri *out, const char *kind,
		   const char *const *parts, size_t n, int64_t id);
/* kb:KIND-UUID of a node that belongs to parent: the UUID of
 * "PARENT/SUFFIX". */
void fx_cg_child_iri(struct cw *c, iri *out, const iri *parent,
		     const char *kind, const char *suffix);
/* A reference to the identity, organization or location called name
 * (k NULL: an array element), whose node is written at the end of the
 * graph; nothing when name is NULL. */
void fx_cg_agent(struct cw *c, const char *k, enum agent_kind kind,
		 const char *name);
/* A ContentDataFacet, as an element of owner's hasFacet list: the size
 * (when has_size) and a uco-types:Hash per recorded digest. */
void fx_cg_content(struct cw *c, const iri *owner, int has_size,
		   uint64_t size, const fx_digests *d);
/* The evidence item's Device, and its exhibit numbers as members. */
void fx_cg_device_iri(struct cw *c, iri *out, const struct fx_rpt_item *it);
void fx_cg_exhibit_numbers(struct cw *c, const struct fx_rpt_item *it);

/* ---- report_case_actions.c: one row per kind of action ---- */

struct fx_cg_action_kind {
	/* how many the item has */
	size_t (*count)(const struct fx_rpt_item *it);
	/* the IRI of the i-th */
	void (*iri)(struct cw *c, const struct fx_rpt_item *it, size_t i,
		    iri *out);
	/* its nodes: the action, and what it made */
	void (*write)(struct cw *c, const struct fx_rpt_item *it, size_t i);
};

extern const struct fx_cg_action_kind fx_cg_action_kinds[];
extern const size_t fx_cg_n_action_kinds;

#endif
