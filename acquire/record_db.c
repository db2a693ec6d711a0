/*
 * acquire's entries in the case database: the acquisition row at start
 * (status running, committed before the first byte is read, so a killed
 * run is visible), the outcome at the end in one transaction, and the
 * image's verification as a verification event (libforensic's result, as
 * `verify` records one). Each write carries its audit event (the
 * library's job).
 *
 * The facts go to the library in its own types, as the source and the
 * pipeline gave them (the source's info, the run's result through
 * fx_casedb_result_from_run, the image files as listed by the sink and
 * hashed here): the library stores what the system did not expose ("") as
 * NULL, so that every report says "not recorded" instead of a blank. What
 * this tool decides on top (the run's final status and error, the end
 * time, the read-back's verdict) is set on the record, never written into
 * the library's structures. The case's description (--case-description)
 * and the evidence item's (--description) are two facts, stored apart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquire_cli.h"
#include "escape.h"

/* The default database: case.db in the target's directory. */
void acq_default_db(acq_state *st)
{
	if (st->opt.db_path)
		return;
	fx_tool_default_db(st->db_default, sizeof(st->db_default), st->opt.target);
	st->opt.db_path = st->db_default;
}

const char *acq_format_name(const acq_options *o)
{
	return strcmp(o->format, "e01") == 0 ? "e01"
	       : o->segment_size ? "split-raw" : "raw";
}

/* The copies as given (--copy, --copy-format): target and format of
 * each, so that the record holds every destination the run was asked
 * for (a resume needs them), whatever became of them. */
static void params_copies(fx_json *j, const acq_state *st)
{
	unsigned i;

	fx_json_key(j, "copies");
	fx_json_array_begin(j);
	for (i = 0; i < st->ncopies; i++) {
		fx_json_object_begin(j);
		fx_tool_json_str(j, "target", st->copies[i].target);
		fx_tool_json_str(j, "format", st->copies[i].format);
		fx_json_member_uint(j, "segment_size", st->copies[i].segment_size);
		fx_json_object_end(j);
	}
	fx_json_array_end(j);
}

/* The options as recorded (acquisitions.parameters_json): compact JSON,
 * keys in this order (allow_mounted came last, then the source's format,
 * then sparse, then the target, then copies, only for a run with copies, then a stream
 * source's facts), flags as 0 or 1; format as typed (iso, which the
 * format column records as raw). A writer in memory: NULL (said on
 * stderr) when out of memory. */
static fx_json *params_json(const acq_state *st)
{
	const acq_options *o = &st->opt;
	int e01 = strcmp(o->format, "e01") == 0;
	fx_json *j = fx_tool_json_new("acquire", NULL);

	if (!j)
		return NULL;
	fx_json_object_begin(j);
	fx_json_member_uint(j, "block_size", o->block_size);
	fx_tool_json_str(j, "compression", e01 ? o->compression : "none");
	fx_tool_json_str(j, "ewf_format", e01 ? o->ewf_format : "");
	fx_tool_json_str(j, "format", o->format);
	fx_json_member_uint(j, "hash_window", o->hash_window);
	fx_json_member_uint(j, "hashes", o->hash_algs);
	fx_json_member_uint(j, "retries", o->retries);
	fx_json_member_uint(j, "segment_size", o->segment_size);
	fx_json_member_uint(j, "threads", o->threads);
	fx_json_member_int(j, "verify", o->verify);
	fx_json_member_int(j, "verify_source", o->verify_source);
	fx_json_member_int(j, "write_block", o->write_block);
	fx_json_member_int(j, "allow_mounted", o->allow_mounted);
	/* the container files are rows of their own (source_files) */
	fx_tool_json_str(j, "source_format", fx_vdisk_format_name(st->source_format));
	fx_json_member_int(j, "sparse", o->sparse);
	/* absolute: how verify finds a run killed before it recorded a file */
	fx_tool_json_str(j, "target", o->target);
	if (st->ncopies)
		params_copies(j, st);
	acq_stream_json(j, st); /* a stream source only: what it was */
	fx_json_object_end(j);
	return j;
}

/* Returns 0, FX_EXIT_USAGE when the database refuses the record as given
 * (a different description for a recorded case), else FX_EXIT_FAILURE. */
