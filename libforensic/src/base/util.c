/* Size parsing; a pure function, thread-safe. (UTC times: utc.c.) */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "forensic/util.h"

int fx_parse_size(uint64_t *out, const char *text)
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

	FX_CHECK_ARG(out);
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
	return fx_error_set(FX_EUSAGE,
			    "invalid size '%s' (a positive number of bytes, optionally with K, M, G or T)",
			    text ? text : "");
}
