/*
 * acquire: images a block device or file into raw, split raw or E01, with
 * concurrent MD5/SHA-1/SHA-256, a log and a sha256sum file beside the image,
 * and a verification pass that re-reads the image from storage.
 * Owns argument parsing, messages and exit codes; the work is libforensic's.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acquire_cli.h"
#include "escape.h"

enum {
	OPT_NO_VERIFY = 256, OPT_VERIFY, OPT_VERIFY_SOURCE, OPT_NO_WRITE_BLOCK,
	OPT_ALLOW_MOUNTED, OPT_JSON, OPT_SEGMENT, OPT_BLOCK, OPT_RETRIES,
	OPT_HASH, OPT_WINDOW, OPT_CASE, OPT_EVIDENCE, OPT_EXAMINER,
	OPT_DESCRIPTION, OPT_NOTES, OPT_OPERATOR, OPT_DB, OPT_COMPRESSION,
	OPT_EWF_FORMAT, OPT_THREADS, OPT_VERSION, OPT_SIGN_KEY,
	OPT_CASE_DESCRIPTION, OPT_TSA, OPT_TSA_CA, OPT_TSA_CERT, OPT_PROGRESS,
	OPT_COPY, OPT_COPY_FORMAT, OPT_SIZE, OPT_TO_STREAM, OPT_FROM_STREAM,
	OPT_STREAM_KEY, OPT_SPARSE,
	OPT_RESUME, OPT_CHECKPOINT, OPT_SOURCE_FORMAT, OPT_STATION
};

static const struct option long_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "segment-size", required_argument, NULL, OPT_SEGMENT },
	{ "block-size", required_argument, NULL, OPT_BLOCK },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "hash", required_argument, NULL, OPT_HASH },
	{ "hash-window", required_argument, NULL, OPT_WINDOW },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "no-verify", no_argument, NULL, OPT_NO_VERIFY },
	{ "verify-source", no_argument, NULL, OPT_VERIFY_SOURCE },
	{ "no-write-block", no_argument, NULL, OPT_NO_WRITE_BLOCK },
	{ "allow-mounted", no_argument, NULL, OPT_ALLOW_MOUNTED },
	{ "quiet", no_argument, NULL, 'q' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "case", required_argument, NULL, OPT_CASE },
	{ "evidence", required_argument, NULL, OPT_EVIDENCE },
	{ "examiner", required_argument, NULL, OPT_EXAMINER },
	{ "description", required_argument, NULL, OPT_DESCRIPTION },
	{ "case-description", required_argument, NULL, OPT_CASE_DESCRIPTION },
	{ "notes", required_argument, NULL, OPT_NOTES },
	{ "operator", required_argument, NULL, OPT_OPERATOR },
	{ "db", required_argument, NULL, OPT_DB },
	{ "station", required_argument, NULL, OPT_STATION },
	{ "sign-key", required_argument, NULL, OPT_SIGN_KEY },
	{ "tsa", required_argument, NULL, OPT_TSA },
	{ "tsa-ca", required_argument, NULL, OPT_TSA_CA },
	{ "tsa-cert", required_argument, NULL, OPT_TSA_CERT },
	{ "compression", required_argument, NULL, OPT_COMPRESSION },
	{ "ewf-format", required_argument, NULL, OPT_EWF_FORMAT },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "copy", required_argument, NULL, OPT_COPY },
	{ "copy-format", required_argument, NULL, OPT_COPY_FORMAT },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "to-stream", no_argument, NULL, OPT_TO_STREAM },
	{ "from-stream", no_argument, NULL, OPT_FROM_STREAM },
	{ "stream-key", required_argument, NULL, OPT_STREAM_KEY },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "checkpoint", required_argument, NULL, OPT_CHECKPOINT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "source-format", required_argument, NULL, OPT_SOURCE_FORMAT },
	{ "sparse", no_argument, NULL, OPT_SPARSE },
	{ NULL, 0, NULL, 0 }
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: acquire [OPTIONS] SOURCE TARGET\n"
		"       acquire --resume [--db PATH] [--operator NAME] [--sign-key KEY.pem] [-q] [--json]\n"
		"                        [--progress MODE] TARGET\n"
		"       acquire [OPTIONS] - TARGET              (standard input)\n"
		"       acquire --to-stream [OPTIONS] SOURCE    (send to standard output)\n"
		"       acquire --from-stream [OPTIONS] -|FILE TARGET\n"
		"Image SOURCE (block device or file) to TARGET.raw, TARGET.001..., TARGET.iso\n"
		"or TARGET.E01... (a TARGET typed with the format's extension, e.g. HDD-01.E01,\n"
		"loses it)\n\n"
		"  -f, --format raw|iso|e01   image format (default e01); iso: one raw file of\n"
		"                             optical media (2048-byte sectors), TARGET.iso\n"
		"      --source-format raw|vmdk|vhd|vhdx|qcow2\n"
		"                             read SOURCE as that virtual disk (the disk the guest\n"
		"                             sees, parents and extents followed); default raw:\n"
		"                             the file's bytes\n"
		"      --segment-size SIZE    split the image into files of SIZE bytes (>= 1M)\n"
		"      --sparse               raw and iso: leave runs of zeros as holes (not on\n"
		"                             a file system without holes, e.g. vfat)\n"
		"      --block-size SIZE      read size (default 4M for e01, 1M for raw)\n"
		"      --retries N            re-reads of a failing sector (default 2)\n"
		"      --hash LIST            md5,sha1,sha256 (default all)\n"
		"      --hash-window SIZE     also SHA-256 each window of SIZE bytes\n"
		"      --no-verify            skip re-reading the image after writing\n"
		"      --verify-source        also re-read the source and compare\n"
		"      --no-write-block       do not set the device read-only (recorded)\n"
		"      --allow-mounted        acquire a mounted source (recorded)\n"
		"      --compression none|empty|fast|best   E01 compression (default fast)\n"
		"      --ewf-format NAME      encase6 (default), encase2..encase5, ftk, linen5,\n"
		"                             linen6, ewfx (not encase7, linen7: see acquire(1))\n"
		"      --threads N            E01 compression threads, 0 = all cores (default)\n"
		"      --copy TARGET2         also write the image to TARGET2, from the same\n"
		"                             reads and hashes (up to 3 times; one copy failing\n"
		"                             does not stop the others, but the exit code is 4)\n"
		"      --copy-format raw|split-raw|e01\n"
		"                             the format of the --copy before it (default: as\n"
		"                             TARGET; split-raw uses --segment-size)\n"
		"      --case, --evidence, --examiner, --description, --notes TEXT\n"
		"                             (default case 'unassigned', evidence: TARGET's name;\n"
		"                             --description describes the evidence item)\n"
		"      --case-description TEXT\n"
		"                             the case's description, recorded with a new case\n"
		"                             (a different one for a recorded case is refused)\n"
		"      --operator NAME        who runs the acquisition (default: login name)\n"
		"      --db PATH|URI          case database (default: case.db beside TARGET), or a\n"
		"                             PostgreSQL ledger: postgresql://USER@HOST/DB (libpq\n"
		"                             URI; PG* environment variables apply)\n"
		"      --station NAME         the station recorded with every audit event\n"
		"                             (default: $FX_STATION, else the host name)\n"
		"      --sign-key KEY.pem     sign every audit event (Ed25519 private key)\n"
		"      --tsa URL              time-stamp the audit chain's head at the end (RFC 3161)\n"
		"      --tsa-ca FILE          CA certificate(s) the TSA's signature must chain to\n"
		"      --tsa-cert FILE        more certificates to build the TSA's chain with\n"
		"      --checkpoint SIZE      raw, E01: make the image durable and record a\n"
		"                             checkpoint every SIZE bytes or 30 s (default 1G;\n"
		"                             0: none)\n"
		"      --resume               continue the interrupted acquisition of TARGET from\n"
		"                             its last checkpoint (source and options: the record's)\n"
		"      --size SIZE            SOURCE - (standard input) must hold SIZE bytes\n"
		"                             (default: not known in advance, read to its end)\n"
		"      --to-stream            write-block and identify SOURCE, send it as a framed\n"
		"                             stream to standard output (see acquire(1), STREAMS)\n"
		"      --from-stream          SOURCE (- or a file) is such a stream: image it\n"
		"      --stream-key FILE      both ends: authenticate the stream's trailer with\n"
		"                             HMAC-SHA256, the key FILE's bytes (16 to 4096)\n"
		"  -q, --quiet                no progress (unless --progress), no summary line\n"
		"      --progress MODE        text (default on a terminal), json (one object\n"
		"                             per line on stderr, see acquire(1)) or none\n"
		"      --json                 print a JSON summary on stdout\n"
		"      --version, --help\n\n"
		"SIZE: bytes, or with K, M, G, T (binary). Exit codes: 0 success, 1 verification\n"
		"mismatch, 2 usage or refusal, 3 acquired with unreadable sectors, 4 failure,\n"
		"130/143 interrupted. See acquire(1).\n");
}

/* fmt with one %s, arg: typed or quoting what was typed, so escaped. */
static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "acquire: ");
	fprintf(stderr, fmt, fx_tool_escape(arg));
	fprintf(stderr, " (see acquire --help)\n");
	return FX_EXIT_USAGE;
}

