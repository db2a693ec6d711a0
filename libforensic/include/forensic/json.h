/**
 * @file json.h
 * The JSON writer of the suite. The case database's audit events, the
 * verification result, the JSON report and the tools' --json summaries
 * are all written with it; they differ only in the flags given to
 * fx_json_new().
 *
 * A writer is built up call by call: containers are opened and closed,
 * an object's members are a fx_json_key() followed by one value. The
 * writer puts the commas, and in pretty layout the line breaks and the
 * indentation. The first failure (out of memory, text refused, keys out
 * of order, nesting deeper than 32) is kept and the later calls do
 * nothing; fx_json_text() returns it. Text is written either into memory
 * (fx_json_text() gives it) or straight to a stream.
 *
 * A writer belongs to one thread at a time.
 */
#ifndef FORENSIC_JSON_H
#define FORENSIC_JSON_H

#include <stdio.h>

#include "forensic/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A JSON writer (opaque). */
typedef struct fx_json fx_json;

/**
 * How a writer lays out, orders and escapes: FX_JSON_PRETTY or compact,
 * optionally FX_JSON_SORTED, and one FX_JSON_TEXT_ rule for strings.
 * Every rule escapes '"' and '\\' and every control character below
 * U+0020; they differ in the escapes used and in what becomes of bytes
 * that are not UTF-8. Each rule is what one output of the suite has
 * always written, byte for byte.
 */
enum fx_json_flags {
	/** Compact, no white space (the default). */
	FX_JSON_COMPACT = 0,
	/** One member or element per line, two spaces per level, "key": value. */
	FX_JSON_PRETTY = 1u << 0,
	/** Keys must be given in increasing byte order (checked, not sorted). */
	FX_JSON_SORTED = 1u << 1,
	/** \\b \\f \\n \\r \\t, other controls as \\u00xx; text that is not
	 * UTF-8 is refused (FX_EUSAGE). */
	FX_JSON_TEXT_STRICT = 0u << 2,
	/** As STRICT, but each byte that is not UTF-8 becomes U+FFFD. */
	FX_JSON_TEXT_REPLACE = 1u << 2,
	/** Every control as \\u00xx; each byte that is not UTF-8 as \\u00XX
	 * (the byte read as Latin-1). */
	FX_JSON_TEXT_LATIN1 = 2u << 2,
	/** \\n \\r \\t, other controls as \\u00xx; every other byte as given,
	 * UTF-8 or not (then the output is not valid JSON). */
	FX_JSON_TEXT_BYTES = 3u << 2
};

/** The bits of the flags that select the FX_JSON_TEXT_ rule. */
#define FX_JSON_TEXT_MASK (3u << 2)

/**
 * The canonical form the audit chain hashes: compact, keys in increasing
 * byte order, integers only, strict UTF-8 with the shortest escapes. For
 * the suite's data this is RFC 8785 (JCS): Python's json.dumps(obj,
 * sort_keys=True, separators=(",", ":"), ensure_ascii=False) gives the
 * same bytes.
 */
#define FX_JSON_CANONICAL \
	(FX_JSON_COMPACT | FX_JSON_SORTED | FX_JSON_TEXT_STRICT)

/**
 * A new writer with flags (enum fx_json_flags) into memory (stream NULL)
 * or to stream, which stays the caller's. FX_ERROR when out of memory.
 * Free with fx_json_free().
 */
FX_EXTERN int fx_json_new(fx_json **out, unsigned flags, FILE *stream);

/** Frees the writer and its text. NULL is allowed. */
FX_EXTERN void fx_json_free(fx_json *j);

/** Open and close an object or an array (as a value). */
FX_EXTERN void fx_json_object_begin(fx_json *j);
FX_EXTERN void fx_json_object_end(fx_json *j);
FX_EXTERN void fx_json_array_begin(fx_json *j);
FX_EXTERN void fx_json_array_end(fx_json *j);

/** The key of the next member of the object being written. The key is
 * kept (not copied) until the object ends when FX_JSON_SORTED. */
FX_EXTERN void fx_json_key(fx_json *j, const char *key);

/** A string value of len bytes (may hold NUL, escaped as \\u0000). */
FX_EXTERN void fx_json_string(fx_json *j, const char *s, size_t len);
/** A string value; NULL is written as null. */
FX_EXTERN void fx_json_cstring(fx_json *j, const char *s);
/** Numbers, booleans (0 false, else true) and null. */
FX_EXTERN void fx_json_int(fx_json *j, int64_t v);
FX_EXTERN void fx_json_uint(fx_json *j, uint64_t v);
FX_EXTERN void fx_json_bool(fx_json *j, int v);
FX_EXTERN void fx_json_null(fx_json *j);
/** Text that is already JSON (a number with a fraction, an object written
 * elsewhere), as one value, unchecked. */
FX_EXTERN void fx_json_raw(fx_json *j, const char *text);

/**
 * A member of the object being written: fx_json_key(j, key), then the
 * value as above (fx_json_cstring for a string: NULL is null). With key
 * NULL, an element of the array being written.
 */
FX_EXTERN void fx_json_member_string(fx_json *j, const char *key,
				     const char *s);
FX_EXTERN void fx_json_member_int(fx_json *j, const char *key, int64_t v);
FX_EXTERN void fx_json_member_uint(fx_json *j, const char *key, uint64_t v);
FX_EXTERN void fx_json_member_bool(fx_json *j, const char *key, int v);

/**
 * 0 and, for a writer into memory, the text written so far (borrowed,
 * NUL-terminated, valid until the next call on j; NULL for a stream) and
 * its length; or the code of the first failure, whose message
 * fx_error_last() gave when it happened. text and len may be NULL.
 */
FX_EXTERN int fx_json_text(const fx_json *j, const char **text, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
