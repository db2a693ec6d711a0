/*
 * Sources that are not a local disk, and the sending end of a remote
 * acquisition (docs/stream.md, acquire(1) STREAMS).
 *
 * `acquire - TARGET` images standard input: a pipe is read once, to its
 * end or to --size bytes, and recorded as a stream, never as
 * write-blocked (it is not a device). `acquire --to-stream SOURCE` runs
 * where the drive is: it opens, write-blocks and identifies SOURCE as a
 * local acquisition does, and sends it as a framed stream on standard
 * output (nothing else is ever written there; messages go to stderr).
 * `acquire --from-stream -|FILE TARGET` images such a stream like any
 * source, recording the sender's device facts and host; a frame that
 * fails its checksum, or media that do not hash to what the sender read,
 * fail the run with exit 1 (the image is not "completed"). The checks are
 * the library's (fx_source_open_stream, the pipeline's account); here are
 * the options' rules, the words and the exit codes. Single-threaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "acquire_cli.h"
#include "escape.h"

int acq_source_is_stream(const acq_options *o)
{
	return o->from_stream || (o->source && strcmp(o->source, "-") == 0);
}

static int refuse(const char *what)
{
	fprintf(stderr, "acquire: %s (see acquire --help)\n", what);
	return FX_EXIT_USAGE;
}

/* What only a receiver records: the sender keeps no record (its standard
 * output is the stream), so these are refused rather than ignored. */
static int refuse_record_options(const acq_options *o)
{
	const struct {
		const char *name, *value;
	} opts[] = { { "--case", o->case_number }, { "--evidence", o->evidence },
		     { "--examiner", o->examiner }, { "--description", o->description },
		     { "--case-description", o->case_description },
		     { "--notes", o->notes }, { "--operator", o->operator_name },
		     { "--db", o->db_path }, { "--sign-key", o->sign_key },
		     { "--tsa", o->tsa_url } };
	char msg[200];
	size_t i;

	if (o->json)
		return refuse("--json: with --to-stream, standard output carries the stream (the receiver's --json says what arrived)");
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].value) {
			snprintf(msg, sizeof(msg),
				 "%s: --to-stream records nothing here; give it to the receiving acquire --from-stream",
				 opts[i].name);
			return refuse(msg);
		}
	return 0;
}

/* The key of --stream-key, read when the options are checked. */
static uint8_t stream_key[4096];
static size_t stream_key_len;

/* Reads FILE's bytes as the key: 16 to 4096 of them. */
static int load_key(const char *path)
{
	char msg[300];
	ssize_t n = -1;
	uint8_t extra;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd >= 0 && (n = read(fd, stream_key, sizeof(stream_key))) == (ssize_t)sizeof(stream_key) &&
	    read(fd, &extra, 1) == 1)
		n = -2;
	err = errno;
	if (fd >= 0)
		close(fd);
	if (fd < 0 || n == -1) {
		fprintf(stderr, "acquire: --stream-key %s: %s\n", fx_tool_escape(path),
			strerror(err));
		return FX_EXIT_USAGE;
	}
	if (n == -2 || n < (ssize_t)FX_STREAM_KEY_MIN) {
		snprintf(msg, sizeof(msg), "--stream-key %.200s: %s (a key is 16 to 4096 bytes: head -c 32 /dev/urandom >KEY)",
			 path, n == -2 ? "more than 4096 bytes" : "fewer than 16 bytes");
		return refuse(msg);
	}
	stream_key_len = (size_t)n;
	return 0;
}

