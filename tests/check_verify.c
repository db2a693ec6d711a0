/*
 * Unit tests of the verification module (src/verify) through the public
 * API, over images made by the library's writers and files changed byte
 * by byte. The expected values come from elsewhere: hashes from OpenSSL
 * over the known media (not from libforensic's hashers), chunk locations
 * from the E01's own table section (testutil.c), byte ranges and sector
 * ranges from where the test changed a byte. (The image readers under it:
 * check_image.c.)
 *
 * Verified against a record; one changed byte gives the three media hash
 * findings, the file's and exactly one window; runs of windows are merged;
 * split raw names the segment and its media range; truncated, missing and
 * extra files; no record; the precedence of mismatch over error; a corrupt
 * E01 chunk named by its sectors; the recorded event; JSON escaping; the
 * caller's format decides how an image is read; a cancelled run has no
 * verdict; a damaged E01 set names the segments that changed; the
 * progress of the files hashed from storage, beside the media read and
 * after it; NAME.sha256 written (its rule, bytes and refusals) and read
 * back; an export (fx_verify_export) of a split raw set as a VHD, kept and
 * recorded when verified, removed and not recorded when a segment changed,
 * and its argument checks; an interrupted acquisition's image is not
 * read: resumable (found by its checkpoint) or how far it got.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forensic/forensic.h"
#include "testutil.h"

#define assert_prefix(s, prefix) \
	ck_assert_msg(strncmp((s), (prefix), strlen(prefix)) == 0, \
		      "'%s' does not start with '%s'", (s), (prefix))

/* ---- verification against a record ----------------------------------------- */

typedef struct fixture {
	char dir[4096], db_path[4200];
	fx_casedb *db;
	uint8_t *media;
	fxt_hashes h;
	const char *case_number, *evidence_number; /* NULL: C-1, EV-1 */
} fixture;

static void fixture_open(fixture *f, const char *tag)
{
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "%s", fxt_tmpdir(tag));
	snprintf(f->db_path, sizeof(f->db_path), "%s/case.db", f->dir);
	o.actor = "tester";
	o.host = "testhost";
	ck_assert_int_eq(fx_casedb_open(&f->db, f->db_path, &o), 0);
	f->media = fxt_make_media();
	f->h = fxt_hash_of(f->media, FXT_MEDIA_SIZE);
}

static void fixture_close(fixture *f)
{
	fx_casedb_free(f->db);
	free(f->media);
}

/* Records an acquisition of the media as the given files (each holding
 * size bytes of it in order, the last the rest), with windows. */
static int64_t record(fixture *f, const char *format, char paths[][4300],
		      size_t nfiles, uint64_t seg, uint64_t window)
{
	fx_casedb_acquisition rec = FX_CASEDB_ACQUISITION_INIT;
	fx_casedb_result res = FX_CASEDB_RESULT_INIT;
	fx_image_file files[32];
	fx_window_hash win[64];
	char sha[32][65], wsha[64][65];
	size_t i, nwin = window ? (FXT_MEDIA_SIZE + window - 1) / window : 0;
	int64_t id;

	rec.case_number = f->case_number ? f->case_number : "C-1";
	rec.evidence.evidence_number = f->evidence_number ? f->evidence_number : "EV-1";
	rec.format = format;
	rec.tool = "test";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, f->db, &rec), 0);
	for (i = 0; i < nfiles; i++) {
		uint64_t at = i * seg, len = i + 1 < nfiles ? seg : FXT_MEDIA_SIZE - at;
		struct stat st;

		if (!strcmp(format, "e01")) { /* segment files: their own bytes */
			ck_assert_int_eq(stat(paths[i], &st), 0);
			len = (uint64_t)st.st_size;
			ck_assert_int_eq(fxt_file_sha256(sha[i], paths[i]), 0);
		} else {
			fxt_sha256_hex(sha[i], f->media + at, (size_t)len);
		}
		files[i].path = paths[i];
		files[i].size = len;
		memcpy(files[i].sha256, sha[i], sizeof(files[i].sha256));
	}
	for (i = 0; i < nwin; i++) {
		win[i].offset = i * window;
		win[i].length = FXT_MEDIA_SIZE - win[i].offset < window ? FXT_MEDIA_SIZE - win[i].offset : window;
		fxt_sha256_hex(wsha[i], f->media + win[i].offset, (size_t)win[i].length);
		memcpy(win[i].sha256, wsha[i], sizeof(win[i].sha256));
	}
	res.status = FX_STATUS_COMPLETED;
	res.bytes = FXT_MEDIA_SIZE;
	res.sector_size = 512;
	snprintf(res.hashes.md5, sizeof(res.hashes.md5), "%s", f->h.md5);
	snprintf(res.hashes.sha1, sizeof(res.hashes.sha1), "%s", f->h.sha1);
	snprintf(res.hashes.sha256, sizeof(res.hashes.sha256), "%s", f->h.sha256);
	res.files = files;
	res.n_files = nfiles;
	res.windows = win;
	res.n_windows = nwin;
	ck_assert_int_eq(fx_casedb_acquisition_finish(f->db, id, &res), 0);
	return id;
}

static const fx_verify_finding *find_kind(const fx_verify_result *r, int kind, size_t nth)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].kind == kind && nth-- == 0)
			return &r->findings[i];
	return NULL;
}

static size_t count_kind(const fx_verify_result *r, int kind)
{
	size_t i, n = 0;

	for (i = 0; i < r->nfindings; i++)
		n += r->findings[i].kind == kind;
	return n;
}

static void verify(fx_verify_result *r, const char *path, fx_casedb *db)
{
	fx_verify_options o = FX_VERIFY_OPTIONS_INIT;
	size_t i;

	o.threads = 2;
	ck_assert_msg(fx_verify_image(r, path, db, &o) == 0, "%s", fx_error_last());
	if (getenv("FX_TEST_VERBOSE"))
		for (i = 0; i < r->nfindings; i++)
			fprintf(stderr, "  finding: %s\n", r->findings[i].message);
}

