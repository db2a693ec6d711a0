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

/*
 * The checks at a public entry, one form each (STYLE.md, "Versions that let
 * old callers in"):
 *
 * - a required pointer argument that is NULL is FX_EUSAGE, "FUNCTION: ARG
 *   is required" (fx_error_arg_missing; FX_CHECK_ARG(arg) in the public
 *   function itself names it and the argument);
 * - a versioned struct (options, records, ops) is served at any version
 *   from 1 to the library's: a newer library serves an older caller, and
 *   reads only the fields that caller's version has. 0 (never set) and a
 *   version newer than the library's are FX_EUSAGE, "NAME version V,
 *   expected 1 to MAX", where NAME is "the_public_function: its_struct_type"
 *   (fx_error_version_check; FX_CHECK_VERSION(ptr, MAX, NAME)).
 *
 * The macros return the code from the function they are used in.
 */
int fx_error_arg_missing(const char *function, const char *arg);
int fx_error_version_check(unsigned int version, unsigned int max,
			   const char *name);

#define FX_CHECK_ARG(arg) \
	do { \
		if (!(arg)) \
			return fx_error_arg_missing(__func__, #arg); \
	} while (0)

#define FX_CHECK_VERSION(ptr, max, name) \
	do { \
		int fx_version_rc_ = fx_error_version_check((ptr)->version, \
							    (max), (name)); \
		if (fx_version_rc_) \
			return fx_version_rc_; \
	} while (0)

/* Whether the caller's cancel flag is set (NULL: never). The flag is set
 * by a signal handler, which may run on any thread: read it atomically. */
static inline int fx_cancelled(volatile sig_atomic_t *cancel)
{
	return cancel && __atomic_load_n(cancel, __ATOMIC_RELAXED) != 0;
}

#endif
