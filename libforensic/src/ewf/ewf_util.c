/* libewf error plumbing (libewf reports through its own error objects; we
 * fold their text into the thread-local last error) and the names of the
 * segments of a set, as libewf writes them, for the writer and the reader
 * alike. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "ewf/ewf_util.h"

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

int fx_ewf_segment_path(char *out, size_t outlen, const char *target,
			char ext0, unsigned index)
{
	char add = ext0 >= 'a' ? 'a' : 'A', last = ext0 >= 'a' ? 'z' : 'Z';
	unsigned number = index + 1, rest;
	char ext[4];
	int n;

	if (number <= 99) {
		ext[0] = ext0;
		ext[1] = (char)('0' + number / 10);
		ext[2] = (char)('0' + number % 10);
	} else {
		/* E99 is followed by EAA..EZZ, FAA..FZZ, ... up to ZZZ */
		rest = number - 100;
		ext[2] = (char)(add + rest % 26);
		rest /= 26;
		ext[1] = (char)(add + rest % 26);
		rest /= 26;
		if (rest > (unsigned)(last - ext0))
			return fx_error_set(FX_EUSAGE,
					    "an E01 set has at most %u segments",
					    FX_EWF_MAX_SEGMENTS);
		ext[0] = (char)(ext0 + rest);
	}
	ext[3] = '\0';
	n = snprintf(out, outlen, "%s.%s", target, ext);
	if (n < 0 || (size_t)n >= outlen)
		return fx_error_set(FX_EUSAGE, "image name too long: %s", target);
	return 0;
}

int fx_ewf_segment_index(const char *ext, char *ext0)
{
	int upper = ext[0] >= 'A' && ext[0] <= 'Z';
	char first = upper ? 'E' : 'e', add = upper ? 'A' : 'a';

	if (strlen(ext) != 3 || ext[0] < first || ext[0] > first + ('Z' - 'E'))
		return -1;
	*ext0 = first;
	if (ext[0] == first && ext[1] >= '0' && ext[1] <= '9' &&
	    ext[2] >= '0' && ext[2] <= '9' && (ext[1] != '0' || ext[2] != '0'))
		return (ext[1] - '0') * 10 + (ext[2] - '0') - 1;
	if (ext[1] < add || ext[1] > add + 25 || ext[2] < add || ext[2] > add + 25)
		return -1;
	return 99 + (ext[0] - first) * 676 + (ext[1] - add) * 26 + (ext[2] - add);
}