START_TEST(test_raw_verified_then_one_byte_changed)
{
	fixture f;
	char raw[1][4300];
	fx_verify_result r;
	const fx_verify_finding *w;
	fxt_hashes changed;
	int64_t acq;

	fixture_open(&f, "verify-raw");
	snprintf(raw[0], sizeof(raw[0]), "%s/img.raw", f.dir);
	fxt_write_or_die(raw[0], f.media, FXT_MEDIA_SIZE);
	acq = record(&f, "raw", raw, 1, FXT_MEDIA_SIZE, FXT_MIB / 4);
	verify(&r, raw[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_VERIFIED);
	ck_assert_uint_eq(r.nfindings, 0);
	ck_assert_int_eq(r.acquisition_id, acq);
	ck_assert_str_eq(r.computed.md5, f.h.md5);
	ck_assert_str_eq(r.computed.sha1, f.h.sha1);
	ck_assert_str_eq(r.computed.sha256, f.h.sha256);
	ck_assert_int_eq(r.references, FX_REF_CASEDB);
	ck_assert_uint_eq(r.nwindows, 16);
	ck_assert_uint_eq(r.window_size, FXT_MIB / 4);
	fx_verify_result_clear(&r);

	/* one byte in window 9 ([2.25 MiB, 2.5 MiB)) */
	fxt_flip_byte(raw[0], 9 * (FXT_MIB / 4) + 12345);
	f.media[9 * (FXT_MIB / 4) + 12345] ^= 0x5a;
	changed = fxt_hash_of(f.media, FXT_MEDIA_SIZE);
	verify(&r, raw[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_MISMATCH);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_HASH), 3);
	ck_assert_str_eq(find_kind(&r, FX_FIND_HASH, 0)->expected, f.h.md5);
	ck_assert_str_eq(find_kind(&r, FX_FIND_HASH, 0)->computed, changed.md5);
	ck_assert_uint_eq(find_kind(&r, FX_FIND_HASH, 1)->alg, FX_HASH_SHA1);
	ck_assert_str_eq(find_kind(&r, FX_FIND_HASH, 2)->computed, changed.sha256);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_FILE_HASH), 1);
	ck_assert_str_eq(find_kind(&r, FX_FIND_FILE_HASH, 0)->file, raw[0]);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_WINDOW), 1);
	w = find_kind(&r, FX_FIND_WINDOW, 0);
	ck_assert_uint_eq(w->offset, 9 * (FXT_MIB / 4));
	ck_assert_uint_eq(w->length, FXT_MIB / 4);
	ck_assert_uint_eq(w->windows, 1);
	assert_prefix(w->message,
		      "bytes 2359296-2621439 (hash window 9 of 262144 bytes) differ from the acquisition record: "
		      "expected SHA-256 ");
	fx_verify_result_clear(&r);
	fixture_close(&f);
}
END_TEST

/* The result's texts are whole, however long: a case number of 300 and an
 * evidence number of 1000 characters came back cut at 255 when the result
 * held them in fixed arrays. */
START_TEST(test_result_texts_whole)
{
	fixture f;
	char raw[1][4300], cn[301], en[1001];
	fx_verify_result r;

	fixture_open(&f, "verify-texts");
	memset(cn, 'c', 300);
	cn[300] = '\0';
	memset(en, 'e', 1000);
	en[1000] = '\0';
	f.case_number = cn;
	f.evidence_number = en;
	snprintf(raw[0], sizeof(raw[0]), "%s/img.raw", f.dir);
	fxt_write_or_die(raw[0], f.media, FXT_MEDIA_SIZE);
	record(&f, "raw", raw, 1, FXT_MEDIA_SIZE, 0);
	verify(&r, raw[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_VERIFIED);
	ck_assert_str_eq(r.case_number, cn);
	ck_assert_str_eq(r.evidence_number, en);
	ck_assert_str_eq(r.path, raw[0]);
	ck_assert_str_eq(r.sha256_file, "");
	fx_verify_result_clear(&r);
	ck_assert_ptr_null(r.path);
	fixture_close(&f);
}
END_TEST

START_TEST(test_window_runs_are_merged)
{
	fixture f;
	char raw[1][4300];
	fx_verify_result r;
	const fx_verify_finding *w;

	fixture_open(&f, "verify-runs");
	snprintf(raw[0], sizeof(raw[0]), "%s/img.raw", f.dir);
	fxt_write_or_die(raw[0], f.media, FXT_MEDIA_SIZE);
	record(&f, "raw", raw, 1, FXT_MEDIA_SIZE, FXT_MIB / 8);
	fxt_flip_byte(raw[0], 2 * (FXT_MIB / 8) + 1);
	fxt_flip_byte(raw[0], 3 * (FXT_MIB / 8) + 2);
	fxt_flip_byte(raw[0], 4 * (FXT_MIB / 8) + 3);
	fxt_flip_byte(raw[0], FXT_MEDIA_SIZE - 1);
	verify(&r, raw[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_MISMATCH);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_WINDOW), 2);
	w = find_kind(&r, FX_FIND_WINDOW, 0);
	ck_assert_uint_eq(w->offset, 2 * (FXT_MIB / 8));
	ck_assert_uint_eq(w->length, 3 * (FXT_MIB / 8));
	ck_assert_uint_eq(w->windows, 3);
	ck_assert_str_eq(w->expected, "");
	ck_assert_str_eq(w->message, "bytes 262144-655359 (hash windows 2-4 of 131072 bytes) differ from the acquisition record");
	w = find_kind(&r, FX_FIND_WINDOW, 1);
	ck_assert_uint_eq(w->offset, FXT_MEDIA_SIZE - FXT_MIB / 8);
	ck_assert_uint_eq(w->windows, 1);
	fx_verify_result_clear(&r);
	fixture_close(&f);
}
END_TEST

/* Writes the media as split raw files of seg bytes: base.001, ... */
static size_t write_split(fixture *f, char paths[][4300], uint64_t seg)
{
	size_t n = (FXT_MEDIA_SIZE + seg - 1) / seg, i;

	for (i = 0; i < n; i++) {
		uint64_t at = i * seg, len = FXT_MEDIA_SIZE - at < seg ? FXT_MEDIA_SIZE - at : seg;

		snprintf(paths[i], 4300, "%s/sp.%03zu", f->dir, i + 1);
		fxt_write_or_die(paths[i], f->media + at, (size_t)len);
	}
	return n;
}

START_TEST(test_split_raw_findings)
{
	fixture f;
	char p[8][4300], extra[4300], msg[9000], sha[65];
	fx_verify_result r;
	const fx_verify_finding *x;
	size_t n;

	fixture_open(&f, "verify-split");
	n = write_split(&f, p, 1500000); /* 3 files, the last short */
	ck_assert_uint_eq(n, 3);
	record(&f, "split-raw", p, n, 1500000, 0);
	verify(&r, p[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_VERIFIED);
	ck_assert_int_eq(r.format, FX_IMAGE_SPLIT_RAW);
	ck_assert_uint_eq(r.nfiles, 3);
	ck_assert_str_eq(r.files[1].sha256, r.files[1].recorded_sha256);
	fx_verify_result_clear(&r);

	/* one byte of the second file */
	fxt_flip_byte(p[1], 10);
	verify(&r, p[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_MISMATCH);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_FILE_HASH), 1);
	x = find_kind(&r, FX_FIND_FILE_HASH, 0);
	ck_assert_str_eq(x->file, p[1]);
	ck_assert_uint_eq(x->offset, 1500000);
	ck_assert_uint_eq(x->length, 1500000);
	snprintf(msg, sizeof(msg), "image file %s (media bytes 1500000-2999999): SHA-256 differs from the acquisition record", p[1]);
	assert_prefix(x->message, msg);
	fx_verify_result_clear(&r);
	fxt_flip_byte(p[1], 10);

	/* the last file truncated: the media is not hashed, but every file
	 * is, and the one that is no longer what was recorded is a mismatch
	 * (it was an error that named no change before) */
	ck_assert_int_eq(truncate(p[2], 1000), 0);
	verify(&r, p[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_MISMATCH);
	ck_assert_int_eq(r.hashed, 0);
	x = find_kind(&r, FX_FIND_TRUNCATED, 0);
	ck_assert_ptr_nonnull(x);
	snprintf(msg, sizeof(msg), "image file %s is truncated: 1000 bytes, recorded 1194304", p[2]);
	ck_assert_str_eq(x->message, msg);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_FILE_HASH), 1);
	x = find_kind(&r, FX_FIND_FILE_HASH, 0);
	ck_assert_str_eq(x->file, p[2]);
	ck_assert_str_eq(x->expected, r.files[2].recorded_sha256);
	ck_assert_int_eq(fxt_file_sha256(sha, p[2]), 0);
	ck_assert_str_eq(x->computed, sha);
	ck_assert_str_eq(r.files[0].sha256, r.files[0].recorded_sha256);
	ck_assert_str_eq(r.files[1].sha256, r.files[1].recorded_sha256);
	fx_verify_result_clear(&r);

	/* the last file removed: the set looks whole, the record knows */
	unlink(p[2]);
	verify(&r, p[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_ERROR);
	x = find_kind(&r, FX_FIND_MISSING, 0);
	ck_assert_ptr_nonnull(x);
	snprintf(msg, sizeof(msg), "image file %s is missing (recorded by the acquisition)", p[2]);
	ck_assert_str_eq(x->message, msg);
	fx_verify_result_clear(&r);

	/* restored, plus a file no record lists: the short sp.003 is now in
	 * the middle, the set cannot be read, and the extra file is named */
	write_split(&f, p, 1500000);
	snprintf(extra, sizeof(extra), "%s/sp.004", f.dir);
	fxt_write_or_die(extra, "x", 1);
	verify(&r, p[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_ERROR);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_EXTRA_FILE), 1);
	ck_assert_str_eq(find_kind(&r, FX_FIND_EXTRA_FILE, 0)->file, extra);
	fx_verify_result_clear(&r);
	fixture_close(&f);
}
END_TEST

