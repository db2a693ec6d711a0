/*
 * fx_faulty_acquire: a test-only acquisition from a regular file through a
 * custom source that fails chosen sectors, into an E01 or raw image, so
 * that the end-to-end tests can check what the real tools (ewfinfo,
 * ewfexport, sleuthkit) make of unreadable sectors without a failing disk.
 *
 *   fx_faulty_acquire [OPTIONS] --bad FIRST[+COUNT]... SOURCE TARGET
 *
 * Every read that touches a bad sector fails with EIO, however often it is
 * retried (a permanently unreadable sector), and leaves junk (0xA5) in the
 * caller's buffer. The image options are filled
 * as acquire/run.c fills them. Prints one JSON line on stdout:
 *   {"status", "bytes", "size", "sector_size", "bad_sectors":[[first,count]...],
 *    "bad_sector_count", "bad_sector_reads", "hashes":{md5,sha1,sha256},
 *    "files":[{path,size,sha256}...], "error"}
 * (a file's sha256 read back from storage where the sink gives none: E01)
 * where bad_sector_reads counts the single-sector reads of bad sectors (the
 * pipeline's retries). Exit: 0 completed, 3 completed with unreadable
 * sectors, 4 failed or interrupted, 2 usage or could not start.
 * Single-threaded apart from the library's own pipeline threads; the
 * source's counters are only touched by the pipeline's reader thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forensic/forensic.h"
#include "tool.h" /* fx_tool_parse_size: SIZE read as the tools read it */

#define MAX_BAD 256

enum { EXIT_OK = 0, EXIT_USAGE = 2, EXIT_BAD = 3, EXIT_FAIL = 4 };

typedef struct faulty_file {
	int fd;
	uint32_t ssz;
	fx_bad_range bad[MAX_BAD];    /* as given on the command line */
	size_t nbad;
	uint64_t bad_sector_reads;    /* single-sector reads that failed */
} faulty_file;

typedef struct options {
	const char *format, *source, *target;
	uint64_t segment_size, block_size;
	unsigned retries, threads, sector_size;
	int physical, removable;
	fx_e01_options e01;
} options;

static int touches_bad(const faulty_file *f, uint64_t first, uint64_t n)
{
	size_t i;

	for (i = 0; i < f->nbad; i++)
		if (f->bad[i].first < first + n &&
		    first < f->bad[i].first + f->bad[i].count)
			return 1;
	return 0;
}

