/*
 * The progress meter of acquire and verify (meter.h, docs/progress.md).
 *
 * A run is a sequence of phases (reading, verifying, hashing-segments,
 * ...). libforensic reports each pass through a callback at its own
 * interval (250 ms) and once at the end of the pass; the meter turns that
 * into what the chosen mode shows:
 *   - text: one line per phase on stderr, rewritten in place with "\r"
 *     (padded over a longer previous line; on a terminal cut to its
 *     width, since a line that wraps cannot be rewritten), ended with a
 *     newline when the phase ends, so that each phase leaves its final
 *     line;
 *   - json: one compact object per line. Within a phase at most one line
 *     every 500 ms (checked on the same whole milliseconds that "t" is
 *     written in); a state held back is written when the phase ends, so
 *     that each phase's first and last states are always there and the
 *     last has its final counts. Lines are built in memory with
 *     libforensic's JSON writer (strings as in the verification result:
 *     a byte that is not UTF-8 is \u00XX, so every line is valid JSON)
 *     and written with one call, then flushed.
 * Rates are MB/s of 10^6 bytes: "avg" since the phase began, the other
 * since the previous line written; the ETA is the rest of the total at
 * the average rate.
 *
 * Threads: one meter per process, used from the main thread only (the
 * library calls the callbacks on the thread that called it).
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "meter.h"

/* One state of a phase, as a line shows it. */
typedef struct snap {
	uint64_t bytes, total;   /* total FX_METER_UNKNOWN: not known */
	uint64_t bad;
	double elapsed;          /* the library's seconds since the pass began */
	int files;               /* a phase counted in files */
	size_t files_done, files_total;
	const fx_progress_copy *copies;
	size_t ncopies;
} snap;

static double clock_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct {
	int mode;
	FILE *f;
	double (*now)(void);
	double t0;
	const char *image;
	/* the phase on, if any */
	int on;
	const char *name, *label;
	uint64_t total;
	/* the last line written in this phase: rate limit, interval rate */
	int written;
	uint64_t last_ms, last_bytes;
	double last_elapsed;
	char *pending;           /* json: a state held back, not written yet */
	size_t text_len;         /* text: the length of the line shown */
} m = { FX_METER_NONE, NULL, clock_monotonic, 0, NULL, 0, NULL, NULL, 0, 0,
	0, 0, 0, NULL, 0 };

int fx_meter_parse(const char *text)
{
	if (!strcmp(text, "none"))
		return FX_METER_NONE;
	if (!strcmp(text, "text"))
		return FX_METER_TEXT;
	if (!strcmp(text, "json"))
		return FX_METER_JSON;
	return -1;
}

int fx_meter_default_mode(int quiet)
{
	return !quiet && isatty(STDERR_FILENO) ? FX_METER_TEXT : FX_METER_NONE;
}

void fx_meter_set_clock(double (*now)(void))
{
	m.now = now ? now : clock_monotonic;
}

void fx_meter_start(int mode, FILE *f)
{
	free(m.pending);
	m.pending = NULL;
	m.mode = mode;
	m.f = f;
	m.t0 = m.now();
	m.image = NULL;
	m.on = 0;
}

int fx_meter_mode(void)
{
	return m.mode;
}

void fx_meter_image(const char *path)
{
	m.image = path;
}

/* Milliseconds since the meter started: "t", and the rate limit's clock. */
static uint64_t now_ms(void)
{
	double t = m.now() - m.t0;

	return t > 0 ? (uint64_t)(t * 1000.0) : 0;
}

static double mb_per_s(uint64_t bytes, double seconds)
{
	double r = seconds > 0 ? (double)bytes / seconds / 1e6 : 0;

	return isfinite(r) ? r : 0;
}

