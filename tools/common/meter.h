/* The progress of a tool's phases, for people or for machines
 * (--progress text|json|none, docs/progress.md): one meter per process,
 * used from the main thread only (libforensic calls the progress
 * callbacks given to it on the calling thread). */
#ifndef FX_METER_H
#define FX_METER_H

#include <stdint.h>
#include <stdio.h>

#include "forensic/forensic.h"

enum fx_meter_mode {
	FX_METER_NONE = 0,  /* nothing */
	FX_METER_TEXT = 1,  /* one line per phase, rewritten in place */
	FX_METER_JSON = 2   /* one JSON object per line (docs/progress.md) */
};

/* A total that is not known (written null). */
#define FX_METER_UNKNOWN UINT64_MAX

/* "none", "text" or "json": the mode, else -1. */
int fx_meter_parse(const char *text);

/* The mode of a tool that was not given --progress: the text line when
 * stderr is a terminal and not quiet, else none. */
int fx_meter_default_mode(int quiet);

/* Starts the meter in mode, its lines to f (stderr; a file in tests).
 * The clock of every line's "t" starts here. */
void fx_meter_start(int mode, FILE *f);
int fx_meter_mode(void);

/* Lines after this carry "image": path (verify; NULL: none). Borrowed
 * until the next call. */
void fx_meter_image(const char *path);

/* A phase begins (the one before ends first): its JSON name
 * ("reading"), its text label ("acquire: reading: ") and its total in
 * bytes, or FX_METER_UNKNOWN. Its first line is written at once, at 0
 * bytes. name and label are borrowed until the phase ends. */
void fx_meter_phase(const char *name, const char *label, uint64_t total);

/* A phase that begins where an earlier pass left off (a resume's
 * reading, from its checkpoint): its first line at bytes, not 0. */
void fx_meter_phase_at(const char *name, const char *label, uint64_t total,
		       uint64_t bytes);

/* How far the phase's pass over the media has got: an fx_progress_cb
 * (payload unused). */
void fx_meter_update(const fx_progress *p, void *payload);

/* How far a phase counted in files has got. The first call for a phase
 * of another name begins it (with these numbers as its first line). */
void fx_meter_files(const char *name, const char *label,
		    const fx_verify_files_progress *p);

/* Ends the phase: JSON writes its last state if it was held back by the
 * rate limit; text ends its line. Nothing when no phase is on. */
void fx_meter_end(void);

/* The last line of a run (JSON only): how it ended. Texts may be NULL
 * (not written); bytes and total are written when has_bytes. */
typedef struct fx_meter_result {
	int exit_code;
	const char *status;
	const char *error;
	int has_bytes;
	uint64_t bytes, total, unreadable_sectors;
	const char *verification, *source_verification;
	long images;                 /* verify: images checked; -1: none */
} fx_meter_result;

#define FX_METER_RESULT_INIT { 0, NULL, NULL, 0, 0, FX_METER_UNKNOWN, 0, \
	NULL, NULL, -1 }

/* Ends the phase, then writes the "done" line (JSON mode only). */
void fx_meter_done(const fx_meter_result *r);

/* Tests: the clock in seconds (monotonic by default). */
void fx_meter_set_clock(double (*now)(void));

#endif
