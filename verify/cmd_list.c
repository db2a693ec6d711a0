/*
 * verify list: what the case database holds, case by case: each evidence
 * item with its custody (transfers, current holder), each acquisition with
 * its outcome, image and hashes, and the last verification of each. Read
 * one level at a time into small arrays (no nested queries on the handle),
 * printed as text or as one JSON object. Read-only.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "verify_cli.h"

#define TXT 512

typedef struct case_row {
	int64_t id;
	char number[TXT], description[TXT], created[64];
} case_row;

typedef struct ev_row {
	int64_t id;
	char number[TXT], description[TXT], examiner[TXT];
} ev_row;

typedef struct acq_row {
	int64_t id;
	char format[32], status[64], note[TXT], start[64], end[64];
	char operator_name[TXT], host[TXT], first_file[PATH_MAX];
	char md5[33], sha1[41], sha256[65];
	uint64_t bytes;
	size_t nfiles;
} acq_row;

typedef struct rows {
	void *p;
	size_t n, size;
	int64_t filter;
} rows;

static void *row_add(rows *r)
{
	char *p = realloc(r->p, (r->n + 1) * r->size);

	if (!p)
		return NULL;
	r->p = p;
	memset(p + r->n * r->size, 0, r->size);
	return p + r->size * r->n++;
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

static int case_cb(const fx_casedb_case_info *c, void *payload)
{
	rows *r = payload;
	case_row *row;

	if (r->filter && c->id != r->filter)
		return 0;
	if (!(row = row_add(r)))
		return -1;
	row->id = c->id;
	COPY(row->number, c->case_number);
	COPY(row->description, c->description);
	COPY(row->created, c->created_utc);
	return 0;
}

static int ev_cb(const fx_casedb_evidence_info *e, void *payload)
{
	ev_row *row = row_add(payload);

	if (!row)
		return -1;
	row->id = e->id;
	COPY(row->number, e->evidence.evidence_number);
	COPY(row->description, e->evidence.description);
	COPY(row->examiner, e->evidence.examiner);
	return 0;
}

static int acq_cb(const fx_casedb_acquisition_info *a, void *payload)
{
	acq_row *row = row_add(payload);

	if (!row)
		return -1;
	row->id = a->id;
	COPY(row->format, a->rec.format);
	COPY(row->status, fx_casedb_status_name(a->status));
	COPY(row->note, a->status_note);
	COPY(row->start, a->rec.start_utc);
	COPY(row->end, a->result.end_utc);
	COPY(row->operator_name, a->rec.operator_name);
	COPY(row->host, a->rec.host);
	COPY(row->md5, a->result.hashes.md5);
	COPY(row->sha1, a->result.hashes.sha1);
	COPY(row->sha256, a->result.hashes.sha256);
	row->bytes = a->result.bytes;
	row->nfiles = a->result.n_files;
	if (a->result.n_files)
		COPY(row->first_file, a->result.files[0].path);
	return 0;
}

typedef struct custody_sum {
	size_t transfers;
	char holder[TXT], since[64];
} custody_sum;

static int custody_cb(const fx_casedb_custody_info *c, void *payload)
{
	custody_sum *s = payload;

	s->transfers++;
	COPY(s->holder, c->rec.to_party);
	COPY(s->since, c->rec.time_utc);
	return 0;
}

/* ---- printing ------------------------------------------------------------ */

typedef struct printer {
	fx_casedb *db;
	int json;
	int failed;
} printer;

static void js(const char *key, const char *v, int comma)
{
	printf("%s\"%s\":", comma ? "," : "", key);
	if (v && *v)
		fx_json_string(stdout, v);
	else
		printf("null");
}

static void print_verification(printer *p, const acq_row *a)
{
	fx_casedb_verification_info *v = NULL;
	int rc = fx_casedb_verification_last(&v, p->db, a->id);

	if (rc != 0 && rc != FX_ENOTFOUND)
		p->failed = 1;
	if (p->json) {
		printf(",\"last_verification\":");
		if (!v) {
			printf("null");
			return;
		}
		printf("{\"id\":%lld", (long long)v->id);
		js("result", fx_casedb_verdict_name(v->rec.result), 1);
		js("time", v->rec.time_utc, 1);
		js("actor", v->rec.actor, 1);
		js("host", v->rec.host, 1);
		js("tool", v->rec.tool, 1);
		js("tool_version", v->rec.tool_version, 1);
		printf("}");
	} else if (v) {
		printf("      last verification: %s at %s by %s on %s (%s %s), verification %lld\n",
		       fx_casedb_verdict_name(v->rec.result), v->rec.time_utc,
		       v->rec.actor ? v->rec.actor : "?", v->rec.host ? v->rec.host : "?",
		       v->rec.tool ? v->rec.tool : "?",
		       v->rec.tool_version ? v->rec.tool_version : "", (long long)v->id);
	} else {
		printf("      last verification: none\n");
	}
	fx_casedb_verification_info_free(v);
}

