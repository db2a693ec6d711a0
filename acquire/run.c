/*
 * The order of an acquisition: every check that can refuse comes before
 * the first byte is read (source, destination, existing files); the log's
 * first half is on disk before reading starts; the image is verified from
 * storage (readback.c) before the log is completed; the exit code says
 * what happened.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "acquire_cli.h"
#include "escape.h"

int acq_main(acq_state *st);

/* True if name is one of ours for target base: base.raw, base.iso,
 * base.log, base.sha256, base.NNN (digits), base.Exx / base.exx (E01 segments). */
static int is_output_name(const char *name, const char *base)
{
	size_t blen = strlen(base);
	const char *ext;

	if (strncmp(name, base, blen) != 0 || name[blen] != '.')
		return 0;
	ext = name + blen + 1;
	if (!strcmp(ext, "raw") || !strcmp(ext, "log") || !strcmp(ext, "sha256") ||
	    !strcmp(ext, "iso"))
		return 1;
	if (strspn(ext, "0123456789") == strlen(ext) && strlen(ext) >= 3)
		return 1;
	return (ext[0] == 'E' || ext[0] == 'e') && strlen(ext) == 3;
}

/*
 * Refuses, before anything is written, when the destination directory is
 * unusable or a file of the target's name family is already there (an
 * earlier image of the same name is evidence too, even at names this run
 * would not reach); then checks every name the raw writer's own naming
 * reaches for this source (the E01 writer checks its set, up to .ZZZ, when
 * it is created). Files are created O_EXCL|O_NOFOLLOW anyway: this makes
 * the refusal come before the log and the database record.
 */
/* A destination as the refusals see it: TARGET or a copy. */
typedef struct dest_names dest_names;
static int check_e01_names(const acq_state *st, const dest_names *dn);

struct dest_names {
	const char *target, *format, *log_path, *sha_path;
	uint64_t segment_size;
};

static int refuse_existing_at(const acq_state *st, const dest_names *dn)
{
	char buf[PATH_MAX], base[PATH_MAX], dir[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int found = 0;

	snprintf(buf, sizeof(buf), "%s", dn->target);
	snprintf(base, sizeof(base), "%s", basename(buf));
	snprintf(buf, sizeof(buf), "%s", dn->target);
	snprintf(dir, sizeof(dir), "%s", dirname(buf));
	if (!(d = opendir(dir))) {
		fprintf(stderr, "acquire: destination directory %s: %s\n",
			fx_tool_escape(dir), strerror(errno));
		return FX_EXIT_USAGE;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "acquire: destination directory %s is not writable: %s\n",
			fx_tool_escape(dir), strerror(errno));
		closedir(d);
		return FX_EXIT_FAILURE;
	}
	while (!found && (de = readdir(d)) != NULL)
		if (is_output_name(de->d_name, base)) {
			/* the library's wording, which also says "a link" */
			char path[PATH_MAX + 256];

			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (fx_evidence_path_check(path) != 0)
				fprintf(stderr, "acquire: %s\n",
					fx_tool_escape(fx_error_last()));
			found = 1;
		}
	closedir(d);
	if (found)
		return FX_EXIT_USAGE;
	snprintf(buf, sizeof(buf), "%s.iso", dn->target);
	if ((dn->log_path && fx_evidence_path_check(dn->log_path) != 0) ||
	    fx_evidence_path_check(dn->sha_path) != 0 ||
	    (strcmp(dn->format, "iso") == 0 &&
	     fx_evidence_path_check(buf) != 0) ||
	    (strcmp(dn->format, "raw") == 0 &&
	     fx_raw_check_names(dn->target, dn->segment_size,
				fx_source_get_info(st->src)->size) != 0) ||
	    (strcmp(dn->format, "e01") == 0 && check_e01_names(st, dn) != 0)) {
		fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
		return fx_error_last_code() == FX_EEXISTS ? FX_EXIT_USAGE
							  : FX_EXIT_FAILURE;
	}
	return 0;
}

