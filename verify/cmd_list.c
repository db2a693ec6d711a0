/*
 * verify list: what the case database holds, case by case: each evidence
 * item with its custody (transfers, current holder), each acquisition with
 * its outcome, image and hashes, its image sets when it was written to
 * several destinations at once (acquire --copy: TARGET and each copy, with
 * how each ended), and the last verification of each, and the exports
 * made of it (verify export: where, which format, the files with their
 * SHA-256, printed as they are read). Read
 * one level at a time into small arrays (no nested queries on the handle),
 * printed as text or as one JSON object. Read-only. Texts are kept as
 * recorded (NULL: not recorded; JSON null), and every one reaches the
 * terminal through fx_tool_escape.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "verify_cli.h"

/* Each text as recorded: NULL when not recorded, never cut. */
typedef struct case_row {
	int64_t id;
	char *number, *description, *created;
} case_row;

typedef struct ev_row {
	int64_t id;
	char *number, *description, *examiner;
} ev_row;

/* One destination of an acquisition with copies (schema 4). */
typedef struct set_row {
	unsigned number;         /* 0: TARGET */
	char *target, *format, *status, *error, *first_file;
	uint64_t bytes, failed_at;
	size_t nfiles;
} set_row;

typedef struct acq_row {
	set_row *sets;
	size_t nsets;
	int64_t id;
	char *format, *status, *note, *start, *end;
	char *operator_name, *host, *first_file;
	char *md5, *sha1, *sha256;
	uint64_t bytes;
	size_t nfiles;
	/* a virtual-disk source's container files (schema 4): owned copies */
	fx_container_file *sources;
	size_t nsources;
} acq_row;

typedef struct rows {
	void *p;
	size_t n, size;
	int64_t filter;
	int failed;     /* out of memory copying a text */
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

/* A copy of s (NULL stays NULL); sets *failed when out of memory. */
static char *copy(const char *s, int *failed)
{
	char *p = s ? strdup(s) : NULL;

	if (s && !p)
		*failed = 1;
	return p;
}

/* A recorded hash: "" is none (NULL, said "-" or null). */
static char *copy_hash(const char *hex, int *failed)
{
	return copy(hex[0] ? hex : NULL, failed);
}

static int case_cb(const fx_casedb_case_info *c, void *payload)
{
	rows *r = payload;
	case_row *row;

	if (r->filter && c->id != r->filter)
		return 0;
	if (!(row = row_add(r)))
		return -1;
	row->id = c->id;
	row->number = copy(c->case_number, &r->failed);
	row->description = copy(c->description, &r->failed);
	row->created = copy(c->created_utc, &r->failed);
	return r->failed ? -1 : 0;
}

static void case_rows_free(rows *r)
{
	case_row *c = r->p;
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(c[i].number);
		free(c[i].description);
		free(c[i].created);
	}
	free(r->p);
}

static int ev_cb(const fx_casedb_evidence_info *e, void *payload)
{
	rows *r = payload;
	ev_row *row = row_add(r);

	if (!row)
		return -1;
	row->id = e->id;
	row->number = copy(e->evidence.evidence_number, &r->failed);
	row->description = copy(e->evidence.description, &r->failed);
	row->examiner = copy(e->evidence.examiner, &r->failed);
	return r->failed ? -1 : 0;
}

static void ev_rows_free(rows *r)
{
	ev_row *e = r->p;
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(e[i].number);
		free(e[i].description);
		free(e[i].examiner);
	}
	free(r->p);
}

static void copy_sources(acq_row *row, const fx_casedb_acquisition *rec,
			 int *failed)
{
	size_t i, n = rec->n_source_files;

	if (!n)
		return;
	if (!(row->sources = calloc(n, sizeof(*row->sources)))) {
		*failed = 1;
		return;
	}
	row->nsources = n;
	for (i = 0; i < n; i++) {
		row->sources[i] = rec->source_files[i];
		row->sources[i].path = copy(rec->source_files[i].path, failed);
		row->sources[i].role = copy(rec->source_files[i].role, failed);
	}
}

