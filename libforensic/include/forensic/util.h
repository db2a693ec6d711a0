/**
 * @file util.h
 * Parsing and formatting shared by the tools: sizes and UTC times.
 */
#ifndef FORENSIC_UTIL_H
#define FORENSIC_UTIL_H

#include <time.h>

#include "forensic/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Parses a size: a whole number of bytes with an optional binary suffix
 * K, M, G, T (also KiB, MiB, GiB, TiB; case-insensitive). "1M" = 1048576.
 * FX_EUSAGE names the text on a malformed value, zero, or overflow.
 */
FX_EXTERN int fx_parse_size(uint64_t *out, const char *text);

/** Formats t (UTC) as ISO 8601 "2026-11-24T21:36:44Z" into out (>= 21). */
FX_EXTERN void fx_format_utc(char *out, size_t outlen, time_t t);

#ifdef __cplusplus
}
#endif
#endif
