/*
 * What every report format shares: the escaping of recorded text for HTML,
 * XML, CSS and plain text (one implementation each, over base/utf8's
 * decoder; JSON is base/json's writer), the wording of recorded states,
 * and the arithmetic on recorded values (durations, time order, sector
 * totals, hash comparisons; times are read by base/utc).
 *
 * Escaping is the one defence against a description, note or case number
 * that holds markup: every recorded string reaches the output through a
 * function here or through the JSON writer. In markup, JSON and CSS, bytes
 * that are not valid UTF-8 (only a database changed behind the library's
 * back can hold them) and characters the target cannot represent become
 * U+FFFD, so the output is always well-formed. Plain text (fx_text_escape
 * in base/text.c, public: the tools use it for the terminal and the
 * acquisition log, the text report through fx_rpt_text_clean) gets
 * C-style escapes instead, which lose nothing.
 *
 * Threading: no state; any thread.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/utc.h"
#include "base/utf8.h"
#include "report/report_int.h"

static void put_cp(FILE *f, uint32_t cp)
{
	char b[4];

	fwrite(b, 1, fx_utf8_put(b, cp), f);
}

/* ---- escapers ---- */

void fx_rpt_put_markup(FILE *f, const char *s)
{
	uint32_t cp;

	while (s && (cp = fx_utf8_next(&s)) != 0) {
		switch (cp) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\t': case '\n': case '\r': fputc((int)cp, f); break;
		default:
			if (fx_utf8_is_control(cp) || cp == 0xFFFE || cp == 0xFFFF)
				cp = FX_UTF8_REPLACEMENT;
			put_cp(f, cp);
		}
	}
}

void fx_rpt_put_css_string(FILE *f, const char *s)
{
	uint32_t cp;

	fputc('"', f);
	while (s && (cp = fx_utf8_next(&s)) != 0) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9') || (cp && strchr(" ,.:_-", (int)cp)))
			fputc((int)cp, f);
		else
			fprintf(f, "\\%06x", (unsigned)(fx_utf8_is_control(cp) ?
						      FX_UTF8_REPLACEMENT : cp));
	}
	fputc('"', f);
}

/* ---- plain text: the text report ---- */

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

int fx_rpt_time_cmp(const char *a, const char *b)
{
	int64_t x, y;
	int pa = fx_utc_parse(&x, a) == 0, pb = fx_utc_parse(&y, b) == 0;

	if (pa && pb)
		return (x > y) - (x < y);
	if (pa != pb)
		return pa ? -1 : 1;
	return strcmp(a ? a : "", b ? b : "");
}

int fx_rpt_duration(int64_t *out_us, const char *start, const char *end)
{
	int64_t s, e;

	if (fx_utc_parse(&s, start) || fx_utc_parse(&e, end) || e < s)
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

const struct fx_rpt_resume *fx_rpt_resumes_of(const struct fx_rpt_item *it,
					      int64_t acq_id, size_t *n)
{
	size_t i, k;

	for (i = 0; i < it->n_res && it->res[i].acquisition_id != acq_id; i++)
		;
	for (k = i; k < it->n_res && it->res[k].acquisition_id == acq_id; k++)
		;
	*n = k - i;
	return k > i ? &it->res[i] : NULL;
}

size_t fx_rpt_exports_of(const struct fx_rpt_item *it, int64_t acq_id)
{
	size_t i, n = 0;

	for (i = 0; i < it->n_exp; i++)
		n += it->exp[i].rec.acquisition_id == acq_id;
	return n;
}

const char *fx_rpt_anchor_meaning(fx_casedb_anchor_state s)
{
	switch (s) {
	case FX_ANCHOR_VERIFIED:
		return "verified (the TSA's signature, the token and the "
		       "anchored event check)";
	case FX_ANCHOR_NOT_CHECKED:
		return "time-stamped (the token's imprint and time and the "
		       "anchored event check; the TSA's signature was not "
		       "checked: no CA certificate was given)";
	case FX_ANCHOR_MISSING:
		return "MISSING (the TSA gave no time-stamp)";
	case FX_ANCHOR_BAD_TOKEN:
		return "REFUSED (the stored token does not check)";
	case FX_ANCHOR_HEAD_GONE:
		return "EVENT GONE (the anchored event is missing or changed: "
		       "the chain was cut or rewritten after the time-stamp)";
	}
	return "?";
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
