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

static void print_json(const fx_casedb_audit_report *a, const char *db_path,
		       const char *error)
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
			   int argc, char **argv)
{
	static const struct option opts[] = {
		VF_COMMON_OPTIONS, VF_AUDIT_OPTIONS, { NULL, 0, NULL, 0 } };
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
		if ((rc = vf_common_opt(c, NULL, opt, optarg)) != 0)
			return rc == 1 ? vf_usage_error("unknown option") : rc;
	}
	if (optind != argc)
		return vf_usage_error("audit: unexpected argument '%s' (the database is --db PATH)",
				      argv[optind]);
	*db_path = c->db_path ? c->db_path : FX_TOOL_DB;
	if ((rc = vf_db_open(&db, *db_path, c, 1)) != 0)
		return rc;
	memset(rep, 0, sizeof(*rep));
	*check = fx_casedb_audit_check(rep, db, &t->ao);
	fx_casedb_free(db);
	return 0;
}

int vf_cmd_audit(int argc, char **argv)
{
	fx_casedb_audit_report rep;
	vf_trust t = { FX_CASEDB_AUDIT_OPTIONS_INIT, NULL, 0 };
	vf_common c = { 0 };
	const char *db_path = NULL;
	int rc = 0, code;

	t.ao.cancel = &fx_tool_signal;
	code = parse_and_check(&rc, &rep, &db_path, &t, &c, argc, argv);
	vf_trust_free(&t);
	if (code)
		return code;
	if (rc == FX_EINTR)
		return fx_tool_signo() == SIGTERM ? FX_EXIT_SIGTERM : FX_EXIT_SIGINT;
	if (rc != 0 && rc != FX_ECORRUPT) {
		fprintf(stderr, "verify: audit of %s could not be made: %s\n",
			fx_tool_escape(db_path), fx_tool_escape(fx_error_last()));
		if (c.json)
			print_json(&rep, db_path, fx_error_last());
		return rc == FX_EUSAGE ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
	}
	if (c.json)
		print_json(&rep, db_path, NULL);
	if (!c.json || !c.quiet)
		print_text(c.json ? stderr : stdout, &rep, db_path);
	return rep.intact ? FX_EXIT_OK : FX_EXIT_EVIDENCE;
}