/* The seconds left at the average rate; -1: not known. */
static double eta_s(const snap *s)
{
	double avg = mb_per_s(s->bytes, s->elapsed) * 1e6, left;

	if (s->total == FX_METER_UNKNOWN)
		return -1;
	if (s->bytes >= s->total)
		return 0;
	if (avg <= 0)
		return -1;
	left = (double)(s->total - s->bytes) / avg;
	return (double)(uint64_t)left < left ? (double)((uint64_t)left + 1) : left;
}

/* ---- json ------------------------------------------------------------- */

static void json_number(fx_json *j, const char *key, const char *fmt, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, isfinite(v) ? v : 0.0);
	fx_json_key(j, key);
	fx_json_raw(j, buf);
}

static void json_t(fx_json *j, uint64_t ms)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%llu.%03llu", (unsigned long long)(ms / 1000),
		 (unsigned long long)(ms % 1000));
	fx_json_key(j, "t");
	fx_json_raw(j, buf);
}

static void json_copies(fx_json *j, const snap *s)
{
	size_t i;

	fx_json_key(j, "copies");
	fx_json_array_begin(j);
	for (i = 0; i < s->ncopies; i++) {
		fx_json_object_begin(j);
		fx_json_member_string(j, "target", s->copies[i].target);
		fx_json_member_uint(j, "bytes", s->copies[i].bytes);
		fx_json_member_string(j, "status", fx_status_name(s->copies[i].status));
		fx_json_object_end(j);
	}
	fx_json_array_end(j);
}

/* A new writer into memory; NULL when out of memory (the line is lost,
 * the run goes on). */
static fx_json *json_begin(uint64_t ms, const char *phase)
{
	fx_json *j = NULL;

	if (fx_json_new(&j, FX_JSON_COMPACT | FX_JSON_TEXT_LATIN1, NULL) != 0)
		return NULL;
	fx_json_object_begin(j);
	json_t(j, ms);
	fx_json_member_string(j, "phase", phase);
	if (m.image)
		fx_json_member_string(j, "image", m.image);
	return j;
}

/* The object's text (owned), and the writer freed; NULL on failure. */
static char *json_finish(fx_json *j)
{
	const char *text = NULL;
	char *out = NULL;

	if (!j)
		return NULL;
	fx_json_object_end(j);
	if (fx_json_text(j, &text, NULL) == 0 && text)
		out = strdup(text);
	fx_json_free(j);
	return out;
}

static char *json_snap(const snap *s, uint64_t ms)
{
	fx_json *j = json_begin(ms, m.name);
	double eta = eta_s(s), dt = s->elapsed - m.last_elapsed;

	if (!j)
		return NULL;
	fx_json_member_uint(j, "bytes", s->bytes);
	fx_json_key(j, "total");
	if (s->total == FX_METER_UNKNOWN)
		fx_json_null(j);
	else
		fx_json_uint(j, s->total);
	if (s->files) {
		fx_json_member_uint(j, "files", s->files_done);
		fx_json_member_uint(j, "files_total", s->files_total);
	}
	fx_json_member_uint(j, "unreadable_sectors", s->bad);
	json_number(j, "elapsed_s", "%.3f", s->elapsed);
	json_number(j, "mb_per_s", "%.1f",
		    s->bytes >= m.last_bytes && dt > 0
			    ? mb_per_s(s->bytes - m.last_bytes, dt) : 0);
	json_number(j, "avg_mb_per_s", "%.1f", mb_per_s(s->bytes, s->elapsed));
	fx_json_key(j, "eta_s");
	if (eta < 0)
		fx_json_null(j);
	else
		fx_json_uint(j, (uint64_t)eta);
	if (s->ncopies > 1)
		json_copies(j, s);
	return json_finish(j);
}

static void json_write(const char *line)
{
	if (!line)
		return;
	fprintf(m.f, "%s\n", line);
	fflush(m.f);
}

/* A state of the phase: written when the phase's first, or when 500 ms
 * have passed since the last line; else held back (the latest only). */
