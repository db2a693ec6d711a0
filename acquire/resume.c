/*
 * acquire --resume TARGET, and the checkpoints that make it possible.
 *
 * A raw, split raw or E01 run records a durable checkpoint every --checkpoint
 * bytes (1 GiB by default) or 30 seconds, whichever comes first: the
 * pipeline has the sink fdatasync its files and hands over the prefix
 * hashes; the checkpoint goes to the case database as an audit event
 * (fx_casedb_checkpoint_record). At 150 MB/s that is one fdatasync and one
 * SQLite commit every 7 s, and at most 1 GiB to read again after a crash.
 * A run stopped by SIGINT/SIGTERM or a vanished source records a last
 * checkpoint at the bytes it holds and leaves its row running, so that it
 * can be resumed; it is still reported interrupted (or failed) everywhere.
 *
 * A resume takes everything from the record (source, format, options) and
 * trusts only what was fsync'ed and recorded: the source must be the same
 * (size, model, serial, first and last MiB), the image files are reopened
 * by name without following a link and cut back to the checkpoint, the
 * prefix is re-read from storage through the pipeline's hashers and must
 * hash to the checkpoint's digests before a byte is appended (else exit 1).
 * An E01 set is reopened in libewf's resume mode (fx_sink_e01_resume),
 * which keeps the chunks whose table was written: the resume goes on
 * from the newest checkpoint at or below that point, and the sink
 * compares the span between them with the source read again.
 * Single-threaded: the checkpoint callback runs on the reader (main) thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acquire_cli.h"
#include "escape.h"

/* Checkpoints also every 30 s: a slow source still checkpoints often. */
#define ACQ_CHECKPOINT_MS 30000u

static int refuse(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "acquire: --resume: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return FX_EXIT_USAGE;
}

static int on_checkpoint(const fx_acquire_checkpoint *cp, void *payload)
{
	acq_state *st = payload;
	fx_casedb_checkpoint c;

	/* read at the first checkpoint, not before the run: a run that never
	 * checkpoints reads nothing more than it did */
	if (!st->marks_read) {
		fx_acquire_source_marks(st->src_head, st->src_tail, st->src);
		st->marks_read = 1;
	}
	memset(&c, 0, sizeof(c));
	c.version = FX_CASEDB_CHECKPOINT_VERSION;
	c.target = st->opt.target;
	c.offset = cp->offset;
	c.digests = cp->digests;
	c.bad = cp->bad;
	c.n_bad = cp->nbad;
	c.source_head_sha256 = st->src_head;
	c.source_tail_sha256 = st->src_tail;
	if (fx_casedb_checkpoint_record(st->db, st->acq_id, &c) != 0) {
		if (!st->checkpoint_failed)
			fprintf(stderr, "\nacquire: cannot record a checkpoint: %s\n",
				fx_tool_escape(fx_error_last()));
		st->checkpoint_failed = 1;
		return -1;
	}
	st->checkpoints++;
	st->last_checkpoint = cp->offset;
	return 0;
}

/* Only a raw, split raw or E01 run of one image from a source that can
 * be read again: .iso, copies, sparse runs, streams and virtual disks
 * (--source-format) take no checkpoints and are never left resumable
 * (docs/resume.md). */
static int resumable_run(const acq_state *st)
{
	return (strcmp(st->opt.format, "raw") == 0 ||
		strcmp(st->opt.format, "e01") == 0) && !st->ncopies &&
	       !st->opt.sparse && st->source_format == FX_VDISK_RAW &&
	       !acq_source_is_stream(&st->opt) &&
	       !(st->src && fx_source_get_info(st->src)->kind == FX_SOURCE_STREAM);
}

