/* The verify tool's shared parts: options common to every subcommand, the
 * case database opened the same way everywhere, and how results are
 * printed. Single-threaded. */
#ifndef FX_VERIFY_CLI_H
#define FX_VERIFY_CLI_H

#include <limits.h>
#include <stdio.h>

#include "tool.h"
#include "tool_anchor.h"

/* Options every subcommand understands. */
typedef struct vf_common {
	const char *db_path;       /* --db */
	const char *operator_name; /* --operator */
	const char *sign_key;      /* --sign-key */
	int json, quiet;
	int json_elsewhere;        /* --json printed by the caller (handoff) */
	int progress_given;        /* --progress was given ... */
	int progress;              /* ... as this enum fx_meter_mode */
	const char *command;       /* "image", "handoff", ... for messages */
} vf_common;

/* Options of the image verification (image, handoff). */
typedef struct vf_image_opts {
	unsigned hash_algs, threads;
	uint64_t block_size;
} vf_image_opts;

/* main.c */
int vf_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vf_usage(FILE *f);
/* Parses an option shared by the subcommands: 0 if handled, 1 if not one
 * of them, FX_EXIT_USAGE on a bad value. */
int vf_common_opt(vf_common *c, vf_image_opts *io, int opt, char *arg);
/* getopt_long table entries for vf_common_opt, and their ids. */
enum {
	OPT_DB = 256, OPT_OPERATOR, OPT_SIGN_KEY, OPT_JSON, OPT_HASH, OPT_THREADS,
	OPT_BLOCK, OPT_VERSION, OPT_CASE, OPT_TO, OPT_FROM, OPT_REASON,
	OPT_LOCATION, OPT_TRUSTED_KEY, OPT_REQUIRE_SIGNED, OPT_FORMAT,
	OPT_EVIDENCE, OPT_OUTPUT, OPT_PROGRESS, OPT_TSA, OPT_TSA_CA, OPT_TSA_CERT,
	OPT_ANCHOR, OPT_STATION
};
#define VF_COMMON_OPTIONS \
	{ "db", required_argument, NULL, OPT_DB }, \
	{ "station", required_argument, NULL, OPT_STATION }, \
	{ "operator", required_argument, NULL, OPT_OPERATOR }, \
	{ "sign-key", required_argument, NULL, OPT_SIGN_KEY }, \
	{ "json", no_argument, NULL, OPT_JSON }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, OPT_VERSION }
/* The audit chain's trust options, for audit and report alike. */
#define VF_AUDIT_OPTIONS \
	{ "trusted-key", required_argument, NULL, OPT_TRUSTED_KEY }, \
	{ "require-signed", no_argument, NULL, OPT_REQUIRE_SIGNED }
/* The time-stamp options (handoff, audit; audit also has --anchor). */
#define VF_TSA_OPTIONS \
	{ "tsa", required_argument, NULL, OPT_TSA }, \
	{ "tsa-ca", required_argument, NULL, OPT_TSA_CA }, \
	{ "tsa-cert", required_argument, NULL, OPT_TSA_CERT }
#define VF_IMAGE_OPTIONS \
	{ "hash", required_argument, NULL, OPT_HASH }, \
	{ "threads", required_argument, NULL, OPT_THREADS }, \
	{ "block-size", required_argument, NULL, OPT_BLOCK }, \
	{ "progress", required_argument, NULL, OPT_PROGRESS }

/* db.c */
/* Opens the case database at path for the subcommand: it must exist (a
 * verification never creates one). Prints why not and returns the exit
 * code (FX_EXIT_FAILURE), or 0. */
int vf_db_open(fx_casedb **out, const char *path, const vf_common *c,
	       int read_only);
/* The default database of an image: case.db in the directory of path. */

/* evidence.c: an EVIDENCE number through the case database. */
/* The id of evidence item evidence (of case_number, or the only one of
 * that number); says why not (naming command) and returns the exit code
 * (FX_EXIT_USAGE: no such item, or in several cases), or 0. */
int vf_find_evidence(int64_t *out, fx_casedb *db, const char *command,
		     const char *evidence, const char *case_number);
/* The latest finished acquisition with image files, as
 * fx_casedb_acquisition_list gives them (vf_acq_latest is the callback;
 * id 0: none). */
