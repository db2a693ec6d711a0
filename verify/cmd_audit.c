/*
 * verify audit: walks the case database's audit chain (libforensic's
 * fx_casedb_audit_check: sequence, hash links, each event's hash, canonical
 * content, signatures, records against their events, the append-only
 * triggers) and says "intact" with the event count and head hash, what the
 * check covered and what it could not show (fx_casedb_audit_describe), or
 * names the first finding. Exit 0 intact, 1 broken, 2 bad trust option,
 * 4 could not check, 130/143 interrupted.
 * The database is opened read-only: checking never writes.
 *
 * Then every stored anchor (RFC 3161 time-stamp of the chain's head,
 * fx_casedb_anchor_check): one whose token is refused, or whose event is
 * gone or changed, makes the chain BROKEN; one without --tsa-ca is "NOT
 * CHECKED", never passed; a failed time-stamp is listed as MISSING. With
 * --anchor --tsa URL the head of an intact chain is time-stamped after
 * the check (the one write of audit).
 *
 * The trust options (--trusted-key, --require-signed) are parsed here for
 * audit and report alike, so both check the chain the same way. Each
 * --trusted-key adds a key to the ring: a chain signed by two examiners is
 * checked with both their published keys.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "verify_cli.h"

static int trust_add_key(vf_trust *t, const char *path)
{
	const char **keys = realloc(t->keys, (t->n_keys + 1) * sizeof(*keys));

	if (!keys) {
		fprintf(stderr, "verify: out of memory\n");
		return FX_EXIT_FAILURE;
	}
	keys[t->n_keys++] = path;
	t->keys = keys;
	t->ao.trusted_key_paths = keys;
	t->ao.n_trusted_key_paths = t->n_keys;
	return 0;
}

int vf_audit_opt(vf_trust *t, int opt, const char *arg)
{
	switch (opt) {
	case OPT_TRUSTED_KEY:
		return trust_add_key(t, arg);
	case OPT_REQUIRE_SIGNED:
		t->ao.require_signed = 1;
		return 0;
	default:
		return 1;
	}
}

void vf_trust_free(vf_trust *t)
{
	free(t->keys);
	t->keys = NULL;
	t->n_keys = 0;
	t->ao.trusted_key_paths = NULL;
	t->ao.n_trusted_key_paths = 0;
}

/* What the check found, besides the chain's report. */
typedef struct audit_run {
	vf_anchor anc;
	fx_casedb_audit_head head;
	fx_casedb_anchor_info *anchors;  /* every stored anchor, checked */
	size_t n_anchors;
	uint64_t bad_anchors;
	int anchored;                    /* --anchor: anchor is filled */
	fx_casedb_anchor_info anchor;
} audit_run;

static int anchor_keep(const fx_casedb_anchor_info *a, void *payload)
{
	audit_run *ar = payload;
	fx_casedb_anchor_info *n = realloc(ar->anchors, (ar->n_anchors + 1) *
					   sizeof(*n));

	if (!n)
		return FX_ERROR;
	n[ar->n_anchors++] = *a;
	ar->anchors = n;
	return 0;
}

/* An intact chain with an anchor that does not hold is broken: the first
 * such anchor is the finding. */
static void anchors_verdict(fx_casedb_audit_report *rep, const audit_run *ar)
{
	size_t i;

	if (!rep->intact || !ar->bad_anchors)
		return;
	for (i = 0; i < ar->n_anchors; i++) {
		const fx_casedb_anchor_info *a = &ar->anchors[i];

		if (a->state != FX_ANCHOR_BAD_TOKEN &&
		    a->state != FX_ANCHOR_HEAD_GONE)
			continue;
		rep->intact = 0;
		rep->first_bad_seq = a->seq;
		snprintf(rep->reason, sizeof(rep->reason), "%s", a->finding);
		return;
	}
}

static void json_anchors(fx_json *j, const audit_run *ar)
{
	size_t i;

	fx_tool_json_head(j, &ar->head);
	fx_json_key(j, "anchors");
	fx_json_array_begin(j);
	for (i = 0; i < ar->n_anchors; i++) {
		const fx_casedb_anchor_info *a = &ar->anchors[i];

		fx_json_object_begin(j);
		fx_json_member_int(j, "id", a->id);
		fx_json_member_int(j, "seq", a->seq);
		fx_tool_json_str(j, "head_hash", a->head_hash);
		fx_tool_json_str(j, "tsa", a->tsa_url);
		fx_tool_json_str(j, "state", fx_casedb_anchor_state_name(a->state));
		fx_tool_json_str(j, "token_sha256", a->token_sha256);
		fx_tool_json_str(j, "time", a->token_time_utc);
		fx_tool_json_str(j, "finding", a->finding);
		fx_json_object_end(j);
	}
	fx_json_array_end(j);
	if (ar->anchored)
		fx_tool_json_anchor(j, "anchor", &ar->anchor);
}

