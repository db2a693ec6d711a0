/*
 * verify's time-stamp options (--tsa, --tsa-ca, --tsa-cert, --anchor) and
 * the anchoring of the chain's head at a handoff or on audit --anchor
 * (libforensic's fx_casedb_anchor). A TSA that fails never changes the
 * command's outcome: the failed anchor is recorded and said.
 */
#include <string.h>

#include "escape.h"
#include "verify_cli.h"

int vf_anchor_opt(vf_anchor *a, int opt, const char *arg)
{
	switch (opt) {
	case OPT_TSA: a->o.tsa_url = arg; return 0;
	case OPT_TSA_CA: a->o.ca_file = arg; return 0;
	case OPT_TSA_CERT: a->o.untrusted_file = arg; return 0;
	case OPT_ANCHOR: a->anchor = 1; return 0;
	default: return 1;
	}
}

int vf_anchor_head(fx_casedb_anchor_info *out, const vf_anchor *a,
		   fx_casedb *db)
{
	char line[2048];

	if (!a->o.tsa_url)
		return 0;
	if (fx_casedb_anchor(out, db, &a->o) != 0 && !out->id) {
		/* not even the failure could be recorded */
		snprintf(out->error, sizeof(out->error), "%s", fx_error_last());
		out->stamped = 0;
	}
	fx_tool_anchor_text(line, sizeof(line), out);
	fprintf(stderr, "verify: audit chain head (event %lld) %s\n",
		(long long)out->seq, line);
	return 1;
}
