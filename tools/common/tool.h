/* Shared by the acquire and verify tools: exit codes, progress, JSON
 * output, and who/where facts for the record. */
#ifndef FX_TOOL_H
#define FX_TOOL_H

#include <stdint.h>
#include <stdio.h>

#include "forensic/forensic.h"

/* Exit codes, the same across the suite (see README and man pages). */
enum {
	FX_EXIT_OK = 0,
	FX_EXIT_EVIDENCE = 1,    /* verification mismatch, corruption */
	FX_EXIT_USAGE = 2,
	FX_EXIT_BAD_SECTORS = 3, /* acquired, with unreadable sectors */
	FX_EXIT_FAILURE = 4,     /* I/O, no space, device gone, database */
	FX_EXIT_SIGINT = 130,
	FX_EXIT_SIGTERM = 143
};

/* Set by SIGINT/SIGTERM handlers to the signal number. */
extern volatile sig_atomic_t fx_tool_signal;
void fx_tool_install_signals(void);

/* The command line as one shell-quoted string (static buffer). */
const char *fx_tool_command_line(int argc, char **argv);
/* --operator, else $SUDO_USER, else the login name of the real uid. */
const char *fx_tool_operator(const char *given);
/* "hostname (Linux 6.1.0 x86_64)" (static buffer). */
const char *fx_tool_host(void);
/* Hostname alone (static buffer). */
const char *fx_tool_hostname(void);

/* Progress line on stderr, rewritten in place; payload: const char *label. */
void fx_tool_progress(const fx_progress *p, void *payload);
void fx_tool_progress_end(void);

/* Minimal JSON writer for summaries. */
void fx_json_string(FILE *f, const char *s);

#endif
