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
 * segment limits of each EWF format and the E01 writer's option check;
 * sparse raw (holes exactly where the zero runs were) and TARGET.iso;
 * the stream writer (fx_sink_stream_new) read back by the framed-stream
 * reader, a receiver that goes away, and the writer's option rules.
 * The export's virtual disks (export_disk.c): the fixed VHD footer (every
 * field, the checksum against one computed independently, the CHS
 * geometry of the VHD specification for known sizes), the VMDK
 * descriptor's exact text, and the writer's refusals (an existing name, a
 * media size that is not whole sectors, an extent name the descriptor
 * cannot quote) and its removal of only the inodes it created.
 * Queued writes (wqueue.c, the raw sink's fx_sink_submit): every write's
 * end reported once, in submit order, with the file's bytes exactly the
 * data whatever order the writers finished in; a write that fails
 * (ENOSPC from /dev/full) reported in its place and every later one
 * failing with it; a short write (the file-size limit cuts a write in
 * two) resumed, then failing with the file, the image offset and the
 * offset in the file, the file cut back to the last whole write, and
 * every later submit failing with that same message; a full tmpfs (when
 * it can be mounted): the first write to fail named with ENOSPC, the
 * file holding exactly the writes before it.
 * Some tests write through the pipeline's private fx_sink_write and
 * fx_sink_submit, so this test links the library's objects
 * (forensic_private).
 */
#include <check.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "forensic/forensic.h"
#include "sink/export_disk.h" /* the export's writer: private */
#include "sink/sink_impl.h" /* fx_sink_write: the pipeline's, private */
#include "sink/wqueue.h" /* queued writes: private */
#include "acquire/place.h" /* thread placement: private */
#include <sys/mount.h>
#include <sys/resource.h>
#include "source/stream_frame.h" /* the stream's sizes */
#include "testutil.h"

#define MIB (1u << 20)
/* What libewf 20140813 keeps of e01_killed_run's set: the chunks of its
 * first two segments (31 uncompressed chunks each), whose tables were written. */
#define E01_RESUME_KEPT ((uint64_t)62 * 32768)

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

/* All the segment files of the set at target, hashed in order, into one
 * line (what a resume that appends nothing must leave unchanged). */
static void e01_set_sums(char *out, size_t n, const char *target)
{
	char name[4300], sum[65];
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(fx_e01_segment_name(name, sizeof(name), target, "encase6", i), 0);
		if (access(name, F_OK) != 0)
			break;
		ck_assert_int_eq(fxt_file_sha256(sum, name), 0);
		snprintf(out + strlen(out), n - strlen(out), "%s ", sum);
	}
}

/* A run that dies (_exit in a child: no finish, no close) after writing
 * 2.5 of 4 MiB in 1 MiB segments, uncompressed, and a checkpoint
 * (fx_sink_sync). */
static void e01_killed_run(const char *target, const fx_e01_options *o,
			   const uint8_t *media)
{
	fx_sink *sink = NULL;
	pid_t pid = fork();
	int status = 0;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (fx_sink_e01_new(&sink, target, o) != 0 ||
		    fx_sink_write(sink, media, 5 * MIB / 2) != 0 ||
		    fx_sink_sync(sink) != 0)
			_exit(1);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * fx_sink_e01_resume: libewf's resume mode keeps the chunks of the
 * segments whose table was written (the first two: 1984 KiB); the prefix
 * below a checkpoint reads back as written; a resume point above the kept
 * chunks is refused; a byte of [checkpoint, kept) that differs from what
 * the source gives again fails the write (FX_EMISMATCH, naming the byte)
 * and the finish appends nothing; a second resume completes the set, which
 * reads back as the medium.
 */
START_TEST(test_e01_resume)
{
	const char *dir = fxt_tmpdir("sink-e01-resume");
	char target[4200], want[8800], before[2048], after[2048], first[4300];
	fx_e01_options o = e01_opts((uint64_t)4 * MIB, MIB);
	fx_image_options io = FX_IMAGE_OPTIONS_INIT;
	fx_sink_summary sum;
	fx_source *prefix = NULL, *image = NULL;
	fx_sink *sink = NULL;
	uint8_t *media = malloc(4 * MIB), *back = malloc(4 * MIB);
	uint64_t kept = 0, at = MIB / 2;

	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_nonnull(media);
	ck_assert_ptr_nonnull(back);
	fxt_fill_pattern(media, 4 * MIB, 12);
	snprintf(target, sizeof(target), "%s/t", dir);
	e01_killed_run(target, &o, media);
	e01_set_sums(before, sizeof(before), target);

	ck_assert_int_eq(fx_sink_e01_resume(&sink, &kept, target, &o), 0);
	ck_assert_uint_eq(kept, E01_RESUME_KEPT);
	ck_assert_int_eq(fx_sink_e01_resume_from(sink, kept + 32768, &prefix), FX_EUSAGE);
	ck_assert_int_eq(fx_sink_e01_resume_from(sink, at, &prefix), 0);
	ck_assert_int_eq(fx_source_pread(prefix, back, at, 0), (int64_t)at);
	ck_assert(memcmp(back, media, at) == 0);
	media[at + 1000] ^= 0x40;
	ck_assert_int_eq(fx_sink_write(sink, media + at, (size_t)(kept - at)), FX_EMISMATCH);
	snprintf(want, sizeof(want),
		 "E01 image %s.E01 stores media byte %llu as 0x%02x, but the source read again has 0x%02x: the image is not what was recorded; nothing was appended",
		 target, (unsigned long long)at + 1000, media[at + 1000] ^ 0x40,
		 media[at + 1000]);
	ck_assert_str_eq(fx_error_last(), want);
	media[at + 1000] ^= 0x40;
	memset(&sum, 0, sizeof(sum));
	ck_assert_int_eq(fx_sink_finish(sink, &sum), 0);
	fx_source_free(prefix);
	fx_sink_free(sink);
	e01_set_sums(after, sizeof(after), target);
	ck_assert_str_eq(after, before);

	/* resumed again, with the right bytes: the set is completed */
	ck_assert_int_eq(fx_sink_e01_resume(&sink, &kept, target, &o), 0);
	ck_assert_uint_eq(kept, E01_RESUME_KEPT);
	ck_assert_int_eq(fx_sink_e01_resume_from(sink, at, &prefix), 0);
	ck_assert_int_eq(fx_sink_write(sink, media + at, 4 * MIB - at), 0);
	sum.complete = 1;
	ck_assert_int_eq(fx_sink_finish(sink, &sum), 0);
	ck_assert_uint_eq(fx_sink_held(sink, 0), 4 * MIB);
	fx_source_free(prefix);
	fx_sink_free(sink);
	snprintf(first, sizeof(first), "%s.E01", target);
	ck_assert_int_eq(fx_image_open(&image, first, &io), 0);
	ck_assert_int_eq(fx_source_pread(image, back, 4 * MIB, 0), (int64_t)4 * MIB);
	ck_assert(memcmp(back, media, 4 * MIB) == 0);
	fx_source_free(image);
	free(media);
	free(back);
}
END_TEST

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


/* What a queued write's done saw, in the order it was called. */
typedef struct done_log {
	uint64_t tags[256];
	int rcs[256];
	char first_why[1024];
	size_t n;
} done_log;

static void log_done(void *payload, uint64_t tag, int rc, const char *why)
{
	done_log *l = payload;

	if (rc && !l->first_why[0])
		snprintf(l->first_why, sizeof(l->first_why), "%s", why ? why : "(null)");
	if (l->n < 256) {
		l->tags[l->n] = tag;
		l->rcs[l->n] = rc;
	}
	l->n++;
}

/* wqueue jobs as the test queues them: their done in order. */
typedef struct wq_seen {
	uint64_t tags[64];
	int errs[64];
	size_t n;
} wq_seen;

static void wq_seen_done(void *payload, const fx_wq_job *j)
{
	wq_seen *w = payload;

	if (w->n < 64) {
		w->tags[w->n] = j->tag;
		w->errs[w->n] = j->err;
	}
	w->n++;
}

/* 48 jobs of 64 KiB through the queue (more than its depth many times
 * over, some of them markers that write nothing): done sees each once, in
 * order, and the file holds exactly the data. */
START_TEST(test_wqueue_order)
{
	const char *dir = fxt_tmpdir("wq-order");
	const size_t blk = 65536, n = 48;
	uint8_t *data = malloc(blk * n), *back = malloc(blk * n);
	char path[4200];
	fx_wqueue *q;
	wq_seen seen = { { 0 }, { 0 }, 0 };
	fx_wq_job j;
	size_t i;
	int fd;

	ck_assert_ptr_nonnull(data);
	ck_assert_ptr_nonnull(back);
	fxt_fill_pattern(data, blk * n, 3);
	snprintf(path, sizeof(path), "%s/f", dir);
	ck_assert_int_ge(fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600), 0);
	ck_assert_int_eq(fx_wqueue_new(&q, "test", wq_seen_done, &seen), 0);
	for (i = 0; i < n; i++) {
		memset(&j, 0, sizeof(j));
		j.fd = fd;
		j.data = data + i * blk;
		j.len = i % 7 == 6 ? 0 : blk; /* a marker now and then */
		j.pos = i * blk;
		j.tag = i + 1;
		ck_assert_int_eq(fx_wqueue_push(q, &j), 0);
		if (j.len == 0) /* the marker's bytes: written by the next push */
			ck_assert_int_eq(pwrite(fd, data + i * blk, blk, (off_t)(i * blk)), (ssize_t)blk);
	}
	fx_wqueue_drain(q);
	ck_assert_uint_eq(seen.n, n);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(seen.tags[i], i + 1);
		ck_assert_int_eq(seen.errs[i], 0);
	}
	fx_wqueue_free(q);
	ck_assert_int_eq(pread(fd, back, blk * n, 0), (ssize_t)(blk * n));
	ck_assert_int_eq(memcmp(back, data, blk * n), 0);
	close(fd);
	free(data);
	free(back);
}
END_TEST