int acq_db_begin(acq_state *st)
{
	fx_casedb_options dbo = FX_CASEDB_OPTIONS_INIT;
	fx_casedb_acquisition rec = FX_CASEDB_ACQUISITION_INIT;
	fx_json *params;
	char start[32];
	int rc;

	dbo.actor = fx_tool_operator(st->opt.operator_name);
	dbo.host = fx_tool_station_host();
	dbo.sign_key_path = st->opt.sign_key;
	if (fx_casedb_open(&st->db, st->opt.db_path, &dbo) != 0) {
		fprintf(stderr, "acquire: case database: %s\n",
			fx_tool_escape(fx_error_last()));
		return FX_EXIT_FAILURE;
	}
	fx_format_utc(start, sizeof(start), st->start);
	if (!(params = params_json(st)))
		return FX_EXIT_FAILURE;
	rec.case_number = st->case_number;
	rec.case_description = st->opt.case_description;
	rec.evidence.evidence_number = st->evidence_number;
	rec.evidence.description = st->opt.description;
	rec.evidence.notes = st->opt.notes;
	rec.evidence.examiner = st->opt.examiner;
	/* identity, path, write-block method and state, as the source has
	 * them now (the state at the start of reading) */
	rec.evidence.source = *fx_source_get_info(st->src);
	rec.operator_name = fx_tool_operator(st->opt.operator_name);
	rec.host = fx_tool_host();
	rec.tool = "acquire";
	rec.tool_version = fx_version();
	rec.library_versions = fx_library_versions();
	rec.command_line = st->opt.command_line;
	fx_json_text(params, &rec.parameters_json, NULL);
	rec.format = acq_format_name(&st->opt);
	rec.compression = strcmp(st->opt.format, "e01") == 0 ? st->opt.compression : "none";
	rec.segment_size = st->opt.segment_size;
	rec.block_size = (uint32_t)st->opt.block_size;
	rec.start_utc = start;
	rec.source_files = st->containers; /* hashed before the record begins */
	rec.n_source_files = st->ncontainers;
	rc = fx_casedb_acquisition_begin(&st->acq_id, st->db, &rec);
	fx_json_free(params);
	if (rc != 0) {
		fprintf(stderr, "acquire: case database %s: %s\n",
			fx_tool_escape(st->opt.db_path), fx_tool_escape(fx_error_last()));
		return rc == FX_EEXISTS ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
	}
	/* the verification's record names it; not known is 0 (it is
	 * recorded against the acquisition all the same) */
	if (fx_casedb_evidence_find(&st->evidence_id, st->db, st->case_number,
				    st->evidence_number) != 0)
		st->evidence_id = 0;
	return 0;
}

void acq_record_result(const acq_state *st, fx_casedb_result *out)
{
	fx_casedb_result_from_run(out, &st->res);
	out->status = st->status; /* the run as recorded (acquire_cli.h) */
	out->error = st->error[0] ? st->error : NULL; /* kept if not completed */
	out->files = st->files;
	out->n_files = st->nfiles;
}

int acq_db_finish(acq_state *st)
{
	fx_casedb_result res;
	char end[32];
	int rc;

	if (st->left_running) /* resumable: finished by the resume (resume.c) */
		return 0;
	acq_record_result(st, &res);
	fx_format_utc(end, sizeof(end), st->end);
	res.end_utc = end;
	rc = fx_casedb_acquisition_finish(st->db, st->acq_id, &res);
	if (rc != 0)
		fprintf(stderr, "acquire: case database %s: %s\n",
			fx_tool_escape(st->opt.db_path), fx_tool_escape(fx_error_last()));
	return rc;
}

/* The post-write check is a verification like any other, recorded as
 * verify records one: its verdict, the hashes of a whole read, and the
 * result as JSON in findings. */
int acq_db_verification(acq_state *st)
{
	if (!st->verify_ran)
		return 0;
	if (fx_verify_record(st->db, &st->verification, 0, "acquire --verify",
			     fx_version()) != 0) {
		fprintf(stderr, "acquire: case database %s: %s\n",
			fx_tool_escape(st->opt.db_path), fx_tool_escape(fx_error_last()));
		return -1;
	}
	return 0;
}

/* The head is read (and printed in the log and --json) so that a copy of
 * either kept elsewhere anchors the chain; with --tsa it is time-stamped
 * too. A TSA that cannot be reached or refuses leaves the acquisition as
 * it is (its exit code included): the library records the failed anchor,
 * and the log, stderr and --json say it. */
void acq_db_anchor(acq_state *st)
{
	fx_casedb_anchor_options ao = FX_CASEDB_ANCHOR_OPTIONS_INIT;

	if (fx_casedb_audit_head_get(&st->head, st->db) == 0)
		st->head_read = 1;
	else
		fprintf(stderr, "acquire: case database %s: %s\n",
			fx_tool_escape(st->opt.db_path),
			fx_tool_escape(fx_error_last()));
	if (!st->opt.tsa_url)
		return;
	ao.tsa_url = st->opt.tsa_url;
	ao.ca_file = st->opt.tsa_ca;
	ao.untrusted_file = st->opt.tsa_cert;
	st->anchor_ran = 1;
	if (fx_casedb_anchor(&st->anchor, st->db, &ao) != 0 &&
	    !st->anchor.id) {
		/* not even the failure could be recorded */
		snprintf(st->anchor.error, sizeof(st->anchor.error), "%s",
			 fx_error_last());
		st->anchor.stamped = 0;
	}
}
