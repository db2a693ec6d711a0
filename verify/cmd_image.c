/*
 * verify [image] PATH...: each image re-hashed and compared with every
 * reference it has (libforensic's fx_verify_image), the run recorded as a
 * verification event in the case database of the image (or --db), the
 * verdict printed. Exit code: 130/143 after SIGINT/SIGTERM (the run is
 * recorded as interrupted, not as a verdict), else 1 if any image
 * mismatches, else 4 if any could not be verified, else 0.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "verify_cli.h"

int vf_exit_code(int status)
{
	if (fx_tool_signo())
		return fx_tool_signo() == SIGTERM ? FX_EXIT_SIGTERM : FX_EXIT_SIGINT;
	switch (status) {
	case FX_VERDICT_VERIFIED: return FX_EXIT_OK;
	case FX_VERDICT_MISMATCH: return FX_EXIT_EVIDENCE;
	default: return FX_EXIT_FAILURE;
	}
}

/* Images given to the verification engine (the done line's "images"). */
static long images_checked;

void vf_progress_start(const vf_common *c)
{
	fx_meter_start(c->progress_given ? c->progress
					 : fx_meter_default_mode(c->quiet), stderr);
}

/* The exit code in a word (verify(1), PROGRESS). */
static const char *exit_word(int code)
{
	switch (code) {
	case FX_EXIT_OK: return "verified";
	case FX_EXIT_EVIDENCE: return "mismatch";
	case FX_EXIT_USAGE: return "refused";
	case FX_EXIT_SIGINT:
	case FX_EXIT_SIGTERM: return "interrupted";
	default: return "error";
	}
}

void vf_progress_done(int exit_code)
{
	fx_meter_result r = FX_METER_RESULT_INIT;

	r.exit_code = exit_code;
	r.status = exit_word(exit_code);
	r.images = images_checked;
	fx_meter_done(&r);
}

/* The hashing of image files from storage, after (or beside) the media
 * read: E01 segments, or the files a damaged set still lets us compare. */
static void show_files(const fx_verify_files_progress *p, void *payload)
{
	(void)payload;
	fx_meter_files("hashing-files", "verify: hashing files: ", p);
}

/* The image's phases on the meter: reading (its size is known once it is
 * open), then hashing-files; the image counts among those checked. */
void vf_progress_image(fx_verify_options *vo, const char *path)
{
	images_checked++;
	if (fx_meter_mode() == FX_METER_NONE)
		return;
	fx_meter_image(path);
	fx_meter_phase("reading", "verify: reading: ", FX_METER_UNKNOWN);
	vo->progress = fx_meter_update;
	vo->progress_payload = NULL;
	vo->files_progress = show_files;
	vo->files_progress_payload = NULL;
}

void vf_progress_image_end(void)
{
	fx_meter_end();
	fx_meter_image(NULL);
}

/* Records the run; prints why it could not be. 0 or FX_EXIT_FAILURE. */
static int record(fx_casedb *db, fx_verify_result *r, int64_t evidence_id,
		  const char *db_path)
{
	if (!db || (!r->acquisition_id && !r->evidence_id && !evidence_id))
		return 0;
	if (fx_verify_record(db, r, evidence_id, "verify", fx_version()) == 0)
		return 0;
	fprintf(stderr, "verify: %s: the verification could not be recorded in %s: %s\n",
		fx_tool_escape(r->path), fx_tool_escape(db_path),
		fx_tool_escape(fx_error_last()));
	return FX_EXIT_FAILURE;
}

/* Why a run was not recorded, in the words of the summary's "recorded: no
 * (...)": the reason the run itself met, never a guess. */
static const char *why_unrecorded(char *buf, size_t size, const fx_casedb *db,
				  const char *db_path, int record_rc)
{
	if (!db && !db_path)
		return "no case database";
	if (!db)
		snprintf(buf, size, "case database %s could not be opened, see "
			 "above", db_path);
	else if (record_rc)
		snprintf(buf, size, "recording in %s failed, see above", db_path);
	else
		return "no acquisition record to attach it to";
	return buf;
}