static int make_sink_at(acq_state *st, fx_sink **out, const char *target,
			const char *format, uint64_t segment_size);

/* An E01 destination of a source with a partial last sector is refused by
 * its writer before it creates anything: asked here, before any other
 * destination's writer has created a file. */
static int refuse_partial_sector(acq_state *st)
{
	const fx_source_info *in = fx_source_get_info(st->src);
	fx_sink *none = NULL;
	unsigned i;
	int rc = 0;

	if (in->size % in->logical_sector_size == 0)
		return 0;
	if (strcmp(st->opt.format, "e01") == 0)
		rc = make_sink_at(st, &none, st->opt.target, "e01",
				  st->opt.segment_size);
	for (i = 0; !rc && i < st->ncopies; i++)
		if (strcmp(st->copies[i].format, "e01") == 0)
			rc = make_sink_at(st, &none, st->copies[i].target,
					  "e01", st->copies[i].segment_size);
	fx_sink_free(none); /* never: the writer refuses this size */
	return rc;
}

/* Every destination, TARGET and each copy, before any file is created:
 * one that is refused leaves no file of another behind. */
static int refuse_existing(acq_state *st)
{
	dest_names dn = { st->opt.target, st->opt.format, st->log_path,
			  st->sha_path, st->opt.segment_size };
	unsigned i;
	int rc = refuse_partial_sector(st);

	rc = rc ? rc : refuse_existing_at(st, &dn);
	for (i = 0; !rc && i < st->ncopies; i++) {
		const acq_copy *c = &st->copies[i];
		dest_names cn = { c->target, c->format, NULL, c->sha_path,
				  c->segment_size };

		rc = refuse_existing_at(st, &cn);
	}
	return rc;
}

/* The options whose rule depends on the source's sector size, checked as
 * soon as it is known: before the log, the database or the image exist. */
static int check_sector_size(acq_state *st)
{
	fx_acquire_options ao;

	acq_pipeline_options(&st->opt, &ao);
	return fx_acquire_options_check(&ao, fx_source_get_info(st->src)->logical_sector_size);
}

/*
 * What the options ask of the source or the destination, known once both
 * are: an .iso holds whole 2048-byte sectors; --sparse needs a file
 * system that keeps holes (probed with a file nobody sees) under TARGET
 * and under each raw copy. Before the
 * log, the database or the image exist.
 */
static int sparse_refused(void)
{
	fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
	return fx_error_last_code() == FX_EUSAGE ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
}

static int check_destination(const acq_state *st)
{
	const fx_source_info *in = fx_source_get_info(st->src);
	unsigned i;

	if (strcmp(st->opt.format, "iso") == 0 && in->size % 2048) {
		fprintf(stderr,
			"acquire: source %s: %llu bytes is not a whole number of 2048-byte sectors, as an .iso image holds; --format raw keeps every byte\n",
			fx_tool_escape(st->opt.source), (unsigned long long)in->size);
		return FX_EXIT_USAGE;
	}
	if (st->opt.sparse && fx_raw_sparse_check(st->opt.target) != 0)
		return sparse_refused();
	/* a raw copy is sparse too, and may be on another file system */
	for (i = 0; st->opt.sparse && i < st->ncopies; i++)
		if (strcmp(st->copies[i].format, "e01") != 0 &&
		    fx_raw_sparse_check(st->copies[i].target) != 0)
			return sparse_refused();
	return 0;
}

/*
 * A virtual disk (--source-format) is opened with every file of its set;
 * the file named is checked first, as any source is (missing: exit 2), a
 * missing extent or parent, or a damaged container, is a failure of the
 * evidence (exit 4), a format that is not the file's a usage error.
 */