static int sets_copy(acq_row *row, const fx_casedb_acquisition_info *a,
		     int *failed)
{
	size_t i;

	if (!a->n_image_sets)
		return 0;
	if (!(row->sets = calloc(a->n_image_sets, sizeof(*row->sets))))
		return -1;
	row->nsets = a->n_image_sets;
	for (i = 0; i < a->n_image_sets; i++) {
		const fx_casedb_image_set *x = &a->image_sets[i];
		set_row *r = &row->sets[i];

		r->number = x->copy_number;
		r->target = copy(x->target, failed);
		r->format = copy(x->format, failed);
		r->status = copy(fx_status_name(x->status), failed);
		r->error = copy(x->error, failed);
		r->bytes = x->bytes_written;
		r->failed_at = x->failed_at;
		/* TARGET's files are the acquisition's */
		r->nfiles = x->copy_number ? x->n_files : a->result.n_files;
		r->first_file = copy(x->copy_number ? (x->n_files ? x->files[0].path : NULL)
				     : a->result.n_files ? a->result.files[0].path : NULL,
				     failed);
	}
	return 0;
}

static int acq_cb(const fx_casedb_acquisition_info *a, void *payload)
{
	rows *r = payload;
	acq_row *row = row_add(r);
	int *failed = &r->failed;

	if (!row)
		return -1;
	row->id = a->id;
	row->format = copy(a->rec.format, failed);
	row->status = copy(fx_status_name(a->status), failed);
	row->note = copy(a->status_note, failed);
	row->start = copy(a->rec.start_utc, failed);
	row->end = copy(a->result.end_utc, failed);
	row->operator_name = copy(a->rec.operator_name, failed);
	row->host = copy(a->rec.host, failed);
	row->md5 = copy_hash(a->result.hashes.md5, failed);
	row->sha1 = copy_hash(a->result.hashes.sha1, failed);
	row->sha256 = copy_hash(a->result.hashes.sha256, failed);
	row->bytes = a->result.bytes;
	row->nfiles = a->result.n_files;
	if (a->result.n_files)
		row->first_file = copy(a->result.files[0].path, failed);
	copy_sources(row, &a->rec, failed);
	return sets_copy(row, a, failed) || *failed ? -1 : 0;
}

static void sets_free(acq_row *a)
{
	size_t i;

	for (i = 0; i < a->nsets; i++) {
		free(a->sets[i].target);
		free(a->sets[i].format);
		free(a->sets[i].status);
		free(a->sets[i].error);
		free(a->sets[i].first_file);
	}
	free(a->sets);
}

static void acq_rows_free(rows *r)
{
	acq_row *a = r->p;
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(a[i].format);
		free(a[i].status);
		free(a[i].note);
		free(a[i].start);
		free(a[i].end);
		free(a[i].operator_name);
		free(a[i].host);
		free(a[i].first_file);
		free(a[i].md5);
		free(a[i].sha1);
		free(a[i].sha256);
		for (size_t k = 0; k < a[i].nsources; k++) {
			free((char *)(uintptr_t)a[i].sources[k].path);
			free((char *)(uintptr_t)a[i].sources[k].role);
		}
		free(a[i].sources);
		sets_free(&a[i]);
	}
	free(r->p);
}

typedef struct custody_sum {
	size_t transfers;
	char *holder, *since;
	int failed;
} custody_sum;

static int custody_cb(const fx_casedb_custody_info *c, void *payload)
{
	custody_sum *s = payload;

	s->transfers++;
	free(s->holder);
	free(s->since);
	s->holder = copy(c->rec.to_party, &s->failed);
	s->since = copy(c->rec.time_utc, &s->failed);
	return s->failed ? -1 : 0;
}

/* ---- printing ------------------------------------------------------------ */

typedef struct printer {
	fx_casedb *db;
	fx_json *json;     /* --json: the writer, to stdout; else NULL */
	int failed;
} printer;

/* A member of a JSON object: the text, or null when not recorded. */
static void js(printer *p, const char *key, const char *v)
{
	fx_json_member_string(p->json, key, v);
}