static void json_state(const snap *s, int first)
{
	uint64_t ms = now_ms();
	char *line = json_snap(s, ms);

	free(m.pending);
	m.pending = NULL;
	if (!first && m.written && ms - m.last_ms < 500) {
		m.pending = line;
		return;
	}
	json_write(line);
	free(line);
	m.written = 1;
	m.last_ms = ms;
	m.last_bytes = s->bytes;
	m.last_elapsed = s->elapsed;
}

/* ---- text ------------------------------------------------------------- */

static void hms(char *out, size_t len, double eta)
{
	unsigned e = (unsigned)eta;

	if (eta < 0 || eta > 359999)
		snprintf(out, len, "--:--:--");
	else
		snprintf(out, len, "%02u:%02u:%02u", e / 3600, e / 60 % 60, e % 60);
}

/* The columns of the terminal f is, or 0 (not a terminal, not known). */
static size_t text_width(FILE *f)
{
	struct winsize ws;

	if (!isatty(fileno(f)) || ioctl(fileno(f), TIOCGWINSZ, &ws) != 0)
		return 0;
	return ws.ws_col;
}

/* "  copies: 3", or "  copies: 3 (1 failed)": a copy that fails while
 * the others go on is seen at once (static buffer). */
static const char *text_copies(const snap *s)
{
	static char out[64];
	size_t i, failed = 0;

	for (i = 0; i < s->ncopies; i++)
		failed += s->copies[i].status == FX_STATUS_FAILED;
	if (!failed)
		snprintf(out, sizeof(out), "  copies: %zu", s->ncopies);
	else
		snprintf(out, sizeof(out), "  copies: %zu (%zu failed)", s->ncopies,
			 failed);
	return out;
}

/* Appends to line (of size len, holding *n bytes) what fmt says; the
 * text is cut where the line is full. */
