/*
 * An EVIDENCE number given to a subcommand (handoff, export), resolved
 * through the case database: the item (with --case, or alone in the
 * database), its latest finished acquisition with image files, and where
 * that image is now. Single-threaded.
 */
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "verify_cli.h"

typedef struct ev_search {
	const char *number;
	int64_t id;
	int matches;
	char cases[1024];
} ev_search;

static int ev_match(const fx_casedb_evidence_info *e, void *payload)
{
	ev_search *s = payload;
	size_t len = strlen(s->cases);

	if (strcmp(e->evidence.evidence_number, s->number) != 0)
		return 0;
	s->id = e->id;
	s->matches++;
	snprintf(s->cases + len, sizeof(s->cases) - len, "%s%s", len ? ", " : "",
		 e->case_number);
	return 0;
}

int vf_find_evidence(int64_t *out, fx_casedb *db, const char *command,
		     const char *evidence, const char *case_number)
{
	ev_search s;
	int rc;

	if (case_number) {
		rc = fx_casedb_evidence_find(out, db, case_number, evidence);
		if (rc == FX_ENOTFOUND)
			return vf_usage_error("%s: no evidence %s in case %s", command,
					      fx_tool_escape(evidence),
					      fx_tool_escape(case_number));
		if (rc != 0)
			fprintf(stderr, "verify: %s: %s\n", command,
				fx_tool_escape(fx_error_last()));
		return rc ? FX_EXIT_FAILURE : 0;
	}
	memset(&s, 0, sizeof(s));
	s.number = evidence;
	if (fx_casedb_evidence_list(db, 0, ev_match, &s) != 0) {
		fprintf(stderr, "verify: %s: %s\n", command, fx_tool_escape(fx_error_last()));
		return FX_EXIT_FAILURE;
	}
	if (s.matches == 0)
		return vf_usage_error("%s: no evidence %s in the case database", command,
				      fx_tool_escape(evidence));
	if (s.matches > 1)
		return vf_usage_error("%s: evidence %s is in several cases (%s): give --case",
				      command, fx_tool_escape(evidence), fx_tool_escape(s.cases));
	*out = s.id;
	return 0;
}

int vf_acq_latest(const fx_casedb_acquisition_info *a, void *payload)
{
	vf_acq_pick *p = payload;

	if ((a->status == FX_STATUS_COMPLETED ||
	     a->status == FX_STATUS_COMPLETED_WITH_ERRORS) &&
	    a->result.n_files && a->result.files[0].path) {
		p->id = a->id;
		snprintf(p->path, sizeof(p->path), "%s", a->result.files[0].path);
		snprintf(p->operator_name, sizeof(p->operator_name), "%s",
			 a->rec.operator_name ? a->rec.operator_name : "");
	}
	return 0;
}

void vf_locate_image(char *path, size_t len, const char *db_path)
{
	char dir[PATH_MAX], name[PATH_MAX], beside[PATH_MAX * 2];

	if (path[0] == '/' || access(path, F_OK) == 0)
		return;
	snprintf(dir, sizeof(dir), "%s", db_path);
	snprintf(name, sizeof(name), "%s", path);
	snprintf(beside, sizeof(beside), "%s/%s", dirname(dir), basename(name));
	if (access(beside, F_OK) == 0 && strlen(beside) < len)
		snprintf(path, len, "%s", beside);
}