/* One line per stored anchor: what its check found. */
static void print_anchors(FILE *f, const audit_run *ar)
{
	size_t i;

	for (i = 0; i < ar->n_anchors; i++) {
		const fx_casedb_anchor_info *a = &ar->anchors[i];

		if (a->state == FX_ANCHOR_VERIFIED)
			fprintf(f, "verify: anchor %lld of event %lld verified: "
				"time-stamped by %s at %s (token SHA-256 %s)\n",
				(long long)a->id, (long long)a->seq,
				fx_tool_escape(a->tsa_url), a->token_time_utc,
				a->token_sha256);
		else
			fprintf(f, "verify: %s\n", fx_tool_escape(a->finding));
	}
}

static void print_json(const fx_casedb_audit_report *a, const char *db_path,
		       const char *error, const audit_run *ar)
{
	char checked[1024], not_checked[1024];
	int ok = !error && a->intact;
	fx_json *j = fx_tool_json_new("verify", stdout);

	if (!j)
		return;
	fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
				 sizeof(not_checked), a);
	fx_json_object_begin(j);
	fx_tool_json_str(j, "status", error ? "error" : a->intact ? "intact"
			 : "broken");
	fx_tool_json_str(j, "db", db_path);
	fx_json_member_uint(j, "events", a->events);
	fx_json_member_uint(j, "signed_events", a->signed_events);
	fx_tool_json_str(j, "head_hash", a->head_hash);
	fx_json_member_int(j, "first_bad_seq", a->first_bad_seq);
	fx_tool_json_str(j, "reason", error ? error : a->reason);
	/* what was not checked is null */
	fx_json_member_string(j, "trust", ok ? fx_casedb_audit_trust_name(a->trust)
			      : NULL);
	fx_json_member_string(j, "checked", ok ? checked : NULL);
	fx_json_member_string(j, "not_checked", ok ? not_checked : NULL);
	fx_json_member_string(j, "triggers", !error && a->triggers[0] ? a->triggers
			      : NULL);
	json_anchors(j, ar);
	fx_json_object_end(j);
	fputc('\n', stdout);
	fx_json_free(j);
}

/* The text result: one line with the verdict, then what was and was not
 * checked (intact) or any trigger finding besides the first one (broken). */
static void print_text(FILE *f, const fx_casedb_audit_report *a,
		       const char *db_path)
{
	char checked[1024], not_checked[1024];

	if (!a->intact) {
		fprintf(f, "verify: audit chain of %s is BROKEN: %s (%llu events checked)\n",
			fx_tool_escape(db_path), fx_tool_escape(a->reason),
			(unsigned long long)a->events);
		if (a->triggers[0] && strcmp(a->triggers, a->reason) != 0)
			fprintf(f, "verify: also found: %s\n", fx_tool_escape(a->triggers));
		return;
	}
	fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
				 sizeof(not_checked), a);
	fprintf(f, "verify: audit chain of %s is intact: %llu events, %llu signed, head %s\n",
		fx_tool_escape(db_path), (unsigned long long)a->events,
		(unsigned long long)a->signed_events,
		a->head_hash[0] ? a->head_hash : "(empty)");
	fprintf(f, "verify: checked: %s\n", fx_tool_escape(checked));
	fprintf(f, "verify: not checked: %s\n", fx_tool_escape(not_checked));
}

/* Parses the options, opens the database read-only and checks its chain
 * (*check: the library's code). Returns 0, or the exit code (said why)
 * when the check could not begin. */
