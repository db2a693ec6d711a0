/*
 * --copy: further destinations written from the same reads as TARGET
 * (libforensic's pipeline takes them as copies: one read, one hash, a
 * sink thread each). Each copy has its own files, TARGET2.sha256, read-back
 * and verification record, and its own fate: one that fails (disk full,
 * removed) is left as written and said to have failed at its byte, the
 * others go on, and the run exits 4.
 *
 * A copy goes through exactly the steps TARGET goes through after the
 * run (readback.c, record.c's TARGET.sha256, record_db.c's verification
 * record): they are run on a view of the run, a copy of acq_state whose
 * destination, files and status are the copy's, so that the rules (when
 * a .sha256 is written, what a read-back says) are written once. One log
 * (TARGET.log) and one --json say every destination.
 *
 * Single-threaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquire_cli.h"
#include "escape.h"

static const char *copy_format_given(const acq_options *o, unsigned i)
{
	return i < o->ncopies ? o->copy_format[i] : NULL;
}

void acq_copy_writer(const acq_options *o, unsigned i, const char **format,
		     uint64_t *segment_size)
{
	const char *given = copy_format_given(o, i);

	*format = o->format;
	*segment_size = o->segment_size;
	if (!given)
		return;
	*format = strcmp(given, "e01") == 0 ? "e01" : "raw";
	if (strcmp(given, "raw") == 0)
		*segment_size = 0;
}

int acq_copies_any_e01(const acq_options *o)
{
	const char *format;
	uint64_t segment_size;
	unsigned i;

	for (i = 0; i < o->ncopies; i++) {
		acq_copy_writer(o, i, &format, &segment_size);
		if (strcmp(format, "e01") == 0)
			return 1;
	}
	return 0;
}

int acq_copies_check_options(const acq_options *o)
{
	unsigned i;

	for (i = 0; i < o->ncopies; i++) {
		const char *f = o->copy_format[i];

		if (!f)
			continue;
		if (strcmp(f, "raw") && strcmp(f, "split-raw") && strcmp(f, "e01")) {
			fprintf(stderr, "acquire: --copy-format: unknown format '%s' (raw, split-raw or e01) (see acquire --help)\n",
				fx_tool_escape(f));
			return FX_EXIT_USAGE;
		}
		if (strcmp(f, "split-raw") == 0 && !o->segment_size) {
			fprintf(stderr, "acquire: --copy-format split-raw (copy %u) needs --segment-size (see acquire --help)\n",
				i + 1);
			return FX_EXIT_USAGE;
		}
		if (strcmp(f, "split-raw") == 0 &&
		    fx_raw_segment_size_check(o->segment_size) != 0) {
			fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
			return FX_EXIT_USAGE;
		}
	}
	return 0;
}

/* The format as the case database and the log name it. */
static const char *copy_format_name(const acq_copy *c)
{
	return strcmp(c->format, "e01") == 0 ? "e01"
	       : c->segment_size ? "split-raw" : "raw";
}

static int collect(acq_copy *c)
{
	size_t n = fx_sink_files(c->sink, NULL, 0);

	if (!(c->files = calloc(n ? n : 1, sizeof(*c->files))))
		return -1;
	c->nfiles = fx_sink_files(c->sink, c->files, n);
	return 0;
}

static int run_complete(fx_status s)
{
	return s == FX_STATUS_COMPLETED || s == FX_STATUS_COMPLETED_WITH_ERRORS;
}

/*
 * The pipeline says how each destination ended (fx_acquire_result.copies:
 * TARGET first). TARGET failing while a copy holds every byte fails the
 * run as recorded (its record describes TARGET's files), saying so.
 */