int acq_open_source(acq_state *st)
{
	fx_source_options so = FX_SOURCE_OPTIONS_INIT;
	const char *dest[3 + ACQ_MAX_COPIES] = { st->opt.target };
	struct stat sb;
	unsigned i;
	int rc, virt;

	for (i = 0; i < st->ncopies; i++) /* a copy on the source disk too */
		dest[1 + i] = st->copies[i].target;
	/* a ledger on a server is no file on the source */
	if (!fx_casedb_location_is_uri(st->opt.db_path))
		dest[1 + st->ncopies] = st->opt.db_path;

	if (acq_source_is_stream(&st->opt)) {
		if ((rc = acq_stream_open(st)) != 0)
			return rc;
		if (check_sector_size(st) == 0)
			return 0;
		fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
		return FX_EXIT_USAGE;
	}

	so.write_block = st->opt.write_block;
	so.allow_mounted = st->opt.allow_mounted;
	so.destinations = dest; /* refused before the write-block */
	if (st->opt.source_format)
		fx_vdisk_format_parse(&st->source_format, st->opt.source_format);
	virt = st->source_format != FX_VDISK_RAW && stat(st->opt.source, &sb) == 0;
	rc = virt ? fx_source_open_virtual(&st->src, st->opt.source,
					   st->source_format, &so)
		  : fx_source_open(&st->src, st->opt.source, &so);
	if (rc == 0)
		rc = check_sector_size(st);
	if (rc == 0)
		return acq_vdisk_note_raw(st);
	fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
	if (virt)
		return rc == FX_EUSAGE ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
	return rc == FX_EUSAGE || rc == FX_EBUSY || rc == FX_ENOTFOUND
		? FX_EXIT_USAGE : FX_EXIT_FAILURE;
}

/* The E01 writer's options for this source and segment size. */
void acq_e01_options(const acq_state *st, uint64_t segment_size,
		     fx_e01_options *out)
{
	const fx_source_info *in = fx_source_get_info(st->src);
	fx_e01_options eo = FX_E01_OPTIONS_INIT;
	static char software[64], os[300];
	struct utsname u;

	snprintf(software, sizeof(software), "libforensic acquire %s", fx_version());
	if (uname(&u) == 0)
		snprintf(os, sizeof(os), "%s %s", u.sysname, u.release);
	eo.ewf_format = st->opt.ewf_format;
	eo.compression = st->opt.compression;
	eo.threads = st->opt.threads;
	eo.segment_size = segment_size;
	eo.media_size = in->size;
	eo.bytes_per_sector = in->logical_sector_size;
	eo.media_type = in->optical == 1 ? FX_E01_OPTICAL
			: in->removable == 1 ? FX_E01_REMOVABLE : FX_E01_FIXED;
	/* a disk, no partition (a stream's is the sender's device) */
	eo.physical = in->kind == FX_SOURCE_DEVICE ||
		      (in->kind == FX_SOURCE_STREAM && in->is_block_device == 1 &&
		       in->is_partition == 0);
	eo.case_number = st->case_number;
	eo.evidence_number = st->evidence_number;
	eo.examiner = st->opt.examiner;
	eo.description = st->opt.description;
	eo.notes = st->opt.notes;
	eo.model = in->model;
	eo.serial = in->serial;
	eo.software = software;
	eo.os = os;
	*out = eo;
}

static int check_e01_names(const acq_state *st, const dest_names *dn)
{
	fx_e01_options eo;

	acq_e01_options(st, dn->segment_size, &eo);
	return fx_e01_check_names(dn->target, &eo);
}

static int make_sink_at(acq_state *st, fx_sink **out, const char *target,
			const char *format, uint64_t segment_size)
{
	const fx_source_info *in = fx_source_get_info(st->src);
	fx_e01_options eo;
	int rc;

	if (strcmp(format, "e01") != 0) { /* raw or iso */
		fx_raw_options ro = FX_RAW_OPTIONS_INIT;

		ro.segment_size = segment_size;
		ro.sparse = st->opt.sparse;
		ro.iso = strcmp(format, "iso") == 0;
		rc = fx_sink_raw_open(out, target, &ro);
	} else {
		acq_e01_options(st, segment_size, &eo);
		rc = fx_sink_e01_new(out, target, &eo);
	}
	if (rc == 0)
		return 0;
	if (rc == FX_EUSAGE && in->size % in->logical_sector_size)
		fprintf(stderr, "acquire: source %s: %s\n", fx_tool_escape(st->opt.source),
			fx_tool_escape(fx_error_last())); /* a partial last sector */
	else
		fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
	return rc == FX_EUSAGE || rc == FX_EEXISTS ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
}