int acq_stream_check_options(const acq_options *o)
{
	int stdin_src = strcmp(o->source, "-") == 0;

	if (o->stream_key && !o->to_stream && !o->from_stream)
		return refuse("--stream-key is for the two ends of a stream, --to-stream and --from-stream");
	if (o->stream_key && load_key(o->stream_key) != 0)
		return FX_EXIT_USAGE;

	if (o->to_stream && refuse_record_options(o) != 0)
		return FX_EXIT_USAGE;
	if (o->to_stream && o->from_stream)
		return refuse("--to-stream and --from-stream are the two ends of a stream: give one");
	if (o->to_stream && stdin_src)
		return refuse("--to-stream sends a device or a file, not standard input");
	if (o->to_stream && o->sparse)
		return refuse("--sparse: with --to-stream the receiver writes the image; give it to acquire --from-stream");
	if (o->to_stream && o->verify_source)
		return refuse("--verify-source: with --to-stream the image is verified at the receiving end");
	if (o->size && !stdin_src)
		return refuse("--size is for SOURCE - (standard input) only: a device or a file has its own size");
	if (o->size && o->from_stream)
		return refuse("--size: a framed stream carries its size in its header");
	if (o->verify_source && acq_source_is_stream(o))
		return refuse("--verify-source: SOURCE is a stream, which cannot be read twice");
	return 0;
}

/* Standard input as typed: "-" must be a pipe, a socket or a file. */
static int check_stdin(void)
{
	struct stat sb;

	if (isatty(STDIN_FILENO))
		return refuse("SOURCE - is standard input, which is a terminal: pipe the data in (ssh host dd if=/dev/sdb | acquire - TARGET)");
	if (fstat(STDIN_FILENO, &sb) == 0 && S_ISBLK(sb.st_mode))
		return refuse("SOURCE -: standard input is a block device: give it as SOURCE (acquire /dev/sdX TARGET), so that it is write-blocked and identified");
	return 0;
}

int acq_stream_open(acq_state *st)
{
	const acq_options *o = &st->opt;
	const char *name = "standard input";
	int fd = STDIN_FILENO, rc;

	if (strcmp(o->source, "-") != 0) {
		fd = open(o->source, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "acquire: --from-stream %s: %s\n",
				fx_tool_escape(o->source), strerror(errno));
			return errno == ENOENT ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
		}
		st->stream_fd = fd;
		name = o->source;
	} else if ((rc = check_stdin()) != 0) {
		return rc;
	}
	rc = o->from_stream ? fx_source_open_stream(&st->src, fd, name,
						    o->stream_key ? stream_key : NULL,
						    stream_key_len)
			    : fx_source_open_pipe(&st->src, fd, o->size, name);
	if (rc == 0)
		return 0;
	fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
	/* a key given for a stream without a MAC: not what was expected */
	return rc == FX_EUSAGE ? FX_EXIT_USAGE : rc == FX_EMISMATCH ? FX_EXIT_EVIDENCE
								     : FX_EXIT_FAILURE;
}

int acq_stream_failed_exit(const acq_state *st)
{
	/* what arrived is not what was sent: evidence, not an accident */
	return st->res.status == FX_STATUS_FAILED &&
	       st->res.error_code == FX_EMISMATCH ? FX_EXIT_EVIDENCE
						  : FX_EXIT_FAILURE;
}

/* ---- the record ---------------------------------------------------------- */

static const char *or_none(const char *s)
{
	return s && *s ? s : "(not sent)";
}

void acq_stream_log_source(FILE *f, const acq_state *st)
{
	const fx_stream_peer *peer = fx_source_stream_peer(st->src);
	const fx_source_info *in = fx_source_get_info(st->src);

	if (in->kind != FX_SOURCE_STREAM)
		return;
	fprintf(f, "  Stream:               %s\n", peer
		? "framed (acquire --to-stream); device facts as the sender recorded them"
		: "standard input, read once; not a device, so not write-blocked");
	if (in->size && !peer)
		fprintf(f, "  Size in advance:      %llu bytes (--size)\n",
			(unsigned long long)in->size);
	if (!peer)
		return;
	fprintf(f, "  Sender host:          %s\n", fx_tool_escape(or_none(peer->host)));
	fprintf(f, "  Sender tool:          %s\n", fx_tool_escape(or_none(peer->tool)));
	fprintf(f, "  Sender device:        %s (%s)\n", fx_tool_escape(or_none(peer->path)),
		in->is_block_device == 1 ? in->is_partition == 1 ? "partition" : "block device"
		: in->is_block_device == 0 ? "regular file" : "kind not sent");
	fprintf(f, "  Sender start (UTC):   %s\n", fx_tool_escape(or_none(peer->started)));
	fprintf(f, "  Stream format:        version %u\n", peer->format_version);
}