/* A value the library's option check refused (its message names it). */
static int library_usage_error(void)
{
	return usage_error("%s", fx_error_last());
}

static int parse_size_opt(uint64_t *out, const char *name, const char *text)
{
	char msg[FX_TOOL_MSG_MAX];

	if (fx_tool_parse_size(out, text, msg, sizeof(msg)) == 0)
		return 0;
	fprintf(stderr, "acquire: %s: %s\n", name, fx_tool_escape(msg));
	return FX_EXIT_USAGE;
}

/* A decimal count; its range is the library's rule (check_options). */
static int parse_unsigned(unsigned *out, const char *name, const char *text)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || !*text || v != (unsigned)v || text[0] == '-' ||
	    text[0] == '+' || text[0] == ' ') {
		fprintf(stderr, "acquire: %s: invalid number '%s' (see acquire --help)\n",
			name, fx_tool_escape(text));
		return FX_EXIT_USAGE;
	}
	*out = (unsigned)v;
	return 0;
}

static int parse_text_opt(acq_options *o, int c, char *arg)
{
	switch (c) {
	case OPT_CASE: o->case_number = arg; break;
	case OPT_EVIDENCE: o->evidence = arg; break;
	case OPT_EXAMINER: o->examiner = arg; break;
	case OPT_DESCRIPTION: o->description = arg; break;
	case OPT_CASE_DESCRIPTION: o->case_description = arg; break;
	case OPT_NOTES: o->notes = arg; break;
	case OPT_OPERATOR: o->operator_name = arg; break;
	case OPT_DB: o->db_path = fx_tool_db_arg(arg); break;
	case OPT_STATION: o->station = arg; break;
	case OPT_SIGN_KEY: o->sign_key = arg; break;
	case OPT_TSA: o->tsa_url = arg; break;
	case OPT_TSA_CA: o->tsa_ca = arg; break;
	case OPT_TSA_CERT: o->tsa_cert = arg; break;
	case OPT_COMPRESSION: o->compression = arg; break;
	case OPT_EWF_FORMAT: o->ewf_format = arg; break;
	case OPT_SOURCE_FORMAT: o->source_format = arg; break;
	case OPT_STREAM_KEY: o->stream_key = arg; break;
	default: return -1;
	}
	return 0;
}