void acq_resume_options(acq_state *st, fx_acquire_options *ao)
{
	if (!resumable_run(st))
		return;
	ao->checkpoint_bytes = st->opt.checkpoint_bytes;
	ao->checkpoint_ms = st->opt.checkpoint_bytes ? ACQ_CHECKPOINT_MS : 0;
	ao->checkpoint = on_checkpoint;
	ao->checkpoint_payload = st;
	if (!st->ckpt)
		return;
	ao->resume_offset = st->ckpt->cp.offset;
	ao->resume_prefix = st->prefix;
	ao->resume_digests = &st->ckpt->cp.digests;
	ao->resume_bad = st->ckpt->cp.bad;
	ao->resume_nbad = st->ckpt->cp.n_bad;
}

void acq_resume_settle(acq_state *st)
{
	const fx_acquire_result *r = &st->res;
	fx_acquire_checkpoint cp;

	if (!resumable_run(st) || !r->bytes || !st->db ||
	    !(st->status == FX_STATUS_INTERRUPTED ||
	      (st->status == FX_STATUS_FAILED && r->error_code == FX_EGONE)) ||
	    r->bytes <= st->resumed_from)
		return;
	memset(&cp, 0, sizeof(cp));
	cp.offset = r->bytes;
	cp.digests = r->digests;
	cp.bad = r->bad;
	cp.nbad = r->nbad;
	/* the sink's finish fdatasync'ed the files: the bytes are durable */
	if (on_checkpoint(&cp, st) == 0)
		st->left_running = 1;
}

/* ---- --resume ---- */

/* A number member of the recorded parameters (compact JSON this tool
 * wrote: "key":digits). */
static uint64_t param_uint(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	return p ? strtoull(p + strlen(pat), NULL, 10) : 0;
}

/* A string member of the recorded parameters (a fixed word: format,
 * compression, EWF format) into out. */
static void param_word(char *out, size_t n, const char *json, const char *key)
{
	char pat[64];
	const char *p;
	size_t len;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	out[0] = '\0';
	if (!(p = strstr(json, pat)))
		return;
	p += strlen(pat);
	len = strcspn(p, "\"\\");
	snprintf(out, n, "%.*s", (int)len, p);
}

/* Source, format and options as the acquisition recorded them. */
static int options_from_record(acq_state *st, const fx_casedb_acquisition_info *a)
{
	acq_options *o = &st->opt;
	const char *pj = a->rec.parameters_json;
	static char source[PATH_MAX];

	if (!pj || !a->rec.evidence.source.path)
		return refuse("the acquisition of %s%s recorded no parameters or no source", o->target, "");
	param_word(st->rec_format, sizeof(st->rec_format), pj, "format");
	param_word(st->rec_compression, sizeof(st->rec_compression), pj, "compression");
	param_word(st->rec_ewf_format, sizeof(st->rec_ewf_format), pj, "ewf_format");
	if (strcmp(st->rec_format, "raw") != 0 && strcmp(st->rec_format, "e01") != 0)
		return refuse("%s is a %s acquisition: only raw, split raw and E01 acquisitions are resumed", o->target, st->rec_format);
	snprintf(source, sizeof(source), "%s", a->rec.evidence.source.path);
	o->source = source;
	o->format = st->rec_format;
	o->compression = st->rec_compression;
	o->ewf_format = st->rec_ewf_format[0] ? st->rec_ewf_format : "encase6";
	o->block_size = param_uint(pj, "block_size");
	o->hash_window = param_uint(pj, "hash_window");
	o->hash_algs = (unsigned)param_uint(pj, "hashes");
	o->retries = (unsigned)param_uint(pj, "retries");
	o->segment_size = param_uint(pj, "segment_size");
	o->threads = (unsigned)param_uint(pj, "threads");
	o->verify = (int)param_uint(pj, "verify");
	o->verify_source = (int)param_uint(pj, "verify_source");
	o->write_block = (int)param_uint(pj, "write_block");
	o->allow_mounted = (int)param_uint(pj, "allow_mounted");
	o->examiner = a->rec.evidence.examiner;
	o->description = a->rec.evidence.description;
	o->notes = a->rec.evidence.notes;
	st->case_number = a->rec.case_number;
	st->evidence_number = a->rec.evidence.evidence_number;
	st->evidence_id = a->evidence_id;
	return 0;
}

