/*
 * verify: re-verifies evidence before it changes hands and keeps the case
 * database's account of it: image verification, custody handoff, audit
 * chain check, listing, reports. Owns argument parsing, messages and exit
 * codes; the work is libforensic's. Subcommands live in cmd_*.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "verify_cli.h"

void vf_usage(FILE *f)
{
	fprintf(f,
		"Usage: verify [image] [OPTIONS] PATH...\n"
		"       verify handoff EVIDENCE --to NAME --reason TEXT [--from NAME]\n"
		"                      [--location TEXT] [--case ID] [--tsa URL [--tsa-ca FILE]]\n"
		"                      [OPTIONS]\n"
		"       verify export EVIDENCE --to raw|vhd|vmdk -o PATH [--case ID] [OPTIONS]\n"
		"       verify audit [--trusted-key KEY.pem]... [--require-signed]\n"
		"                    [--tsa-ca FILE] [--anchor --tsa URL] [OPTIONS]\n"
		"       verify list [--case ID] [OPTIONS]\n"
		"       verify report (--case ID | --evidence ID [--case ID])\n"
		"                     --format html|text|json|dfxml|case [-o FILE] [--db PATH]\n"
		"                     [--trusted-key KEY.pem]... [--require-signed]\n"
		"                     [--tsa-ca FILE [--tsa-cert FILE]]\n"
		"       verify ledger init --db postgresql://...\n\n"
		"image    re-hash the image whose first file is PATH (E01, raw, split raw .001)\n"
		"         with MD5, SHA-1 and SHA-256 and compare with the acquisition record,\n"
		"         the hashes stored in an E01, TARGET.sha256 and the E01 chunk\n"
		"         checksums; every run is recorded as a verification event\n"
		"handoff  verify the evidence's image, then record the custody transfer only\n"
		"         if it verified (a failed verification is recorded, the transfer refused)\n"
		"export   write the evidence's image as a virtual disk (raw, fixed VHD, or\n"
		"         VMDK: PATH the descriptor, PATH-flat.vmdk the extent), re-hashing\n"
		"         the media as it is written; kept and recorded only if the image\n"
		"         verified, else what was written is removed; never overwrites\n"
		"audit    walk the audit chain (signatures, records, triggers) of the case\n"
		"         database; says what it checked and what it could not\n"
		"list     cases, evidence items, acquisitions (with their image sets) and\n"
		"         their last verification, exports\n"
		"report   a court report of a case or evidence item\n"
		"ledger   init: set up a fresh PostgreSQL lab ledger (roles and schema), as\n"
		"         the database's administrator\n\n"
		"  --db PATH|URI        case database (default: case.db beside the image;\n"
		"                       for handoff, export, audit, list, report: ./case.db),\n"
		"                       or a PostgreSQL ledger: postgresql://USER@HOST/DB\n"
		"                       (libpq URI; PG* environment variables apply)\n"
		"  --json               print a result object on stdout\n"
		"  --operator NAME      who verifies (default: login name)\n"
		"  --station NAME       the station recorded with the audit events written\n"
		"                       (default: $FX_STATION, else the host name)\n"
		"  --sign-key KEY.pem   sign the audit events written (Ed25519 private key)\n"
		"  --tsa URL            handoff, audit --anchor: time-stamp the audit chain's\n"
		"                       head (RFC 3161); a failed one is recorded, not fatal\n"
		"  --tsa-ca FILE        CA certificate(s) a TSA's signature must chain to (audit,\n"
		"                       report: checks the stored tokens; without it: not\n"
		"                       checked)\n"
		"  --tsa-cert FILE      more certificates to build the TSA's chain with\n"
		"  --hash LIST          md5,sha1,sha256 (default all)\n"
		"  --threads N          E01 decompression threads, 0..32; 0 = all cores (default)\n"
		"  --block-size SIZE    read size (default 1M)\n"
		"  --progress MODE      image, handoff, export: text (default on a terminal),\n"
		"                       json (one object per line on stderr, see verify(1))\n"
		"                       or none\n"
		"  -q, --quiet          no progress (unless --progress); nothing printed for an\n"
		"                       image that verified (the exit code says it), the\n"
		"                       summary of one that did not\n"
		"  --version, --help\n\n"
		"Exit codes: 0 verified (handoff or export recorded, chain intact), 1 mismatch\n"
		"or corruption (handoff or export refused, chain broken), 2 usage (or an\n"
		"existing export PATH), 4 could not verify (missing or truncated file, not an\n"
		"image, no record, database error, export not written),\n"
		"130/143 interrupted. See verify(1).\n");
}

int vf_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "verify: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see verify --help)\n");
	return FX_EXIT_USAGE;
}

static int parse_unsigned(unsigned *out, const char *name, const char *text,
			  unsigned min, unsigned max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || !*text || text[0] == '-' || v < min || v > max)
		return vf_usage_error("%s: invalid number '%s' (%u..%u)", name, text,
				      min, max);
	*out = (unsigned)v;
	return 0;
}

static int parse_block_size(uint64_t *out, const char *arg)
{
	char msg[FX_TOOL_MSG_MAX];

	if (fx_tool_parse_size(out, arg, msg, sizeof(msg)) != 0)
		return vf_usage_error("--block-size: %s", msg);
	if (*out % 4096 || *out > (256u << 20))
		return vf_usage_error("--block-size: %s is not a multiple of 4K up to 256M", arg);
	return 0;
}

int vf_common_opt(vf_common *c, vf_image_opts *io, int opt, char *arg)
{
	char msg[160];

	switch (opt) {
	case OPT_DB: c->db_path = fx_tool_db_arg(arg); return 0;
	case OPT_STATION:
		if (fx_tool_set_station(arg, msg, sizeof(msg)) != 0)
			return vf_usage_error("--station: %s", msg);
		return 0;
	case OPT_OPERATOR: c->operator_name = arg; return 0;
	case OPT_SIGN_KEY: c->sign_key = arg; return 0;
	case OPT_JSON: c->json = 1; return 0;
	case 'q': c->quiet = 1; return 0;
	case 'h':
		vf_usage(stdout);
		exit(FX_EXIT_OK);
	case OPT_VERSION:
		printf("verify %s\n%s\n", fx_version(), fx_library_versions());
		exit(FX_EXIT_OK);
	default:
		break;
	}
	if (!io)
		return 1;
	switch (opt) {
	case OPT_HASH:
		if (fx_hash_parse_list(&io->hash_algs, arg) != 0)
			return vf_usage_error("--hash: %s", fx_error_last());
		return 0;
	case OPT_THREADS:
		return parse_unsigned(&io->threads, "--threads", arg, 0, 32);
	case OPT_BLOCK:
		return parse_block_size(&io->block_size, arg);
	case OPT_PROGRESS:
		if ((c->progress = fx_meter_parse(arg)) < 0)
			return vf_usage_error("--progress: unknown mode '%s' (json, text or none)",
					      fx_tool_escape(arg));
		c->progress_given = 1;
		return 0;
	default:
		return 1;
	}
}

/* Whether option text takes the next argument as its value. */
static int takes_value(const char *opt)
{
	static const char *with_value[] = { "--db", "--station", "--operator", "--sign-key",
		"--hash", "--threads", "--block-size", "--to", "--from", "--reason",
		"--location", "--case", "--trusted-key", "--format", "--evidence",
		"--output", "-o", "--progress", "--tsa", "--tsa-ca", "--tsa-cert" };
	size_t i;

	if (strchr(opt, '='))
		return 0;
	for (i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
		if (!strcmp(opt, with_value[i]))
			return 1;
	return 0;
}

/* The index of the first operand (not an option or an option's value),
 * or argc. */
static int first_operand(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return i + 1 < argc ? i + 1 : argc;
		if (argv[i][0] != '-' || !argv[i][1])
			return i;
		if (takes_value(argv[i]))
			i++;
	}
	return argc;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} cmds[] = {
		{ "image", vf_cmd_image }, { "handoff", vf_cmd_handoff },
		{ "export", vf_cmd_export },
		{ "audit", vf_cmd_audit }, { "list", vf_cmd_list },
		{ "report", vf_cmd_report }, { "ledger", vf_cmd_ledger },
	};
	int at = first_operand(argc, argv), i, rc;
	size_t c;

	fx_tool_install_signals();
	for (c = 0; at < argc && c < sizeof(cmds) / sizeof(cmds[0]); c++) {
		if (strcmp(argv[at], cmds[c].name) != 0)
			continue;
		/* drop the subcommand's name; options may stand before it */
		for (i = at; i + 1 < argc; i++)
			argv[i] = argv[i + 1];
		argv[argc - 1] = NULL;
		rc = cmds[c].run(argc - 1, argv);
		vf_progress_done(rc);
		return fx_tool_finish_stdout("verify", rc);
	}
	/* verify PATH...: the image subcommand */
	rc = vf_cmd_image(argc, argv);
	vf_progress_done(rc);
	return fx_tool_finish_stdout("verify", rc);
}