START_TEST(test_split_raw_extra_segment)
{
	fixture f;
	char p[8][4300], extra[4300];
	fx_verify_result r;
	size_t n;

	fixture_open(&f, "verify-extra");
	n = write_split(&f, p, FXT_MIB); /* 4 equal files */
	record(&f, "split-raw", p, n, FXT_MIB, 0);
	snprintf(extra, sizeof(extra), "%s/sp.005", f.dir);
	fxt_write_or_die(extra, "appended", 8);
	verify(&r, p[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_MISMATCH);
	ck_assert_uint_eq(r.size, FXT_MEDIA_SIZE + 8);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_EXTRA_FILE), 1);
	ck_assert_str_eq(find_kind(&r, FX_FIND_EXTRA_FILE, 0)->file, extra);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_SIZE), 1); /* the media grew */
	ck_assert_str_eq(find_kind(&r, FX_FIND_SIZE, 0)->message,
			 "the media is 4194312 bytes, the acquisition record says 4194304");
	ck_assert_uint_eq(count_kind(&r, FX_FIND_HASH), 3);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_FILE_HASH), 0);
	fx_verify_result_clear(&r);
	fixture_close(&f);
}
END_TEST

/* An acquisition that a process began and left running, with a
 * checkpoint of target at offset (acquire's resumable run, then killed),
 * or none (offset 0: an E01 run killed before it recorded a file): begun
 * by a child that exits without finishing it; its pid. */
static pid_t left_resumable(fixture *f, const char *target, uint64_t offset)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
		fx_casedb_acquisition rec = FX_CASEDB_ACQUISITION_INIT;
		fx_casedb_checkpoint cp;
		fx_casedb *db = NULL;
		char params[4400];
		int64_t id;

		o.actor = "tester";
		o.host = "testhost";
		rec.case_number = "C-1";
		rec.evidence.evidence_number = "EV-9";
		rec.evidence.source.size = FXT_MEDIA_SIZE;
		rec.format = offset ? "raw" : "e01";
		rec.tool = "test";
		snprintf(params, sizeof(params), "{\"target\":\"%s\"}", target);
		rec.parameters_json = params;
		memset(&cp, 0, sizeof(cp));
		cp.version = FX_CASEDB_CHECKPOINT_VERSION;
		cp.target = target;
		cp.offset = offset;
		cp.source_head_sha256 = cp.source_tail_sha256 = "";
		if (fx_casedb_open(&db, f->db_path, &o) != 0 ||
		    fx_casedb_acquisition_begin(&id, db, &rec) != 0 ||
		    (offset && fx_casedb_checkpoint_record(db, id, &cp) != 0))
			_exit(1);
		_exit(0); /* never finished: its process is gone */
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return pid;
}

/* An interrupted acquisition's image is not read: resumable (left open at
 * a checkpoint, found by it though no file is recorded), or how far it
 * got (finished as interrupted). Never a finding about the image. */
START_TEST(test_interrupted_acquisition)
{
	fixture f;
	fx_casedb_acquisition rec = FX_CASEDB_ACQUISITION_INIT;
	fx_casedb_result res = FX_CASEDB_RESULT_INIT;
	fx_image_file file;
	char raw[4400], target[4300], e01[4400], msg[9000], host[256];
	fx_verify_result r;
	int64_t id;
	pid_t pid;

	fixture_open(&f, "verify-interrupted");
	snprintf(target, sizeof(target), "%s/part", f.dir);
	snprintf(raw, sizeof(raw), "%s.raw", target);
	fxt_write_or_die(raw, f.media, 8192); /* a prefix, as a killed run leaves */
	left_resumable(&f, target, 8192);
	verify(&r, raw, f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_ERROR);
	ck_assert_int_eq(r.hashed, 0);
	ck_assert_int_eq(r.acquisition_id, 1);
	ck_assert_uint_eq(r.nfindings, 1);
	ck_assert_int_eq(r.findings[0].kind, FX_FIND_RECORD);
	snprintf(msg, sizeof(msg),
		 "interrupted acquisition, resumable with acquire --resume %s: acquisition 1 holds 8192 of %u bytes at its last checkpoint (",
		 target, FXT_MEDIA_SIZE);
	assert_prefix(r.findings[0].message, msg);
	fx_verify_result_clear(&r);
	/* finished as interrupted (an E01 run): how far it got, not resumable;
	 * its damaged segment is not read */
	snprintf(e01, sizeof(e01), "%s/cut.E01", f.dir);
	fxt_write_or_die(e01, "EVF\x09\x0d\x0a\xff\x00garbage", 16);
	rec.case_number = "C-1";
	rec.evidence.evidence_number = "EV-8";
	rec.evidence.source.size = FXT_MEDIA_SIZE;
	rec.format = "e01";
	rec.tool = "test";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, f.db, &rec), 0);
	memset(&file, 0, sizeof(file));
	file.path = e01;
	file.size = 16;
	res.status = FX_STATUS_INTERRUPTED;
	res.bytes = 4096;
	res.error = "interrupted after 4096 bytes";
	res.files = &file;
	res.n_files = 1;
	ck_assert_int_eq(fx_casedb_acquisition_finish(f.db, id, &res), 0);
	verify(&r, e01, f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_ERROR);
	ck_assert_int_eq(r.hashed, 0);
	ck_assert_uint_eq(r.nfindings, 1);
	snprintf(msg, sizeof(msg),
		 "interrupted acquisition: acquisition %lld stopped after 4096 of %u bytes (interrupted after 4096 bytes) and recorded no checkpoint to resume from: the image is incomplete; acquire it anew",
		 (long long)id, FXT_MEDIA_SIZE);
	ck_assert_str_eq(r.findings[0].message, msg);
	fx_verify_result_clear(&r);
	/* killed before it recorded a file or a checkpoint: found by the
	 * TARGET its parameters name */
	snprintf(target, sizeof(target), "%s/killed", f.dir);
	snprintf(e01, sizeof(e01), "%s.E01", target);
	fxt_write_or_die(e01, "EVF\x09\x0d\x0a\xff\x00garbage", 16);
	pid = left_resumable(&f, target, 0);
	gethostname(host, sizeof(host));
	verify(&r, e01, f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_ERROR);
	ck_assert_int_eq(r.acquisition_id, 3);
	ck_assert_uint_eq(r.nfindings, 1);
	snprintf(msg, sizeof(msg),
		 "interrupted acquisition: acquisition 3 stopped before its end (interrupted (never finished): process %ld on host %s is gone) and recorded no checkpoint to resume from: the image is incomplete; acquire it anew",
		 (long)pid, host);
	ck_assert_str_eq(r.findings[0].message, msg);
	fx_verify_result_clear(&r);
	fixture_close(&f);
}
END_TEST

