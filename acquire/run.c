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
#include "escape.h"

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

/*
 * Refuses, before anything is written, when the destination directory is
 * unusable or a file of the target's name family is already there (an
 * earlier image of the same name is evidence too, even at names this run
 * would not reach); then checks every name the raw writer's own naming
 * reaches for this source (the E01 writer checks its set, up to .ZZZ, when
 * it is created). Files are created O_EXCL|O_NOFOLLOW anyway: this makes
 * the refusal come before the log and the database record.
 */
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
	if (fx_evidence_path_check(st->log_path) != 0 ||
	    fx_evidence_path_check(st->sha_path) != 0 ||
	    (strcmp(st->opt.format, "raw") == 0 &&
	     fx_raw_check_names(st->opt.target, st->opt.segment_size,
				fx_source_get_info(st->src)->size) != 0)) {
		fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
		return fx_error_last_code() == FX_EEXISTS ? FX_EXIT_USAGE
							  : FX_EXIT_FAILURE;
	}
	return 0;
}

/* The options whose rule depends on the source's sector size, checked as
 * soon as it is known: before the log, the database or the image exist. */
static int check_sector_size(acq_state *st)
{
	fx_acquire_options ao;

	acq_pipeline_options(&st->opt, &ao);
	return fx_acquire_options_check(&ao, fx_source_get_info(st->src)->logical_sector_size);
}

static int open_source(acq_state *st)
{
	fx_source_options so = FX_SOURCE_OPTIONS_INIT;
	const char *dest[] = { st->opt.target, st->opt.db_path, NULL };
	int rc;

	so.write_block = st->opt.write_block;
	so.allow_mounted = st->opt.allow_mounted;
	so.destinations = dest; /* refused before the write-block */
	rc = fx_source_open(&st->src, st->opt.source, &so);
	if (rc == 0)
		rc = check_sector_size(st);
	if (rc == 0)
		return 0;
	fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
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
	eo.physical = in->kind == FX_SOURCE_DEVICE; /* a disk, no partition */
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
	const fx_source_info *in = fx_source_get_info(st->src);
	int rc;

	if (strcmp(st->opt.format, "raw") == 0)
		rc = fx_sink_raw_new(out, st->opt.target, st->opt.segment_size);
	else
		rc = make_e01_sink(st, out);
	if (rc == 0)
		return 0;
	if (rc == FX_EUSAGE && in->size % in->logical_sector_size)
		fprintf(stderr, "acquire: source %s: %s\n", fx_tool_escape(st->opt.source),
			fx_tool_escape(fx_error_last())); /* a partial last sector */
	else
		fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
	return rc == FX_EUSAGE || rc == FX_EEXISTS ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
}

static const char *signal_name(void)
{
	return fx_tool_signo() == SIGTERM ? "SIGTERM" : "SIGINT";
}

/* Sectors of one sorted, merged range list that the other lacks. */
typedef struct range_diff {
	uint64_t sectors;
	size_t ranges;
	uint64_t first;          /* the first such sector, when ranges > 0 */
} range_diff;

/* out = a minus b, in one pass over both lists (each range of b is looked
 * at only for the ranges of a it overlaps). */
static void ranges_minus(range_diff *out, const fx_bad_range *a, size_t na,
			 const fx_bad_range *b, size_t nb)
{
	size_t i, j = 0, k;
	uint64_t at, end, stop;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < na; i++) {
		at = a[i].first;
		end = at + a[i].count;
		while (j < nb && b[j].first + b[j].count <= at)
			j++;
		for (k = j; at < end; k++) {
			stop = k < nb && b[k].first < end ? b[k].first : end;
			if (stop > at) {
				if (!out->ranges)
					out->first = at;
				out->sectors += stop - at;
				out->ranges++;
			}
			if (k >= nb || b[k].first >= end)
				break;
			at = b[k].first + b[k].count;
		}
	}
}

static int same_ranges(const fx_acquire_result *a, const fx_acquire_result *b)
{
	return a->nbad == b->nbad &&
	       (!a->nbad || !memcmp(a->bad, b->bad, a->nbad * sizeof(*a->bad)));
}

/* "10 sector(s) in 1 range(s), the first at sector 70000", or "none". */
static void say_ranges(char *out, size_t outlen, const range_diff *d)
{
	if (!d->ranges)
		snprintf(out, outlen, "none");
	else
		snprintf(out, outlen, "%llu sector(s) in %zu range(s), the first at sector %llu",
			 (unsigned long long)d->sectors, d->ranges,
			 (unsigned long long)d->first);
}

