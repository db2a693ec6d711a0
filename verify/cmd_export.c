/*
 * verify export EVIDENCE --to raw|vhd|vmdk -o PATH: the evidence's image
 * (its latest finished acquisition) is read once, verified against its
 * record and written as a virtual disk in the same pass
 * (fx_verify_export). The export is kept and recorded only if the image
 * verified; otherwise what it wrote is removed, the verification is
 * recorded as it ended, and the exit code says why: 1 mismatch, 4 could
 * not verify or could not write, 130/143 a signal. Everything typed is
 * checked, and an existing PATH refused (exit 2), before the database is
 * opened or a byte of the image is read.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "verify_cli.h"

typedef struct export_args {
	const char *evidence, *case_number, *to, *output;
	int format;
	char path[PATH_MAX];   /* the output made absolute */
} export_args;

static void print_json(const export_args *a, const fx_export_result *r, int ran)
{
	fx_json *j = fx_tool_json_new("verify", stdout);
	char *json = NULL;
	size_t i;

	if (!j)
		return;
	fx_json_object_begin(j);
	fx_tool_json_str(j, "export", r->exported ? "recorded" : "refused");
	fx_tool_json_str(j, "evidence", a->evidence);
	fx_tool_json_str(j, "format", fx_export_format_name(a->format));
	fx_tool_json_str(j, "path", a->path);
	fx_json_member_int(j, "export_id", r->export_id);
	fx_json_key(j, "files");
	fx_json_array_begin(j);
	for (i = 0; i < r->nfiles; i++) {
		fx_json_object_begin(j);
		fx_tool_json_str(j, "path", r->files[i].path);
		fx_json_member_int(j, "size", (int64_t)r->files[i].size);
		fx_tool_json_str(j, "sha256", r->files[i].sha256);
		fx_json_object_end(j);
	}
	fx_json_array_end(j);
	fx_json_key(j, "verification");   /* the library's own JSON */
	fx_json_raw(j, ran && fx_verify_result_json(&json, &r->verify) == 0 ? json : "null");
	fx_json_object_end(j);
	fputc('\n', stdout);
	fx_json_free(j);
	free(json);
}

static void print_done(FILE *f, const export_args *a, const fx_export_result *r)
{
	size_t i;

	fprintf(f, "verify: evidence %s exported as %s to %s (export %lld, after verification %lld)\n",
		fx_tool_escape(a->evidence), fx_export_format_name(a->format),
		fx_tool_escape(a->path), (long long)r->export_id,
		(long long)r->verify.verification_id);
	for (i = 0; i < r->nfiles; i++)
		fprintf(f, "  %s  %llu bytes  SHA-256 %s\n", fx_tool_escape(r->files[i].path),
			(unsigned long long)r->files[i].size, r->files[i].sha256);
}

/* Why the export was refused after the image was read. */
static const char *refusal(const fx_export_result *r)
{
	switch (r->verify.status) {
	case FX_VERDICT_MISMATCH: return "the image does not match its record";
	case FX_VERDICT_INTERRUPTED: return "the verification was interrupted";
	default: return "the image could not be verified";
	}
}

static void print_removal(const export_args *a, const fx_export_result *r)
{
	if (r->removed < 0)
		fprintf(stderr, "verify: export: %s\n", fx_tool_escape(r->removal_error));
	else
		fprintf(stderr, "verify: export: nothing of %s is left (what it wrote was removed)\n",
			fx_tool_escape(a->path));
}

