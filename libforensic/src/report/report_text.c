/*
 * The plain-text report: 78 columns, no markup, for printing or pasting
 * into a statement. Labels start at the left, values at column 25, wrapped
 * at word boundaries; hashes are never wrapped (each on one line with a
 * short label), so they can be copied and compared as printed.
 *
 * Recorded text goes through fx_rpt_text_clean (fx_text_escape: control
 * characters such as ESC become C escapes like \x1b, so a description
 * cannot drive a terminal; a line break in a note starts a new line).
 * Lines break at spaces only: a word (a hash, a path) that does not fit
 * where it should start stands on a line of its own; only one longer than
 * a line runs past column 78. Nothing is cut. A verification's
 * findings are the sentences and tables of report_findings.c.
 *
 * Threading: none; writes only to the FILE given.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "report/report_int.h"

#define WIDTH 78
#define VALUE_COL 24

/* Length of the next line of text s (at most width code points), breaking
 * at a space; *skip is how many bytes to drop after it. A word longer than
 * width is never cut: the line then runs to its end. */
static size_t line_len(const char *s, size_t width, size_t *skip)
{
	const char *p = s, *brk = NULL;
	size_t cps = 0;

	*skip = 0;
	while (*p && *p != '\n') {
		if (cps >= width && (*p == ' ' || brk)) {
			*skip = 1;
			return (size_t)((*p == ' ' ? p : brk) - s);
		}
		if (*p == ' ')
			brk = p;
		fx_utf8_next(&p);
		cps++;
	}
	if (*p == '\n')
		*skip = 1;
	return (size_t)(p - s);
}

/* Code points of the word at s (up to a space, a line break or the end). */
static size_t word_len(const char *s)
{
	size_t n = 0;

	while (*s && *s != ' ' && *s != '\n') {
		fx_utf8_next(&s);
		n++;
	}
	return n;
}

/* The column of a line holding only a word of w code points that does not
 * fit where it should start: 2 (or indent, if smaller), else 0. */
static size_t own_line_col(size_t w, size_t indent)
{
	size_t col = indent < 2 ? indent : 2;

	return w + col <= WIDTH ? col : 0;
}

/* Writes text (cleaned) wrapped to WIDTH. The cursor is at column at; the
 * first line starts at column first (padded from at), the others at
 * indent. A word is never cut: one that does not fit from its line's
 * start goes on a line of its own at own_line_col(), and one longer than
 * WIDTH runs past it. */
static void wrap_from(FILE *f, const char *text, size_t at, size_t first,
		      size_t indent)
{
	char *clean = fx_rpt_text_clean(text), *p;
	size_t col = first, n, skip, w;

	if (!clean) {
		fputs("(out of memory)\n", f);
		return;
	}
	p = clean;
	do {
		w = word_len(p);
		if (w > (WIDTH > col ? WIDTH - col : 0) &&
		    col > own_line_col(w, indent)) {
			if (at)
				fputc('\n', f);
			col = own_line_col(w, indent);
			at = 0;
		}
		fprintf(f, "%*s", (int)(col > at ? col - at : 0), "");
		n = line_len(p, WIDTH > col ? WIDTH - col : 1, &skip);
		fwrite(p, 1, n, f);
		fputc('\n', f);
		p += n + skip;
		col = indent;
		at = 0;
	} while (*p);
	free(clean);
}

/* The cursor is at column first_col: text continues there. */
static void wrap(FILE *f, const char *text, size_t first_col, size_t indent)
{
	wrap_from(f, text, first_col, first_col, indent);
}

/* "  Label:      value" with the value wrapped at VALUE_COL. */
static void field(FILE *f, int ind, const char *label, const char *value)
{
	int n = fprintf(f, "%*s%s:", ind, "", label);

	wrap_from(f, value ? value : FX_NOT_RECORDED, (size_t)n,
		  n < VALUE_COL ? VALUE_COL : (size_t)n + 1, VALUE_COL);
}

