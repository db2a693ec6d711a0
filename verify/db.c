/*
 * The case database as every subcommand opens it: it must already exist
 * (a verification has nothing to verify against in a new, empty database,
 * and must not leave one behind), events are written as the operator on
 * this host, signed when a key is given.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "escape.h"
#include "verify_cli.h"

int vf_db_open(fx_casedb **out, const char *path, const vf_common *c,
	       int read_only)
{
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	char msg[160];
	struct stat st;

	*out = NULL;
	if (!fx_casedb_location_is_uri(path) && stat(path, &st) != 0) {
		fprintf(stderr, "verify: case database %s: %s\n", fx_tool_escape(path),
			errno == ENOENT ? "does not exist" : strerror(errno));
		return FX_EXIT_FAILURE;
	}
	if (fx_tool_set_station(NULL, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "verify: FX_STATION: %s\n", fx_tool_escape(msg));
		return FX_EXIT_USAGE;
	}
	o.actor = fx_tool_operator(c->operator_name);
	o.host = fx_tool_station_host();
	o.sign_key_path = read_only ? NULL : c->sign_key;
	o.read_only = read_only;
	if (fx_casedb_open(out, path, &o) != 0) {
		fprintf(stderr, "verify: case database: %s\n",
			fx_tool_escape(fx_error_last()));
		return fx_error_last_code() == FX_EUSAGE ? FX_EXIT_USAGE
							 : FX_EXIT_FAILURE;
	}
	return 0;
}