/* Recorded text for the terminal: escaped; "not recorded" when NULL. */
static const char *txt(const char *s)
{
	return s ? fx_tool_escape(s) : "not recorded";
}

static void print_verification(printer *p, const acq_row *a)
{
	fx_casedb_verification_info *v = NULL;
	int rc = fx_casedb_verification_last(&v, p->db, a->id);

	if (rc != 0 && rc != FX_ENOTFOUND)
		p->failed = 1;
	if (p->json) {
		fx_json_key(p->json, "last_verification");
		if (!v) {
			fx_json_null(p->json);
			return;
		}
		fx_json_object_begin(p->json);
		fx_json_member_int(p->json, "id", v->id);
		js(p, "result", fx_verdict_name(v->rec.result));
		js(p, "time", v->rec.time_utc);
		js(p, "actor", v->rec.actor);
		js(p, "host", v->rec.host);
		js(p, "tool", v->rec.tool);
		js(p, "tool_version", v->rec.tool_version);
		fx_json_object_end(p->json);
	} else if (v) {
		printf("      last verification: %s at %s by %s on %s (%s %s), verification %lld\n",
		       fx_verdict_name(v->rec.result), txt(v->rec.time_utc),
		       txt(v->rec.actor), txt(v->rec.host), txt(v->rec.tool),
		       v->rec.tool_version ? fx_tool_escape(v->rec.tool_version) : "",
		       (long long)v->id);
	} else {
		printf("      last verification: none\n");
	}
	fx_casedb_verification_info_free(v);
}

/* The container files a virtual disk was read from: the format of the
 * file named, then each file (role, path, size, SHA-256). */
static void print_sources_json(printer *p, const acq_row *a)
{
	size_t i;

	js(p, "source_format", a->nsources ? fx_vdisk_format_name(a->sources[0].format)
					   : "raw");
	fx_json_key(p->json, "source_files");
	fx_json_array_begin(p->json);
	for (i = 0; i < a->nsources; i++) {
		fx_json_object_begin(p->json);
		js(p, "role", a->sources[i].role);
		js(p, "format", fx_vdisk_format_name(a->sources[i].format));
		js(p, "path", a->sources[i].path);
		fx_json_member_uint(p->json, "size", a->sources[i].size);
		js(p, "sha256", a->sources[i].sha256[0] ? a->sources[i].sha256 : NULL);
		fx_json_object_end(p->json);
	}
	fx_json_array_end(p->json);
}

/* Each resume of an acquisition (acquire --resume): a line, or a JSON
 * object of the "resumes" array. */
static int resume_cb(const fx_casedb_resume_info *ri, void *payload)
{
	printer *p = payload;

	if (p->json) {
		fx_json_object_begin(p->json);
		js(p, "time", ri->time_utc);
		fx_json_member_uint(p->json, "from_byte", ri->from_byte);
		js(p, "operator", ri->actor);
		js(p, "host", ri->host);
		fx_json_object_end(p->json);
	} else {
		printf("      resumed %s from byte %llu by %s on %s\n", txt(ri->time_utc),
		       (unsigned long long)ri->from_byte, txt(ri->actor), txt(ri->host));
	}
	return 0;
}

static void print_resumes(printer *p, const acq_row *a)
{
	if (p->json) {
		fx_json_key(p->json, "resumes");
		fx_json_array_begin(p->json);
	}
	fx_casedb_resume_list(p->db, a->id, resume_cb, p);
	if (p->json)
		fx_json_array_end(p->json);
}