static void print_acquisition(printer *p, const acq_row *a, int first)
{
	if (p->json) {
		printf("%s{\"id\":%lld", first ? "" : ",", (long long)a->id);
		js("format", a->format, 1);
		js("status", a->status, 1);
		js("status_note", a->note, 1);
		js("start", a->start, 1);
		js("end", a->end, 1);
		js("operator", a->operator_name, 1);
		js("host", a->host, 1);
		printf(",\"bytes\":%llu,\"files\":%zu", (unsigned long long)a->bytes, a->nfiles);
		js("image", a->first_file, 1);
		printf(",\"hashes\":{");
		js("md5", a->md5, 0);
		js("sha1", a->sha1, 1);
		js("sha256", a->sha256, 1);
		printf("}");
		print_verification(p, a);
		printf("}");
		return;
	}
	printf("    acquisition %lld: %s, %s%s%s, %s to %s, %llu bytes, by %s on %s\n",
	       (long long)a->id, a->format, a->status, a->note[0] ? " - " : "", a->note,
	       a->start, a->end[0] ? a->end : "(not finished)",
	       (unsigned long long)a->bytes, a->operator_name, a->host);
	if (a->nfiles)
		printf("      image: %s%s\n", a->first_file,
		       a->nfiles > 1 ? " (and more files)" : "");
	if (a->nfiles > 1)
		printf("      files: %zu\n", a->nfiles);
	if (a->md5[0] || a->sha1[0] || a->sha256[0])
		printf("      MD5 %s, SHA-1 %s, SHA-256 %s\n", a->md5[0] ? a->md5 : "-",
		       a->sha1[0] ? a->sha1 : "-", a->sha256[0] ? a->sha256 : "-");
	print_verification(p, a);
}

static void print_evidence(printer *p, const ev_row *e, int first)
{
	rows acqs = { NULL, 0, sizeof(acq_row), 0 };
	custody_sum cs;
	size_t i;

	memset(&cs, 0, sizeof(cs));
	if (fx_casedb_acquisition_list(p->db, e->id, acq_cb, &acqs) != 0 ||
	    fx_casedb_custody_list(p->db, e->id, custody_cb, &cs) != 0)
		p->failed = 1;
	if (p->json) {
		printf("%s{\"id\":%lld", first ? "" : ",", (long long)e->id);
		js("evidence_number", e->number, 1);
		js("description", e->description, 1);
		js("examiner", e->examiner, 1);
		printf(",\"custody\":{\"transfers\":%zu", cs.transfers);
		js("holder", cs.holder, 1);
		js("since", cs.since, 1);
		printf("},\"acquisitions\":[");
	} else {
		printf("  evidence %s (id %lld)%s%s%s%s\n", e->number, (long long)e->id,
		       e->description[0] ? ": " : "", e->description,
		       e->examiner[0] ? "; examiner " : "", e->examiner);
		if (cs.transfers)
			printf("    custody: %zu transfer%s, held by %s since %s\n", cs.transfers,
			       cs.transfers == 1 ? "" : "s", cs.holder, cs.since);
	}
	for (i = 0; i < acqs.n; i++)
		print_acquisition(p, (acq_row *)acqs.p + i, i == 0);
	if (p->json)
		printf("]}");
	free(acqs.p);
}

static void print_case(printer *p, const case_row *c, int first)
{
	rows evs = { NULL, 0, sizeof(ev_row), 0 };
	size_t i;

	if (fx_casedb_evidence_list(p->db, c->id, ev_cb, &evs) != 0)
		p->failed = 1;
	if (p->json) {
		printf("%s{\"id\":%lld", first ? "" : ",", (long long)c->id);
		js("case_number", c->number, 1);
		js("description", c->description, 1);
		js("created", c->created, 1);
		printf(",\"evidence\":[");
	} else {
		printf("case %s%s%s (created %s)\n", c->number, c->description[0] ? ": " : "",
		       c->description, c->created);
	}
	for (i = 0; i < evs.n; i++)
		print_evidence(p, (ev_row *)evs.p + i, i == 0);
	if (p->json)
		printf("]}");
	free(evs.p);
}

int vf_cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		VF_COMMON_OPTIONS,
		{ "case", required_argument, NULL, OPT_CASE },
		{ NULL, 0, NULL, 0 } };
	rows cases = { NULL, 0, sizeof(case_row), 0 };
	const char *case_number = NULL, *db_path;
	vf_common c = { 0 };
	printer p = { NULL, 0, 0 };
	size_t i;
	int opt, rc;

	c.command = "list";
	while ((opt = fx_tool_getopt("verify", argc, argv, "qh", opts)) != -1) {
		if (opt == '?')
			return FX_EXIT_USAGE;
		if (opt == OPT_CASE) {
			case_number = optarg;
			continue;
		}
		if ((rc = vf_common_opt(&c, NULL, opt, optarg)) != 0)
			return rc == 1 ? vf_usage_error("unknown option") : rc;
	}
	if (optind != argc)
		return vf_usage_error("list: unexpected argument '%s'", argv[optind]);
	db_path = c.db_path ? c.db_path : "case.db";
	if ((rc = vf_db_open(&p.db, db_path, &c, 1)) != 0)
		return rc;
	p.json = c.json;
	if (case_number && fx_casedb_case_find(&cases.filter, p.db, case_number) != 0) {
		fx_casedb_free(p.db);
		return vf_usage_error("list: no case %s in %s", case_number, db_path);
	}
	if (fx_casedb_case_list(p.db, case_cb, &cases) != 0)
		p.failed = 1;
	if (p.json) {
		printf("{\"db\":");
		fx_json_string(stdout, db_path);
		printf(",\"cases\":[");
	}
	for (i = 0; i < cases.n; i++)
		print_case(&p, (case_row *)cases.p + i, i == 0);
	if (p.json)
		printf("]}\n");
	else if (!cases.n)
		printf("no cases in %s\n", db_path);
	free(cases.p);
	fx_casedb_free(p.db);
	if (p.failed) {
		fprintf(stderr, "verify: list: reading %s failed: %s\n", db_path, fx_error_last());
		return FX_EXIT_FAILURE;
	}
	return FX_EXIT_OK;
}
