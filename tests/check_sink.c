/*
 * Unit tests of the image writers (src/sink) and their evidence-file
 * rules: the E01 writer's segment names (as libewf names them, up to
 * .ZZZ), its refusal of every name the set can reach and of a media size
 * that is not a whole number of sectors, files that appear while the set
 * is being written (a symbolic link and a regular file: the run fails
 * naming the file, which is left untouched), the pipeline's rule that a
 * run is "completed" only when the sink holds every byte of the source,
 * the version rule for custom ops; raw segment names, the raw sink's
 * segments cut at exactly their size and their 1 MiB minimum, the E01
 * segment limits of each EWF format and the E01 writer's option check.
 * One test writes through the pipeline's private fx_sink_write, so this
 * test links the library's objects (forensic_private).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forensic/forensic.h"
#include "sink/sink_impl.h" /* fx_sink_write: the pipeline's, private */
#include "testutil.h"

#define MIB (1u << 20)

static void segment_name_is(const char *format, unsigned index, const char *ext)
{
	char out[64], want[64];

	ck_assert_int_eq(fx_e01_segment_name(out, sizeof(out), "t", format, index), 0);
	snprintf(want, sizeof(want), "t.%s", ext);
	ck_assert_str_eq(out, want);
}

/* libewf's scheme: E01..E99, then EAA..EZZ, FAA.., ..., ZZZ (14971). */
START_TEST(test_e01_segment_names)
{
	char out[64];

	segment_name_is("encase6", 0, "E01");
	segment_name_is("encase6", 8, "E09");
	segment_name_is("encase6", 98, "E99");
	segment_name_is("encase6", 99, "EAA");
	segment_name_is("encase6", 100, "EAB");
	segment_name_is("encase6", 125, "EBA");
	segment_name_is("encase6", 774, "EZZ");
	segment_name_is("encase6", 775, "FAA");
	segment_name_is("encase6", 826, "FBZ");
	segment_name_is("encase6", 14970, "ZZZ");
	segment_name_is("ewfx", 0, "e01");
	segment_name_is("ewfx", 99, "eaa");
	segment_name_is("ewfx", 14970, "zzz");
	ck_assert_int_eq(fx_e01_segment_name(out, sizeof(out), "t", "encase6", 14971),
			 FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "an E01 set has at most 14971 segments");
	ck_assert_int_eq(fx_e01_segment_name(out, sizeof(out), "t", "encase9", 0),
			 FX_EUSAGE);
}
END_TEST

static fx_e01_options e01_opts(uint64_t media, uint64_t segment)
{
	fx_e01_options o = FX_E01_OPTIONS_INIT;

	o.media_size = media;
	o.segment_size = segment;
	o.threads = 2;
	o.compression = "none";
	return o;
}

/* 800 MiB in 1 MiB segments reaches .FAA (827 segments): anything already
 * at that name, a symbolic link above all, is refused before a file is
 * created, and left as it was. */
