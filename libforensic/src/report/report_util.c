/*
 * What every report format shares: the escaping of recorded text for HTML,
 * XML, JSON, CSS and plain text (one implementation each, over one UTF-8
 * decoder), the wording of recorded states, and the arithmetic on recorded
 * values (times, durations, sector totals, hash comparisons).
 *
 * Escaping is the one defence against a description, note or case number
 * that holds markup: every recorded string reaches the output through a
 * function here. In markup, JSON and CSS, bytes that are not valid UTF-8
 * (only a database changed behind the library's back can hold them) and
 * characters the target cannot represent become U+FFFD, so the output is
 * always well-formed. Plain text (fx_text_escape, public: the tools use it
 * for the terminal and the acquisition log, the text report through
 * fx_rpt_text_clean) gets C-style escapes instead, which lose nothing.
 *
 * Threading: no state; any thread.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "forensic/util.h"
#include "report/report_int.h"

#define FX_REPLACEMENT 0xFFFDu

/* ---- UTF-8 ---- */

static int cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

uint32_t fx_rpt_utf8_next(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	uint32_t cp;
	int n, i;

	if (!s[0])
		return 0;
	if (s[0] < 0x80) {
		(*p)++;
		return s[0];
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 1, cp = s[0] & 0x1Fu;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 2, cp = s[0] & 0x0Fu;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 3, cp = s[0] & 0x07u;
	else
		goto bad;
	for (i = 1; i <= n; i++) {
		if (!cont(s[i]))
			goto bad;
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		goto bad;
	*p += n + 1;
	return cp;
bad:
	(*p)++;
	return FX_REPLACEMENT;
}

size_t fx_rpt_utf8_put(char *b, uint32_t cp)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	b[0] = (char)(0xF0 | (cp >> 18));
	b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	b[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static void put_cp(FILE *f, uint32_t cp)
{
	char b[4];

	fwrite(b, 1, fx_rpt_utf8_put(b, cp), f);
}

/* C0 and C1 controls and DEL. */
static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/* ---- escapers ---- */

void fx_rpt_put_markup(FILE *f, const char *s)
{
	uint32_t cp;

	while (s && (cp = fx_rpt_utf8_next(&s)) != 0) {
		switch (cp) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\t': case '\n': case '\r': fputc((int)cp, f); break;
		default:
			if (is_control(cp) || cp == 0xFFFE || cp == 0xFFFF)
				cp = FX_REPLACEMENT;
			put_cp(f, cp);
		}
	}
}

void fx_rpt_put_json(FILE *f, const char *s)
{
	uint32_t cp;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while ((cp = fx_rpt_utf8_next(&s)) != 0) {
		switch (cp) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (cp < 0x20)
				fprintf(f, "\\u%04x", (unsigned)cp);
			else
				put_cp(f, cp);
		}
	}
	fputc('"', f);
}

void fx_rpt_put_css_string(FILE *f, const char *s)
{
	uint32_t cp;

	fputc('"', f);
	while (s && (cp = fx_rpt_utf8_next(&s)) != 0) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9') || (cp && strchr(" ,.:_-", (int)cp)))
			fputc((int)cp, f);
		else
			fprintf(f, "\\%06x", (unsigned)(is_control(cp) ?
						      FX_REPLACEMENT : cp));
	}
	fputc('"', f);
}

/* ---- plain text: terminals, logs, the text report ---- */

/* Not C0/C1 controls, but as dangerous on a terminal: they reorder the
 * rest of the line (bidirectional controls) or break it. */
static int is_layout_control(uint32_t cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Appends n bytes to out as far as size allows; *len counts them all. */
static void text_put(char *out, size_t size, size_t *len, const char *s,
		     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, (*len)++)
		if (*len + 1 < size)
			out[*len] = s[i];
}

