/*
 * verify ledger init --db postgresql://...: sets up a fresh lab ledger on a
 * PostgreSQL server (fx_casedb_ledger_init): the roles fx_ledger_admin
 * (owner) and fx_station (INSERT and SELECT only), then the schema as the
 * owner, with its schema.create audit event. Run once, as the database's
 * administrator (the URI's user, or PGUSER); a station then connects as a
 * role that is a member of fx_station. Exit 0 set up, 2 usage (not a
 * postgresql:// URI, an unknown action), 4 could not (unreachable, refused,
 * a database that already has tables).
 */
#include <getopt.h>
#include <string.h>

#include "escape.h"
#include "verify_cli.h"

int vf_cmd_ledger(int argc, char **argv)
{
	static const struct option opts[] = { VF_COMMON_OPTIONS,
					      { NULL, 0, NULL, 0 } };
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	vf_common c = { 0 };
	char name[1024];
	int opt, rc;

	c.command = "ledger";
	while ((opt = fx_tool_getopt("verify", argc, argv, "qh", opts)) != -1) {
		if (opt == '?')
			return FX_EXIT_USAGE;
		if ((rc = vf_common_opt(&c, NULL, opt, optarg)) != 0)
			return rc == 1 ? vf_usage_error("unknown option") : rc;
	}
	if (optind + 1 != argc || strcmp(argv[optind], "init") != 0)
		return vf_usage_error("ledger: the action is init (verify ledger "
				      "init --db postgresql://...)");
	if (!c.db_path || !fx_casedb_location_is_uri(c.db_path))
		return vf_usage_error("ledger init: --db must be a postgresql:// "
				      "connection URI");
	fx_casedb_location_name(name, sizeof(name), c.db_path);
	o.actor = fx_tool_operator(c.operator_name);
	o.host = fx_tool_station_host();
	o.sign_key_path = c.sign_key;
	if (fx_casedb_ledger_init(c.db_path, &o) != 0) {
		fprintf(stderr, "verify: ledger init: %s\n",
			fx_tool_escape(fx_error_last()));
		return fx_error_last_code() == FX_EUSAGE ? FX_EXIT_USAGE
							 : FX_EXIT_FAILURE;
	}
	if (!c.quiet)
		printf("ledger ready: %s (schema %d; roles fx_ledger_admin, "
		       "fx_station)\n", fx_tool_escape(name),
		       fx_casedb_schema_version());
	return FX_EXIT_OK;
}