static int opened_db(acq_state *st)
{
	fx_casedb_options dbo = FX_CASEDB_OPTIONS_INIT;

	if (!fx_casedb_location_is_uri(st->opt.db_path) &&
	    access(st->opt.db_path, F_OK) != 0) /* never create one here */
		return refuse("no case database %s%s (give the acquisition's with --db)",
			      fx_tool_escape(st->opt.db_path), "");
	dbo.actor = fx_tool_operator(st->opt.operator_name);
	dbo.host = fx_tool_station_host();
	dbo.sign_key_path = st->opt.sign_key;
	if (fx_casedb_open(&st->db, st->opt.db_path, &dbo) == 0)
		return 0;
	fprintf(stderr, "acquire: case database: %s\n", fx_tool_escape(fx_error_last()));
	return fx_error_last_code() == FX_ENOTFOUND ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
}

/* A stream (standard input, --from-stream) cannot be read again, and a
 * run with copies would need every copy reopened: neither takes
 * checkpoints nor is left resumable; a resume of one is refused by what
 * it was (said on stderr: 1), else 0. */
static int never_resumable(int64_t id, const char *target,
			   const fx_casedb_acquisition_info *a)
{
	const char *pj = a->rec.parameters_json;

	if (pj && strstr(pj, "\"stream\":{")) {
		fprintf(stderr, "acquire: --resume: acquisition %lld of %s read a stream (standard input or --from-stream): a stream cannot be read again, so it is never resumed; acquire it anew\n",
			(long long)id, fx_tool_escape(target));
		return 1;
	}
	if (pj && strstr(pj, "\"copies\":[")) {
		fprintf(stderr, "acquire: --resume: acquisition %lld of %s wrote copies (--copy): a run with copies is never resumed (a resume reopens one image); acquire it anew\n",
			(long long)id, fx_tool_escape(target));
		return 1;
	}
	if (pj && strstr(pj, "\"source_format\":\"") &&
	    !strstr(pj, "\"source_format\":\"raw\"")) {
		fprintf(stderr, "acquire: --resume: acquisition %lld of %s read a virtual disk (--source-format): its container files are hashed before and checked after one whole run, so it is never resumed; acquire it anew\n",
			(long long)id, fx_tool_escape(target));
		return 1;
	}
	if (pj && strstr(pj, "\"sparse\":1")) {
		fprintf(stderr, "acquire: --resume: acquisition %lld of %s is sparse (--sparse): a sparse image's size is set only when it is closed, so it is never resumed; acquire it anew\n",
			(long long)id, fx_tool_escape(target));
		return 1;
	}
	return 0;
}

/* Why there is nothing to resume: a finished acquisition of TARGET's
 * files, or no checkpoint at all. */
static int nothing_to_resume(acq_state *st)
{
	static const char *const exts[] = { ".raw", ".001", ".E01" };
	fx_casedb_acquisition_info *a = NULL;
	char file[PATH_MAX + 8];
	int64_t id = 0;
	size_t i;

	for (i = 0; i < 3 && !id; i++) {
		snprintf(file, sizeof(file), "%s%s", st->opt.target, exts[i]);
		if (fx_casedb_acquisition_find_by_file(&id, st->db, file) != 0)
			id = 0;
	}
	if (id && fx_casedb_acquisition_get(&a, st->db, id) == 0) {
		if (never_resumable(id, st->opt.target, a)) {
			fx_casedb_acquisition_info_free(a);
			return FX_EXIT_USAGE;
		}
		fprintf(stderr, "acquire: --resume: acquisition %lld of %s is %s; nothing to resume\n",
			(long long)id, fx_tool_escape(st->opt.target),
			fx_status_name(a->status));
		fx_casedb_acquisition_info_free(a);
		return FX_EXIT_USAGE;
	}
	fprintf(stderr, "acquire: --resume: %s has no checkpoint of an unfinished acquisition in %s; nothing to resume\n",
		fx_tool_escape(st->opt.target), fx_tool_escape(st->opt.db_path));
	return FX_EXIT_USAGE;
}

