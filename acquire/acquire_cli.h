/* The acquire tool's state, shared by its parts: options as typed, the
 * source, the run's result and the files it wrote. Single-threaded. */
#ifndef FX_ACQUIRE_CLI_H
#define FX_ACQUIRE_CLI_H

#include <limits.h>
#include <time.h>

#include "tool.h"

#define ACQ_MAX_FILES 100000

typedef struct acq_options {
	const char *source, *target, *format;
	uint64_t segment_size, block_size, hash_window;
	unsigned retries, hash_algs, threads;
	int verify, verify_source, write_block, allow_mounted, quiet, json;
	const char *case_number, *evidence, *examiner, *description, *notes;
	const char *operator_name, *db_path, *compression, *ewf_format;
	const char *command_line, *sign_key;
} acq_options;

typedef struct acq_state {
	acq_options opt;
	fx_source *src;
	fx_acquire_result res;
	fx_image_file *files;
	size_t nfiles;
	time_t start, end;
	char log_path[PATH_MAX], sha_path[PATH_MAX];
	FILE *log;
	/* verification after writing: "passed", "FAILED: ...", "skipped" */
	char verify_result[1024];
	char verify_source_result[1024];
	int mismatch;
	int verify_ran;
	/* why image files have no SHA-256 (the log's text for them) */
	char files_unhashed[1100];
	/* TARGET.sha256: its path when written, else why not (the log's) */
	char sha256_note[PATH_MAX + 1200];
	fx_digests verify_digests;
	/* case database */
	fx_casedb *db;
	int64_t acq_id;
	char db_default[PATH_MAX];
	const char *case_number, *evidence_number;
	char evidence_default[256];
} acq_state;

/* record.c */
int acq_log_begin(acq_state *st);
int acq_log_finish(acq_state *st);
int acq_write_sha256(acq_state *st);
void acq_print_json(const acq_state *st, FILE *f);

/* record_db.c */
void acq_default_db(acq_state *st);
int acq_db_begin(acq_state *st);
int acq_db_finish(acq_state *st);
int acq_db_verification(acq_state *st);

#endif
