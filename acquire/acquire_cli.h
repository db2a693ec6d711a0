/* The acquire tool's state, shared by its parts: options as typed, the
 * source, the run's result and the files it wrote. Single-threaded. */
#ifndef FX_ACQUIRE_CLI_H
#define FX_ACQUIRE_CLI_H

#include <limits.h>
#include <time.h>

#include "tool.h"
#include "tool_anchor.h"

#define ACQ_MAX_FILES 100000
/* --copy: further destinations besides TARGET (FX_ACQUIRE_MAX_COPIES) */
#define ACQ_MAX_COPIES 3

typedef struct acq_options {
	const char *source, *target, *format;
	uint64_t segment_size, block_size, hash_window;
	unsigned retries, hash_algs, threads;
	int verify, verify_source, write_block, allow_mounted, quiet, json;
	const char *case_number, *evidence, *examiner, *description, *notes;
	const char *case_description; /* the case's; description: the item's */
	const char *operator_name, *db_path, *compression, *ewf_format;
	const char *command_line, *sign_key;
	const char *station;       /* --station (NULL: $FX_STATION or none) */
	const char *source_format; /* --source-format as typed (NULL: raw) */
	const char *tsa_url, *tsa_ca, *tsa_cert; /* --tsa, --tsa-ca, --tsa-cert */
	int sparse;          /* --sparse: raw zero runs left as holes */
	int progress;            /* --progress: enum fx_meter_mode; -1: not given */
	/* --copy TARGET2, in the order given, each with the --copy-format
	 * that follows it (NULL: as TARGET) */
	const char *copy_target[ACQ_MAX_COPIES], *copy_format[ACQ_MAX_COPIES];
	unsigned ncopies;
	/* stream.c: SOURCE "-" is standard input, of --size bytes (0: not
	 * known in advance); --to-stream sends SOURCE as a framed stream to
	 * standard output; --from-stream reads one from SOURCE ("-" or a
	 * file) */
	uint64_t size;
	int to_stream, from_stream;
	const char *stream_key;  /* --stream-key FILE: the HMAC key's file */
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

/* One --copy (copies.c): a further destination written from the same
 * buffers as TARGET, with its own files, TARGET2.sha256 and read-back. */
typedef struct acq_copy {
	const char *target;      /* absolute, without a typed extension */
	const char *format;      /* its writer: "raw" or "e01" */
	uint64_t segment_size;   /* raw: 0 is one file; e01: 0 the default */
	char typed[PATH_MAX], abs[PATH_MAX], sha_path[PATH_MAX];
	fx_sink *sink;
	/* how it ended: the pipeline's result for it, then acquire's
	 * (a TARGET2.sha256 that cannot be written fails it) */
	fx_status status;
	uint64_t bytes;          /* bytes of media it holds */
	uint64_t failed_at;      /* UINT64_MAX unless it failed */
	char error[1024];
	fx_image_file *files;
	size_t nfiles;
	char verify_result[1024];
	int verify_state, verify_ran; /* as acq_state's */
	fx_verify_result verification;
	char files_unhashed[1100];
	char sha256_note[PATH_MAX + 1200];
} acq_copy;

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
	/* virtual disks (vdisk.c): the format the source is read as
	 * (fx_vdisk_format), its container files hashed, and the note when a
	 * file imaged as raw looks like a container */
	int source_format;
	fx_container_file *containers;
	size_t ncontainers;
	char source_note[PATH_MAX + 300];
	/* the audit chain's head after the end was recorded (head_read: it
	 * was read), and its time-stamp with --tsa (anchor_ran) */
	int head_read, anchor_ran;
	fx_casedb_audit_head head;
	fx_casedb_anchor_info anchor;
	/* --copy destinations, in order (copy 1 is copies[0]) */
	acq_copy copies[ACQ_MAX_COPIES];
	unsigned ncopies;
	/* TARGET's own destination failed while a copy holds every byte */
	int target_failed;
	int stream_fd;           /* --from-stream FILE: its descriptor, else -1 */
	/* resume (resume.c): the source's marks (first and last MiB); the
	 * checkpoint a resume starts from and the image prefix it re-reads;
	 * checkpoints recorded; a run left resumable keeps its row running */
	char src_head[65], src_tail[65];
	fx_casedb_checkpoint_info *ckpt;
	fx_casedb_acquisition_info *rec; /* the record resumed (options) */
	fx_source *prefix;
	uint64_t resumed_from, last_checkpoint;
	uint64_t e01_kept;      /* an E01 resume: libewf's resume point */
	unsigned checkpoints;
	int checkpoint_failed, left_running, marks_read;
	char rec_format[16], rec_compression[16], rec_ewf_format[16];
} acq_state;

/* main.c */
/* The pipeline's options from the tool's (progress and cancel not set). */
void acq_pipeline_options(const acq_options *o, fx_acquire_options *out);

/* progress.c: the progress of each phase on stderr (--progress; by
 * default the text line on a terminal, not with --quiet) */
void acq_progress_start(const acq_options *o);
/* A pass over a source begins: phase name (JSON), label (text), bytes. */
void acq_progress_hook(fx_acquire_options *ao, const char *name,
		       const char *label, uint64_t total);
/* A resume's progress (instead of acq_progress_hook): the phase
 * "resuming" while the image's first checkpoint bytes are re-read, then
 * "reading" from the checkpoint to total (docs/progress.md). */
void acq_progress_resume_hook(fx_acquire_options *ao, uint64_t checkpoint,
			      uint64_t total);
/* The image's read-back ("verifying", total bytes), then the hashing of
 * its E01 segments from storage ("hashing-segments"). */