/* A write that fails (ENOSPC: /dev/full) is reported in its place with
 * its errno; the others keep theirs. */
START_TEST(test_wqueue_enospc)
{
	static uint8_t buf[4096];
	fx_wqueue *q;
	wq_seen seen = { { 0 }, { 0 }, 0 };
	fx_wq_job j;
	int full, null;
	size_t i;

	full = open("/dev/full", O_WRONLY);
	null = open("/dev/null", O_WRONLY);
	if (full < 0 || null < 0) {
		fprintf(stderr, "SKIP: test_wqueue_enospc: no /dev/full or /dev/null\n");
		return;
	}
	ck_assert_int_eq(fx_wqueue_new(&q, "test", wq_seen_done, &seen), 0);
	for (i = 0; i < 10; i++) {
		memset(&j, 0, sizeof(j));
		j.fd = i == 4 ? full : null;
		j.data = buf;
		j.len = sizeof(buf);
		j.tag = i;
		ck_assert_int_eq(fx_wqueue_push(q, &j), 0);
	}
	fx_wqueue_free(q); /* drains: every job ends and is reported */
	ck_assert_uint_eq(seen.n, 10);
	for (i = 0; i < 10; i++) {
		ck_assert_uint_eq(seen.tags[i], i);
		ck_assert_int_eq(seen.errs[i], i == 4 ? ENOSPC : 0);
	}
	close(full);
	close(null);
}
END_TEST

/* Through the raw sink's queue: 40 submits of 256 KiB (markers among
 * them), done once each in order with rc 0, the image exactly the data,
 * its SHA-256 that of the data. */
START_TEST(test_raw_queued_order)
{
	const char *dir = fxt_tmpdir("raw-queued");
	const size_t blk = 256 * 1024, n = 40;
	uint8_t *data = malloc(blk * n);
	char target[4200], hex[65];
	fx_image_file files[4];
	done_log log;
	fx_sink_summary sum;
	fx_sink *sink;
	size_t i, at = 0;

	ck_assert_ptr_nonnull(data);
	memset(&log, 0, sizeof(log));
	fxt_fill_pattern(data, blk * n, 5);
	snprintf(target, sizeof(target), "%s/img", dir);
	ck_assert_int_eq(fx_sink_raw_new(&sink, target, 3 * MIB), 0);
	for (i = 0; i < n; i++) {
		size_t len = i % 5 == 4 ? 0 : blk;

		fx_sink_submit(sink, data + at, len, i + 1, log_done, &log);
		at += len;
	}
	fx_sink_drain(sink);
	ck_assert_uint_eq(log.n, n);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(log.tags[i], i + 1);
		ck_assert_int_eq(log.rcs[i], 0);
	}
	memset(&sum, 0, sizeof(sum));
	sum.bytes = at;
	sum.complete = 1;
	ck_assert_int_eq(fx_sink_finish(sink, &sum), 0);
	ck_assert_uint_eq(fx_sink_files(sink, files, 4), 3); /* 8 MiB: 3 + 3 + 2 */
	ck_assert_uint_eq(files[2].size, 2 * MIB);
	fx_sink_free(sink);
	ck_assert_uint_eq(at, 8 * MIB);
	snprintf(target, sizeof(target), "%s/img.003", dir);
	ck_assert_int_eq(fx_file_sha256(hex, target), 0);
	{
		char want[65];

		fxt_sha256_hex(want, data + 6 * MIB, 2 * MIB);
		ck_assert_str_eq(hex, want);
	}
	free(data);
}
END_TEST

/* A file-size limit of 1.5 MiB: the second 1 MiB write is cut short at
 * the limit (resumed, then EFBIG): it fails with the file, the image
 * offset and the offset in the file; the file is cut back to the last
 * whole write (1 MiB), its SHA-256 is that of what it holds, and every
 * later submit fails with the same message, in order. */
