/*
 * Unit tests of the image readers (src/image) through the public API. The
 * expected values come from elsewhere: the media's hashes from OpenSSL
 * (not from libforensic's hashers), chunk locations from the E01's own
 * table section (parsed in testutil.c), sector ranges from where the test
 * changed a byte.
 *
 * E01: the parallel reader returns the media exactly (several worker
 * counts, sequential and out-of-order reads) with its stored hashes and
 * files; a corrupted stored chunk and a corrupted compressed chunk are
 * each reported as exactly that chunk's sectors, and nothing else;
 * missing, truncated, reordered segments and a damaged section descriptor
 * are refused before reading, naming the file, with the typed problem
 * (kind and file). Split raw: the reader holds a few files open, not the
 * whole set, and refuses a file swapped after the open.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "forensic/forensic.h"
#include "testutil.h"

/* ---- E01 ------------------------------------------------------------------ */

static void read_all_and_compare(fx_source *img, const uint8_t *media, size_t bs)
{
	uint8_t *buf = malloc(bs);
	uint64_t off;
	int64_t n;

	for (off = 0; off < FXT_MEDIA_SIZE; off += (uint64_t)n) {
		n = fx_source_pread(img, buf, bs, off);
		ck_assert_int_gt(n, 0);
		ck_assert_msg(memcmp(buf, media + off, (size_t)n) == 0,
			      "media differs in the %zu bytes at %llu", (size_t)n,
			      (unsigned long long)off);
	}
	ck_assert_uint_eq(off, FXT_MEDIA_SIZE);
	ck_assert_int_eq(fx_source_pread(img, buf, bs, FXT_MEDIA_SIZE), 0);
	free(buf);
}

START_TEST(test_e01_reader_returns_the_media)
{
	uint8_t *media = fxt_make_media(), buf[5000];
	const char *dir = fxt_tmpdir("image-e01read");
	char target[4200], first[4300];
	fx_image_chunk_error ce;
	fx_digests stored;
	fx_image_file files[4];
	unsigned threads[] = { 1, 2, 5 };
	fxt_hashes h = fxt_hash_of(media, FXT_MEDIA_SIZE);
	size_t t;
	fx_source *img;
	fx_image_options io = FX_IMAGE_OPTIONS_INIT;

	snprintf(target, sizeof(target), "%s/m", dir);
	snprintf(first, sizeof(first), "%s.E01", target);
	fxt_make_e01(target, media, FXT_MEDIA_SIZE, "fast", 0);
	for (t = 0; t < 3; t++) {
		io.threads = threads[t];
		ck_assert_msg(fx_image_open(&img, first, &io) == 0, "%s",
			      fx_error_last());
		ck_assert_int_eq(fx_image_format(img), FX_IMAGE_E01);
		ck_assert_uint_eq(fx_source_get_info(img)->size, FXT_MEDIA_SIZE);
		read_all_and_compare(img, media, t == 1 ? 65536 : FXT_MIB);
		/* out of order: back to the start, odd sizes across chunks */
		ck_assert_int_eq(fx_source_pread(img, buf, sizeof(buf), 1000), (int64_t)sizeof(buf));
		ck_assert_int_eq(memcmp(buf, media + 1000, sizeof(buf)), 0);
		ck_assert_int_eq(fx_source_pread(img, buf, sizeof(buf), 3 * FXT_MIB - 7), (int64_t)sizeof(buf));
		ck_assert_int_eq(memcmp(buf, media + 3 * FXT_MIB - 7, sizeof(buf)), 0);
		ck_assert_uint_eq(fx_image_chunk_errors(img, &ce, 1), 0);
		ck_assert_int_eq(fx_image_stored_hashes(img, &stored), 0);
		ck_assert_uint_eq(stored.algs, FX_HASH_MD5 | FX_HASH_SHA1);
		ck_assert_str_eq(stored.md5, h.md5);
		ck_assert_str_eq(stored.sha1, h.sha1);
		ck_assert_uint_eq(fx_image_files(img, files, 4), 1);
		ck_assert_str_eq(files[0].path, first);
		fx_source_free(img);
	}
	free(media);
}
END_TEST