static int parse_opt(acq_options *o, int c, char *arg)
{
	switch (c) {
	case 'f': o->format = arg; return 0;
	case OPT_SEGMENT: return parse_size_opt(&o->segment_size, "--segment-size", arg);
	case OPT_BLOCK: return parse_size_opt(&o->block_size, "--block-size", arg);
	case OPT_WINDOW: return parse_size_opt(&o->hash_window, "--hash-window", arg);
	case OPT_CHECKPOINT: return parse_size_opt(&o->checkpoint_bytes, "--checkpoint", arg);
	case OPT_RESUME: o->resume = 1; return 0;
	case OPT_RETRIES: return parse_unsigned(&o->retries, "--retries", arg);
	case OPT_THREADS: return parse_unsigned(&o->threads, "--threads", arg);
	case OPT_HASH:
		if (fx_hash_parse_list(&o->hash_algs, arg) != 0) {
			fprintf(stderr, "acquire: --hash: %s\n",
				fx_tool_escape(fx_error_last()));
			return FX_EXIT_USAGE;
		}
		return 0;
	case OPT_VERIFY: o->verify = 1; return 0;
	case OPT_NO_VERIFY: o->verify = 0; return 0;
	case OPT_VERIFY_SOURCE: o->verify_source = 1; return 0;
	case OPT_NO_WRITE_BLOCK: o->write_block = 0; return 0;
	case OPT_ALLOW_MOUNTED: o->allow_mounted = 1; return 0;
	case OPT_COPY:
		if (o->ncopies == ACQ_MAX_COPIES)
			return usage_error("--copy %s: at most 3 copies besides TARGET", arg);
		o->copy_target[o->ncopies++] = arg;
		return 0;
	case OPT_COPY_FORMAT: /* the format of the --copy before it */
		if (!o->ncopies)
			return usage_error("--copy-format %s: give it after the --copy it is for", arg);
		if (o->copy_format[o->ncopies - 1])
			return usage_error("--copy-format %s: that --copy has a --copy-format already", arg);
		o->copy_format[o->ncopies - 1] = arg;
		return 0;
	case 'q': o->quiet = 1; return 0;
	case OPT_JSON: o->json = 1; return 0;
	case OPT_SPARSE: o->sparse = 1; return 0;
	case OPT_PROGRESS:
		if ((o->progress = fx_meter_parse(arg)) < 0)
			return usage_error("--progress: unknown mode '%s' (json, text or none)",
					   arg);
		return 0;
	case OPT_SIZE:
		if (parse_size_opt(&o->size, "--size", arg) != 0)
			return FX_EXIT_USAGE;
		if (!o->size)
			return usage_error("--size: %s is not a positive size", arg);
		return 0;
	case OPT_TO_STREAM: o->to_stream = 1; return 0;
	case OPT_FROM_STREAM: o->from_stream = 1; return 0;
	default:
		if (parse_text_opt(o, c, arg) == 0)
			return 0;
		return usage_error("unknown option%s", "");
	}
}