START_TEST(test_raw_queued_short_write_fails)
{
	const char *dir = fxt_tmpdir("raw-short");
	uint8_t *data = malloc(4 * MIB);
	char target[900], path[1000], want[2048], hex[65];
	struct rlimit lim = { 3 * MIB / 2, 3 * MIB / 2 };
	fx_image_file files[2];
	fx_sink_summary sum;
	done_log log;
	fx_sink *sink;
	struct stat st;
	size_t i;

	ck_assert_ptr_nonnull(data);
	memset(&log, 0, sizeof(log));
	fxt_fill_pattern(data, 4 * MIB, 11);
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0); /* this forked test only */
	snprintf(target, sizeof(target), "%s/img", dir);
	snprintf(path, sizeof(path), "%s.raw", target);
	ck_assert_int_eq(fx_sink_raw_new(&sink, target, 0), 0);
	for (i = 0; i < 4; i++)
		fx_sink_submit(sink, data + i * MIB, MIB, i + 1, log_done, &log);
	fx_sink_drain(sink);
	ck_assert_uint_eq(log.n, 4);
	ck_assert_int_eq(log.rcs[0], 0);
	for (i = 1; i < 4; i++) {
		ck_assert_uint_eq(log.tags[i], i + 1);
		ck_assert_int_eq(log.rcs[i], FX_ENOSPC);
	}
	snprintf(want, sizeof(want),
		 "cannot write %s: destination full or failing after 1048576 bytes of the image (1048576 in this file): %s",
		 path, strerror(EFBIG));
	ck_assert_str_eq(log.first_why, want);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq((uint64_t)st.st_size, MIB); /* cut back */
	/* later writes fail with the first failure's message */
	ck_assert_int_eq(fx_sink_write(sink, data, MIB), FX_ENOSPC);
	ck_assert_str_eq(fx_error_last(), want);
	memset(&sum, 0, sizeof(sum));
	sum.bytes = MIB;
	ck_assert_int_eq(fx_sink_finish(sink, &sum), 0);
	ck_assert_uint_eq(fx_sink_files(sink, files, 2), 1);
	ck_assert_uint_eq(files[0].size, MIB);
	fxt_sha256_hex(hex, data, MIB);
	ck_assert_str_eq(files[0].sha256, hex);
	fx_sink_free(sink);
	free(data);
}
END_TEST

/* A real full file system (a 2 MiB tmpfs, when we may mount one): of four
 * 1 MiB writes queued, the third is the first to fail, with the
 * file, the image offset, the offset in the file and ENOSPC; the file
 * holds exactly the first two. */
