/* Helpers shared by the tools (see tool.h). Single-threaded except the
 * progress callback, which the library calls from its reader thread only. */
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "tool.h"

volatile sig_atomic_t fx_tool_signal;

static void on_signal(int signo)
{
	fx_tool_signal = signo;
}

void fx_tool_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN); /* a file-size limit is a write error */
}

static int needs_quotes(const char *s)
{
	if (!*s)
		return 1;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-_./=:,+@%", *s))
			return 1;
	return 0;
}

const char *fx_tool_command_line(int argc, char **argv)
{
	static char line[16384];
	size_t len = 0;
	int i;
	const char *s;

	line[0] = '\0';
	for (i = 0; i < argc && len + 8 < sizeof(line); i++) {
		if (i)
			line[len++] = ' ';
		if (!needs_quotes(argv[i])) {
			len += (size_t)snprintf(line + len, sizeof(line) - len,
						"%s", argv[i]);
			continue;
		}
		line[len++] = '\'';
		for (s = argv[i]; *s && len + 6 < sizeof(line); s++) {
			if (*s == '\'') {
				memcpy(line + len, "'\\''", 4);
				len += 4;
			} else {
				line[len++] = *s;
			}
		}
		line[len++] = '\'';
		line[len] = '\0';
	}
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	line[len] = '\0';
	return line;
}

const char *fx_tool_operator(const char *given)
{
	static char name[256];
	struct passwd *pw;
	const char *sudo = getenv("SUDO_USER");

	if (given && *given)
		return given;
	if (sudo && *sudo)
		return sudo;
	pw = getpwuid(getuid());
	snprintf(name, sizeof(name), "%s", pw ? pw->pw_name : "unknown");
	return name;
}

const char *fx_tool_hostname(void)
{
	static char host[256];

	if (gethostname(host, sizeof(host) - 1) != 0)
		strcpy(host, "unknown");
	return host;
}

const char *fx_tool_host(void)
{
	static char line[600];
	struct utsname u;

	if (uname(&u) != 0)
		return fx_tool_hostname();
	snprintf(line, sizeof(line), "%s (%s %s %s)", fx_tool_hostname(),
		 u.sysname, u.release, u.machine);
	return line;
}

static int progress_shown;

void fx_tool_progress(const fx_progress *p, void *payload)
{
	const char *label = payload ? payload : "";
	double pct = p->bytes_total ? 100.0 * (double)p->bytes_done /
					      (double)p->bytes_total : 100.0;
	double rate = p->elapsed_s > 0 ? (double)p->bytes_done / p->elapsed_s : 0;
	double eta = rate > 0 ? (double)(p->bytes_total - p->bytes_done) / rate : 0;
	unsigned e = (unsigned)eta;

	fprintf(stderr,
		"\r%s%.2f / %.2f GiB (%5.1f%%)  %7.1f MB/s  ETA %02u:%02u:%02u  unreadable sectors: %llu ",
		label, (double)p->bytes_done / 1073741824.0,
		(double)p->bytes_total / 1073741824.0, pct, rate / 1e6,
		e / 3600, e / 60 % 60, e % 60,
		(unsigned long long)p->bad_sectors);
	progress_shown = 1;
}

void fx_tool_progress_end(void)
{
	if (progress_shown)
		fputc('\n', stderr);
	progress_shown = 0;
}

void fx_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