/* The EWF header is tab- and line-separated text: such characters in a
 * value would shift every field after it. */
static int check_header_text(const acq_options *o)
{
	const struct {
		const char *name, *value;
	} fields[] = { { "--case", o->case_number }, { "--evidence", o->evidence },
		       { "--examiner", o->examiner }, { "--description", o->description },
		       { "--notes", o->notes } };
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].value && strpbrk(fields[i].value, "\t\r\n")) {
			fprintf(stderr,
				"acquire: %s: an E01 header value cannot hold tabs or line breaks (they would corrupt the header); use spaces, or --format raw\n",
				fields[i].name);
			return FX_EXIT_USAGE;
		}
	return 0;
}

void acq_pipeline_options(const acq_options *o, fx_acquire_options *out)
{
	fx_acquire_options defaults = FX_ACQUIRE_OPTIONS_INIT;

	*out = defaults;
	out->block_size = (size_t)o->block_size;
	out->retries = o->retries;
	out->hash_algs = o->hash_algs;
	out->hash_window = o->hash_window;
}

/* What fx_text_escape made of one character of a name (esc, not a
 * backslash), cut to that escape; first: its first byte. */
static const char *unsafe_kind(char *esc, unsigned char first)
{
	if (esc[1] == 'x') {
		esc[4] = '\0'; /* an invalid sequence: its first byte */
		return first < 0x80 ? "a control character" : "a byte that is not UTF-8";
	}
	if (esc[1] != 'u') {
		esc[2] = '\0'; /* \t, \n, \r */
		return "a control character";
	}
	esc[6] = '\0';
	return strtoul(esc + 2, NULL, 16) < 0xa0 ? "a control character"
						  : "a bidirectional or line-separator control";
}

