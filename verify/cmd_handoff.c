/*
 * verify handoff EVIDENCE --to NAME --reason TEXT: the evidence's image is
 * verified first (its latest finished acquisition), the verification is
 * recorded whatever its outcome, and the custody transfer is recorded only
 * if it verified. Anything else refuses the transfer: exit 1 when the
 * image does not match, 4 when it could not be verified, 130/143 when a
 * signal interrupted the verification (recorded as interrupted).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "verify_cli.h"

typedef struct handoff {
	const char *evidence, *case_number, *to, *from, *reason, *location;
	vf_anchor anc;                  /* --tsa...: the head time-stamped */
	int anchored;                   /* anchor is filled */
	fx_casedb_anchor_info anchor;
	fx_casedb_audit_head head;      /* after the handoff's records */
} handoff;

static int find_evidence(int64_t *out, fx_casedb *db, const handoff *h)
{
	return vf_find_evidence(out, db, "handoff", h->evidence, h->case_number);
}

/* ---- the transfer -------------------------------------------------------- */

static int last_holder(const fx_casedb_custody_info *ci, void *payload)
{
	char *holder = payload;

	snprintf(holder, 256, "%s", ci->rec.to_party ? ci->rec.to_party : "");
	return 0;
}

static void print_json(const handoff *h, const fx_verify_result *r,
		       int64_t custody_id, const char *from)
{
	fx_json *j = fx_tool_json_new("verify", stdout);
	char *json = NULL;

	if (!j)
		return;
	fx_json_object_begin(j);
	fx_tool_json_str(j, "handoff", custody_id ? "recorded" : "refused");
	fx_tool_json_str(j, "evidence", h->evidence);
	fx_tool_json_str(j, "from", from);
	fx_tool_json_str(j, "to", h->to);
	fx_json_member_int(j, "custody_id", custody_id);
	fx_json_key(j, "verification");   /* the library's own JSON */
	fx_json_raw(j, r && fx_verify_result_json(&json, r) == 0 ? json : "null");
	fx_tool_json_head(j, &h->head);
	if (h->anchored)
		fx_tool_json_anchor(j, "anchor", &h->anchor);
	fx_json_object_end(j);
	fputc('\n', stdout);
	fx_json_free(j);
	free(json);
}

static int transfer(fx_casedb *db, const handoff *h, int64_t ev_id,
		    const char *from, int64_t *custody_id)
{
	fx_casedb_custody cu = FX_CASEDB_CUSTODY_INIT;

	cu.evidence_id = ev_id;
	cu.from_party = from && *from ? from : NULL;
	cu.to_party = h->to;
	cu.reason = h->reason;
	cu.location = h->location;
	if (fx_casedb_custody_record(custody_id, db, &cu) == 0)
		return 0;
	fprintf(stderr, "verify: handoff: the custody transfer could not be recorded: %s\n",
		fx_tool_escape(fx_error_last()));
	return FX_EXIT_FAILURE;
}

/* The chain's head after the handoff's records, and with --tsa its
 * time-stamp (a refused handoff is recorded too, so it is anchored too). */
static void anchor_head(fx_casedb *db, handoff *h)
{
	if (fx_casedb_audit_head_get(&h->head, db) != 0)
		fprintf(stderr, "verify: handoff: %s\n",
			fx_tool_escape(fx_error_last()));
	h->anchored = vf_anchor_head(&h->anchor, &h->anc, db);
}

/* No finished acquisition to verify: recorded as a failed verification. */
static int refuse_unverifiable(fx_casedb *db, handoff *h, int64_t ev_id,
			       const vf_common *c, const char *from)
{
	fx_verify_result r;
	fx_verify_finding f;

	memset(&r, 0, sizeof(r));
	memset(&f, 0, sizeof(f));
	r.status = FX_VERDICT_ERROR;
	r.path = strdup("(none)"); /* freed by fx_verify_result_clear */
	f.kind = FX_FIND_NO_RECORD;
	f.status = FX_VERDICT_ERROR;
	f.message = "the evidence has no finished acquisition with image files to verify";
	fx_verify_add_finding(&r, &f);
	if (fx_verify_record(db, &r, ev_id, "verify handoff", fx_version()) != 0)
		fprintf(stderr, "verify: handoff: %s\n", fx_tool_escape(fx_error_last()));
	anchor_head(db, h);
	fprintf(stderr, "verify: handoff of evidence %s to %s REFUSED: %s\n",
		fx_tool_escape(h->evidence), fx_tool_escape(h->to), f.message);
	if (c->json)
		print_json(h, &r, 0, from);
	fx_verify_result_clear(&r);
	return FX_EXIT_FAILURE;
}