START_TEST(test_no_record_and_precedence)
{
	fixture f;
	char raw[4300], list[4300], line[200];
	fx_verify_result r;

	fixture_open(&f, "verify-norecord");
	snprintf(raw, sizeof(raw), "%s/lone.raw", f.dir);
	snprintf(list, sizeof(list), "%s/lone.sha256", f.dir);
	fxt_write_or_die(raw, f.media, FXT_MEDIA_SIZE);
	/* no record, nothing else: error, hashes still computed */
	verify(&r, raw, f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_ERROR);
	ck_assert_int_eq(r.hashed, 1);
	ck_assert_str_eq(r.computed.sha256, f.h.sha256);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_NO_RECORD), 1);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_NO_REFERENCE), 1);
	fx_verify_result_clear(&r);
	/* a matching .sha256: still error (no record), the file is compared */
	snprintf(line, sizeof(line), "%s  lone.raw\n", f.h.sha256);
	fxt_write_or_die(list, line, strlen(line));
	verify(&r, raw, NULL);
	ck_assert_int_eq(r.status, FX_VERDICT_ERROR);
	ck_assert_int_eq(r.references, FX_REF_SHA256_FILE);
	ck_assert_str_eq(r.sha256_file, list);
	ck_assert_uint_eq(r.nfindings, 1);
	assert_prefix(r.findings[0].message, "no acquisition record for ");
	fx_verify_result_clear(&r);
	/* a .sha256 that differs: a mismatch is a mismatch, record or not */
	line[0] = line[0] == '0' ? '1' : '0';
	fxt_write_or_die(list, line, strlen(line));
	verify(&r, raw, NULL);
	ck_assert_int_eq(r.status, FX_VERDICT_MISMATCH);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_FILE_HASH), 1);
	ck_assert_int_eq(find_kind(&r, FX_FIND_FILE_HASH, 0)->reference, FX_REF_SHA256_FILE);
	fx_verify_result_clear(&r);
	fixture_close(&f);
}
END_TEST

/* A name with a backslash or a line feed is listed in sha256sum's escaped
 * form (a leading backslash, then \\ and \n in the name): read as such. */
START_TEST(test_sha256_file_escaped_names)
{
	fixture f;
	char raw[4300], list[4300], line[4400];
	fx_verify_result r;

	fixture_open(&f, "verify-escaped");
	snprintf(raw, sizeof(raw), "%s/ev\\1\nx.raw", f.dir);
	snprintf(list, sizeof(list), "%s/ev\\1\nx.sha256", f.dir);
	fxt_write_or_die(raw, f.media, FXT_MEDIA_SIZE);
	snprintf(line, sizeof(line), "\\%s  ev\\\\1\\nx.raw\n", f.h.sha256);
	fxt_write_or_die(list, line, strlen(line));
	verify(&r, raw, NULL);
	ck_assert_int_eq(r.status, FX_VERDICT_ERROR); /* no record */
	ck_assert_int_eq(r.references, FX_REF_SHA256_FILE);
	ck_assert_uint_eq(r.nfindings, 1);
	assert_prefix(r.findings[0].message, "no acquisition record for ");
	ck_assert_uint_eq(r.nfiles, 1);
	ck_assert_str_eq(r.files[0].path, raw);
	ck_assert_str_eq(r.files[0].listed_sha256, f.h.sha256);
	fx_verify_result_clear(&r);
	/* the same line with another hash: the file is named, unescaped */
	line[1] = line[1] == '0' ? '1' : '0';
	fxt_write_or_die(list, line, strlen(line));
	verify(&r, raw, NULL);
	ck_assert_int_eq(r.status, FX_VERDICT_MISMATCH);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_FILE_HASH), 1);
	ck_assert_str_eq(find_kind(&r, FX_FIND_FILE_HASH, 0)->file, raw);
	fx_verify_result_clear(&r);
	/* an escape sha256sum never writes: the line is refused */
	snprintf(line, sizeof(line), "\\%s  ev\\q.raw\n", f.h.sha256);
	fxt_write_or_die(list, line, strlen(line));
	verify(&r, raw, NULL);
	ck_assert_int_eq(r.status, FX_VERDICT_ERROR);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_RECORD), 1);
	snprintf(line, sizeof(line), "%s line 1 is not \"<sha256>  <file>\"", list);
	ck_assert_str_eq(find_kind(&r, FX_FIND_RECORD, 0)->message, line);
	fx_verify_result_clear(&r);
	fixture_close(&f);
}
END_TEST

START_TEST(test_e01_verification_and_record)
{
	fixture f;
	char target[4200], e01[4][4300];
	fx_verify_result r;
	fx_casedb_verification_info *v = NULL;
	const fx_verify_finding *c;
	char *json = NULL;
	int compressed;
	uint64_t off;

	fixture_open(&f, "verify-e01rec");
	snprintf(target, sizeof(target), "%s/ev", f.dir);
	snprintf(e01[0], sizeof(e01[0]), "%s.E01", target);
	fxt_make_e01(target, f.media, FXT_MEDIA_SIZE, "fast", 0);
	record(&f, "e01", e01, 1, 0, FXT_MIB);
	verify(&r, e01[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_VERIFIED);
	ck_assert_int_eq(r.references, FX_REF_CASEDB | FX_REF_E01);
	ck_assert_str_eq(r.expected_e01.md5, f.h.md5);
	fx_verify_result_clear(&r);

	off = fxt_chunk_offset(e01[0], 45, &compressed);
	fxt_flip_byte(e01[0], off + 100);
	verify(&r, e01[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_MISMATCH);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_CHUNK), 1);
	c = find_kind(&r, FX_FIND_CHUNK, 0);
	ck_assert_uint_eq(c->first_sector, 45 * 64);
	ck_assert_uint_eq(c->sectors, 64);
	ck_assert_str_eq(c->message, "E01 chunk 45 (sectors 2880-2943) fails its checksum");
	ck_assert_uint_eq(count_kind(&r, FX_FIND_HASH), 5); /* 3 record, 2 E01 */
	ck_assert_uint_eq(count_kind(&r, FX_FIND_WINDOW), 1);
	ck_assert_uint_eq(find_kind(&r, FX_FIND_WINDOW, 0)->offset, FXT_MIB);

	ck_assert_int_eq(fx_verify_record(f.db, &r, 0, "check_verify", "1"), 0);
	ck_assert_int_gt(r.verification_id, 0);
	ck_assert_int_eq(fx_casedb_verification_last(&v, f.db, r.acquisition_id), 0);
	ck_assert_int_eq(v->id, r.verification_id);
	ck_assert_int_eq(v->rec.result, FX_VERDICT_MISMATCH);
	ck_assert_str_eq(v->rec.hashes.md5, r.computed.md5);
	ck_assert_uint_eq(v->rec.n_windows, 4);
	ck_assert_ptr_nonnull(strstr(v->rec.findings, "\"status\":\"mismatch\""));
	ck_assert_ptr_nonnull(strstr(v->rec.findings, "\"first_sector\":2880,\"sectors\":64"));
	ck_assert_int_eq(fx_verify_result_json(&json, &r), 0);
	ck_assert_ptr_nonnull(strstr(json, "\"verification_id\":"));
	free(json);
	fx_casedb_verification_info_free(v);
	fx_verify_result_clear(&r);
	fixture_close(&f);
}
END_TEST