static int parse_and_check(int *check, fx_casedb_audit_report *rep,
			   const char **db_path, vf_trust *t, vf_common *c,
			   audit_run *ar, int argc, char **argv)
{
	static const struct option opts[] = {
		VF_COMMON_OPTIONS, VF_AUDIT_OPTIONS, VF_TSA_OPTIONS,
		{ "anchor", no_argument, NULL, OPT_ANCHOR },
		{ NULL, 0, NULL, 0 } };
	fx_casedb *db = NULL;
	int opt, rc;

	c->command = "audit";
	while ((opt = fx_tool_getopt("verify", argc, argv, "qh", opts)) != -1) {
		if (opt == '?')
			return FX_EXIT_USAGE;
		if ((rc = vf_audit_opt(t, opt, optarg)) != 1) {
			if (rc)
				return rc;
			continue;
		}
		if (vf_anchor_opt(&ar->anc, opt, optarg) == 0)
			continue;
		if ((rc = vf_common_opt(c, NULL, opt, optarg)) != 0)
			return rc == 1 ? vf_usage_error("unknown option") : rc;
	}
	if (optind != argc)
		return vf_usage_error("audit: unexpected argument '%s' (the database is --db PATH)",
				      argv[optind]);
	if (ar->anc.anchor != !!ar->anc.o.tsa_url)
		return vf_usage_error("audit: %s", ar->anc.anchor
				      ? "--anchor needs --tsa URL"
				      : "--tsa needs --anchor (the check itself "
					"takes --tsa-ca)");
	if (fx_tool_tsa_check("verify", ar->anc.o.tsa_url, ar->anc.o.ca_file,
			      ar->anc.o.untrusted_file, 1) != 0)
		return FX_EXIT_USAGE;
	*db_path = c->db_path ? c->db_path : FX_TOOL_DB;
	if ((rc = vf_db_open(&db, *db_path, c, 1)) != 0)
		return rc;
	memset(rep, 0, sizeof(*rep));
	*check = fx_casedb_audit_check(rep, db, &t->ao);
	if (*check == 0 || *check == FX_ECORRUPT) {
		rc = fx_casedb_audit_head_get(&ar->head, db);
		if (!rc)
			rc = fx_casedb_anchor_check(&ar->bad_anchors, db,
						    &ar->anc.o, anchor_keep, ar);
		if (rc)
			*check = rc;
	}
	fx_casedb_free(db);
	return 0;
}

/* --anchor: the head of a chain found intact is time-stamped (a broken
 * one is not: a token would vouch for a chain the check refused). */
static int anchor_now(audit_run *ar, const fx_casedb_audit_report *rep,
		      const char *db_path, const vf_common *c)
{
	fx_casedb *db = NULL;
	int rc;

	if (!ar->anc.anchor)
		return 0;
	if (!rep->intact) {
		fprintf(stderr, "verify: audit chain of %s NOT time-stamped: "
			"the chain is broken\n", fx_tool_escape(db_path));
		return 0;
	}
	if ((rc = vf_db_open(&db, db_path, c, 0)) != 0)
		return rc;
	ar->anchored = vf_anchor_head(&ar->anchor, &ar->anc, db);
	fx_casedb_free(db);
	return 0;
}

/* Prints what the check found and gives the exit code. */
static int audit_report(const fx_casedb_audit_report *rep, const audit_run *ar,
			const vf_common *c, const char *db_path, int rc)
{
	if (rc == FX_EINTR)
		return fx_tool_signo() == SIGTERM ? FX_EXIT_SIGTERM : FX_EXIT_SIGINT;
	if (rc != 0 && rc != FX_ECORRUPT) {
		fprintf(stderr, "verify: audit of %s could not be made: %s\n",
			fx_tool_escape(db_path), fx_tool_escape(fx_error_last()));
		if (c->json)
			print_json(rep, db_path, fx_error_last(), ar);
		return rc == FX_EUSAGE ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
	}
	if (c->json)
		print_json(rep, db_path, NULL, ar);
	if (!c->json || !c->quiet) {
		print_text(c->json ? stderr : stdout, rep, db_path);
		print_anchors(c->json ? stderr : stdout, ar);
	}
	return rep->intact ? FX_EXIT_OK : FX_EXIT_EVIDENCE;
}

int vf_cmd_audit(int argc, char **argv)
{
	fx_casedb_audit_report rep;
	vf_trust t = { FX_CASEDB_AUDIT_OPTIONS_INIT, NULL, 0 };
	audit_run ar = { .anc = { FX_CASEDB_ANCHOR_OPTIONS_INIT, 0 } };
	vf_common c = { 0 };
	const char *db_path = NULL;
	int rc = 0, code;

	t.ao.cancel = &fx_tool_signal;
	code = parse_and_check(&rc, &rep, &db_path, &t, &c, &ar, argc, argv);
	vf_trust_free(&t);
	if (!code && (rc == 0 || rc == FX_ECORRUPT)) {
		anchors_verdict(&rep, &ar);
		code = anchor_now(&ar, &rep, db_path, &c);
	}
	if (!code)
		code = audit_report(&rep, &ar, &c, db_path, rc);
	free(ar.anchors);
	return code;
}