/* TARGET's writer, then each copy's. */
static int make_sinks(acq_state *st, fx_sink **out)
{
	unsigned i;
	int rc = make_sink_at(st, out, st->opt.target, st->opt.format,
			      st->opt.segment_size);

	for (i = 0; !rc && i < st->ncopies; i++) {
		acq_copy *c = &st->copies[i];

		rc = make_sink_at(st, &c->sink, c->target, c->format,
				  c->segment_size);
	}
	return rc;
}

static int exit_code(const acq_state *st)
{
	switch (st->status) {
	case FX_STATUS_INTERRUPTED:
		return fx_tool_signo() == SIGTERM ? FX_EXIT_SIGTERM : FX_EXIT_SIGINT;
	case FX_STATUS_FAILED:
		return acq_stream_failed_exit(st);
	default:
		break;
	}
	/* a copy that failed fails the run, whatever the others did */
	if (acq_copies_failed(st))
		return FX_EXIT_FAILURE;
	/* a read-back cut short by a signal is no verdict either way */
	if (st->verify_state == FX_VERDICT_INTERRUPTED ||
	    st->verify_source_state == FX_VERDICT_INTERRUPTED)
		return fx_tool_signo() == SIGTERM ? FX_EXIT_SIGTERM : FX_EXIT_SIGINT;
	if (st->mismatch || acq_copies_mismatch(st))
		return FX_EXIT_EVIDENCE;
	return st->status == FX_STATUS_COMPLETED_WITH_ERRORS ? FX_EXIT_BAD_SECTORS
							      : FX_EXIT_OK;
}

static int collect_files(acq_state *st, fx_sink *sink)
{
	size_t n = fx_sink_files(sink, NULL, 0);

	st->files = calloc(n ? n : 1, sizeof(*st->files));
	if (!st->files)
		return -1;
	st->nfiles = fx_sink_files(sink, st->files, n);
	return 0;
}

/* Whether a read-back ran and did not pass (its result says how). */
static int verify_not_passed(int state)
{
	return state != ACQ_VERIFY_SKIPPED && state != FX_VERDICT_VERIFIED;
}

static void report(const acq_state *st)
{
	const fx_acquire_result *r = &st->res;

	if (st->status == FX_STATUS_INTERRUPTED)
		fprintf(stderr, "acquire: interrupted by %s after %llu of %llu bytes; the image is incomplete (log %s)\n",
			fx_tool_signo() == SIGTERM ? "SIGTERM" : "SIGINT",
			(unsigned long long)r->bytes, (unsigned long long)r->size,
			fx_tool_escape(st->log_path));
	else if (st->status == FX_STATUS_FAILED)
		fprintf(stderr, "acquire: failed: %s (%llu of %llu bytes acquired; log %s)\n",
			fx_tool_escape(st->error), (unsigned long long)r->bytes,
			(unsigned long long)r->size, fx_tool_escape(st->log_path));
	/* the results say "FAILED: why" or "interrupted by ..." themselves */
	if (verify_not_passed(st->verify_state))
		fprintf(stderr, "acquire: verification of the image %s\n",
			fx_tool_escape(st->verify_result));
	if (verify_not_passed(st->verify_source_state))
		fprintf(stderr, "acquire: verification of the source %s\n",
			fx_tool_escape(st->verify_source_result));
	if (st->left_running)
		fprintf(stderr, "acquire: resumable from byte %llu: acquire --resume %s\n",
			(unsigned long long)st->last_checkpoint, fx_tool_escape(st->opt.target));
	if (r->nbad)
		fprintf(stderr, "acquire: %llu unreadable sectors in %zu range(s), zero-filled (see %s)\n",
			(unsigned long long)r->bad_sectors, r->nbad,
			fx_tool_escape(st->log_path));
	if (st->anchor_ran && !st->anchor.stamped)
		fprintf(stderr, "acquire: audit chain head (event %lld) NOT "
			"time-stamped: %s (recorded; log %s)\n",
			(long long)st->anchor.seq,
			fx_tool_escape(st->anchor.error),
			fx_tool_escape(st->log_path));
	acq_copies_report(st);
	if (st->opt.json)
		acq_print_json(st, stdout);
	else if (!st->opt.quiet && fx_meter_mode() != FX_METER_JSON &&
		 (st->status == FX_STATUS_COMPLETED ||
		  st->status == FX_STATUS_COMPLETED_WITH_ERRORS))
		fprintf(stderr, "acquire: %s, %llu bytes, MD5 %s, SHA-256 %s\n",
			fx_status_name(st->status), (unsigned long long)r->bytes,
			r->digests.md5[0] ? r->digests.md5 : "-",
			r->digests.sha256[0] ? r->digests.sha256 : "-");
}

