/* Small helpers around libewf shared by the E01 writer and reader. */
#ifndef FX_EWF_UTIL_H
#define FX_EWF_UTIL_H

#include <libewf.h>

/* Segment files a libewf read handle keeps open at most (libewf closes
 * the least recently used): a set can have thousands of segments, more
 * than `ulimit -n` allows, and the reader needs one or two at a time. */
#define FX_EWF_OPEN_SEGMENTS 16

/* Segments of an EWF set: E01..E99, then EAA..EZZ, FAA.. up to ZZZ. */
#define FX_EWF_MAX_SEGMENTS 14971u

/*
 * The name of segment `index` (0-based) of target's set, as libewf names
 * it: target + ".E01" for index 0 with ext0 'E' ('e' for EWFX sets).
 * FX_EUSAGE past FX_EWF_MAX_SEGMENTS or when the name does not fit.
 */
int fx_ewf_segment_path(char *out, size_t outlen, const char *target,
			char ext0, unsigned index);

/*
 * The inverse: the 0-based index of a segment extension ("E01" -> 0,
 * "EAA" -> 99, "ZZZ" -> 14970; "e01"... for EWFX), with its first letter
 * of the series ('E' or 'e') in *ext0; -1 if ext is none of these.
 */
int fx_ewf_segment_index(const char *ext, char *ext0);

/* Sets the last error to "<what>: <libewf's message>", frees error, and
 * returns code. */
int fx_ewf_error(int code, libewf_error_t **error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
