/* Internal interfaces of the report module (report*.c). */
#ifndef FX_REPORT_INT_H
#define FX_REPORT_INT_H

#include <stdint.h>
#include <stdio.h>

#include "base/arena.h"
#include "base/json.h"
#include "forensic/casedb.h"
#include "forensic/report.h"

#define FX_NOT_RECORDED "not recorded"

/* ---- the model: everything a report says, read before a byte is written.
 * Built by fx_rpt_load (report.c), read-only for the format writers. ---- */

/* A resume of an acquisition (acquire --resume), as recorded by its
 * acquisition.resume event. */
struct fx_rpt_resume {
	int64_t acquisition_id;
	const char *time_utc;
	const char *actor;                    /* the operator */
	const char *host;
	uint64_t from_byte;
	size_t nth;                           /* 1, 2, ... per acquisition */
	size_t order;                         /* in the log (for sorting) */
	size_t acq_index;                     /* its acquisition in acq[] */
};

/* One evidence item with what the database records about it. */
struct fx_rpt_item {
	fx_casedb_case_info kase;             /* its case */
	fx_casedb_evidence_info ev;
	fx_casedb_acquisition_info **acq;     /* by id; owned */
	size_t n_acq;
	fx_casedb_verification_info *ver;     /* by id */
	size_t n_ver;
	fx_casedb_custody_info *cus;          /* in time order */
	size_t n_cus;
	/* resumes, grouped by acquisition in acq's order, oldest first */
	struct fx_rpt_resume *res;
	size_t n_res;
	fx_casedb_export_info *exp;           /* by id, with their files */
	size_t n_exp;
};

/* Something the reader must see on the first page. */
enum fx_rpt_alert_kind {
	FX_ALERT_VERIFICATION,  /* a verification did not pass */
	FX_ALERT_ACQUISITION,   /* an acquisition did not complete */
	FX_ALERT_AUDIT,         /* the audit chain is broken or unchecked */
	FX_ALERT_ANCHOR         /* a time-stamp is missing or refused, or
				 * its event is gone */
};

struct fx_rpt_alert {
	enum fx_rpt_alert_kind kind;
	const struct fx_rpt_item *item;  /* NULL for the audit and anchors */
	int64_t record_id;               /* verification or acquisition id */
	const char *message;             /* one sentence, plain text */
};

struct fx_rpt {
	int format;
	const char *generator;            /* opts->generator or own_name */
	char own_name[64];                /* "libforensic <version>" */
	const char *scope_case;           /* as asked (may be NULL) */
	const char *scope_evidence;
	const char *db_path;
	char generated_utc[32];           /* when the report was made */
	struct fx_rpt_item *items;
	size_t n_items;
	/* The audit chain, checked while writing the report. */
	char audit_checked_utc[32];
	int audit_rc;                     /* 0 intact, FX_ECORRUPT, other */
	fx_casedb_audit_report audit;
	char audit_error[512];            /* why it could not be checked */
	fx_casedb_audit_head head;        /* the log as stored */
	fx_casedb_key_info *keys;
	size_t n_keys;
	/* RFC 3161 anchors of the chain, by id, as fx_casedb_anchor_check()
	 * found them when the report was made (with the options' CA; without
	 * one a token's signature is not checked) */
	fx_casedb_anchor_info *anchors;
	size_t n_anchors;
	int anchor_rc;                    /* 0, or why they could not be read */
	char anchor_error[512];
	struct fx_rpt_alert *alerts;
	size_t n_alerts;
	fx_arena mem;                     /* everything the model copied */
};

/* report.c */
int fx_rpt_load(struct fx_rpt *r, fx_casedb *db, const fx_report_options *o);
void fx_rpt_free(struct fx_rpt *r);

/* The examiners named by the items, distinct, in item order; returns how
 * many were stored (at most max). */
size_t fx_rpt_examiners(const struct fx_rpt *r, const char **out, size_t max);

/* The case numbers of the items, distinct, joined by ", " into out. */
void fx_rpt_case_list(const struct fx_rpt *r, char *out, size_t size);
/* The evidence numbers of the items joined by ", " into out. */
void fx_rpt_evidence_list(const struct fx_rpt *r, char *out, size_t size);

/* The sentence under a signature that ties it to this report (case and
 * evidence numbers, time, audit head). */
void fx_rpt_binding(const struct fx_rpt *r, char *out, size_t size);

/* ---- shared wording and arithmetic (report_util.c) ---- */

/* s, or "not recorded" when NULL. */
const char *fx_rpt_or(const char *s);
/* "yes", "no", "not recorded" for a tri-state flag (<0 unknown). */
const char *fx_rpt_flag(int v);
/* What a verdict means: "all hashes match", "a hash differs", "the image
 * could not be verified". */
const char *fx_rpt_verdict_meaning(fx_verdict v);
/* "verified", "MISMATCH", "ERROR", "interrupted": a verdict as headed. */
const char *fx_rpt_verdict_label(fx_verdict v);

/* Orders two recorded times (unparseable ones last, then by text). */
int fx_rpt_time_cmp(const char *a, const char *b);
/* Duration end - start in microseconds; -1 if either is missing or
 * malformed or end < start. */
