/*
 * Unit tests of the tools' own helpers (tools/common), which are no part
 * of the library: SIZE arguments (fx_tool_parse_size), the values each
 * form gives, and the refusals with *out 0 and the message the tools
 * print; the progress meter (meter.c) on a clock the test moves: the
 * exact JSON lines (the rate limit, a phase's first and last states,
 * rates, ETA, an unknown total, copies, the done line), the text line
 * padded over a longer one, with an unknown total, with copies, and
 * nothing at all in mode none.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- the progress meter ---------------------------------------------------- */

static double fake_now;

static double fake_clock(void)
{
	return fake_now;
}

/* The meter's output so far, from its file. */
static const char *meter_out(FILE *f)
{
	static char buf[8192];
	size_t n;

	fflush(f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	return buf;
}

static fx_progress progress_at(uint64_t bytes, uint64_t total, double elapsed)
{
	fx_progress p;

	memset(&p, 0, sizeof(p));
	p.bytes_done = bytes;
	p.bytes_total = total;
	p.elapsed_s = elapsed;
	return p;
}

START_TEST(test_meter_parse)
{
	ck_assert_int_eq(fx_meter_parse("none"), FX_METER_NONE);
	ck_assert_int_eq(fx_meter_parse("text"), FX_METER_TEXT);
	ck_assert_int_eq(fx_meter_parse("json"), FX_METER_JSON);
	ck_assert_int_eq(fx_meter_parse("JSON"), -1);
	ck_assert_int_eq(fx_meter_parse(""), -1);
	ck_assert_int_eq(fx_meter_parse("jsonl"), -1);
}
END_TEST

START_TEST(test_meter_json_lines)
{
	FILE *f = tmpfile();
	fx_meter_result done = FX_METER_RESULT_INIT;
	fx_verify_files_progress fp;
	fx_progress p;

	fx_meter_set_clock(fake_clock);
	fake_now = 100.0;
	fx_meter_start(FX_METER_JSON, f);
	fake_now = 100.25;
	fx_meter_phase("reading", "acquire: reading: ", 4000000);
	fake_now = 100.5; /* 250 ms after the first line: held back */
	p = progress_at(1000000, 4000000, 0.25);
	fx_meter_update(&p, NULL);
	fake_now = 100.75; /* 500 ms: written, the one held back dropped */
	p = progress_at(2000000, 4000000, 0.5);
	p.bad_sectors = 3;
	fx_meter_update(&p, NULL);
	fake_now = 101.0; /* held back, then written as the phase's last */
	p = progress_at(4000000, 4000000, 0.75);
	p.bad_sectors = 3;
	fx_meter_update(&p, NULL);
	fake_now = 101.5;
	memset(&fp, 0, sizeof(fp));
	fp.files_done = 1;
	fp.files_total = 2;
	fp.bytes_done = 500000;
	fp.bytes_total = 1000000;
	fp.elapsed_s = 1.0;
	fx_meter_files("hashing-segments", "acquire: hashing segments: ", &fp);
	fake_now = 102.0;
	done.exit_code = 3;
	done.status = "completed_with_errors";
	done.has_bytes = 1;
	done.bytes = done.total = 4000000;
	done.unreadable_sectors = 3;
	done.verification = "verified";
	fx_meter_done(&done);
	ck_assert_str_eq(meter_out(f),
		"{\"t\":0.250,\"phase\":\"reading\",\"bytes\":0,\"total\":4000000,\"unreadable_sectors\":0,\"elapsed_s\":0.000,\"mb_per_s\":0.0,\"avg_mb_per_s\":0.0,\"eta_s\":null}\n"
		"{\"t\":0.750,\"phase\":\"reading\",\"bytes\":2000000,\"total\":4000000,\"unreadable_sectors\":3,\"elapsed_s\":0.500,\"mb_per_s\":4.0,\"avg_mb_per_s\":4.0,\"eta_s\":1}\n"
		"{\"t\":1.000,\"phase\":\"reading\",\"bytes\":4000000,\"total\":4000000,\"unreadable_sectors\":3,\"elapsed_s\":0.750,\"mb_per_s\":8.0,\"avg_mb_per_s\":5.3,\"eta_s\":0}\n"
		"{\"t\":1.500,\"phase\":\"hashing-segments\",\"bytes\":500000,\"total\":1000000,\"files\":1,\"files_total\":2,\"unreadable_sectors\":0,\"elapsed_s\":1.000,\"mb_per_s\":0.5,\"avg_mb_per_s\":0.5,\"eta_s\":1}\n"
		"{\"t\":2.000,\"phase\":\"done\",\"exit\":3,\"status\":\"completed_with_errors\",\"bytes\":4000000,\"total\":4000000,\"unreadable_sectors\":3,\"verification\":\"verified\"}\n");
	fclose(f);
	fx_meter_set_clock(NULL);
}
END_TEST

/* A total not known is null, and so is its ETA; the copies of a run with
 * several destinations; verify's image; a done line with an error. */
START_TEST(test_meter_json_unknown_total_and_copies)
{
	FILE *f = tmpfile();
	fx_meter_result done = FX_METER_RESULT_INIT;
	fx_progress_copy c[2] = { { "/cases/A", 3000000, FX_STATUS_RUNNING },
				  { "/cases/\xff" "B", 1000000, FX_STATUS_FAILED } };
	fx_progress p;

	fx_meter_set_clock(fake_clock);
	fake_now = 5.0;
	fx_meter_start(FX_METER_JSON, f);
	fx_meter_image("x.E01");
	fx_meter_phase("reading", "verify: reading: ", FX_METER_UNKNOWN);
	fake_now = 6.0;
	p = progress_at(3000000, 3000000, 1.0);
	p.total_unknown = 1;
	p.copies = c;
	p.ncopies = 2;
	fx_meter_update(&p, NULL);
	fx_meter_end();
	fx_meter_end(); /* nothing more */
	done.exit_code = 4;
	done.status = "error";
	done.error = "disk \"full\"";
	done.images = 1;
	fx_meter_done(&done);
	ck_assert_str_eq(meter_out(f),
		"{\"t\":0.000,\"phase\":\"reading\",\"image\":\"x.E01\",\"bytes\":0,\"total\":null,\"unreadable_sectors\":0,\"elapsed_s\":0.000,\"mb_per_s\":0.0,\"avg_mb_per_s\":0.0,\"eta_s\":null}\n"
		"{\"t\":1.000,\"phase\":\"reading\",\"image\":\"x.E01\",\"bytes\":3000000,\"total\":null,\"unreadable_sectors\":0,\"elapsed_s\":1.000,\"mb_per_s\":3.0,\"avg_mb_per_s\":3.0,\"eta_s\":null,"
		"\"copies\":[{\"target\":\"/cases/A\",\"bytes\":3000000,\"status\":\"running\"},{\"target\":\"/cases/\\u00ffB\",\"bytes\":1000000,\"status\":\"failed\"}]}\n"
		"{\"t\":1.000,\"phase\":\"done\",\"exit\":4,\"status\":\"error\",\"images\":1,\"error\":\"disk \\\"full\\\"\"}\n");
	fclose(f);
	fx_meter_set_clock(NULL);
}
END_TEST

START_TEST(test_meter_text_and_none)
{
	FILE *f = tmpfile();
	fx_progress_copy c[2] = { { "/cases/A", 1, FX_STATUS_RUNNING },
				  { "/cases/B", 1, FX_STATUS_FAILED } };
	fx_meter_result done = FX_METER_RESULT_INIT;
	fx_progress p;

	fx_meter_set_clock(fake_clock);
	fx_meter_start(FX_METER_TEXT, f);
	fx_meter_phase("verifying", "acquire: verifying image: ", 1073741824);
	p = progress_at(536870912, 1073741824, 2.0);
	p.bad_sectors = 12345;
	fx_meter_update(&p, NULL);
	p = progress_at(1073741824, 1073741824, 4.0);
	fx_meter_update(&p, NULL);
	fx_meter_phase("reading", "acquire: reading: ", FX_METER_UNKNOWN);
	p = progress_at(2000000000, 0, 10.0);
	p.total_unknown = 1;
	p.copies = c;
	p.ncopies = 2;
	fx_meter_update(&p, NULL);
	fx_meter_done(&done); /* text: the line ended, no done line */
	ck_assert_str_eq(meter_out(f),
		"\racquire: verifying image: 0.00 / 1.00 GiB (  0.0%)      0.0 MB/s  ETA --:--:--  unreadable sectors: 0"
		"\racquire: verifying image: 0.50 / 1.00 GiB ( 50.0%)    268.4 MB/s  ETA 00:00:02  unreadable sectors: 12345"
		"\racquire: verifying image: 1.00 / 1.00 GiB (100.0%)    268.4 MB/s  ETA 00:00:00  unreadable sectors: 0    \n"
		"\racquire: reading: 0.00 GiB      0.0 MB/s  unreadable sectors: 0"
		"\racquire: reading: 1.86 GiB    200.0 MB/s  unreadable sectors: 0  copies: 2 (1 failed)\n");
	fclose(f);

	f = tmpfile();
	fx_meter_start(FX_METER_NONE, f);
	fx_meter_phase("reading", "acquire: reading: ", 10);
	p = progress_at(10, 10, 1.0);
	fx_meter_update(&p, NULL);
	fx_meter_done(&done);
	ck_assert_str_eq(meter_out(f), "");
	fclose(f);
	fx_meter_set_clock(NULL);
}
END_TEST

/* --db: a URI's password goes to PGPASSWORD (percent-decoded), never into
 * the name the tool prints; a path is kept as given. */
START_TEST(test_db_arg)
{
	static const struct {
		const char *arg, *name, *password;
	} cases[] = {
		{ "/cases/lab.db", "/cases/lab.db", NULL },
		{ "postgresql://st1:s%40cr%3At@db.lab/ledger",
		  "postgresql://st1@db.lab/ledger", "s@cr:t" },
		{ "postgres://st1:pw@%2Ftmp%2Fs/l?sslmode=disable",
		  "postgres://st1@%2Ftmp%2Fs/l?sslmode=disable", "pw" },
		{ "postgresql://db.lab/l?user=st1&password=p%20w&sslmode=require",
		  "postgresql://db.lab/l?user=st1&sslmode=require", "p w" },
		{ "postgresql://db.lab/l?password=x",
		  "postgresql://db.lab/l", "x" },
		{ "postgresql://st1@db.lab:5433/l", "postgresql://st1@db.lab:5433/l",
		  NULL },
		{ "postgresql:///l?host=/tmp/s", "postgresql:///l?host=/tmp/s", NULL },
		/* libpq decodes the key: %70assword and passw%6Frd are password */
		{ "postgresql://st1@db.lab/l?%70assword=s3cret&sslmode=disable",
		  "postgresql://st1@db.lab/l?sslmode=disable", "s3cret" },
		{ "postgresql://db.lab/l?user=st1&passw%6Frd=p%21",
		  "postgresql://db.lab/l?user=st1", "p!" },
		{ "postgresql://db.lab/l?passwords=x", "postgresql://db.lab/l?passwords=x",
		  NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char arg[128];

		snprintf(arg, sizeof(arg), "%s", cases[i].arg);
		unsetenv("PGPASSWORD");
		ck_assert_str_eq(fx_tool_db_arg(arg), cases[i].name);
		if (cases[i].password)
			ck_assert_str_eq(getenv("PGPASSWORD"), cases[i].password);
		else
			ck_assert_ptr_null(getenv("PGPASSWORD"));
	}
	/* the password is overwritten in the argv string itself (ps shows
	 * it no more), as written, escapes and all */
	{
		char a1[] = "postgresql://st1:s%40cr%3At@db.lab/ledger";
		char a2[] = "postgresql://db.lab/l?user=st1&%70assword=p%20w&x=1";
		char a3[] = "postgresql://st1@db.lab/l";

		fx_tool_db_arg(a1);
		ck_assert_str_eq(a1, "postgresql://st1:xxxxxxxxxx@db.lab/ledger");
		ck_assert_str_eq(getenv("PGPASSWORD"), "s@cr:t");
		fx_tool_db_arg(a2);
		ck_assert_str_eq(a2, "postgresql://db.lab/l?user=st1&%70assword=xxxxx&x=1");
		ck_assert_str_eq(getenv("PGPASSWORD"), "p w");
		ck_assert_str_eq(fx_tool_db_arg(a3), "postgresql://st1@db.lab/l");
		ck_assert_str_eq(a3, "postgresql://st1@db.lab/l");
	}
	/* a recorded command line leaves the password out too */
	{
		char *argv[] = { "acquire", "--db", "postgresql://a:b@h/d",
				 "--db=postgres://a:c@h/d", "x y" };

		ck_assert_str_eq(fx_tool_command_line(5, argv),
				 "acquire --db postgresql://a@h/d "
				 "--db=postgres://a@h/d 'x y'");
	}
	{
		char *argv[] = { "acquire", "--db", "postgresql://h/d?%70assword=b",
				 "--db=postgres://h/d?user=a&%70asswor%64=c" };

		ck_assert_str_eq(fx_tool_command_line(4, argv),
				 "acquire --db postgresql://h/d "
				 "'--db=postgres://h/d?user=a'");
	}
}
END_TEST

/* --station and FX_STATION: what the events' host becomes. */
START_TEST(test_station)
{
	char msg[160], host[300], want[400];

	snprintf(host, sizeof(host), "%s", fx_tool_hostname());
	unsetenv("FX_STATION");
	ck_assert_int_eq(fx_tool_set_station(NULL, msg, sizeof(msg)), 0);
	ck_assert_str_eq(fx_tool_station_host(), host);
	setenv("FX_STATION", "bench-2", 1);
	ck_assert_int_eq(fx_tool_set_station(NULL, msg, sizeof(msg)), 0);
	snprintf(want, sizeof(want), "%s station bench-2", host);
	ck_assert_str_eq(fx_tool_station_host(), want);
	/* the host's own name as the station: the host alone */
	ck_assert_int_eq(fx_tool_set_station(host, msg, sizeof(msg)), 0);
	ck_assert_str_eq(fx_tool_station_host(), host);
	ck_assert_int_eq(fx_tool_set_station("", msg, sizeof(msg)), -1);
	ck_assert_str_eq(msg, "station name '' is 0 characters (1 to 64)");
	ck_assert_int_eq(fx_tool_set_station("a\x1b[2J", msg, sizeof(msg)), -1);
	ck_assert_str_eq(msg, "station name holds a control character (byte 2)");
	/* --station given first wins over FX_STATION */
	ck_assert_int_eq(fx_tool_set_station("desk 1", msg, sizeof(msg)), 0);
	setenv("FX_STATION", "other", 1);
	ck_assert_int_eq(fx_tool_set_station(NULL, msg, sizeof(msg)), 0);
	snprintf(want, sizeof(want), "%s station desk 1", host);
	ck_assert_str_eq(fx_tool_station_host(), want);
	unsetenv("FX_STATION");
}
END_TEST

static Suite *tools_suite(void)
{
	Suite *s = suite_create("tools");
	TCase *tc = tcase_create("sizes");

	tcase_add_test(tc, test_parse_size_accepts);
	tcase_add_test(tc, test_parse_size_refuses);
	suite_add_tcase(s, tc);
	tc = tcase_create("meter");
	tcase_add_test(tc, test_meter_parse);
	tcase_add_test(tc, test_meter_json_lines);
	tcase_add_test(tc, test_meter_json_unknown_total_and_copies);
	tcase_add_test(tc, test_meter_text_and_none);
	suite_add_tcase(s, tc);
	tc = tcase_create("database");
	tcase_add_test(tc, test_db_arg);
	tcase_add_test(tc, test_station);
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
