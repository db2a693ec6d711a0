/*
 * The HTML report: one self-contained file (inline CSS, no scripts, no
 * images, no links outside the file), readable on screen and printable on
 * A4 or Letter. The first page holds what a reader must see first (failed
 * verifications, unfinished acquisitions, a broken audit chain), the
 * summary and the audit chain; each evidence item starts a new page; the
 * examiner's signature block comes last. Printed pages carry the case and
 * evidence numbers and "page N of M" in their margins (CSS @page margin
 * boxes, one named page per evidence item).
 *
 * Every recorded string goes out through fx_rpt_put_markup (text and
 * attribute values) or fx_rpt_put_css_string (page headers in the style
 * element), so markup in a description is shown, never interpreted.
 * Hashes are set in a monospace font that is never wrapped, so a hash
 * printed or extracted from a PDF is one unbroken string.
 *
 * Threading: none; writes only to the FILE given.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

static const char css[] =
	":root{color-scheme:light}\n"
	"body{font-family:\"DejaVu Sans\",\"Liberation Sans\",Arial,Helvetica,"
	"sans-serif;font-size:10.5pt;line-height:1.35;color:#000;"
	"background:#fff;max-width:54em;margin:2em auto;padding:0 1em}\n"
	"h1{font-size:18pt;margin:0 0 .4em}\n"
	"h2{font-size:14pt;border-bottom:2px solid #000;margin:1.4em 0 .4em}\n"
	"h3{font-size:11.5pt;border-bottom:1px solid #888;margin:1.2em 0 .3em}\n"
	"h4{font-size:10.5pt;margin:.8em 0 .2em}\n"
	"p{margin:.3em 0}\n"
	"table{border-collapse:collapse;width:100%;margin:.3em 0 .6em}\n"
	"th,td{text-align:left;vertical-align:top;padding:2px 6px;"
	"border:1px solid #bbb}\n"
	"thead th{background:#e8e8e8}\n"
	"table.kv th{width:12em;background:#f3f3f3;font-weight:600}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	".v{unicode-bidi:isolate;white-space:pre-wrap;overflow-wrap:anywhere}\n"
	".hash,.mono{font-family:\"DejaVu Sans Mono\",\"Liberation Mono\","
	"Consolas,monospace;font-size:8.5pt}\n"
	".hash,.t{white-space:nowrap}\n"
	".nr{color:#555;font-style:italic}\n"
	".fail{color:#a00000;font-weight:bold}\n"
	".pass{color:#1d6b1d;font-weight:bold}\n"
	".warn{color:#8a4b00;font-weight:bold}\n"
	".alert{border:3px solid #a00000;background:#fff1f1;padding:.3em 1em;"
	"margin:1em 0}\n"
	".alert h2{color:#a00000;border:0;margin:.2em 0}\n"
	".alert li{margin:.3em 0;font-weight:600}\n"
	".clear{border:2px solid #1d6b1d;padding:.3em 1em;margin:1em 0}\n"
	".clear h2{border:0;margin:.2em 0}\n"
	".note{font-size:9pt;color:#333}\n"
	".sig{margin-top:1.5em;break-inside:avoid;page-break-inside:avoid}\n"
	".sig table td{height:2.6em;border:0;border-bottom:1px solid #000}\n"
	".sig table th{border:0;width:9em;vertical-align:bottom}\n"
	"section.evidence{break-before:page;page-break-before:always}\n"
	"@media print{\n"
	" body{max-width:none;margin:0;padding:0;font-size:9.5pt}\n"
	" h2,h3,h4{break-after:avoid;page-break-after:avoid}\n"
	" tr,.keep{break-inside:avoid;page-break-inside:avoid}\n"
	" thead{display:table-header-group}\n"
	" a{color:inherit;text-decoration:none}\n"
	" .alert,.clear,thead th,table.kv th{-webkit-print-color-adjust:exact;"
	"print-color-adjust:exact}\n"
	"}\n";

/* ---- small writers ---- */

static void esc(FILE *f, const char *s)
{
	fx_rpt_put_markup(f, s);
}

/* A recorded value, or "not recorded" in grey. */
static void val(FILE *f, const char *s)
{
	if (!s) {
		fputs("<span class=\"nr\">" FX_NOT_RECORDED "</span>", f);
		return;
	}
	fputs("<span class=\"v\">", f);
	esc(f, s);
	fputs("</span>", f);
}

static void kv(FILE *f, const char *label, const char *value)
{
	fprintf(f, "<tr><th>%s</th><td>", label);
	val(f, value);
	fputs("</td></tr>\n", f);
}

static void kv_hash(FILE *f, const char *label, const char *hex)
{
	fprintf(f, "<tr><th>%s</th><td>", label);
	if (hex && *hex) {
		fputs("<span class=\"hash\">", f);
		esc(f, hex);
		fputs("</span>", f);
	} else {
		fputs("<span class=\"nr\">not computed</span>", f);
	}
	fputs("</td></tr>\n", f);
}