int fx_rpt_duration(int64_t *out_us, const char *start, const char *end);
/* "1 h 02 min 03 s (3723 s)" or "0.25 s" into out. */
void fx_rpt_duration_text(char *out, size_t size, int64_t us);
/* Seconds with up to 6 decimals, no trailing zeros ("3723", "0.25"). */
void fx_rpt_seconds(char *out, size_t size, int64_t us);
/* "1000204886016 bytes = 1953525168 sectors of 512 bytes" or "not
 * recorded"; "logical 512 bytes, physical 4096 bytes". */
void fx_rpt_size_text(char *out, size_t size, const fx_source_info *s);
void fx_rpt_sector_sizes_text(char *out, size_t size,
			      const fx_source_info *s);

/* Comparison of a verification's hash with the acquisition's: */
enum fx_rpt_cmp { FX_CMP_NONE, FX_CMP_EQUAL, FX_CMP_DIFFERS };
/* FX_CMP_NONE when either is not recorded (NULL or ""). */
enum fx_rpt_cmp fx_rpt_hash_cmp(const char *computed, const char *recorded);
/* The acquisition of item a verification names (NULL if none). */
const fx_casedb_acquisition_info *fx_rpt_acq_of(const struct fx_rpt_item *it,
						const fx_casedb_verification_info *v);
/* The resumes of acquisition acq_id (*n of them, oldest first; NULL if
 * none). */
const struct fx_rpt_resume *fx_rpt_resumes_of(const struct fx_rpt_item *it,
					      int64_t acq_id, size_t *n);
/* How many exports of the item are of acquisition acq_id. */
size_t fx_rpt_exports_of(const struct fx_rpt_item *it, int64_t acq_id);
/* "stamped", "missing", ... : an anchor's state as the reports word it:
 * "time-stamped; the TSA's signature not checked" etc. */
const char *fx_rpt_anchor_meaning(fx_casedb_anchor_state s);
/* Total unreadable sectors of an acquisition. */
uint64_t fx_rpt_bad_total(const fx_casedb_acquisition_info *a);
/* Nonzero when the two identities differ in any field. */
int fx_rpt_source_differs(const fx_source_info *a, const fx_source_info *b);

/* ---- escaping, done once (report_util.c) ----
 * Every text from the database goes out through one of these, or through
 * base/json's writer (FX_JSON_TEXT_REPLACE) in the JSON report. In markup,
 * JSON and CSS, invalid UTF-8 and characters that the target cannot hold
 * become U+FFFD; plain text gets fx_text_escape's C-style escapes. UTF-8
 * is decoded by base/utf8 (fx_utf8_next). */

/* HTML and XML text or attribute value: & < > " ' escaped; control
 * characters other than tab, LF, CR, and U+FFFE/U+FFFF, as U+FFFD. */
void fx_rpt_put_markup(FILE *f, const char *s);
/* A CSS string (quoted, every character outside [A-Za-z0-9 ,.:_-]
 * as a 6-digit hex escape), safe inside an HTML style element. */
void fx_rpt_put_css_string(FILE *f, const char *s);
/* Plain text for a printer or terminal: fx_text_escape with line breaks
 * kept (CR LF as LF); a malloc'ed copy, NULL if out of memory. */
char *fx_rpt_text_clean(const char *s);

/* ---- a verification's findings as sentences and tables
 * (report_findings.c); text and HTML lay them out ---- */

/* A piece of a sentence: text, or a hash that must never be broken. */
struct fx_rpt_piece {
	const char *text;
	int hash;
};

enum fx_rpt_block_kind { FX_BLOCK_SENTENCE, FX_BLOCK_TABLE };

/* A table row: one cell per column, and up to two hashes shown on lines
 * of their own under it (hash_label[i] NULL: none). */
struct fx_rpt_row {
	const char **cells;
	const char *hash_label[2];
	const char *hash[2];
};

/* A sentence, or a table with its caption (a sentence) above it. */
struct fx_rpt_fblock {
	enum fx_rpt_block_kind kind;
	const struct fx_rpt_piece *pieces;   /* the sentence or caption */
	size_t n_pieces;
	const char *const *head;             /* column names */
	size_t n_cols;
	unsigned numeric;                    /* bit i: column i is a number */
	struct fx_rpt_row *rows;
	size_t n_rows, cap_rows;
};

struct fx_rpt_findings {
	struct fx_rpt_fblock *blocks;
	size_t n, cap;
	fx_arena mem;                         /* everything, freed at once */
	int failed;
};

/* Reads a verification's recorded findings (verify's JSON result, or a
 * line of text) into blocks; none for NULL or empty. -1 if out of memory
 * (out is then empty). Free with fx_rpt_findings_free. */
int fx_rpt_findings_read(struct fx_rpt_findings *out, const char *findings);
void fx_rpt_findings_free(struct fx_rpt_findings *f);

/* Recorded acquisition parameters (a JSON object) as "name value, name
 * value"; other text as recorded. malloc'ed; NULL for NULL or out of
 * memory. */
char *fx_rpt_params_text(const char *json);

/* ---- the writers ---- */
int fx_rpt_write_text(FILE *f, const struct fx_rpt *r);
int fx_rpt_write_html(FILE *f, const struct fx_rpt *r);
int fx_rpt_write_json(FILE *f, const struct fx_rpt *r);
int fx_rpt_write_dfxml(FILE *f, const struct fx_rpt *r);
/* CASE 1.4 / UCO 1.4 JSON-LD (report_case.c) */
int fx_rpt_write_case(FILE *f, const struct fx_rpt *r);

#endif