START_TEST(test_not_an_image_and_json_escaping)
{
	fixture f;
	char path[4300], *json = NULL;
	fx_verify_result r;

	fixture_open(&f, "verify-notimage");
	snprintf(path, sizeof(path), "%s/we\"ird\xff\n.E01", f.dir);
	fxt_write_or_die(path, "SQLite format 3", 16);
	verify(&r, path, f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_ERROR);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_NOT_IMAGE), 1);
	ck_assert_int_eq(fx_verify_result_json(&json, &r), 0);
	ck_assert_ptr_nonnull(strstr(json, "we\\\"ird\\u00ff\\u000a.E01"));
	ck_assert_ptr_nonnull(strstr(json, "\"kind\":\"not_image\""));
	free(json);
	ck_assert_int_eq(fx_verify_record(f.db, &r, 0, "t", "1"), FX_ENOTFOUND);
	fx_verify_result_clear(&r);
	fixture_close(&f);
}
END_TEST

/* Reads a whole file into memory. */
static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	ck_assert_int_eq(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

/* Records an acquisition whose media is the one file path (len bytes,
 * hashes h). */
static void record_file(fixture *f, const char *format, const char *path,
			const fxt_hashes *h, uint64_t len)
{
	fx_casedb_acquisition rec = FX_CASEDB_ACQUISITION_INIT;
	fx_casedb_result res = FX_CASEDB_RESULT_INIT;
	fx_image_file file = { path, len, "", 0, 0 };
	int64_t id;

	rec.case_number = "C-1";
	rec.evidence.evidence_number = "EV-2";
	rec.format = format;
	rec.tool = "test";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, f->db, &rec), 0);
	res.status = FX_STATUS_COMPLETED;
	res.bytes = len;
	res.sector_size = 512;
	snprintf(res.hashes.md5, sizeof(res.hashes.md5), "%s", h->md5);
	snprintf(res.hashes.sha1, sizeof(res.hashes.sha1), "%s", h->sha1);
	snprintf(res.hashes.sha256, sizeof(res.hashes.sha256), "%s", h->sha256);
	snprintf(file.sha256, sizeof(file.sha256), "%s", h->sha256);
	res.files = &file;
	res.n_files = 1;
	ck_assert_int_eq(fx_casedb_acquisition_finish(f->db, id, &res), 0);
}

static void expect_open_fails_with(const char *first, const fx_image_options *o,
				   int code, const char *needle)
{
	fx_source *img = NULL;

	ck_assert_int_eq(fx_image_open(&img, first, o), code);
	ck_assert_ptr_null(img);
	ck_assert_msg(strstr(fx_error_last(), needle), "message '%s' lacks '%s'",
		      fx_error_last(), needle);
}

/* The caller's format decides how an image is read; auto (no record) takes
 * the name and refuses contents that disagree with it. */