/* Corrupts stored chunk k of a one-segment E01; returns its reason. */
static int corrupt_chunk_and_read(const char *e01, const uint8_t *media,
				  unsigned k, int *compressed)
{
	fx_image_chunk_error ce[4];
	fx_image_options io = FX_IMAGE_OPTIONS_INIT;
	uint8_t *buf = malloc(FXT_MIB);
	uint64_t off = fxt_chunk_offset(e01, k, compressed);
	fx_source *img;
	size_t n;

	fxt_flip_byte(e01, off + 20);
	io.threads = 2;
	ck_assert_int_eq(fx_image_open(&img, e01, &io), 0);
	for (off = 0; off < FXT_MEDIA_SIZE; off += FXT_MIB) {
		ck_assert_int_eq(fx_source_pread(img, buf, FXT_MIB, off), (int64_t)FXT_MIB);
		for (n = 0; n < FXT_MIB / FXT_CHUNK; n++) /* every other chunk intact */
			if ((off + n * FXT_CHUNK) / FXT_CHUNK != k)
				ck_assert_msg(memcmp(buf + n * FXT_CHUNK, media + off + n * FXT_CHUNK, FXT_CHUNK) == 0,
					      "chunk %zu differs", (size_t)((off + n * FXT_CHUNK) / FXT_CHUNK));
	}
	n = fx_image_chunk_errors(img, ce, 4);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(ce[0].first_chunk, k);
	ck_assert_uint_eq(ce[0].chunks, 1);
	ck_assert_uint_eq(ce[0].first_sector, (uint64_t)k * 64);
	ck_assert_uint_eq(ce[0].sectors, 64);
	/* zero-filled (as ewfverify -w reads it; plain libewf reads differ) */
	ck_assert_int_eq(fx_source_pread(img, buf, FXT_CHUNK, (uint64_t)k * FXT_CHUNK), (int64_t)FXT_CHUNK);
	for (n = 0; n < FXT_CHUNK; n++)
		ck_assert_uint_eq(buf[n], 0);
	fx_source_free(img);
	free(buf);
	return ce[0].reason;
}

START_TEST(test_e01_corrupt_chunks_are_named)
{
	uint8_t *media = fxt_make_media();
	const char *dir = fxt_tmpdir("image-e01chunk");
	char target[4200], e01[4300];
	int compressed, reason;

	snprintf(target, sizeof(target), "%s/m", dir);
	snprintf(e01, sizeof(e01), "%s.E01", target);
	fxt_make_e01(target, media, FXT_MEDIA_SIZE, "fast", 0);
	/* chunk 40: random data, stored with its Adler-32 */
	reason = corrupt_chunk_and_read(e01, media, 40, &compressed);
	ck_assert_int_eq(compressed, 0);
	ck_assert_int_eq(reason, FX_CHUNK_CHECKSUM);
	/* a fresh image; chunk 70: text, stored deflated */
	unlink(e01);
	fxt_make_e01(target, media, FXT_MEDIA_SIZE, "fast", 0);
	reason = corrupt_chunk_and_read(e01, media, 70, &compressed);
	ck_assert_int_eq(compressed, 1);
	ck_assert(reason == FX_CHUNK_CHECKSUM || reason == FX_CHUNK_DECOMPRESS);
	/* chunk 10 of a run of identical zero chunks (decoded once, reused):
	 * only it is bad, its neighbours still read as zeros */
	unlink(e01);
	fxt_make_e01(target, media, FXT_MEDIA_SIZE, "fast", 0);
	reason = corrupt_chunk_and_read(e01, media, 10, &compressed);
	ck_assert_int_eq(compressed, 1);
	ck_assert(reason == FX_CHUNK_CHECKSUM || reason == FX_CHUNK_DECOMPRESS);
	free(media);
}
END_TEST

/* What made the open of first fail, typed: kind and file (image.h). */
static void expect_problem(const char *first, int kind, const char *file)
{
	fx_image_options io = FX_IMAGE_OPTIONS_INIT;
	fx_image_problem pb;
	fx_source *img = NULL;
	int rc;

	memset(&pb, 0x55, sizeof(pb)); /* every call sets it */
	io.problem = &pb;
	rc = fx_image_open(&img, first, &io);
	ck_assert_int_eq(pb.kind, kind);
	ck_assert_str_eq(pb.file, file);
	ck_assert_int_eq(rc == 0, kind == FX_IMAGE_PROBLEM_NONE);
	fx_source_free(img);
}

