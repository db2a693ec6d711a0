/*
 * What acquire leaves beside the image: TARGET.log, a human-readable record
 * written in two parts (the start is on disk, fsync'ed, before the first
 * byte is read, so a killed run still leaves an honest "not finished" log;
 * made read-only, like the image, once complete), TARGET.sha256 for
 * `sha256sum -c` (written by libforensic, fx_sha256_file_write, which
 * holds its format and its rule; the words of why it is withheld are
 * here), and the --json summary. Every text a
 * user or a device gave, and every message that may quote one, is written
 * to the log through fx_tool_escape (an ESC in a case number must not drive
 * the terminal of whoever reads the log); --json has JSON escapes
 * (libforensic's JSON writer, through fx_tool_json_new).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acquire_cli.h"
#include "escape.h"

static const char *sha256_withheld(const acq_state *st, char *buf, size_t len);

static const char *yes_no_unknown(int v)
{
	return v == FX_UNKNOWN ? "unknown" : v ? "yes" : "no";
}

static const char *or_none(const char *s)
{
	return s && *s ? s : "(not exposed)";
}

static const char *or_empty(const char *s)
{
	return s && *s ? s : "(none)";
}

/* The media's kind, as the E01 header records it: optical (a CD/DVD/BD
 * drive, or 2048-byte sectors), removable, or fixed. */
static const char *media_name(const fx_source_info *in)
{
	return in->optical == 1 ? "optical" : in->removable == 1 ? "removable"
								 : "fixed";
}

static void log_source(FILE *f, const fx_source_info *in)
{
	fprintf(f, "\nSource\n");
	fprintf(f, "  Path:                 %s\n", fx_tool_escape(in->path));
	fprintf(f, "  Type:                 %s\n",
		in->kind == FX_SOURCE_VIRTUAL ? "virtual disk"
		: in->kind == FX_SOURCE_STREAM ? "stream"
		: in->is_block_device ? "block device" : "regular file");
	if (in->kind == FX_SOURCE_STREAM && !in->size)
		fprintf(f, "  Size:                 not known in advance (the stream is read to its end; what arrived is under Result)\n");
	else
		fprintf(f, "  Size:                 %llu bytes (%llu sectors of %u bytes)\n",
			(unsigned long long)in->size,
			(unsigned long long)(in->size / in->logical_sector_size),
			in->logical_sector_size);
	fprintf(f, "  Sector size:          logical %u, physical %u\n",
		in->logical_sector_size, in->physical_sector_size);
	fprintf(f, "  Vendor:               %s\n", fx_tool_escape(or_none(in->vendor)));
	fprintf(f, "  Model:                %s\n", fx_tool_escape(or_none(in->model)));
	fprintf(f, "  Serial:               %s\n", fx_tool_escape(or_none(in->serial)));
	fprintf(f, "  WWID:                 %s\n", fx_tool_escape(or_none(in->wwid)));
	fprintf(f, "  Removable:            %s\n", yes_no_unknown(in->removable));
	fprintf(f, "  Rotational:           %s\n", yes_no_unknown(in->rotational));
	fprintf(f, "  Media type:           %s%s\n", media_name(in),
		in->optical == 1 ? (in->logical_sector_size == 2048
				    ? " (optical disc: 2048-byte sectors)"
				    : " (optical disc drive: SCSI type 5)") : "");
	fprintf(f, "  HPA/DCO:              %s\n", fx_tool_escape(in->hpa_dco));
	fprintf(f, "  Write-block method:   %s\n",
		fx_tool_escape(in->write_block_method));
	fprintf(f, "  Read-only before:     %s\n", fx_tool_escape(or_empty(in->ro_before)));
	fprintf(f, "  Read-only at start:   %s\n", fx_tool_escape(or_empty(in->ro_after)));
	fprintf(f, "  Direct I/O:           %s\n", in->direct_io ? "yes" : "no");
}

static void log_hashes_list(FILE *f, unsigned algs)
{
	unsigned a;
	int first = 1;

	for (a = FX_HASH_MD5; a <= FX_HASH_SHA256; a <<= 1)
		if (algs & a) {
			fprintf(f, "%s%s", first ? "" : ",", fx_hash_name(a));
			first = 0;
		}
}

/*
 * Creates the log as the image files are created: O_EXCL|O_NOFOLLOW, never
 * over anything, never through a link (O_EXCL alone refuses a link at the
 * name too; O_NOFOLLOW says so). A name taken since the check before the
 * run is said as that check says it ("... (a symbolic link, never
 * followed)"). The fd, or -1 with errno, the reason in why (for the
 * records, cut to its size) and said on stderr.
 */