typedef struct vf_acq_pick {
	int64_t id;
	char path[PATH_MAX];
	char operator_name[256];
} vf_acq_pick;
int vf_acq_latest(const fx_casedb_acquisition_info *a, void *payload);
/* The recorded path of the image, or, when it is relative and not found
 * from here, the same name beside the database (where acquire keeps it). */
void vf_locate_image(char *path, size_t len, const char *db_path);

/* cmd_image.c */
int vf_cmd_image(int argc, char **argv);
/* Verifies path against db (may be NULL: no record), records the run when
 * there is something to record it against, prints the result. db_path
 * without db: the database there could not be opened (said); neither: there
 * is none. Returns the exit code; *out keeps the result for the caller when
 * out is not NULL. */
int vf_verify_one(const char *path, fx_casedb *db, const char *db_path,
		  const vf_common *c, const vf_image_opts *io,
		  int64_t acquisition_id, int64_t evidence_id,
		  fx_verify_result *out);
/* The exit code of a verdict. */
int vf_exit_code(int status);
/* The progress of image verifications (image, handoff, export;
 * --progress): the meter started as c asks, once the command line is
 * accepted. */
void vf_progress_start(const vf_common *c);
/* One image's verification on the meter (its reading, then its files
 * hashed from storage), set in vo; counted among the images checked. */
void vf_progress_image(fx_verify_options *vo, const char *path);
/* Ends that image's phases on the meter. */
void vf_progress_image_end(void);
/* The JSON progress's last line, with the command's exit code (nothing
 * when no meter was started or not in JSON). */
void vf_progress_done(int exit_code);

/* The audit chain's trust options as audit and report parse them: the
 * library's options and the --trusted-key list (a key ring: the option
 * may be given several times) they point to. */
typedef struct vf_trust {
	fx_casedb_audit_options ao;
	const char **keys;         /* --trusted-key, in the order given */
	size_t n_keys;
} vf_trust;

/* cmd_audit.c: parses a VF_AUDIT_OPTIONS option into t: 0 if handled,
 * 1 if not one of them, FX_EXIT_FAILURE out of memory (said). */
int vf_audit_opt(vf_trust *t, int opt, const char *arg);
/* Frees the list of t (not the strings: they are argv's). */
void vf_trust_free(vf_trust *t);

/* anchor.c: --tsa, --tsa-ca, --tsa-cert (and audit's --anchor) as parsed:
 * 0 if handled, 1 if opt is not one of them. */
typedef struct vf_anchor {
	fx_casedb_anchor_options o;
	int anchor;                /* --anchor */
} vf_anchor;
int vf_anchor_opt(vf_anchor *a, int opt, const char *arg);
/* Time-stamps db's head when --tsa was given (returns 1, *out filled;
 * 0 without --tsa) and says on stderr what came of it. Never fails the
 * command: a failed anchor is recorded by the library and said here. */
int vf_anchor_head(fx_casedb_anchor_info *out, const vf_anchor *a,
		   fx_casedb *db);

/* cmd_handoff.c, cmd_export.c, cmd_audit.c, cmd_list.c, cmd_report.c */
int vf_cmd_handoff(int argc, char **argv);
int vf_cmd_export(int argc, char **argv);
int vf_cmd_audit(int argc, char **argv);
int vf_cmd_list(int argc, char **argv);
int vf_cmd_report(int argc, char **argv);
int vf_cmd_ledger(int argc, char **argv);

/* output.c: unrecorded says why r was not recorded when it was not */
void vf_print_result(FILE *f, const fx_verify_result *r, const char *db_path,
		     const char *unrecorded);
void vf_print_json(FILE *f, const fx_verify_result *r);
/* As vf_print_json, with the audit chain's head of db (after the run was
 * recorded) as "audit_head" {seq, hash}, so that a copy of the output
 * anchors the chain; db NULL: as vf_print_json. */
void vf_print_json_head(FILE *f, const fx_verify_result *r, fx_casedb *db);
/* The person's summary of r as the options want it: on stdout, on stderr
 * with --json; with --quiet, only for an image that did not verify, and
 * never beside --json. */
void vf_print_summary(const vf_common *c, const fx_verify_result *r,
		      const char *db_path, const char *unrecorded);

#endif