START_TEST(test_e01_refuses_far_existing_names)
{
	const char *dir = fxt_tmpdir("sink-far");
	char target[4200], link_path[4300], victim[4300], want[8800], buf[65];
	fx_e01_options o = e01_opts((uint64_t)800 * MIB, MIB);
	fx_sink *sink = (fx_sink *)1;
	struct stat st;
	ssize_t n;

	ck_assert_ptr_nonnull(dir);
	snprintf(target, sizeof(target), "%s/t", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(link_path, sizeof(link_path), "%s/t.FAA", dir);
	ck_assert_int_eq(fxt_write_file(victim, "keep", 4), 0);
	ck_assert_int_eq(symlink(victim, link_path), 0);
	ck_assert_int_eq(fx_e01_check_names(target, &o), FX_EEXISTS);
	ck_assert_int_eq(fx_sink_e01_new(&sink, target, &o), FX_EEXISTS);
	ck_assert_ptr_null(sink);
	snprintf(want, sizeof(want),
		 "refusing to overwrite existing file %s (a symbolic link, never followed)",
		 link_path);
	ck_assert_str_eq(fx_error_last(), want);
	snprintf(want, sizeof(want), "%s/t.E01", dir);
	ck_assert_int_eq(lstat(want, &st), -1);
	n = readlink(link_path, target, sizeof(target) - 1);
	ck_assert_int_gt(n, 0);
	target[n] = '\0';
	ck_assert_str_eq(target, victim);
	ck_assert_int_eq(lstat(link_path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(fxt_file_sha256(buf, victim), 0);
	fxt_sha256_hex(want, "keep", 4);
	ck_assert_str_eq(buf, want);
	/* 80 MiB does not reach .FAA: the same link is no obstacle */
	snprintf(target, sizeof(target), "%s/t", dir);
	o.media_size = (uint64_t)80 * MIB;
	ck_assert_int_eq(fx_e01_check_names(target, &o), 0);
	/* the one version rule: a version this library does not serve */
	o.version = 0;
	ck_assert_int_eq(fx_e01_check_names(target, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_e01_check_names: fx_e01_options "
			 "version 0, expected 1 to 1");
}
END_TEST

/* E01 stores whole sectors: 1000 bytes would lose their last 488. */
START_TEST(test_e01_refuses_partial_sector)
{
	const char *dir = fxt_tmpdir("sink-partial");
	char target[4200], first[4300];
	fx_e01_options o = e01_opts(1000, 0);
	fx_sink *sink;
	struct stat st;

	ck_assert_ptr_nonnull(dir);
	snprintf(target, sizeof(target), "%s/t", dir);
	ck_assert_int_eq(fx_sink_e01_new(&sink, target, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "E01 stores whole 512-byte sectors, and 1000 bytes is not a multiple of 512: its last 488 bytes would be lost (--format raw keeps every byte)");
	o.media_size = 1048676;
	ck_assert_int_eq(fx_sink_e01_new(&sink, target, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "E01 stores whole 512-byte sectors, and 1048676 bytes is not a multiple of 512: its last 100 bytes would be lost (--format raw keeps every byte)");
	snprintf(first, sizeof(first), "%s.E01", target);
	ck_assert_int_eq(lstat(first, &st), -1);
}
END_TEST

/* A source that plants something at a name of the set while it is read,
 * long before the writer reaches that segment. */
typedef struct planting_source {
	uint8_t *data;
	uint64_t size;
	const char *plant_path;  /* where to plant */
	const char *link_to;     /* a symbolic link to this, or NULL: a file */
	int planted;
} planting_source;

static int64_t planting_pread(void *payload, void *buf, size_t len, uint64_t off)
{
	planting_source *p = payload;

	if (!p->planted) {
		p->planted = 1;
		if (p->link_to)
			ck_assert_int_eq(symlink(p->link_to, p->plant_path), 0);
		else
			ck_assert_int_eq(fxt_write_file(p->plant_path, "planted", 7), 0);
	}
	if (off >= p->size)
		return 0;
	if (len > p->size - off)
		len = (size_t)(p->size - off);
	memcpy(buf, p->data + off, len);
	return (int64_t)len;
}

static const fx_source_ops planting_ops = { FX_SOURCE_OPS_VERSION, planting_pread,
					    NULL };

/* Runs an acquisition of 48 MiB into sink while segment `plant` of the set
 * appears; checks the failure names it and nothing was written through
 * it. Returns the result's byte count. */
static void run_with_plant(fx_sink *sink, const char *plant_path,
			   const char *link_to, const char *victim)
{
	planting_source p = { 0 };
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src;
	char want[8800], sum[65], expect[65];
	struct stat st;

	p.size = (uint64_t)48 * MIB;
	p.data = malloc(p.size);
	ck_assert_ptr_nonnull(p.data);
	fxt_fill_pattern(p.data, p.size, 77);
	p.plant_path = plant_path;
	p.link_to = link_to;
	ck_assert_int_eq(fx_source_new_custom(&src, &planting_ops, &p, p.size, 512,
					      "planting"), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &ao), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_EEXISTS);
	snprintf(want, sizeof(want), "refusing to overwrite existing file %s", plant_path);
	ck_assert_msg(strncmp(r.error, want, strlen(want)) == 0, "error: %s", r.error);
	ck_assert_uint_lt(r.bytes, p.size);
	ck_assert_int_eq(lstat(plant_path, &st), 0);
	if (link_to) {
		ck_assert(S_ISLNK(st.st_mode));
		ck_assert_int_eq(fxt_file_sha256(sum, victim), 0);
		fxt_sha256_hex(expect, "keep", 4);
	} else {
		ck_assert(S_ISREG(st.st_mode));
		ck_assert_int_eq(fxt_file_sha256(sum, plant_path), 0);
		fxt_sha256_hex(expect, "planted", 7);
	}
	ck_assert_str_eq(sum, expect);
	fx_acquire_result_clear(&r);
	fx_source_free(src);
	free(p.data);
}

START_TEST(test_e01_segment_appearing_mid_run)
{
	const char *dir = fxt_tmpdir("sink-e01-mid");
	char target[4200], plant[4300], victim[4300], name[4300];
	fx_e01_options o = e01_opts((uint64_t)48 * MIB, MIB);
	fx_image_file files[64];
	fx_sink *sink;
	size_t n, i;

	ck_assert_ptr_nonnull(dir);
	snprintf(target, sizeof(target), "%s/t", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	ck_assert_int_eq(fxt_write_file(victim, "keep", 4), 0);
	snprintf(plant, sizeof(plant), "%s/t.E30", dir);
	ck_assert_int_eq(fx_sink_e01_new(&sink, target, &o), 0);
	run_with_plant(sink, plant, _i ? NULL : victim, victim);
	/* the set: E01..E29, each ours (read-only), none of them the plant */
	n = fx_sink_files(sink, files, 64);
	ck_assert_uint_eq(n, 29);
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(name, sizeof(name), "%s.E%02zu", target, i + 1);
		ck_assert_str_eq(files[i].path, name);
		ck_assert_int_eq(lstat(name, &st), 0);
		ck_assert(S_ISREG(st.st_mode));
		ck_assert_uint_eq(st.st_mode & 0777, 0444);
		ck_assert_uint_eq((uint64_t)st.st_size, files[i].size);
	}
	fx_sink_free(sink);
}
END_TEST

START_TEST(test_raw_segment_appearing_mid_run)
{
	const char *dir = fxt_tmpdir("sink-raw-mid");
	char target[4200], plant[4300], victim[4300];
	fx_image_file files[64];
	fx_sink *sink;

	ck_assert_ptr_nonnull(dir);
	snprintf(target, sizeof(target), "%s/t", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	ck_assert_int_eq(fxt_write_file(victim, "keep", 4), 0);
	snprintf(plant, sizeof(plant), "%s/t.030", dir);
	ck_assert_int_eq(fx_sink_raw_new(&sink, target, MIB), 0);
	run_with_plant(sink, plant, _i ? NULL : victim, victim);
	ck_assert_uint_eq(fx_sink_files(sink, files, 64), 29); /* .030 is not ours */
	ck_assert_uint_eq(files[28].size, MIB);
	fx_sink_free(sink);
}
END_TEST

/* A sink that keeps fewer bytes than it was given (a format storing whole
 * units only) can never make a run "completed". */
static uint64_t short_kept;

static int short_write(void *payload, const uint8_t *data, size_t len)
{
	(void)payload;
	(void)data;
	short_kept += len;
	return 0;
}

static int short_finish(void *payload, const fx_sink_summary *sum)
{
	(void)payload;
	(void)sum;
	return 0;
}

static uint64_t short_held(void *payload)
{
	(void)payload;
	return short_kept - short_kept % 512;
}

START_TEST(test_completed_means_every_byte)
{
	static const fx_sink_ops ops = { FX_SINK_OPS_VERSION, short_write,
					 short_finish, NULL, NULL, short_held, NULL };
	static uint8_t data[1024];
	planting_source p = { 0 };
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src;
	fx_sink *sink;

	p.data = data;
	p.size = 1000;
	p.planted = 1;
	short_kept = 0;
	ck_assert_int_eq(fx_source_new_custom(&src, &planting_ops, &p, p.size, 512,
					      "short"), 0);
	ck_assert_int_eq(fx_sink_new_custom(&sink, &ops, NULL), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &ao), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_ECORRUPT);
	ck_assert_str_eq(r.error,
			 "the image holds 512 of the source's 1000 bytes (1000 read): not a complete acquisition");
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	/* the same sink holding everything: completed */
	p.size = 1024;
	fx_source_free(src);
	short_kept = 0;
	ck_assert_int_eq(fx_source_new_custom(&src, &planting_ops, &p, p.size, 512,
					      "whole"), 0);
	ck_assert_int_eq(fx_sink_new_custom(&sink, &ops, NULL), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &ao), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
}
END_TEST

/* The one version rule for caller-supplied ops: 1 to the library's
 * version is served (a version 1 sink has no held), 0 and newer are
 * refused naming the function and the type; a NULL out is refused. */
START_TEST(test_custom_ops_versions)
{
	fx_sink_ops sops = { FX_SINK_OPS_VERSION, short_write, short_finish,
			     NULL, NULL, short_held, NULL };
	fx_source_ops rops = { FX_SOURCE_OPS_VERSION, planting_ops.pread, NULL };
	planting_source p = { 0 };
	fx_source *src = NULL;
	fx_sink *sink = NULL;

	sops.version = 1;
	ck_assert_int_eq(fx_sink_new_custom(&sink, &sops, NULL), 0);
	fx_sink_free(sink);
	sops.version = 2; /* before sync: served, without checkpoints */
	ck_assert_int_eq(fx_sink_new_custom(&sink, &sops, NULL), 0);
	fx_sink_free(sink);
	sops.version = 0;
	ck_assert_int_eq(fx_sink_new_custom(&sink, &sops, NULL), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_sink_new_custom: fx_sink_ops "
			 "version 0, expected 1 to 3");
	ck_assert_ptr_null(sink);
	sops.version = FX_SINK_OPS_VERSION + 1;
	ck_assert_int_eq(fx_sink_new_custom(&sink, &sops, NULL), FX_EUSAGE);
	ck_assert_int_eq(fx_sink_new_custom(NULL, &sops, NULL), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_sink_new_custom: out is required");

	rops.version = 0;
	ck_assert_int_eq(fx_source_new_custom(&src, &rops, &p, 1024, 512, "v0"),
			 FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_source_new_custom: fx_source_ops "
			 "version 0, expected 1 to 1");
	ck_assert_ptr_null(src);
	ck_assert_int_eq(fx_source_new_custom(&src, NULL, &p, 1024, 512, "none"),
			 FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_source_new_custom: ops is required");
}
END_TEST

/* ---- names, sizes and options ---------------------------------------- */

START_TEST(test_raw_segment_names)
{
	char name[64];

	ck_assert_int_eq(fx_raw_segment_name(name, sizeof(name), "/c/img", 0, 0), 0);
	ck_assert_str_eq(name, "/c/img.raw");
	ck_assert_int_eq(fx_raw_segment_name(name, sizeof(name), "/c/img", 1 << 20, 0), 0);
	ck_assert_str_eq(name, "/c/img.001");
	ck_assert_int_eq(fx_raw_segment_name(name, sizeof(name), "/c/img", 1 << 20, 98), 0);
	ck_assert_str_eq(name, "/c/img.099");
	ck_assert_int_eq(fx_raw_segment_name(name, sizeof(name), "/c/img", 1 << 20, 999), 0);
	ck_assert_str_eq(name, "/c/img.1000");
	ck_assert_int_eq(fx_raw_segment_name(name, 8, "/c/img", 1 << 20, 0), FX_EUSAGE);
}
END_TEST

/* The raw sink cuts segments at exactly segment_size, whatever the writes
 * (a size that is not a multiple of 4096 also leaves O_DIRECT). */
START_TEST(test_raw_segments_exact)
{
	const char *dir = fxt_tmpdir("sink-seg");
	const size_t seg = FX_MIN_SEGMENT + 512, total = 3 * seg + 1000;
	uint8_t *data = malloc(total);
	char target[4200], name[4300];
	fx_image_file files[8];
	fx_sink_summary sum;
	fx_sink *sink;
	struct stat st;
	size_t n, i;

	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_nonnull(data);
	fxt_fill_pattern(data, total, 9);
	snprintf(target, sizeof(target), "%s/img", dir);
	ck_assert_int_eq(fx_sink_raw_new(&sink, target, seg), 0);
	ck_assert_int_eq(fx_sink_write(sink, data, 1234), 0);
	ck_assert_int_eq(fx_sink_write(sink, data + 1234, total - 1234), 0);
	memset(&sum, 0, sizeof(sum));
	sum.bytes = total;
	sum.complete = 1;
	ck_assert_int_eq(fx_sink_finish(sink, &sum), 0);
	n = fx_sink_files(sink, files, 8);
	ck_assert_uint_eq(n, 4);
	for (i = 0; i < n; i++) {
		char hex[65];

		snprintf(name, sizeof(name), "%s.%03zu", target, i + 1);
		ck_assert_str_eq(files[i].path, name);
		ck_assert_uint_eq(files[i].size, i < 3 ? seg : 1000);
		ck_assert_int_eq(stat(name, &st), 0);
		ck_assert_uint_eq((uint64_t)st.st_size, files[i].size);
		ck_assert_uint_eq(st.st_mode & 0777, 0444);
		fxt_sha256_hex(hex, data + seg * i, files[i].size);
		ck_assert_str_eq(files[i].sha256, hex);
	}
	fx_sink_free(sink);
	/* never overwrite: a second sink on the same target is refused */
	ck_assert_int_eq(fx_sink_raw_new(&sink, target, seg), 0);
	ck_assert_int_eq(fx_sink_write(sink, data, 10), FX_EEXISTS);
	snprintf(name, sizeof(name), "refusing to overwrite existing file %s.001", target);
	ck_assert_str_eq(fx_error_last(), name);
	fx_sink_free(sink);
	free(data);
}
END_TEST

/* Raw segments are at least 1 MiB, the E01 minimum (one constant): a
 * smaller size is refused by the constructor, naming the option and the
 * value, and nothing is created. 0 means one .raw file. */
START_TEST(test_raw_segment_minimum)
{
	const char *dir = fxt_tmpdir("sink-segmin");
	char target[4200], name[4300];
	fx_sink *sink = (fx_sink *)&sink;

	ck_assert_ptr_nonnull(dir);
	ck_assert_uint_eq(FX_MIN_SEGMENT, 1048576);
	ck_assert_uint_eq(FX_E01_MIN_SEGMENT, FX_MIN_SEGMENT);
	ck_assert_int_eq(fx_raw_segment_size_check(0), 0);
	ck_assert_int_eq(fx_raw_segment_size_check(FX_MIN_SEGMENT), 0);
	ck_assert_int_eq(fx_raw_segment_size_check(FX_MIN_SEGMENT - 1), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "--segment-size 1048575 is below the minimum of 1048576 bytes (1 MiB) for a split raw image");
	snprintf(target, sizeof(target), "%s/img", dir);
	ck_assert_int_eq(fx_sink_raw_new(&sink, target, 1), FX_EUSAGE);
	ck_assert_ptr_null(sink);
	ck_assert_str_eq(fx_error_last(),
			 "--segment-size 1 is below the minimum of 1048576 bytes (1 MiB) for a split raw image");
	snprintf(name, sizeof(name), "%s.001", target);
	ck_assert_int_eq(access(name, F_OK), -1);
	ck_assert_int_eq(fx_sink_raw_new(&sink, target, FX_MIN_SEGMENT), 0);
	fx_sink_free(sink);
	ck_assert_int_eq(fx_sink_raw_new(&sink, target, 0), 0);
	fx_sink_free(sink);
}
END_TEST

START_TEST(test_e01_segment_limits)
{
	uint64_t max = 0;

	ck_assert_int_eq(fx_e01_max_segment(&max, "encase6"), 0);
	ck_assert_uint_eq(max, 9223372036854775807ull);
	ck_assert_int_eq(fx_e01_max_segment(&max, "encase5"), 0);
	ck_assert_uint_eq(max, 2147483647ull);
	ck_assert_int_eq(fx_e01_max_segment(&max, "FTK"), 0);
	ck_assert_uint_eq(max, 2147483647ull);
	ck_assert_int_eq(fx_e01_max_segment(&max, "encase9"), FX_EUSAGE);
	ck_assert_uint_eq(FX_E01_MIN_SEGMENT, 1048576);
}
END_TEST

/* fx_e01_options_check: the E01 writer's rules, before anything exists. */
START_TEST(test_e01_options_check)
{
	fx_e01_options eo = FX_E01_OPTIONS_INIT;

	ck_assert_int_eq(fx_e01_options_check(&eo), 0);
	eo.threads = FX_E01_MAX_THREADS;
	ck_assert_int_eq(fx_e01_options_check(&eo), 0);
	eo.threads = 1000;
	ck_assert_int_eq(fx_e01_options_check(&eo), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "--threads 1000 is more than 64");
	eo.threads = 0; /* all online cores */
	eo.compression = "zz";
	ck_assert_int_eq(fx_e01_options_check(&eo), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "--compression: unknown compression 'zz' (none, empty, fast, best)");
	eo.compression = "best";
	eo.segment_size = 100;
	ck_assert_int_eq(fx_e01_options_check(&eo), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "--segment-size 100 is outside 1048576..9223372036854775807 bytes for EWF format encase6");
	eo.segment_size = 0;
	eo.ewf_format = "linen7";
	ck_assert_int_eq(fx_e01_options_check(&eo), FX_EUSAGE);
	ck_assert_ptr_nonnull(strstr(fx_error_last(),
				     "--ewf-format: EWF format 'linen7' is not offered: libewf "));
	eo.ewf_format = "nope";
	ck_assert_int_eq(fx_e01_options_check(&eo), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "--ewf-format: unknown EWF format 'nope' (encase2..encase6, ftk, linen5, linen6, ewfx)");
}
END_TEST

static Suite *sink_suite(void)
{
	Suite *s = suite_create("sink");
	TCase *tc = tcase_create("evidence files");
	TCase *rules = tcase_create("names, sizes and options");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_e01_segment_names);
	tcase_add_test(tc, test_e01_refuses_far_existing_names);
	tcase_add_test(tc, test_e01_refuses_partial_sector);
	/* _i = 0: a symbolic link appears; 1: a regular file */
	tcase_add_loop_test(tc, test_e01_segment_appearing_mid_run, 0, 2);
	tcase_add_loop_test(tc, test_raw_segment_appearing_mid_run, 0, 2);
	tcase_add_test(tc, test_completed_means_every_byte);
	tcase_add_test(tc, test_custom_ops_versions);
	suite_add_tcase(s, tc);
	tcase_add_test(rules, test_raw_segment_names);
	tcase_add_test(rules, test_raw_segments_exact);
	tcase_add_test(rules, test_raw_segment_minimum);
	tcase_add_test(rules, test_e01_segment_limits);
	tcase_add_test(rules, test_e01_options_check);
	suite_add_tcase(s, rules);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sink_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
