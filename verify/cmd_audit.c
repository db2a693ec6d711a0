/*
 * verify audit: walks the case database's audit chain (libforensic's
 * fx_casedb_audit_check: sequence, hash links, each event's hash, canonical
 * content, signatures, records against their events) and says "intact"
 * with the event count and head hash, or names the first event that does
 * not fit and why. Exit 0 intact, 1 broken, 4 could not check. The
 * database is opened read-only: checking never writes.
 */
#include <getopt.h>
#include <string.h>

#include "escape.h"
#include "verify_cli.h"

static void print_json(const fx_casedb_audit_report *a, const char *db_path,
		       const char *error)
{
	printf("{\"status\":\"%s\",\"db\":", error ? "error" : a->intact ? "intact" : "broken");
	fx_json_string(stdout, db_path);
	printf(",\"events\":%llu,\"signed_events\":%llu,\"head_hash\":",
	       (unsigned long long)a->events, (unsigned long long)a->signed_events);
	fx_json_string(stdout, a->head_hash);
	printf(",\"first_bad_seq\":%lld,\"reason\":", (long long)a->first_bad_seq);
	fx_json_string(stdout, error ? error : a->reason);
	printf("}\n");
}

int vf_cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		VF_COMMON_OPTIONS,
		{ "trusted-key", required_argument, NULL, OPT_TRUSTED_KEY },
		{ "require-signed", no_argument, NULL, OPT_REQUIRE_SIGNED },
		{ NULL, 0, NULL, 0 } };
	fx_casedb_audit_options ao = FX_CASEDB_AUDIT_OPTIONS_INIT;
	fx_casedb_audit_report rep;
	vf_common c = { 0 };
	fx_casedb *db = NULL;
	const char *db_path;
	int opt, rc;

	c.command = "audit";
	while ((opt = fx_tool_getopt("verify", argc, argv, "qh", opts)) != -1) {
		if (opt == '?')
			return FX_EXIT_USAGE;
		if (opt == OPT_TRUSTED_KEY) {
			ao.trusted_key_path = optarg;
			continue;
		}
		if (opt == OPT_REQUIRE_SIGNED) {
			ao.require_signed = 1;
			continue;
		}
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
	if (rc != 0 && rc != FX_ECORRUPT) {
		fprintf(stderr, "verify: audit of %s could not be made: %s\n",
			fx_tool_escape(db_path), fx_tool_escape(fx_error_last()));
		if (c.json)
			print_json(&rep, db_path, fx_error_last());
		return rc == FX_EUSAGE ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
	}
	if (c.json)
		print_json(&rep, db_path, NULL);
	if (rep.intact && (!c.json || !c.quiet))
		fprintf(c.json ? stderr : stdout,
			"verify: audit chain of %s is intact: %llu events, %llu signed, head %s\n",
			fx_tool_escape(db_path), (unsigned long long)rep.events,
			(unsigned long long)rep.signed_events,
			rep.head_hash[0] ? rep.head_hash : "(empty)");
	else if (!rep.intact && (!c.json || !c.quiet))
		fprintf(c.json ? stderr : stdout,
			"verify: audit chain of %s is BROKEN: %s (%llu events checked)\n",
			fx_tool_escape(db_path), fx_tool_escape(rep.reason),
			(unsigned long long)rep.events);
	return rep.intact ? FX_EXIT_OK : FX_EXIT_EVIDENCE;
}