/* With copies: the progress names each destination (the library knows
 * them by position: TARGET, then the --copy targets in order). */
void acq_progress_name_copies(fx_acquire_options *ao, const acq_state *st);
void acq_progress_verify_hook(fx_verify_options *vo, uint64_t total);
/* The segments of a failed run, hashed as left ("hashing-segments"). */
void acq_progress_files(size_t done, size_t total, uint64_t bytes_done,
			uint64_t bytes_total, double elapsed_s);
/* The run's last line (JSON): how it ended, with its exit code. */
void acq_progress_done(const acq_state *st, int exit_code);

/* readback.c: the checks after writing (the image through libforensic's
 * verification, the source re-read), their words in st */
void acq_verify_outputs(acq_state *st);

/* record.c */
int acq_log_begin(acq_state *st);
int acq_log_finish(acq_state *st);
int acq_write_sha256(acq_state *st);
void acq_print_json(const acq_state *st, FILE *f);

/* copies.c */
/* --copy-format's words and counts (before anything is opened): 0 or the
 * exit code (said why on stderr) */
int acq_copies_check_options(const acq_options *o);
/* Whether a copy is written as E01 */
int acq_copies_any_e01(const acq_options *o);
/* The writer of copy i (0-based): its --copy-format's (raw: one file; split-raw: raw in
 * --segment-size files; e01), or, without one, TARGET's format and
 * segment size. */
void acq_copy_writer(const acq_options *o, unsigned i, const char **format,
		     uint64_t *segment_size);
/* What the pipeline's result says of each destination (after the run). */
int acq_copies_take_results(acq_state *st);
/* Each copy's read-back, TARGET2.sha256 and verification record. */
void acq_copies_conclude(acq_state *st);
/* Each copy's read-back recorded as a verification of the acquisition,
 * and the copies' image sets: 0, or -1 (said on stderr). */
int acq_copies_db(acq_state *st);
void acq_copies_log_params(FILE *f, const acq_state *st);
void acq_copies_log_result(FILE *f, const acq_state *st);
void acq_copies_json(fx_json *j, const acq_state *st);
void acq_copies_report(const acq_state *st);
/* Whether a copy failed (exit 4) or did not verify (exit 1). */
int acq_copies_failed(const acq_state *st);
int acq_copies_mismatch(const acq_state *st);
void acq_copies_free(acq_state *st);
/* stream.c: sources that are streams (acquire - TARGET, --from-stream)
 * and the sending end (--to-stream) */
/* Whether SOURCE is read as a stream (standard input or --from-stream). */
int acq_source_is_stream(const acq_options *o);
/* The stream options' rules, before anything is opened: 0 or the exit
 * code (said why on stderr). */
int acq_stream_check_options(const acq_options *o);
/* Opens the stream SOURCE as st->src: 0, or the exit code (said). */
int acq_stream_open(acq_state *st);
/* acquire --to-stream SOURCE: the whole run; returns the exit code. */
int acq_to_stream(acq_state *st);
/* The log's lines of a stream source, at the start and in the Result. */
void acq_stream_log_source(FILE *f, const acq_state *st);
void acq_stream_log_result(FILE *f, const acq_state *st);
/* --json's and the recorded parameters' members of a stream source
 * (nothing for other sources). */
void acq_stream_json(fx_json *j, const acq_state *st);
/* Exit code of a failed run: 1 when what arrived failed its check
 * (a frame's checksum, the sender's digests), else 4. */
int acq_stream_failed_exit(const acq_state *st);

/* run.c: what a run leaves on a write-blocked source (restores the flags
 * of a source never read); a second call does nothing */
void acq_settle_source(acq_state *st);

/* run.c */
int acq_open_source(acq_state *st);
/* The E01 writer's options for this source and segment size. */
void acq_e01_options(const acq_state *st, uint64_t segment_size,
		     fx_e01_options *out);

/* resume.c */
/* --resume: the record's acquisition, source, options and image reopened
 * at its last checkpoint, the resume recorded and logged; 0 or the exit
 * code (said why on stderr). */
int acq_resume_begin(acq_state *st, fx_sink **sink);
/* The pipeline's checkpoint and resume options for this run. */
void acq_resume_options(acq_state *st, fx_acquire_options *ao);
/* After the pipeline: a raw or E01 run that stopped (signal, vanished source)
 * with bytes on storage is left resumable: its last checkpoint recorded,
 * its row left running. */
void acq_resume_settle(acq_state *st);

/* record_db.c */
void acq_default_db(acq_state *st);
/* "raw", "split-raw" or "e01", as the case database records the format
 * (an .iso is a raw image of one file: "raw") */
const char *acq_format_name(const acq_options *o);
/* How the run ended, as its record in the case database (arrays borrowed
 * from st; no end time) */
void acq_record_result(const acq_state *st, fx_casedb_result *out);
/* 0, or the exit code (said why on stderr) */
int acq_db_begin(acq_state *st);
int acq_db_finish(acq_state *st);
int acq_db_verification(acq_state *st);
/* Reads the chain's head and, with --tsa, time-stamps it; a TSA that
 * fails is recorded and said, never changes the exit code. */
void acq_db_anchor(acq_state *st);

/* vdisk.c: 0, or the exit code (said why on stderr) */
int acq_vdisk_note_raw(acq_state *st);
int acq_vdisk_hash(acq_state *st);
/* After reading: a container file that changed fails the run */
void acq_vdisk_check(acq_state *st);
void acq_vdisk_log(const acq_state *st, FILE *f);
void acq_vdisk_json(const acq_state *st, fx_json *j);

#endif