static int run(fx_casedb *db, const char *db_path, export_args *a,
	       const vf_common *c, const vf_image_opts *io)
{
	fx_export_options eo = FX_EXPORT_OPTIONS_INIT;
	fx_verify_options vo = FX_VERIFY_OPTIONS_INIT;
	fx_export_result r;
	vf_acq_pick pick;
	int64_t ev_id = 0;
	int rc, code;

	if ((rc = vf_find_evidence(&ev_id, db, "export", a->evidence, a->case_number)) != 0)
		return rc;
	memset(&pick, 0, sizeof(pick));
	if (fx_casedb_acquisition_list(db, ev_id, vf_acq_latest, &pick) != 0) {
		fprintf(stderr, "verify: export: %s\n", fx_tool_escape(fx_error_last()));
		return FX_EXIT_FAILURE;
	}
	if (!pick.id) {
		fprintf(stderr, "verify: export of evidence %s REFUSED: it has no finished acquisition with image files to export\n",
			fx_tool_escape(a->evidence));
		return FX_EXIT_FAILURE;
	}
	vf_locate_image(pick.path, sizeof(pick.path), db_path);
	vo.hash_algs = io->hash_algs;
	vo.threads = io->threads;
	vo.block_size = (size_t)io->block_size;
	vo.acquisition_id = pick.id;
	vo.cancel = &fx_tool_signal;
	vf_progress_image(&vo, pick.path); /* the export is written as it is read */
	eo.format = a->format;
	eo.verify = &vo;
	eo.tool = "verify export";
	eo.tool_version = fx_version();
	rc = fx_verify_export(&r, pick.path, a->path, db, &eo);
	vf_progress_image_end();
	if (rc != 0) {
		fprintf(stderr, "verify: export of evidence %s to %s failed: %s\n",
			fx_tool_escape(a->evidence), fx_tool_escape(a->path),
			fx_tool_escape(fx_error_last()));
		if (r.verify.format)
			print_removal(a, &r);
		code = fx_tool_signo() ? vf_exit_code(FX_VERDICT_INTERRUPTED)
		       : rc == FX_EUSAGE || rc == FX_EEXISTS ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
		if (c->json)
			print_json(a, &r, r.verify.format != 0);
		fx_export_result_clear(&r);
		return code;
	}
	if (r.exported) {
		/* in JSON progress, stderr holds the JSON lines and errors only */
		if ((!c->quiet || c->json) &&
		    !(c->json && fx_meter_mode() == FX_METER_JSON))
			print_done(c->json ? stderr : stdout, a, &r);
	} else {
		vf_print_summary(c, &r.verify, db_path, NULL);
		fprintf(stderr, "verify: export of evidence %s to %s REFUSED: %s (verification %lld recorded)\n",
			fx_tool_escape(a->evidence), fx_tool_escape(a->path), refusal(&r),
			(long long)r.verify.verification_id);
		print_removal(a, &r);
	}
	if (c->json)
		print_json(a, &r, 1);
	code = r.exported ? FX_EXIT_OK : vf_exit_code(r.verify.status);
	if (!r.exported && code == FX_EXIT_OK) /* verified, yet not exported */
		code = FX_EXIT_FAILURE;
	fx_export_result_clear(&r);
	return code;
}

/* Everything typed, checked before the database is opened. */
static int check_args(export_args *a)
{
	int rc;

	if (!a->to || !*a->to)
		return vf_usage_error("export: --to raw|vhd|vmdk is required");
	if (fx_export_format_parse(&a->format, a->to) != 0)
		return vf_usage_error("export: --to: %s", fx_tool_escape(fx_error_last()));
	if (!a->output || !*a->output)
		return vf_usage_error("export: -o PATH is required");
	if (fx_tool_abs_path(a->path, sizeof(a->path), a->output) != 0)
		return vf_usage_error("export: -o %s: %s", fx_tool_escape(a->output),
				      errno == ENOENT ? "its directory does not exist"
				      : strerror(errno));
	if ((rc = fx_export_check_names(a->path, a->format)) != 0) {
		fprintf(stderr, "verify: export: %s\n", fx_tool_escape(fx_error_last()));
		return rc == FX_EEXISTS || rc == FX_EUSAGE ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
	}
	return 0;
}

int vf_cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		VF_COMMON_OPTIONS, VF_IMAGE_OPTIONS,
		{ "to", required_argument, NULL, OPT_TO },
		{ "output", required_argument, NULL, 'o' },
		{ "case", required_argument, NULL, OPT_CASE },
		{ NULL, 0, NULL, 0 } };
	vf_common c = { 0 };
	vf_image_opts io = { FX_HASH_ALL, 0, 1 << 20 };
	export_args a;
	fx_casedb *db = NULL;
	const char *db_path;
	int opt, rc;

	memset(&a, 0, sizeof(a));
	c.command = "export";
	while ((opt = fx_tool_getopt("verify", argc, argv, "qho:", opts)) != -1) {
		switch (opt) {
		case '?': return FX_EXIT_USAGE;
		case OPT_TO: a.to = optarg; continue;
		case 'o': a.output = optarg; continue;
		case OPT_CASE: a.case_number = optarg; continue;
		default: break;
		}
		if ((rc = vf_common_opt(&c, &io, opt, optarg)) != 0)
			return rc == 1 ? vf_usage_error("unknown option") : rc;
	}
	if (argc - optind != 1)
		return vf_usage_error("export: expected one EVIDENCE number");
	a.evidence = argv[optind];
	if ((rc = check_args(&a)) != 0)
		return rc;
	vf_progress_start(&c);
	db_path = c.db_path ? c.db_path : FX_TOOL_DB;
	if ((rc = vf_db_open(&db, db_path, &c, 0)) != 0)
		return rc;
	rc = run(db, db_path, &a, &c, &io);
	fx_casedb_free(db);
	return rc;
}
