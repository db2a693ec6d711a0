/* UTF-8, read and written in one place: the audit chain's canonical JSON,
 * the verification result, the reports and fx_text_escape all decide
 * "is this UTF-8?" with fx_utf8_decode. Pure functions, thread-safe. */
#ifndef FX_UTF8_H
#define FX_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "forensic/util.h"   /* fx_utf8_decode is public */

/* What a byte that is not part of valid UTF-8 becomes where text is
 * shown rather than kept (reports, JSON in the report's form). */
#define FX_UTF8_REPLACEMENT 0xFFFDu

/* 0 if the len bytes at s are valid UTF-8, else -1. One pass. */
int fx_utf8_check(const char *s, size_t len);

/* The next code point of the NUL-terminated text *p, advancing *p past
 * it; U+FFFD for a byte that does not start a valid sequence (*p then
 * advances by that one byte); 0 at the end (*p stays). */
uint32_t fx_utf8_next(const char **p);

/* 1 for a C0 or C1 control character or DEL (U+0000 to U+001F, U+007F
 * to U+009F): what no escaper lets through as it is. */
int fx_utf8_is_control(uint32_t cp);

/* The UTF-8 encoding of cp (at most U+10FFFF) into buf, which has room
 * for 4 bytes; returns its length. */
size_t fx_utf8_put(char *buf, uint32_t cp);

#endif
