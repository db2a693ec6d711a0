/*
 * The checks after writing, in acquire's words.
 *
 * The image is verified by libforensic's one verification engine,
 * fx_verify_image, against the acquisition just run held in memory as its
 * record (the case database's row is finished only after this): the same
 * references, typed findings and JSON as `verify` records later, read
 * from storage (cached pages dropped) in the format written, with the
 * acquisition's retries. The engine also hashes, beside that read, the
 * image files the writer could not hash (E01 segments: libewf rewrites
 * each segment's descriptors when it ends), from storage; their SHA-256
 * become the acquisition's. What the result says is put here in the words
 * the log, stderr and --json have always used ("passed (N bytes re-read,
 * all hashes equal)", "FAILED: ...", "interrupted by ..."), from the
 * result's typed values; the case database keeps the result itself.
 *
 * The source re-read (--verify-source) stays acquire's own: it reads the
 * evidence, not an image (no set, files, stored hashes or lists for the
 * engine to check), its rule is the opposite of an image's (unreadable
 * sectors are expected and compared as a list), and it is said in the log
 * and --json only, never recorded as a verification.
 *
 * One thread (the engine starts and joins its own).
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acquire_cli.h"
#include "escape.h"

static const char *signal_name(void)
{
	return fx_tool_signo() == SIGTERM ? "SIGTERM" : "SIGINT";
}

/* What the log says instead of a file's SHA-256. */
static void note_unhashed(acq_state *st, const char *why)
{
	snprintf(st->files_unhashed, sizeof(st->files_unhashed),
		 "(not computed: %.1000s)", why);
}

/* ---- the source re-read -------------------------------------------------- */

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

/* "FAILED: MD5 differs (recorded X, re-read Y), N bytes re-read": the
 * first hash that differs, or the size. */
static void say_differs(char *out, size_t outlen, const fx_digests *recorded,
			const fx_digests *reread, uint64_t bytes)
{
	int diff = fx_digests_compare(reread, recorded);

	snprintf(out, outlen,
		 "FAILED: %s differs (recorded %s, re-read %s), %llu bytes re-read",
		 diff > 0 ? fx_hash_name((unsigned)diff) : "size",
		 diff > 0 ? fx_digests_get(recorded, (unsigned)diff) : "-",
		 diff > 0 ? fx_digests_get(reread, (unsigned)diff) : "-",
		 (unsigned long long)bytes);
}

/*
 * What a source re-read that ran to its end found: compared with what the
 * acquisition read of it, unreadable sectors included. The same list (and
 * equal hashes) is a pass -- a failing disk is where re-reading the source
 * matters most -- another list is a mismatch.
 */
