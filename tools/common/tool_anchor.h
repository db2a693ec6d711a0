/* The tools' side of the audit chain's anchors (RFC 3161 time-stamps,
 * libforensic's fx_casedb_anchor): the checks of --tsa, --tsa-ca and
 * --tsa-cert before anything is written, and the chain's head and an
 * anchor as the tools print them (log, stderr, --json). */
#ifndef FX_TOOL_ANCHOR_H
#define FX_TOOL_ANCHOR_H

#include <stdio.h>

#include "forensic/casedb.h"
#include "forensic/json.h"

/* 0, or says on stderr (prefixed with tool) what is wrong and returns -1:
 * a URL that is not http:// or https://, a --tsa-ca or --tsa-cert file
 * that cannot be read, or one of them without --tsa (url NULL allowed
 * with ca when allow_ca_alone, e.g. verify audit's check). */
int fx_tool_tsa_check(const char *tool, const char *url, const char *ca,
		      const char *cert, int allow_ca_alone);

/* "audit_head": {"seq": N, "hash": H} (events 0: seq 0, hash ""). */
void fx_tool_json_head(fx_json *j, const fx_casedb_audit_head *head);

/* "anchor": {"id", "seq", "head_hash", "tsa", "status", "token_sha256",
 * "time", "requested", "error"} of a, or null when a is NULL. */
void fx_tool_json_anchor(fx_json *j, const char *key,
			 const fx_casedb_anchor_info *a);

/* One line for people: "time-stamped by URL at T (anchor N, event S,
 * token SHA-256 X)" or "NOT time-stamped: why (anchor N, event S)". */
void fx_tool_anchor_text(char *out, size_t size,
			 const fx_casedb_anchor_info *a);

#endif