static int create_log(const char *path, char *why, size_t whylen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	int err = errno;

	if (fd >= 0)
		return fd;
	if (err == EEXIST && fx_evidence_path_check(path) != 0)
		snprintf(why, whylen, "%s", fx_error_last());
	else if (snprintf(why, whylen, "cannot create %s: %s", path,
			  strerror(err)) >= (int)whylen)
		why[whylen - 1] = '\0'; /* cut, as the record's field is */
	fprintf(stderr, "acquire: cannot create the log: %s\n", fx_tool_escape(why));
	errno = err;
	return -1;
}

int acq_log_begin(acq_state *st)
{
	const acq_options *o = &st->opt;
	char when[32];
	int fd = create_log(st->log_path, st->error, sizeof(st->error));
	FILE *f;

	if (fd < 0)
		return -1; /* why: the run's error */
	if (!(f = fdopen(fd, "w"))) {
		fprintf(stderr, "acquire: cannot create the log %s: %s\n",
			fx_tool_escape(st->log_path), strerror(errno));
		close(fd);
		return -1;
	}
	st->log = f;
	fx_format_utc(when, sizeof(when), st->start);
	fprintf(f, "libforensic acquisition log\n===========================\n");
	fprintf(f, "Command line:           %s\n", fx_tool_escape(o->command_line));
	fprintf(f, "Tool:                   acquire %s\n", fx_version());
	fprintf(f, "Libraries:              %s\n", fx_library_versions());
	fprintf(f, "Host:                   %s\n", fx_tool_escape(fx_tool_host()));
	fprintf(f, "Operator:               %s\n",
		fx_tool_escape(fx_tool_operator(o->operator_name)));
	fprintf(f, "Case number:            %s\n", fx_tool_escape(st->case_number));
	if (o->case_description)
		fprintf(f, "Case description:       %s\n",
			fx_tool_escape(o->case_description));
	fprintf(f, "Evidence number:        %s\n", fx_tool_escape(st->evidence_number));
	fprintf(f, "Examiner:               %s\n", fx_tool_escape(or_empty(o->examiner)));
	fprintf(f, "Description:            %s\n", fx_tool_escape(or_empty(o->description)));
	fprintf(f, "Notes:                  %s\n", fx_tool_escape(or_empty(o->notes)));
	fprintf(f, "Start (UTC):            %s\n", when);
	fprintf(f, "Case database:          %s (acquisition %lld)\n",
		fx_tool_escape(o->db_path),
		(long long)st->acq_id);
	log_source(f, fx_source_get_info(st->src));
	acq_vdisk_log(st, f);
	acq_stream_log_source(f, st);
	fprintf(f, "\nParameters\n");
	fprintf(f, "  Format:               %s\n", o->format);
	if (strcmp(o->format, "e01") == 0 && !o->segment_size) {
		uint64_t max = 0;

		fx_e01_max_segment(&max, o->ewf_format);
		fprintf(f, "  Segment size:         %llu bytes (default: 2 GiB or the format's maximum)\n",
			(unsigned long long)(max < ((uint64_t)2 << 30) ? max : (uint64_t)2 << 30));
	} else {
		fprintf(f, "  Segment size:         %llu bytes%s\n",
			(unsigned long long)o->segment_size,
			o->segment_size ? "" : " (one file)");
	}
	fprintf(f, "  Block size:           %llu bytes\n",
		(unsigned long long)o->block_size);
	fprintf(f, "  Retries per sector:   %u\n", o->retries);
	fprintf(f, "  Hashes:               ");
	log_hashes_list(f, o->hash_algs);
	fprintf(f, "\n  Hash window:          %llu bytes%s\n",
		(unsigned long long)o->hash_window, o->hash_window ? "" : " (none)");
	if (strcmp(o->format, "e01") == 0)
		fprintf(f, "  Compression:          %s\n  EWF format:           %s\n",
			o->compression, o->ewf_format);
	else
		fprintf(f, "  Sparse:               %s\n", o->sparse
			? "yes (runs of zeros of 64 KiB or more left as holes)" : "no");
	fprintf(f, "  Verify after writing: %s%s\n", o->verify ? "yes" : "no",
		o->verify_source ? " (image and source)" : "");
	acq_copies_log_params(f, st);
	fprintf(f, "\nStatus at start:        running (the final status follows under Result; a log without a Result section is from a run that never finished)\n");
	fflush(f);
	fsync(fileno(f));
	return 0;
}

