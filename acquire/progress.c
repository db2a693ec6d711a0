/*
 * acquire's progress (--progress, docs/progress.md): each phase of a run
 * on the meter (tools/common/meter.c) -- reading the source
 * ("reading"), the read-back of the image ("verifying"), the hashing of
 * E01 segments from storage ("hashing-segments": beside the read-back,
 * and after a failed run), the re-read of the source
 * ("verifying-source") -- and, in JSON, the run's last line ("done").
 * Text by default on a terminal (not with --quiet), json or none when
 * asked.
 *
 * Threads: the main thread only (libforensic calls the callbacks on it).
 */
#include <stdint.h>
#include <string.h>

#include "acquire_cli.h"

void acq_progress_start(const acq_options *o)
{
	fx_meter_start(o->progress >= 0 ? o->progress
					: fx_meter_default_mode(o->quiet), stderr);
}

void acq_progress_hook(fx_acquire_options *ao, const char *name,
		       const char *label, uint64_t total)
{
	if (fx_meter_mode() == FX_METER_NONE)
		return;
	fx_meter_phase(name, label, total);
	ao->progress = fx_meter_update;
	ao->progress_payload = NULL;
}

/* The names of a run's destinations, for the progress of each (set on the
 * main thread before the run, read by the callback on the same thread). */
static const char *dest_names[1 + ACQ_MAX_COPIES];

static void update_named(const fx_progress *p, void *payload)
{
	fx_progress_copy named[1 + ACQ_MAX_COPIES];
	fx_progress q = *p;
	size_t i;

	(void)payload;
	for (i = 0; i < p->ncopies && i < 1 + ACQ_MAX_COPIES; i++) {
		named[i] = p->copies[i];
		if (!named[i].target)
			named[i].target = dest_names[i];
	}
	if (p->ncopies) {
		q.copies = named;
		q.ncopies = i;
	}
	fx_meter_update(&q, NULL);
}

void acq_progress_name_copies(fx_acquire_options *ao, const acq_state *st)
{
	unsigned i;

	if (!st->ncopies || ao->progress != fx_meter_update)
		return;
	dest_names[0] = st->opt.target;
	for (i = 0; i < st->ncopies && i < ACQ_MAX_COPIES; i++)
		dest_names[i + 1] = st->copies[i].target;
	ao->progress = update_named;
}

/* A resume: its re-read of the image's stored prefix is a phase of its
 * own, "resuming" (0 to the checkpoint), then "reading" goes on from the
 * checkpoint to the source's size (the pipeline's fx_progress.resuming
 * says which). */
static uint64_t resume_total;   /* the reading phase's total */
static int resume_reading;      /* the reading phase has begun */

static void update_resume(const fx_progress *p, void *payload)
{
	if (!p->resuming && !resume_reading) {
		resume_reading = 1;
		fx_meter_phase_at("reading", "acquire: reading: ", resume_total,
				  p->bytes_done);
	}
	fx_meter_update(p, payload);
}

void acq_progress_resume_hook(fx_acquire_options *ao, uint64_t checkpoint,
			      uint64_t total)
{
	if (fx_meter_mode() == FX_METER_NONE)
		return;
	resume_total = total;
	resume_reading = 0;
	fx_meter_phase("resuming", "acquire: resuming: ", checkpoint);
	ao->progress = update_resume;
	ao->progress_payload = NULL;
}

/* The segments' phase comes after the media's, which the meter ends
 * (called on the main thread, by the verification). */
static void show_segments(const fx_verify_files_progress *p, void *payload)
{
	(void)payload;
	fx_meter_files("hashing-segments", "acquire: hashing segments: ", p);
}

void acq_progress_verify_hook(fx_verify_options *vo, uint64_t total)
{
	if (fx_meter_mode() == FX_METER_NONE)
		return;
	fx_meter_phase("verifying", "acquire: verifying image: ", total);
	vo->progress = fx_meter_update;
	vo->progress_payload = NULL;
	vo->files_progress = show_segments;
	vo->files_progress_payload = NULL;
}

void acq_progress_files(size_t done, size_t total, uint64_t bytes_done,
			uint64_t bytes_total, double elapsed_s)
{
	fx_verify_files_progress p;

	memset(&p, 0, sizeof(p));
	p.files_done = done;
	p.files_total = total;
	p.bytes_done = bytes_done;
	p.bytes_total = bytes_total;
	p.elapsed_s = elapsed_s;
	show_segments(&p, NULL);
}

/* A read-back's verdict as the done line says it. */
static const char *verdict_word(int state)
{
	return state == ACQ_VERIFY_SKIPPED ? "skipped" : fx_verdict_name(state);
}

void acq_progress_done(const acq_state *st, int exit_code)
{
	fx_meter_result r = FX_METER_RESULT_INIT;
	int ran = st->status != FX_STATUS_RUNNING;

	r.exit_code = exit_code;
	/* refused: stopped by a check before anything was written */
	r.status = ran ? fx_status_name(st->status)
		   : exit_code == FX_EXIT_USAGE ? "refused" : "failed";
	r.error = st->error;
	if (st->src) {
		r.has_bytes = 1;
		r.bytes = st->res.bytes;
		/* a stream of a size not known in advance: what arrived */
		r.total = fx_source_get_info(st->src)->size ? fx_source_get_info(st->src)->size
							    : st->res.size;
		r.unreadable_sectors = st->res.bad_sectors;
	}
	if (ran) {
		r.verification = verdict_word(st->verify_state);
		if (st->opt.verify_source)
			r.source_verification = verdict_word(st->verify_source_state);
	}
	fx_meter_done(&r);
}