START_TEST(test_e01_set_structure)
{
	uint8_t *media = malloc(FXT_MEDIA_SIZE);
	const char *dir = fxt_tmpdir("image-e01set");
	char target[4200], e[6][4300], msg[8700];
	fx_image_file files[8];
	fx_source *img;
	int i;

	snprintf(target, sizeof(target), "%s/s", dir);
	fxt_make_segmented(target, media);
	for (i = 1; i <= 5; i++)
		snprintf(e[i], sizeof(e[i]), "%s.E%02d", target, i);
	snprintf(e[0], sizeof(e[0]), "%s.aside", target);
	ck_assert_int_eq(access(e[5], F_OK), 0);
	ck_assert_int_eq(fx_image_open(&img, e[1], NULL), 0);
	ck_assert_uint_eq(fx_image_files(img, files, 8), 5);
	read_all_and_compare(img, media, FXT_MIB);
	fx_source_free(img);
	expect_problem(e[1], FX_IMAGE_PROBLEM_NONE, "");

	/* the middle segment gone */
	ck_assert_int_eq(rename(e[3], e[0]), 0);
	snprintf(msg, sizeof(msg), "image segment %s is missing (%s continues into it)", e[3], e[2]);
	fxt_expect_open_fails(e[1], FX_ENOTFOUND, msg);
	expect_problem(e[1], FX_IMAGE_PROBLEM_MISSING, e[3]);
	/* segments swapped */
	ck_assert_int_eq(rename(e[4], e[3]), 0);
	ck_assert_int_eq(rename(e[0], e[4]), 0);
	snprintf(msg, sizeof(msg), "image segment %s says it is segment 4, expected 3", e[3]);
	fxt_expect_open_fails(e[1], FX_ECORRUPT, msg);
	expect_problem(e[1], FX_IMAGE_PROBLEM_CORRUPT, e[3]);
	ck_assert_int_eq(rename(e[3], e[0]), 0);
	ck_assert_int_eq(rename(e[4], e[3]), 0);
	ck_assert_int_eq(rename(e[0], e[4]), 0);
	/* the last segment gone */
	ck_assert_int_eq(rename(e[5], e[0]), 0);
	snprintf(msg, sizeof(msg), "image segment %s is missing (%s continues into it)", e[5], e[4]);
	fxt_expect_open_fails(e[1], FX_ENOTFOUND, msg);
	ck_assert_int_eq(rename(e[0], e[5]), 0);
	/* a segment cut short */
	ck_assert_int_eq(truncate(e[2], 500000), 0);
	snprintf(msg, sizeof(msg), "image segment %s is truncated", e[2]);
	fxt_expect_open_fails(e[1], FX_ECORRUPT, msg);
	expect_problem(e[1], FX_IMAGE_PROBLEM_TRUNCATED, e[2]);
	/* a section descriptor changed */
	fxt_flip_byte(e[4], 13 + 20);
	snprintf(msg, sizeof(msg), "image segment %s is truncated", e[2]);
	fxt_expect_open_fails(e[1], FX_ECORRUPT, msg); /* the first fault found */
	free(media);
}
END_TEST

START_TEST(test_e01_descriptor_and_signature)
{
	uint8_t *media = malloc(FXT_MEDIA_SIZE);
	const char *dir = fxt_tmpdir("image-e01desc");
	char target[4200], e1[4300], e3[4300], msg[8700];

	snprintf(target, sizeof(target), "%s/s", dir);
	fxt_make_segmented(target, media);
	snprintf(e1, sizeof(e1), "%s.E01", target);
	snprintf(e3, sizeof(e3), "%s.E03", target);
	fxt_flip_byte(e3, 13 + 20);
	snprintf(msg, sizeof(msg), "image segment %s is damaged: the section descriptor at byte 13 fails its checksum", e3);
	fxt_expect_open_fails(e1, FX_ECORRUPT, msg);
	expect_problem(e1, FX_IMAGE_PROBLEM_CORRUPT, e3);
	fxt_write_or_die(e1, "not an image at all, just text\n", 31);
	snprintf(msg, sizeof(msg), "%s is not an EWF (E01) segment file: no EVF signature", e1);
	fxt_expect_open_fails(e1, FX_ECORRUPT, msg);
	expect_problem(e1, FX_IMAGE_PROBLEM_NOT_IMAGE, e1);
	snprintf(msg, sizeof(msg), "%s/none.raw", dir);
	expect_problem(msg, FX_IMAGE_PROBLEM_MISSING, msg);
	expect_problem(dir, FX_IMAGE_PROBLEM_NOT_IMAGE, dir); /* a directory */
	free(media);
}
END_TEST

