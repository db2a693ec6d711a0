/*
 * The order of an acquisition: every check that can refuse comes before
 * the first byte is read (source, destination, existing files); the log's
 * first half is on disk before reading starts; the image is verified from
 * storage before the log is completed; the exit code says what happened.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "acquire_cli.h"

int acq_main(acq_state *st);

/* True if name is one of ours for target base: base.raw, base.log,
 * base.sha256, base.NNN (digits), base.Exx / base.exx (E01 segments). */
static int is_output_name(const char *name, const char *base)
{
	size_t blen = strlen(base);
	const char *ext;

	if (strncmp(name, base, blen) != 0 || name[blen] != '.')
		return 0;
	ext = name + blen + 1;
	if (!strcmp(ext, "raw") || !strcmp(ext, "log") || !strcmp(ext, "sha256"))
		return 1;
	if (strspn(ext, "0123456789") == strlen(ext) && strlen(ext) >= 3)
		return 1;
	return (ext[0] == 'E' || ext[0] == 'e') && strlen(ext) == 3;
}

/* Refuses when any file of the target's name set already exists. */
static int refuse_existing(const acq_state *st)
{
	char buf[PATH_MAX], base[PATH_MAX], dir[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int found = 0;

	snprintf(buf, sizeof(buf), "%s", st->opt.target);
	snprintf(base, sizeof(base), "%s", basename(buf));
	snprintf(buf, sizeof(buf), "%s", st->opt.target);
	snprintf(dir, sizeof(dir), "%s", dirname(buf));
	if (!(d = opendir(dir))) {
		fprintf(stderr, "acquire: destination directory %s: %s\n", dir,
			strerror(errno));
		return FX_EXIT_USAGE;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "acquire: destination directory %s is not writable: %s\n",
			dir, strerror(errno));
		closedir(d);
		return FX_EXIT_FAILURE;
	}
	while (!found && (de = readdir(d)) != NULL)
		if (is_output_name(de->d_name, base)) {
			fprintf(stderr,
				"acquire: refusing to overwrite existing evidence file %s/%s\n",
				dir, de->d_name);
			found = 1;
		}
	closedir(d);
	return found ? FX_EXIT_USAGE : 0;
}

static int open_source(acq_state *st)
{
	fx_source_options so = FX_SOURCE_OPTIONS_INIT;
	int rc;

	so.write_block = st->opt.write_block;
	so.allow_mounted = st->opt.allow_mounted;
	rc = fx_source_open(&st->src, st->opt.source, &so);
	if (rc == 0)
		rc = fx_source_check_destination(st->src, st->opt.target);
	if (rc == 0 && st->opt.db_path)
		rc = fx_source_check_destination(st->src, st->opt.db_path);
	if (rc == 0)
		return 0;
	fprintf(stderr, "acquire: %s\n", fx_error_last());
	return rc == FX_EUSAGE || rc == FX_EBUSY || rc == FX_ENOTFOUND
		? FX_EXIT_USAGE : FX_EXIT_FAILURE;
}

static int make_e01_sink(acq_state *st, fx_sink **out)
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
	eo.segment_size = st->opt.segment_size;
	eo.media_size = in->size;
	eo.bytes_per_sector = in->logical_sector_size;
	eo.media_type = in->optical ? FX_E01_OPTICAL
			: in->removable == 1 ? FX_E01_REMOVABLE : FX_E01_FIXED;
	eo.physical = in->is_block_device && !strstr(in->hpa_dco, "is a partition");
	eo.case_number = st->case_number;
	eo.evidence_number = st->evidence_number;
	eo.examiner = st->opt.examiner;
	eo.description = st->opt.description;
	eo.notes = st->opt.notes;
	eo.model = in->model;
	eo.serial = in->serial;
	eo.software = software;
	eo.os = os;
	return fx_sink_e01_new(out, st->opt.target, &eo);
}