void acq_stream_log_result(FILE *f, const acq_state *st)
{
	const fx_stream_peer *peer = fx_source_stream_peer(st->src);

	if (!peer)
		return;
	if (!peer->ended) {
		fprintf(f, "Sender's trailer:       not received\n");
		return;
	}
	fprintf(f, "Sender's account:       %s, %llu bytes read and sent\n",
		fx_status_name((int)peer->status), (unsigned long long)peer->bytes);
	if (peer->digests.md5[0])
		fprintf(f, "  MD5 (sender):     %s\n", peer->digests.md5);
	if (peer->digests.sha1[0])
		fprintf(f, "  SHA-1 (sender):   %s\n", peer->digests.sha1);
	if (peer->digests.sha256[0])
		fprintf(f, "  SHA-256 (sender): %s\n", peer->digests.sha256);
}

static void json_sender(fx_json *j, const fx_stream_peer *peer)
{
	fx_json_key(j, "sender");
	fx_json_object_begin(j);
	fx_tool_json_str(j, "host", peer->host);
	fx_tool_json_str(j, "tool", peer->tool);
	fx_tool_json_str(j, "path", peer->path);
	fx_tool_json_str(j, "started", peer->started);
	fx_json_member_uint(j, "format_version", peer->format_version);
	if (peer->ended) {
		fx_tool_json_str(j, "status", fx_status_name((int)peer->status));
		fx_json_member_uint(j, "bytes", peer->bytes);
		fx_json_key(j, "hashes");
		fx_json_object_begin(j);
		fx_json_member_string(j, "md5", peer->digests.md5[0] ? peer->digests.md5 : NULL);
		fx_json_member_string(j, "sha1", peer->digests.sha1[0] ? peer->digests.sha1 : NULL);
		fx_json_member_string(j, "sha256", peer->digests.sha256[0] ? peer->digests.sha256 : NULL);
		fx_json_object_end(j);
	}
	fx_json_object_end(j);
}

void acq_stream_json(fx_json *j, const acq_state *st)
{
	const fx_stream_peer *peer;
	const fx_source_info *in;

	if (!st->src || (in = fx_source_get_info(st->src))->kind != FX_SOURCE_STREAM)
		return;
	peer = fx_source_stream_peer(st->src);
	fx_json_key(j, "stream");
	fx_json_object_begin(j);
	fx_tool_json_str(j, "kind", peer ? "framed" : "stdin");
	fx_json_member_bool(j, "size_known", in->size != 0);
	if (peer)
		json_sender(j, peer);
	fx_json_object_end(j);
}

/* ---- the sending end ----------------------------------------------------- */

static int open_to_send(acq_state *st)
{
	fx_source_options so = FX_SOURCE_OPTIONS_INIT;
	fx_acquire_options ao;
	int rc;

	so.write_block = st->opt.write_block;
	so.allow_mounted = st->opt.allow_mounted;
	rc = fx_source_open(&st->src, st->opt.source, &so);
	if (rc == 0) {
		acq_pipeline_options(&st->opt, &ao);
		rc = fx_acquire_options_check(&ao, fx_source_get_info(st->src)->logical_sector_size);
	}
	if (rc == 0)
		return 0;
	fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
	return rc == FX_EUSAGE || rc == FX_EBUSY || rc == FX_ENOTFOUND
		? FX_EXIT_USAGE : FX_EXIT_FAILURE;
}

static void say_source(const fx_source_info *in)
{
	fprintf(stderr, "acquire: sending %s (%llu bytes; model %s, serial %s; write-block: %s%s%s) to standard output\n",
		fx_tool_escape(in->path), (unsigned long long)in->size,
		fx_tool_escape(in->model[0] ? in->model : "not exposed"),
		fx_tool_escape(in->serial[0] ? in->serial : "not exposed"),
		fx_tool_escape(in->write_block_method),
		in->ro_after[0] ? ", read-only " : "", in->ro_after);
}

