/*
 * How a verification is told: a few lines for a person (verdict, the image,
 * the record used, each hash and which references it matches, every
 * finding, where the run was recorded), or the library's JSON object.
 * --quiet keeps a verified image silent (the exit code says it) and still
 * tells why an image did not verify.
 * Paths, case and evidence numbers and findings (which quote paths) go to
 * the terminal through fx_tool_escape; the JSON object has JSON escapes.
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "verify_cli.h"

static const char *verdict(int status)
{
	switch (status) {
	case FX_VERDICT_VERIFIED: return "verified";
	case FX_VERDICT_MISMATCH: return "MISMATCH";
	case FX_VERDICT_INTERRUPTED: return "INTERRUPTED (no verdict)";
	default: return "ERROR (could not verify)";
	}
}

/* "acquisition record, E01" for the references whose alg hash equals the
 * computed one, or those that differ. */
static void refs_for(char *out, size_t len, const fx_verify_result *r,
		     unsigned alg, int equal)
{
	const char *mine = fx_digests_get(&r->computed, alg);
	const char *rec = fx_digests_get(&r->expected_casedb, alg);
	const char *e01 = fx_digests_get(&r->expected_e01, alg);

	out[0] = '\0';
	if (rec[0] && (strcasecmp(rec, mine) == 0) == equal)
		snprintf(out, len, "acquisition record");
	if (e01[0] && (strcasecmp(e01, mine) == 0) == equal)
		snprintf(out + strlen(out), len - strlen(out), "%sE01",
			 out[0] ? ", " : "");
}

static void print_hashes(FILE *f, const fx_verify_result *r)
{
	static const char *labels[] = { "", "MD5:    ", "SHA-1:  ", "", "SHA-256:" };
	char same[128], diff[128];
	unsigned alg;

	for (alg = FX_HASH_MD5; alg <= FX_HASH_SHA256; alg <<= 1) {
		if (!fx_digests_get(&r->computed, alg)[0])
			continue;
		refs_for(same, sizeof(same), r, alg, 1);
		refs_for(diff, sizeof(diff), r, alg, 0);
		fprintf(f, "  %s %s%s%s%s%s\n", labels[alg],
			fx_digests_get(&r->computed, alg),
			same[0] ? "  matches " : "", same,
			diff[0] ? "  DIFFERS from " : "", diff);
	}
}

/* Files compared with a reference, then those that had none (an E01
 * acquired with --no-verify): their SHA-256 is printed, as computed now. */
static void print_files(FILE *f, const fx_verify_result *r)
{
	size_t i, checked = 0, good = 0, unlisted = 0;

	for (i = 0; i < r->nfiles; i++) {
		const fx_verify_file *v = &r->files[i];

		if (!v->sha256[0])
			continue;
		if (!v->recorded_sha256[0] && !v->listed_sha256[0]) {
			unlisted++;
			continue;
		}
		checked++;
		good += (!v->recorded_sha256[0] || !strcmp(v->recorded_sha256, v->sha256)) &&
			(!v->listed_sha256[0] || !strcmp(v->listed_sha256, v->sha256));
	}
	if (checked)
		fprintf(f, "  files:    %zu of %zu match their recorded SHA-256\n", good, checked);
	if (unlisted)
		fprintf(f, "  files:    %zu with no SHA-256 recorded or listed to compare; computed:\n",
			unlisted);
	for (i = 0; unlisted && i < r->nfiles; i++) {
		const fx_verify_file *v = &r->files[i];

		if (v->sha256[0] && !v->recorded_sha256[0] && !v->listed_sha256[0])
			fprintf(f, "            %s  %s\n", v->sha256,
				fx_tool_escape(v->path));
	}
}

void vf_print_result(FILE *f, const fx_verify_result *r, const char *db_path,
		     const char *unrecorded)
{
	static const char *formats[] = { "?", "raw", "split raw", "E01" };
	size_t i, in_set = 0;

	for (i = 0; i < r->nfiles; i++)
		in_set += r->files[i].in_set;
	fprintf(f, "verify: %s: %s\n", fx_tool_escape(r->path), verdict(r->status));
	if (r->format)
		fprintf(f, "  image:    %s, %llu bytes (%llu sectors of %u bytes), %zu file%s\n",
			formats[r->format <= FX_IMAGE_E01 ? r->format : 0],
			(unsigned long long)r->size,
			(unsigned long long)(r->sector_size ? r->size / r->sector_size : 0),
			r->sector_size, in_set, in_set == 1 ? "" : "s");
	if (r->acquisition_id)
		fprintf(f, "  record:   case %s, evidence %s, acquisition %lld\n",
			fx_tool_escape(r->case_number),
			fx_tool_escape(r->evidence_number), (long long)r->acquisition_id);
	if (r->hashed)
		print_hashes(f, r);
	print_files(f, r);
	if (r->window_size && r->hashed)
		fprintf(f, "  windows:  %zu of %llu bytes compared\n", r->nwindows,
			(unsigned long long)r->window_size);
	for (i = 0; i < r->nfindings; i++)
		fprintf(f, "  - %s\n", fx_tool_escape(r->findings[i].message));
	if (r->findings_dropped)
		fprintf(f, "  - and %llu more findings (not listed)\n",
			(unsigned long long)r->findings_dropped);
	if (r->verification_id)
		fprintf(f, "  recorded: verification %lld in %s\n",
			(long long)r->verification_id,
			db_path ? fx_tool_escape(db_path) : "the case database");
	else
		fprintf(f, "  recorded: no (%s)\n", fx_tool_escape(unrecorded));
}

void vf_print_summary(const vf_common *c, const fx_verify_result *r,
		      const char *db_path, const char *unrecorded)
{
	if (c->quiet && (c->json || r->status == FX_VERDICT_VERIFIED))
		return; /* quiet: the JSON, or the exit code, says it all */
	/* --json and --progress json: stdout's object says it, and stderr
	 * holds only the progress lines and errors */
	if (c->json && fx_meter_mode() == FX_METER_JSON)
		return;
	vf_print_result(c->json ? stderr : stdout, r, db_path, unrecorded);
}

void vf_print_json_head(FILE *f, const fx_verify_result *r, fx_casedb *db)
{
	fx_casedb_audit_head head;
	char *json = NULL, *end;

	if (!db)
		return vf_print_json(f, r);
	if (fx_casedb_audit_head_get(&head, db) != 0 ||
	    fx_verify_result_json(&json, r) != 0) {
		fprintf(stderr, "verify: %s\n", fx_tool_escape(fx_error_last()));
		free(json);
		return;
	}
	/* the library's object, with one more member before its closing
	 * brace (hex digits and a number: nothing to escape) */
	end = strrchr(json, '}');
	if (!end) {
		fprintf(f, "%s\n", json);
	} else {
		*end = '\0';
		fprintf(f, "%s,\"audit_head\":{\"seq\":%lld,\"hash\":\"%s\"}}\n",
			json, (long long)head.last_seq, head.hash);
	}
	free(json);
}

void vf_print_json(FILE *f, const fx_verify_result *r)
{
	char *json = NULL;

	if (fx_verify_result_json(&json, r) != 0) {
		fprintf(stderr, "verify: %s\n", fx_tool_escape(fx_error_last()));
		return;
	}
	fprintf(f, "%s\n", json);
	free(json);
}