static int make_sink(acq_state *st, fx_sink **out)
{
	int rc;

	if (strcmp(st->opt.format, "raw") == 0)
		rc = fx_sink_raw_new(out, st->opt.target, st->opt.segment_size);
	else
		rc = make_e01_sink(st, out);
	if (rc == 0)
		return 0;
	fprintf(stderr, "acquire: %s\n", fx_error_last());
	return rc == FX_EUSAGE || rc == FX_EEXISTS ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
}

/* Hash-only pass over src; compares with the acquisition's digests. */
static void verify_pass(acq_state *st, fx_source *src, char *out, size_t outlen)
{
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result vr;
	int diff;

	ao.hash_algs = st->opt.hash_algs;
	ao.cancel = &fx_tool_signal;
	if (fx_acquire_run(&vr, src, NULL, &ao) != 0 || vr.status == FX_ACQ_FAILED ||
	    vr.status == FX_ACQ_INTERRUPTED) {
		snprintf(out, outlen, "FAILED: could not re-read: %.900s",
			 vr.error[0] ? vr.error : fx_error_last());
		st->mismatch = 1;
	} else if ((diff = fx_digests_compare(&vr.digests, &st->res.digests)) != 0 ||
		   vr.bytes != st->res.bytes) {
		snprintf(out, outlen,
			 "FAILED: %s differs (recorded %s, re-read %s), %llu bytes re-read",
			 diff > 0 ? fx_hash_name((unsigned)diff) : "size",
			 diff > 0 ? fx_digests_get(&st->res.digests, (unsigned)diff) : "-",
			 diff > 0 ? fx_digests_get(&vr.digests, (unsigned)diff) : "-",
			 (unsigned long long)vr.bytes);
		st->mismatch = 1;
	} else {
		snprintf(out, outlen, "passed (%llu bytes re-read, all hashes equal)",
			 (unsigned long long)vr.bytes);
	}
	if (out == st->verify_result) {
		st->verify_digests = vr.digests;
		st->verify_ran = 1;
	}
	fx_acquire_result_clear(&vr);
}

/*
 * Image files whose SHA-256 the sink could not give (E01: libewf rewrites
 * each segment's section descriptors when it ends) are hashed as storage
 * holds them (flushed, cached pages dropped), by a thread running beside
 * the verification pass, which reads the same files back.
 */
typedef struct file_hashing {
	acq_state *st;
	pthread_t thread;
	int started;
	char error[1100];
} file_hashing;

/* Hashes every file without a SHA-256; stops at the first failure, with
 * its message in error. cancel NULL: cannot be interrupted. */
static void hash_files(acq_state *st, volatile sig_atomic_t *cancel,
		       char *error, size_t len)
{
	size_t i;

	for (i = 0; i < st->nfiles; i++) {
		if (st->files[i].sha256[0])
			continue;
		if (fx_file_sha256_stored(st->files[i].sha256, st->files[i].path,
					  cancel) != 0) {
			snprintf(error, len, "%.1000s", fx_error_last());
			break;
		}
	}
}

static void *hash_files_main(void *arg)
{
	file_hashing *h = arg;

	hash_files(h->st, &fx_tool_signal, h->error, sizeof(h->error));
	return NULL;
}

static void hash_files_start(file_hashing *h, acq_state *st)
{
	h->st = st;
	if (pthread_create(&h->thread, NULL, hash_files_main, h) == 0)
		h->started = 1;
	else
		hash_files_main(h);
}

/* What the log says instead of a file's SHA-256. */
static void note_unhashed(acq_state *st, const char *why)
{
	snprintf(st->files_unhashed, sizeof(st->files_unhashed),
		 "(not computed: %.1000s)", why);
}

/* Joins the hashing. A file that could not be hashed (interrupted, or a
 * read error) fails the check; the files left without a hash say why. */
static void hash_files_finish(file_hashing *h)
{
	acq_state *st = h->st;

	if (h->started)
		pthread_join(h->thread, NULL);
	h->started = 0;
	if (!h->error[0])
		return;
	note_unhashed(st, h->error);
	if (st->mismatch)
		return; /* a failed verification keeps its own message */
	snprintf(st->verify_result, sizeof(st->verify_result),
		 "FAILED: image files could not be read back: %.900s", h->error);
	st->mismatch = 1;
}