/*
 * TARGET's last name is that of every file acquire creates (image files,
 * log, TARGET.sha256, whose lines hold the files' names): a line feed
 * there splits a line, other control characters and bidirectional
 * controls disguise a name on screen, a byte that is not UTF-8 has no text
 * form in the records and reports. What fx_text_escape would escape, but
 * a backslash, is refused, with the first such character and where it is
 * in TARGET. The directory exists already: it is only named, escaped
 * wherever it is shown. One character at a time: linear.
 */
static int check_target_text(const char *target)
{
	const char *slash = strrchr(target, '/');
	char ch[5], esc[32];
	size_t at, n;
	unsigned char c;
	const char *kind;

	for (at = slash ? (size_t)(slash - target) + 1 : 0; target[at]; at += n) {
		c = (unsigned char)target[at];
		/* one character; a byte that is not UTF-8 on its own */
		if ((n = fx_utf8_decode(NULL, target + at, SIZE_MAX)) == 0)
			n = 1;
		memcpy(ch, target + at, n);
		ch[n] = '\0';
		if (fx_text_escape(esc, sizeof(esc), ch, 0) == n || strcmp(ch, "\\") == 0)
			continue;
		kind = unsafe_kind(esc, c);
		fprintf(stderr,
			"acquire: TARGET %s: %s (%s) at byte %zu; the name of an image file must be printable text (see acquire --help)\n",
			fx_tool_escape(target), kind, esc, at);
		return FX_EXIT_USAGE;
	}
	return 0;
}

/* The E01 writer's rules, checked by the library as the sink will. */
static int check_e01_options(const acq_options *o)
{
	fx_e01_options eo = FX_E01_OPTIONS_INIT;

	eo.ewf_format = o->ewf_format;
	eo.compression = o->compression;
	eo.threads = o->threads;
	eo.segment_size = o->segment_size;
	return fx_e01_options_check(&eo);
}

/* What a format writes and the extension of its first file. */
typedef struct layout {
	const char *ext, *writes;
} layout;

static const layout *layout_of(const char *format, uint64_t segment_size)
{
	static const layout e01 = { ".E01", "TARGET.E01, TARGET.E02, ..." },
			    raw = { ".raw", "TARGET.raw" },
			    split = { ".001", "TARGET.001, TARGET.002, ..." },
			    iso = { ".iso", "TARGET.iso" };

	if (strcmp(format, "e01") == 0)
		return &e01;
	if (strcmp(format, "iso") == 0)
		return &iso;
	return segment_size ? &split : &raw;
}

/*
 * TARGET names the image without its extension, as for ewfacquire (which
 * writes HDD-01.E01.E01 when given HDD-01.E01). Typed with the extension of
 * the file its format writes first, it loses it: that is what was meant.
 * With the extension of another format or layout it is refused: the image
 * would carry a name that lies about its format.
 */
static int check_name_of(const char **target, const char *what,
			 const char *format, uint64_t segment_size, char *buf,
			 size_t len)
{
	static const char *const exts[] = { ".E01", ".raw", ".001", ".iso" };
	const layout *want = layout_of(format, segment_size);
	size_t n = strlen(*target), i;
	const char *tail = n > 4 ? *target + n - 4 : "";

	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		if (strcasecmp(tail, exts[i]) != 0 || tail[-1] == '/')
			continue;
		if (strcasecmp(exts[i], want->ext) != 0) {
			fprintf(stderr,
				"acquire: %s %s ends in %s, but %s %s%s writes %s: give %s without an extension (see acquire --help)\n",
				what, fx_tool_escape(*target), fx_tool_escape(tail),
				strcmp(what, "TARGET") ? "--copy-format" : "--format",
				format, segment_size ? " --segment-size" : "",
				want->writes, what);
			return FX_EXIT_USAGE;
		}
		snprintf(buf, len, "%.*s", (int)(n - 4), *target);
		*target = buf;
		break;
	}
	return 0;
}