/* A run that read nothing gave the device back: the flags it cleared. */
static void log_write_block_undone(FILE *f, const fx_source_info *in)
{
	if (in->ro_restored[0])
		fprintf(f, "Write-block undone:     %s (nothing was read%s%s)\n",
			in->ro_restored,
			in->ro_kept[0] ? "; already read-only before the run, left set: " : "",
			in->ro_kept);
}

/* The audit chain's head, and its time-stamp when --tsa asked for one. */
static void log_anchor(FILE *f, const acq_state *st)
{
	char line[2048];

	if (st->head_read)
		fprintf(f, "Audit chain head:       event %lld, hash %s\n",
			(long long)st->head.last_seq, st->head.hash);
	if (!st->anchor_ran)
		return;
	fx_tool_anchor_text(line, sizeof(line), &st->anchor);
	fprintf(f, "Audit chain anchor:     %s\n", line);
}

/* What each image file takes on storage, where measured (raw files,
 * after their final flush): a sparse image takes less than its size. */
static void log_allocated(FILE *f, const acq_state *st)
{
	size_t i;
	int header = 0;

	for (i = 0; i < st->nfiles; i++) {
		if (!st->files[i].allocated_known)
			continue;
		if (!header++)
			fprintf(f, "Storage of image files (path, size, allocated bytes):\n");
		fprintf(f, "  %s, %llu, %llu\n", fx_tool_escape(st->files[i].path),
			(unsigned long long)st->files[i].size,
			(unsigned long long)st->files[i].allocated);
	}
}

static void log_result(FILE *f, const acq_state *st)
{
	const fx_acquire_result *r = &st->res;
	char when[32], why[PATH_MAX + 1100];
	const char *withheld;
	size_t i;

	fx_format_utc(when, sizeof(when), st->end);
	fprintf(f, "\nResult\n");
	fprintf(f, "End (UTC):              %s\n", when);
	fprintf(f, "Duration:               %.3f s\n", r->elapsed_s);
	fprintf(f, "Status:                 %s\n", fx_status_name(st->status));
	if (st->error[0])
		fprintf(f, "Error:                  %s\n", fx_tool_escape(st->error));
	fprintf(f, "Bytes acquired:         %llu of %llu%s\n",
		(unsigned long long)r->bytes, (unsigned long long)r->size,
		fx_source_get_info(st->src)->kind == FX_SOURCE_STREAM &&
		!fx_source_get_info(st->src)->size
		? " (size not known in advance: what arrived)" : "");
	acq_stream_log_result(f, st);
	fprintf(f, "Unreadable sectors:     %llu in %zu range(s)%s\n",
		(unsigned long long)r->bad_sectors, r->nbad,
		r->nbad ? " (first sector, count), zero-filled in the image:" : "");
	for (i = 0; i < r->nbad; i++)
		fprintf(f, "  %llu, %llu\n", (unsigned long long)r->bad[i].first,
			(unsigned long long)r->bad[i].count);
	fprintf(f, "Hashes of the %llu bytes acquired:\n", (unsigned long long)r->bytes);
	if (r->digests.md5[0])
		fprintf(f, "  MD5:     %s\n", r->digests.md5);
	if (r->digests.sha1[0])
		fprintf(f, "  SHA-1:   %s\n", r->digests.sha1);
	if (r->digests.sha256[0])
		fprintf(f, "  SHA-256: %s\n", r->digests.sha256);
	if (r->nwindows)
		fprintf(f, "Hash windows (SHA-256; offset, length, hash):\n");
	for (i = 0; i < r->nwindows; i++)
		fprintf(f, "  %llu, %llu, %s\n", (unsigned long long)r->windows[i].offset,
			(unsigned long long)r->windows[i].length, r->windows[i].sha256);
	fprintf(f, "Image files (path, size, SHA-256):\n");
	for (i = 0; i < st->nfiles; i++)
		fprintf(f, "  %s, %llu, %s\n", fx_tool_escape(st->files[i].path),
			(unsigned long long)st->files[i].size,
			st->files[i].sha256[0] ? st->files[i].sha256
			: st->files_unhashed[0] ? fx_tool_escape(st->files_unhashed)
			: "(not computed)");
	log_allocated(f, st);
	if (st->sha256_note[0])
		fprintf(f, "SHA-256 file:           %s\n", fx_tool_escape(st->sha256_note));
	else if ((withheld = sha256_withheld(st, why, sizeof(why))) != NULL)
		fprintf(f, "SHA-256 file:           not written: %s\n",
			fx_tool_escape(withheld));
	fprintf(f, "Verification of image:  %s\n", fx_tool_escape(st->verify_result));
	log_anchor(f, st);
	if (st->opt.verify_source)
		fprintf(f, "Verification of source: %s\n",
			fx_tool_escape(st->verify_source_result));
	if (st->resumed_from)
		fprintf(f, "Resumed from byte:      %llu (the bytes before were re-read from the image and matched the checkpoint)\n",
			(unsigned long long)st->resumed_from);
	if (st->checkpoints || st->left_running)
		fprintf(f, "Checkpoints:            %u recorded, the last at byte %llu\n",
			st->checkpoints, (unsigned long long)st->last_checkpoint);
	if (st->left_running)
		fprintf(f, "Resumable:              yes, from byte %llu: acquire --resume %s (the case database keeps the acquisition open)\n",
			(unsigned long long)st->last_checkpoint, fx_tool_escape(st->opt.target));
	acq_copies_log_result(f, st);
	if (fx_source_get_info(st->src)->kind == FX_SOURCE_STREAM)
		fprintf(f, "Read-only at end:       not known here (a stream; a sender's flags are those at its start, above)\n");
	else
		fprintf(f, "Read-only at end:       %s\n",
			fx_tool_escape(or_empty(fx_source_get_info(st->src)->ro_after)));
	log_write_block_undone(f, fx_source_get_info(st->src));
}