static void verify_outputs(acq_state *st)
{
	fx_image_options io = FX_IMAGE_OPTIONS_INIT;
	fx_source_options so = FX_SOURCE_OPTIONS_INIT;
	fx_source *img = NULL;
	file_hashing fh = { 0 };

	snprintf(st->verify_result, sizeof(st->verify_result), "skipped");
	snprintf(st->verify_source_result, sizeof(st->verify_source_result), "skipped");
	if (st->res.status != FX_ACQ_COMPLETED &&
	    st->res.status != FX_ACQ_COMPLETED_WITH_ERRORS) {
		/* Not verified. A failed run's files are still hashed, so the
		 * record says exactly what was left (a further signal stops
		 * it); an interrupted run is not kept waiting for that. */
		if (st->res.status == FX_ACQ_INTERRUPTED) {
			note_unhashed(st, "the acquisition was interrupted");
			return;
		}
		hash_files(st, &fx_tool_signal, fh.error, sizeof(fh.error));
		if (fh.error[0])
			note_unhashed(st, fh.error);
		return;
	}
	if (!st->opt.verify) {
		note_unhashed(st, "--no-verify, the image was not read back");
	} else {
		io.bypass_cache = 1;
		if (fx_image_open(&img, st->files[0].path, &io) != 0) {
			snprintf(st->verify_result, sizeof(st->verify_result),
				 "FAILED: %.900s", fx_error_last());
			st->mismatch = 1;
			st->verify_ran = 1;
		}
		hash_files_start(&fh, st); /* after the open dropped the cache */
		if (img)
			verify_pass(st, img, st->verify_result, sizeof(st->verify_result));
		hash_files_finish(&fh);
		fx_source_free(img);
		img = NULL;
	}
	if (st->opt.verify_source) {
		so.write_block = st->opt.write_block;
		so.allow_mounted = st->opt.allow_mounted;
		so.bypass_cache = 1;
		if (fx_source_open(&img, st->opt.source, &so) != 0) {
			snprintf(st->verify_source_result,
				 sizeof(st->verify_source_result), "FAILED: %.900s",
				 fx_error_last());
			st->mismatch = 1;
		} else {
			verify_pass(st, img, st->verify_source_result,
				    sizeof(st->verify_source_result));
		}
		fx_source_free(img);
	}
}

