/**
 * @file report.h
 * Court reports about evidence items, generated from the case database
 * alone: plain text, one self-contained HTML file (screen and print), JSON
 * (described by schemas/report.schema.json), DFXML 2.0.0-beta.0, and
 * CASE 1.4 / UCO 1.4 JSON-LD.
 *
 * A report states what the case database records and nothing else: a value
 * the database does not hold is written as "not recorded" (null in JSON,
 * absent in DFXML), never guessed. Figures the report derives (sector
 * counts, durations, "same as the acquisition") are computed from recorded
 * values only and are labelled as such. The audit chain is checked when the
 * report is written (fx_casedb_audit_check, with the options' trusted key
 * and signature requirement) and the report gives the result, the event
 * count, the head hash, the time of the check, and what the check covered
 * and could not show (fx_casedb_audit_describe), in every format.
 * docs/reports.md describes each format and how to re-check its figures.
 *
 * Threads: the same as the fx_casedb handle given (one thread at a time).
 */
#ifndef FORENSIC_REPORT_H
#define FORENSIC_REPORT_H

#include <stdio.h>

#include "forensic/casedb.h"
#include "forensic/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Output formats of fx_report_write(). */
enum fx_report_format {
	FX_REPORT_TEXT = 1, /**< plain text, 78 columns, for print or pasting */
	FX_REPORT_HTML,     /**< one self-contained HTML file, print CSS */
	FX_REPORT_JSON,     /**< schemas/report.schema.json */
	FX_REPORT_DFXML,    /**< DFXML 2.0.0-beta.0 */
	/** CASE 1.4 / UCO 1.4 JSON-LD: the record as a graph of
	 *  investigative actions and observables, deterministic (the same
	 *  database gives the same bytes; no report or check time in it).
	 *  docs/reports.md gives the mapping. */
	FX_REPORT_CASE
};

/** What to report and how. */
typedef struct fx_report_options {
	unsigned version;            /**< FX_REPORT_OPTIONS_VERSION */
	/** Report every evidence item of this case; with evidence_number,
	 *  the case that evidence number belongs to. */
	const char *case_number;
	/** Report this one evidence item. Without case_number it must name
	 *  an item of exactly one case. */
	const char *evidence_number;
	int format;                  /**< enum fx_report_format */
	/** Who produces the report, e.g. "verify 0.1.0"; named in the report
	 *  as its producer. NULL: "libforensic <version>". */
	const char *generator;
	/** Version 2: how the audit chain is checked (trusted keys,
	 *  signatures required), as fx_casedb_audit_check() takes it; its own
	 *  version says which of its fields the caller has (version 3: lists
	 *  of trusted keys, a key ring). A version 1 caller gets the
	 *  defaults. */
	fx_casedb_audit_options audit;
	/** Version 3: how the chain's RFC 3161 anchors are checked
	 *  (fx_casedb_anchor_check(): ca_file, untrusted_file; tsa_url is not
	 *  used). Without a CA (and for a version 2 caller) a token's
	 *  signature is reported as not checked, never as verified. */
	fx_casedb_anchor_options anchor;
} fx_report_options;

#define FX_REPORT_OPTIONS_VERSION 3
#define FX_REPORT_OPTIONS_INIT { FX_REPORT_OPTIONS_VERSION, NULL, NULL, \
	FX_REPORT_TEXT, NULL, FX_CASEDB_AUDIT_OPTIONS_INIT, \
	FX_CASEDB_ANCHOR_OPTIONS_INIT }

/**
 * Parses a format name: "html", "text", "json", "dfxml" or "case" (exactly, in
 * lowercase) into *out. Anything else is FX_EUSAGE, naming the bad name and
 * the valid ones.
 */
FX_EXTERN int fx_report_parse_format(int *out, const char *name);

/**
 * Reads the evidence items chosen by opts from db, checks the audit chain,
 * and writes one report to out. Nothing is written to out unless every
 * record was read (a report is never cut short by a failed read); a write
 * error on out is FX_EIO.
 *
 * Errors: FX_ENOTFOUND naming the case or evidence number that is not in
 * the database; FX_EUSAGE when neither number is given, on a bad format or
 * options version, when an evidence number without a case number is in
 * several cases (the message lists them), and when the audit options'
 * trusted key cannot be read; FX_EINTR when their cancel flag is set. A
 * broken audit chain is not an error: the report says so on its first
 * page, and so does an anchor that is missing, refused, or whose event is
 * gone (the last two also make the chain not intact, as verify audit
 * says).
 */
FX_EXTERN int fx_report_write(FILE *out, fx_casedb *db,
			      const fx_report_options *opts);

#ifdef __cplusplus
}
#endif
#endif
