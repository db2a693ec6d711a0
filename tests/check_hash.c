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
#include "hash/sha256_pair.h" /* the two-lane SHA-256: private */
#include "testutil.h"

/* Deterministic bytes that are not a short cycle (AES would do; this is
 * enough for a hash test and needs no key). */
static void pair_fill(uint8_t *buf, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1664525u + 1013904223u;
		buf[i] = (uint8_t)(seed >> 24);
	}
}

/* One pair fed buf[0, len) in pieces of `step` (0: one piece), lane 1 cut
 * every `seg` bytes (a multiple of 64): lane 0 must equal OpenSSL's SHA-256
 * of the whole, each cut and lane 1's last digest OpenSSL's of the segment,
 * and the peeks on the way OpenSSL's of the prefix. */
static void pair_check(const uint8_t *buf, size_t len, size_t step, size_t seg,
		       int portable)
{
	fx_sha256_pair *p;
	char got[65], want[65];
	size_t at = 0, take, in_seg = 0, seg_start = 0;

	ck_assert_int_eq(fx_sha256_pair_new(&p, portable), 0);
	while (at < len) {
		take = step && step < len - at ? step : len - at;
		if (seg && take > seg - in_seg)
			take = seg - in_seg;
		fx_sha256_pair_update(p, buf + at, take);
		at += take;
		in_seg += take;
		if (at % 97 == 0 && at <= 70000) { /* prefixes: cheap ones */
			fx_sha256_pair_peek_hex(p, 0, got, sizeof(got));
			fxt_sha256_hex(want, buf, at);
			ck_assert_str_eq(got, want);
		}
		if (seg && in_seg == seg) {
			ck_assert_int_eq(fx_sha256_pair_cut_hex(p, got, sizeof(got)), 0);
			fxt_sha256_hex(want, buf + seg_start, seg);
			ck_assert_msg(strcmp(got, want) == 0,
				      "segment at %zu of %zu (step %zu, portable %d): %s, not %s",
				      seg_start, len, step, portable, got, want);
			seg_start = at;
			in_seg = 0;
		}
	}
	fx_sha256_pair_peek_hex(p, 0, got, sizeof(got));
	fxt_sha256_hex(want, buf, len);
	ck_assert_msg(strcmp(got, want) == 0, "lane 0 of %zu bytes (step %zu, segment %zu, portable %d): %s, not %s",
		      len, step, seg, portable, got, want);
	fx_sha256_pair_peek_hex(p, 1, got, sizeof(got));
	fxt_sha256_hex(want, buf + seg_start, len - seg_start);
	ck_assert_str_eq(got, want);
	fx_sha256_pair_free(p);
}

/* Issue 15: the two-lane SHA-256 (a split image's media and segment
 * hashes in one pass) equals OpenSSL's on every length around the block
 * and padding edges, fed whole, byte by byte and in odd pieces, cut at
 * segment boundaries, with and without SHA-NI; FIPS 180-2's "abc" and
 * empty-string values; a cut off a 64-byte boundary is refused. */
START_TEST(test_sha256_pair)
{
	size_t big = 3 * 1048576 + 4096 + 77, len, i;
	uint8_t *buf = malloc(big);
	static const size_t steps[] = { 0, 1, 63, 64, 65, 4096, 1000003 };
	static const size_t segs[] = { 0, 64, 512, 65536, 1048576 };
	char hex[65];
	fx_sha256_pair *p;
	int portable;

	ck_assert_ptr_nonnull(buf);
	pair_fill(buf, big, 42);
	for (portable = 0; portable <= 1; portable++) {
		for (len = 0; len <= 200; len++)
			pair_check(buf, len, len % 3 ? 7 : 0, len >= 64 ? 64 : 0, portable);
		for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
			pair_check(buf, big, steps[i] == 1 ? 0 : steps[i],
				   segs[i % (sizeof(segs) / sizeof(segs[0]))], portable);
		pair_check(buf, 70000, 1, 512, portable);
		for (i = 0; i < sizeof(segs) / sizeof(segs[0]); i++)
			pair_check(buf, big, 65536 + 17, segs[i], portable);

		ck_assert_int_eq(fx_sha256_pair_new(&p, portable), 0);
		fx_sha256_pair_peek_hex(p, 0, hex, sizeof(hex));
		ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
		fx_sha256_pair_update(p, "abc", 3);
		fx_sha256_pair_peek_hex(p, 1, hex, sizeof(hex));
		ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
		ck_assert_int_eq(fx_sha256_pair_cut_hex(p, hex, sizeof(hex)), -1);
		fx_sha256_pair_peek_hex(p, 1, hex, sizeof(hex));
		ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
		fx_sha256_pair_free(p);
	}
	ck_assert_int_eq(fx_sha256_pair_new(&p, 1), 0);
	ck_assert_int_eq(fx_sha256_pair_accelerated(p), 0);
	fx_sha256_pair_free(p);
	ck_assert_int_eq(fx_sha256_pair_new(&p, 0), 0);
	printf("test_sha256_pair: SHA-NI %s\n", fx_sha256_pair_accelerated(p) ? "used" : "not available: portable lanes only");
	fx_sha256_pair_free(p);
	fx_sha256_pair_free(NULL);
	free(buf);
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
	tcase_add_test(tc, test_sha256_pair);
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