static int compare_source(acq_state *st, const fx_acquire_result *vr,
			  char *out, size_t outlen)
{
	if (vr->bytes == st->res.bytes && !same_ranges(vr, &st->res))
		return source_sectors_differ(st, vr, out, outlen);
	if (fx_digests_compare(&vr->digests, &st->res.digests) != 0 ||
	    vr->bytes != st->res.bytes) {
		say_differs(out, outlen, &st->res.digests, &vr->digests, vr->bytes);
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

/* Hash-only pass over the source, compared with the acquisition's
 * digests, with its retries per sector. Returns the verdict (fx_verdict);
 * out says it for the log. A signal is no verdict: the pass is
 * "interrupted", neither passed nor failed. */
static int source_pass(acq_state *st, fx_source *src, char *out, size_t outlen)
{
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result vr;
	int state;

	ao.hash_algs = st->opt.hash_algs;
	ao.retries = st->opt.retries;
	ao.cancel = &fx_tool_signal;
	acq_progress_hook(&ao, "verifying-source", "acquire: verifying source: ",
			  fx_source_get_info(src)->size);
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
		state = compare_source(st, &vr, out, outlen);
	}
	if (state == FX_VERDICT_MISMATCH || state == FX_VERDICT_ERROR)
		st->mismatch = 1;
	fx_meter_end();
	fx_acquire_result_clear(&vr);
	return state;
}

static void verify_source(acq_state *st)
{
	fx_source_options so = FX_SOURCE_OPTIONS_INIT;
	fx_source *src = NULL;

	so.write_block = st->opt.write_block;
	so.allow_mounted = st->opt.allow_mounted;
	so.bypass_cache = 1;
	if (fx_source_open(&src, st->opt.source, &so) != 0) {
		snprintf(st->verify_source_result, sizeof(st->verify_source_result),
			 "FAILED: %.900s", fx_error_last());
		st->verify_source_state = FX_VERDICT_ERROR;
		st->mismatch = 1;
	} else {
		st->verify_source_state =
			source_pass(st, src, st->verify_source_result,
				    sizeof(st->verify_source_result));
	}
	fx_source_free(src);
}

/* ---- the image, through libforensic's verification ----------------------- */

/* The acquisition just run, as the record the case database will hold
 * once it is finished (the record's result is acq_record_result's, which
 * finishes it). Without its hash windows: the read-back hashes the media
 * once with the algorithms asked for, as it always has, and records no
 * window hashes; `verify` re-hashes the windows later. */
static void reference(const acq_state *st, fx_casedb_acquisition_info *ref)
{
	fx_casedb_acquisition rec = FX_CASEDB_ACQUISITION_INIT;

	memset(ref, 0, sizeof(*ref));
	ref->id = st->acq_id;
	ref->evidence_id = st->evidence_id;
	rec.case_number = st->case_number;
	rec.evidence.evidence_number = st->evidence_number;
	rec.format = acq_format_name(&st->opt);
	ref->rec = rec;
	acq_record_result(st, &ref->result);
	ref->result.windows = NULL;
	ref->result.n_windows = 0;
	ref->status = st->status;
}

/* The engine could not start (out of memory): a result that says so, for
 * the record. */
static void not_started(acq_state *st)
{
	fx_verify_result *r = &st->verification;
	fx_verify_finding f;
	char msg[1100];

	memset(r, 0, sizeof(*r));
	memset(&f, 0, sizeof(f));
	snprintf(msg, sizeof(msg), "could not re-read: %.900s", fx_error_last());
	r->status = FX_VERDICT_ERROR;
	r->acquisition_id = st->acq_id;
	r->evidence_id = st->evidence_id;
	r->path = strdup(st->files[0].path); /* freed by fx_verify_result_clear */
	f.kind = FX_FIND_READ_ERROR;
	f.status = FX_VERDICT_ERROR;
	f.message = msg;
	fx_verify_add_finding(r, &f);
}

/* The result's file called like st's file i (the same order, by base
 * name, as the engine names them), or NULL. */
static const fx_verify_file *result_file(const fx_verify_result *r, size_t i,
					 const char *path)
{
	char a[PATH_MAX], b[PATH_MAX];
	size_t j;

	snprintf(a, sizeof(a), "%s", path);
	for (j = 0; j < r->nfiles; j++) {
		const fx_verify_file *f = &r->files[(i + j) % r->nfiles];

		snprintf(b, sizeof(b), "%s", f->path);
		if (!strcmp(basename(a), basename(b)))
			return f;
	}
	return NULL;
}

/* The hashing of the image files from storage that did not succeed: the
 * first failure, a finding without a file (a media read's names the
 * image), or NULL. */
static const fx_verify_finding *file_hash_failure(const fx_verify_result *r)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].kind == FX_FIND_READ_ERROR && !r->findings[i].file)
			return &r->findings[i];
	return NULL;
}

/* The SHA-256 the engine computed for the files the writer could not
 * hash, and why any is still without one. */
static void take_file_hashes(acq_state *st)
{
	const fx_verify_result *r = &st->verification;
	const fx_verify_finding *fail = file_hash_failure(r);
	const fx_verify_file *f;
	const char *left = NULL;
	char why[PATH_MAX + 64];
	size_t i;

	for (i = 0; i < st->nfiles; i++) {
		if (st->files[i].sha256[0])
			continue;
		if ((f = result_file(r, i, st->files[i].path)) && f->sha256[0])
			memcpy(st->files[i].sha256, f->sha256, sizeof(f->sha256));
		else if (!left)
			left = st->files[i].path;
	}
	if (!left)
		return;
	if (fail) {
		note_unhashed(st, fail->message);
	} else if (r->status == FX_VERDICT_INTERRUPTED) {
		snprintf(why, sizeof(why), "interrupted while hashing %s", left);
		note_unhashed(st, why);
	}
}

/* The first finding's message: what the engine found first. */
static const char *first_finding(const fx_verify_result *r)
{
	return r->nfindings ? r->findings[0].message : "the image could not be verified";
}

