/* Shared by the acquire and verify tools: exit codes, progress, JSON
 * output (through libforensic's writer), and who/where facts for the
 * record. */
#ifndef FX_TOOL_H
#define FX_TOOL_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "forensic/forensic.h"
#include "meter.h"

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

/* getopt_long that says itself what is wrong with an option, in one line
 * like every other message ("TOOL: unrecognized option '--foo' (see TOOL
 * --help)"; also ambiguous abbreviations, missing and unexpected values),
 * and returns '?' for it. */
int fx_tool_getopt(const char *tool, int argc, char **argv,
		   const char *shortopts, const struct option *longopts);

/* At the end of main: flushes standard output. A code other than 0 (a
 * verdict, or a failure already told) is returned as it is. Otherwise, when
 * standard output's reader has gone (a closed pipe, `| head`), nothing is
 * said and the process ends by SIGPIPE as a filter would (the shell sees
 * 141); any other write error is one line on stderr and FX_EXIT_FAILURE. */
int fx_tool_finish_stdout(const char *tool, int code);
/* Whether standard output is a pipe nobody reads any more. */
int fx_tool_stdout_gone(void);

/* out = the canonical absolute directory of path (realpath) + "/" + its
 * last component, which is not resolved (a symlink is named, not
 * followed). Fails (-1, errno set) when the directory does not exist or
 * the last component is empty, "." or "..". */
int fx_tool_abs_path(char *out, size_t outlen, const char *path);

/* The case database a command uses when --db is not given: FX_TOOL_DB
 * ("case.db") in the directory of beside (the image or target the command
 * is about), or in the current directory when beside is NULL (commands
 * about a case, not an image). out is "" when it does not fit. The one
 * place that knows the rule. */
#define FX_TOOL_DB "case.db"
void fx_tool_default_db(char *out, size_t outlen, const char *beside);

/* The value of --db as the tool keeps it: a path as given; a PostgreSQL
 * URI (postgresql://, postgres://) less its password, which goes to
 * PGPASSWORD for libpq instead, so that no message, log line or JSON
 * output of the tool can show it; the password's characters in arg (an
 * argv string) are overwritten with 'x', so the process list stops
 * showing it. The result is valid until the next call ("" when out of
 * memory). */
const char *fx_tool_db_arg(char *arg);

/* The station a tool records its audit events from (--station NAME, else
 * the environment's FX_STATION, else none): checked to be 1 to 64
 * characters without control characters (0), else -1 with why in msg.
 * name NULL: FX_STATION, unless a name was set before. */
int fx_tool_set_station(const char *name, char *msg, size_t msg_size);

/* What the audit events record as their host: the host name, followed by
 * " station NAME" when a station other than the host name is set
 * (docs/casedb.md, "Stations"). Static storage. */
const char *fx_tool_station_host(void);

/* Set by SIGINT/SIGTERM handlers to the signal number. */
extern volatile sig_atomic_t fx_tool_signal;
void fx_tool_install_signals(void);
/* The signal received, 0 if none (read atomically: the handler may run on
 * any thread). */
static inline int fx_tool_signo(void)
{
	return __atomic_load_n(&fx_tool_signal, __ATOMIC_RELAXED);
}

/* The command line as one shell-quoted string (static buffer), each
 * connection URI in it without its password. */
const char *fx_tool_command_line(int argc, char **argv);
/* --operator, else $SUDO_USER, else the login name of the real uid. */
const char *fx_tool_operator(const char *given);
/* "hostname (Linux 6.1.0 x86_64)" (static buffer). */
const char *fx_tool_host(void);
/* Hostname alone (static buffer). */
const char *fx_tool_hostname(void);

/* The --json summaries: libforensic's JSON writer, compact, to f, with
 * the escapes the summaries have always had (FX_JSON_TEXT_BYTES). NULL
 * (said on stderr, prefixed with tool) when out of memory. */
fx_json *fx_tool_json_new(const char *tool, FILE *f);
/* A string member (key NULL: an array element); NULL is written "". */
void fx_tool_json_str(fx_json *j, const char *key, const char *s);

/* SIZE: a whole number of bytes with an optional binary suffix K, M, G,
 * T (also KiB, MiB, GiB, TiB; case-insensitive): "1M" = 1048576. A
 * malformed value, zero or an overflow is FX_EUSAGE with *out 0 and
 * "invalid size 'TEXT' (...)" in msg for the caller to print, cut to
 * msglen as snprintf does. A msg of FX_TOOL_MSG_MAX bytes cuts a long
 * TEXT where the library's last error, which held it before, did. */
#define FX_TOOL_MSG_MAX 1024
int fx_tool_parse_size(uint64_t *out, const char *text, char *msg,
		       size_t msglen);

#endif