static int64_t faulty_pread(void *payload, void *buf, size_t len,
			    uint64_t offset)
{
	faulty_file *f = payload;
	uint64_t first = offset / f->ssz, n = (len + f->ssz - 1) / f->ssz;
	size_t done = 0;
	ssize_t r;

	if (touches_bad(f, first, n)) {
		if (len == f->ssz)
			f->bad_sector_reads++;
		/* a failed read may leave anything in the buffer (a partial
		 * transfer); the pipeline must zero-fill what it could not read */
		memset(buf, 0xA5, len);
		return -EIO;
	}
	while (done < len) {
		r = pread(f->fd, (char *)buf + done, len - done,
			  (off_t)(offset + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (int64_t)done;
}

static void faulty_close(void *payload)
{
	faulty_file *f = payload;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

static const fx_source_ops faulty_ops = { FX_SOURCE_OPS_VERSION, faulty_pread,
					  faulty_close };

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: fx_faulty_acquire [OPTIONS] SOURCE TARGET\n"
		"Acquire the regular file SOURCE as if sectors were unreadable.\n"
		"  --bad FIRST[+COUNT]   sectors that always fail (repeatable)\n"
		"  --format e01|raw      image format (e01)\n"
		"  --segment-size SIZE   segment size (0: the format's default)\n"
		"  --sector-size N       logical sector size of the source (512)\n"
		"  --block-size SIZE     read size (1M)\n"
		"  --retries N           re-reads of a failing sector (2)\n"
		"  --compression, --ewf-format, --threads N   as for acquire\n"
		"  --case, --evidence, --examiner, --description, --notes,\n"
		"  --model, --serial TEXT   E01 header values\n"
		"  --physical, --removable  E01 media flags\n");
}

/* "FIRST" or "FIRST+COUNT", COUNT >= 1. */
static int parse_bad(faulty_file *f, const char *text)
{
	char *end;
	unsigned long long first, count = 1;

	errno = 0;
	first = strtoull(text, &end, 10);
	if (end != text && *end == '+' && end[1] >= '0' && end[1] <= '9')
		count = strtoull(end + 1, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || count == 0 ||
	    f->nbad == MAX_BAD) {
		fprintf(stderr, "fx_faulty_acquire: --bad: invalid range '%s' (FIRST[+COUNT], at most %d)\n",
			text, MAX_BAD);
		return -1;
	}
	f->bad[f->nbad].first = first;
	f->bad[f->nbad].count = count;
	f->nbad++;
	return 0;
}

static int parse_number(unsigned *out, const char *name, const char *text)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || v > 1u << 20) {
		fprintf(stderr, "fx_faulty_acquire: %s: invalid number '%s'\n",
			name, text);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int parse_size(uint64_t *out, const char *name, const char *text)
{
	char msg[FX_TOOL_MSG_MAX];

	if (strcmp(text, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (fx_tool_parse_size(out, text, msg, sizeof(msg)) == 0)
		return 0;
	fprintf(stderr, "fx_faulty_acquire: %s: %s\n", name, msg);
	return -1;
}

enum {
	O_BAD = 256, O_FORMAT, O_SEGMENT, O_SECTOR, O_BLOCK, O_RETRIES,
	O_COMPRESSION, O_EWF_FORMAT, O_THREADS, O_CASE, O_EVIDENCE,
	O_EXAMINER, O_DESCRIPTION, O_NOTES, O_MODEL, O_SERIAL, O_PHYSICAL,
	O_REMOVABLE, O_HELP
};

static const struct option long_options[] = {
	{ "bad", required_argument, NULL, O_BAD },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "segment-size", required_argument, NULL, O_SEGMENT },
	{ "sector-size", required_argument, NULL, O_SECTOR },
	{ "block-size", required_argument, NULL, O_BLOCK },
	{ "retries", required_argument, NULL, O_RETRIES },
	{ "compression", required_argument, NULL, O_COMPRESSION },
	{ "ewf-format", required_argument, NULL, O_EWF_FORMAT },
	{ "threads", required_argument, NULL, O_THREADS },
	{ "case", required_argument, NULL, O_CASE },
	{ "evidence", required_argument, NULL, O_EVIDENCE },
	{ "examiner", required_argument, NULL, O_EXAMINER },
	{ "description", required_argument, NULL, O_DESCRIPTION },
	{ "notes", required_argument, NULL, O_NOTES },
	{ "model", required_argument, NULL, O_MODEL },
	{ "serial", required_argument, NULL, O_SERIAL },
	{ "physical", no_argument, NULL, O_PHYSICAL },
	{ "removable", no_argument, NULL, O_REMOVABLE },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Text options: the E01 header values and names. */
static int parse_text(options *o, int c, const char *arg)
{
	switch (c) {
	case O_FORMAT: o->format = arg; break;
	case O_COMPRESSION: o->e01.compression = arg; break;
	case O_EWF_FORMAT: o->e01.ewf_format = arg; break;
	case O_CASE: o->e01.case_number = arg; break;
	case O_EVIDENCE: o->e01.evidence_number = arg; break;
	case O_EXAMINER: o->e01.examiner = arg; break;
	case O_DESCRIPTION: o->e01.description = arg; break;
	case O_NOTES: o->e01.notes = arg; break;
	case O_MODEL: o->e01.model = arg; break;
	case O_SERIAL: o->e01.serial = arg; break;
	case O_PHYSICAL: o->physical = 1; break;
	case O_REMOVABLE: o->removable = 1; break;
	default: return -1;
	}
	return 0;
}

static int parse_one(options *o, faulty_file *f, int c, const char *arg)
{
	switch (c) {
	case O_BAD: return parse_bad(f, arg);
	case O_SEGMENT: return parse_size(&o->segment_size, "--segment-size", arg);
	case O_BLOCK: return parse_size(&o->block_size, "--block-size", arg);
	case O_SECTOR: return parse_number(&o->sector_size, "--sector-size", arg);
	case O_RETRIES: return parse_number(&o->retries, "--retries", arg);
	case O_THREADS: return parse_number(&o->threads, "--threads", arg);
	default: return parse_text(o, c, arg);
	}
}

static int parse_args(options *o, faulty_file *f, int argc, char **argv)
{
	fx_e01_options defaults = FX_E01_OPTIONS_INIT;
	int c;

	memset(o, 0, sizeof(*o));
	o->e01 = defaults;
	o->format = "e01";
	o->block_size = 1 << 20;
	o->retries = 2;
	o->sector_size = 512;
	while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		if (c == O_HELP) {
			usage(stdout);
			exit(EXIT_OK);
		}
		if (c == '?' || parse_one(o, f, c, optarg) != 0)
			return -1;
	}
	if (argc - optind != 2 ||
	    (strcmp(o->format, "e01") != 0 && strcmp(o->format, "raw") != 0)) {
		usage(stderr);
		return -1;
	}
	o->source = argv[optind];
	o->target = argv[optind + 1];
	return 0;
}

static int open_source(fx_source **out, faulty_file *f, const options *o)
{
	struct stat st;

	f->fd = open(o->source, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0 || fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "fx_faulty_acquire: %s: not a readable regular file\n",
			o->source);
		return -1;
	}
	f->ssz = o->sector_size;
	if (fx_source_new_custom(out, &faulty_ops, f, (uint64_t)st.st_size,
				 o->sector_size, o->source) != 0) {
		fprintf(stderr, "fx_faulty_acquire: %s\n", fx_error_last());
		return -1;
	}
	return 0;
}

/* As acquire/run.c make_e01_sink, from the options instead of a device. */
static int make_sink(fx_sink **out, options *o, const fx_source *src)
{
	const fx_source_info *in = fx_source_get_info(src);
	int rc;

	if (strcmp(o->format, "raw") == 0) {
		rc = fx_sink_raw_new(out, o->target, o->segment_size);
	} else {
		o->e01.threads = o->threads;
		o->e01.segment_size = o->segment_size;
		o->e01.media_size = in->size;
		o->e01.bytes_per_sector = in->logical_sector_size;
		o->e01.media_type = o->removable ? FX_E01_REMOVABLE : FX_E01_FIXED;
		o->e01.physical = o->physical;
		o->e01.software = "fx_faulty_acquire (libforensic tests)";
		o->e01.os = "Linux";
		rc = fx_sink_e01_new(out, o->target, &o->e01);
	}
	if (rc != 0)
		fprintf(stderr, "fx_faulty_acquire: %s\n", fx_error_last());
	return rc;
}

static void json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void print_files(FILE *out, fx_sink *sink)
{
	size_t n = sink ? fx_sink_files(sink, NULL, 0) : 0, i;
	fx_image_file *files = n ? calloc(n, sizeof(*files)) : NULL;

	if (files)
		n = fx_sink_files(sink, files, n);
	fprintf(out, "\"files\":[");
	for (i = 0; files && i < n; i++) {
		fprintf(out, "%s{\"path\":", i ? "," : "");
		json_string(out, files[i].path);
		fprintf(out, ",\"size\":%" PRIu64 ",\"sha256\":", files[i].size);
		/* E01: the sink gives none; read back as acquire --verify does */
		if (!files[i].sha256[0] &&
		    fx_file_sha256_stored(files[i].sha256, files[i].path, NULL) != 0)
			files[i].sha256[0] = '\0';
		json_string(out, files[i].sha256);
		fputc('}', out);
	}
	fputc(']', out);
	free(files);
}

static void print_json(FILE *out, const fx_acquire_result *r,
		       const faulty_file *f, fx_sink *sink)
{
	size_t i;

	fprintf(out, "{\"status\":");
	json_string(out, fx_status_name(r->status));
	fprintf(out, ",\"bytes\":%" PRIu64 ",\"size\":%" PRIu64
		",\"sector_size\":%" PRIu32 ",\"bad_sectors\":[",
		r->bytes, r->size, r->sector_size);
	for (i = 0; i < r->nbad; i++)
		fprintf(out, "%s[%" PRIu64 ",%" PRIu64 "]", i ? "," : "",
			r->bad[i].first, r->bad[i].count);
	fprintf(out, "],\"bad_sector_count\":%" PRIu64
		",\"bad_sector_reads\":%" PRIu64 ",\"hashes\":{\"md5\":",
		r->bad_sectors, f->bad_sector_reads);
	json_string(out, r->digests.md5);
	fprintf(out, ",\"sha1\":");
	json_string(out, r->digests.sha1);
	fprintf(out, ",\"sha256\":");
	json_string(out, r->digests.sha256);
	fprintf(out, "},");
	print_files(out, sink);
	fprintf(out, ",\"error\":");
	json_string(out, r->error ? r->error : "");
	fprintf(out, "}\n");
}

static int exit_code(const fx_acquire_result *r)
{
	switch (r->status) {
	case FX_STATUS_COMPLETED:
		return EXIT_OK;
	case FX_STATUS_COMPLETED_WITH_ERRORS:
		return EXIT_BAD;
	default:
		return EXIT_FAIL;
	}
}

int main(int argc, char **argv)
{
	static faulty_file f = { .fd = -1 };
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = NULL;
	fx_sink *sink = NULL;
	options o;
	int rc = EXIT_USAGE;

	memset(&r, 0, sizeof(r));
	if (parse_args(&o, &f, argc, argv) != 0 || open_source(&src, &f, &o) != 0 ||
	    make_sink(&sink, &o, src) != 0)
		goto done;
	ao.block_size = (size_t)o.block_size;
	ao.retries = o.retries;
	if (fx_acquire_run(&r, src, sink, &ao) != 0) {
		fprintf(stderr, "fx_faulty_acquire: %s\n", fx_error_last());
		goto done;
	}
	print_json(stdout, &r, &f, sink);
	if (r.error && r.error[0])
		fprintf(stderr, "fx_faulty_acquire: %s: %s\n",
			fx_status_name(r.status), r.error);
	rc = exit_code(&r);
done:
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	if (src)
		fx_source_free(src);
	else
		faulty_close(&f);
	return fflush(stdout) == 0 ? rc : EXIT_FAIL;
}