static void kv_u64(FILE *f, const char *label, uint64_t v, const char *unit)
{
	if (v)
		fprintf(f, "<tr><th>%s</th><td>%llu%s</td></tr>\n", label,
			(unsigned long long)v, unit);
	else
		kv(f, label, NULL);
}

static void hashes_table(FILE *f, const fx_digests *h)
{
	fputs("<table class=\"kv\">\n", f);
	kv_hash(f, "MD5", h->md5);
	kv_hash(f, "SHA-1", h->sha1);
	kv_hash(f, "SHA-256", h->sha256);
	fputs("</table>\n", f);
}

static void windows_table(FILE *f, const fx_window_hash *w, size_t n)
{
	size_t i;

	if (!n) {
		fputs("<p>Hash windows: none recorded.</p>\n", f);
		return;
	}
	fputs("<h4>Hash windows (SHA-256 of image bytes)</h4>\n<table>\n"
	      "<thead><tr><th>#</th><th>Offset (bytes)</th><th>Length "
	      "(bytes)</th><th>SHA-256</th></tr></thead>\n<tbody>\n", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "<tr><td class=\"n\">%zu</td><td class=\"n\">%llu"
			"</td><td class=\"n\">%llu</td><td><span class=\"hash\">",
			i + 1, (unsigned long long)w[i].offset,
			(unsigned long long)w[i].length);
		esc(f, w[i].sha256);
		fputs("</span></td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

/* ---- evidence items ---- */

static void identity(FILE *f, const fx_source_info *s)
{
	char buf[256];

	fputs("<table class=\"kv\">\n", f);
	kv(f, "Vendor", s->vendor);
	kv(f, "Model", s->model);
	kv(f, "Serial number", s->serial);
	kv(f, "WWID", s->wwid);
	fx_rpt_size_text(buf, sizeof(buf), s);
	kv(f, "Size", s->size ? buf : NULL);
	fx_rpt_sector_sizes_text(buf, sizeof(buf), s);
	kv(f, "Sector sizes", s->logical_sector_size ||
	   s->physical_sector_size ? buf : NULL);
	kv(f, "Removable", s->removable < 0 ? NULL : fx_rpt_flag(s->removable));
	kv(f, "Rotational", s->rotational < 0 ? NULL
						 : fx_rpt_flag(s->rotational));
	kv(f, "Block device", s->is_block_device < 0 ? NULL
			      : fx_rpt_flag(s->is_block_device));
	kv(f, "HPA/DCO", s->hpa_dco);
	fputs("</table>\n", f);
}

static void unreadable(FILE *f, const fx_casedb_acquisition_info *a)
{
	const fx_casedb_result *x = &a->result;
	size_t i;

	fputs("<h4>Unreadable sectors</h4>\n", f);
	if (!x->n_bad) {
		fprintf(f, "<p>%s</p>\n", a->status == FX_STATUS_COMPLETED
			? "None. Every sector was read."
			: a->status == FX_STATUS_COMPLETED_WITH_ERRORS
			? "No ranges are recorded."
			: "None recorded, but the acquisition did not complete.");
		return;
	}
	fprintf(f, "<p class=\"fail\">%llu unreadable sector%s in %zu "
		"range%s</p>\n<p>Sectors of %u bytes; each range is filled "
		"with zeros in the image.</p>\n",
		(unsigned long long)fx_rpt_bad_total(a),
		fx_rpt_bad_total(a) == 1 ? "" : "s", x->n_bad,
		x->n_bad == 1 ? "" : "s", x->sector_size);
	fputs("<table>\n<thead><tr><th>#</th><th>First sector</th><th>Last "
	      "sector</th><th>Sectors</th><th>Byte offset</th></tr></thead>\n"
	      "<tbody>\n", f);
	for (i = 0; i < x->n_bad; i++)
		fprintf(f, "<tr><td class=\"n\">%zu</td><td class=\"n\">%llu</td>"
			"<td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
			"<td class=\"n\">%llu</td></tr>\n", i + 1,
			(unsigned long long)x->bad[i].first,
			(unsigned long long)(x->bad[i].first + x->bad[i].count - 1),
			(unsigned long long)x->bad[i].count,
			(unsigned long long)(x->bad[i].first * x->sector_size));
	fputs("</tbody></table>\n", f);
}

static void image_files(FILE *f, const fx_casedb_result *x);

/* An acquisition written to several destinations at once: each one, how
 * it ended, and a copy's files. */
static void image_sets(FILE *f, const fx_casedb_acquisition_info *a)
{
	char buf[128];
	size_t i;

	for (i = 0; i < a->n_image_sets; i++) {
		const fx_casedb_image_set *s = &a->image_sets[i];
		fx_casedb_result files;

		if (s->copy_number)
			fprintf(f, "<h4>Copy %u</h4>\n<table class=\"kv\">\n", s->copy_number);
		else
			fputs("<h4>TARGET (copy 0)</h4>\n<table class=\"kv\">\n", f);
		kv(f, "Destination", s->target);
		kv(f, "Format", s->format);
		if (s->status == FX_STATUS_FAILED && s->failed_at != UINT64_MAX)
			snprintf(buf, sizeof(buf), "failed at byte %llu (a partial image)",
				 (unsigned long long)s->failed_at);
		else
			snprintf(buf, sizeof(buf), "%s", fx_status_name(s->status));
		kv(f, "Status", buf);
		if (s->error)
			kv(f, "Error", s->error);
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)s->bytes_written);
		kv(f, "Bytes written", buf);
		fputs("</table>\n", f);
		if (!s->copy_number)
			continue; /* its files are the acquisition's, above */
		memset(&files, 0, sizeof(files));
		files.files = s->files;
		files.n_files = s->n_files;
		image_files(f, &files);
	}
}