static int check_target_name(acq_options *o, char *buf, size_t len)
{
	return check_name_of(&o->target, "TARGET", o->format, o->segment_size,
			     buf, len);
}

/* --sparse is for raw files; an .iso is one file. (A copy's raw files are
 * sparse too with --sparse; an E01 copy's are not.) */
static int check_raw_only(const acq_options *o)
{
	if (o->sparse && strcmp(o->format, "e01") == 0) {
		fprintf(stderr,
			"acquire: --sparse is for --format raw or iso: an E01 image compresses runs of zeros already (see acquire --help)\n");
		return FX_EXIT_USAGE;
	}
	if (o->segment_size && strcmp(o->format, "iso") == 0) {
		fprintf(stderr,
			"acquire: --segment-size: --format iso writes one file, TARGET.iso; use --format raw --segment-size for a split raw image (see acquire --help)\n");
		return FX_EXIT_USAGE;
	}
	return 0;
}

static int check_options(acq_options *o)
{
	fx_acquire_options ao;
	int rc, vf = FX_VDISK_RAW;

	if (strcmp(o->format, "raw") != 0 && strcmp(o->format, "e01") != 0 &&
	    strcmp(o->format, "iso") != 0)
		return usage_error("--format: unknown format '%s' (raw, iso or e01)", o->format);
	if (o->source_format && fx_vdisk_format_parse(&vf, o->source_format) != 0)
		return usage_error("--source-format: unknown format '%s' (raw, vmdk, vhd, vhdx or qcow2)",
				   o->source_format);
	/* the container files are opened, hashed and re-checked by path */
	if (vf != FX_VDISK_RAW && (o->to_stream || acq_source_is_stream(o)))
		return usage_error("--source-format %s: a virtual disk is read from its container files by path, not from standard input or a stream",
				   o->source_format);
	if (strcmp(o->format, "raw") == 0 && fx_raw_segment_size_check(o->segment_size)) {
		fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
		return FX_EXIT_USAGE;
	}
	if ((rc = check_raw_only(o)) != 0)
		return rc;
	/* Default: 1 MiB for raw (O_DIRECT writes straight from the ring);
	 * 4 MiB for E01, where a quarter of the hand-offs between the reader,
	 * the hash threads and the compressors measured 1.5-3% faster. */
	if (!o->block_size)
		o->block_size = strcmp(o->format, "e01") == 0 ? 4u << 20 : 1u << 20;
	/* The source's sector size is checked once it is open (run.c). */
	acq_pipeline_options(o, &ao);
	if (fx_acquire_options_check(&ao, 0) != 0)
		return library_usage_error();
	/* Also for raw, where compression and the EWF format are unused: a
	 * value that is wrong is wrong, whatever the format. */
	if (check_e01_options(o) != 0)
		return library_usage_error();
	if (fx_tool_tsa_check("acquire", o->tsa_url, o->tsa_ca, o->tsa_cert, 0) != 0)
		return FX_EXIT_USAGE;
	if ((rc = acq_copies_check_options(o)) != 0)
		return rc;
	if (strcmp(o->format, "e01") == 0 || acq_copies_any_e01(o))
		return check_header_text(o);
	return 0;
}

/* What a resume takes from the record may not be given with --resume:
 * the first such option is kept, to be refused by name. */
static void note_resume_conflict(acq_options *o, int c)
{
	const struct option *lo;

	if (o->resume_conflict || c == OPT_RESUME || c == OPT_DB || c == OPT_OPERATOR ||
	    c == OPT_STATION ||
	    c == OPT_SIGN_KEY || c == 'q' || c == OPT_JSON || c == OPT_PROGRESS)
		return;
	for (lo = long_options; lo->name; lo++)
		if (lo->val == c)
			o->resume_conflict = lo->name;
}

/* acquire --resume TARGET: everything else comes from the record. */
static int check_resume_args(acq_options *o, int argc, char **argv)
{
	if (o->resume_conflict) {
		fprintf(stderr, "acquire: --resume: --%s cannot be given: the source, the format and every option come from the record of the acquisition\n",
			o->resume_conflict);
		return FX_EXIT_USAGE;
	}
	if (argc - optind != 1)
		return usage_error("--resume takes TARGET only (the source is the record's)%s", "");
	o->target = argv[optind];
	return check_target_text(o->target);
}