int acq_log_finish(acq_state *st)
{
	int rc = 0;

	if (!st->log)
		return -1;
	log_result(st->log, st);
	/* Complete, the log is evidence like the image: read-only (0444) */
	if (fflush(st->log) != 0 || fsync(fileno(st->log)) != 0 ||
	    fchmod(fileno(st->log), 0444) != 0) {
		fprintf(stderr, "acquire: cannot complete log %s: %s\n",
			fx_tool_escape(st->log_path), strerror(errno));
		rc = -1;
	}
	if (fclose(st->log) != 0)
		rc = -1;
	st->log = NULL;
	return rc;
}

/*
 * Why TARGET.sha256 is withheld, in the log's words, or NULL when it is to
 * be written. The rule is libforensic's (fx_sha256_file_withheld: only a
 * whole image, every file with a SHA-256); a file without one is named
 * with the reason it has none.
 */
static const char *sha256_withheld(const acq_state *st, char *buf, size_t len)
{
	char copy[PATH_MAX];
	size_t i = 0;

	switch (fx_sha256_file_withheld(&i, st->status, st->files, st->nfiles)) {
	case FX_SHA256_ALLOWED:
		return NULL;
	case FX_SHA256_INTERRUPTED:
		return "the acquisition was interrupted, so the image files are not the whole image";
	case FX_SHA256_NOT_FINISHED:
		return "the acquisition failed, so the image files are not the whole image";
	case FX_SHA256_NO_FILES:
		return "no image files were recorded";
	default:
		snprintf(copy, sizeof(copy), "%s", st->files[i].path);
		snprintf(buf, len, "image file %s has no SHA-256 %s", basename(copy),
			 st->files_unhashed[0] ? st->files_unhashed : "(not computed)");
		return buf;
	}
}

/* Writes TARGET.sha256 (libforensic's fx_sha256_file_write: the format,
 * O_EXCL|O_NOFOLLOW, removed when incomplete) when the rule allows, and
 * notes in st->sha256_note what the log says of it. */
int acq_write_sha256(acq_state *st)
{
	char why[PATH_MAX + 1100];
	const char *withheld = sha256_withheld(st, why, sizeof(why));
	int created = 0;

	if (withheld) {
		snprintf(st->sha256_note, sizeof(st->sha256_note), "not written: %s",
			 withheld);
		return 0;
	}
	if (fx_sha256_file_write(&created, st->sha_path, st->status, st->files,
				 st->nfiles) != 0) {
		/* the message names the path: "cannot write PATH: why" */
		fprintf(stderr, created ? "acquire: %s\n"
			: "acquire: cannot create the SHA-256 file: %s\n",
			fx_tool_escape(fx_error_last()));
		snprintf(st->sha256_note, sizeof(st->sha256_note), "not written: %s",
			 fx_error_last());
		return -1;
	}
	snprintf(st->sha256_note, sizeof(st->sha256_note), "%s", st->sha_path);
	return 0;
}

/* The image files: path, size, SHA-256 (null when not computed) and the
 * bytes allocated on storage (null when not measured). */
