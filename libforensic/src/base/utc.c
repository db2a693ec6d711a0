/*
 * UTC times (see utc.h): one formatter for the clock and for a time_t,
 * one parser for what was written. The case database records when each
 * event happened with microseconds, the reports and the tools to the
 * second; every writer goes through strftime with the same pattern, so
 * the two forms differ only by the fraction.
 */
#include <stdio.h>
#include <string.h>

#include "base/utc.h"

#define FX_UTC_FORMAT "%Y-%m-%dT%H:%M:%S"

void fx_format_utc(char *out, size_t outlen, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outlen, FX_UTC_FORMAT "Z", &tm);
}

void fx_utc_now(char *out, size_t size, unsigned flags)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (!(flags & FX_UTC_MICRO)) {
		fx_format_utc(out, size, ts.tv_sec);
		return;
	}
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, size, FX_UTC_FORMAT, &tm);
	snprintf(out + n, size - n, ".%06ldZ", ts.tv_nsec / 1000);
}

static int digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int fx_utc_parse(int64_t *out_us, const char *s)
{
	int y, mo, d, h, mi, sec, i;
	int64_t frac = 0, scale = 100000;

	if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    digits(s, 4, &y) || digits(s + 5, 2, &mo) ||
	    digits(s + 8, 2, &d) || digits(s + 11, 2, &h) ||
	    digits(s + 14, 2, &mi) || digits(s + 17, 2, &sec) ||
	    mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	i = 19;
	if (s[i] == '.') {
		for (i++; s[i] >= '0' && s[i] <= '9'; i++) {
			frac += (s[i] - '0') * scale;
			scale /= 10;
		}
		if (i == 20)
			return -1;
	}
	if (s[i] != 'Z' || s[i + 1] != '\0')
		return -1;
	*out_us = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
		    sec) * 1000000) + frac;
	return 0;
}

int fx_utc_valid(const char *t)
{
	int64_t us;

	return fx_utc_parse(&us, t) == 0 &&
	       (t[19] != '.' || strspn(t + 20, "0123456789") <= 9);
}
