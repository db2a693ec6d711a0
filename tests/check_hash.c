/*
 * Unit tests of the hash layer (src/hash) through the public API: lists of
 * algorithms as the tools take them and their names, digests compared
 * over the algorithms two sets share (case-insensitive), and files hashed
 * from storage (a known vector and a file of several reads against an
 * independent SHA-256, cancel, a missing file named).
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forensic/forensic.h"
#include "testutil.h"

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

/* fx_file_sha256_stored: the FIPS 180-2 "abc" vector and a 3 MiB file
 * (several reads) against an independent SHA-256; a set cancel flag stops
 * it with FX_EINTR and no value; a missing file is named. */
START_TEST(test_file_sha256_stored)
{
	const char *dir = fxt_tmpdir("hash-file");
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

static Suite *hash_suite(void)
{
	Suite *s = suite_create("hash");
	TCase *tc = tcase_create("hashes");

	tcase_add_test(tc, test_hash_lists);
	tcase_add_test(tc, test_digest_compare);
	tcase_add_test(tc, test_file_sha256_stored);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(hash_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