START_TEST(test_format_decides)
{
	fixture f;
	char target[4200], e01[4300], raw[1][4300], other[4300], split[4300], msg[9000];
	fx_image_options io = FX_IMAGE_OPTIONS_INIT;
	fx_image_options v1 = { 1, 0, 77, 0, NULL }; /* a version 1 caller: no format */
	fx_verify_result r;
	fx_source *img = NULL;
	uint8_t *bytes, buf[4096];
	fxt_hashes h;
	size_t len;

	fixture_open(&f, "verify-format");
	snprintf(target, sizeof(target), "%s/inner", f.dir);
	snprintf(e01, sizeof(e01), "%s.E01", target);
	fxt_make_e01(target, f.media, FXT_MEDIA_SIZE, "fast", 0);
	bytes = slurp(e01, &len);
	h = fxt_hash_of(bytes, len);
	snprintf(raw[0], sizeof(raw[0]), "%s/disk.raw", f.dir); /* a disk holding an E01 */
	fxt_write_or_die(raw[0], bytes, len);

	snprintf(msg, sizeof(msg), "%s is named as a raw image but starts with the EWF (E01) signature: without a recorded format it is read neither as raw nor as E01", raw[0]);
	fxt_expect_open_fails(raw[0], FX_ECORRUPT, msg);
	ck_assert_int_eq(fx_image_open(&img, raw[0], &v1), FX_ECORRUPT);
	io.format = FX_IMAGE_RAW;
	ck_assert_msg(fx_image_open(&img, raw[0], &io) == 0, "%s", fx_error_last());
	ck_assert_int_eq(fx_image_format(img), FX_IMAGE_RAW);
	ck_assert_uint_eq(fx_source_get_info(img)->size, len);
	ck_assert_int_eq(fx_source_pread(img, buf, sizeof(buf), 0), (int64_t)sizeof(buf));
	ck_assert_int_eq(memcmp(buf, bytes, sizeof(buf)), 0);
	fx_source_free(img);
	img = NULL;
	/* an E01 read as E01 when asked, a name that says nothing: sniffed */
	io.format = FX_IMAGE_E01;
	ck_assert_int_eq(fx_image_open(&img, e01, &io), 0);
	ck_assert_int_eq(fx_image_format(img), FX_IMAGE_E01);
	fx_source_free(img);
	img = NULL;
	snprintf(other, sizeof(other), "%s/evidence.bin", f.dir);
	fxt_write_or_die(other, bytes, len);
	ck_assert_int_eq(fx_image_open(&img, other, NULL), 0);
	ck_assert_int_eq(fx_image_format(img), FX_IMAGE_E01);
	fx_source_free(img);
	img = NULL;
	/* bad options */
	io.format = FX_IMAGE_SPLIT_RAW;
	snprintf(msg, sizeof(msg), "split raw image %s: give its first file, NAME.001", raw[0]);
	expect_open_fails_with(raw[0], &io, FX_EUSAGE, msg);
	io.format = 9;
	expect_open_fails_with(raw[0], &io, FX_EUSAGE, "unknown image format 9");
	io.format = FX_IMAGE_RAW;
	io.version = FX_IMAGE_OPTIONS_VERSION + 1; /* a newer caller's */
	snprintf(msg, sizeof(msg), "fx_image_options version %d, expected 1 to %d",
		 FX_IMAGE_OPTIONS_VERSION + 1, FX_IMAGE_OPTIONS_VERSION);
	expect_open_fails_with(raw[0], &io, FX_EUSAGE, msg);
	snprintf(split, sizeof(split), "%s/parts.001", f.dir);
	fxt_write_or_die(split, bytes, len);
	fxt_expect_open_fails(split, FX_ECORRUPT, "is named as a raw image but starts with the EWF (E01) signature");

	/* verified as the record says it was written: raw */
	record_file(&f, "raw", raw[0], &h, len);
	verify(&r, raw[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_VERIFIED);
	ck_assert_int_eq(r.format, FX_IMAGE_RAW);
	ck_assert_uint_eq(r.size, len);
	ck_assert_str_eq(r.computed.md5, h.md5);
	ck_assert_uint_eq(r.nfindings, 0);
	fx_verify_result_clear(&r);
	free(bytes);
	fixture_close(&f);
}
END_TEST

/* A cancel flag set: no verdict, nothing hashed, recorded as interrupted. */
START_TEST(test_cancelled_is_no_verdict)
{
	fixture f;
	char raw[1][4300], msg[9000];
	fx_verify_options o = FX_VERIFY_OPTIONS_INIT;
	volatile sig_atomic_t cancel = 1;
	fx_casedb_verification_info *v = NULL;
	const fx_verify_finding *x;
	fx_verify_result r;

	fixture_open(&f, "verify-cancel");
	snprintf(raw[0], sizeof(raw[0]), "%s/img.raw", f.dir);
	fxt_write_or_die(raw[0], f.media, FXT_MEDIA_SIZE);
	record(&f, "raw", raw, 1, FXT_MEDIA_SIZE, 0);
	o.cancel = &cancel;
	ck_assert_int_eq(fx_verify_image(&r, raw[0], f.db, &o), 0);
	ck_assert_int_eq(r.status, FX_VERDICT_INTERRUPTED);
	ck_assert_str_eq(fx_verdict_name(r.status), "interrupted");
	ck_assert_int_eq(r.hashed, 0);
	ck_assert_uint_eq(r.nfindings, 1);
	x = find_kind(&r, FX_FIND_INTERRUPTED, 0);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(x->status, FX_VERDICT_INTERRUPTED);
	snprintf(msg, sizeof(msg), "reading %s after 0 of %u bytes was interrupted: no verdict", raw[0], FXT_MEDIA_SIZE);
	ck_assert_str_eq(x->message, msg);
	ck_assert_int_eq(fx_verify_record(f.db, &r, 0, "check_verify", "1"), 0);
	ck_assert_int_eq(fx_casedb_verification_last(&v, f.db, r.acquisition_id), 0);
	ck_assert_int_eq(v->rec.result, FX_VERDICT_INTERRUPTED);
	ck_assert_str_eq(v->rec.hashes.md5, "");
	ck_assert_str_eq(v->rec.hashes.sha256, "");
	ck_assert_ptr_nonnull(strstr(v->rec.findings, "\"status\":\"interrupted\""));
	fx_casedb_verification_info_free(v);
	fx_verify_result_clear(&r);
	fixture_close(&f);
}
END_TEST

/* E01 structure damaged: the segments whose SHA-256 changed are named and
 * the verdict is mismatch, the structural finding beside them. */
START_TEST(test_damaged_set_names_changed_files)
{
	fixture f;
	char target[4200], e[5][4300], aside[4300], msg[9000], sha[65];
	fx_verify_result r;
	const fx_verify_finding *x;
	size_t i;

	fixture_open(&f, "verify-damaged");
	snprintf(target, sizeof(target), "%s/s", f.dir);
	fxt_make_segmented(target, f.media); /* random media: 5 segments of 1 MiB */
	f.h = fxt_hash_of(f.media, FXT_MEDIA_SIZE);
	for (i = 0; i < 5; i++)
		snprintf(e[i], sizeof(e[i]), "%s.E%02zu", target, i + 1);
	snprintf(aside, sizeof(aside), "%s.aside", target);
	record(&f, "e01", e, 5, 0, 0);
	verify(&r, e[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_VERIFIED);
	fx_verify_result_clear(&r);

	fxt_flip_byte(e[2], 13 + 20);
	verify(&r, e[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_MISMATCH);
	ck_assert_int_eq(r.hashed, 0);
	x = find_kind(&r, FX_FIND_CORRUPT, 0);
	ck_assert_ptr_nonnull(x);
	snprintf(msg, sizeof(msg), "image segment %s is damaged: the section descriptor at byte 13 fails its checksum", e[2]);
	ck_assert_str_eq(x->message, msg);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_FILE_HASH), 1);
	x = find_kind(&r, FX_FIND_FILE_HASH, 0);
	ck_assert_str_eq(x->file, e[2]);
	ck_assert_int_eq(fxt_file_sha256(sha, e[2]), 0);
	ck_assert_str_eq(x->computed, sha);
	fx_verify_result_clear(&r);
	fxt_flip_byte(e[2], 13 + 20);

	/* E02 and E03 swapped */
	ck_assert_int_eq(rename(e[1], aside), 0);
	ck_assert_int_eq(rename(e[2], e[1]), 0);
	ck_assert_int_eq(rename(aside, e[2]), 0);
	verify(&r, e[0], f.db);
	ck_assert_int_eq(r.status, FX_VERDICT_MISMATCH);
	snprintf(msg, sizeof(msg), "image segment %s says it is segment 3, expected 2: renamed or replaced", e[1]);
	ck_assert_str_eq(find_kind(&r, FX_FIND_CORRUPT, 0)->message, msg);
	ck_assert_uint_eq(count_kind(&r, FX_FIND_FILE_HASH), 2);
	ck_assert_str_eq(find_kind(&r, FX_FIND_FILE_HASH, 0)->file, e[1]);
	ck_assert_str_eq(find_kind(&r, FX_FIND_FILE_HASH, 1)->file, e[2]);
	fx_verify_result_clear(&r);
	fixture_close(&f);
}
END_TEST

/* ---- the progress of the files hashed from storage ------------------------- */

typedef struct files_seen {
	unsigned calls;
	fx_verify_files_progress last;
	int went_back, other_thread;
	pthread_t caller;
} files_seen;

static void see_files(const fx_verify_files_progress *p, void *payload)
{
	files_seen *fs = payload;

	fs->calls++;
	fs->went_back |= p->files_done < fs->last.files_done ||
			 p->bytes_done < fs->last.bytes_done ||
			 p->elapsed_s < fs->last.elapsed_s;
	fs->other_thread |= !pthread_equal(pthread_self(), fs->caller);
	fs->last = *p;
}

static void verify_seen(fx_verify_result *r, const char *path, fx_casedb *db,
			files_seen *fs)
{
	fx_verify_options o = FX_VERIFY_OPTIONS_INIT;

	memset(fs, 0, sizeof(*fs));
	fs->caller = pthread_self();
	o.threads = 2;
	o.files_progress = see_files;
	o.files_progress_payload = fs;
	ck_assert_msg(fx_verify_image(r, path, db, &o) == 0, "%s", fx_error_last());
}

/* The segments of an E01 set are hashed from storage beside the media
 * read (a helper thread) or, when the set is damaged, after it on the
 * calling thread: either way the caller hears, on its own thread, how far
 * it got and, at least once, how it ended -- every file, every byte. */
START_TEST(test_files_progress)
{
	fixture f;
	char target[4200], e[5][4300];
	files_seen fs;
	fx_verify_result r;
	uint64_t total = 0;
	struct stat st;
	size_t i;

	fixture_open(&f, "verify-filesprog");
	snprintf(target, sizeof(target), "%s/s", f.dir);
	fxt_make_segmented(target, f.media); /* random media: 5 segments */
	f.h = fxt_hash_of(f.media, FXT_MEDIA_SIZE);
	for (i = 0; i < 5; i++) {
		snprintf(e[i], sizeof(e[i]), "%s.E%02zu", target, i + 1);
		ck_assert_int_eq(stat(e[i], &st), 0);
		total += (uint64_t)st.st_size;
	}
	record(&f, "e01", e, 5, 0, 0);

	verify_seen(&r, e[0], f.db, &fs);
	ck_assert_int_eq(r.status, FX_VERDICT_VERIFIED);
	ck_assert_uint_ge(fs.calls, 1);
	ck_assert_int_eq(fs.went_back, 0);
	ck_assert_int_eq(fs.other_thread, 0);
	ck_assert_uint_eq(fs.last.files_done, 5);
	ck_assert_uint_eq(fs.last.files_total, 5);
	ck_assert_uint_eq(fs.last.bytes_done, total);
	ck_assert_uint_eq(fs.last.bytes_total, total);
	ck_assert(fs.last.elapsed_s >= 0 && fs.last.elapsed_s <= r.elapsed_s);
	fx_verify_result_clear(&r);

	/* damaged: not read as media, its files hashed on the calling thread */
	fxt_flip_byte(e[2], 13 + 20);
	verify_seen(&r, e[0], f.db, &fs);
	ck_assert_int_eq(r.status, FX_VERDICT_MISMATCH);
	ck_assert_int_eq(r.hashed, 0);
	ck_assert_uint_ge(fs.calls, 1);
	ck_assert_int_eq(fs.went_back, 0);
	ck_assert_int_eq(fs.other_thread, 0);
	ck_assert_uint_eq(fs.last.files_done, 5);
	ck_assert_uint_eq(fs.last.files_total, 5);
	ck_assert_uint_eq(fs.last.bytes_done, total);
	ck_assert_uint_eq(fs.last.bytes_total, total);
	fx_verify_result_clear(&r);
	fixture_close(&f);
}
END_TEST

/* ---- NAME.sha256, written and read by the library ------------------------- */

typedef struct listed {
	char text[4096]; /* "lineno:sha256:name|" per line given */
} listed;

static int collect_line(const char *sha256, const char *name, unsigned lineno,
			void *payload)
{
	listed *l = payload;
	size_t len = strlen(l->text);

	snprintf(l->text + len, sizeof(l->text) - len, "%u:%s:%s|", lineno,
		 sha256 ? sha256 : "NULL", name ? name : "NULL");
	return 0;
}

START_TEST(test_sha256_file_written_and_read)
{
	const char *dir = fxt_tmpdir("verify-sha256file");
	char path[4200], link[4200], a[4200], b[4200], want[1024], up[65];
	fx_image_file files[2];
	uint8_t *bytes;
	size_t len, i = 99;
	struct stat st;
	listed l;
	int created = -1;

	snprintf(path, sizeof(path), "%s/t.sha256", dir);
	snprintf(a, sizeof(a), "%s/t.001", dir);
	snprintf(b, sizeof(b), "%s/t\\x\n.002", dir);
	memset(files, 0, sizeof(files));
	files[0].path = a;
	files[1].path = b;
	memset(files[0].sha256, 'a', 64);
	/* the rule: a whole image, every file hashed */
	ck_assert_int_eq(fx_sha256_file_withheld(&i, FX_STATUS_COMPLETED, files, 2),
			 FX_SHA256_UNHASHED);
	ck_assert_uint_eq(i, 1);
	memset(files[1].sha256, 'b', 64);
	ck_assert_int_eq(fx_sha256_file_withheld(NULL, FX_STATUS_INTERRUPTED, files, 2),
			 FX_SHA256_INTERRUPTED);
	ck_assert_int_eq(fx_sha256_file_withheld(NULL, FX_STATUS_FAILED, files, 2),
			 FX_SHA256_NOT_FINISHED);
	ck_assert_int_eq(fx_sha256_file_withheld(NULL, FX_STATUS_COMPLETED, files, 0),
			 FX_SHA256_NO_FILES);
	ck_assert_int_eq(fx_sha256_file_withheld(NULL, FX_STATUS_COMPLETED_WITH_ERRORS,
						 files, 2), FX_SHA256_ALLOWED);
	ck_assert_int_eq(fx_sha256_file_write(&created, path, FX_STATUS_FAILED, files, 2),
			 FX_EUSAGE);
	ck_assert_int_eq(created, 0);
	ck_assert_int_eq(access(path, F_OK), -1); /* nothing created */
	/* sha256sum's bytes: base names, the backslash and line feed escaped */
	ck_assert_msg(fx_sha256_file_write(&created, path, FX_STATUS_COMPLETED, files, 2) == 0,
		      "%s", fx_error_last());
	snprintf(want, sizeof(want), "%s  t.001\n\\%s  t\\\\x\\n.002\n",
		 files[0].sha256, files[1].sha256);
	bytes = slurp(path, &len);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_int_eq(memcmp(bytes, want, len), 0);
	free(bytes);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0444);
	/* never over anything, never through a link */
	ck_assert_int_eq(fx_sha256_file_write(&created, path, FX_STATUS_COMPLETED, files, 2),
			 FX_EEXISTS);
	ck_assert_int_eq(created, 0);
	snprintf(link, sizeof(link), "%s/l.sha256", dir);
	ck_assert_int_eq(symlink(a, link), 0);
	ck_assert_int_eq(fx_sha256_file_write(&created, link, FX_STATUS_COMPLETED, files, 2),
			 FX_EEXISTS);
	ck_assert_msg(strstr(fx_error_last(), "(a symbolic link, never followed)"), "%s",
		      fx_error_last());
	ck_assert_int_eq(access(a, F_OK), -1); /* the link's target not made */
	/* read back: names unescaped, hashes lowered, lines that are no
	 * entry given without either, comments and blank lines not at all */
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(fx_sha256_file_read(path, collect_line, &l), 0);
	snprintf(want, sizeof(want), "1:%s:t.001|2:%s:t\\x\n.002|", files[0].sha256,
		 files[1].sha256);
	ck_assert_str_eq(l.text, want);
	memset(up, 'C', 64);
	up[64] = '\0';
	snprintf(want, sizeof(want), "# list\n\n%s *bin.img\r\nnot a line\n\\%s  x\\q\n",
		 up, up);
	chmod(path, 0644);
	fxt_write_or_die(path, want, strlen(want));
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(fx_sha256_file_read(path, collect_line, &l), 0);
	memset(up, 'c', 64);
	snprintf(want, sizeof(want), "3:%s:bin.img|4:NULL:NULL|5:NULL:NULL|", up);
	ck_assert_str_eq(l.text, want);
	snprintf(want, sizeof(want), "cannot read %s/none.sha256: No such file or directory", dir);
	snprintf(path, sizeof(path), "%s/none.sha256", dir);
	ck_assert_int_eq(fx_sha256_file_read(path, collect_line, &l), FX_ENOTFOUND);
	ck_assert_str_eq(fx_error_last(), want);
}
END_TEST


