/* Internal error helpers: set the thread-local last error and return code. */
#ifndef FX_ERROR_H
#define FX_ERROR_H

#include <signal.h>

#include "forensic/common.h"

/* Sets the last error to the formatted message and returns code. */
int fx_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* As fx_error_set, appending ": <strerror(errnum)>". */
int fx_error_set_errno(int code, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Maps an errno value to the FX_E code a caller acts on. */
int fx_error_from_errno(int errnum);

/* Whether the caller's cancel flag is set (NULL: never). The flag is set
 * by a signal handler, which may run on any thread: read it atomically. */
static inline int fx_cancelled(volatile sig_atomic_t *cancel)
{
	return cancel && __atomic_load_n(cancel, __ATOMIC_RELAXED) != 0;
}

#endif