static int sent_exit(const acq_state *st)
{
	const fx_acquire_result *r = &st->res;

	switch (st->status) {
	case FX_STATUS_INTERRUPTED:
		fprintf(stderr, "acquire: interrupted by %s after %llu of %llu bytes; the stream is incomplete\n",
			fx_tool_signo() == SIGTERM ? "SIGTERM" : "SIGINT",
			(unsigned long long)r->bytes, (unsigned long long)r->size);
		return fx_tool_signo() == SIGTERM ? FX_EXIT_SIGTERM : FX_EXIT_SIGINT;
	case FX_STATUS_FAILED:
		fprintf(stderr, "acquire: failed: %s (%llu of %llu bytes sent)\n",
			fx_tool_escape(st->error), (unsigned long long)r->bytes,
			(unsigned long long)r->size);
		return FX_EXIT_FAILURE;
	default:
		break;
	}
	if (r->nbad)
		fprintf(stderr, "acquire: %llu unreadable sectors in %zu range(s), sent as zeros and listed in the stream\n",
			(unsigned long long)r->bad_sectors, r->nbad);
	fprintf(stderr, "acquire: sent %s, %llu bytes, MD5 %s, SHA-1 %s, SHA-256 %s\n",
		fx_status_name(st->status), (unsigned long long)r->bytes,
		r->digests.md5[0] ? r->digests.md5 : "-",
		r->digests.sha1[0] ? r->digests.sha1 : "-",
		r->digests.sha256[0] ? r->digests.sha256 : "-");
	return st->status == FX_STATUS_COMPLETED_WITH_ERRORS ? FX_EXIT_BAD_SECTORS
							      : FX_EXIT_OK;
}

static int send_stream(acq_state *st, fx_sink *sink)
{
	fx_acquire_options ao;

	acq_pipeline_options(&st->opt, &ao);
	ao.cancel = &fx_tool_signal;
	acq_progress_hook(&ao, "sending", "acquire: sending: ",
			  fx_source_get_info(st->src)->size);
	if (fx_acquire_run(&st->res, st->src, sink, &ao) != 0) {
		fx_meter_end();
		st->status = FX_STATUS_FAILED;
		snprintf(st->error, sizeof(st->error), "%s", fx_error_last());
		return -1;
	}
	fx_meter_end();
	st->status = st->res.status;
	snprintf(st->error, sizeof(st->error), "%s", st->res.error ? st->res.error : "");
	return 0;
}

int acq_to_stream(acq_state *st)
{
	fx_stream_options so = FX_STREAM_OPTIONS_INIT;
	static char tool[64], started[32];
	fx_sink *sink = NULL;
	int rc;

	if (isatty(STDOUT_FILENO))
		return refuse("--to-stream writes binary frames to standard output, which is a terminal: pipe it (to ssh, socat or acquire --from-stream)");
	/* the receiver records the device by its absolute path */
	if (fx_tool_abs_path(st->source_abs, sizeof(st->source_abs), st->opt.source) == 0)
		st->opt.source = st->source_abs;
	if ((rc = open_to_send(st)) != 0)
		return rc;
	st->start = time(NULL);
	fx_format_utc(started, sizeof(started), st->start);
	snprintf(tool, sizeof(tool), "acquire %s", fx_version());
	so.host = fx_tool_hostname();
	so.tool = tool;
	so.started = started;
	so.block_size = (uint32_t)st->opt.block_size;
	if (st->opt.stream_key) {
		so.key = stream_key;
		so.key_len = stream_key_len;
	}
	if (fx_sink_stream_new(&sink, STDOUT_FILENO, fx_source_get_info(st->src), &so) != 0) {
		fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
		st->status = FX_STATUS_FAILED;
		acq_settle_source(st);
		return FX_EXIT_FAILURE;
	}
	/* the sender keeps no log: these lines are its record (--quiet
	 * drops the progress only) */
	say_source(fx_source_get_info(st->src));
	send_stream(st, sink);
	acq_settle_source(st);
	fx_sink_free(sink);
	return sent_exit(st);
}