/* The recorded acquisition, unfinished and not running elsewhere. */
static int find_acquisition(acq_state *st, fx_casedb_acquisition_info **out)
{
	fx_casedb_acquisition_info *a = NULL;
	char id[32];

	if (fx_casedb_checkpoint_last(&st->ckpt, st->db, st->opt.target) != 0)
		return nothing_to_resume(st);
	st->acq_id = st->ckpt->acquisition_id;
	snprintf(id, sizeof(id), "%lld", (long long)st->acq_id);
	if (fx_casedb_acquisition_get(&a, st->db, st->acq_id) != 0) {
		fprintf(stderr, "acquire: --resume: case database %s: %s\n",
			fx_tool_escape(st->opt.db_path), fx_tool_escape(fx_error_last()));
		return FX_EXIT_FAILURE;
	}
	*out = a;
	if (a->result.status != FX_STATUS_RUNNING) {
		fprintf(stderr, "acquire: --resume: acquisition %s of %s is %s; nothing to resume\n",
			id, fx_tool_escape(st->opt.target), fx_status_name(a->result.status));
		return FX_EXIT_USAGE;
	}
	if (a->status == FX_STATUS_RUNNING)
		return refuse("acquisition %s is still running (%s); not resuming it twice", id,
			      a->status_note ? a->status_note : "its process is alive");
	return 0;
}

/* The source must be the one the acquisition began on. */
static int same_source(acq_state *st, const fx_casedb_acquisition_info *a)
{
	const fx_source_info *in = fx_source_get_info(st->src), *was = &a->rec.evidence.source;
	char what[512] = "";

	fx_acquire_source_marks(st->src_head, st->src_tail, st->src);
	st->marks_read = 1;
	if (in->size != was->size)
		snprintf(what, sizeof(what), "its size is %llu bytes, recorded %llu",
			 (unsigned long long)in->size, (unsigned long long)was->size);
	else if (was->model && strcmp(was->model, in->model ? in->model : "") != 0)
		snprintf(what, sizeof(what), "its model is '%s', recorded '%s'",
			 in->model ? in->model : "", was->model);
	else if (was->serial && strcmp(was->serial, in->serial ? in->serial : "") != 0)
		snprintf(what, sizeof(what), "its serial is '%s', recorded '%s'",
			 in->serial ? in->serial : "", was->serial);
	/* a mark the first run could not read ("") says nothing */
	else if (st->ckpt->cp.source_head_sha256[0] &&
		 strcmp(st->src_head, st->ckpt->cp.source_head_sha256) != 0)
		snprintf(what, sizeof(what), "the SHA-256 of its first MiB is %s, recorded %s",
			 st->src_head[0] ? st->src_head : "unreadable", st->ckpt->cp.source_head_sha256);
	else if (st->ckpt->cp.source_tail_sha256[0] &&
		 strcmp(st->src_tail, st->ckpt->cp.source_tail_sha256) != 0)
		snprintf(what, sizeof(what), "the SHA-256 of its last MiB is %s, recorded %s",
			 st->src_tail[0] ? st->src_tail : "unreadable", st->ckpt->cp.source_tail_sha256);
	if (!what[0])
		return 0;
	fprintf(stderr, "acquire: --resume: source %s is not the source of acquisition %lld: %s\n",
		fx_tool_escape(in->path), (long long)st->acq_id, fx_tool_escape(what));
	return FX_EXIT_USAGE;
}

/*
 * An E01 set reopened in libewf's resume mode, which keeps the chunks of
 * every sectors section that has its table: up to byte R. The resume goes
 * on from the newest checkpoint X at or below R (the pipeline re-reads
 * [0, X) from the image and checks its digests; the sink compares
 * [X, R), read again from the source, with the stored chunks).
 */