static int parse_args(acq_options *o, int argc, char **argv)
{
	int c, rc;

	o->format = "e01";
	o->compression = "fast";
	o->ewf_format = "encase6";
	o->block_size = 0; /* the format's default, in check_options */
	o->retries = 2;
	o->hash_algs = FX_HASH_ALL;
	o->verify = 1;
	o->write_block = 1;
	o->checkpoint_bytes = (uint64_t)1 << 30;
	o->progress = -1;
	o->command_line = fx_tool_command_line(argc, argv);
	while ((c = fx_tool_getopt("acquire", argc, argv, "f:qh", long_options)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(FX_EXIT_OK);
		}
		if (c == OPT_VERSION) {
			printf("acquire %s\n%s\n", fx_version(), fx_library_versions());
			exit(FX_EXIT_OK);
		}
		if (c == '?')
			return FX_EXIT_USAGE;
		note_resume_conflict(o, c);
		if ((rc = parse_opt(o, c, optarg)) != 0)
			return rc;
	}
	if (o->resume)
		return check_resume_args(o, argc, argv);
	if (o->to_stream) { /* no TARGET: the stream goes to standard output */
		if (argc - optind != 1)
			return usage_error("--to-stream: expected SOURCE only (the stream goes to standard output)%s", "");
		o->source = argv[optind];
		o->target = NULL;
		if ((rc = acq_stream_check_options(o)) != 0)
			return rc;
		return check_options(o);
	}
	if (argc - optind != 2)
		return usage_error("expected SOURCE and TARGET%s", "");
	o->source = argv[optind];
	o->target = argv[optind + 1];
	if ((rc = check_target_text(o->target)) != 0 ||
	    (rc = acq_stream_check_options(o)) != 0)
		return rc;
	for (c = 0; c < (int)o->ncopies; c++)
		if ((rc = check_target_text(o->copy_target[c])) != 0)
			return rc;
	return check_options(o);
}

/* --resume TARGET may be typed as the image's first file: TARGET.raw,
 * TARGET.001 name the same acquisition as TARGET. */
static void strip_resume_ext(acq_options *o, char *buf, size_t len)
{
	size_t n = strlen(o->target);

	if (n > 4 && (strcasecmp(o->target + n - 4, ".raw") == 0 ||
		      strcmp(o->target + n - 4, ".001") == 0) &&
	    o->target[n - 5] != '/') {
		snprintf(buf, len, "%.*s", (int)(n - 4), o->target);
		o->target = buf;
	}
}

