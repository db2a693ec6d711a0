/*
 * Unit tests of the base layer (src/base) through the public API: the
 * JSON writer in each of its layouts and text rules (the exact bytes every
 * output of the suite relies on: the audit chain hashes the canonical
 * form), the UTF-8 decoder that decides what is UTF-8 everywhere, UTC
 * formatting, the names of the vocabulary's statuses and verdicts, and the
 * escaping of recorded text for terminals and logs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forensic/forensic.h"
#include "testutil.h"

/* The text of a writer into memory, which must have succeeded. */
static const char *text_of(const fx_json *j)
{
	const char *text = NULL;
	size_t len = 0;

	ck_assert_int_eq(fx_json_text(j, &text, &len), 0);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(len, strlen(text));
	return text;
}

/* A string written alone under flags. */
static char *one_string(unsigned flags, const char *s, size_t len)
{
	fx_json *j = NULL;
	char *out;

	ck_assert_int_eq(fx_json_new(&j, flags, NULL), 0);
	fx_json_string(j, s, len);
	out = strdup(text_of(j));
	fx_json_free(j);
	return out;
}

START_TEST(test_json_canonical)
{
	static const char want[] =
		"{\"a\":[1,-5,18446744073709551615,null,true,false,[],{}],"
		"\"b\":\"q\\\"b\\\\s\\b\\f\\n\\r\\t\\u0001\\u000b\\u001f\x7f"
		"\xc3\xa9\xe2\x80\xae/\",\"c\":{\"\":0,\"x\":\"\\u0000\"}}";
	fx_json *j = NULL;

	ck_assert_int_eq(fx_json_new(&j, FX_JSON_CANONICAL, NULL), 0);
	fx_json_object_begin(j);
	fx_json_key(j, "a");
	fx_json_array_begin(j);
	fx_json_int(j, 1);
	fx_json_int(j, -5);
	fx_json_uint(j, UINT64_MAX);
	fx_json_cstring(j, NULL);
	fx_json_bool(j, 7);
	fx_json_bool(j, 0);
	fx_json_array_begin(j);
	fx_json_array_end(j);
	fx_json_object_begin(j);
	fx_json_object_end(j);
	fx_json_array_end(j);
	fx_json_key(j, "b");
	fx_json_cstring(j, "q\"b\\s\b\f\n\r\t\x01\x0b\x1f\x7f\xc3\xa9\xe2\x80\xae/");
	fx_json_key(j, "c");
	fx_json_object_begin(j);
	fx_json_key(j, "");
	fx_json_int(j, 0);
	fx_json_key(j, "x");
	fx_json_string(j, "\0", 1);
	fx_json_object_end(j);
	fx_json_object_end(j);
	ck_assert_str_eq(text_of(j), want);
	fx_json_free(j);
}
END_TEST

START_TEST(test_json_canonical_refuses)
{
	fx_json *j = NULL;

	/* keys out of order: the first failure is kept, later calls do
	 * nothing */
	ck_assert_int_eq(fx_json_new(&j, FX_JSON_CANONICAL, NULL), 0);
	fx_json_object_begin(j);
	fx_json_key(j, "b");
	fx_json_int(j, 1);
	fx_json_key(j, "a");
	ck_assert_str_eq(fx_error_last(),
			 "internal: JSON key \"a\" written after \"b\"");
	fx_json_int(j, 2);
	fx_json_object_end(j);
	ck_assert_int_eq(fx_json_text(j, NULL, NULL), FX_ERROR);
	fx_json_free(j);

	/* text that is not UTF-8 */
	ck_assert_int_eq(fx_json_new(&j, FX_JSON_CANONICAL, NULL), 0);
	fx_json_cstring(j, "ab\xff");
	ck_assert_int_eq(fx_json_text(j, NULL, NULL), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "text is not valid UTF-8: \"ab\xff\"");
	fx_json_free(j);
	fx_json_free(NULL);
}
END_TEST

START_TEST(test_json_pretty)
{
	static const char want[] =
		"{\n"
		"  \"z\": \"A\xef\xbf\xbd" "B\\n\\u0001\",\n"
		"  \"list\": [\n"
		"    {\n"
		"      \"n\": 1.5\n"
		"    },\n"
		"    []\n"
		"  ],\n"
		"  \"e\": {}\n"
		"}";
	fx_json *j = NULL;

	/* keys in the order given; a byte that is not UTF-8 as U+FFFD */
	ck_assert_int_eq(fx_json_new(&j, FX_JSON_PRETTY | FX_JSON_TEXT_REPLACE,
				     NULL), 0);
	fx_json_object_begin(j);
	fx_json_key(j, "z");
	fx_json_cstring(j, "A\xff" "B\n\x01");
	fx_json_key(j, "list");
	fx_json_array_begin(j);
	fx_json_object_begin(j);
	fx_json_key(j, "n");
	fx_json_raw(j, "1.5");
	fx_json_object_end(j);
	fx_json_array_begin(j);
	fx_json_array_end(j);
	fx_json_array_end(j);
	fx_json_key(j, "e");
	fx_json_object_begin(j);
	fx_json_object_end(j);
	fx_json_object_end(j);
	ck_assert_str_eq(text_of(j), want);
	fx_json_free(j);
}
END_TEST

