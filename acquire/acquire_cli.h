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
	const char *case_description; /* the case's; description: the item's */
	const char *operator_name, *db_path, *compression, *ewf_format;
	const char *command_line, *sign_key;
	/* resume (resume.c): --resume TARGET; bytes between checkpoints
	 * (--checkpoint, 0: none); the first option given that a resume
	 * takes from the record instead (refused) */
	int resume;
	uint64_t checkpoint_bytes;
	const char *resume_conflict;
} acq_options;

/* What a read-back came to: its verdict (fx_verdict: VERIFIED; MISMATCH:
 * re-read completely, a hash, the size or the source's unreadable sectors
 * differ; ERROR: could not be re-read (open, I/O, sectors); INTERRUPTED: a
 * signal stopped it, no verdict), or this when it did not run. The
 * image's is libforensic's verification's, which the case database
 * records. */
#define ACQ_VERIFY_SKIPPED 0

typedef struct acq_state {
	acq_options opt;
	/* TARGET without a typed extension; TARGET, SOURCE and --db made
	 * absolute (main.c resolve_paths): what opt's paths point to */
	char target_typed[PATH_MAX], target_abs[PATH_MAX];
	char source_abs[PATH_MAX], db_abs[PATH_MAX];
	fx_source *src;
	fx_acquire_result res;   /* the pipeline's, as it gave it */
	/* The run as recorded (log, database, --json, exit code): the
	 * pipeline's status and error, or FAILED with why when the run could
	 * not be completed or recorded (e.g. the log or TARGET.sha256 could
	 * not be written), or nothing read, flags restored. */
	fx_status status;
	char error[1024];
	fx_image_file *files;
	size_t nfiles;
	time_t start, end;
	char log_path[PATH_MAX], sha_path[PATH_MAX];
	FILE *log;
	/* verification after writing, as the log, stderr and --json say it:
	 * "passed", "FAILED: ...", "interrupted ...", "skipped"; the state of
	 * each says which */
	char verify_result[1024];
	char verify_source_result[1024];
	int verify_state, verify_source_state; /* fx_verdict, or SKIPPED */
	int mismatch;
	/* the image's verification (readback.c), recorded when it ran */
	int verify_ran;
	fx_verify_result verification;
	int files_line;          /* progress: the files' line is shown */
	/* why image files have no SHA-256 (the log's text for them) */
	char files_unhashed[1100];
	/* TARGET.sha256: its path when written, else why not (the log's) */
	char sha256_note[PATH_MAX + 1200];
	/* case database */
	fx_casedb *db;
	int64_t acq_id;
	int64_t evidence_id;     /* the acquisition's evidence item; 0: not known */
	char db_default[PATH_MAX];
	const char *case_number, *evidence_number;
	char evidence_default[256];
	/* resume (resume.c): the source's marks (first and last MiB); the
	 * checkpoint a resume starts from and the image prefix it re-reads;
	 * checkpoints recorded; a run left resumable keeps its row running */
	char src_head[65], src_tail[65];
	fx_casedb_checkpoint_info *ckpt;
	fx_casedb_acquisition_info *rec; /* the record resumed (options) */
	fx_source *prefix;
	uint64_t resumed_from, last_checkpoint;
	unsigned checkpoints;
	int checkpoint_failed, left_running, marks_read;
	char rec_format[16], rec_compression[16], rec_ewf_format[16];
} acq_state;

/* main.c */
/* The pipeline's options from the tool's (progress and cancel not set). */
void acq_pipeline_options(const acq_options *o, fx_acquire_options *out);

/* progress.c: the progress line of each phase, on stderr when it is a
 * terminal and not --quiet */
void acq_progress_hook(const acq_state *st, fx_acquire_options *ao,
		       const char *label);
/* The image's read-back: the media's line, then, while the hashing of
 * image files from storage outlasts it, the files' line. */
void acq_progress_verify_hook(acq_state *st, fx_verify_options *vo);

/* readback.c: the checks after writing (the image through libforensic's
 * verification, the source re-read), their words in st */
void acq_verify_outputs(acq_state *st);

/* record.c */
int acq_log_begin(acq_state *st);
int acq_log_finish(acq_state *st);
int acq_write_sha256(acq_state *st);
void acq_print_json(const acq_state *st, FILE *f);

/* run.c */
int acq_open_source(acq_state *st);

/* resume.c */
/* --resume: the record's acquisition, source, options and image reopened
 * at its last checkpoint, the resume recorded and logged; 0 or the exit
 * code (said why on stderr). */
int acq_resume_begin(acq_state *st, fx_sink **sink);
/* The pipeline's checkpoint and resume options for this run. */
void acq_resume_options(acq_state *st, fx_acquire_options *ao);
/* After the pipeline: a raw run that stopped (signal, vanished source)
 * with bytes on storage is left resumable: its last checkpoint recorded,
 * its row left running. */
void acq_resume_settle(acq_state *st);

/* record_db.c */
void acq_default_db(acq_state *st);
/* "raw", "split-raw" or "e01", as the case database records the format */
const char *acq_format_name(const acq_options *o);
/* How the run ended, as its record in the case database (arrays borrowed
 * from st; no end time) */
void acq_record_result(const acq_state *st, fx_casedb_result *out);
/* 0, or the exit code (said why on stderr) */
int acq_db_begin(acq_state *st);
int acq_db_finish(acq_state *st);
int acq_db_verification(acq_state *st);

#endif