static int reopen_e01(acq_state *st, fx_sink **sink)
{
	fx_casedb_checkpoint_info *ck = NULL;
	fx_e01_options eo;
	uint64_t kept = 0;
	int rc;

	acq_e01_options(st, st->opt.segment_size, &eo);
	if ((rc = fx_sink_e01_resume(sink, &kept, st->opt.target, &eo)) != 0) {
		fprintf(stderr, "acquire: --resume: %s\n", fx_tool_escape(fx_error_last()));
		return rc == FX_ECORRUPT || rc == FX_ENOTFOUND ? FX_EXIT_EVIDENCE
							      : FX_EXIT_FAILURE;
	}
	if (fx_casedb_checkpoint_at_most(&ck, st->db, st->opt.target, st->acq_id,
					 kept) != 0) {
		fprintf(stderr, "acquire: --resume: acquisition %lld of %s: libewf keeps the image's first %llu bytes (the chunks whose table was written), and no checkpoint at or below them was recorded; nothing to resume (acquire it anew)\n",
			(long long)st->acq_id, fx_tool_escape(st->opt.target),
			(unsigned long long)kept);
		return FX_EXIT_USAGE;
	}
	fx_casedb_checkpoint_info_free(st->ckpt);
	st->ckpt = ck;
	st->e01_kept = kept;
	if (fx_sink_e01_resume_from(*sink, ck->cp.offset, &st->prefix) != 0) {
		fprintf(stderr, "acquire: --resume: %s\n", fx_tool_escape(fx_error_last()));
		return FX_EXIT_FAILURE;
	}
	return 0;
}

/* The image reopened at the checkpoint, and its prefix as stored. */
static int reopen_image(acq_state *st, fx_sink **sink)
{
	fx_image_options io = FX_IMAGE_OPTIONS_INIT;
	char first[PATH_MAX + 8];
	int rc;

	if (strcmp(st->rec_format, "e01") == 0)
		return reopen_e01(st, sink);
	rc = fx_sink_raw_resume(sink, st->opt.target, st->opt.segment_size,
				st->ckpt->cp.offset);
	if (rc == 0) {
		fx_raw_segment_name(first, sizeof(first), st->opt.target,
				    st->opt.segment_size, 0);
		io.bypass_cache = 1;
		io.format = st->opt.segment_size ? FX_IMAGE_SPLIT_RAW : FX_IMAGE_RAW;
		rc = fx_image_open(&st->prefix, first, &io);
	}
	if (rc == 0)
		return 0;
	fprintf(stderr, "acquire: --resume: %s\n", fx_tool_escape(fx_error_last()));
	return rc == FX_ECORRUPT || rc == FX_ENOTFOUND ? FX_EXIT_EVIDENCE : FX_EXIT_FAILURE;
}

/* The log the first run left (read-only, ours): opened for appending by
 * name without following a link, writable for this open only. */