static void fieldf(FILE *f, int ind, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fieldf(FILE *f, int ind, const char *label, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	field(f, ind, label, buf);
}

static void para(FILE *f, int ind, const char *text)
{
	wrap_from(f, text, 0, (size_t)ind, (size_t)ind);
}

/* A hash on one line: "    SHA-256  <hex>", the name column narrowed so
 * that a SHA-256 still fits in WIDTH. */
static void hash_line(FILE *f, int ind, const char *name, const char *hex)
{
	int col = WIDTH - 64 - ind;

	if (col > 9)
		col = 9;
	if (col < (int)strlen(name) + 1)
		col = (int)strlen(name) + 1;
	fprintf(f, "%*s%-*s", ind, "", col, name);
	if (hex && *hex)
		wrap(f, hex, (size_t)(ind + col), (size_t)(ind + col));
	else
		fputs("not computed\n", f);
}

static void rule(FILE *f, char c)
{
	int i;

	for (i = 0; i < WIDTH; i++)
		fputc(c, f);
	fputc('\n', f);
}

/* A heading underlined with c, or framed by rules when c is '='. */
static void heading(FILE *f, const char *text, char c)
{
	char *clean = fx_rpt_text_clean(text);
	size_t i, n = 0;
	const char *p = clean ? clean : "";

	fputc('\n', f);
	if (c == '=')
		rule(f, c);
	while (fx_utf8_next(&p))
		n++;
	wrap(f, clean ? clean : text, 0, 0);
	if (c == '=')
		rule(f, c);
	else {
		for (i = 0; i < n && i < WIDTH; i++)
			fputc(c, f);
		fputc('\n', f);
	}
	free(clean);
}

static void hashes(FILE *f, int ind, const fx_digests *h)
{
	hash_line(f, ind, "MD5", h->md5);
	hash_line(f, ind, "SHA-1", h->sha1);
	hash_line(f, ind, "SHA-256", h->sha256);
}

static void windows(FILE *f, const fx_window_hash *w, size_t n)
{
	size_t i;

	if (!n) {
		para(f, 2, "Hash windows: none recorded.");
		return;
	}
	para(f, 2, "Hash windows (SHA-256 of image bytes; offsets in bytes):");
	for (i = 0; i < n; i++) {
		fprintf(f, "  %2zu. bytes %llu to %llu (%llu bytes)\n", i + 1,
			(unsigned long long)w[i].offset,
			(unsigned long long)(w[i].offset + w[i].length - 1),
			(unsigned long long)w[i].length);
		hash_line(f, 6, "SHA-256", w[i].sha256);
	}
}

/* ---- sections ---- */

static void source_identity(FILE *f, const fx_source_info *s)
{
	char buf[256];

	field(f, 2, "Vendor", s->vendor);
	field(f, 2, "Model", s->model);
	field(f, 2, "Serial number", s->serial);
	field(f, 2, "WWID", s->wwid);
	fx_rpt_size_text(buf, sizeof(buf), s);
	field(f, 2, "Size", buf);
	fx_rpt_sector_sizes_text(buf, sizeof(buf), s);
	field(f, 2, "Sector sizes", buf);
	field(f, 2, "Removable", fx_rpt_flag(s->removable));
	field(f, 2, "Rotational", fx_rpt_flag(s->rotational));
	field(f, 2, "Block device", fx_rpt_flag(s->is_block_device));
	field(f, 2, "HPA/DCO", s->hpa_dco);
}

static void unreadable(FILE *f, const fx_casedb_acquisition_info *a)
{
	const fx_casedb_result *x = &a->result;
	char buf[256];
	size_t i;

	if (!x->n_bad) {
		para(f, 2, a->status == FX_STATUS_COMPLETED
			? "Unreadable sectors: none. Every sector was read."
			: a->status == FX_STATUS_COMPLETED_WITH_ERRORS
			? "Unreadable sectors: no ranges are recorded."
			: "Unreadable sectors: none recorded, but the "
			  "acquisition did not complete.");
		return;
	}
	snprintf(buf, sizeof(buf), "Unreadable sectors: %llu in %zu range%s "
		 "(sectors of %u bytes; zero-filled in the image):",
		 (unsigned long long)fx_rpt_bad_total(a), x->n_bad,
		 x->n_bad == 1 ? "" : "s", x->sector_size);
	para(f, 2, buf);
	fprintf(f, "  %3s  %-18s %-18s %-10s %s\n", "#", "First sector",
		"Last sector", "Sectors", "Byte offset");
	for (i = 0; i < x->n_bad; i++)
		fprintf(f, "  %3zu  %-18llu %-18llu %-10llu %llu\n", i + 1,
			(unsigned long long)x->bad[i].first,
			(unsigned long long)(x->bad[i].first + x->bad[i].count - 1),
			(unsigned long long)x->bad[i].count,
			(unsigned long long)(x->bad[i].first * x->sector_size));
}

/* The files of x under title ("Image files": "Image files (in segment
 * order):", or "Image files: none recorded."). */
static void files_of(FILE *f, const char *title, const fx_casedb_result *x)
{
	char buf[128];
	size_t i;

	if (!x->n_files) {
		snprintf(buf, sizeof(buf), "%s: none recorded.", title);
		para(f, 2, buf);
		return;
	}
	snprintf(buf, sizeof(buf), "%s (in segment order):", title);
	para(f, 2, buf);
	for (i = 0; i < x->n_files; i++) {
		fprintf(f, "  %2zu. ", i + 1);
		wrap(f, x->files[i].path, 6, 6);
		snprintf(buf, sizeof(buf), "%llu bytes",
			 (unsigned long long)x->files[i].size);
		field(f, 6, "Size", buf);
		if (x->files[i].allocated_known) {
			snprintf(buf, sizeof(buf), "%llu bytes on storage",
				 (unsigned long long)x->files[i].allocated);
			field(f, 6, "Allocated", buf);
		}
		hash_line(f, 6, "SHA-256", x->files[i].sha256);
	}
}

static void image_files(FILE *f, const fx_casedb_result *x)
{
	files_of(f, "Image files", x);
}

/* A virtual-disk source: the container files its disk was read from. */
static void source_files(FILE *f, const fx_casedb_acquisition *r)
{
	char buf[96];
	size_t i;

	if (!r->n_source_files)
		return;
	snprintf(buf, sizeof(buf), "Source: a %s, read from these container files:",
		 fx_vdisk_format_title(r->source_files[0].format));
	para(f, 2, buf);
	for (i = 0; i < r->n_source_files; i++) {
		fprintf(f, "  %2zu. ", i + 1);
		wrap(f, r->source_files[i].path, 6, 6);
		field(f, 6, "Role", r->source_files[i].role);
		field(f, 6, "Format", fx_vdisk_format_name(r->source_files[i].format));
		snprintf(buf, sizeof(buf), "%llu bytes",
			 (unsigned long long)r->source_files[i].size);
		field(f, 6, "Size", buf);
		hash_line(f, 6, "SHA-256", r->source_files[i].sha256);
	}
	fputc('\n', f);
}

/* An acquisition written to several destinations at once: each one,
 * how it ended, and a copy's files. */
static void image_sets(FILE *f, const fx_casedb_acquisition_info *a)
{
	char title[64], buf[256];
	size_t i;

	for (i = 0; i < a->n_image_sets; i++) {
		const fx_casedb_image_set *s = &a->image_sets[i];
		fx_casedb_result files;

		if (s->copy_number)
			snprintf(title, sizeof(title), "Copy %u:", s->copy_number);
		else
			snprintf(title, sizeof(title), "TARGET (copy 0):");
		fputc('\n', f);
		para(f, 2, title);
		field(f, 4, "Destination", fx_rpt_or(s->target));
		field(f, 4, "Format", fx_rpt_or(s->format));
		if (s->status == FX_STATUS_FAILED && s->failed_at != UINT64_MAX)
			snprintf(buf, sizeof(buf), "failed at byte %llu (a partial image)",
				 (unsigned long long)s->failed_at);
		else
			snprintf(buf, sizeof(buf), "%s", fx_status_name(s->status));
		field(f, 4, "Status", buf);
		if (s->error)
			field(f, 4, "Error", s->error);
		fieldf(f, 4, "Bytes written", "%llu", (unsigned long long)s->bytes_written);
		if (!s->copy_number)
			continue; /* its files are the acquisition's, above */
		memset(&files, 0, sizeof(files));
		files.files = s->files;
		files.n_files = s->n_files;
		image_files(f, &files);
	}
}

/* Each resume of an interrupted run (acquire --resume): when, from which
 * byte, by whom and where. */
static void resumes(FILE *f, const struct fx_rpt_item *it,
		    const fx_casedb_acquisition_info *a)
{
	const struct fx_rpt_resume *res;
	char title[64];
	size_t i, n;

	res = fx_rpt_resumes_of(it, a->id, &n);
	for (i = 0; i < n; i++) {
		snprintf(title, sizeof(title), "Resume %zu:", res[i].nth);
		fputc('\n', f);
		para(f, 2, title);
		field(f, 4, "Time (UTC)", res[i].time_utc);
		fieldf(f, 4, "From byte", "%llu",
		       (unsigned long long)res[i].from_byte);
		field(f, 4, "Operator", res[i].actor);
		field(f, 4, "Host", res[i].host);
	}
}

static void acq_fields(FILE *f, const struct fx_rpt_item *it,
		       const fx_casedb_acquisition_info *a);

static void acquisition(FILE *f, const struct fx_rpt_item *it,
			const fx_casedb_acquisition_info *a)
{
	const fx_casedb_acquisition *r = &a->rec;
	char title[64];

	snprintf(title, sizeof(title), "Acquisition %lld", (long long)a->id);
	heading(f, title, '-');
	acq_fields(f, it, a);
	if (fx_rpt_source_differs(&r->evidence.source, &it->ev.evidence.source)) {
		para(f, 2, "Source identity seen by this acquisition (differs "
			"from the evidence record):");
		source_identity(f, &r->evidence.source);
	} else {
		field(f, 2, "Source identity", "as in the evidence record above");
	}
	fputc('\n', f);
	source_files(f, r);
	para(f, 2, "Source hashes (of the data read, as written to the image):");
	hashes(f, 4, &a->result.hashes);
	windows(f, a->result.windows, a->result.n_windows);
	fputc('\n', f);
	unreadable(f, a);
	fputc('\n', f);
	image_files(f, &a->result);
	image_sets(f, a);
	resumes(f, it, a);
}

/* Who ran it, how, when, and with what settings. */
static void acq_fields(FILE *f, const struct fx_rpt_item *it,
		       const fx_casedb_acquisition_info *a)
{
	const fx_casedb_acquisition *r = &a->rec;
	char buf[256], *params;
	int64_t us;
	size_t n;

	field(f, 2, "Status", fx_status_name(a->status));
	if (a->status_note)
		field(f, 2, "Status note", a->status_note);
	if (a->status != a->result.status)
		field(f, 2, "Status as stored",
		      fx_status_name(a->result.status));
	field(f, 2, "Tool", r->tool);
	field(f, 2, "Tool version", r->tool_version);
	field(f, 2, "Library versions", r->library_versions);
	field(f, 2, "Command line", r->command_line);
	params = fx_rpt_params_text(r->parameters_json);
	field(f, 2, "Parameters", params ? params : r->parameters_json);
	free(params);
	field(f, 2, "Host", r->host);
	field(f, 2, "Operator", r->operator_name);
	field(f, 2, "Start (UTC)", r->start_utc);
	field(f, 2, "End (UTC)", a->result.end_utc);
	if (fx_rpt_duration(&us, r->start_utc, a->result.end_utc) == 0) {
		fx_rpt_duration_text(buf, sizeof(buf), us);
		field(f, 2, "Duration", buf);
	} else {
		field(f, 2, "Duration", FX_NOT_RECORDED);
	}
	field(f, 2, "Source path", r->evidence.source.path);
	field(f, 2, "Write-block method", r->evidence.source.write_block_method);
	field(f, 2, "State before", r->evidence.source.ro_before);
	field(f, 2, "State after", r->evidence.source.ro_after);
	field(f, 2, "Format", r->format);
	/* the media this acquisition saw (schema 5 on; not shown before) */
	if (r->evidence.source.optical >= 0)
		field(f, 2, "Optical media", fx_rpt_flag(r->evidence.source.optical));
	field(f, 2, "Compression", r->compression);
	if (r->segment_size)
		fieldf(f, 2, "Segment size", "%llu bytes",
		       (unsigned long long)r->segment_size);
	else
		field(f, 2, "Segment size", "none (not segmented)");
	if (r->block_size)
		fieldf(f, 2, "Block size", "%u bytes", r->block_size);
	else
		field(f, 2, "Block size", FX_NOT_RECORDED);
	fieldf(f, 2, "Bytes acquired", "%llu",
	       (unsigned long long)a->result.bytes);
	fx_rpt_resumes_of(it, a->id, &n);
	if (n)
		fieldf(f, 2, "Resumed", "%zu time%s (below)", n, n == 1 ? "" : "s");
	else
		field(f, 2, "Resumed", "no");
	n = fx_rpt_exports_of(it, a->id);
	if (n)
		fieldf(f, 2, "Exported", "%zu time%s (see Export)", n,
		       n == 1 ? "" : "s");
}

static void comparison(FILE *f, const fx_casedb_verification_info *v,
		       const fx_casedb_acquisition_info *a)
{
	static const char *words[] = { "not compared", "equal", "DIFFERS" };
	char buf[256];

	if (!a)
		return;
	snprintf(buf, sizeof(buf), "Compared with acquisition %lld: MD5 %s, "
		 "SHA-1 %s, SHA-256 %s.", (long long)a->id,
		 words[fx_rpt_hash_cmp(v->rec.hashes.md5, a->result.hashes.md5)],
		 words[fx_rpt_hash_cmp(v->rec.hashes.sha1,
				       a->result.hashes.sha1)],
		 words[fx_rpt_hash_cmp(v->rec.hashes.sha256,
				       a->result.hashes.sha256)]);
	para(f, 2, buf);
}

/* A sentence of the findings: its pieces joined (a hash is one word, so
 * the wrapping never cuts it), wrapped at indent. */
static void sentence(FILE *f, int ind, const struct fx_rpt_piece *p, size_t n)
{
	size_t i, len = 0;
	char *text;

	for (i = 0; i < n; i++)
		len += strlen(p[i].text);
	if (!(text = malloc(len + 1))) {
		fputs("(out of memory)\n", f);
		return;
	}
	for (i = 0, len = 0; i < n; i++) {
		memcpy(text + len, p[i].text, strlen(p[i].text));
		len += strlen(p[i].text);
	}
	text[len] = '\0';
	para(f, ind, text);
	free(text);
}

/* Column widths of a table (code points of the escaped cells). */
static void table_widths(const struct fx_rpt_fblock *b, size_t *w)
{
	size_t i, c, n;
	char *clean;
	const char *p;

	for (c = 0; c < b->n_cols; c++)
		w[c] = strlen(b->head[c]);
	for (i = 0; i < b->n_rows; i++)
		for (c = 0; c < b->n_cols; c++) {
			if (!(clean = fx_rpt_text_clean(b->rows[i].cells[c])))
				continue;
			for (p = clean, n = 0; fx_utf8_next(&p); n++)
				;
			if (n > w[c])
				w[c] = n;
			free(clean);
		}
}

static void table_cell(FILE *f, const char *text, size_t width, int last)
{
	char *clean = fx_rpt_text_clean(text);
	const char *p = clean ? clean : "?";
	size_t n = 0;

	fputs(p, f);
	while (fx_utf8_next(&p))
		n++;
	if (!last)
		fprintf(f, "%*s", (int)(n < width ? width - n + 2 : 2), "");
	free(clean);
}

/* A table of the findings: caption, header, rows; a row's hashes on
 * lines of their own under it. */
static void table(FILE *f, int ind, const struct fx_rpt_fblock *b)
{
	size_t w[8], i, c, k;

	if (b->n_cols > 8)
		return;
	sentence(f, ind, b->pieces, b->n_pieces);
	table_widths(b, w);
	fprintf(f, "%*s", ind, "");
	for (c = 0; c < b->n_cols; c++)
		table_cell(f, b->head[c], w[c], c + 1 == b->n_cols);
	fputc('\n', f);
	for (i = 0; i < b->n_rows; i++) {
		fprintf(f, "%*s", ind, "");
		for (c = 0; c < b->n_cols; c++)
			table_cell(f, b->rows[i].cells[c], w[c], c + 1 == b->n_cols);
		fputc('\n', f);
		for (k = 0; k < 2; k++)
			if (b->rows[i].hash_label[k])
				hash_line(f, ind, b->rows[i].hash_label[k],
					  b->rows[i].hash[k]);
	}
}

/* "Findings:" and what the verification found, as sentences and tables
 * (never the JSON it recorded). */
static void findings(FILE *f, const char *recorded)
{
	struct fx_rpt_findings fr;
	size_t i;

	if (!recorded) {
		field(f, 2, "Findings", NULL);
		return;
	}
	if (fx_rpt_findings_read(&fr, recorded) != 0) {
		field(f, 2, "Findings", "(out of memory)");
		return;
	}
	para(f, 2, "Findings:");
	for (i = 0; i < fr.n; i++)
		if (fr.blocks[i].kind == FX_BLOCK_TABLE)
			table(f, 4, &fr.blocks[i]);
		else
			sentence(f, 4, fr.blocks[i].pieces, fr.blocks[i].n_pieces);
	if (!fr.n)
		para(f, 4, "None recorded.");
	fx_rpt_findings_free(&fr);
}

static void verification(FILE *f, const struct fx_rpt_item *it,
			 const fx_casedb_verification_info *v)
{
	char title[96], buf[128];

	if (v->rec.acquisition_id)
		snprintf(title, sizeof(title), "Verification %lld (of "
			 "acquisition %lld)", (long long)v->id,
			 (long long)v->rec.acquisition_id);
	else
		snprintf(title, sizeof(title), "Verification %lld",
			 (long long)v->id);
	heading(f, title, '-');
	snprintf(buf, sizeof(buf), "%s (%s)",
		 fx_rpt_verdict_label(v->rec.result),
		 fx_rpt_verdict_meaning(v->rec.result));
	field(f, 2, "Result", buf);
	field(f, 2, "Time (UTC)", v->rec.time_utc);
	field(f, 2, "By", v->rec.actor);
	field(f, 2, "Host", v->rec.host);
	field(f, 2, "Tool", v->rec.tool);
	field(f, 2, "Tool version", v->rec.tool_version);
	findings(f, v->rec.findings);
	para(f, 2, "Hashes computed:");
	hashes(f, 4, &v->rec.hashes);
	comparison(f, v, fx_rpt_acq_of(it, v));
	if (v->rec.n_windows)
		windows(f, v->rec.windows, v->rec.n_windows);
}

/* An export of an acquisition's verified media (verify export): what,
 * where, when, by whom, the media's hashes as read and each file
 * written. */
static void export_record(FILE *f, const fx_casedb_export_info *e)
{
	const fx_casedb_export *x = &e->rec;
	fx_casedb_result files;
	char title[96];

	snprintf(title, sizeof(title), "Export %lld (of acquisition %lld)",
		 (long long)e->id, (long long)x->acquisition_id);
	heading(f, title, '-');
	field(f, 2, "Format", x->format);
	field(f, 2, "Destination", x->path);
	field(f, 2, "Time (UTC)", x->time_utc);
	field(f, 2, "By", x->actor);
	field(f, 2, "Host", x->host);
	field(f, 2, "Tool", x->tool);
	field(f, 2, "Tool version", x->tool_version);
	fieldf(f, 2, "Read by", "verification %lld (verified)",
	       (long long)x->verification_id);
	fieldf(f, 2, "Media bytes", "%llu", (unsigned long long)x->media_bytes);
	para(f, 2, "Media hashes (of the data read and written):");
	hashes(f, 4, &x->media);
	fputc('\n', f);
	memset(&files, 0, sizeof(files));
	files.files = x->files;
	files.n_files = x->n_files;
	files_of(f, "Files written", &files);
}

static void custody(FILE *f, const struct fx_rpt_item *it)
{
	char title[96];
	size_t i;

	snprintf(title, sizeof(title), "Chain of custody (%zu event%s, in "
		 "time order)", it->n_cus, it->n_cus == 1 ? "" : "s");
	heading(f, title, '-');
	if (!it->n_cus)
		para(f, 2, "No custody event is recorded for this evidence "
			"item.");
	for (i = 0; i < it->n_cus; i++) {
		const fx_casedb_custody *c = &it->cus[i].rec;

		fprintf(f, "%s  %2zu. ", i ? "\n" : "", i + 1);
		wrap(f, fx_rpt_or(c->time_utc), 6, 6);
		field(f, 6, "From", c->from_party);
		field(f, 6, "To", c->to_party);
		field(f, 6, "Location", c->location);
		field(f, 6, "Reason", c->reason);
		fieldf(f, 6, "Recorded by", "%s (custody record %lld)",
		       fx_rpt_or(c->actor), (long long)it->cus[i].id);
	}
}

static void item(FILE *f, const struct fx_rpt_item *it)
{
	const fx_casedb_evidence *e = &it->ev.evidence;
	char title[256];
	size_t i;

	snprintf(title, sizeof(title), "EVIDENCE %.100s (case %.100s)",
		 e->evidence_number, it->ev.case_number);
	heading(f, title, '=');
	field(f, 0, "Case number", it->ev.case_number);
	field(f, 0, "Case description", it->kase.description);
	field(f, 0, "Evidence number", e->evidence_number);
	field(f, 0, "Description", e->description);
	field(f, 0, "Notes", e->notes);
	field(f, 0, "Examiner", e->examiner);
	field(f, 0, "Registered (UTC)", it->ev.created_utc);
	fputc('\n', f);
	para(f, 0, "Source identity (as registered with the evidence item):");
	source_identity(f, &e->source);
	if (!it->n_acq) {
		fputc('\n', f);
		para(f, 0, "No acquisition is recorded for this evidence item.");
	}
	for (i = 0; i < it->n_acq; i++)
		acquisition(f, it, it->acq[i]);
	if (!it->n_ver) {
		fputc('\n', f);
		para(f, 0, "No verification is recorded for this evidence "
			"item.");
	}
	for (i = 0; i < it->n_ver; i++)
		verification(f, it, &it->ver[i]);
	if (!it->n_exp) {
		fputc('\n', f);
		para(f, 0, "No export is recorded for this evidence item.");
	}
	for (i = 0; i < it->n_exp; i++)
		export_record(f, &it->exp[i]);
	custody(f, it);
}

/* ---- first page ---- */

static void summary(FILE *f, const struct fx_rpt *r)
{
	char buf[1024], part[256];
	size_t i, j;

	heading(f, "Summary", '-');
	if (!r->n_items)
		para(f, 2, "No evidence item is recorded for this case.");
	for (i = 0; i < r->n_items; i++) {
		const struct fx_rpt_item *it = &r->items[i];
		const fx_casedb_verification_info *last =
			it->n_ver ? &it->ver[it->n_ver - 1] : NULL;

		snprintf(buf, sizeof(buf), "%s: %s", it->ev.evidence.evidence_number,
			 it->n_acq ? "" : "no acquisition");
		for (j = 0; j < it->n_acq; j++) {
			const fx_casedb_acquisition_info *a = it->acq[j];
			uint64_t bad = fx_rpt_bad_total(a);

			snprintf(part, sizeof(part), "%sacquisition %lld %s, ",
				 j ? "; " : "", (long long)a->id,
				 fx_status_name(a->status));
			strncat(buf, part, sizeof(buf) - strlen(buf) - 1);
			if (bad)
				snprintf(part, sizeof(part), "%llu unreadable "
					 "sectors in %zu ranges",
					 (unsigned long long)bad, a->result.n_bad);
			else
				snprintf(part, sizeof(part), "no unreadable "
					 "sectors");
			strncat(buf, part, sizeof(buf) - strlen(buf) - 1);
		}
		if (last)
			snprintf(part, sizeof(part), "; latest verification: %s "
				 "at %s.", fx_verdict_name(last->rec.result),
				 fx_rpt_or(last->rec.time_utc));
		else
			snprintf(part, sizeof(part), "; no verification.");
		strncat(buf, part, sizeof(buf) - strlen(buf) - 1);
		fputs("  ", f);
		wrap(f, buf, 2, 4);
	}
}

/* The RFC 3161 time-stamps of the chain's head, as checked when the
 * report was made; a missing one says why the TSA gave none. */
static void anchors(FILE *f, const struct fx_rpt *r)
{
	char buf[256];
	size_t i;

	if (r->anchor_rc) {
		field(f, 2, "Time-stamps", "NOT READ");
		field(f, 4, "Why", r->anchor_error);
		return;
	}
	if (!r->n_anchors) {
		field(f, 2, "Time-stamps", "none recorded (the chain was never "
		      "anchored: no --tsa)");
		return;
	}
	para(f, 2, "Time-stamps (RFC 3161 anchors of the chain's head, "
	     "checked when this report was made):");
	for (i = 0; i < r->n_anchors; i++) {
		const fx_casedb_anchor_info *a = &r->anchors[i];

		snprintf(buf, sizeof(buf), "Anchor %lld of event %lld:",
			 (long long)a->id, (long long)a->seq);
		para(f, 4, buf);
		field(f, 6, "Result", fx_rpt_anchor_meaning(a->state));
		field(f, 6, "TSA", a->tsa_url);
		field(f, 6, "Requested (UTC)", a->requested_utc[0]
		      ? a->requested_utc : NULL);
		if (a->stamped)
			field(f, 6, "Time-stamp (UTC)", a->token_time_utc);
		else
			field(f, 6, "Why none", a->error);
		para(f, 6, "Head hash (of that event):");
		hash_line(f, 6, "SHA-256", a->head_hash);
		if (a->stamped) {
			para(f, 6, "Token (the TSA's reply as stored):");
			hash_line(f, 6, "SHA-256", a->token_sha256);
		}
		if (a->state != FX_ANCHOR_NOT_CHECKED &&
		    a->state != FX_ANCHOR_MISSING && a->finding[0])
			field(f, 6, "Finding", a->finding);
	}
}

static void audit(FILE *f, const struct fx_rpt *r)
{
	char buf[768];
	size_t i;

	heading(f, "Audit chain", '-');
	fieldf(f, 2, "Checked at", "%s (UTC), when this report was made",
	       r->audit_checked_utc);
	if (r->audit_rc == 0)
		snprintf(buf, sizeof(buf), "intact (%s)",
			 fx_casedb_audit_trust_name(r->audit.trust));
	else if (r->audit_rc == FX_ECORRUPT)
		snprintf(buf, sizeof(buf), "NOT INTACT: %s", r->audit.reason);
	else
		snprintf(buf, sizeof(buf), "NOT CHECKED: %s", r->audit_error);
	field(f, 2, "Result", buf);
	if (r->audit_rc == 0) {
		char checked[1024], not_checked[1024];

		fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
					 sizeof(not_checked), &r->audit);
		field(f, 2, "Checked", checked);
		field(f, 2, "Not checked", not_checked);
	}
	fieldf(f, 2, "Events in the log", "%llu",
	       (unsigned long long)r->head.events);
	if (r->audit_rc == 0)
		fieldf(f, 2, "Signed events", "%llu",
		       (unsigned long long)r->audit.signed_events);
	else
		fieldf(f, 2, "Events checked", "%llu",
		       (unsigned long long)r->audit.events);
	if (r->head.last_seq) {
		snprintf(buf, sizeof(buf), "Head hash (event %lld, %s%s):",
			 (long long)r->head.last_seq, r->head.time_utc,
			 r->audit_rc ? ", as stored, unverified" : "");
		para(f, 2, buf);
		hash_line(f, 4, "SHA-256", r->head.hash);
	} else {
		field(f, 2, "Head hash", "none (the log is empty)");
	}
	for (i = 0; i < r->n_keys; i++) {
		snprintf(buf, sizeof(buf), "Signing key %lld (%s, registered "
			 "%s):", (long long)r->keys[i].id,
			 fx_rpt_or(r->keys[i].algorithm),
			 fx_rpt_or(r->keys[i].registered_utc));
		para(f, 2, buf);
		hash_line(f, 4, "Public", r->keys[i].public_key);
	}
	anchors(f, r);
}