/* A path made absolute as TARGET's is (resolve_paths), or the exit code. */
static int abs_target(char *out, size_t len, const char *path, const char *what)
{
	char dir[PATH_MAX];

	if (fx_tool_abs_path(out, len, path) == 0)
		return 0;
	if (errno == EINVAL) {
		fprintf(stderr, "acquire: %s '%s' does not end in a file name (e.g. /cases/HDD-01) (see acquire --help)\n",
			what, fx_tool_escape(path));
		return FX_EXIT_USAGE;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	fprintf(stderr, "acquire: destination directory %s: %s\n",
		fx_tool_escape(dirname(dir)), strerror(errno));
	return FX_EXIT_USAGE;
}

/*
 * Each --copy: its writer (acq_copy_writer), its name as TARGET's is
 * checked, made absolute. Then every destination must differ from every
 * other: the same name in the same directory (whatever the formats)
 * would share the log, the .sha256 and, for one format, every file.
 */
static int resolve_copies(acq_state *st)
{
	const char *prev, *what;
	unsigned i, j;
	int rc;

	st->ncopies = st->opt.ncopies;
	for (i = 0; i < st->ncopies; i++) {
		acq_copy *c = &st->copies[i];
		const char *typed = st->opt.copy_target[i];

		acq_copy_writer(&st->opt, i, &c->format, &c->segment_size);
		if ((rc = check_name_of(&typed, "--copy", c->format,
					c->segment_size, c->typed,
					sizeof(c->typed))) != 0 ||
		    (rc = abs_target(c->abs, sizeof(c->abs), typed, "--copy")) != 0)
			return rc;
		c->target = c->abs;
		snprintf(c->sha_path, sizeof(c->sha_path), "%s.sha256", c->target);
		for (j = 0; j <= i; j++) {
			prev = j ? st->copies[j - 1].target : st->opt.target;
			what = j ? "--copy" : "TARGET";
			if (strcmp(prev, c->target) == 0) {
				fprintf(stderr, "acquire: --copy %s and %s %s are the same name in the same directory: their files would share names; give each destination its own name (see acquire --help)\n",
					fx_tool_escape(st->opt.copy_target[i]), what,
					fx_tool_escape(j ? st->opt.copy_target[j - 1] : st->opt.target));
				return FX_EXIT_USAGE;
			}
		}
	}
	return 0;
}

/*
 * Every path recorded (case database, log, --json) is absolute and
 * canonical: the directory through realpath, the last name as typed (a
 * symlink is named, never followed), so that the record says where the
 * evidence is whatever the working directory. TARGET's directory must
 * exist; a source or database path that cannot be resolved is kept as
 * typed, for their own open to explain.
 */
static int resolve_paths(acq_state *st)
{
	acq_options *o = &st->opt;
	char dir[PATH_MAX], msg[160];
	int rc;

	if (fx_tool_set_station(o->station, msg, sizeof(msg)) != 0)
		return usage_error("--station: %s", msg);
	if (o->resume)
		strip_resume_ext(o, st->target_typed, sizeof(st->target_typed));
	else if ((rc = check_target_name(o, st->target_typed, sizeof(st->target_typed))) != 0)
		return rc;
	if (fx_tool_abs_path(st->target_abs, sizeof(st->target_abs), o->target) != 0) {
		if (errno == EINVAL)
			return usage_error("TARGET '%s' does not end in a file name (e.g. /cases/HDD-01)",
					   o->target);
		snprintf(dir, sizeof(dir), "%s", o->target);
		fprintf(stderr, "acquire: destination directory %s: %s\n",
			fx_tool_escape(dirname(dir)), strerror(errno));
		return FX_EXIT_USAGE;
	}
	o->target = st->target_abs;
	if ((rc = resolve_copies(st)) != 0)
		return rc;
	/* "-" is standard input, not a file of that name */
	if (o->source && strcmp(o->source, "-") != 0 &&
	    fx_tool_abs_path(st->source_abs, sizeof(st->source_abs), o->source) == 0)
		o->source = st->source_abs;
	if (o->db_path && !fx_casedb_location_is_uri(o->db_path) &&
	    fx_tool_abs_path(st->db_abs, sizeof(st->db_abs), o->db_path) == 0)
		o->db_path = st->db_abs;
	return 0;
}

int acq_main(acq_state *st);

int main(int argc, char **argv)
{
	static acq_state st;
	int rc;

	st.stream_fd = -1;
	if ((rc = parse_args(&st.opt, argc, argv)) != 0)
		return rc;
	/* from here on, every outcome ends with the progress's done line */
	acq_progress_start(&st.opt);
	if (st.opt.to_stream) {
		fx_tool_install_signals();
		rc = acq_to_stream(&st);
		acq_progress_done(&st, rc);
		fx_acquire_result_clear(&st.res);
		fx_source_free(st.src);
		return rc;
	}
	if ((rc = resolve_paths(&st)) != 0) {
		acq_progress_done(&st, rc);
		return rc;
	}
	fx_tool_install_signals();
	rc = acq_main(&st);
	acq_progress_done(&st, rc);
	fx_acquire_result_clear(&st.res);
	fx_casedb_checkpoint_info_free(st.ckpt);
	fx_casedb_acquisition_info_free(st.rec);
	fx_source_free(st.prefix);
	free(st.files);
	free(st.containers);
	fx_source_free(st.src);
	if (st.stream_fd >= 0)
		close(st.stream_fd);
	return fx_tool_finish_stdout("acquire", rc);
}
