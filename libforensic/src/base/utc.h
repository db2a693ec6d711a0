/* UTC times as the suite writes and reads them: ISO 8601 with a Z,
 * "2026-11-24T21:36:44Z", or with microseconds where order matters (the
 * case database: "2026-11-24T21:36:44.123456Z"). Pure functions, except
 * fx_utc_now, which reads the clock; thread-safe. */
#ifndef FX_UTC_H
#define FX_UTC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "forensic/util.h"   /* fx_format_utc is public */

/* Room for any time fx_utc_now writes, and for one the case database
 * accepts ("YYYY-MM-DDTHH:MM:SS.fffffffffZ", NUL) with spare. */
#define FX_UTC_MAX 40

/* fx_utc_now() flag: with microseconds (".ffffffZ"). */
#define FX_UTC_MICRO 1u

/* The current UTC time into out (size >= 21, >= 28 with FX_UTC_MICRO). */
void fx_utc_now(char *out, size_t size, unsigned flags);

/* Parses "YYYY-MM-DDTHH:MM:SS[.f...]Z" (at least one digit after a
 * point; digits past the sixth are read and ignored) into microseconds
 * since the epoch: 0, or -1 if s is NULL or not of that form. The fields
 * are checked against their ranges (month 1-12, day 1-31, hour 0-23,
 * minute 0-59, second 0-60), not against the calendar. */
int fx_utc_parse(int64_t *out_us, const char *s);

/* 1 if t is a time fx_utc_parse reads with at most nine digits after the
 * point: the form the case database keeps. */
int fx_utc_valid(const char *t);

#endif