static void attention(FILE *f, const struct fx_rpt *r)
{
	size_t i;

	heading(f, "Read this first", '-');
	if (!r->n_alerts)
		para(f, 2, "Nothing to report: no verification failed, no "
			"acquisition is unfinished, and the audit chain is "
			"intact.");
	for (i = 0; i < r->n_alerts; i++) {
		fputs("  ! ", f);
		wrap(f, r->alerts[i].message, 4, 4);
	}
	if (r->audit_rc == 0) {
		char checked[1024], not_checked[1024], buf[1200];

		fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
					 sizeof(not_checked), &r->audit);
		snprintf(buf, sizeof(buf), "What the audit check cannot show: "
			 "%s", not_checked);
		para(f, 2, buf);
	}
}

static void signature(FILE *f, const struct fx_rpt *r)
{
	const char *names[16];
	char bind[1024];
	size_t i, n = fx_rpt_examiners(r, names, 16);

	heading(f, "EXAMINER'S SIGNATURE", '=');
	fx_rpt_binding(r, bind, sizeof(bind));
	para(f, 0, bind);
	for (i = 0; i < (n ? n : 1); i++) {
		fputc('\n', f);
		field(f, 0, "Examiner (recorded)", n ? names[i] : NULL);
		fputs("\nSignature:  ____________________________________"
		      "______\n\n", f);
		fputs("Name:       ____________________________________"
		      "______\n\n", f);
		fputs("Date:       ____________________   Place: "
		      "______________________\n", f);
	}
}

int fx_rpt_write_text(FILE *f, const struct fx_rpt *r)
{
	char buf[1024];
	size_t i;

	rule(f, '=');
	fputs("FORENSIC ACQUISITION REPORT\n", f);
	rule(f, '=');
	fx_rpt_case_list(r, buf, sizeof(buf));
	field(f, 0, "Case", r->n_items ? buf : r->scope_case);
	fx_rpt_evidence_list(r, buf, sizeof(buf));
	field(f, 0, "Evidence", r->n_items ? buf : "none recorded");
	fieldf(f, 0, "Report generated", "%s (UTC) by %s", r->generated_utc,
	       r->generator);
	fieldf(f, 0, "Report library", "libforensic %s", fx_version());
	field(f, 0, "Case database", r->db_path);
	para(f, 0, "This report states what the case database records; "
		"\"not recorded\" marks a value the database does not hold.");
	attention(f, r);
	summary(f, r);
	audit(f, r);
	for (i = 0; i < r->n_items; i++)
		item(f, &r->items[i]);
	signature(f, r);
	return 0;
}
