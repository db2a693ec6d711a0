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
#include <sys/stat.h>
#include <unistd.h>

#include "acquire_cli.h"

enum {
	OPT_NO_VERIFY = 256, OPT_VERIFY, OPT_VERIFY_SOURCE, OPT_NO_WRITE_BLOCK,
	OPT_ALLOW_MOUNTED, OPT_JSON, OPT_SEGMENT, OPT_BLOCK, OPT_RETRIES,
	OPT_HASH, OPT_WINDOW, OPT_CASE, OPT_EVIDENCE, OPT_EXAMINER,
	OPT_DESCRIPTION, OPT_NOTES, OPT_OPERATOR, OPT_DB, OPT_COMPRESSION,
	OPT_EWF_FORMAT, OPT_THREADS, OPT_VERSION, OPT_SIGN_KEY
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
	{ "case", required_argument, NULL, OPT_CASE },
	{ "evidence", required_argument, NULL, OPT_EVIDENCE },
	{ "examiner", required_argument, NULL, OPT_EXAMINER },
	{ "description", required_argument, NULL, OPT_DESCRIPTION },
	{ "notes", required_argument, NULL, OPT_NOTES },
	{ "operator", required_argument, NULL, OPT_OPERATOR },
	{ "db", required_argument, NULL, OPT_DB },
	{ "sign-key", required_argument, NULL, OPT_SIGN_KEY },
	{ "compression", required_argument, NULL, OPT_COMPRESSION },
	{ "ewf-format", required_argument, NULL, OPT_EWF_FORMAT },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: acquire [OPTIONS] SOURCE TARGET\n"
		"Image SOURCE (block device or file) to TARGET.raw, TARGET.001... or TARGET.E01...\n\n"
		"  -f, --format raw|e01       image format (default e01)\n"
		"      --segment-size SIZE    split the image into files of SIZE bytes (>= 1M)\n"
		"      --block-size SIZE      read size (default 4M for e01, 1M for raw)\n"
		"      --retries N            re-reads of a failing sector (default 2)\n"
		"      --hash LIST            md5,sha1,sha256 (default all)\n"
		"      --hash-window SIZE     also SHA-256 each window of SIZE bytes\n"
		"      --no-verify            skip re-reading the image after writing\n"
		"      --verify-source        also re-read the source and compare\n"
		"      --no-write-block       do not set the device read-only (recorded)\n"
		"      --allow-mounted        acquire a mounted source (recorded)\n"
		"      --compression none|empty|fast|best   E01 compression (default fast)\n"
		"      --ewf-format NAME      encase6 (default), encase5, encase7, ftk, linen6...\n"
		"      --threads N            E01 compression threads (default: all cores)\n"
		"      --case, --evidence, --examiner, --description, --notes TEXT\n"
		"                             (default case 'unassigned', evidence: TARGET's name)\n"
		"      --operator NAME        who runs the acquisition (default: login name)\n"
		"      --db PATH              case database (default: case.db beside TARGET)\n"
		"      --sign-key KEY.pem     sign every audit event (Ed25519 private key)\n"
		"  -q, --quiet                no progress\n"
		"      --json                 print a JSON summary on stdout\n"
		"      --version, --help\n\n"
		"SIZE: bytes, or with K, M, G, T (binary). Exit codes: 0 success, 1 verification\n"
		"mismatch, 2 usage or refusal, 3 acquired with unreadable sectors, 4 failure,\n"
		"130/143 interrupted. See acquire(1).\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "acquire: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see acquire --help)\n");
	return FX_EXIT_USAGE;
}

static int parse_size_opt(uint64_t *out, const char *name, const char *text)
{
	if (fx_parse_size(out, text) == 0)
		return 0;
	fprintf(stderr, "acquire: %s: %s\n", name, fx_error_last());
	return FX_EXIT_USAGE;
}

static int parse_unsigned(unsigned *out, const char *name, const char *text,
			  unsigned max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || !*text || v > max || text[0] == '-') {
		fprintf(stderr, "acquire: %s: invalid number '%s' (0..%u)\n",
			name, text, max);
		return FX_EXIT_USAGE;
	}
	*out = (unsigned)v;
	return 0;
}