/* The image sets: TARGET's and each copy's, how each ended. */
static void print_sets_json(printer *p, const acq_row *a)
{
	size_t i;

	fx_json_key(p->json, "image_sets");
	fx_json_array_begin(p->json);
	for (i = 0; i < a->nsets; i++) {
		const set_row *r = &a->sets[i];

		fx_json_object_begin(p->json);
		fx_json_member_uint(p->json, "copy", r->number);
		js(p, "target", r->target);
		js(p, "format", r->format);
		js(p, "status", r->status);
		fx_json_member_uint(p->json, "bytes", r->bytes);
		fx_json_key(p->json, "failed_at");
		if (r->failed_at == UINT64_MAX)
			fx_json_null(p->json);
		else
			fx_json_uint(p->json, r->failed_at);
		js(p, "error", r->error);
		js(p, "image", r->first_file);
		fx_json_member_uint(p->json, "files", r->nfiles);
		fx_json_object_end(p->json);
	}
	fx_json_array_end(p->json);
}

static void print_sources(const acq_row *a)
{
	size_t i;

	if (!a->nsources)
		return;
	printf("      source: %s virtual disk, %zu container file%s\n",
	       fx_vdisk_format_name(a->sources[0].format), a->nsources,
	       a->nsources == 1 ? "" : "s");
	for (i = 0; i < a->nsources; i++)
		printf("        %s %s, %llu bytes, SHA-256 %s\n", a->sources[i].role,
		       txt(a->sources[i].path), (unsigned long long)a->sources[i].size,
		       a->sources[i].sha256[0] ? a->sources[i].sha256 : "-");
}

static void print_sets(const acq_row *a)
{
	char what[32];
	size_t i;

	for (i = 0; i < a->nsets; i++) {
		const set_row *r = &a->sets[i];

		if (r->number)
			snprintf(what, sizeof(what), "copy %u", r->number);
		else
			snprintf(what, sizeof(what), "TARGET");
		printf("      %s: %s (%s), %s", what, txt(r->target), txt(r->format),
		       txt(r->status));
		if (r->failed_at != UINT64_MAX)
			printf(" at byte %llu", (unsigned long long)r->failed_at);
		printf(", %llu bytes, %zu file(s)%s%s\n", (unsigned long long)r->bytes,
		       r->nfiles, r->error ? ": " : "",
		       r->error ? fx_tool_escape(r->error) : "");
	}
}

static void print_acquisition_json(printer *p, const acq_row *a)
{
	fx_json_object_begin(p->json);
	fx_json_member_int(p->json, "id", a->id);
	js(p, "format", a->format);
	js(p, "status", a->status);
	js(p, "status_note", a->note);
	js(p, "start", a->start);
	js(p, "end", a->end);
	js(p, "operator", a->operator_name);
	js(p, "host", a->host);
	fx_json_member_uint(p->json, "bytes", a->bytes);
	fx_json_member_uint(p->json, "files", a->nfiles);
	js(p, "image", a->first_file);
	print_sources_json(p, a);
	fx_json_key(p->json, "hashes");
	fx_json_object_begin(p->json);
	js(p, "md5", a->md5);
	js(p, "sha1", a->sha1);
	js(p, "sha256", a->sha256);
	fx_json_object_end(p->json);
	print_sets_json(p, a);
	print_resumes(p, a);
	print_verification(p, a);
	fx_json_object_end(p->json);
}

static void print_acquisition(printer *p, const acq_row *a)
{
	if (p->json) {
		print_acquisition_json(p, a);
		return;
	}
	printf("    acquisition %lld: %s, %s%s%s, %s to %s, %llu bytes, by %s on %s\n",
	       (long long)a->id, txt(a->format), txt(a->status), a->note ? " - " : "",
	       a->note ? fx_tool_escape(a->note) : "", txt(a->start),
	       a->end ? fx_tool_escape(a->end) : "(not finished)",
	       (unsigned long long)a->bytes, txt(a->operator_name), txt(a->host));
	if (a->nfiles)
		printf("      image: %s%s\n", txt(a->first_file),
		       a->nfiles > 1 ? " (and more files)" : "");
	if (a->nfiles > 1)
		printf("      files: %zu\n", a->nfiles);
	print_sources(a);
	if (a->md5 || a->sha1 || a->sha256)
		printf("      MD5 %s, SHA-1 %s, SHA-256 %s\n", a->md5 ? a->md5 : "-",
		       a->sha1 ? a->sha1 : "-", a->sha256 ? a->sha256 : "-");
	print_sets(a);
	print_resumes(p, a);
	print_verification(p, a);
}