START_TEST(test_raw_queued_enospc)
{
	const char *dir = fxt_tmpdir("raw-enospc");
	uint8_t *data = malloc(4 * MIB);
	char target[900], path[1000], want[2048], hex[65];
	fx_image_file files[2];
	fx_sink_summary sum;
	done_log log;
	fx_sink *sink;
	struct stat st;
	size_t i;

	ck_assert_ptr_nonnull(data);
	/* a mount namespace of this forked test's own: the tmpfs goes with it */
	if (geteuid() != 0 || unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("fxtest", dir, "tmpfs", 0, "size=2m") != 0) {
		fprintf(stderr, "SKIP: test_raw_queued_enospc: cannot mount a tmpfs (needs root)\n");
		free(data);
		return;
	}
	memset(&log, 0, sizeof(log));
	fxt_fill_pattern(data, 4 * MIB, 13);
	snprintf(target, sizeof(target), "%s/img", dir);
	snprintf(path, sizeof(path), "%s.raw", target);
	ck_assert_int_eq(fx_sink_raw_new(&sink, target, 0), 0);
	/* two that fit, then two that do not (the first two are waited for:
	 * writes in flight on a nearly full file system may take space from
	 * each other, so an earlier one could fail for a later one) */
	for (i = 0; i < 4; i++) {
		fx_sink_submit(sink, data + i * MIB, MIB, i + 1, log_done, &log);
		if (i == 1)
			fx_sink_drain(sink);
	}
	fx_sink_drain(sink);
	ck_assert_uint_eq(log.n, 4);
	ck_assert_int_eq(log.rcs[0], 0);
	ck_assert_int_eq(log.rcs[1], 0);
	ck_assert_int_eq(log.rcs[2], FX_ENOSPC);
	ck_assert_int_eq(log.rcs[3], FX_ENOSPC);
	snprintf(want, sizeof(want),
		 "cannot write %s: destination full or failing after 2097152 bytes of the image (2097152 in this file): %s",
		 path, strerror(ENOSPC));
	ck_assert_str_eq(log.first_why, want);
	memset(&sum, 0, sizeof(sum));
	sum.bytes = 2 * MIB;
	ck_assert_int_eq(fx_sink_finish(sink, &sum), 0);
	ck_assert_uint_eq(fx_sink_files(sink, files, 2), 1);
	ck_assert_uint_eq(files[0].size, 2 * MIB);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq((uint64_t)st.st_size, 2 * MIB);
	fxt_sha256_hex(hex, data, 2 * MIB);
	ck_assert_str_eq(files[0].sha256, hex);
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

/* The data of the sparse test: zero runs shorter and longer than
 * FX_RAW_SPARSE_MIN_HOLE, unaligned data, and zeros at the end. */
#define KIB 1024u
#define SPARSE_TOTAL (4 * MIB + 123)

static uint8_t *sparse_data(void)
{
	uint8_t *d = calloc(1, SPARSE_TOTAL);

	ck_assert_ptr_nonnull(d);
	fxt_fill_pattern(d, 64 * KIB, 1);                /* data */
	/* 64K..124K: 60 KiB of zeros, shorter than a hole: written */
	fxt_fill_pattern(d + 124 * KIB, 4 * KIB, 2);     /* data */
	/* 128K..1152K: 1 MiB of zeros: a hole */
	fxt_fill_pattern(d + 1152 * KIB, 100, 3);        /* unaligned data */
	/* ..3M: zeros, a hole from the next 4 KiB block */
	fxt_fill_pattern(d + 3 * MIB, 5000, 4);          /* unaligned end */
	/* ..4M+123: zeros to the end: a hole, the size set at close */
	return d;
}

/* Where the file's next data or hole is, from off (SEEK_DATA/SEEK_HOLE);
 * -1 when there is none (ENXIO). */
static long long seek_to(int fd, long long off, int whence)
{
	off_t r = lseek(fd, (off_t)off, whence);

	ck_assert_msg(r >= 0 || errno == ENXIO, "lseek: %s", strerror(errno));
	return r < 0 ? -1 : (long long)r;
}

/* Segment hashes left to the pipeline (fx_sink_segment_ops): the sink
 * says what it could leave, hashes nothing once it has, and at its finish
 * gives each file the digest of its exact size (taken as given: here one
 * that is not the file's, to show where it came from), hashes a file
 * whose digest is of another size from storage, and one with none too. */
START_TEST(test_raw_segment_offload)
{
	const char *dir = fxt_tmpdir("sink-offload");
	fx_raw_options o = FX_RAW_OPTIONS_INIT;
	const size_t size = 2 * MIB + 4096;
	uint8_t *data = malloc(size);
	fx_segment_digest d[2];
	char target[4200], want[65];
	fx_image_file files[3];
	fx_sink_summary sum;
	fx_sink *sink;
	size_t i;

	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_nonnull(data);
	for (i = 0; i < size; i++)
		data[i] = (uint8_t)(i * 7 + i / 4096);
	snprintf(target, sizeof(target), "%s/img", dir);
	o.segment_size = MIB;
	ck_assert_int_eq(fx_sink_raw_open(&sink, target, &o), 0);
	ck_assert_uint_eq(fx_sink_segment_size(sink), MIB);
	fx_sink_segment_offload(sink);
	ck_assert_uint_eq(fx_sink_hash_algs(sink), 0);
	ck_assert_int_eq(fx_sink_write(sink, data, size), 0);
	memset(d, 0, sizeof(d));
	d[0].bytes = MIB;
	memset(d[0].sha256, 'a', 64);
	d[1].bytes = MIB - 512; /* not file 2's size */
	memset(d[1].sha256, 'b', 64);
	fx_sink_segment_digests(sink, d, 2);
	memset(&sum, 0, sizeof(sum));
	sum.bytes = size;
	sum.complete = 1;
	ck_assert_int_eq(fx_sink_finish(sink, &sum), 0);
	ck_assert_uint_eq(fx_sink_files(sink, files, 3), 3);
	ck_assert_str_eq(files[0].sha256, d[0].sha256);
	fxt_sha256_hex(want, data + MIB, MIB);
	ck_assert_str_eq(files[1].sha256, want);
	fxt_sha256_hex(want, data + 2 * MIB, 4096);
	ck_assert_str_eq(files[2].sha256, want);
	fx_sink_free(sink);

	o.segment_size = 0; /* one file: nothing to leave */
	snprintf(target, sizeof(target), "%s/one", dir);
	ck_assert_int_eq(fx_sink_raw_open(&sink, target, &o), 0);
	ck_assert_uint_eq(fx_sink_segment_size(sink), 0);
	fx_sink_free(sink);
	free(data);
}
END_TEST

/* Thread placement (issue 15): a split raw sink says it SHA-256s every
 * byte, a single file or an .iso does not (its SHA-256 is the media's);
 * MD5 gets a core of its own only while the rest of the hashing fits on
 * the other cores; each hash's probe measures something. */
START_TEST(test_md5_placement)
{
	const char *dir = fxt_tmpdir("sink-place");
	fx_raw_options o = FX_RAW_OPTIONS_INIT;
	char target[4200];
	fx_sink *sink;
	unsigned alg;

	ck_assert_ptr_nonnull(dir);
	snprintf(target, sizeof(target), "%s/img", dir);
	ck_assert_int_eq(fx_sink_raw_open(&sink, target, &o), 0);
	ck_assert_uint_eq(fx_sink_hash_algs(sink), 0);
	fx_sink_free(sink);
	o.segment_size = 4 * MIB;
	ck_assert_int_eq(fx_sink_raw_open(&sink, target, &o), 0);
	ck_assert_uint_eq(fx_sink_hash_algs(sink), FX_HASH_SHA256);
	fx_sink_free(sink);

	/* SHA-NI: SHA-1 + SHA-256 cost 0.82 of MD5, plus a segment hash 1.25 */
	ck_assert_int_eq(fx_place_pin_md5(1.0, 0.82, 2), 1);
	ck_assert_int_eq(fx_place_pin_md5(1.0, 1.0, 2), 1);
	ck_assert_int_eq(fx_place_pin_md5(1.0, 1.25, 2), 0);
	ck_assert_int_eq(fx_place_pin_md5(1.0, 1.25, 3), 1);
	/* no SHA-NI: SHA-256 alone costs more than MD5 */
	ck_assert_int_eq(fx_place_pin_md5(1.0, 2.1, 2), 0);
	ck_assert_int_eq(fx_place_pin_md5(1.0, 0.5, 1), 0);
	ck_assert_int_eq(fx_place_pin_md5(0, 0.5, 2), 0);
	for (alg = FX_HASH_MD5; alg <= FX_HASH_SHA256; alg <<= 1) {
		double t = fx_place_probe(alg);

		ck_assert(t > 0);
		ck_assert(t < 5.0);
	}
	ck_assert(fx_place_probe(0) == 0);
}
END_TEST

/* --sparse: zero runs of at least 64 KiB on 4 KiB boundaries are holes,
 * shorter ones written; the file reads back the stream byte for byte, its
 * size set even when it ends in a hole; its allocated size is measured
 * after the final flush. Written in two pieces cut at an odd offset. */
START_TEST(test_raw_sparse)
{
	const char *dir = fxt_tmpdir("sink-sparse");
	fx_raw_options o = FX_RAW_OPTIONS_INIT;
	uint8_t *data = sparse_data(), *back = malloc(SPARSE_TOTAL);
	char target[4200], name[4300], hex[65];
	fx_image_file files[2];
	fx_sink_summary sum;
	fx_sink *sink;
	struct stat st;
	int fd;

	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_nonnull(back);
	snprintf(target, sizeof(target), "%s/img", dir);
	ck_assert_int_eq(fx_raw_sparse_check(target), 0);
	o.sparse = 1;
	ck_assert_int_eq(fx_sink_raw_open(&sink, target, &o), 0);
	ck_assert_int_eq(fx_sink_write(sink, data, 1234567), 0);
	ck_assert_int_eq(fx_sink_write(sink, data + 1234567,
				       SPARSE_TOTAL - 1234567), 0);
	memset(&sum, 0, sizeof(sum));
	sum.bytes = SPARSE_TOTAL;
	sum.complete = 1;
	ck_assert_int_eq(fx_sink_finish(sink, &sum), 0);
	ck_assert_uint_eq(fx_sink_files(sink, files, 2), 1);
	snprintf(name, sizeof(name), "%s.raw", target);
	ck_assert_str_eq(files[0].path, name);
	ck_assert_uint_eq(files[0].size, SPARSE_TOTAL);
	fxt_sha256_hex(hex, data, SPARSE_TOTAL);
	ck_assert_str_eq(files[0].sha256, hex);
	ck_assert_int_eq(stat(name, &st), 0);
	ck_assert_uint_eq((uint64_t)st.st_size, SPARSE_TOTAL);
	ck_assert_int_eq(files[0].allocated_known, 1);
	ck_assert_uint_eq(files[0].allocated, (uint64_t)st.st_blocks * 512);
	ck_assert_uint_lt(files[0].allocated, 512 * KIB);
	fd = open(name, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, back, SPARSE_TOTAL, 0), SPARSE_TOTAL);
	ck_assert_int_eq(memcmp(back, data, SPARSE_TOTAL), 0);
	/* the holes, exactly: the 60 KiB run was written */
	ck_assert_int_eq(seek_to(fd, 0, SEEK_HOLE), 128 * KIB);
	ck_assert_int_eq(seek_to(fd, 128 * KIB, SEEK_DATA), 1152 * KIB);
	/* a run is judged within one write: the 49 KiB of zeros before the
	 * cut at 1234567 were written, the hole starts at the next block */
	ck_assert_int_eq(seek_to(fd, 1152 * KIB, SEEK_HOLE), 1236992);
	ck_assert_int_eq(seek_to(fd, 1236992, SEEK_DATA), 3 * MIB);
	ck_assert_int_eq(seek_to(fd, 3 * MIB, SEEK_HOLE), 3 * MIB + 8 * KIB);
	ck_assert_int_eq(seek_to(fd, 3 * MIB + 8 * KIB, SEEK_DATA), -1);
	close(fd);
	fx_sink_free(sink);
	free(back);
	free(data);
}
END_TEST