static FILE *log_reopen(const char *path)
{
	struct stat sb;
	char proc[64];
	int rfd, wfd;
	FILE *f;

	if ((rfd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(rfd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(rfd);
		errno = EINVAL;
		return NULL;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", rfd);
	fchmod(rfd, 0644);
	wfd = open(proc, O_WRONLY | O_APPEND | O_CLOEXEC);
	fchmod(rfd, sb.st_mode & 07777);
	close(rfd);
	if (wfd < 0 || !(f = fdopen(wfd, "a"))) {
		if (wfd >= 0)
			close(wfd);
		return NULL;
	}
	return f;
}

static int log_resume(acq_state *st)
{
	const fx_casedb_checkpoint_info *c = st->ckpt;
	char when[32];
	FILE *f = log_reopen(st->log_path);

	if (!f) {
		fprintf(stderr, "acquire: --resume: cannot append to the log %s: %s\n",
			fx_tool_escape(st->log_path), strerror(errno));
		return FX_EXIT_FAILURE;
	}
	st->log = f;
	fx_format_utc(when, sizeof(when), st->start);
	fprintf(f, "\nResumed\n");
	fprintf(f, "  Time (UTC):           %s\n", when);
	fprintf(f, "  Command line:         %s\n", fx_tool_escape(st->opt.command_line));
	fprintf(f, "  Tool:                 acquire %s\n", fx_version());
	fprintf(f, "  Host:                 %s\n", fx_tool_escape(fx_tool_host()));
	fprintf(f, "  Operator:             %s\n",
		fx_tool_escape(fx_tool_operator(st->opt.operator_name)));
	fprintf(f, "  From byte:            %llu (checkpoint of %s)\n",
		(unsigned long long)c->cp.offset, c->time_utc);
	if (st->e01_kept)
		fprintf(f, "  E01 kept by libewf:   first %llu bytes (%llu..%llu compared with the source read again)\n",
			(unsigned long long)st->e01_kept, (unsigned long long)c->cp.offset,
			(unsigned long long)st->e01_kept);
	fprintf(f, "  Prefix MD5:           %s\n", c->cp.digests.md5[0] ? c->cp.digests.md5 : "-");
	fprintf(f, "  Prefix SHA-1:         %s\n", c->cp.digests.sha1[0] ? c->cp.digests.sha1 : "-");
	fprintf(f, "  Prefix SHA-256:       %s\n", c->cp.digests.sha256[0] ? c->cp.digests.sha256 : "-");
	fprintf(f, "  Source:               %s (same size, model, serial, first and last MiB)\n",
		fx_tool_escape(st->opt.source));
	fprintf(f, "  Read-only at resume:  %s\n",
		fx_source_get_info(st->src)->ro_after && fx_source_get_info(st->src)->ro_after[0]
		? fx_tool_escape(fx_source_get_info(st->src)->ro_after) : "(none)");
	fflush(f);
	fsync(fileno(f));
	return 0;
}

/* One resume at a time: the acquisition's row names the process that
 * began it, not one resuming it, so a resume holds an exclusive lock on
 * TARGET.log (released when it exits, however it ends) before it touches
 * the image. */
static int lock_resume(acq_state *st)
{
	int fd = open(st->log_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "acquire: --resume: cannot open the log %s: %s\n",
			fx_tool_escape(st->log_path), strerror(errno));
		return FX_EXIT_FAILURE;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return refuse("acquisition of %s is being resumed by another process (%s is locked)",
			      fx_tool_escape(st->opt.target), fx_tool_escape(st->log_path));
	}
	return 0; /* fd kept open: the lock lasts until exit */
}

int acq_resume_begin(acq_state *st, fx_sink **sink)
{
	fx_casedb_acquisition_info *a = NULL;
	int rc;

	/* st->rec keeps the record: the options point into it */
	if ((rc = opened_db(st)) != 0 || (rc = find_acquisition(st, &st->rec)) != 0)
		return rc;
	a = st->rec;
	if ((rc = options_from_record(st, a)) != 0 || (rc = lock_resume(st)) != 0 ||
	    (rc = acq_open_source(st)) != 0 ||
	    (rc = same_source(st, a)) != 0 || (rc = reopen_image(st, sink)) != 0)
		goto done;
	st->resumed_from = st->ckpt->cp.offset;
	st->start = time(NULL);
	if (fx_casedb_acquisition_resume(st->db, st->acq_id, st->resumed_from) != 0) {
		fprintf(stderr, "acquire: case database %s: %s\n",
			fx_tool_escape(st->opt.db_path), fx_tool_escape(fx_error_last()));
		rc = FX_EXIT_FAILURE;
		goto done;
	}
	rc = log_resume(st);
	if (!rc && !st->opt.quiet)
		fprintf(stderr, "acquire: resuming acquisition %lld of %s from byte %llu of %llu\n",
			(long long)st->acq_id, fx_tool_escape(st->opt.source),
			(unsigned long long)st->resumed_from,
			(unsigned long long)fx_source_get_info(st->src)->size);
done:
	return rc;
}
