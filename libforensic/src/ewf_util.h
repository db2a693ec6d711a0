/* Small helpers around libewf shared by the E01 writer and reader. */
#ifndef FX_EWF_UTIL_H
#define FX_EWF_UTIL_H

#include <libewf.h>

/* Sets the last error to "<what>: <libewf's message>", frees error, and
 * returns code. */
int fx_ewf_error(int code, libewf_error_t **error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