/* TARGET.iso: one raw file under the name of optical media; a segmented
 * .iso and an options version the library does not know are refused
 * before anything exists. A plain raw file's allocated size is measured
 * too (its zeros were written: all of it). */
START_TEST(test_raw_iso_and_options)
{
	const char *dir = fxt_tmpdir("sink-iso");
	fx_raw_options o = FX_RAW_OPTIONS_INIT;
	uint8_t *zeros = calloc(1, MIB);
	char target[4200], name[4300];
	fx_image_file files[2];
	fx_sink_summary sum;
	fx_sink *sink = (fx_sink *)&sink;
	struct stat st;

	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_nonnull(zeros);
	snprintf(target, sizeof(target), "%s/cd", dir);
	o.iso = 1;
	o.segment_size = FX_MIN_SEGMENT;
	ck_assert_int_eq(fx_sink_raw_open(&sink, target, &o), FX_EUSAGE);
	ck_assert_ptr_null(sink);
	ck_assert_str_eq(fx_error_last(), "an .iso image is one file: "
			 "--segment-size is for --format raw");
	o.segment_size = 0;
	o.version = FX_RAW_OPTIONS_VERSION + 1;
	ck_assert_int_eq(fx_sink_raw_open(&sink, target, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_sink_raw_open: fx_raw_options "
			 "version 2, expected 1 to 1");
	o.version = FX_RAW_OPTIONS_VERSION;
	ck_assert_int_eq(fx_sink_raw_open(&sink, target, &o), 0);
	ck_assert_int_eq(fx_sink_write(sink, zeros, MIB), 0);
	memset(&sum, 0, sizeof(sum));
	sum.bytes = MIB;
	sum.complete = 1;
	ck_assert_int_eq(fx_sink_finish(sink, &sum), 0);
	ck_assert_uint_eq(fx_sink_files(sink, files, 2), 1);
	snprintf(name, sizeof(name), "%s.iso", target);
	ck_assert_str_eq(files[0].path, name);
	ck_assert_int_eq(stat(name, &st), 0);
	ck_assert_int_eq(files[0].allocated_known, 1);
	ck_assert_uint_eq(files[0].allocated, (uint64_t)st.st_blocks * 512);
	ck_assert_uint_ge(files[0].allocated, MIB);
	fx_sink_free(sink);
	free(zeros);
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

/* A custom source over memory (payload: FXT_MEDIA_SIZE bytes). */
static int64_t mem_pread(void *payload, void *buf, size_t len, uint64_t off)
{
	if (off >= FXT_MEDIA_SIZE)
		return 0;
	if (len > FXT_MEDIA_SIZE - off)
		len = (size_t)(FXT_MEDIA_SIZE - off);
	memcpy(buf, (const uint8_t *)payload + off, len);
	return (int64_t)len;
}

/* The sending end: a file sent through the stream sink and received by
 * the framed-stream reader hashes as the file; the stream holds exactly
 * a header, one frame per block and a trailer; the receiver sees the
 * sender's facts. */
START_TEST(test_stream_sink_round_trip)
{
	const char *dir = fxt_tmpdir("check_sink_stream");
	uint8_t *media = fxt_make_media();
	fxt_hashes hh = fxt_hash_of(media, FXT_MEDIA_SIZE);
	fx_stream_options so = FX_STREAM_OPTIONS_INIT;
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	char src_path[4200], st_path[4200], want[4300];
	fx_source *src = NULL, *in = NULL;
	fx_sink *sink = NULL;
	const fx_stream_peer *peer;
	struct stat sb;
	size_t json_len;
	int fd;

	ck_assert_ptr_nonnull(dir);
	snprintf(src_path, sizeof(src_path), "%s/media", dir);
	snprintf(st_path, sizeof(st_path), "%s/stream", dir);
	fxt_write_or_die(src_path, media, FXT_MEDIA_SIZE);
	unlink(st_path);
	fd = open(st_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fx_source_open(&src, src_path, NULL), 0);
	so.host = "lab-7";
	so.tool = "acquire test";
	so.started = "2026-11-30T00:00:00Z";
	so.block_size = FXT_MIB;
	ck_assert_int_eq(fx_sink_stream_new(&sink, fd, fx_source_get_info(src), &so), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &ao), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(fx_sink_files(sink, NULL, 0), 0);
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	close(fd);

	/* header (fixed part, JSON, CRC), 4 frames of 1 MiB, the trailer
	 * (160 bytes: no error text) */
	ck_assert_int_eq(stat(st_path, &sb), 0);
	fd = open(st_path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fx_source_open_stream(&in, fd, "the stream", NULL, 0), 0);
	json_len = (size_t)sb.st_size - FX_STREAM_HEAD_FIXED - 4 -
		   4 * (FX_STREAM_FRAME_HEAD + FXT_MIB) - FX_STREAM_FRAME_HEAD - 160;
	ck_assert_uint_gt(json_len, 100);
	ck_assert_uint_lt(json_len, 4096);
	snprintf(want, sizeof(want), "lab-7:%s", src_path);
	ck_assert_str_eq(fx_source_get_info(in)->path, want);
	ck_assert_str_eq(fx_source_get_info(in)->write_block_method,
			 "none: regular file opened O_RDONLY, by the sender on lab-7");
	ck_assert_int_eq(fx_source_get_info(in)->is_block_device, 0);
	ck_assert_uint_eq(fx_source_get_info(in)->size, FXT_MEDIA_SIZE);
	ck_assert_int_eq(fx_acquire_run(&r, in, NULL, &ao), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_str_eq(r.digests.md5, hh.md5);
	ck_assert_str_eq(r.digests.sha1, hh.sha1);
	ck_assert_str_eq(r.digests.sha256, hh.sha256);
	peer = fx_source_stream_peer(in);
	ck_assert_int_eq(peer->ended, 1);
	ck_assert_int_eq(peer->status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(peer->bytes, FXT_MEDIA_SIZE);
	ck_assert_str_eq(peer->digests.sha256, hh.sha256);
	ck_assert_str_eq(peer->started, "2026-11-30T00:00:00Z");
	fx_acquire_result_clear(&r);
	fx_source_free(in);
	close(fd);
	free(media);
}
END_TEST

/* A receiver that goes away fails the sender's run, naming where. */
START_TEST(test_stream_sink_receiver_gone)
{
	uint8_t *media = fxt_make_media();
	fx_stream_options so = FX_STREAM_OPTIONS_INIT;
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_source_ops ops = { FX_SOURCE_OPS_VERSION, mem_pread, NULL };
	fx_acquire_result r;
	fx_source *src = NULL;
	fx_sink *sink = NULL;
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fx_source_new_custom(&src, &ops, media, FXT_MEDIA_SIZE,
					      512, "mem"), 0);
	ck_assert_int_eq(fx_sink_stream_new(&sink, p[1], fx_source_get_info(src), &so), 0);
	close(p[0]); /* after the header: the first frame finds nobody */
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &ao), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_EIO);
	ck_assert_uint_eq(r.bytes, 0);
	ck_assert_ptr_nonnull(strstr(r.error, "cannot write the stream at stream byte "));
	ck_assert_ptr_nonnull(strstr(r.error, " (frame 0): Broken pipe"));
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	close(p[1]);
	free(media);
}
END_TEST

/* A source that vanishes after its first MiB (ENODEV). */
static int64_t vanishing_pread(void *payload, void *buf, size_t len, uint64_t off)
{
	if (off >= FXT_MIB)
		return -ENODEV;
	return mem_pread(payload, buf, len, off);
}

/* A sender that stops early says so in its trailer: the receiver fails
 * with the sender's byte count, having written exactly those bytes. */
START_TEST(test_stream_sink_sender_stops)
{
	const char *dir = fxt_tmpdir("check_sink_stream_stop");
	uint8_t *media = fxt_make_media();
	fx_stream_options so = FX_STREAM_OPTIONS_INIT;
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_source_ops ops = { FX_SOURCE_OPS_VERSION, vanishing_pread, NULL };
	fx_acquire_result r;
	fx_source *src = NULL, *in = NULL;
	fx_sink *sink = NULL;
	char path[4200];
	int fd;

	ck_assert_ptr_nonnull(dir);
	snprintf(path, sizeof(path), "%s/stream", dir);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fx_source_new_custom(&src, &ops, media, FXT_MEDIA_SIZE,
					      512, "/dev/gone"), 0);
	so.host = "lab-7";
	ck_assert_int_eq(fx_sink_stream_new(&sink, fd, fx_source_get_info(src), &so), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &ao), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_uint_eq(r.bytes, FXT_MIB);
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	close(fd);

	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fx_source_open_stream(&in, fd, "the stream", NULL, 0), 0);
	ck_assert_int_eq(fx_acquire_run(&r, in, NULL, &ao), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_EIO);
	ck_assert_uint_eq(r.bytes, FXT_MIB);
	ck_assert_str_eq(r.error, "the sender's acquisition of /dev/gone on lab-7 did not complete: 1048576 bytes sent; the sender stopped before the end of its source (see its messages)");
	ck_assert_int_eq(fx_source_stream_peer(in)->status, FX_STATUS_FAILED);
	fx_acquire_result_clear(&r);
	fx_source_free(in);
	close(fd);
	free(media);
}
END_TEST