size_t fx_text_escape(char *out, size_t size, const char *s, unsigned flags)
{
	const char *at;
	char buf[16];   /* room for any value %04x can print */
	size_t len = 0;
	uint32_t cp;

	while (s && *s) {
		at = s;
		cp = fx_rpt_utf8_next(&s);
		if (cp == FX_REPLACEMENT && s - at == 1) {  /* not UTF-8 */
			snprintf(buf, sizeof(buf), "\\x%02x", (unsigned char)*at);
			text_put(out, size, &len, buf, 4);
		} else if (cp == '\\') {
			text_put(out, size, &len, "\\\\", 2);
		} else if ((flags & FX_ESCAPE_KEEP_LF) &&
			   (cp == '\n' || (cp == '\r' && *s == '\n'))) {
			if (cp == '\n')
				text_put(out, size, &len, "\n", 1);
		} else if (cp == '\t' || cp == '\n' || cp == '\r') {
			text_put(out, size, &len, cp == '\t' ? "\\t" : cp == '\n'
				 ? "\\n" : "\\r", 2);
		} else if (cp < 0x20 || cp == 0x7F) {
			snprintf(buf, sizeof(buf), "\\x%02x", (unsigned)cp);
			text_put(out, size, &len, buf, 4);
		} else if (is_control(cp) || is_layout_control(cp)) {
			snprintf(buf, sizeof(buf), "\\u%04x", (unsigned)cp);
			text_put(out, size, &len, buf, 6);
		} else {
			text_put(out, size, &len, at, (size_t)(s - at));
		}
	}
	if (size)
		out[len < size ? len : size - 1] = '\0';
	return len;
}

char *fx_rpt_text_clean(const char *s)
{
	size_t n = fx_text_escape(NULL, 0, s, FX_ESCAPE_KEEP_LF);
	char *out = malloc(n + 1);

	if (out)
		fx_text_escape(out, n + 1, s, FX_ESCAPE_KEEP_LF);
	return out;
}

/* ---- wording ---- */

const char *fx_rpt_or(const char *s)
{
	return s ? s : FX_NOT_RECORDED;
}

const char *fx_rpt_flag(int v)
{
	return v < 0 ? FX_NOT_RECORDED : v ? "yes" : "no";
}

const char *fx_rpt_verdict_meaning(fx_verdict v)
{
	switch (v) {
	case FX_VERDICT_VERIFIED: return "all hashes match";
	case FX_VERDICT_MISMATCH: return "a hash differs";
	case FX_VERDICT_INTERRUPTED:
		return "stopped before it reached a verdict; neither a pass nor a failure";
	default: return "the image could not be verified";
	}
}

const char *fx_rpt_verdict_label(fx_verdict v)
{
	switch (v) {
	case FX_VERDICT_VERIFIED: return "verified";
	case FX_VERDICT_MISMATCH: return "MISMATCH";
	case FX_VERDICT_INTERRUPTED: return "interrupted";
	default: return "ERROR";
	}
}

/* ---- times ---- */

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

int fx_rpt_time_parse(int64_t *out_us, const char *s)
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

int fx_rpt_time_cmp(const char *a, const char *b)
{
	int64_t x, y;
	int pa = fx_rpt_time_parse(&x, a) == 0, pb = fx_rpt_time_parse(&y, b) == 0;

	if (pa && pb)
		return (x > y) - (x < y);
	if (pa != pb)
		return pa ? -1 : 1;
	return strcmp(a ? a : "", b ? b : "");
}

int fx_rpt_duration(int64_t *out_us, const char *start, const char *end)
{
	int64_t s, e;

	if (fx_rpt_time_parse(&s, start) || fx_rpt_time_parse(&e, end) || e < s)
		return -1;
	*out_us = e - s;
	return 0;
}

