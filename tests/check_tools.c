/*
 * Unit tests of the tools' own helpers (tools/common), which are no part
 * of the library: SIZE arguments (fx_tool_parse_size), the values each
 * form gives, and the refusals with *out 0 and the message the tools
 * print.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "tool.h"

START_TEST(test_parse_size_accepts)
{
	static const struct {
		const char *text;
		uint64_t value;
	} ok[] = {
		{ "1", 1 }, { "512", 512 }, { "4096b", 4096 }, { "1K", 1024 },
		{ "1k", 1024 }, { "3KiB", 3072 }, { "1M", 1048576 },
		{ "640m", 671088640 }, { "2G", 2147483648ull },
		{ "2GiB", 2147483648ull }, { "1T", 1099511627776ull },
		{ "16777215T", 16777215ull << 40 },
	};
	char msg[FX_TOOL_MSG_MAX];
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(fx_tool_parse_size(&v, ok[i].text, msg, sizeof(msg)) == 0,
			      "%s", ok[i].text);
		ck_assert_uint_eq(v, ok[i].value);
	}
}
END_TEST

START_TEST(test_parse_size_refuses)
{
	static const char *bad[] = { "", "0", "0M", "-1", "1.5G", "12Q", "M",
				     " 1M", "1 M", "16777216T",
				     "99999999999999999999", "1MB" };
	char msg[FX_TOOL_MSG_MAX];
	uint64_t v = 7;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(fx_tool_parse_size(&v, bad[i], msg, sizeof(msg)) == FX_EUSAGE,
			      "'%s'", bad[i]);
		ck_assert_uint_eq(v, 0);
	}
	fx_tool_parse_size(&v, "12Q", msg, sizeof(msg));
	ck_assert_str_eq(msg,
			 "invalid size '12Q' (a positive number of bytes, optionally with K, M, G or T)");
}
END_TEST

static Suite *tools_suite(void)
{
	Suite *s = suite_create("tools");
	TCase *tc = tcase_create("sizes");

	tcase_add_test(tc, test_parse_size_accepts);
	tcase_add_test(tc, test_parse_size_refuses);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tools_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