int acq_copies_take_results(acq_state *st)
{
	const fx_acquire_result *r = &st->res;
	const fx_acquire_copy *t;
	unsigned i;

	if (!st->ncopies || r->ncopies != st->ncopies + 1u)
		return 0;
	for (i = 0; i < st->ncopies; i++) {
		acq_copy *c = &st->copies[i];
		const fx_acquire_copy *d = &r->copies[i + 1];

		c->status = d->status;
		c->bytes = d->bytes;
		c->failed_at = d->failed_at;
		/* why it failed, or why the run stopped (interrupted) */
		snprintf(c->error, sizeof(c->error), "%s",
			 !run_complete(d->status) && d->error ? d->error : "");
		if (collect(c) != 0) {
			c->status = FX_STATUS_FAILED;
			snprintf(c->error, sizeof(c->error), "out of memory listing its files");
		}
	}
	t = &r->copies[0];
	if (t->status == FX_STATUS_FAILED && run_complete(st->status)) {
		st->target_failed = 1;
		st->status = FX_STATUS_FAILED;
		snprintf(st->error, sizeof(st->error),
			 "TARGET failed at byte %llu: %.900s",
			 (unsigned long long)t->failed_at, t->error ? t->error : "");
	}
	return 0;
}

/* The run as seen from copy c: its destination, files and status. */
static acq_state *view_of(const acq_state *st, acq_copy *c)
{
	acq_state *v = malloc(sizeof(*v));

	if (!v)
		return NULL;
	*v = *st;
	v->opt.target = c->target;
	v->opt.format = c->format;
	v->opt.segment_size = c->segment_size;
	v->opt.verify_source = 0; /* the source is re-read once, for TARGET */
	v->ncopies = 0;
	v->log = NULL;
	v->files = c->files;
	v->nfiles = c->nfiles;
	v->status = c->status;
	snprintf(v->error, sizeof(v->error), "%s", c->error);
	snprintf(v->sha_path, sizeof(v->sha_path), "%s", c->sha_path);
	v->files_unhashed[0] = v->sha256_note[0] = '\0';
	v->verify_ran = v->mismatch = 0;
	v->verify_state = v->verify_source_state = ACQ_VERIFY_SKIPPED;
	memset(&v->verification, 0, sizeof(v->verification));
	return v;
}

void acq_copies_conclude(acq_state *st)
{
	unsigned i;

	for (i = 0; i < st->ncopies; i++) {
		acq_copy *c = &st->copies[i];
		acq_state *v = view_of(st, c);

		if (!v) {
			snprintf(c->verify_result, sizeof(c->verify_result),
				 "FAILED: out of memory");
			c->verify_state = FX_VERDICT_ERROR;
			continue;
		}
		fx_meter_image(c->target); /* its read-back's lines name it */
		acq_verify_outputs(v);
		fx_meter_image(NULL);
		if (acq_write_sha256(v) != 0 && c->status != FX_STATUS_FAILED) {
			c->status = FX_STATUS_FAILED;
			c->failed_at = c->bytes;
			snprintf(c->error, sizeof(c->error), "cannot write %.900s",
				 v->sha_path);
		}
		snprintf(c->verify_result, sizeof(c->verify_result), "%s",
			 v->verify_result);
		snprintf(c->files_unhashed, sizeof(c->files_unhashed), "%s",
			 v->files_unhashed);
		snprintf(c->sha256_note, sizeof(c->sha256_note), "%s", v->sha256_note);
		c->verify_state = v->verify_state;
		c->verify_ran = v->verify_ran;
		c->verification = v->verification; /* now the copy's */
		free(v);
	}
}

/* TARGET's image set: how its own destination ended, as recorded. */
static void target_set(const acq_state *st, fx_casedb_image_set *set)
{
	const fx_acquire_copy *t = &st->res.copies[0];

	set->copy_number = 0;
	set->target = st->opt.target;
	set->format = acq_format_name(&st->opt);
	set->status = st->target_failed ? FX_STATUS_FAILED : st->status;
	set->bytes_written = t->bytes;
	set->failed_at = t->failed_at;
	set->error = set->status == FX_STATUS_FAILED ||
		     set->status == FX_STATUS_INTERRUPTED ? st->error : NULL;
}

