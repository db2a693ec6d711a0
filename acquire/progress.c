/*
 * acquire's progress lines on stderr, shown when it is a terminal and
 * without --quiet, one phase at a time so that no line stays frozen at
 * 100% while work goes on: the acquisition ("acquire: "), the read-back of
 * the image and of the source ("acquire: verifying image: "), and the
 * hashing of image files from storage when it outlasts the read-back
 * ("acquire: hashing image files: "), counted in files and bytes.
 *
 * Threads: the counters are written by the thread hashing the image files
 * and read by the main thread, with atomics; everything else is the main
 * thread's.
 */
#include <time.h>
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

/* The files the hashing will read: those without a SHA-256 yet. */
void acq_progress_files_plan(acq_state *st)
{
	size_t i, n = 0;
	uint64_t bytes = 0;

	for (i = 0; i < st->nfiles; i++)
		if (!st->files[i].sha256[0]) {
			n++;
			bytes += st->files[i].size;
		}
	__atomic_store_n(&st->hash_files_done, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&st->hash_bytes_done, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&st->hash_files_total, n, __ATOMIC_RELAXED);
	__atomic_store_n(&st->hash_bytes_total, bytes, __ATOMIC_RELAXED);
}

void acq_progress_file_done(acq_state *st, uint64_t bytes)
{
	__atomic_add_fetch(&st->hash_bytes_done, bytes, __ATOMIC_RELAXED);
	__atomic_add_fetch(&st->hash_files_done, 1, __ATOMIC_RELAXED);
}

static void show_files(const acq_state *st)
{
	fx_tool_progress_files("acquire: hashing image files: ",
			       __atomic_load_n(&st->hash_files_done, __ATOMIC_RELAXED),
			       __atomic_load_n(&st->hash_files_total, __ATOMIC_RELAXED),
			       __atomic_load_n(&st->hash_bytes_done, __ATOMIC_RELAXED),
			       __atomic_load_n(&st->hash_bytes_total, __ATOMIC_RELAXED));
}

void acq_progress_files_wait(acq_state *st, const int *finished)
{
	const struct timespec tick = { 0, 250 * 1000 * 1000 };
	int shown = 0;

	if (!progress_on(st))
		return;
	while (!__atomic_load_n(finished, __ATOMIC_ACQUIRE) && !fx_tool_signo()) {
		show_files(st);
		shown = 1;
		nanosleep(&tick, NULL);
	}
	if (shown) {
		show_files(st);
		fx_tool_progress_end();
	}
}