static int run_pipeline(acq_state *st, fx_sink *sink)
{
	fx_sink *copies[ACQ_MAX_COPIES];
	fx_acquire_options ao;
	unsigned i;
	int rc;

	acq_pipeline_options(&st->opt, &ao);
	ao.cancel = &fx_tool_signal;
	for (i = 0; i < st->ncopies; i++)
		copies[i] = st->copies[i].sink;
	ao.copies = copies;
	ao.ncopies = st->ncopies;
	acq_resume_options(st, &ao);
	/* a resume re-reads the image's prefix first (phase resuming); a
	 * stream's size of 0: not known in advance */
	if (ao.resume_offset)
		acq_progress_resume_hook(&ao, ao.resume_offset,
					 fx_source_get_info(st->src)->size);
	else
		acq_progress_hook(&ao, "reading", "acquire: reading: ",
				  fx_source_get_info(st->src)->size ? fx_source_get_info(st->src)->size
								    : FX_METER_UNKNOWN);
	acq_progress_name_copies(&ao, st);
	rc = fx_acquire_run(&st->res, st->src, sink, &ao);
	fx_meter_end();
	if (rc != 0) {
		fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
		return rc == FX_EUSAGE ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
	}
	st->status = st->res.status; /* the run as recorded, from here on */
	snprintf(st->error, sizeof(st->error), "%s",
		 st->res.error ? st->res.error : "");
	acq_resume_settle(st);
	return acq_copies_take_results(st);
}

/* Case and evidence numbers: as given, else "unassigned" and the target's
 * name, so that every acquisition has its place in the database. */
static void name_evidence(acq_state *st)
{
	char buf[PATH_MAX];

	st->case_number = st->opt.case_number ? st->opt.case_number : "unassigned";
	snprintf(buf, sizeof(buf), "%s", st->opt.target);
	snprintf(st->evidence_default, sizeof(st->evidence_default), "%s", basename(buf));
	st->evidence_number = st->opt.evidence ? st->opt.evidence : st->evidence_default;
}

/*
 * What a run leaves on a write-blocked source (acquire(1), WRITE-BLOCK).
 * Once reading has started the flags stay set, whatever the outcome: the
 * evidence stays protected until it is detached, and the log records that
 * state ("Read-only at end"). A run that ends before its first read (a
 * refusal, a failure, a signal) gives the device back as it found it: the
 * flags it set are cleared, those found set stay set, and stderr and the
 * log say which. Called before anything records the end; a second call
 * does nothing.
 */