/* ---- export ---------------------------------------------------------------- */

static int count_export(const fx_casedb_export_info *x, void *payload)
{
	(void)x;
	(*(int *)payload)++;
	return 0;
}

/* A split raw set (the segment hashing and the export's writer share the
 * one read) exported as a fixed VHD: the media, then the footer; the file's
 * SHA-256 is the file's; the verification and the export recorded. Then a
 * changed segment: refused, the file removed, no export recorded, the
 * failed verification recorded. */
START_TEST(test_export_verified_then_refused)
{
	fixture f;
	char p[8][4300], dest[4400], sha[65];
	fx_export_options eo = FX_EXPORT_OPTIONS_INIT;
	fx_verify_options vo = FX_VERIFY_OPTIONS_INIT;
	fx_export_result r;
	struct stat st;
	uint8_t *back;
	size_t n, len;
	int exports = 0;

	fixture_open(&f, "verify-export");
	n = write_split(&f, p, 1500000);
	record(&f, "split-raw", p, n, 1500000, FXT_MIB / 4);
	snprintf(dest, sizeof(dest), "%s/out.vhd", f.dir);
	eo.format = FX_EXPORT_VHD;
	vo.hash_algs = FX_HASH_MD5; /* SHA-256 is added: it names the files */
	eo.verify = &vo;
	ck_assert_msg(fx_verify_export(&r, p[0], dest, f.db, &eo) == 0, "%s", fx_error_last());
	ck_assert_int_eq(r.verify.status, FX_VERDICT_VERIFIED);
	ck_assert_int_eq(r.exported, 1);
	ck_assert_int_eq(r.export_id, 1);
	ck_assert_int_gt(r.verify.verification_id, 0);
	ck_assert_str_eq(r.verify.computed.sha256, f.h.sha256);
	ck_assert_uint_eq(r.nfiles, 1);
	ck_assert_str_eq(r.files[0].path, dest);
	ck_assert_uint_eq(r.files[0].size, FXT_MEDIA_SIZE + 512);
	ck_assert_int_eq(fxt_file_sha256(sha, dest), 0);
	ck_assert_str_eq(r.files[0].sha256, sha);
	back = slurp(dest, &len);
	ck_assert_uint_eq(len, FXT_MEDIA_SIZE + 512);
	ck_assert_int_eq(memcmp(back, f.media, FXT_MEDIA_SIZE), 0);
	ck_assert_int_eq(memcmp(back + FXT_MEDIA_SIZE, "conectix", 8), 0);
	free(back);
	ck_assert_int_eq(stat(dest, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0444);
	fx_export_result_clear(&r);
	ck_assert_int_eq(fx_casedb_export_list(f.db, 0, count_export, &exports), 0);
	ck_assert_int_eq(exports, 1);

	/* the same PATH again: refused before anything is read or recorded */
	ck_assert_int_eq(fx_verify_export(&r, p[0], dest, f.db, &eo), FX_EEXISTS);
	ck_assert_int_eq(r.verify.verification_id, 0);

	/* one byte of the second segment changed */
	fxt_flip_byte(p[1], 1000);
	snprintf(dest, sizeof(dest), "%s/out.raw", f.dir);
	eo.format = FX_EXPORT_RAW;
	ck_assert_int_eq(fx_verify_export(&r, p[0], dest, f.db, &eo), 0);
	ck_assert_int_eq(r.verify.status, FX_VERDICT_MISMATCH);
	ck_assert_int_eq(r.exported, 0);
	ck_assert_int_eq(r.export_id, 0);
	ck_assert_uint_eq(r.nfiles, 0);
	ck_assert_int_eq(r.removed, 0);
	ck_assert_int_gt(r.verify.verification_id, 0);
	ck_assert_int_eq(lstat(dest, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	fx_export_result_clear(&r);
	exports = 0;
	ck_assert_int_eq(fx_casedb_export_list(f.db, 0, count_export, &exports), 0);
	ck_assert_int_eq(exports, 1);
	fixture_close(&f);
}
END_TEST

START_TEST(test_export_arguments)
{
	fixture f;
	fx_export_options eo = FX_EXPORT_OPTIONS_INIT;
	fx_verify_options vo = FX_VERIFY_OPTIONS_INIT;
	fx_export_result r;

	fixture_open(&f, "verify-export-args");
	ck_assert_int_eq(fx_verify_export(&r, "x", "/tmp/y", NULL, NULL), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_verify_export: db is required");
	eo.version = 2;
	ck_assert_int_eq(fx_verify_export(&r, "x", "/tmp/y", f.db, &eo), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_verify_export: fx_export_options version 2, expected 1 to 1");
	eo.version = FX_EXPORT_OPTIONS_VERSION;
	eo.verify = &vo;
	vo.version = 3;
	ck_assert_int_eq(fx_verify_export(&r, "x", "/tmp/y", f.db, &eo), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_verify_export: fx_verify_options version 3, expected 1 to 2");
	eo.verify = NULL;
	eo.format = 9;
	ck_assert_int_eq(fx_verify_export(&r, "x", "/tmp/y", f.db, &eo), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_verify_export: unknown format 9");
	fx_export_result_clear(NULL);
	fixture_close(&f);
}
END_TEST

static Suite *verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *ver = tcase_create("verification");

	tcase_add_test(ver, test_raw_verified_then_one_byte_changed);
	tcase_add_test(ver, test_result_texts_whole);
	tcase_add_test(ver, test_window_runs_are_merged);
	tcase_add_test(ver, test_split_raw_findings);
	tcase_add_test(ver, test_split_raw_extra_segment);
	tcase_add_test(ver, test_no_record_and_precedence);
	tcase_add_test(ver, test_interrupted_acquisition);
	tcase_add_test(ver, test_sha256_file_escaped_names);
	tcase_add_test(ver, test_sha256_file_written_and_read);
	tcase_add_test(ver, test_e01_verification_and_record);
	tcase_add_test(ver, test_not_an_image_and_json_escaping);
	tcase_add_test(ver, test_format_decides);
	tcase_add_test(ver, test_cancelled_is_no_verdict);
	tcase_add_test(ver, test_damaged_set_names_changed_files);
	tcase_add_test(ver, test_files_progress);
	tcase_add_test(ver, test_export_verified_then_refused);
	tcase_add_test(ver, test_export_arguments);
	suite_add_tcase(s, ver);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(verify_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