static void text_add(char *line, size_t len, int *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void text_add(char *line, size_t len, int *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if ((size_t)*n >= len - 1)
		return;
	va_start(ap, fmt);
	k = vsnprintf(line + *n, len - (size_t)*n, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n = (size_t)(*n + k) < len ? *n + k : (int)len - 1;
}

/* The line of s after the label; returns its length. */
static int text_line(char *line, size_t len, const snap *s)
{
	double gib = 1073741824.0, rate = mb_per_s(s->bytes, s->elapsed);
	char eta[16];
	int n = 0;

	line[0] = '\0';
	hms(eta, sizeof(eta), eta_s(s));
	if (s->files)
		text_add(line, len, &n, "%zu of %zu file%s, ", s->files_done,
			 s->files_total, s->files_total == 1 ? "" : "s");
	if (s->total == FX_METER_UNKNOWN)
		text_add(line, len, &n, "%.2f GiB  %7.1f MB/s",
			 (double)s->bytes / gib, rate);
	else
		text_add(line, len, &n, "%.2f / %.2f GiB (%5.1f%%)  %7.1f MB/s  ETA %s",
			 (double)s->bytes / gib, (double)s->total / gib,
			 s->total ? 100.0 * (double)s->bytes / (double)s->total : 100.0,
			 rate, eta);
	if (!s->files)
		text_add(line, len, &n, "  unreadable sectors: %llu",
			 (unsigned long long)s->bad);
	if (s->ncopies > 1)
		text_add(line, len, &n, "%s", text_copies(s));
	return n;
}

static void text_state(const snap *s)
{
	char line[1024];
	size_t width = text_width(m.f), label = strlen(m.label), shown;
	int n = text_line(line, sizeof(line), s);

	/* the cursor stays on the line: one column short of the width (a
	 * label wider than that is cut too) */
	shown = label + (size_t)n;
	if (width > 1 && shown >= width) {
		shown = width - 1;
		line[shown > label ? shown - label : 0] = '\0';
		if (label > shown)
			label = shown;
	}
	/* spaces over what a longer line before left */
	fprintf(m.f, "\r%.*s%s%*s", (int)label, m.label, line,
		m.text_len > shown ? (int)(m.text_len - shown) : 0, "");
	fflush(m.f);
	m.text_len = shown;
}

/* ---- phases ----------------------------------------------------------- */

static void show(const snap *s, int first)
{
	if (m.mode == FX_METER_JSON)
		json_state(s, first);
	else if (m.mode == FX_METER_TEXT)
		text_state(s);
}

static void begin(const char *name, const char *label, uint64_t total)
{
	fx_meter_end();
	m.on = 1;
	m.name = name;
	m.label = label;
	m.total = total;
	m.written = 0;
	m.last_bytes = 0;
	m.last_elapsed = 0;
	m.text_len = 0;
}

void fx_meter_phase(const char *name, const char *label, uint64_t total)
{
	snap s;

	if (m.mode == FX_METER_NONE)
		return;
	begin(name, label, total);
	memset(&s, 0, sizeof(s));
	s.total = total;
	show(&s, 1);
}

void fx_meter_phase_at(const char *name, const char *label, uint64_t total,
		       uint64_t bytes)
{
	snap s;

	if (m.mode == FX_METER_NONE)
		return;
	begin(name, label, total);
	m.last_bytes = bytes;
	memset(&s, 0, sizeof(s));
	s.bytes = bytes;
	s.total = total;
	show(&s, 1);
}

void fx_meter_update(const fx_progress *p, void *payload)
{
	snap s;

	(void)payload;
	if (m.mode == FX_METER_NONE || !m.on)
		return;
	memset(&s, 0, sizeof(s));
	s.bytes = p->bytes_done;
	s.total = p->total_unknown ? FX_METER_UNKNOWN : p->bytes_total;
	s.bad = p->bad_sectors;
	s.elapsed = p->elapsed_s;
	s.copies = p->copies;
	s.ncopies = p->copies ? p->ncopies : 0;
	show(&s, 0);
}

void fx_meter_files(const char *name, const char *label,
		    const fx_verify_files_progress *p)
{
	int first = 0;
	snap s;

	if (m.mode == FX_METER_NONE)
		return;
	if (!m.on || strcmp(m.name, name) != 0) {
		begin(name, label, p->bytes_total);
		first = 1;
	}
	memset(&s, 0, sizeof(s));
	s.files = 1;
	s.files_done = p->files_done;
	s.files_total = p->files_total;
	s.bytes = p->bytes_done;
	s.total = p->bytes_total;
	s.elapsed = p->elapsed_s;
	show(&s, first);
}

void fx_meter_end(void)
{
	if (!m.on)
		return;
	m.on = 0;
	if (m.mode == FX_METER_JSON) {
		json_write(m.pending);
		free(m.pending);
		m.pending = NULL;
	} else if (m.mode == FX_METER_TEXT) {
		fputc('\n', m.f);
		fflush(m.f);
	}
}

void fx_meter_done(const fx_meter_result *r)
{
	fx_json *j;

	fx_meter_end();
	m.image = NULL; /* the run's line, not an image's */
	if (m.mode != FX_METER_JSON)
		return;
	if (!(j = json_begin(now_ms(), "done")))
		return;
	fx_json_member_int(j, "exit", r->exit_code);
	if (r->status)
		fx_json_member_string(j, "status", r->status);
	if (r->has_bytes) {
		fx_json_member_uint(j, "bytes", r->bytes);
		fx_json_key(j, "total");
		if (r->total == FX_METER_UNKNOWN)
			fx_json_null(j);
		else
			fx_json_uint(j, r->total);
		fx_json_member_uint(j, "unreadable_sectors", r->unreadable_sectors);
	}
	if (r->verification)
		fx_json_member_string(j, "verification", r->verification);
	if (r->source_verification)
		fx_json_member_string(j, "source_verification", r->source_verification);
	if (r->images >= 0)
		fx_json_member_int(j, "images", r->images);
	if (r->error && r->error[0])
		fx_json_member_string(j, "error", r->error);
	json_write(m.pending = json_finish(j));
	free(m.pending);
	m.pending = NULL;
}
