/* Internal helpers of the vocabulary (types.h), in base/types.c. */
#ifndef FX_TYPES_INT_H
#define FX_TYPES_INT_H

#include "forensic/types.h"

/* The fx_status / fx_verdict whose name (fx_status_name, fx_verdict_name)
 * is name, or fallback when none is (NULL, or a word of another version). */
int fx_status_from_name(const char *name, int fallback);
int fx_verdict_from_name(const char *name, int fallback);

#endif