/*
 * The source re-read with other unreadable sectors than the acquisition:
 * the disk no longer reads as it did (it was changed, or it is degrading),
 * so the image cannot be shown to be what the source holds now. A finding
 * about the evidence, like a hash that differs: a mismatch.
 */
static int source_sectors_differ(acq_state *st, const fx_acquire_result *vr,
				 char *out, size_t outlen)
{
	range_diff now_bad, now_good;
	char bad[128], good[128];

	ranges_minus(&now_bad, vr->bad, vr->nbad, st->res.bad, st->res.nbad);
	ranges_minus(&now_good, st->res.bad, st->res.nbad, vr->bad, vr->nbad);
	say_ranges(bad, sizeof(bad), &now_bad);
	say_ranges(good, sizeof(good), &now_good);
	snprintf(out, outlen,
		 "FAILED: the source's unreadable sectors changed since the acquisition (the disk changed or is degrading): %llu in %zu range(s) then, %llu in %zu range(s) now; newly unreadable: %s; readable again: %s; %s",
		 (unsigned long long)st->res.bad_sectors, st->res.nbad,
		 (unsigned long long)vr->bad_sectors, vr->nbad, bad, good,
		 fx_digests_compare(&vr->digests, &st->res.digests) ? "hashes differ"
								     : "all hashes equal");
	return FX_VERDICT_MISMATCH;
}

/*
 * What a re-read that ran to its end found. An unreadable sector of the
 * image is our own storage failing: an error. The source is compared with
 * what the acquisition read of it, unreadable sectors included: the same
 * list (and equal hashes) is a pass -- a failing disk is where re-reading
 * the source matters most -- another list is a mismatch.
 */
static int compare_pass(acq_state *st, const fx_acquire_result *vr, int source,
			char *out, size_t outlen)
{
	int diff;

	if (vr->nbad && !source) {
		snprintf(out, outlen,
			 "FAILED: could not re-read %llu of %llu sectors (%zu range(s), the first at sector %llu)",
			 (unsigned long long)vr->bad_sectors,
			 (unsigned long long)(vr->sector_size ? vr->size / vr->sector_size : 0),
			 vr->nbad, (unsigned long long)vr->bad[0].first);
		return FX_VERDICT_ERROR;
	}
	if (source && vr->bytes == st->res.bytes && !same_ranges(vr, &st->res))
		return source_sectors_differ(st, vr, out, outlen);
	if ((diff = fx_digests_compare(&vr->digests, &st->res.digests)) != 0 ||
	    vr->bytes != st->res.bytes) {
		snprintf(out, outlen,
			 "FAILED: %s differs (recorded %s, re-read %s), %llu bytes re-read",
			 diff > 0 ? fx_hash_name((unsigned)diff) : "size",
			 diff > 0 ? fx_digests_get(&st->res.digests, (unsigned)diff) : "-",
			 diff > 0 ? fx_digests_get(&vr->digests, (unsigned)diff) : "-",
			 (unsigned long long)vr->bytes);
		return FX_VERDICT_MISMATCH;
	}
	if (vr->nbad)
		snprintf(out, outlen,
			 "passed (%llu bytes re-read, the same %llu unreadable sectors in %zu range(s), all hashes equal)",
			 (unsigned long long)vr->bytes,
			 (unsigned long long)vr->bad_sectors, vr->nbad);
	else
		snprintf(out, outlen, "passed (%llu bytes re-read, all hashes equal)",
			 (unsigned long long)vr->bytes);
	return FX_VERDICT_VERIFIED;
}

/* Hash-only pass over src (the image, or the source when source is set),
 * compared with the acquisition's digests, with its retries per sector.
 * Returns the verdict (fx_verdict); out says it for the log. A signal is
 * no verdict: the pass is "interrupted", neither passed nor failed. */
