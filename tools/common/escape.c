/*
 * fx_tool_escape: the library's fx_text_escape into a few reusable heap
 * buffers, so that a print site wraps each recorded value in one call and
 * nothing is cut (each buffer grows to the text it holds). The buffers are
 * kept for the life of the process. Not thread-safe: the tools print from
 * their main thread only.
 */
#include <stdlib.h>

#include "escape.h"
#include "forensic/util.h"

const char *fx_tool_escape(const char *s)
{
	static char *slot[FX_ESCAPE_SLOTS];
	static size_t cap[FX_ESCAPE_SLOTS];
	static unsigned next;
	unsigned i = next++ % FX_ESCAPE_SLOTS;
	size_t n = fx_text_escape(NULL, 0, s, 0);
	char *p;

	if (n + 1 > cap[i]) {
		if (!(p = realloc(slot[i], n + 1)))
			return "(text not shown: out of memory)";
		slot[i] = p;
		cap[i] = n + 1;
	}
	fx_text_escape(slot[i], cap[i], s, 0);
	return slot[i];
}