void acq_settle_source(acq_state *st)
{
	const fx_source_info *in;

	if (!st->src)
		return;
	in = fx_source_get_info(st->src);
	if (in->read_started || in->ro_restored[0]) {
		fx_source_refresh_state(st->src);
		return;
	}
	if (fx_source_restore_write_block(st->src) != 0)
		fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
	if (!in->ro_restored[0])
		return;
	fprintf(stderr, "acquire: read-only flags restored (nothing was read from %s): %s%s%s\n",
		fx_tool_escape(in->path), in->ro_restored,
		in->ro_kept[0] ? "; already read-only before the run, left set: " : "",
		in->ro_kept);
	/* the case database's record of the run says so too */
	if (st->status == FX_STATUS_FAILED || st->status == FX_STATUS_INTERRUPTED) {
		size_t len = strlen(st->error);

		snprintf(st->error + len, sizeof(st->error) - len,
			 "%snothing was read; read-only flags restored: %.300s",
			 len ? "; " : "", in->ro_restored);
	}
}

/* Records the end everywhere: sha256 file, verification, log, database. */
static int conclude(acq_state *st, fx_sink *sink)
{
	int db_ok;

	st->end = time(NULL);
	acq_settle_source(st);
	acq_vdisk_check(st);
	if (collect_files(st, sink) != 0)
		st->status = FX_STATUS_FAILED;
	acq_verify_outputs(st);
	if (acq_write_sha256(st) != 0) { /* decides whether, and says why not */
		st->status = FX_STATUS_FAILED;
		snprintf(st->error, sizeof(st->error), "cannot write %.900s",
			 st->sha_path);
	}
	acq_copies_conclude(st);
	db_ok = acq_db_finish(st) == 0 && acq_db_verification(st) == 0 &&
		acq_copies_db(st) == 0;
	if (!db_ok && st->status != FX_STATUS_INTERRUPTED) {
		st->status = FX_STATUS_FAILED;
		snprintf(st->error, sizeof(st->error),
			 "the case database %.900s could not record the result",
			 st->opt.db_path);
	}
	if (db_ok)
		acq_db_anchor(st);
	if (acq_log_finish(st) != 0 && st->status != FX_STATUS_INTERRUPTED)
		st->status = FX_STATUS_FAILED;
	report(st);
	return exit_code(st);
}

int acq_main(acq_state *st)
{
	fx_sink *sink = NULL;
	int rc, log_failed = 0;

	snprintf(st->log_path, sizeof(st->log_path), "%s.log", st->opt.target);
	snprintf(st->sha_path, sizeof(st->sha_path), "%s.sha256", st->opt.target);
	acq_default_db(st);
	name_evidence(st);
	if (st->opt.resume) {
		if ((rc = acq_resume_begin(st, &sink)) != 0)
			goto done;
	} else {
		if ((rc = acq_open_source(st)) != 0 || (rc = refuse_existing(st)) != 0 ||
		    (rc = check_destination(st)) != 0 ||
		    (rc = acq_vdisk_hash(st)) != 0)
			goto done;
		if ((rc = make_sinks(st, &sink)) != 0)
			goto done;
		st->start = time(NULL);
		if ((rc = acq_db_begin(st)) != 0)
			goto done;
		log_failed = acq_log_begin(st) != 0;
	}
	if (log_failed || (rc = run_pipeline(st, sink)) != 0) {
		st->status = FX_STATUS_FAILED;
		if (!st->error[0]) /* the log's failure says why itself */
			snprintf(st->error, sizeof(st->error), "%.600s",
				 fx_error_last());
		st->end = time(NULL);
		acq_settle_source(st);
		acq_db_finish(st);
		rc = rc ? rc : FX_EXIT_FAILURE;
		goto done;
	}
	rc = conclude(st, sink);
done:
	acq_settle_source(st);
	if (st->log)
		acq_log_finish(st);
	fx_sink_free(sink);
	acq_copies_free(st);
	fx_verify_result_clear(&st->verification);
	fx_casedb_free(st->db);
	st->db = NULL;
	return rc;
}