/* The files of x under the heading "TITLE (in segment order)". */
static void files_of(FILE *f, const char *title, const fx_casedb_result *x)
{
	size_t i;

	fprintf(f, "<h4>%s (in segment order)</h4>\n", title);
	if (!x->n_files) {
		fputs("<p>None recorded.</p>\n", f);
		return;
	}
	fputs("<table>\n<thead><tr><th>#</th><th>File, size and SHA-256</th>"
	      "</tr></thead>\n<tbody>\n", f);
	for (i = 0; i < x->n_files; i++) {
		fprintf(f, "<tr><td class=\"n\">%zu</td><td><span class=\"v "
			"mono\">", i + 1);
		esc(f, x->files[i].path);
		fprintf(f, "</span><br>%llu bytes", (unsigned long long)x->files[i].size);
		if (x->files[i].allocated_known)
			fprintf(f, ", %llu bytes allocated on storage",
				(unsigned long long)x->files[i].allocated);
		fputs("<br>SHA-256 ", f);
		if (x->files[i].sha256[0]) {
			fputs("<span class=\"hash\">", f);
			esc(f, x->files[i].sha256);
			fputs("</span>", f);
		} else {
			fputs("<span class=\"nr\">not computed</span>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void image_files(FILE *f, const fx_casedb_result *x)
{
	files_of(f, "Image files", x);
}

/* A virtual-disk source: the container files its disk was read from. */
static void source_files(FILE *f, const fx_casedb_acquisition *r)
{
	size_t i;

	if (!r->n_source_files)
		return;
	fputs("<h4>Source container files (", f);
	esc(f, fx_vdisk_format_title(r->source_files[0].format));
	fputs(")</h4>\n<table>\n<thead><tr><th>#</th><th>Role</th>"
	      "<th>File, format, size and SHA-256</th></tr></thead>\n<tbody>\n", f);
	for (i = 0; i < r->n_source_files; i++) {
		fprintf(f, "<tr><td class=\"n\">%zu</td><td>", i + 1);
		esc(f, r->source_files[i].role);
		fputs("</td><td><span class=\"v mono\">", f);
		esc(f, r->source_files[i].path);
		fprintf(f, "</span><br>%s, %llu bytes<br>SHA-256 ",
			fx_vdisk_format_name(r->source_files[i].format),
			(unsigned long long)r->source_files[i].size);
		if (r->source_files[i].sha256[0]) {
			fputs("<span class=\"hash\">", f);
			esc(f, r->source_files[i].sha256);
			fputs("</span>", f);
		} else {
			fputs("<span class=\"nr\">not computed</span>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

/* Status, who ran it, how, when, and with what settings: table rows. */
static void acq_rows(FILE *f, const struct fx_rpt_item *it,
		     const fx_casedb_acquisition_info *a)
{
	const fx_casedb_acquisition *r = &a->rec;
	char buf[128], *params;
	int64_t us;
	size_t n;

	fprintf(f, "<tr><th>Status</th><td class=\"%s\">%s</td></tr>\n",
		a->status == FX_STATUS_COMPLETED ? "pass"
		: a->status == FX_STATUS_COMPLETED_WITH_ERRORS ? "warn" : "fail",
		fx_status_name(a->status));
	if (a->status_note)
		kv(f, "Status note", a->status_note);
	if (a->status != a->result.status)
		kv(f, "Status as stored", fx_status_name(a->result.status));
	kv(f, "Tool", r->tool);
	kv(f, "Tool version", r->tool_version);
	kv(f, "Library versions", r->library_versions);
	kv(f, "Command line", r->command_line);
	params = fx_rpt_params_text(r->parameters_json);
	kv(f, "Parameters", params ? params : r->parameters_json);
	free(params);
	kv(f, "Host", r->host);
	kv(f, "Operator", r->operator_name);
	kv(f, "Start (UTC)", r->start_utc);
	kv(f, "End (UTC)", a->result.end_utc);
	if (fx_rpt_duration(&us, r->start_utc, a->result.end_utc) == 0)
		fx_rpt_duration_text(buf, sizeof(buf), us);
	kv(f, "Duration", fx_rpt_duration(&us, r->start_utc,
					  a->result.end_utc) == 0 ? buf : NULL);
	kv(f, "Source path", r->evidence.source.path);
	kv(f, "Write-block method", r->evidence.source.write_block_method);
	kv(f, "State before", r->evidence.source.ro_before);
	kv(f, "State after", r->evidence.source.ro_after);
	kv(f, "Format", r->format);
	/* the media this acquisition saw (schema 5 on; not shown before) */
	if (r->evidence.source.optical >= 0)
		kv(f, "Optical media", fx_rpt_flag(r->evidence.source.optical));
	kv(f, "Compression", r->compression);
	if (r->segment_size)
		kv_u64(f, "Segment size", r->segment_size, " bytes");
	else
		kv(f, "Segment size", "none (not segmented)");
	kv_u64(f, "Block size", r->block_size, " bytes");
	fprintf(f, "<tr><th>Bytes acquired</th><td>%llu</td></tr>\n",
		(unsigned long long)a->result.bytes);
	fx_rpt_resumes_of(it, a->id, &n);
	if (n)
		fprintf(f, "<tr><th>Resumed</th><td>%zu time%s (below)</td></tr>\n",
			n, n == 1 ? "" : "s");
	else
		kv(f, "Resumed", "no");
	n = fx_rpt_exports_of(it, a->id);
	if (n)
		fprintf(f, "<tr><th>Exported</th><td>%zu time%s (see Export)"
			"</td></tr>\n", n, n == 1 ? "" : "s");
}

/* Each resume of an interrupted run (acquire --resume): when, from which
 * byte, by whom and where. */
static void resumes(FILE *f, const struct fx_rpt_item *it,
		    const fx_casedb_acquisition_info *a)
{
	const struct fx_rpt_resume *res;
	size_t i, n;

	res = fx_rpt_resumes_of(it, a->id, &n);
	if (!n)
		return;
	fputs("<h4>Resumes (acquire --resume)</h4>\n<table>\n<thead><tr>"
	      "<th>#</th><th>Time (UTC)</th><th>From byte</th><th>Operator</th>"
	      "<th>Host</th></tr></thead>\n<tbody>\n", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "<tr><td class=\"n\">%zu</td><td class=\"t\">",
			res[i].nth);
		val(f, res[i].time_utc);
		fprintf(f, "</td><td class=\"n\">%llu</td><td>",
			(unsigned long long)res[i].from_byte);
		val(f, res[i].actor);
		fputs("</td><td>", f);
		val(f, res[i].host);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void acquisition(FILE *f, const struct fx_rpt_item *it,
			const fx_casedb_acquisition_info *a)
{
	const fx_source_info *seen = &a->rec.evidence.source;
	int differs = fx_rpt_source_differs(seen, &it->ev.evidence.source);

	fprintf(f, "<h3>Acquisition %lld</h3>\n<table class=\"kv\">\n",
		(long long)a->id);
	acq_rows(f, it, a);
	if (!differs)
		kv(f, "Source identity", "as in the evidence record above");
	fputs("</table>\n", f);
	if (differs) {
		fputs("<h4>Source identity seen by this acquisition (differs "
		      "from the evidence record)</h4>\n", f);
		identity(f, seen);
	}
	fputs("<h4>Source hashes (of the data read, as written to the "
	      "image)</h4>\n", f);
	hashes_table(f, &a->result.hashes);
	windows_table(f, a->result.windows, a->result.n_windows);
	unreadable(f, a);
	source_files(f, &a->rec);
	image_files(f, &a->result);
	image_sets(f, a);
	resumes(f, it, a);
}

/* The pieces of a sentence: text escaped, hashes unbreakable. */
static void pieces(FILE *f, const struct fx_rpt_piece *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i].hash)
			fputs("<span class=\"hash\">", f);
		esc(f, p[i].text);
		if (p[i].hash)
			fputs("</span>", f);
	}
}

/* A table of the findings under its caption; a row's hashes in a row of
 * their own beneath it (they are too wide for a column on paper). */
static void findings_table(FILE *f, const struct fx_rpt_fblock *b)
{
	size_t i, c, k;

	fputs("<p class=\"v\">", f);
	pieces(f, b->pieces, b->n_pieces);
	fputs("</p>\n<table>\n<thead><tr>", f);
	for (c = 0; c < b->n_cols; c++) {
		fputs("<th>", f);
		esc(f, b->head[c]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (i = 0; i < b->n_rows; i++) {
		const struct fx_rpt_row *r = &b->rows[i];

		fputs("<tr>", f);
		for (c = 0; c < b->n_cols; c++) {
			fputs(b->numeric & (1u << c) ? "<td class=\"n\">"
			      : "<td><span class=\"v mono\">", f);
			esc(f, r->cells[c]);
			fputs(b->numeric & (1u << c) ? "</td>" : "</span></td>", f);
		}
		fputs("</tr>\n", f);
		if (!r->hash_label[0])
			continue;
		fprintf(f, "<tr><td></td><td colspan=\"%zu\">", b->n_cols - 1);
		for (k = 0; k < 2 && r->hash_label[k]; k++) {
			fputs(k ? "<br>" : "", f);
			esc(f, r->hash_label[k]);
			fputs(" <span class=\"hash\">", f);
			esc(f, r->hash[k]);
			fputs("</span>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

/* What the verification found, as sentences and tables (never the JSON
 * it recorded). */
static void findings(FILE *f, const char *recorded)
{
	struct fx_rpt_findings fr;
	size_t i;

	if (!recorded)
		return;
	fputs("<h4>Findings</h4>\n", f);
	if (fx_rpt_findings_read(&fr, recorded) != 0) {
		fputs("<p class=\"fail\">(out of memory)</p>\n", f);
		return;
	}
	for (i = 0; i < fr.n; i++) {
		if (fr.blocks[i].kind == FX_BLOCK_TABLE) {
			findings_table(f, &fr.blocks[i]);
			continue;
		}
		fputs("<p class=\"v\">", f);
		pieces(f, fr.blocks[i].pieces, fr.blocks[i].n_pieces);
		fputs("</p>\n", f);
	}
	if (!fr.n)
		fputs("<p>None recorded.</p>\n", f);
	fx_rpt_findings_free(&fr);
}

static void verification(FILE *f, const struct fx_rpt_item *it,
			 const fx_casedb_verification_info *v)
{
	static const char *words[] = { "not compared", "equal",
				       "<span class=\"fail\">DIFFERS</span>" };
	const fx_casedb_acquisition_info *a = fx_rpt_acq_of(it, v);
	int ok = v->rec.result == FX_VERDICT_VERIFIED;

	fprintf(f, "<h3>Verification %lld", (long long)v->id);
	if (v->rec.acquisition_id)
		fprintf(f, " (of acquisition %lld)",
			(long long)v->rec.acquisition_id);
	fprintf(f, "</h3>\n<table class=\"kv\">\n<tr><th>Result</th><td "
		"class=\"%s\">%s (%s)</td></tr>\n", ok ? "pass"
		: v->rec.result == FX_VERDICT_INTERRUPTED ? "warn" : "fail",
		fx_rpt_verdict_label(v->rec.result),
		fx_rpt_verdict_meaning(v->rec.result));
	kv(f, "Time (UTC)", v->rec.time_utc);
	kv(f, "By", v->rec.actor);
	kv(f, "Host", v->rec.host);
	kv(f, "Tool", v->rec.tool);
	kv(f, "Tool version", v->rec.tool_version);
	if (!v->rec.findings)
		kv(f, "Findings", NULL);
	if (a)
		fprintf(f, "<tr><th>Compared with acquisition %lld</th><td>MD5 "
			"%s, SHA-1 %s, SHA-256 %s</td></tr>\n", (long long)a->id,
			words[fx_rpt_hash_cmp(v->rec.hashes.md5,
					      a->result.hashes.md5)],
			words[fx_rpt_hash_cmp(v->rec.hashes.sha1,
					      a->result.hashes.sha1)],
			words[fx_rpt_hash_cmp(v->rec.hashes.sha256,
					      a->result.hashes.sha256)]);
	fputs("</table>\n", f);
	findings(f, v->rec.findings);
	fputs("<h4>Hashes computed</h4>\n", f);
	hashes_table(f, &v->rec.hashes);
	if (v->rec.n_windows)
		windows_table(f, v->rec.windows, v->rec.n_windows);
}

/* An export of an acquisition's verified media (verify export). */
static void export_record(FILE *f, const fx_casedb_export_info *e)
{
	const fx_casedb_export *x = &e->rec;
	fx_casedb_result files;
	char buf[64];

	fprintf(f, "<h3>Export %lld (of acquisition %lld)</h3>\n<table "
		"class=\"kv\">\n", (long long)e->id,
		(long long)x->acquisition_id);
	kv(f, "Format", x->format);
	kv(f, "Destination", x->path);
	kv(f, "Time (UTC)", x->time_utc);
	kv(f, "By", x->actor);
	kv(f, "Host", x->host);
	kv(f, "Tool", x->tool);
	kv(f, "Tool version", x->tool_version);
	snprintf(buf, sizeof(buf), "verification %lld (verified)",
		 (long long)x->verification_id);
	kv(f, "Read by", buf);
	fprintf(f, "<tr><th>Media bytes</th><td>%llu</td></tr>\n",
		(unsigned long long)x->media_bytes);
	fputs("</table>\n<h4>Media hashes (of the data read and written)"
	      "</h4>\n", f);
	hashes_table(f, &x->media);
	memset(&files, 0, sizeof(files));
	files.files = x->files;
	files.n_files = x->n_files;
	files_of(f, "Files written", &files);
}

static void custody(FILE *f, const struct fx_rpt_item *it)
{
	size_t i;

	fprintf(f, "<h3>Chain of custody (%zu event%s, in time order)</h3>\n",
		it->n_cus, it->n_cus == 1 ? "" : "s");
	if (!it->n_cus) {
		fputs("<p>No custody event is recorded for this evidence "
		      "item.</p>\n", f);
		return;
	}
	fputs("<table>\n<thead><tr><th>#</th><th>Time (UTC)</th><th>From</th>"
	      "<th>To</th><th>Location</th><th>Reason</th><th>Recorded by</th>"
	      "</tr></thead>\n<tbody>\n", f);
	for (i = 0; i < it->n_cus; i++) {
		const fx_casedb_custody *c = &it->cus[i].rec;

		fprintf(f, "<tr><td class=\"n\">%zu</td><td class=\"t\">",
			i + 1);
		if (c->time_utc)
			esc(f, c->time_utc);
		else
			val(f, NULL);
		fputs("</td><td>", f);
		val(f, c->from_party);
		fputs("</td><td>", f);
		val(f, c->to_party);
		fputs("</td><td>", f);
		val(f, c->location);
		fputs("</td><td>", f);
		val(f, c->reason);
		fputs("</td><td>", f);
		val(f, c->actor);
		fprintf(f, " (record %lld)</td></tr>\n", (long long)it->cus[i].id);
	}
	fputs("</tbody></table>\n", f);
}

static void item(FILE *f, const struct fx_rpt_item *it, size_t index)
{
	const fx_casedb_evidence *e = &it->ev.evidence;
	size_t i;

	fprintf(f, "<section class=\"evidence\" id=\"ev%zu\">\n<h2>Evidence ",
		index);
	esc(f, e->evidence_number);
	fputs(" (case ", f);
	esc(f, it->ev.case_number);
	fputs(")</h2>\n<table class=\"kv\">\n", f);
	kv(f, "Case number", it->ev.case_number);
	kv(f, "Case description", it->kase.description);
	kv(f, "Evidence number", e->evidence_number);
	kv(f, "Description", e->description);
	kv(f, "Notes", e->notes);
	kv(f, "Examiner", e->examiner);
	kv(f, "Registered (UTC)", it->ev.created_utc);
	fputs("</table>\n<h3>Source identity (as registered with the evidence "
	      "item)</h3>\n", f);
	identity(f, &e->source);
	if (!it->n_acq)
		fputs("<p>No acquisition is recorded for this evidence "
		      "item.</p>\n", f);
	for (i = 0; i < it->n_acq; i++)
		acquisition(f, it, it->acq[i]);
	if (!it->n_ver)
		fputs("<p>No verification is recorded for this evidence "
		      "item.</p>\n", f);
	for (i = 0; i < it->n_ver; i++)
		verification(f, it, &it->ver[i]);
	if (!it->n_exp)
		fputs("<p>No export is recorded for this evidence item.</p>\n", f);
	for (i = 0; i < it->n_exp; i++)
		export_record(f, &it->exp[i]);
	custody(f, it);
	fputs("</section>\n", f);
}

/* ---- first page ---- */

/* What an intact chain's check cannot show, as a paragraph. */
static void audit_limits(FILE *f, const struct fx_rpt *r)
{
	char checked[1024], not_checked[1024];

	if (r->audit_rc != 0)
		return;
	fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
				 sizeof(not_checked), &r->audit);
	fputs("<p>What the audit check cannot show: ", f);
	esc(f, not_checked);
	fputs("</p>\n", f);
}

static void attention(FILE *f, const struct fx_rpt *r)
{
	size_t i;

	if (!r->n_alerts) {
		fputs("<div class=\"clear\"><h2>Read this first</h2>\n<p>Nothing "
		      "to report: no verification failed, no acquisition is "
		      "unfinished, and the audit chain is intact.</p>\n", f);
		audit_limits(f, r);
		fputs("</div>\n", f);
		return;
	}
	fputs("<div class=\"alert\" role=\"alert\"><h2>Read this first</h2>\n"
	      "<ul>\n", f);
	for (i = 0; i < r->n_alerts; i++) {
		fputs("<li>", f);
		esc(f, r->alerts[i].message);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
	audit_limits(f, r);
	fputs("</div>\n", f);
}

static void summary(FILE *f, const struct fx_rpt *r)
{
	size_t i, j;

	fputs("<h2>Summary</h2>\n", f);
	if (!r->n_items) {
		fputs("<p>No evidence item is recorded for this case.</p>\n", f);
		return;
	}
	fputs("<table>\n<thead><tr><th>Evidence</th><th>Acquisitions</th>"
	      "<th>Unreadable sectors</th><th>Latest verification</th></tr>"
	      "</thead>\n<tbody>\n", f);
	for (i = 0; i < r->n_items; i++) {
		const struct fx_rpt_item *it = &r->items[i];
		const fx_casedb_verification_info *last =
			it->n_ver ? &it->ver[it->n_ver - 1] : NULL;

		fprintf(f, "<tr><td><a href=\"#ev%zu\">", i + 1);
		esc(f, it->ev.evidence.evidence_number);
		fputs("</a></td><td>", f);
		for (j = 0; j < it->n_acq; j++)
			fprintf(f, "%s%lld: %s", j ? "<br>" : "",
				(long long)it->acq[j]->id,
				fx_status_name(it->acq[j]->status));
		fputs(it->n_acq ? "</td><td>" : "none</td><td>", f);
		for (j = 0; j < it->n_acq; j++)
			fprintf(f, "%s%llu in %zu range%s", j ? "<br>" : "",
				(unsigned long long)fx_rpt_bad_total(it->acq[j]),
				it->acq[j]->result.n_bad,
				it->acq[j]->result.n_bad == 1 ? "" : "s");
		fputs("</td><td>", f);
		if (last) {
			fprintf(f, "<span class=\"%s\">%s</span> at ",
				last->rec.result == FX_VERDICT_VERIFIED ? "pass"
				: last->rec.result == FX_VERDICT_INTERRUPTED
				? "warn" : "fail",
				fx_verdict_name(last->rec.result));
			val(f, last->rec.time_utc);
		} else {
			fputs("none", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

/* The chain's RFC 3161 anchors as checked when the report was made. */
static void anchors(FILE *f, const struct fx_rpt *r)
{
	size_t i;

	fputs("<h3>Time-stamps of the chain (RFC 3161 anchors)</h3>\n", f);
	if (r->anchor_rc) {
		fputs("<p><span class=\"fail\">NOT READ</span>: ", f);
		esc(f, r->anchor_error);
		fputs("</p>\n", f);
		return;
	}
	if (!r->n_anchors) {
		fputs("<p>None recorded (the chain was never anchored: no "
		      "--tsa).</p>\n", f);
		return;
	}
	for (i = 0; i < r->n_anchors; i++) {
		const fx_casedb_anchor_info *a = &r->anchors[i];
		int ok = a->state == FX_ANCHOR_VERIFIED ||
			 a->state == FX_ANCHOR_NOT_CHECKED;

		fprintf(f, "<h4>Anchor %lld of event %lld</h4>\n<table "
			"class=\"kv\">\n<tr><th>Result</th><td class=\"%s\">%s"
			"</td></tr>\n", (long long)a->id, (long long)a->seq,
			ok ? "pass" : "fail", fx_rpt_anchor_meaning(a->state));
		kv(f, "TSA", a->tsa_url);
		kv(f, "Requested (UTC)", a->requested_utc[0] ? a->requested_utc
							    : NULL);
		if (a->stamped)
			kv(f, "Time-stamp (UTC)", a->token_time_utc);
		else
			kv(f, "Why none", a->error);
		kv_hash(f, "Head hash", a->head_hash);
		if (a->stamped)
			kv_hash(f, "Token SHA-256", a->token_sha256);
		if (a->state != FX_ANCHOR_NOT_CHECKED &&
		    a->state != FX_ANCHOR_MISSING && a->finding[0])
			kv(f, "Finding", a->finding);
		fputs("</table>\n", f);
	}
}

static void audit(FILE *f, const struct fx_rpt *r)
{
	size_t i;

	fputs("<h2>Audit chain</h2>\n<table class=\"kv\">\n", f);
	fprintf(f, "<tr><th>Checked at</th><td>%s (UTC), when this report was "
		"made</td></tr>\n", r->audit_checked_utc);
	fputs("<tr><th>Result</th><td>", f);
	if (r->audit_rc == 0) {
		char checked[1024], not_checked[1024];

		fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
					 sizeof(not_checked), &r->audit);
		fprintf(f, "<span class=\"pass\">intact</span> (%s)</td></tr>\n"
			"<tr><th>Checked</th><td>",
			fx_casedb_audit_trust_name(r->audit.trust));
		esc(f, checked);
		fputs("</td></tr>\n<tr><th>Not checked</th><td>", f);
		esc(f, not_checked);
	} else {
		fprintf(f, "<span class=\"fail\">%s</span>: ", r->audit_rc ==
			FX_ECORRUPT ? "NOT INTACT" : "NOT CHECKED");
		esc(f, r->audit_rc == FX_ECORRUPT ? r->audit.reason
						  : r->audit_error);
	}
	fputs("</td></tr>\n", f);
	fprintf(f, "<tr><th>Events in the log</th><td>%llu</td></tr>\n",
		(unsigned long long)r->head.events);
	if (r->audit_rc == 0)
		fprintf(f, "<tr><th>Signed events</th><td>%llu</td></tr>\n",
			(unsigned long long)r->audit.signed_events);
	else
		fprintf(f, "<tr><th>Events checked</th><td>%llu</td></tr>\n",
			(unsigned long long)r->audit.events);
	if (r->head.last_seq) {
		fprintf(f, "<tr><th>Head event</th><td>%lld, ",
			(long long)r->head.last_seq);
		esc(f, r->head.time_utc);
		fputs(r->audit_rc ? " (as stored, unverified)</td></tr>\n"
				  : "</td></tr>\n", f);
		kv_hash(f, "Head hash", r->head.hash);
	} else {
		kv(f, "Head hash", "none (the log is empty)");
	}
	for (i = 0; i < r->n_keys; i++) {
		fprintf(f, "<tr><th>Signing key %lld</th><td>",
			(long long)r->keys[i].id);
		val(f, r->keys[i].algorithm);
		fputs(", registered ", f);
		val(f, r->keys[i].registered_utc);
		fputs("<br><span class=\"hash\">", f);
		esc(f, r->keys[i].public_key);
		fputs("</span></td></tr>\n", f);
	}
	fputs("</table>\n", f);
	anchors(f, r);
}

static void signature(FILE *f, const struct fx_rpt *r)
{
	const char *names[16];
	char bind[1024];
	size_t i, n = fx_rpt_examiners(r, names, 16);

	fx_rpt_binding(r, bind, sizeof(bind));
	for (i = 0; i < (n ? n : 1); i++) {
		fputs("<div class=\"sig\">\n<h2>Examiner's signature</h2>\n"
		      "<p class=\"note\">", f);
		esc(f, bind);
		fputs("</p>\n<p>Examiner as recorded: ", f);
		val(f, n ? names[i] : NULL);
		fputs("</p>\n<table>\n<tr><th>Signature</th><td></td></tr>\n"
		      "<tr><th>Name</th><td></td></tr>\n<tr><th>Date</th><td>"
		      "</td></tr>\n<tr><th>Place</th><td></td></tr>\n</table>\n"
		      "</div>\n", f);
	}
}

/* ---- head ---- */

#define MARGIN_FONT "font:8pt \"DejaVu Sans\",\"Liberation Sans\",Arial," \
	"sans-serif;"

static void page_rules(FILE *f, const struct fx_rpt *r, const char *cases,
		       const char *evidence)
{
	char buf[1200];
	size_t i;

	fputs("@page{size:auto;margin:18mm 15mm 18mm 15mm;\n"
	      " @top-left{" MARGIN_FONT "content:", f);
	snprintf(buf, sizeof(buf), "Case %s", cases);
	fx_rpt_put_css_string(f, buf);
	fputs("}\n @top-right{" MARGIN_FONT "content:", f);
	snprintf(buf, sizeof(buf), "Evidence %s", evidence);
	fx_rpt_put_css_string(f, buf);
	fputs("}\n @bottom-left{" MARGIN_FONT "content:", f);
	snprintf(buf, sizeof(buf), "Forensic acquisition report, generated "
		 "%s UTC", r->generated_utc);
	fx_rpt_put_css_string(f, buf);
	fputs("}\n @bottom-right{" MARGIN_FONT "content:\"Page \" counter(page) "
	      "\" of \" counter(pages)}\n}\n", f);
	for (i = 0; i < r->n_items; i++) {
		fprintf(f, "@page ev%zu{@top-left{content:", i + 1);
		snprintf(buf, sizeof(buf), "Case %s",
			 r->items[i].ev.case_number);
		fx_rpt_put_css_string(f, buf);
		fputs("}@top-right{content:", f);
		snprintf(buf, sizeof(buf), "Evidence %s",
			 r->items[i].ev.evidence.evidence_number);
		fx_rpt_put_css_string(f, buf);
		fprintf(f, "}}\n#ev%zu{page:ev%zu}\n", i + 1, i + 1);
	}
}

int fx_rpt_write_html(FILE *f, const struct fx_rpt *r)
{
	char cases[512], evidence[512];
	size_t i;

	fx_rpt_case_list(r, cases, sizeof(cases));
	if (!r->n_items)
		snprintf(cases, sizeof(cases), "%s", fx_rpt_or(r->scope_case));
	fx_rpt_evidence_list(r, evidence, sizeof(evidence));
	if (!r->n_items)
		snprintf(evidence, sizeof(evidence), "none recorded");
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\""
	      "utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n<meta name=\"generator\" content=\"", f);
	esc(f, r->generator);
	fputs("\">\n<title>Forensic acquisition report: case ", f);
	esc(f, cases);
	fputs(", evidence ", f);
	esc(f, evidence);
	fprintf(f, "</title>\n<style>\n%s", css);
	page_rules(f, r, cases, evidence);
	fputs("</style>\n</head>\n<body>\n<header>\n<h1>Forensic acquisition "
	      "report</h1>\n<table class=\"kv\">\n", f);
	kv(f, "Case", cases);
	kv(f, "Evidence", evidence);
	fprintf(f, "<tr><th>Report generated</th><td>%s (UTC) by ",
		r->generated_utc);
	esc(f, r->generator);
	fprintf(f, ", libforensic %s</td></tr>\n", fx_version());
	kv(f, "Case database", r->db_path);
	fputs("</table>\n<p class=\"note\">This report states what the case "
	      "database records; \"not recorded\" marks a value the database "
	      "does not hold.</p>\n</header>\n", f);
	attention(f, r);
	summary(f, r);
	audit(f, r);
	for (i = 0; i < r->n_items; i++)
		item(f, &r->items[i], i + 1);
	signature(f, r);
	fputs("</body>\n</html>\n", f);
	return 0;
}
