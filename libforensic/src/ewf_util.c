/* libewf error plumbing: libewf reports through its own error objects;
 * we fold their text into the thread-local last error. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "ewf_util.h"

int fx_ewf_error(int code, libewf_error_t **error, const char *fmt, ...)
{
	char what[512], why[512] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (error && *error) {
		libewf_error_sprint(*error, why, sizeof(why));
		libewf_error_free(error);
	}
	why[strcspn(why, "\n")] = '\0';
	return fx_error_set(code, "%s%s%s", what, why[0] ? ": " : "", why);
}
