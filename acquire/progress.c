/*
 * acquire's progress lines on stderr, shown when it is a terminal and
 * without --quiet, one phase at a time so that no line stays frozen at
 * 100% while work goes on: the acquisition ("acquire: "), the read-back of
 * the image and of the source ("acquire: verifying image: "), and the
 * hashing of image files from storage when it outlasts the read-back
 * ("acquire: hashing image files: "), counted in files and bytes.
 *
 * Threads: every line is written by the main thread (libforensic calls
 * the verification's callbacks on it).
 */
#include <stdint.h>
#include <unistd.h>

#include "acquire_cli.h"

static int progress_on(const acq_state *st)
{
	return !st->opt.quiet && isatty(STDERR_FILENO);
}

void acq_progress_hook(const acq_state *st, fx_acquire_options *ao,
		       const char *label)
{
	if (!progress_on(st))
		return;
	ao->progress = fx_tool_progress;
	ao->progress_payload = (void *)(uintptr_t)label; /* read only */
}

/* The files' line comes after the media's, which is ended first where the
 * media read ended (called on the main thread, by the verification). */
static void show_files(const fx_verify_files_progress *p, void *payload)
{
	acq_state *st = payload;

	if (!st->files_line) {
		fx_tool_progress_end();
		st->files_line = 1;
	}
	fx_tool_progress_files("acquire: hashing image files: ", p->files_done,
			       p->files_total, p->bytes_done, p->bytes_total);
}

void acq_progress_verify_hook(acq_state *st, fx_verify_options *vo)
{
	if (!progress_on(st))
		return;
	vo->progress = fx_tool_progress;
	vo->progress_payload = (void *)(uintptr_t)"acquire: verifying image: ";
	vo->files_progress = show_files;
	vo->files_progress_payload = st;
}