static int parse_text_opt(acq_options *o, int c, const char *arg)
{
	switch (c) {
	case OPT_CASE: o->case_number = arg; break;
	case OPT_EVIDENCE: o->evidence = arg; break;
	case OPT_EXAMINER: o->examiner = arg; break;
	case OPT_DESCRIPTION: o->description = arg; break;
	case OPT_NOTES: o->notes = arg; break;
	case OPT_OPERATOR: o->operator_name = arg; break;
	case OPT_DB: o->db_path = arg; break;
	case OPT_SIGN_KEY: o->sign_key = arg; break;
	case OPT_COMPRESSION: o->compression = arg; break;
	case OPT_EWF_FORMAT: o->ewf_format = arg; break;
	default: return -1;
	}
	return 0;
}

static int parse_opt(acq_options *o, int c, const char *arg)
{
	unsigned v;

	switch (c) {
	case 'f': o->format = arg; return 0;
	case OPT_SEGMENT: return parse_size_opt(&o->segment_size, "--segment-size", arg);
	case OPT_BLOCK: return parse_size_opt(&o->block_size, "--block-size", arg);
	case OPT_WINDOW: return parse_size_opt(&o->hash_window, "--hash-window", arg);
	case OPT_RETRIES: return parse_unsigned(&o->retries, "--retries", arg, 100);
	case OPT_THREADS:
		if (parse_unsigned(&v, "--threads", arg, 256) || v == 0)
			return usage_error("--threads: invalid count '%s'", arg);
		o->threads = v;
		return 0;
	case OPT_HASH:
		if (fx_hash_parse_list(&o->hash_algs, arg) != 0) {
			fprintf(stderr, "acquire: --hash: %s\n", fx_error_last());
			return FX_EXIT_USAGE;
		}
		return 0;
	case OPT_VERIFY: o->verify = 1; return 0;
	case OPT_NO_VERIFY: o->verify = 0; return 0;
	case OPT_VERIFY_SOURCE: o->verify_source = 1; return 0;
	case OPT_NO_WRITE_BLOCK: o->write_block = 0; return 0;
	case OPT_ALLOW_MOUNTED: o->allow_mounted = 1; return 0;
	case 'q': o->quiet = 1; return 0;
	case OPT_JSON: o->json = 1; return 0;
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

static int check_options(acq_options *o)
{
	if (strcmp(o->format, "raw") != 0 && strcmp(o->format, "e01") != 0)
		return usage_error("--format: unknown format '%s' (raw or e01)", o->format);
	if (strcmp(o->format, "raw") == 0 && fx_raw_segment_size_check(o->segment_size)) {
		fprintf(stderr, "acquire: %s\n", fx_error_last());
		return FX_EXIT_USAGE;
	}
	if (strcmp(o->compression, "none") && strcmp(o->compression, "empty") &&
	    strcmp(o->compression, "fast") && strcmp(o->compression, "best"))
		return usage_error("--compression: unknown value '%s' (none, empty, fast, best)",
				   o->compression);
	if (o->block_size > (256u << 20))
		return usage_error("--block-size: %s is larger than 256M", "value");
	/* Default: 1 MiB for raw (O_DIRECT writes straight from the ring);
	 * 4 MiB for E01, where a quarter of the hand-offs between the reader,
	 * the hash threads and the compressors measured 1.5-3% faster. */
	if (!o->block_size)
		o->block_size = strcmp(o->format, "e01") == 0 ? 4u << 20 : 1u << 20;
	if (strcmp(o->format, "e01") == 0)
		return check_header_text(o);
	return 0;
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
	o->command_line = fx_tool_command_line(argc, argv);
	while ((c = getopt_long(argc, argv, "f:qh", long_options, NULL)) != -1) {
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
		if ((rc = parse_opt(o, c, optarg)) != 0)
			return rc;
	}
	if (argc - optind != 2)
		return usage_error("expected SOURCE and TARGET%s", "");
	o->source = argv[optind];
	o->target = argv[optind + 1];
	return check_options(o);
}

int acq_main(acq_state *st);

int main(int argc, char **argv)
{
	static acq_state st;
	int rc;

	if ((rc = parse_args(&st.opt, argc, argv)) != 0)
		return rc;
	fx_tool_install_signals();
	rc = acq_main(&st);
	fx_acquire_result_clear(&st.res);
	free(st.files);
	fx_source_free(st.src);
	return rc;
}
