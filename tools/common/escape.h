/* Recorded text on the terminal and in the acquisition log. */
#ifndef FX_TOOL_ESCAPE_H
#define FX_TOOL_ESCAPE_H

/*
 * s as fx_text_escape() gives it (control characters, invalid UTF-8 and
 * bidirectional controls as C-style escapes, e.g. ESC as \x1b), for a
 * printf argument. Every text a user or a device gave (case and evidence
 * numbers, names, descriptions, paths, device strings) and every message
 * that may quote one goes through this before it reaches a terminal or
 * the log. JSON output does not: it has its own escapes.
 *
 * The result lives in one of FX_ESCAPE_SLOTS buffers used in turn, so up
 * to that many can be arguments of one printf; it stays valid until as
 * many later calls. Main thread only. NULL gives "".
 */
#define FX_ESCAPE_SLOTS 16
const char *fx_tool_escape(const char *s);

#endif
