/**
 * @file util.h
 * Text the library and its callers share: UTC times as the records hold
 * them, UTF-8 as the library decides it, and recorded text made safe for
 * a terminal or a plain-text file (what a caller needs to show a record).
 */
#ifndef FORENSIC_UTIL_H
#define FORENSIC_UTIL_H

#include <time.h>

#include "forensic/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Formats t (UTC) as ISO 8601 "2026-11-24T21:36:44Z" into out (>= 21). */
FX_EXTERN void fx_format_utc(char *out, size_t outlen, time_t t);

/**
 * The UTF-8 character at s (at most n bytes): its length, 1 to 4, with its
 * code point in *cp (cp may be NULL); 0 if s does not start with a valid
 * sequence (strict: no overlong forms, no surrogates, nothing above
 * U+10FFFF) or n is 0. Reads no further than the first byte that does not
 * continue the sequence, so a NUL-terminated s can be given n = SIZE_MAX.
 * The one UTF-8 decoder of the library: the JSON writer, the reports and
 * fx_text_escape() decide with it what is UTF-8.
 */
FX_EXTERN size_t fx_utf8_decode(uint32_t *cp, const char *s, size_t n);

/** fx_text_escape() flag: a line feed (or CR LF) stays a line break. */
#define FX_ESCAPE_KEEP_LF 1u

/**
 * Recorded text (a case number, a device's model string, a path, a message
 * quoting one) made safe to show on a terminal or in a plain-text file, so
 * that it cannot move the cursor, retitle or clear the terminal, or reorder
 * the line: printable UTF-8 is kept as it is; a backslash is doubled; tab,
 * line feed and carriage return become \t, \n, \r; every other C0
 * control and DEL becomes \xNN (ESC is \x1b); C1 controls, the Unicode
 * bidirectional controls (U+061C, U+200E, U+200F, U+202A to U+202E,
 * U+2066 to U+2069) and the line and paragraph separators (U+2028,
 * U+2029) become \uNNNN; each byte that is not part of valid UTF-8
 * becomes \xNN. Nothing is dropped: the escaped text reads back to the
 * recorded bytes. flags: FX_ESCAPE_KEEP_LF or 0. s NULL is "".
 *
 * Writes at most size bytes, NUL included, to out (out may be NULL when
 * size is 0) and returns the length of the whole escaped text, as snprintf
 * does: a return value >= size means out holds only its beginning. The
 * escaped text is at most 4 times as long as s.
 */
FX_EXTERN size_t fx_text_escape(char *out, size_t size, const char *s,
				unsigned flags);

#ifdef __cplusplus
}
#endif
#endif
