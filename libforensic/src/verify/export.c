/*
 * Export for emulation and hand-over: the verified media of an image as a
 * virtual disk (raw, fixed VHD, VMDK descriptor plus flat extent).
 *
 * An export is a verification with one more consumer: the media is read
 * once through fx_verify_image's pipeline, and the export's writer
 * (sink/export_disk.c) is a sink of that same read, beside the hashers
 * (the "tap", asked for once the image is open and its set checked, so
 * that a media size the format cannot hold is refused before a byte is
 * read). The export is completed -- footer or descriptor written, files on
 * storage and read-only, the export recorded -- only when the verification
 * says "verified"; otherwise, or when writing or recording fails, the files
 * the writer created are removed (only those: the writer holds their
 * inodes and directory). The verification is recorded whatever its
 * verdict, as every verification with a record is; the export record
 * names it, so the audit chain says which read proved the media that was
 * handed over.
 *
 * One thread (the caller's), apart from the pipeline's own threads.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "sink/export_disk.h"
#include "verify/verify_int.h"

typedef struct export_run {
	const char *dest;
	int format;
	fx_export_writer *w;
} export_run;

/* The tap: creates the files now that the media's size is known. */
static int export_ready(void *payload, const fx_verify_result *r, fx_sink **sink)
{
	export_run *x = payload;
	int rc = fx_export_writer_new(&x->w, x->dest, x->format, r->size);

	if (rc)
		return rc;
	*sink = fx_export_writer_sink(x->w);
	return 0;
}

static int read_options(fx_export_options *out, const fx_export_options *opts)
{
	fx_export_options defaults = FX_EXPORT_OPTIONS_INIT;

	*out = defaults;
	out->tool = "verify export";
	if (!opts)
		return 0;
	FX_CHECK_VERSION(opts, FX_EXPORT_OPTIONS_VERSION,
			 "fx_verify_export: fx_export_options");
	*out = *opts;
	if (!out->tool)
		out->tool = "verify export";
	if (out->verify)
		FX_CHECK_VERSION(out->verify, FX_VERIFY_OPTIONS_VERSION,
				 "fx_verify_export: fx_verify_options");
	if (out->format < FX_EXPORT_RAW || out->format > FX_EXPORT_VMDK)
		return fx_error_set(FX_EUSAGE, "fx_verify_export: unknown format %d",
				    out->format);
	return 0;
}

/* The verification's options, with SHA-256 among the hashes: it names the
 * files written. */
static void verify_options(fx_verify_options *vo, const fx_export_options *o)
{
	fx_verify_options defaults = FX_VERIFY_OPTIONS_INIT;

	*vo = defaults;
	if (o->verify) /* its version checked: read up to it */
		memcpy(vo, o->verify, o->verify->version >= 2 ? sizeof(*vo)
		       : offsetof(fx_verify_options, reference));
	vo->version = FX_VERIFY_OPTIONS_VERSION; /* the rest: the defaults */
	vo->hash_algs |= FX_HASH_SHA256;
}

static int record_export(fx_export_result *out, fx_casedb *db,
			 const fx_export_options *o, const char *dest)
{
	fx_casedb_export e = FX_CASEDB_EXPORT_INIT;

	e.acquisition_id = out->verify.acquisition_id;
	e.verification_id = out->verify.verification_id;
	e.tool = o->tool;
	e.tool_version = o->tool_version;
	e.format = fx_export_format_name(out->format);
	e.path = dest;
	e.media_bytes = out->verify.size;
	e.media = out->verify.computed;
	e.files = out->files;
	e.n_files = out->nfiles;
	return fx_casedb_export_record(&out->export_id, db, &e);
}

/* Takes the writer's files into the result (paths copied). */
static void take_files(fx_export_result *out, const fx_export_writer *w)
{
	size_t i;

	out->nfiles = fx_export_writer_files(w, out->files, 2);
	for (i = 0; i < out->nfiles && i < 2; i++) {
		snprintf(out->paths[i], sizeof(out->paths[i]), "%s", out->files[i].path);
		out->files[i].path = out->paths[i];
	}
}

/* Removes what the writer created; the error said before is kept as the
 * last error, the removal's own in the result. */
static void discard(fx_export_result *out, fx_export_writer *w)
{
	char why[4400];

	if (!w)
		return;
	snprintf(why, sizeof(why), "%s", fx_error_last());
	if (fx_export_writer_discard(w) != 0) {
		out->removed = -1;
		snprintf(out->removal_error, sizeof(out->removal_error), "%s",
			 fx_error_last());
	}
	fx_error_set(fx_error_last_code(), "%s", why);
}

/* After a verified read: the files completed and recorded. */
static int complete(fx_export_result *out, export_run *x, fx_casedb *db,
		    const fx_export_options *o)
{
	int rc = fx_export_writer_seal(x->w, out->verify.computed.sha256);

	if (rc)
		return rc;
	take_files(out, x->w);
	if ((rc = record_export(out, db, o, x->dest)) != 0)
		return fx_error_set(rc, "the export could not be recorded: %s",
				    fx_error_last());
	out->exported = 1;
	return 0;
}

int fx_verify_export(fx_export_result *out, const char *image_path,
		     const char *dest, fx_casedb *db, const fx_export_options *opts)
{
	fx_export_options o;
	fx_verify_options vo;
	export_run x = { dest, 0, NULL };
	fx_verify_tap tap = { export_ready, &x };
	const char *writer_error;
	int rc, writer_code = 0;

	FX_CHECK_ARG(out);
	memset(out, 0, sizeof(*out));
	FX_CHECK_ARG(image_path);
	FX_CHECK_ARG(dest);
	FX_CHECK_ARG(db);
	if ((rc = read_options(&o, opts)) != 0)
		return rc;
	x.format = out->format = o.format;
	verify_options(&vo, &o);
	/* nothing at a name the export would create, before anything is read */
	if ((rc = fx_export_check_names(dest, o.format)) != 0)
		return rc;
	if ((rc = fx_verify_image_tap(&out->verify, image_path, db, &vo, &tap)) != 0)
		goto done;
	if (out->verify.acquisition_id &&
	    (rc = fx_verify_record(db, &out->verify, 0, o.tool, o.tool_version)) != 0) {
		rc = fx_error_set(rc, "the verification could not be recorded: %s",
				  fx_error_last());
		goto done;
	}
	writer_error = x.w ? fx_export_writer_error(x.w, &writer_code) : "";
	if (writer_error[0]) /* the read stopped because the export could not be written */
		rc = fx_error_set(writer_code, "%s", writer_error);
	else if (out->verify.status == FX_VERDICT_VERIFIED)
		rc = complete(out, &x, db, &o);
done:
	if (!out->exported)
		discard(out, x.w);
	if (!out->exported) { /* nothing of it is left, nor listed */
		out->nfiles = 0;
		out->export_id = 0;
	}
	fx_export_writer_free(x.w);
	return rc;
}

void fx_export_result_clear(fx_export_result *r)
{
	if (!r)
		return;
	fx_verify_result_clear(&r->verify);
	memset(r, 0, sizeof(*r));
}