/* The result in the log's words (see the top of the file). */
static void say_image(const acq_state *st, char *out, size_t outlen)
{
	const fx_verify_result *r = &st->verification;
	const fx_verify_finding *fail = file_hash_failure(r);
	char passed[128];

	snprintf(passed, sizeof(passed), "passed (%llu bytes re-read, all hashes equal)",
		 (unsigned long long)r->bytes);
	if (r->status == FX_VERDICT_VERIFIED)
		snprintf(out, outlen, "%s", passed);
	else if (r->status == FX_VERDICT_INTERRUPTED && r->hashed)
		snprintf(out, outlen,
			 "interrupted by %s while the image files were hashed from storage: not verified (the media re-read had %.900s)",
			 signal_name(), passed);
	else if (r->status == FX_VERDICT_INTERRUPTED)
		snprintf(out, outlen, "interrupted by %s after %llu of %llu bytes re-read: not verified",
			 signal_name(), (unsigned long long)r->bytes,
			 (unsigned long long)r->size);
	else if (!r->format) /* not opened: the open's finding comes first */
		snprintf(out, outlen, "FAILED: %.900s", first_finding(r));
	else if (r->nbad)
		snprintf(out, outlen,
			 "FAILED: could not re-read %llu of %llu sectors (%zu range(s), the first at sector %llu)",
			 (unsigned long long)r->bad_sectors,
			 (unsigned long long)(r->sector_size ? r->size / r->sector_size : 0),
			 r->nbad, (unsigned long long)r->bad[0].first);
	else if (r->hashed && (fx_digests_compare(&r->computed, &st->res.digests) != 0 ||
			       r->bytes != st->res.bytes))
		say_differs(out, outlen, &st->res.digests, &r->computed, r->bytes);
	else if (r->hashed && fail)
		snprintf(out, outlen, "FAILED: image files could not be read back: %.900s",
			 fail->message);
	else
		snprintf(out, outlen, "FAILED: %.900s", first_finding(r));
}

static void verify_image(acq_state *st)
{
	fx_verify_options vo = FX_VERIFY_OPTIONS_INIT;
	fx_casedb_acquisition_info ref;

	reference(st, &ref);
	vo.hash_algs = st->opt.hash_algs;
	vo.bypass_cache = 1;
	vo.retries = st->opt.retries;
	vo.cancel = &fx_tool_signal;
	vo.reference = &ref;
	vo.file_hashes = FX_VERIFY_FILES_UNKNOWN;
	acq_progress_verify_hook(&vo, st->res.bytes);
	if (fx_verify_image(&st->verification, st->files[0].path, NULL, &vo) != 0)
		not_started(st);
	fx_meter_end();
	st->verify_ran = 1;
	st->verify_state = st->verification.status;
	if (st->verify_state == FX_VERDICT_MISMATCH || st->verify_state == FX_VERDICT_ERROR)
		st->mismatch = 1;
	take_file_hashes(st);
	say_image(st, st->verify_result, sizeof(st->verify_result));
}

/* ---- after writing ------------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A failed run's files, hashed as left so that the record says exactly
 * what is there (a further signal stops it): not a verification. */
static void hash_left_files(acq_state *st)
{
	struct timespec t0;
	uint64_t bytes = 0, total = 0;
	size_t i, n = 0, done = 0;

	for (i = 0; i < st->nfiles; i++)
		if (!st->files[i].sha256[0]) {
			n++;
			total += st->files[i].size;
		}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < st->nfiles; i++) {
		if (st->files[i].sha256[0])
			continue;
		/* a file at a time: its progress between files */
		acq_progress_files(done, n, bytes, total, seconds_since(&t0));
		if (fx_file_sha256_stored(st->files[i].sha256, st->files[i].path,
					  &fx_tool_signal) != 0) {
			note_unhashed(st, fx_error_last());
			break;
		}
		done++;
		bytes += st->files[i].size;
	}
	if (n)
		acq_progress_files(done, n, bytes, total, seconds_since(&t0));
	fx_meter_end();
}

void acq_verify_outputs(acq_state *st)
{
	snprintf(st->verify_result, sizeof(st->verify_result), "skipped");
	snprintf(st->verify_source_result, sizeof(st->verify_source_result), "skipped");
	if (st->status != FX_STATUS_COMPLETED &&
	    st->status != FX_STATUS_COMPLETED_WITH_ERRORS) {
		/* Not verified; an interrupted run is not kept waiting for
		 * its files' hashes. */
		if (st->status == FX_STATUS_INTERRUPTED)
			note_unhashed(st, "the acquisition was interrupted");
		else
			hash_left_files(st);
		return;
	}
	if (!st->opt.verify)
		note_unhashed(st, "--no-verify, the image was not read back");
	else if (st->nfiles)
		verify_image(st);
	if (st->opt.verify_source)
		verify_source(st);
}
