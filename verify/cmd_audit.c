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
 * audit and report alike, so both check the chain the same way.
 */
#include <getopt.h>
#include <signal.h>
#include <string.h>

#include "escape.h"
#include "verify_cli.h"

int vf_audit_opt(fx_casedb_audit_options *ao, int opt, const char *arg)
{
	switch (opt) {
	case OPT_TRUSTED_KEY:
		ao->trusted_key_path = arg;
		return 0;
	case OPT_REQUIRE_SIGNED:
		ao->require_signed = 1;
		return 0;
	default:
		return 1;
	}
}

/* A JSON string, or null for NULL. */
static void json_or_null(const char *s)
{
	if (s)
		fx_json_string(stdout, s);
	else
		fputs("null", stdout);
}

static void print_json(const fx_casedb_audit_report *a, const char *db_path,
		       const char *error)
{
	char checked[1024], not_checked[1024];
	int ok = !error && a->intact;

	fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
				 sizeof(not_checked), a);
	printf("{\"status\":\"%s\",\"db\":", error ? "error" : a->intact ? "intact" : "broken");
	fx_json_string(stdout, db_path);
	printf(",\"events\":%llu,\"signed_events\":%llu,\"head_hash\":",
	       (unsigned long long)a->events, (unsigned long long)a->signed_events);
	fx_json_string(stdout, a->head_hash);
	printf(",\"first_bad_seq\":%lld,\"reason\":", (long long)a->first_bad_seq);
	fx_json_string(stdout, error ? error : a->reason);
	printf(",\"trust\":");
	json_or_null(ok ? fx_casedb_audit_trust_name(a->trust) : NULL);
	printf(",\"checked\":");
	json_or_null(ok ? checked : NULL);
	printf(",\"not_checked\":");
	json_or_null(ok ? not_checked : NULL);
	printf(",\"triggers\":");
	json_or_null(!error && a->triggers[0] ? a->triggers : NULL);
	printf("}\n");
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

int vf_cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		VF_COMMON_OPTIONS, VF_AUDIT_OPTIONS, { NULL, 0, NULL, 0 } };
	fx_casedb_audit_options ao = FX_CASEDB_AUDIT_OPTIONS_INIT;
	fx_casedb_audit_report rep;
	vf_common c = { 0 };
	fx_casedb *db = NULL;
	const char *db_path;
	int opt, rc;

	ao.cancel = &fx_tool_signal;
	c.command = "audit";
	while ((opt = fx_tool_getopt("verify", argc, argv, "qh", opts)) != -1) {
		if (opt == '?')
			return FX_EXIT_USAGE;
		if (vf_audit_opt(&ao, opt, optarg) == 0)
			continue;
		if ((rc = vf_common_opt(&c, NULL, opt, optarg)) != 0)
			return rc == 1 ? vf_usage_error("unknown option") : rc;
	}
	if (optind != argc)
		return vf_usage_error("audit: unexpected argument '%s' (the database is --db PATH)",
				      argv[optind]);
	db_path = c.db_path ? c.db_path : "case.db";
	if ((rc = vf_db_open(&db, db_path, &c, 1)) != 0)
		return rc;
	memset(&rep, 0, sizeof(rep));
	rc = fx_casedb_audit_check(&rep, db, &ao);
	fx_casedb_free(db);
	if (rc == FX_EINTR)
		return fx_tool_signal == SIGTERM ? FX_EXIT_SIGTERM : FX_EXIT_SIGINT;
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
