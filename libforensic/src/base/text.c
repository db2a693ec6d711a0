/*
 * Recorded text made safe for a terminal or a plain-text file
 * (fx_text_escape, forensic/util.h): the tools print every recorded value
 * and every message quoting one through it, on the terminal and in the
 * acquisition log, and the text report does too (fx_rpt_text_clean).
 * C-style escapes, so nothing is lost: the escaped text reads back to the
 * recorded bytes. UTF-8 is decoded by base/utf8.
 *
 * Threading: no state; any thread.
 */
#include <stdio.h>

#include "base/utf8.h"
#include "forensic/util.h"

/* Not C0/C1 controls, but as dangerous on a terminal: they reorder the
 * rest of the line (bidirectional controls) or break it. */
static int is_layout_control(uint32_t cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Appends n bytes to out as far as size allows; *len counts them all. */
static void text_put(char *out, size_t size, size_t *len, const char *s,
		     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, (*len)++)
		if (*len + 1 < size)
			out[*len] = s[i];
}

size_t fx_text_escape(char *out, size_t size, const char *s, unsigned flags)
{
	const char *at;
	char buf[16];   /* room for any value %04x can print */
	size_t len = 0;
	uint32_t cp;

	while (s && *s) {
		at = s;
		cp = fx_utf8_next(&s);
		if (cp == FX_UTF8_REPLACEMENT && s - at == 1) {  /* not UTF-8 */
			snprintf(buf, sizeof(buf), "\\x%02x", (unsigned char)*at);
			text_put(out, size, &len, buf, 4);
		} else if (cp == '\\') {
			text_put(out, size, &len, "\\\\", 2);
		} else if ((flags & FX_ESCAPE_KEEP_LF) &&
			   (cp == '\n' || (cp == '\r' && *s == '\n'))) {
			if (cp == '\n')
				text_put(out, size, &len, "\n", 1);
		} else if (cp == '\t' || cp == '\n' || cp == '\r') {
			text_put(out, size, &len, cp == '\t' ? "\\t" : cp == '\n'
				 ? "\\n" : "\\r", 2);
		} else if (cp < 0x20 || cp == 0x7F) {
			snprintf(buf, sizeof(buf), "\\x%02x", (unsigned)cp);
			text_put(out, size, &len, buf, 4);
		} else if (fx_utf8_is_control(cp) || is_layout_control(cp)) {
			snprintf(buf, sizeof(buf), "\\u%04x", (unsigned)cp);
			text_put(out, size, &len, buf, 6);
		} else {
			text_put(out, size, &len, at, (size_t)(s - at));
		}
	}
	if (size)
		out[len < size ? len : size - 1] = '\0';
	return len;
}