/* One export, as fx_casedb_export_list gives it (printed as read: the
 * callback queries nothing). */
static void export_json(printer *p, const fx_casedb_export_info *x)
{
	size_t i;

	fx_json_object_begin(p->json);
	fx_json_member_int(p->json, "id", x->id);
	fx_json_member_int(p->json, "acquisition_id", x->rec.acquisition_id);
	fx_json_member_int(p->json, "verification_id", x->rec.verification_id);
	js(p, "format", x->rec.format);
	js(p, "path", x->rec.path);
	js(p, "time", x->rec.time_utc);
	js(p, "actor", x->rec.actor);
	js(p, "host", x->rec.host);
	js(p, "tool", x->rec.tool);
	js(p, "tool_version", x->rec.tool_version);
	fx_json_member_uint(p->json, "media_bytes", x->rec.media_bytes);
	fx_json_key(p->json, "media_hashes");
	fx_json_object_begin(p->json);
	js(p, "md5", x->rec.media.md5[0] ? x->rec.media.md5 : NULL);
	js(p, "sha1", x->rec.media.sha1[0] ? x->rec.media.sha1 : NULL);
	js(p, "sha256", x->rec.media.sha256[0] ? x->rec.media.sha256 : NULL);
	fx_json_object_end(p->json);
	fx_json_key(p->json, "files");
	fx_json_array_begin(p->json);
	for (i = 0; i < x->rec.n_files; i++) {
		fx_json_object_begin(p->json);
		js(p, "path", x->rec.files[i].path);
		fx_json_member_uint(p->json, "size", x->rec.files[i].size);
		js(p, "sha256", x->rec.files[i].sha256);
		fx_json_object_end(p->json);
	}
	fx_json_array_end(p->json);
	fx_json_object_end(p->json);
}

static int export_cb(const fx_casedb_export_info *x, void *payload)
{
	printer *p = payload;
	size_t i;

	if (p->json) {
		export_json(p, x);
		return 0;
	}
	printf("    export %lld: %s to %s at %s by %s on %s, of acquisition %lld after verification %lld\n",
	       (long long)x->id, txt(x->rec.format), txt(x->rec.path), txt(x->rec.time_utc),
	       txt(x->rec.actor), txt(x->rec.host), (long long)x->rec.acquisition_id,
	       (long long)x->rec.verification_id);
	for (i = 0; i < x->rec.n_files; i++)
		printf("      %s: %llu bytes, SHA-256 %s\n", txt(x->rec.files[i].path),
		       (unsigned long long)x->rec.files[i].size, x->rec.files[i].sha256);
	return 0;
}

static void print_exports(printer *p, const ev_row *e)
{
	if (p->json) {
		fx_json_key(p->json, "exports");
		fx_json_array_begin(p->json);
	}
	if (fx_casedb_export_list(p->db, e->id, export_cb, p) != 0)
		p->failed = 1;
	if (p->json)
		fx_json_array_end(p->json);
}

static void print_evidence(printer *p, const ev_row *e)
{
	rows acqs = { NULL, 0, sizeof(acq_row), 0, 0 };
	custody_sum cs;
	size_t i;

	memset(&cs, 0, sizeof(cs));
	if (fx_casedb_acquisition_list(p->db, e->id, acq_cb, &acqs) != 0 ||
	    fx_casedb_custody_list(p->db, e->id, custody_cb, &cs) != 0)
		p->failed = 1;
	if (p->json) {
		fx_json_object_begin(p->json);
		fx_json_member_int(p->json, "id", e->id);
		js(p, "evidence_number", e->number);
		js(p, "description", e->description);
		js(p, "examiner", e->examiner);
		fx_json_key(p->json, "custody");
		fx_json_object_begin(p->json);
		fx_json_member_uint(p->json, "transfers", cs.transfers);
		js(p, "holder", cs.holder);
		js(p, "since", cs.since);
		fx_json_object_end(p->json);
		fx_json_key(p->json, "acquisitions");
		fx_json_array_begin(p->json);
	} else {
		printf("  evidence %s (id %lld)%s%s%s%s\n", txt(e->number), (long long)e->id,
		       e->description ? ": " : "",
		       e->description ? fx_tool_escape(e->description) : "",
		       e->examiner ? "; examiner " : "",
		       e->examiner ? fx_tool_escape(e->examiner) : "");
		if (cs.transfers)
			printf("    custody: %zu transfer%s, held by %s since %s\n", cs.transfers,
			       cs.transfers == 1 ? "" : "s", txt(cs.holder), txt(cs.since));
	}
	for (i = 0; i < acqs.n; i++)
		print_acquisition(p, (acq_row *)acqs.p + i);
	if (p->json)
		fx_json_array_end(p->json);
	print_exports(p, e);
	if (p->json)
		fx_json_object_end(p->json);
	acq_rows_free(&acqs);
	free(cs.holder);
	free(cs.since);
}

