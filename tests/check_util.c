/*
 * Unit tests of the small parsers and namers the tools rely on: raw
 * segment names, hash lists, UTC formatting, E01 segment limits, the raw
 * sink's segment sizes and their 1 MiB minimum, file hashing from
 * storage, and the escaping of recorded text for terminals and logs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forensic/forensic.h"
#include "sink/sink_impl.h" /* fx_sink_write: the pipeline's, private */
#include "testutil.h"

START_TEST(test_segment_names)
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

START_TEST(test_hash_lists)
{
	unsigned set;

	ck_assert_int_eq(fx_hash_parse_list(&set, "md5,sha1,sha256"), 0);
	ck_assert_uint_eq(set, FX_HASH_ALL);
	ck_assert_int_eq(fx_hash_parse_list(&set, "SHA-256,md5"), 0);
	ck_assert_uint_eq(set, FX_HASH_SHA256 | FX_HASH_MD5);
	ck_assert_int_eq(fx_hash_parse_list(&set, "all"), 0);
	ck_assert_uint_eq(set, FX_HASH_ALL);
	ck_assert_int_eq(fx_hash_parse_list(&set, "md4"), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "unknown hash algorithm 'md4' in 'md4' (use md5, sha1, sha256)");
	ck_assert_int_eq(fx_hash_parse_list(&set, "md5,,sha1"), FX_EUSAGE);
	ck_assert_int_eq(fx_hash_parse_list(&set, ""), FX_EUSAGE);
	ck_assert_str_eq(fx_hash_name(FX_HASH_SHA1), "sha1");
	ck_assert_ptr_null(fx_hash_name(8));
}
END_TEST