/* ---- split raw --------------------------------------------------------- */

/* Open descriptors of this process. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own */
}

/* A split raw set of 300 files is opened and read whole with a limit of
 * 32 descriptors (the reader holds a few files open, not the set: it
 * failed "Too many open files"); a file swapped for another with the same
 * bytes after the open is refused when a read reaches it (-ESTALE), not
 * read as if it were the file checked. */
START_TEST(test_split_raw_reader_bounded_fds)
{
	enum { NSEG = 300, SEG = 4096 };
	const char *dir = fxt_tmpdir("split-fds");
	uint8_t *media = malloc((size_t)NSEG * SEG), *back = malloc((size_t)NSEG * SEG);
	char first[4300], path[4300], tmp[4400];
	struct rlimit lim, low;
	fx_source *img = NULL;
	uint64_t at;
	int before, i;

	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_nonnull(media);
	ck_assert_ptr_nonnull(back);
	fxt_fill_pattern(media, (size_t)NSEG * SEG, 21);
	for (i = 0; i < NSEG; i++) {
		snprintf(path, sizeof(path), "%s/set.%03d", dir, i + 1);
		fxt_write_or_die(path, media + (size_t)i * SEG, SEG);
	}
	snprintf(first, sizeof(first), "%s/set.001", dir);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &lim), 0);
	low = lim;
	low.rlim_cur = 32;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	before = open_fds();
	ck_assert_msg(fx_image_open(&img, first, NULL) == 0, "%s", fx_error_last());
	ck_assert_int_eq(fx_image_format(img), FX_IMAGE_SPLIT_RAW);
	ck_assert_uint_eq(fx_source_get_info(img)->size, (uint64_t)NSEG * SEG);
	ck_assert_int_eq(open_fds(), before);
	for (at = 0; at < (uint64_t)NSEG * SEG; at += 6 * SEG + 512) {
		size_t len = (uint64_t)NSEG * SEG - at < 6 * SEG + 512
			     ? (size_t)((uint64_t)NSEG * SEG - at) : 6 * SEG + 512;

		ck_assert_int_eq(fx_source_pread(img, back + at, len, at), (int64_t)len);
	}
	ck_assert_int_eq(memcmp(back, media, (size_t)NSEG * SEG), 0);
	ck_assert_int_le(open_fds() - before, 4);
	ck_assert_int_ge(open_fds() - before, 1);

	/* set.150 replaced by an equal copy (a new inode: written first,
	 * then renamed over the original) */
	snprintf(path, sizeof(path), "%s/set.150", dir);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fxt_write_or_die(tmp, media + 149 * SEG, SEG);
	ck_assert_int_eq(rename(tmp, path), 0);
	ck_assert_int_eq(fx_source_pread(img, back, SEG, 149 * SEG), -ESTALE);
	ck_assert_int_eq(fx_source_pread(img, back, SEG, 148 * SEG), SEG);
	fx_source_free(img);
	ck_assert_int_eq(open_fds(), before);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
	free(media);
	free(back);
}
END_TEST

static Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *e01 = tcase_create("e01 reader");
	TCase *split = tcase_create("split raw reader");

	tcase_add_test(e01, test_e01_reader_returns_the_media);
	tcase_add_test(e01, test_e01_corrupt_chunks_are_named);
	tcase_add_test(e01, test_e01_set_structure);
	tcase_add_test(e01, test_e01_descriptor_and_signature);
	tcase_add_test(split, test_split_raw_reader_bounded_fds);
	suite_add_tcase(s, e01);
	suite_add_tcase(s, split);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(image_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