static void json_files(fx_json *j, const acq_state *st)
{
	size_t i;

	fx_json_key(j, "files");
	fx_json_array_begin(j);
	for (i = 0; i < st->nfiles; i++) {
		fx_json_object_begin(j);
		fx_tool_json_str(j, "path", st->files[i].path);
		fx_json_member_uint(j, "size", st->files[i].size);
		fx_json_member_string(j, "sha256", st->files[i].sha256[0]
				      ? st->files[i].sha256 : NULL);
		fx_json_key(j, "allocated"); /* null: not measured (E01) */
		if (st->files[i].allocated_known)
			fx_json_uint(j, st->files[i].allocated);
		else
			fx_json_null(j);
		fx_json_object_end(j);
	}
	fx_json_array_end(j);
}

/* The result: hashes, unreadable ranges [first, count] and windows. */
static void json_result(fx_json *j, const fx_acquire_result *r)
{
	size_t i;

	fx_json_key(j, "hashes");
	fx_json_object_begin(j);
	fx_tool_json_str(j, "md5", r->digests.md5);
	fx_tool_json_str(j, "sha1", r->digests.sha1);
	fx_tool_json_str(j, "sha256", r->digests.sha256);
	fx_json_object_end(j);
	fx_json_key(j, "bad_sectors");
	fx_json_array_begin(j);
	for (i = 0; i < r->nbad; i++) {
		fx_json_array_begin(j);
		fx_json_uint(j, r->bad[i].first);
		fx_json_uint(j, r->bad[i].count);
		fx_json_array_end(j);
	}
	fx_json_array_end(j);
}

static void json_windows(fx_json *j, const fx_acquire_result *r)
{
	size_t i;

	fx_json_key(j, "windows");
	fx_json_array_begin(j);
	for (i = 0; i < r->nwindows; i++) {
		fx_json_object_begin(j);
		fx_json_member_uint(j, "offset", r->windows[i].offset);
		fx_json_member_uint(j, "length", r->windows[i].length);
		fx_tool_json_str(j, "sha256", r->windows[i].sha256);
		fx_json_object_end(j);
	}
	fx_json_array_end(j);
}

void acq_print_json(const acq_state *st, FILE *f)
{
	const fx_acquire_result *r = &st->res;
	fx_json *j = fx_tool_json_new("acquire", f);
	char when[32];

	if (!j)
		return;
	fx_json_object_begin(j);
	fx_tool_json_str(j, "status", fx_status_name(st->status));
	fx_tool_json_str(j, "source", st->opt.source);
	fx_tool_json_str(j, "format", st->opt.format);
	fx_json_member_uint(j, "bytes", r->bytes);
	fx_json_member_uint(j, "size", r->size);
	fx_json_member_uint(j, "sector_size", r->sector_size);
	acq_vdisk_json(st, j);
	fx_tool_json_str(j, "media", media_name(fx_source_get_info(st->src)));
	fx_json_key(j, "sparse");
	fx_json_bool(j, st->opt.sparse);
	json_result(j, r);
	json_files(j, st);
	json_windows(j, r);
	acq_copies_json(j, st);
	fx_tool_json_str(j, "verification", st->verify_result);
	fx_tool_json_str(j, "source_verification", st->verify_source_result);
	fx_format_utc(when, sizeof(when), st->start);
	fx_tool_json_str(j, "start", when);
	fx_format_utc(when, sizeof(when), st->end);
	fx_tool_json_str(j, "end", when);
	fx_tool_json_str(j, "log", st->log_path);
	fx_tool_json_str(j, "db", st->opt.db_path);
	fx_json_member_int(j, "acquisition_id", st->acq_id);
	fx_tool_json_str(j, "case", st->case_number);
	fx_tool_json_str(j, "evidence", st->evidence_number);
	fx_tool_json_str(j, "error", st->error);
	fx_json_member_uint(j, "resumed_from", st->resumed_from);
	fx_json_member_uint(j, "checkpoints", st->checkpoints);
	if (st->left_running)
		fx_json_member_uint(j, "resumable_from", st->last_checkpoint);
	else
		fx_json_member_string(j, "resumable_from", NULL);
	acq_stream_json(j, st);
	if (st->head_read)
		fx_tool_json_head(j, &st->head);
	if (st->anchor_ran)
		fx_tool_json_anchor(j, "anchor", &st->anchor);
	fx_json_object_end(j);
	fputc('\n', f);
	fx_json_free(j);
}
