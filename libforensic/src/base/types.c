/*
 * The words of the vocabulary (types.h): the names of acquisition states
 * and verdicts, as the case database stores them and the tools and reports
 * print them, and the reverse, for records read back. One table each, so
 * that the pipeline, the verifier and the case database cannot spell a
 * state two ways. No state; any thread.
 */
#include <string.h>

#include "base/types_int.h"

static const char *const status_names[] = {
	[FX_STATUS_RUNNING] = "running",
	[FX_STATUS_COMPLETED] = "completed",
	[FX_STATUS_COMPLETED_WITH_ERRORS] = "completed_with_errors",
	[FX_STATUS_FAILED] = "failed",
	[FX_STATUS_INTERRUPTED] = "interrupted",
};

static const char *const verdict_names[] = {
	[FX_VERDICT_VERIFIED] = "verified",
	[FX_VERDICT_MISMATCH] = "mismatch",
	[FX_VERDICT_ERROR] = "error",
	[FX_VERDICT_INTERRUPTED] = "interrupted",
};

#define FX_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *fx_status_name(int status)
{
	if (status < 0 || status >= FX_COUNT(status_names))
		return "?";
	return status_names[status];
}

const char *fx_verdict_name(int verdict)
{
	if (verdict < FX_VERDICT_VERIFIED || verdict >= FX_COUNT(verdict_names))
		return "?";
	return verdict_names[verdict];
}

int fx_status_from_name(const char *name, int fallback)
{
	int i;

	for (i = 0; name && i < FX_COUNT(status_names); i++)
		if (strcmp(name, status_names[i]) == 0)
			return i;
	return fallback;
}

int fx_verdict_from_name(const char *name, int fallback)
{
	int i;

	for (i = FX_VERDICT_VERIFIED; name && i < FX_COUNT(verdict_names); i++)
		if (strcmp(name, verdict_names[i]) == 0)
			return i;
	return fallback;
}