static void print_case(printer *p, const case_row *c)
{
	rows evs = { NULL, 0, sizeof(ev_row), 0, 0 };
	size_t i;

	if (fx_casedb_evidence_list(p->db, c->id, ev_cb, &evs) != 0)
		p->failed = 1;
	if (p->json) {
		fx_json_object_begin(p->json);
		fx_json_member_int(p->json, "id", c->id);
		js(p, "case_number", c->number);
		js(p, "description", c->description);
		js(p, "created", c->created);
		fx_json_key(p->json, "evidence");
		fx_json_array_begin(p->json);
	} else {
		printf("case %s%s%s (created %s)\n", txt(c->number),
		       c->description ? ": " : "",
		       c->description ? fx_tool_escape(c->description) : "",
		       txt(c->created));
	}
	for (i = 0; i < evs.n; i++)
		print_evidence(p, (ev_row *)evs.p + i);
	if (p->json) {
		fx_json_array_end(p->json);
		fx_json_object_end(p->json);
	}
	ev_rows_free(&evs);
}

int vf_cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		VF_COMMON_OPTIONS,
		{ "case", required_argument, NULL, OPT_CASE },
		{ NULL, 0, NULL, 0 } };
	rows cases = { NULL, 0, sizeof(case_row), 0, 0 };
	const char *case_number = NULL, *db_path;
	vf_common c = { 0 };
	printer p = { NULL, NULL, 0 };
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
	db_path = c.db_path ? c.db_path : FX_TOOL_DB;
	if ((rc = vf_db_open(&p.db, db_path, &c, 1)) != 0)
		return rc;
	if (c.json && !(p.json = fx_tool_json_new("verify", stdout))) {
		fx_casedb_free(p.db);
		return FX_EXIT_FAILURE;
	}
	if (case_number && fx_casedb_case_find(&cases.filter, p.db, case_number) != 0) {
		fx_json_free(p.json);
		fx_casedb_free(p.db);
		return vf_usage_error("list: no case %s in %s", fx_tool_escape(case_number),
				      fx_tool_escape(db_path));
	}
	if (fx_casedb_case_list(p.db, case_cb, &cases) != 0)
		p.failed = 1;
	if (p.json) {
		fx_json_object_begin(p.json);
		fx_tool_json_str(p.json, "db", db_path);
		fx_json_key(p.json, "cases");
		fx_json_array_begin(p.json);
	}
	for (i = 0; i < cases.n; i++)
		print_case(&p, (case_row *)cases.p + i);
	if (p.json) {
		fx_json_array_end(p.json);
		fx_json_object_end(p.json);
		fputc('\n', stdout);
		fx_json_free(p.json);
	} else if (!cases.n)
		printf("no cases in %s\n", fx_tool_escape(db_path));
	case_rows_free(&cases);
	fx_casedb_free(p.db);
	if (p.failed) {
		fprintf(stderr, "verify: list: reading %s failed: %s\n", fx_tool_escape(db_path),
			fx_tool_escape(fx_error_last()));
		return FX_EXIT_FAILURE;
	}
	return FX_EXIT_OK;
}
