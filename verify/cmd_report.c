/*
 * verify report (--case ID | --evidence ID [--case ID]) --format FMT
 * [-o FILE] [--trusted-key KEY.pem]... [--require-signed] [--tsa-ca FILE
 * [--tsa-cert FILE]]: a court report from
 * the case database alone (libforensic's fx_report_write), with the audit
 * chain and its RFC 3161 anchors checked as verify audit checks them. -o never overwrites and never
 * writes through a link: the file is created with O_EXCL|O_NOFOLLOW, and
 * removed again if the report could not be written whole. Built only
 * when the library has forensic/report.h; otherwise the subcommand says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "verify_cli.h"

#if defined(__has_include)
#if __has_include("forensic/report.h")
#define VF_HAVE_REPORT 1
#include "forensic/report.h"
#endif
#endif

#ifndef VF_HAVE_REPORT

int vf_cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "verify: report: not available in this build (libforensic without reports)\n");
	return FX_EXIT_USAGE;
}

#else

typedef struct report_args {
	const char *case_number, *evidence, *format, *output;
	vf_trust trust;                 /* --trusted-key..., --require-signed */
	vf_anchor anc;                  /* --tsa-ca, --tsa-cert */
	vf_common c;
} report_args;

static int parse(report_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		VF_COMMON_OPTIONS,
		{ "case", required_argument, NULL, OPT_CASE },
		{ "evidence", required_argument, NULL, OPT_EVIDENCE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "tsa-ca", required_argument, NULL, OPT_TSA_CA },
		{ "tsa-cert", required_argument, NULL, OPT_TSA_CERT },
		VF_AUDIT_OPTIONS, { NULL, 0, NULL, 0 } };
	int opt, rc;

	while ((opt = fx_tool_getopt("verify", argc, argv, "qho:", opts)) != -1) {
		switch (opt) {
		case '?': return FX_EXIT_USAGE;
		case OPT_CASE: a->case_number = optarg; continue;
		case OPT_EVIDENCE: a->evidence = optarg; continue;
		case OPT_FORMAT: a->format = optarg; continue;
		case 'o': a->output = optarg; continue;
		case OPT_TSA_CA:
		case OPT_TSA_CERT:
			vf_anchor_opt(&a->anc, opt, optarg);
			continue;
		default: break;
		}
		if ((rc = vf_audit_opt(&a->trust, opt, optarg)) != 1) {
			if (rc)
				return rc;
			continue;
		}
		if ((rc = vf_common_opt(&a->c, NULL, opt, optarg)) != 0)
			return rc == 1 ? vf_usage_error("unknown option") : rc;
	}
	if (optind != argc)
		return vf_usage_error("report: unexpected argument '%s'", argv[optind]);
	if (!a->case_number && !a->evidence)
		return vf_usage_error("report: give --case ID or --evidence ID");
	if (!a->format)
		return vf_usage_error("report: --format html|text|json|dfxml|case is required");
	if (fx_tool_tsa_check("verify", NULL, a->anc.o.ca_file,
			      a->anc.o.untrusted_file, 1) != 0)
		return FX_EXIT_USAGE;
	return 0;
}

/* Creates path, refusing an existing file; *code says why not. */
static FILE *create_output(const char *path, int *code)
{
	/* O_EXCL refuses anything at the name, a link too; O_NOFOLLOW says
	 * so, and the message names a link as one */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	FILE *f;

	if (fd < 0) {
		int err = errno;

		if (err == EEXIST && fx_evidence_path_check(path) != 0) {
			*code = vf_usage_error("report: %s", fx_tool_escape(fx_error_last()));
		} else if (err == EEXIST) {
			*code = vf_usage_error("report: refusing to overwrite existing file %s",
					       fx_tool_escape(path));
		} else {
			fprintf(stderr, "verify: report: cannot create %s: %s\n",
				fx_tool_escape(path), strerror(err));
			*code = FX_EXIT_FAILURE;
		}
		return NULL;
	}
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		unlink(path);
		*code = FX_EXIT_FAILURE;
	}
	return f;
}

static int finish_output(FILE *f, const char *path, int ok)
{
	int rc = ok;

	if (ok && (fflush(f) != 0 || fsync(fileno(f)) != 0)) {
		fprintf(stderr, "verify: report: cannot write %s: %s\n",
			fx_tool_escape(path), strerror(errno));
		rc = 0;
	}
	if (fclose(f) != 0 && rc) {
		fprintf(stderr, "verify: report: cannot write %s: %s\n",
			fx_tool_escape(path), strerror(errno));
		rc = 0;
	}
	if (!rc)
		unlink(path); /* never leave half a report behind */
	return rc;
}

int vf_cmd_report(int argc, char **argv)
{
	fx_report_options ro = FX_REPORT_OPTIONS_INIT;
	report_args a;
	char generator[64];
	fx_casedb *db = NULL;
	FILE *out = stdout;
	int rc, code;

	memset(&a, 0, sizeof(a));
	a.trust.ao = ro.audit;
	a.trust.ao.cancel = &fx_tool_signal;
	a.anc.o = ro.anchor;
	a.c.command = "report";
	if ((rc = parse(&a, argc, argv)) == 0 &&
	    fx_report_parse_format(&ro.format, a.format) != 0)
		rc = vf_usage_error("report: --format: %s", fx_error_last());
	if (!rc)
		rc = vf_db_open(&db, a.c.db_path ? a.c.db_path : FX_TOOL_DB, &a.c, 1);
	if (rc) {
		vf_trust_free(&a.trust);
		return rc;
	}
	snprintf(generator, sizeof(generator), "verify %s", fx_version());
	ro.case_number = a.case_number;
	ro.evidence_number = a.evidence;
	ro.generator = generator;
	ro.audit = a.trust.ao;
	ro.anchor = a.anc.o;
	if (a.output && !(out = create_output(a.output, &code))) {
		fx_casedb_free(db);
		vf_trust_free(&a.trust);
		return code;
	}
	rc = fx_report_write(out, db, &ro);
	code = rc == 0 ? FX_EXIT_OK
	       : rc == FX_EINTR ? (fx_tool_signo() == SIGTERM ? FX_EXIT_SIGTERM : FX_EXIT_SIGINT)
	       : rc == FX_EUSAGE || rc == FX_ENOTFOUND ? FX_EXIT_USAGE : FX_EXIT_FAILURE;
	if (rc == FX_EIO && !a.output && fx_tool_stdout_gone())
		code = FX_EXIT_OK; /* the reader left (| head): main ends quietly */
	else if (rc != 0)
		fprintf(stderr, "verify: report: %s\n", fx_tool_escape(fx_error_last()));
	if (a.output && !finish_output(out, a.output, rc == 0) && code == FX_EXIT_OK)
		code = FX_EXIT_FAILURE;
	fx_casedb_free(db);
	vf_trust_free(&a.trust);
	return code; /* main flushes standard output (fx_tool_finish_stdout) */
}

#endif