/* The verification result's rule: every control as \u00xx, each byte
 * that is not UTF-8 as \u00XX, including F5 to F7, which no UTF-8
 * sequence starts with. */
START_TEST(test_json_latin1)
{
	static const char in[] = "\t\n\"\xff\xc3\xa9\xf6\x81\x82\xed\xa0\x80\x7f";
	char *out = one_string(FX_JSON_TEXT_LATIN1, in, sizeof(in) - 1);

	ck_assert_str_eq(out, "\"\\u0009\\u000a\\\"\\u00ff\xc3\xa9\\u00f6\\u0081"
			 "\\u0082\\u00ed\\u00a0\\u0080\x7f\"");
	free(out);
}
END_TEST

/* The tools' rule: \n \r \t, other controls as \u00xx, other bytes as
 * given. */
START_TEST(test_json_bytes)
{
	static const char in[] = "\b\f\n\r\t\x1b\xff\xc3\xa9\\";
	char *out = one_string(FX_JSON_TEXT_BYTES, in, sizeof(in) - 1);

	ck_assert_str_eq(out, "\"\\u0008\\u000c\\n\\r\\t\\u001b\xff\xc3\xa9\\\\\"");
	free(out);
}
END_TEST

START_TEST(test_json_stream)
{
	char *buf = NULL;
	size_t size = 0, len = 0;
	const char *text = "x";
	FILE *f = open_memstream(&buf, &size);
	fx_json *j = NULL;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fx_json_new(&j, FX_JSON_COMPACT, f), 0);
	fx_json_object_begin(j);
	fx_json_key(j, "k");
	fx_json_array_begin(j);
	fx_json_member_uint(j, NULL, 1);
	fx_json_member_string(j, NULL, "v");
	fx_json_array_end(j);
	fx_json_member_int(j, "i", -2);
	fx_json_member_bool(j, "b", 1);
	fx_json_member_string(j, "s", NULL);
	fx_json_object_end(j);
	ck_assert_int_eq(fx_json_text(j, &text, &len), 0);
	ck_assert_ptr_null(text);
	ck_assert_uint_eq(len, 38);
	fx_json_free(j);
	fclose(f);
	ck_assert_str_eq(buf, "{\"k\":[1,\"v\"],\"i\":-2,\"b\":true,\"s\":null}");
	free(buf);
}
END_TEST

START_TEST(test_utf8_decode)
{
	static const struct {
		const char *s;
		size_t n, len;
		uint32_t cp;
	} cases[] = {
		{ "A", 1, 1, 'A' },
		{ "\xc3\xa9", 2, 2, 0xe9 },
		{ "\xe2\x82\xac", 3, 3, 0x20ac },
		{ "\xf0\x9f\x94\x91", 4, 4, 0x1f511 },
		{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "\xef\xbf\xbd", 3, 3, 0xfffd },
		{ "\xe2\x82\xac", 2, 0, 0 },           /* cut by n */
		{ "\xe2\x82", SIZE_MAX, 0, 0 },        /* cut by the NUL */
		{ "\x80", 1, 0, 0 },                   /* a continuation */
		{ "\xc0\xaf", 2, 0, 0 },               /* overlong */
		{ "\xe0\x80\xaf", 3, 0, 0 },
		{ "\xed\xa0\x80", 3, 0, 0 },           /* a surrogate */
		{ "\xf4\x90\x80\x80", 4, 0, 0 },       /* above U+10FFFF */
		{ "\xf6\x81\x82", 3, 0, 0 },
		{ "\xff", 1, 0, 0 },
		{ "x", 0, 0, 0 },
	};
	uint32_t cp;
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cp = 0;
		n = fx_utf8_decode(&cp, cases[i].s, cases[i].n);
		ck_assert_msg(n == cases[i].len, "case %zu: %zu", i, n);
		if (n)
			ck_assert_uint_eq(cp, cases[i].cp);
		ck_assert_uint_eq(fx_utf8_decode(NULL, cases[i].s, cases[i].n), n);
	}
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

static Suite *base_suite(void)
{
	Suite *s = suite_create("base");
	TCase *tc = tcase_create("json and utf-8");
	TCase *text = tcase_create("times, names and escapes");

	tcase_add_test(tc, test_json_canonical);
	tcase_add_test(tc, test_json_canonical_refuses);
	tcase_add_test(tc, test_json_pretty);
	tcase_add_test(tc, test_json_latin1);
	tcase_add_test(tc, test_json_bytes);
	tcase_add_test(tc, test_json_stream);
	tcase_add_test(tc, test_utf8_decode);
	suite_add_tcase(s, tc);
	tcase_add_test(text, test_utc_format);
	tcase_add_test(text, test_status_and_verdict_names);
	tcase_add_test(text, test_text_escape);
	suite_add_tcase(s, text);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(base_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
