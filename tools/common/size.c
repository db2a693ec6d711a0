/*
 * SIZE arguments of the tools (--block-size, --segment-size, ...): a whole
 * number of bytes with an optional binary suffix. Only the tools read
 * sizes from people, so this lives here and not in the library; its
 * message is the one the library used to give, word for word, and the
 * caller prints it. A pure function, thread-safe.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tool.h"

int fx_tool_parse_size(uint64_t *out, const char *text, char *msg,
		       size_t msglen)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = { { "", 0 },    { "b", 0 },    { "k", 10 },   { "kib", 10 },
		      { "m", 20 },  { "mib", 20 }, { "g", 30 },   { "gib", 30 },
		      { "t", 40 },  { "tib", 40 } };
	unsigned long long v;
	char *end;
	size_t i;

	if (!out) {
		snprintf(msg, msglen, "fx_tool_parse_size: out is required");
		return FX_EUSAGE;
	}
	*out = 0;
	if (!text || !isdigit((unsigned char)text[0]))
		goto bad;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno == ERANGE)
		goto bad;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].suffix) != 0)
			continue;
		if (v == 0 || v > (UINT64_MAX >> units[i].shift))
			goto bad;
		*out = (uint64_t)v << units[i].shift;
		return 0;
	}
bad:
	snprintf(msg, msglen,
		 "invalid size '%s' (a positive number of bytes, optionally with K, M, G or T)",
		 text ? text : "");
	return FX_EUSAGE;
}