static int verify_pass(acq_state *st, fx_source *src, int source, char *out,
		       size_t outlen)
{
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result vr;
	int state;

	ao.hash_algs = st->opt.hash_algs;
	ao.retries = st->opt.retries;
	ao.cancel = &fx_tool_signal;
	acq_progress_hook(st, &ao, source ? "acquire: verifying source: "
					  : "acquire: verifying image: ");
	if (fx_acquire_run(&vr, src, NULL, &ao) != 0) {
		snprintf(out, outlen, "FAILED: could not re-read: %.900s", fx_error_last());
		state = FX_VERDICT_ERROR;
	} else if (vr.status == FX_STATUS_INTERRUPTED) {
		snprintf(out, outlen, "interrupted by %s after %llu of %llu bytes re-read: not verified",
			 signal_name(), (unsigned long long)vr.bytes,
			 (unsigned long long)vr.size);
		state = FX_VERDICT_INTERRUPTED;
	} else if (vr.status == FX_STATUS_FAILED) {
		snprintf(out, outlen, "FAILED: could not re-read: %.900s",
			 vr.error ? vr.error : "");
		state = FX_VERDICT_ERROR;
	} else {
		state = compare_pass(st, &vr, source, out, outlen);
	}
	if (state == FX_VERDICT_MISMATCH || state == FX_VERDICT_ERROR)
		st->mismatch = 1;
	if (!source) {
		/* a partial re-read's hashes are of nothing recorded */
		if (state == FX_VERDICT_VERIFIED || state == FX_VERDICT_MISMATCH)
			st->verify_digests = vr.digests;
		st->verify_ran = 1;
	}
	fx_tool_progress_end();
	fx_acquire_result_clear(&vr);
	return state;
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
	int finished;                    /* set by the thread, atomically */
	char error[1100];
} file_hashing;

/* Hashes every file without a SHA-256; stops at the first failure, with
 * its message in error. cancel NULL: cannot be interrupted. */
static void hash_files(acq_state *st, volatile sig_atomic_t *cancel,
		       char *error, size_t len)
{
	size_t i;

	acq_progress_files_plan(st);
	for (i = 0; i < st->nfiles; i++) {
		if (st->files[i].sha256[0])
			continue;
		if (fx_file_sha256_stored(st->files[i].sha256, st->files[i].path,
					  cancel) != 0) {
			snprintf(error, len, "%.1000s", fx_error_last());
			break;
		}
		acq_progress_file_done(st, st->files[i].size);
	}
}