START_TEST(test_digest_compare)
{
	fx_digests a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	strcpy(a.md5, "900150983cd24fb0d6963f7d28e17f72");
	strcpy(b.md5, "900150983CD24FB0D6963F7D28E17F72");
	ck_assert_int_eq(fx_digests_compare(&a, &b), 0);
	strcpy(a.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
	ck_assert_int_eq(fx_digests_compare(&a, &b), 0); /* sha1 not shared */
	strcpy(b.sha1, "a9993e364706816aba3e25717850c26c9cd0d89e");
	ck_assert_int_eq(fx_digests_compare(&a, &b), FX_HASH_SHA1);
	memset(&b, 0, sizeof(b));
	ck_assert_int_eq(fx_digests_compare(&a, &b), -1);
}
END_TEST

START_TEST(test_utc_format)
{
	char when[32];

	fx_format_utc(when, sizeof(when), 0);
	ck_assert_str_eq(when, "1970-01-01T00:00:00Z");
	fx_format_utc(when, sizeof(when), 1795556204);
	ck_assert_str_eq(when, "2026-11-24T21:36:44Z");
}
END_TEST

/* The words of the vocabulary: what the case database stores and the
 * tools print, one table for the pipeline and the database alike. */
START_TEST(test_status_and_verdict_names)
{
	ck_assert_str_eq(fx_status_name(FX_STATUS_RUNNING), "running");
	ck_assert_str_eq(fx_status_name(FX_STATUS_COMPLETED), "completed");
	ck_assert_str_eq(fx_status_name(FX_STATUS_COMPLETED_WITH_ERRORS),
			 "completed_with_errors");
	ck_assert_str_eq(fx_status_name(FX_STATUS_FAILED), "failed");
	ck_assert_str_eq(fx_status_name(FX_STATUS_INTERRUPTED), "interrupted");
	ck_assert_str_eq(fx_status_name(5), "?");
	ck_assert_str_eq(fx_status_name(-1), "?");
	ck_assert_str_eq(fx_verdict_name(FX_VERDICT_VERIFIED), "verified");
	ck_assert_str_eq(fx_verdict_name(FX_VERDICT_MISMATCH), "mismatch");
	ck_assert_str_eq(fx_verdict_name(FX_VERDICT_ERROR), "error");
	ck_assert_str_eq(fx_verdict_name(FX_VERDICT_INTERRUPTED), "interrupted");
	ck_assert_str_eq(fx_verdict_name(0), "?");
	ck_assert_str_eq(fx_verdict_name(5), "?");
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

/* The raw sink cuts segments at exactly segment_size, whatever the writes
 * (a size that is not a multiple of 4096 also leaves O_DIRECT). */
START_TEST(test_raw_segments_exact)
{
	const char *dir = fxt_tmpdir("util-seg");
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
	const char *dir = fxt_tmpdir("util-segmin");
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

/* fx_file_sha256_stored: the FIPS 180-2 "abc" vector and a 3 MiB file
 * (several reads) against an independent SHA-256; a set cancel flag stops
 * it with FX_EINTR and no value; a missing file is named. */
START_TEST(test_file_sha256_stored)
{
	const char *dir = fxt_tmpdir("util-filehash");
	size_t big = 3u << 20;
	uint8_t *data = malloc(big);
	volatile sig_atomic_t cancel = 0;
	char path[4200], want[65], got[65], msg[4400];
	FILE *f;

	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_nonnull(data);
	snprintf(path, sizeof(path), "%s/abc", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("abc", f);
	fclose(f);
	ck_assert_int_eq(fx_file_sha256_stored(got, path, &cancel), 0);
	ck_assert_str_eq(got, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	snprintf(path, sizeof(path), "%s/big", dir);
	fxt_fill_pattern(data, big, 7);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	ck_assert_uint_eq(fwrite(data, 1, big, f), big);
	fclose(f);
	fxt_sha256_hex(want, data, big);
	ck_assert_int_eq(fx_file_sha256_stored(got, path, NULL), 0);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(fx_file_sha256(got, path), 0);
	ck_assert_str_eq(got, want);
	cancel = 1;
	ck_assert_int_eq(fx_file_sha256_stored(got, path, &cancel), FX_EINTR);
	ck_assert_str_eq(got, "");
	snprintf(msg, sizeof(msg), "interrupted while hashing %s", path);
	ck_assert_str_eq(fx_error_last(), msg);
	snprintf(path, sizeof(path), "%s/missing", dir);
	ck_assert_int_eq(fx_file_sha256_stored(got, path, NULL), FX_ENOTFOUND);
	ck_assert_str_eq(got, "");
	ck_assert_ptr_nonnull(strstr(fx_error_last(), path));
	free(data);
}
END_TEST

/* Recorded text for a terminal or the log: exact escapes, nothing lost,
 * the length returned as snprintf does, truncation safe. */
START_TEST(test_text_escape)
{
	static const struct {
		const char *in, *out;
		unsigned flags;
	} cases[] = {
		{ "CASE\x1b]0;pwned\x07\x1b[2J", "CASE\\x1b]0;pwned\\x07\\x1b[2J", 0 },
		{ "a\tb\nc\rd", "a\\tb\\nc\\rd", 0 },
		{ "a\tb\nc\r\nd", "a\\tb\nc\nd", FX_ESCAPE_KEEP_LF },
		{ "lone\rcr", "lone\\rcr", FX_ESCAPE_KEEP_LF },
		{ "C:\\temp", "C:\\\\temp", 0 },
		{ "\x7f\x01", "\\x7f\\x01", 0 },
		/* not UTF-8: each byte as it is */
		{ "A\xff" "B\xc0\xaf" "C\xe2\x82", "A\\xffB\\xc0\\xafC\\xe2\\x82", 0 },
		/* C1 controls, bidirectional controls, line separator */
		{ "x\xc2\x9b" "1m", "x\\u009b1m", 0 },
		{ "abc\xe2\x80\xae" "fdp.exe", "abc\\u202efdp.exe", 0 },
		{ "\xe2\x81\xa6" "y\xe2\x80\xa8", "\\u2066y\\u2028", 0 },
		/* printable UTF-8, including U+FFFD itself, unchanged */
		{ "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac \xef\xbf\xbd \xf0\x9f\x94\x91",
		  "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac \xef\xbf\xbd \xf0\x9f\x94\x91", 0 },
		{ "", "", 0 },
	};
	char out[128], small[6];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = fx_text_escape(out, sizeof(out), cases[i].in, cases[i].flags);
		ck_assert_msg(strcmp(out, cases[i].out) == 0, "case %zu: [%s]", i, out);
		ck_assert_uint_eq(n, strlen(cases[i].out));
		ck_assert_uint_eq(fx_text_escape(NULL, 0, cases[i].in,
						 cases[i].flags), n);
	}
	ck_assert_uint_eq(fx_text_escape(out, sizeof(out), NULL, 0), 0);
	ck_assert_str_eq(out, "");
	/* cut to the buffer, NUL-terminated, full length returned */
	memset(small, 'Z', sizeof(small));
	ck_assert_uint_eq(fx_text_escape(small, sizeof(small), "ab\x1b[2J", 0), 9);
	ck_assert_str_eq(small, "ab\\x1");
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("parsers");

	tcase_add_test(tc, test_segment_names);
	tcase_add_test(tc, test_hash_lists);
	tcase_add_test(tc, test_digest_compare);
	tcase_add_test(tc, test_utc_format);
	tcase_add_test(tc, test_status_and_verdict_names);
	tcase_add_test(tc, test_e01_segment_limits);
	tcase_add_test(tc, test_raw_segments_exact);
	tcase_add_test(tc, test_raw_segment_minimum);
	tcase_add_test(tc, test_file_sha256_stored);
	tcase_add_test(tc, test_text_escape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