int vf_verify_one(const char *path, fx_casedb *db, const char *db_path,
		  const vf_common *c, const vf_image_opts *io,
		  int64_t acquisition_id, int64_t evidence_id,
		  fx_verify_result *out)
{
	fx_verify_options vo = FX_VERIFY_OPTIONS_INIT;
	char why[PATH_MAX + 64];
	fx_verify_result r;
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	vo.hash_algs = io->hash_algs;
	vo.threads = io->threads;
	vo.block_size = (size_t)io->block_size;
	vo.acquisition_id = acquisition_id;
	vo.cancel = &fx_tool_signal;
	vf_progress_image(&vo, path);
	rc = fx_verify_image(&r, path, db, &vo);
	vf_progress_image_end();
	if (rc != 0) {
		fprintf(stderr, "verify: %s: %s\n", fx_tool_escape(path),
			fx_tool_escape(fx_error_last()));
		return rc == FX_EUSAGE ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
	}
	rc = record(db, &r, evidence_id, db_path);
	if (c->json && !c->json_elsewhere)
		vf_print_json_head(stdout, &r, db);
	vf_print_summary(c, &r, db_path, why_unrecorded(why, sizeof(why), db,
							db_path, rc));
	if (!rc)
		rc = vf_exit_code(r.status);
	else if (r.status == FX_VERDICT_MISMATCH)
		rc = FX_EXIT_EVIDENCE;
	if (out)
		*out = r;
	else
		fx_verify_result_clear(&r);
	return rc;
}

/* Verifies one PATH with its own database (or --db, opened once). */
static int verify_path(const char *path, const vf_common *c,
		       const vf_image_opts *io, fx_casedb *shared)
{
	char beside[PATH_MAX];
	const char *db_path = c->db_path;
	fx_casedb *db = shared;
	struct stat st;
	int rc, ro = 0;

	if (!db_path) {
		fx_tool_default_db(beside, sizeof(beside), path);
		db_path = beside;
	}
	if (!db && stat(db_path, &st) != 0) {
		fprintf(stderr, "verify: %s: no case database at %s\n",
			fx_tool_escape(path), fx_tool_escape(db_path));
		db_path = NULL;
	} else if (!db) {
		/* a closed case (no write permission): verified against its
		 * record, but the run cannot be recorded, which is an error */
		ro = (st.st_mode & 0222) == 0;
		if (ro)
			fprintf(stderr, "verify: case database %s is read-only: the verification of %s cannot be recorded\n",
				fx_tool_escape(db_path), fx_tool_escape(path));
		if (vf_db_open(&db, db_path, c, ro) != 0)
			db = NULL; /* said why; verified without the record: error */
	}
	rc = vf_verify_one(path, db, db_path, c, io, 0, 0, NULL);
	if (ro && rc == FX_EXIT_OK)
		rc = FX_EXIT_FAILURE;
	if (db != shared)
		fx_casedb_free(db);
	return rc;
}

/* Which exit code wins over several images: a signal, then a mismatch
 * (the evidence is bad), then a usage error, then "could not verify". */
static int rank(int code)
{
	switch (code) {
	case FX_EXIT_OK: return 0;
	case FX_EXIT_FAILURE: return 1;
	case FX_EXIT_USAGE: return 2;
	case FX_EXIT_EVIDENCE: return 3;
	default: return 4;
	}
}

int vf_cmd_image(int argc, char **argv)
{
	static const struct option opts[] = { VF_COMMON_OPTIONS, VF_IMAGE_OPTIONS,
					       { NULL, 0, NULL, 0 } };
	vf_common c = { 0 };
	vf_image_opts io = { FX_HASH_ALL, 0, 1 << 20 };
	fx_casedb *shared = NULL;
	int opt, rc, worst = FX_EXIT_OK, i;

	c.command = "image";
	while ((opt = fx_tool_getopt("verify", argc, argv, "qh", opts)) != -1) {
		if (opt == '?')
			return FX_EXIT_USAGE;
		if ((rc = vf_common_opt(&c, &io, opt, optarg)) != 0)
			return rc == 1 ? vf_usage_error("unknown option") : rc;
	}
	if (optind >= argc)
		return vf_usage_error("expected the image PATH (the first file of an E01, raw or split raw image)");
	vf_progress_start(&c);
	if (c.db_path && (rc = vf_db_open(&shared, c.db_path, &c, 0)) != 0)
		return rc;
	for (i = optind; i < argc && !fx_tool_signo(); i++) {
		rc = verify_path(argv[i], &c, &io, shared);
		if (rank(rc) > rank(worst))
			worst = rc;
	}
	fx_casedb_free(shared);
	return worst;
}