void fx_rpt_seconds(char *out, size_t size, int64_t us)
{
	char frac[8];
	int n;

	if (us % 1000000 == 0) {
		snprintf(out, size, "%lld", (long long)(us / 1000000));
		return;
	}
	snprintf(frac, sizeof(frac), "%06lld", (long long)(us % 1000000));
	for (n = 6; n > 0 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	snprintf(out, size, "%lld.%s", (long long)(us / 1000000), frac);
}

void fx_rpt_duration_text(char *out, size_t size, int64_t us)
{
	int64_t h = us / 3600000000LL, m = us / 60000000LL % 60;
	char total[32], sec[32];

	fx_rpt_seconds(total, sizeof(total), us);
	fx_rpt_seconds(sec, sizeof(sec), us % 60000000LL);
	if (us < 60000000LL)
		snprintf(out, size, "%s s", total);
	else if (h == 0)
		snprintf(out, size, "%lld min %s%s s (%s s)", (long long)m,
			 us % 60000000LL < 10000000 ? "0" : "", sec, total);
	else
		snprintf(out, size, "%lld h %02lld min %s%s s (%s s)",
			 (long long)h, (long long)m,
			 us % 60000000LL < 10000000 ? "0" : "", sec, total);
}

void fx_rpt_now(char out[32])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- sizes ---- */

void fx_rpt_size_text(char *out, size_t size, const fx_source_info *s)
{
	uint64_t ls = s->logical_sector_size, b = s->size;

	if (!b)
		snprintf(out, size, FX_NOT_RECORDED);
	else if (!ls)
		snprintf(out, size, "%llu bytes (sector size not recorded)",
			 (unsigned long long)b);
	else if (b % ls)
		snprintf(out, size, "%llu bytes = %llu sectors of %llu bytes "
			 "and %llu bytes more", (unsigned long long)b,
			 (unsigned long long)(b / ls), (unsigned long long)ls,
			 (unsigned long long)(b % ls));
	else
		snprintf(out, size, "%llu bytes = %llu sectors of %llu bytes",
			 (unsigned long long)b, (unsigned long long)(b / ls),
			 (unsigned long long)ls);
}

void fx_rpt_sector_sizes_text(char *out, size_t size,
			      const fx_source_info *s)
{
	char l[32], p[32];

	if (!s->logical_sector_size && !s->physical_sector_size) {
		snprintf(out, size, FX_NOT_RECORDED);
		return;
	}
	snprintf(l, sizeof(l), "%u bytes", s->logical_sector_size);
	snprintf(p, sizeof(p), "%u bytes", s->physical_sector_size);
	snprintf(out, size, "logical %s, physical %s",
		 s->logical_sector_size ? l : FX_NOT_RECORDED,
		 s->physical_sector_size ? p : FX_NOT_RECORDED);
}

/* ---- comparisons of recorded values ---- */

enum fx_rpt_cmp fx_rpt_hash_cmp(const char *computed, const char *recorded)
{
	if (!computed || !recorded || !*computed || !*recorded)
		return FX_CMP_NONE;
	return strcasecmp(computed, recorded) == 0 ? FX_CMP_EQUAL
						    : FX_CMP_DIFFERS;
}

const fx_casedb_acquisition_info *fx_rpt_acq_of(const struct fx_rpt_item *it,
						const fx_casedb_verification_info *v)
{
	size_t i;

	for (i = 0; i < it->n_acq; i++)
		if (it->acq[i]->id == v->rec.acquisition_id)
			return it->acq[i];
	return NULL;
}

uint64_t fx_rpt_bad_total(const fx_casedb_acquisition_info *a)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < a->result.n_bad; i++)
		total += a->result.bad[i].count;
	return total;
}

static int str_differs(const char *a, const char *b)
{
	if (!a || !b)
		return a != b;
	return strcmp(a, b) != 0;
}

int fx_rpt_source_differs(const fx_source_info *a, const fx_source_info *b)
{
	return str_differs(a->vendor, b->vendor) ||
	       str_differs(a->model, b->model) ||
	       str_differs(a->serial, b->serial) ||
	       str_differs(a->wwid, b->wwid) ||
	       str_differs(a->hpa_dco, b->hpa_dco) ||
	       a->size != b->size ||
	       a->logical_sector_size != b->logical_sector_size ||
	       a->physical_sector_size != b->physical_sector_size ||
	       a->removable != b->removable || a->rotational != b->rotational ||
	       a->is_block_device != b->is_block_device;
}
