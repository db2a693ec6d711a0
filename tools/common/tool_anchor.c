/* The tools' side of the anchors (tool_anchor.h). Single-threaded. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "tool.h"
#include "tool_anchor.h"

static int readable(const char *tool, const char *opt, const char *path)
{
	if (access(path, R_OK) == 0)
		return 0;
	fprintf(stderr, "%s: %s %s: cannot be read: %s\n", tool, opt,
		fx_tool_escape(path), strerror(errno));
	return -1;
}

int fx_tool_tsa_check(const char *tool, const char *url, const char *ca,
		      const char *cert, int allow_ca_alone)
{
	if (url && strncmp(url, "http://", 7) != 0 &&
	    strncmp(url, "https://", 8) != 0) {
		fprintf(stderr, "%s: --tsa: '%s' is not an http:// or https:// "
			"URL (see %s --help)\n", tool, fx_tool_escape(url), tool);
		return -1;
	}
	if (!url && !allow_ca_alone && (ca || cert)) {
		fprintf(stderr, "%s: %s needs --tsa URL (see %s --help)\n",
			tool, ca ? "--tsa-ca" : "--tsa-cert", tool);
		return -1;
	}
	if (ca && readable(tool, "--tsa-ca", ca))
		return -1;
	if (cert && readable(tool, "--tsa-cert", cert))
		return -1;
	return 0;
}

void fx_tool_json_head(fx_json *j, const fx_casedb_audit_head *head)
{
	fx_json_key(j, "audit_head");
	fx_json_object_begin(j);
	fx_json_member_int(j, "seq", head->last_seq);
	fx_tool_json_str(j, "hash", head->hash);
	fx_json_object_end(j);
}

void fx_tool_json_anchor(fx_json *j, const char *key,
			 const fx_casedb_anchor_info *a)
{
	if (key)
		fx_json_key(j, key);
	if (!a) {
		fx_json_null(j);
		return;
	}
	fx_json_object_begin(j);
	fx_json_member_int(j, "id", a->id);
	fx_json_member_int(j, "seq", a->seq);
	fx_tool_json_str(j, "head_hash", a->head_hash);
	fx_tool_json_str(j, "tsa", a->tsa_url);
	fx_tool_json_str(j, "status", a->stamped ? "stamped" : "failed");
	fx_tool_json_str(j, "token_sha256", a->token_sha256);
	fx_tool_json_str(j, "time", a->token_time_utc);
	fx_tool_json_str(j, "requested", a->requested_utc);
	fx_tool_json_str(j, "error", a->error);
	fx_json_object_end(j);
}

void fx_tool_anchor_text(char *out, size_t size,
			 const fx_casedb_anchor_info *a)
{
	if (a->stamped)
		snprintf(out, size, "time-stamped by %s at %s (anchor %lld, "
			 "event %lld, token SHA-256 %s)",
			 fx_tool_escape(a->tsa_url), a->token_time_utc,
			 (long long)a->id, (long long)a->seq, a->token_sha256);
	else
		snprintf(out, size, "NOT time-stamped: %s (anchor %lld, "
			 "event %lld)", fx_tool_escape(a->error),
			 (long long)a->id, (long long)a->seq);
}