static int exit_code(const acq_state *st)
{
	switch (st->res.status) {
	case FX_ACQ_INTERRUPTED:
		return fx_tool_signal == SIGTERM ? FX_EXIT_SIGTERM : FX_EXIT_SIGINT;
	case FX_ACQ_FAILED:
		return FX_EXIT_FAILURE;
	default:
		break;
	}
	if (st->mismatch)
		return FX_EXIT_EVIDENCE;
	return st->res.status == FX_ACQ_COMPLETED_WITH_ERRORS ? FX_EXIT_BAD_SECTORS
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

static void report(const acq_state *st)
{
	const fx_acquire_result *r = &st->res;

	if (r->status == FX_ACQ_INTERRUPTED)
		fprintf(stderr, "acquire: interrupted by %s after %llu of %llu bytes; the image is incomplete (log %s)\n",
			fx_tool_signal == SIGTERM ? "SIGTERM" : "SIGINT",
			(unsigned long long)r->bytes, (unsigned long long)r->size,
			st->log_path);
	else if (r->status == FX_ACQ_FAILED)
		fprintf(stderr, "acquire: failed: %s (%llu of %llu bytes acquired; log %s)\n",
			r->error, (unsigned long long)r->bytes,
			(unsigned long long)r->size, st->log_path);
	if (st->mismatch)
		fprintf(stderr, "acquire: verification FAILED: %s\n",
			strncmp(st->verify_result, "FAILED", 6) == 0
				? st->verify_result : st->verify_source_result);
	if (r->nbad)
		fprintf(stderr, "acquire: %llu unreadable sectors in %zu range(s), zero-filled (see %s)\n",
			(unsigned long long)r->bad_sectors, r->nbad, st->log_path);
	if (st->opt.json)
		acq_print_json(st, stdout);
	else if (!st->opt.quiet && (r->status == FX_ACQ_COMPLETED ||
				    r->status == FX_ACQ_COMPLETED_WITH_ERRORS))
		fprintf(stderr, "acquire: %s, %llu bytes, MD5 %s, SHA-256 %s\n",
			fx_acquire_status_name(r->status), (unsigned long long)r->bytes,
			r->digests.md5[0] ? r->digests.md5 : "-",
			r->digests.sha256[0] ? r->digests.sha256 : "-");
}

static int run_pipeline(acq_state *st, fx_sink *sink)
{
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	int rc;

	ao.block_size = (size_t)st->opt.block_size;
	ao.retries = st->opt.retries;
	ao.hash_algs = st->opt.hash_algs;
	ao.hash_window = st->opt.hash_window;
	ao.cancel = &fx_tool_signal;
	if (!st->opt.quiet && isatty(STDERR_FILENO)) {
		ao.progress = fx_tool_progress;
		ao.progress_payload = "acquire: ";
	}
	rc = fx_acquire_run(&st->res, st->src, sink, &ao);
	fx_tool_progress_end();
	if (rc != 0) {
		fprintf(stderr, "acquire: %s\n", fx_error_last());
		return rc == FX_EUSAGE ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
	}
	return 0;
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

/* Records the end everywhere: sha256 file, verification, log, database. */
static int conclude(acq_state *st, fx_sink *sink)
{
	int db_ok;

	st->end = time(NULL);
	fx_source_refresh_state(st->src);
	if (collect_files(st, sink) != 0)
		st->res.status = FX_ACQ_FAILED;
	verify_outputs(st);
	if (acq_write_sha256(st) != 0) { /* decides whether, and says why not */
		st->res.status = FX_ACQ_FAILED;
		snprintf(st->res.error, sizeof(st->res.error), "cannot write %.900s",
			 st->sha_path);
	}
	db_ok = acq_db_finish(st) == 0 && acq_db_verification(st) == 0;
	if (!db_ok && st->res.status != FX_ACQ_INTERRUPTED) {
		st->res.status = FX_ACQ_FAILED;
		snprintf(st->res.error, sizeof(st->res.error),
			 "the case database %.900s could not record the result",
			 st->opt.db_path);
	}
	if (acq_log_finish(st) != 0 && st->res.status != FX_ACQ_INTERRUPTED)
		st->res.status = FX_ACQ_FAILED;
	report(st);
	return exit_code(st);
}

int acq_main(acq_state *st)
{
	fx_sink *sink = NULL;
	int rc;

	snprintf(st->log_path, sizeof(st->log_path), "%s.log", st->opt.target);
	snprintf(st->sha_path, sizeof(st->sha_path), "%s.sha256", st->opt.target);
	acq_default_db(st);
	name_evidence(st);
	if ((rc = open_source(st)) != 0 || (rc = refuse_existing(st)) != 0)
		goto done;
	if ((rc = make_sink(st, &sink)) != 0)
		goto done;
	st->start = time(NULL);
	if (acq_db_begin(st) != 0) {
		rc = FX_EXIT_FAILURE;
		goto done;
	}
	if (acq_log_begin(st) != 0 || (rc = run_pipeline(st, sink)) != 0) {
		st->res.status = FX_ACQ_FAILED;
		snprintf(st->res.error, sizeof(st->res.error), "%.900s", fx_error_last());
		st->end = time(NULL);
		acq_db_finish(st);
		rc = rc ? rc : FX_EXIT_FAILURE;
		goto done;
	}
	rc = conclude(st, sink);
done:
	if (st->log)
		acq_log_finish(st);
	fx_sink_free(sink);
	fx_casedb_free(st->db);
	st->db = NULL;
	return rc;
}