static void *hash_files_main(void *arg)
{
	file_hashing *h = arg;

	pthread_setname_np(pthread_self(), "file-sha256"); /* top -H, ps -T */
	hash_files(h->st, &fx_tool_signal, h->error, sizeof(h->error));
	__atomic_store_n(&h->finished, 1, __ATOMIC_RELEASE);
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

/* Joins the hashing. A file that could not be read back fails the check;
 * a signal leaves it without a verdict (interrupted). The files left
 * without a hash say why. */
static void hash_files_finish(file_hashing *h)
{
	acq_state *st = h->st;
	char passed[1024];

	if (h->started) {
		acq_progress_files_wait(st, &h->finished); /* after the read-back */
		pthread_join(h->thread, NULL);
	}
	h->started = 0;
	if (!h->error[0])
		return;
	note_unhashed(st, h->error);
	if (st->verify_state != FX_VERDICT_VERIFIED)
		return; /* a failed or interrupted verification says so already */
	snprintf(passed, sizeof(passed), "%s", st->verify_result);
	if (fx_tool_signo()) {
		snprintf(st->verify_result, sizeof(st->verify_result),
			 "interrupted by %s while the image files were hashed from storage: not verified (the media re-read had %.900s)",
			 signal_name(), passed);
		st->verify_state = FX_VERDICT_INTERRUPTED;
		return;
	}
	snprintf(st->verify_result, sizeof(st->verify_result),
		 "FAILED: image files could not be read back: %.900s", h->error);
	st->verify_state = FX_VERDICT_ERROR;
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
	if (st->status != FX_STATUS_COMPLETED &&
	    st->status != FX_STATUS_COMPLETED_WITH_ERRORS) {
		/* Not verified. A failed run's files are still hashed, so the
		 * record says exactly what was left (a further signal stops
		 * it); an interrupted run is not kept waiting for that. */
		if (st->status == FX_STATUS_INTERRUPTED) {
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
		/* read back as written: the source may hold anything, an E01
		 * too, and a raw image of it is still raw */
		io.format = !strcmp(st->opt.format, "e01") ? FX_IMAGE_E01
			    : st->opt.segment_size ? FX_IMAGE_SPLIT_RAW : FX_IMAGE_RAW;
		if (fx_image_open(&img, st->files[0].path, &io) != 0) {
			snprintf(st->verify_result, sizeof(st->verify_result),
				 "FAILED: %.900s", fx_error_last());
			st->verify_state = FX_VERDICT_ERROR;
			st->mismatch = 1;
			st->verify_ran = 1;
		}
		hash_files_start(&fh, st); /* after the open dropped the cache */
		if (img)
			st->verify_state = verify_pass(st, img, 0, st->verify_result,
						       sizeof(st->verify_result));
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
			st->verify_source_state = FX_VERDICT_ERROR;
			st->mismatch = 1;
		} else {
			st->verify_source_state =
				verify_pass(st, img, 1, st->verify_source_result,
					    sizeof(st->verify_source_result));
		}
		fx_source_free(img);
	}
}

static int exit_code(const acq_state *st)
{
	switch (st->status) {
	case FX_STATUS_INTERRUPTED:
		return fx_tool_signo() == SIGTERM ? FX_EXIT_SIGTERM : FX_EXIT_SIGINT;
	case FX_STATUS_FAILED:
		return FX_EXIT_FAILURE;
	default:
		break;
	}
	/* a read-back cut short by a signal is no verdict either way */
	if (st->verify_state == FX_VERDICT_INTERRUPTED ||
	    st->verify_source_state == FX_VERDICT_INTERRUPTED)
		return fx_tool_signo() == SIGTERM ? FX_EXIT_SIGTERM : FX_EXIT_SIGINT;
	if (st->mismatch)
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
	if (r->nbad)
		fprintf(stderr, "acquire: %llu unreadable sectors in %zu range(s), zero-filled (see %s)\n",
			(unsigned long long)r->bad_sectors, r->nbad,
			fx_tool_escape(st->log_path));
	if (st->opt.json)
		acq_print_json(st, stdout);
	else if (!st->opt.quiet && (st->status == FX_STATUS_COMPLETED ||
				    st->status == FX_STATUS_COMPLETED_WITH_ERRORS))
		fprintf(stderr, "acquire: %s, %llu bytes, MD5 %s, SHA-256 %s\n",
			fx_status_name(st->status), (unsigned long long)r->bytes,
			r->digests.md5[0] ? r->digests.md5 : "-",
			r->digests.sha256[0] ? r->digests.sha256 : "-");
}

static int run_pipeline(acq_state *st, fx_sink *sink)
{
	fx_acquire_options ao;
	int rc;

	acq_pipeline_options(&st->opt, &ao);
	ao.cancel = &fx_tool_signal;
	acq_progress_hook(st, &ao, "acquire: ");
	rc = fx_acquire_run(&st->res, st->src, sink, &ao);
	fx_tool_progress_end();
	if (rc != 0) {
		fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
		return rc == FX_EUSAGE ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
	}
	st->status = st->res.status; /* the run as recorded, from here on */
	snprintf(st->error, sizeof(st->error), "%s",
		 st->res.error ? st->res.error : "");
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
static void settle_source(acq_state *st)
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
	settle_source(st);
	if (collect_files(st, sink) != 0)
		st->status = FX_STATUS_FAILED;
	verify_outputs(st);
	if (acq_write_sha256(st) != 0) { /* decides whether, and says why not */
		st->status = FX_STATUS_FAILED;
		snprintf(st->error, sizeof(st->error), "cannot write %.900s",
			 st->sha_path);
	}
	db_ok = acq_db_finish(st) == 0 && acq_db_verification(st) == 0;
	if (!db_ok && st->status != FX_STATUS_INTERRUPTED) {
		st->status = FX_STATUS_FAILED;
		snprintf(st->error, sizeof(st->error),
			 "the case database %.900s could not record the result",
			 st->opt.db_path);
	}
	if (acq_log_finish(st) != 0 && st->status != FX_STATUS_INTERRUPTED)
		st->status = FX_STATUS_FAILED;
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
	if ((rc = acq_db_begin(st)) != 0)
		goto done;
	if (acq_log_begin(st) != 0 || (rc = run_pipeline(st, sink)) != 0) {
		st->status = FX_STATUS_FAILED;
		if (!st->error[0]) /* the log's failure says why itself */
			snprintf(st->error, sizeof(st->error), "%.600s",
				 fx_error_last());
		st->end = time(NULL);
		settle_source(st);
		acq_db_finish(st);
		rc = rc ? rc : FX_EXIT_FAILURE;
		goto done;
	}
	rc = conclude(st, sink);
done:
	settle_source(st);
	if (st->log)
		acq_log_finish(st);
	fx_sink_free(sink);
	fx_casedb_free(st->db);
	st->db = NULL;
	return rc;
}