static void copy_set(const acq_copy *c, unsigned number,
		     fx_casedb_image_set *set)
{
	set->copy_number = number;
	set->target = c->target;
	set->format = copy_format_name(c);
	set->status = c->status;
	set->bytes_written = c->bytes;
	set->failed_at = c->status == FX_STATUS_FAILED ? c->failed_at : UINT64_MAX;
	set->error = c->error[0] ? c->error : NULL;
	set->files = c->files;
	set->n_files = c->nfiles;
}

/* Each copy's read-back as a verification of the acquisition (its
 * findings name the copy's image), then one image set per destination. */
int acq_copies_db(acq_state *st)
{
	fx_casedb_image_set set = FX_CASEDB_IMAGE_SET_INIT;
	int64_t id;
	unsigned i;
	int rc = 0;

	if (!st->ncopies || st->res.ncopies != st->ncopies + 1u)
		return 0;
	for (i = 0; i < st->ncopies; i++) {
		acq_copy *c = &st->copies[i];
		acq_state *v;

		if (!c->verify_ran)
			continue;
		if (!(v = view_of(st, c)))
			return -1;
		v->verify_ran = 1;
		v->verification = c->verification;
		if (acq_db_verification(v) != 0)
			rc = -1;
		free(v);
	}
	target_set(st, &set);
	for (i = 0; !rc && i <= st->ncopies; i++) {
		if (i)
			copy_set(&st->copies[i - 1], i, &set);
		if (fx_casedb_image_set_add(&id, st->db, st->acq_id, &set) != 0) {
			fprintf(stderr, "acquire: case database %s: %s\n",
				fx_tool_escape(st->opt.db_path),
				fx_tool_escape(fx_error_last()));
			rc = -1;
		}
	}
	return rc;
}

/* How a copy ended, in the log's and stderr's words. */
static void say_status(char *out, size_t len, const acq_copy *c,
		       uint64_t size)
{
	if (c->status == FX_STATUS_FAILED && c->failed_at != UINT64_MAX)
		snprintf(out, len, "failed at byte %llu of %llu: %.900s (its files are left as written: a partial image)",
			 (unsigned long long)c->failed_at,
			 (unsigned long long)size, c->error);
	else if (c->status == FX_STATUS_FAILED)
		snprintf(out, len, "failed: %.900s", c->error);
	else
		snprintf(out, len, "%s", fx_status_name(c->status));
}

void acq_copies_log_params(FILE *f, const acq_state *st)
{
	unsigned i;

	for (i = 0; i < st->ncopies; i++)
		fprintf(f, "  Copy %u:               %s (%s)\n", i + 1,
			fx_tool_escape(st->copies[i].target),
			copy_format_name(&st->copies[i]));
}

/* What a copy's files take on storage, where measured (raw files; a
 * sparse copy takes less than its size), as TARGET's in the log. */
static void log_allocated(FILE *f, const acq_copy *c)
{
	size_t k;
	int header = 0;

	for (k = 0; k < c->nfiles; k++) {
		if (!c->files[k].allocated_known)
			continue;
		if (!header++)
			fprintf(f, "  Storage of image files (path, size, allocated bytes):\n");
		fprintf(f, "    %s, %llu, %llu\n", fx_tool_escape(c->files[k].path),
			(unsigned long long)c->files[k].size,
			(unsigned long long)c->files[k].allocated);
	}
}

void acq_copies_log_result(FILE *f, const acq_state *st)
{
	char status[1200];
	unsigned i;
	size_t k;

	for (i = 0; i < st->ncopies; i++) {
		const acq_copy *c = &st->copies[i];

		say_status(status, sizeof(status), c, st->res.size);
		fprintf(f, "Copy %u:                 %s (%s)\n", i + 1,
			fx_tool_escape(c->target), copy_format_name(c));
		fprintf(f, "  Status:               %s\n", fx_tool_escape(status));
		fprintf(f, "  Bytes written:        %llu of %llu\n",
			(unsigned long long)c->bytes,
			(unsigned long long)st->res.size);
		fprintf(f, "  Image files (path, size, SHA-256):\n");
		for (k = 0; k < c->nfiles; k++)
			fprintf(f, "    %s, %llu, %s\n", fx_tool_escape(c->files[k].path),
				(unsigned long long)c->files[k].size,
				c->files[k].sha256[0] ? c->files[k].sha256
				: c->files_unhashed[0] ? fx_tool_escape(c->files_unhashed)
				: "(not computed)");
		log_allocated(f, c);
		fprintf(f, "  SHA-256 file:         %s\n", fx_tool_escape(c->sha256_note));
		fprintf(f, "  Verification:         %s\n", fx_tool_escape(c->verify_result));
	}
}