static int run(fx_casedb *db, const char *db_path, handoff *h,
	       const vf_common *c, const vf_image_opts *io)
{
	fx_verify_result r;
	vf_common quiet = *c; /* c, except that handoff prints the JSON */
	vf_acq_pick pick;
	char from[256] = "";
	int64_t ev_id = 0, custody_id = 0;
	int rc;

	if ((rc = find_evidence(&ev_id, db, h)) != 0)
		return rc;
	memset(&pick, 0, sizeof(pick));
	if (fx_casedb_acquisition_list(db, ev_id, vf_acq_latest, &pick) != 0 ||
	    fx_casedb_custody_list(db, ev_id, last_holder, from) != 0) {
		fprintf(stderr, "verify: handoff: %s\n", fx_tool_escape(fx_error_last()));
		return FX_EXIT_FAILURE;
	}
	if (h->from)
		snprintf(from, sizeof(from), "%s", h->from);
	else if (!from[0])
		snprintf(from, sizeof(from), "%s",
			 pick.operator_name[0] ? pick.operator_name : fx_tool_operator(c->operator_name));
	if (!pick.id)
		return refuse_unverifiable(db, h, ev_id, c, from);
	vf_locate_image(pick.path, sizeof(pick.path), db_path);
	quiet.json_elsewhere = 1; /* the handoff prints its own object */
	rc = vf_verify_one(pick.path, db, db_path, &quiet, io, pick.id, ev_id, &r);
	if (rc == FX_EXIT_OK && r.status == FX_VERDICT_VERIFIED)
		rc = transfer(db, h, ev_id, from, &custody_id);
	else if (rc == FX_EXIT_OK)
		rc = FX_EXIT_FAILURE;
	anchor_head(db, h);
	/* in JSON progress, stderr holds the JSON lines and errors only */
	if (custody_id) {
		if (!(c->json && fx_meter_mode() == FX_METER_JSON))
			fprintf(c->json ? stderr : stdout,
				"verify: custody of evidence %s transferred from %s to %s (custody event %lld, after verification %lld)\n",
				fx_tool_escape(h->evidence),
				from[0] ? fx_tool_escape(from) : "(unknown)", fx_tool_escape(h->to),
				(long long)custody_id, (long long)r.verification_id);
	} else
		fprintf(stderr, "verify: handoff of evidence %s to %s REFUSED: the image %s (verification %lld recorded)\n",
			fx_tool_escape(h->evidence), fx_tool_escape(h->to),
			r.status == FX_VERDICT_MISMATCH ? "does not match its record"
			: r.status == FX_VERDICT_INTERRUPTED ? "was not verified: the verification was interrupted"
							    : "could not be verified",
			(long long)r.verification_id);
	if (c->json)
		print_json(h, &r, custody_id, from);
	fx_verify_result_clear(&r);
	return rc;
}

int vf_cmd_handoff(int argc, char **argv)
{
	static const struct option opts[] = {
		VF_COMMON_OPTIONS, VF_IMAGE_OPTIONS,
		{ "to", required_argument, NULL, OPT_TO },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "location", required_argument, NULL, OPT_LOCATION },
		{ "case", required_argument, NULL, OPT_CASE }, VF_TSA_OPTIONS,
		{ NULL, 0, NULL, 0 } };
	vf_common c = { 0 };
	vf_image_opts io = { FX_HASH_ALL, 0, 1 << 20 };
	handoff h = { .anc = { FX_CASEDB_ANCHOR_OPTIONS_INIT, 0 } };
	fx_casedb *db = NULL;
	const char *db_path;
	int opt, rc;

	c.command = "handoff";
	while ((opt = fx_tool_getopt("verify", argc, argv, "qh", opts)) != -1) {
		switch (opt) {
		case '?': return FX_EXIT_USAGE;
		case OPT_TO: h.to = optarg; continue;
		case OPT_FROM: h.from = optarg; continue;
		case OPT_REASON: h.reason = optarg; continue;
		case OPT_LOCATION: h.location = optarg; continue;
		case OPT_CASE: h.case_number = optarg; continue;
		default: break;
		}
		if (vf_anchor_opt(&h.anc, opt, optarg) == 0)
			continue;
		if ((rc = vf_common_opt(&c, &io, opt, optarg)) != 0)
			return rc == 1 ? vf_usage_error("unknown option") : rc;
	}
	if (argc - optind != 1)
		return vf_usage_error("handoff: expected one EVIDENCE number");
	h.evidence = argv[optind];
	if (!h.to || !*h.to)
		return vf_usage_error("handoff: --to NAME is required");
	if (!h.reason || !*h.reason)
		return vf_usage_error("handoff: --reason TEXT is required");
	if (fx_tool_tsa_check("verify", h.anc.o.tsa_url, h.anc.o.ca_file,
			      h.anc.o.untrusted_file, 0) != 0)
		return FX_EXIT_USAGE;
	vf_progress_start(&c);
	db_path = c.db_path ? c.db_path : FX_TOOL_DB;
	if ((rc = vf_db_open(&db, db_path, &c, 0)) != 0)
		return rc;
	rc = run(db, db_path, &h, &c, &io);
	fx_casedb_free(db);
	return rc;
}