/* A key shared out of band: the trailer's HMAC binds the sender's digests
 * and facts to it. The right key reads the stream; another key fails on
 * the trailer, naming it; no key, or a key for a stream sent without one,
 * is refused at open. */
START_TEST(test_stream_sink_keyed)
{
	const char *dir = fxt_tmpdir("check_sink_stream_keyed");
	static const uint8_t key[32] = "0123456789abcdef0123456789abcdef";
	static const uint8_t other[32] = "0123456789abcdef0123456789abcdeF";
	uint8_t *media = fxt_make_media();
	fxt_hashes hh = fxt_hash_of(media, FXT_MEDIA_SIZE);
	fx_stream_options so = FX_STREAM_OPTIONS_INIT;
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_source_ops ops = { FX_SOURCE_OPS_VERSION, mem_pread, NULL };
	fx_acquire_result r;
	fx_source *src = NULL, *in = NULL;
	fx_sink *sink = NULL;
	char path[4200], want[512];
	struct stat sb;
	int fd;

	ck_assert_ptr_nonnull(dir);
	snprintf(path, sizeof(path), "%s/stream", dir);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fx_source_new_custom(&src, &ops, media, FXT_MEDIA_SIZE,
					      512, "/dev/sdk"), 0);
	so.host = "lab-7";
	so.key = key;
	so.key_len = 15;
	ck_assert_int_eq(fx_sink_stream_new(&sink, fd, fx_source_get_info(src), &so), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_sink_stream_new: a key of 15 bytes is too short (at least 16)");
	so.key_len = sizeof(key);
	ck_assert_int_eq(fx_sink_stream_new(&sink, fd, fx_source_get_info(src), &so), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &ao), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	close(fd);
	ck_assert_int_eq(stat(path, &sb), 0);

	fd = open(path, O_RDONLY);
	ck_assert_int_eq(fx_source_open_stream(&in, fd, "s", key, sizeof(key)), 0);
	ck_assert_int_eq(fx_acquire_run(&r, in, NULL, &ao), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_str_eq(r.digests.sha256, hh.sha256);
	fx_acquire_result_clear(&r);
	fx_source_free(in);
	close(fd);

	fd = open(path, O_RDONLY);
	ck_assert_int_eq(fx_source_open_stream(&in, fd, "s", other, sizeof(other)), 0);
	ck_assert_int_eq(fx_acquire_run(&r, in, NULL, &ao), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_EMISMATCH);
	snprintf(want, sizeof(want), "frame 4 of the stream from s (media offset 4194304, stream byte %llu) is a trailer whose HMAC-SHA256 does not match the key: the stream was changed on its way, or sent with another key",
		 (unsigned long long)sb.st_size - FX_STREAM_FRAME_HEAD - FX_STREAM_TRAILER_FIXED - FX_STREAM_MAC_LEN);
	ck_assert_str_eq(r.error, want);
	fx_acquire_result_clear(&r);
	fx_source_free(in);
	close(fd);

	fd = open(path, O_RDONLY);
	ck_assert_int_eq(fx_source_open_stream(&in, fd, "s", NULL, 0), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "stream from s is authenticated (HMAC-SHA256): give the key it was sent with (--stream-key)");
	close(fd);
	free(media);
}
END_TEST

/* Options the writer refuses before it writes a byte. */
START_TEST(test_stream_sink_options)
{
	fx_stream_options so = FX_STREAM_OPTIONS_INIT;
	fx_source_info in = FX_SOURCE_INFO_INIT;
	fx_sink *sink = NULL;

	in.logical_sector_size = 4096;
	so.block_size = 6144;
	ck_assert_int_eq(fx_sink_stream_new(&sink, 1, &in, &so), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_sink_stream_new: block size 6144 is not a multiple of the 4096-byte sector up to 256 MiB");
	so.version = 2;
	ck_assert_int_eq(fx_sink_stream_new(&sink, 1, &in, &so), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_sink_stream_new: fx_stream_options version 2, expected 1 to 1");
	ck_assert_ptr_null(sink);
}
END_TEST


/* ---- export: virtual disks ------------------------------------------------ */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void geometry_is(uint64_t size, unsigned cyl, unsigned heads, unsigned spt)
{
	uint16_t c;
	uint8_t h, s;

	fx_vhd_geometry(&c, &h, &s, size);
	ck_assert_msg(c == cyl && h == heads && s == spt,
		      "size %llu: %u/%u/%u, expected %u/%u/%u", (unsigned long long)size,
		      c, h, s, cyl, heads, spt);
}

/* The VHD specification's CHS algorithm, worked by hand for each branch:
 * 17 sectors with the 4-head minimum, 17 with more heads, 63 (after 31
 * does not fit), 255 (from 65535*16*63 sectors), and the cap. qemu-img
 * create gives one more cylinder for some of these: it grows the disk to
 * a whole number of cylinders, we keep the media's size. */
START_TEST(test_vhd_geometry)
{
	geometry_is(3u << 20, 90, 4, 17);
	geometry_is(10u << 20, 301, 4, 17);
	geometry_is(64u << 20, 963, 8, 17);
	geometry_is(1ull << 30, 2080, 16, 63);
	geometry_is(40ull << 30, 20560, 16, 255);
	geometry_is(200ull << 30, 65535, 16, 255);
	geometry_is(512, 0, 4, 17);
}
END_TEST

/* Every field of the footer, and its checksum as computed apart from the
 * library (0xffffef5d: the ones' complement of the byte sum, worked out
 * with a separate script for these values). */
START_TEST(test_vhd_footer)
{
	uint8_t f[512], uuid[16], zero[512];
	uint32_t sum = 0;
	int i;

	for (i = 0; i < 16; i++)
		uuid[i] = (uint8_t)i;
	memset(zero, 0, sizeof(zero));
	fx_vhd_footer(f, 64u << 20, 946684800 + 0x12345678, uuid);
	ck_assert_int_eq(memcmp(f, "conectix", 8), 0);
	ck_assert_uint_eq(be32(f + 8), 2);
	ck_assert_uint_eq(be32(f + 12), 0x00010000);
	ck_assert(be64(f + 16) == UINT64_MAX);
	ck_assert_uint_eq(be32(f + 24), 0x12345678);
	ck_assert_int_eq(memcmp(f + 28, "win ", 4), 0);
	ck_assert_int_eq(memcmp(f + 36, "Wi2k", 4), 0);
	ck_assert(be64(f + 40) == 64u << 20);
	ck_assert(be64(f + 48) == 64u << 20);
	ck_assert_uint_eq(f[56] << 8 | f[57], 963);
	ck_assert_uint_eq(f[58], 8);
	ck_assert_uint_eq(f[59], 17);
	ck_assert_uint_eq(be32(f + 60), 2);
	ck_assert_uint_eq(be32(f + 64), 0xffffef5du);
	ck_assert_int_eq(memcmp(f + 68, uuid, 16), 0);
	ck_assert_int_eq(memcmp(f + 84, zero, 512 - 84), 0); /* saved state, reserved */
	for (i = 0; i < 512; i++)
		sum += i >= 64 && i < 68 ? 0 : f[i];
	ck_assert_uint_eq(~sum, be32(f + 64));
	/* a time before the VHD epoch is 0, not a wrapped number */
	fx_vhd_footer(f, 64u << 20, 0, uuid);
	ck_assert_uint_eq(be32(f + 24), 0);
}
END_TEST

START_TEST(test_vmdk_descriptor)
{
	char text[1024], small[64];

	ck_assert_int_eq(fx_vmdk_descriptor(text, sizeof(text), 64u << 20,
					    "disk-flat.vmdk", 0x4ea30f74), 0);
	ck_assert_str_eq(text,
		"# Disk DescriptorFile\n"
		"version=1\n"
		"encoding=\"UTF-8\"\n"
		"CID=4ea30f74\n"
		"parentCID=ffffffff\n"
		"createType=\"monolithicFlat\"\n"
		"\n"
		"# Extent description\n"
		"RW 131072 FLAT \"disk-flat.vmdk\" 0\n"
		"\n"
		"# The Disk Data Base\n"
		"#DDB\n"
		"\n"
		"ddb.virtualHWVersion = \"4\"\n"
		"ddb.geometry.cylinders = \"130\"\n"
		"ddb.geometry.heads = \"16\"\n"
		"ddb.geometry.sectors = \"63\"\n"
		"ddb.adapterType = \"ide\"\n");
	/* the cylinders an IDE geometry can hold, at most */
	ck_assert_int_eq(fx_vmdk_descriptor(text, sizeof(text), 1ull << 40, "x", 1), 0);
	ck_assert_ptr_nonnull(strstr(text, "RW 2147483648 FLAT \"x\" 0\n"));
	ck_assert_ptr_nonnull(strstr(text, "ddb.geometry.cylinders = \"16383\"\n"));
	ck_assert_int_eq(fx_vmdk_descriptor(small, sizeof(small), 1 << 20, "x", 1), FX_EUSAGE);
}
END_TEST

START_TEST(test_export_names)
{
	const char *dir = fxt_tmpdir("export-names");
	char path[512], extent[512], msg[1024];
	int f;

	ck_assert_int_eq(fx_export_extent_name(extent, sizeof(extent), "/a/disk.vmdk"), 0);
	ck_assert_str_eq(extent, "/a/disk-flat.vmdk");
	ck_assert_int_eq(fx_export_extent_name(extent, sizeof(extent), "/a/disk"), 0);
	ck_assert_str_eq(extent, "/a/disk-flat.vmdk");
	ck_assert_int_eq(fx_export_format_parse(&f, "vhd"), 0);
	ck_assert_int_eq(f, FX_EXPORT_VHD);
	ck_assert_int_eq(fx_export_format_parse(&f, "qcow2"), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "unknown export format 'qcow2' (raw, vhd, vmdk)");
	ck_assert_str_eq(fx_export_format_name(FX_EXPORT_VMDK), "vmdk");
	/* the VMDK's extent is taken: refused, naming it */
	snprintf(path, sizeof(path), "%s/d.vmdk", dir);
	snprintf(extent, sizeof(extent), "%s/d-flat.vmdk", dir);
	ck_assert_int_eq(symlink("/nonexistent", extent), 0);
	ck_assert_int_eq(fx_export_check_names(path, FX_EXPORT_RAW), 0);
	ck_assert_int_eq(fx_export_check_names(path, FX_EXPORT_VMDK), FX_EEXISTS);
	snprintf(msg, sizeof(msg), "refusing to overwrite existing file %s (a symbolic link, never followed)",
		 extent);
	ck_assert_str_eq(fx_error_last(), msg);
	unlink(extent);
}
END_TEST

START_TEST(test_export_writer_refusals)
{
	const char *dir = fxt_tmpdir("export-refusals");
	char path[512], msg[1024];
	fx_export_writer *w = (fx_export_writer *)1;
	struct stat st;

	snprintf(path, sizeof(path), "%s/odd.vhd", dir);
	ck_assert_int_eq(fx_export_writer_new(&w, path, FX_EXPORT_VHD, 1000), FX_EUSAGE);
	ck_assert_ptr_null(w);
	ck_assert_str_eq(fx_error_last(), "the media is 1000 bytes, not a multiple of 512: a VHD holds whole 512-byte sectors (export --to raw keeps every byte)");
	ck_assert_int_eq(lstat(path, &st), -1);
	/* raw keeps every byte of any size */
	ck_assert_int_eq(fx_export_writer_new(&w, path, FX_EXPORT_RAW, 1000), 0);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_int_eq(fx_export_writer_discard(w), 0);
	ck_assert_int_eq(lstat(path, &st), -1);
	fx_export_writer_free(w);
	/* a name the descriptor cannot quote */
	snprintf(path, sizeof(path), "%s/a\"b.vmdk", dir);
	ck_assert_int_eq(fx_export_writer_new(&w, path, FX_EXPORT_VMDK, 4096), FX_EUSAGE);
	snprintf(msg, sizeof(msg), "%s: a VMDK descriptor cannot name an extent holding a control character, a double quote or a byte that is not UTF-8", path);
	ck_assert_str_eq(fx_error_last(), msg);
	/* the extent exists: nothing is created, not even the descriptor */
	snprintf(path, sizeof(path), "%s/e.vmdk", dir);
	snprintf(msg, sizeof(msg), "%s/e-flat.vmdk", dir);
	fxt_write_or_die(msg, "keep", 4);
	ck_assert_int_eq(fx_export_writer_new(&w, path, FX_EXPORT_VMDK, 4096), FX_EEXISTS);
	ck_assert_int_eq(lstat(path, &st), -1);
	ck_assert_int_eq(stat(msg, &st), 0);
	ck_assert_int_eq(st.st_size, 4);
	unlink(msg);
}
END_TEST

/* A whole VMDK written and sealed: the extent is the media, the descriptor
 * names it, both read-only; then a failed export removes only what it
 * created: a file put in the place of one of its names stays. */
START_TEST(test_export_writer_files)
{
	const char *dir = fxt_tmpdir("export-files");
	char path[512], extent[512], sha[65], want[65], msg[1024];
	uint8_t media[8192];
	fx_image_file files[2];
	fx_export_writer *w = NULL;
	struct stat st;

	fxt_fill_pattern(media, sizeof(media), 7);
	fxt_sha256_hex(sha, media, sizeof(media));
	snprintf(path, sizeof(path), "%s/d.vmdk", dir);
	snprintf(extent, sizeof(extent), "%s/d-flat.vmdk", dir);
	ck_assert_int_eq(fx_export_writer_new(&w, path, FX_EXPORT_VMDK, sizeof(media)), 0);
	ck_assert_int_eq(fx_sink_write(fx_export_writer_sink(w), media, sizeof(media)), 0);
	/* sealed only with every byte of the media */
	ck_assert_int_eq(fx_export_writer_seal(w, sha), 0);
	ck_assert_uint_eq(fx_export_writer_files(w, files, 2), 2);
	ck_assert_str_eq(files[0].path, path);
	ck_assert_str_eq(files[1].path, extent);
	ck_assert_uint_eq(files[1].size, sizeof(media));
	ck_assert_str_eq(files[1].sha256, sha);
	ck_assert_int_eq(fxt_file_sha256(want, extent), 0);
	ck_assert_str_eq(want, sha);
	ck_assert_int_eq(fxt_file_sha256(want, path), 0);
	ck_assert_str_eq(files[0].sha256, want);
	ck_assert_int_eq(stat(extent, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0444);
	fx_export_writer_free(w);
	unlink(path);
	unlink(extent);

	/* the descriptor's name is replaced while the export runs: the
	 * failed export removes its extent and leaves the stranger */
	ck_assert_int_eq(fx_export_writer_new(&w, path, FX_EXPORT_VMDK, sizeof(media)), 0);
	ck_assert_int_eq(fx_sink_write(fx_export_writer_sink(w), media, 4096), 0);
	ck_assert_int_eq(fx_export_writer_seal(w, sha), FX_EIO); /* half the media */
	ck_assert_int_eq(unlink(path), 0);
	fxt_write_or_die(path, "other", 5);
	ck_assert_int_eq(fx_export_writer_discard(w), FX_ERROR);
	snprintf(msg, sizeof(msg), "%s is no longer the file this export created: left as it is", path);
	ck_assert_str_eq(fx_error_last(), msg);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 5);
	ck_assert_int_eq(lstat(extent, &st), -1);
	fx_export_writer_free(w);
	unlink(path);
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
	tcase_add_test(tc, test_e01_resume);
	/* _i = 0: a symbolic link appears; 1: a regular file */
	tcase_add_loop_test(tc, test_e01_segment_appearing_mid_run, 0, 2);
	tcase_add_loop_test(tc, test_raw_segment_appearing_mid_run, 0, 2);
	tcase_add_test(tc, test_completed_means_every_byte);
	tcase_add_test(tc, test_custom_ops_versions);
	suite_add_tcase(s, tc);
	tcase_add_test(rules, test_raw_segment_names);
	tcase_add_test(rules, test_raw_segments_exact);
	tcase_add_test(tc, test_wqueue_order);
	tcase_add_test(tc, test_wqueue_enospc);
	tcase_add_test(tc, test_raw_queued_order);
	tcase_add_test(tc, test_raw_queued_short_write_fails);
	tcase_add_test(tc, test_raw_queued_enospc);
	tcase_add_test(rules, test_raw_segment_minimum);
	tcase_add_test(rules, test_raw_sparse);
	tcase_add_test(rules, test_md5_placement);
	tcase_add_test(rules, test_raw_segment_offload);
	tcase_add_test(rules, test_raw_iso_and_options);
	tcase_add_test(rules, test_e01_segment_limits);
	tcase_add_test(rules, test_e01_options_check);
	tcase_add_test(rules, test_vhd_geometry);
	tcase_add_test(rules, test_vhd_footer);
	tcase_add_test(rules, test_vmdk_descriptor);
	tcase_add_test(tc, test_export_names);
	tcase_add_test(tc, test_export_writer_refusals);
	tcase_add_test(tc, test_export_writer_files);
	tcase_add_test(tc, test_stream_sink_round_trip);
	tcase_add_test(tc, test_stream_sink_receiver_gone);
	tcase_add_test(tc, test_stream_sink_sender_stops);
	tcase_add_test(tc, test_stream_sink_keyed);
	tcase_add_test(rules, test_stream_sink_options);
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