void acq_copies_json(fx_json *j, const acq_state *st)
{
	unsigned i;
	size_t k;

	fx_json_key(j, "copies");
	fx_json_array_begin(j);
	for (i = 0; i < st->ncopies; i++) {
		const acq_copy *c = &st->copies[i];

		fx_json_object_begin(j);
		fx_json_member_uint(j, "copy", i + 1);
		fx_tool_json_str(j, "target", c->target);
		fx_tool_json_str(j, "format", copy_format_name(c));
		fx_tool_json_str(j, "status", fx_status_name(c->status));
		fx_json_member_uint(j, "bytes", c->bytes);
		fx_json_key(j, "failed_at");
		if (c->status == FX_STATUS_FAILED && c->failed_at != UINT64_MAX)
			fx_json_uint(j, c->failed_at);
		else
			fx_json_null(j);
		fx_tool_json_str(j, "error", c->error);
		fx_json_key(j, "files");
		fx_json_array_begin(j);
		for (k = 0; k < c->nfiles; k++) {
			fx_json_object_begin(j);
			fx_tool_json_str(j, "path", c->files[k].path);
			fx_json_member_uint(j, "size", c->files[k].size);
			fx_json_member_string(j, "sha256", c->files[k].sha256[0]
					      ? c->files[k].sha256 : NULL);
			fx_json_key(j, "allocated"); /* null: not measured (E01) */
			if (c->files[k].allocated_known)
				fx_json_uint(j, c->files[k].allocated);
			else
				fx_json_null(j);
			fx_json_object_end(j);
		}
		fx_json_array_end(j);
		fx_tool_json_str(j, "sha256_file", c->sha256_note);
		fx_tool_json_str(j, "verification", c->verify_result);
		fx_json_object_end(j);
	}
	fx_json_array_end(j);
}

static int not_passed(int state)
{
	return state != ACQ_VERIFY_SKIPPED && state != FX_VERDICT_VERIFIED;
}

void acq_copies_report(const acq_state *st)
{
	char status[1200];
	unsigned i;

	for (i = 0; i < st->ncopies; i++) {
		const acq_copy *c = &st->copies[i];

		if (c->status == FX_STATUS_FAILED) {
			say_status(status, sizeof(status), c, st->res.size);
			fprintf(stderr, "acquire: copy %u %s %s\n", i + 1,
				fx_tool_escape(c->target), fx_tool_escape(status));
		}
		if (not_passed(c->verify_state))
			fprintf(stderr, "acquire: verification of copy %u %s %s\n",
				i + 1, fx_tool_escape(c->target),
				fx_tool_escape(c->verify_result));
	}
}

int acq_copies_failed(const acq_state *st)
{
	unsigned i;

	for (i = 0; i < st->ncopies; i++)
		if (st->copies[i].status == FX_STATUS_FAILED)
			return 1;
	return 0;
}

int acq_copies_mismatch(const acq_state *st)
{
	unsigned i;

	for (i = 0; i < st->ncopies; i++)
		if (st->copies[i].verify_state == FX_VERDICT_MISMATCH ||
		    st->copies[i].verify_state == FX_VERDICT_ERROR)
			return 1;
	return 0;
}

void acq_copies_free(acq_state *st)
{
	unsigned i;

	for (i = 0; i < st->ncopies; i++) {
		acq_copy *c = &st->copies[i];

		fx_verify_result_clear(&c->verification);
		free(c->files);
		c->files = NULL;
		c->nfiles = 0;
		fx_sink_free(c->sink);
		c->sink = NULL;
	}
}
