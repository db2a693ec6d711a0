/* Helpers shared by the tools (see tool.h). Single-threaded; the progress
 * meter is meter.c's. */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "escape.h"
#include "tool.h"

volatile sig_atomic_t fx_tool_signal;

static void on_signal(int signo)
{
	/* the handler may run on any thread: readers load it atomically */
	__atomic_store_n(&fx_tool_signal, signo, __ATOMIC_RELAXED);
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

/* The long options that text ("--name" or "--name=value") names: exactly,
 * else every one it abbreviates, listed in cands. Returns the one meant
 * (NULL if none or several); *n is the number of candidates. */
static const struct option *long_named(const struct option *longopts,
				       const char *text, size_t *n,
				       char *cands, size_t clen)
{
	const char *name = text + 2;
	size_t len = strcspn(name, "="), used = 0;
	const struct option *o, *found = NULL;

	*n = 0;
	cands[0] = '\0';
	for (o = longopts; o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len)) {
			*n = 1;
			return o;
		}
	for (o = longopts; o->name; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		found = o;
		(*n)++;
		if (used < clen)
			used += (size_t)snprintf(cands + used, clen - used, "%s--%s",
						 used ? ", " : "", o->name);
	}
	return *n == 1 ? found : NULL;
}

/* One line saying what is wrong with the option getopt_long refused (it
 * returned rc, ':' or '?', with opterr 0). */
static void option_error(const char *tool, int rc, char **argv,
			 const struct option *longopts)
{
	const char *text = optind > 0 ? argv[optind - 1] : "";
	const struct option *o = NULL;
	char cands[512], word[1024];
	size_t n = 0;
	int is_long = text && !strncmp(text, "--", 2) && text[2];

	/* the word as typed, without its value: escaped, it may hold anything */
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(text, "="), text);
	if (is_long)
		o = long_named(longopts, text, &n, cands, sizeof(cands));
	/* a short option's error leaves optind on its own word or the next */
	if (is_long && optopt && (!o || o->val != optopt))
		is_long = 0;
	fprintf(stderr, "%s: ", tool);
	if (is_long && rc == ':')
		fprintf(stderr, "option '--%s' requires a value",
			o ? o->name : fx_tool_escape(word + 2));
	else if (rc == ':')
		fprintf(stderr, "option '-%c' requires a value", optopt);
	else if (is_long && o)
		fprintf(stderr, "option '--%s' does not take a value", o->name);
	else if (is_long && n > 1)
		fprintf(stderr, "option '%s' is ambiguous (%s)", fx_tool_escape(word),
			cands);
	else if (is_long)
		fprintf(stderr, "unrecognized option '%s'", fx_tool_escape(word));
	else if (optopt > 0x20 && optopt < 0x7f)
		fprintf(stderr, "unrecognized option '-%c'", optopt);
	else
		fprintf(stderr, "unrecognized option '%s'", fx_tool_escape(text));
	fprintf(stderr, " (see %s --help)\n", tool);
}

int fx_tool_getopt(const char *tool, int argc, char **argv,
		   const char *shortopts, const struct option *longopts)
{
	char spec[64];
	int rc;

	/* a leading ':' makes a missing value ':', told apart from '?' */
	snprintf(spec, sizeof(spec), ":%s", shortopts);
	opterr = 0;
	rc = getopt_long(argc, argv, spec, longopts, NULL);
	if (rc == '?' || rc == ':') {
		option_error(tool, rc, argv, longopts);
		return '?';
	}
	return rc;
}

int fx_tool_stdout_gone(void)
{
	struct pollfd p = { STDOUT_FILENO, 0, 0 };
	struct stat st;

	/* the write end of a pipe without readers polls as POLLERR */
	return fstat(STDOUT_FILENO, &st) == 0 && S_ISFIFO(st.st_mode) &&
	       poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

int fx_tool_finish_stdout(const char *tool, int code)
{
	sigset_t pipe_only;
	int err = 0;

	if (fflush(stdout) != 0)
		err = errno;
	if ((!err && !ferror(stdout)) || code != FX_EXIT_OK)
		return code; /* a verdict or a failure already said says more */
	if (err == EPIPE || fx_tool_stdout_gone()) {
		/* SIGPIPE was ignored so that no write could kill the work
		 * half-way; now that it is done, end as a filter would. */
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&pipe_only);
		sigaddset(&pipe_only, SIGPIPE);
		sigprocmask(SIG_UNBLOCK, &pipe_only, NULL);
		raise(SIGPIPE);
		return 128 + SIGPIPE;
	}
	fprintf(stderr, "%s: cannot write to standard output%s%s\n", tool,
		err ? ": " : "", err ? strerror(err) : "");
	return FX_EXIT_FAILURE;
}

void fx_tool_default_db(char *out, size_t outlen, const char *beside)
{
	char buf[PATH_MAX];
	int n;

	if (!beside) {
		n = snprintf(out, outlen, "%s", FX_TOOL_DB);
	} else {
		snprintf(buf, sizeof(buf), "%s", beside);
		n = snprintf(out, outlen, "%s/%s", dirname(buf), FX_TOOL_DB);
	}
	if (n < 0 || (size_t)n >= outlen)
		out[0] = '\0';
}

/* Decodes URI percent-escapes of n bytes at in into a new string. */
static char *percent_decode(const char *in, size_t n)
{
	char *out = malloc(n + 1), *o = out, hex[3] = { 0 };
	size_t i;

	for (i = 0; out && i < n; i++) {
		if (in[i] == '%' && i + 2 < n + 1 && isxdigit((unsigned char)in[i + 1]) &&
		    isxdigit((unsigned char)in[i + 2])) {
			hex[0] = in[i + 1];
			hex[1] = in[i + 2];
			*o++ = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			*o++ = in[i];
		}
	}
	if (out)
		*o = '\0';
	return out;
}

/* Where the password of a URI is, as written (percent-escaped): user:
 * PASSWORD@ in its authority, or a password=PASSWORD parameter; NULL if
 * none. *len is its length. */
static const char *password_span(const char *uri, size_t *len)
{
	const char *auth = strstr(uri, "://") + 3, *q = strchr(uri, '?'), *at,
		   *colon;
	size_t n = strcspn(auth, "/?");

	at = memrchr(auth, '@', n); /* the last: a password may hold '@' */
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	*len = colon ? (size_t)(at - colon - 1) : 0;
	if (colon)
		return colon + 1;
	while (q && *q) {
		const char *p = q + 1, *eq;
		size_t plen = strcspn(p, "&");
		char *key;
		int is_password;

		/* libpq decodes a key too: %70assword= is password= */
		eq = memchr(p, '=', plen);
		key = eq ? percent_decode(p, (size_t)(eq - p)) : NULL;
		is_password = key && !strcmp(key, "password");
		free(key);
		if (is_password) {
			*len = plen - (size_t)(eq + 1 - p);
			return eq + 1;
		}
		q = p[plen] ? p + plen : NULL;
	}
	return NULL;
}

/* The name is kept in one static pointer (reachable until exit): one
 * --db per process. The password is overwritten in arg itself (an
 * argv string), so that the process list (ps, /proc/PID/cmdline) shows
 * it for no longer than the parsing of the options. */
const char *fx_tool_db_arg(char *arg)
{
	static char *name;
	size_t n = strlen(arg) + 1, len = 0;
	const char *span;
	char *pw;

	if (!fx_casedb_location_is_uri(arg))
		return arg;
	if ((span = password_span(arg, &len)) != NULL &&
	    (pw = percent_decode(span, len)) != NULL) {
		setenv("PGPASSWORD", pw, 1);
		memset(pw, 0, len);
		free(pw);
	}
	free(name);
	name = malloc(n);
	if (name)
		fx_casedb_location_name(name, n, arg);
	if (span)
		memset(arg + (span - arg), 'x', len);
	return name ? name : "";   /* "": refused later as no database */
}

int fx_tool_abs_path(char *out, size_t outlen, const char *path)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;

	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		errno = EINVAL;
		return -1;
	}
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return errno = ENAMETOOLONG, -1;
	if (!realpath(dir, real))
		return -1;
	if ((size_t)snprintf(out, outlen, "%s%s%s", real, strcmp(real, "/") ? "/" : "",
			     base) >= outlen)
		return errno = ENAMETOOLONG, -1;
	return 0;
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
	char safe[4096];
	size_t len = 0;
	int i;
	const char *s, *arg;

	line[0] = '\0';
	for (i = 0; i < argc && len + 8 < sizeof(line); i++) {
		arg = argv[i];
		/* a connection URI's password is never recorded */
		if (fx_casedb_location_is_uri(arg)) {
			fx_casedb_location_name(safe, sizeof(safe), arg);
			arg = safe;
		} else if (!strncmp(arg, "--db=", 5) &&
			   fx_casedb_location_is_uri(arg + 5)) {
			memcpy(safe, "--db=", 5);
			fx_casedb_location_name(safe + 5, sizeof(safe) - 5,
						arg + 5);
			arg = safe;
		}
		if (i)
			line[len++] = ' ';
		if (!needs_quotes(arg)) {
			len += (size_t)snprintf(line + len, sizeof(line) - len,
						"%s", arg);
			continue;
		}
		line[len++] = '\'';
		for (s = arg; *s && len + 6 < sizeof(line); s++) {
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

static char fx_station[65];

int fx_tool_set_station(const char *name, char *msg, size_t msg_size)
{
	size_t n, i;

	if (!name && (fx_station[0] || !(name = getenv("FX_STATION"))))
		return 0;   /* --station given before, or no FX_STATION */
	n = strlen(name);
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			break;
	if (i < n) {
		snprintf(msg, msg_size, "station name holds a control character "
			 "(byte %zu)", i + 1);
		return -1;
	}
	if (n == 0 || n > 64) {
		snprintf(msg, msg_size, "station name '%.20s%s' is %zu characters "
			 "(1 to 64)", name, n > 20 ? "..." : "", n);
		return -1;
	}
	memcpy(fx_station, name, n + 1);
	return 0;
}

const char *fx_tool_station_host(void)
{
	static char line[256 + 80];
	const char *host = fx_tool_hostname();

	if (!fx_station[0] || !strcmp(fx_station, host))
		return host;
	snprintf(line, sizeof(line), "%s station %s", host, fx_station);
	return line;
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

fx_json *fx_tool_json_new(const char *tool, FILE *f)
{
	fx_json *j = NULL;

	if (fx_json_new(&j, FX_JSON_COMPACT | FX_JSON_TEXT_BYTES, f) != 0)
		fprintf(stderr, "%s: %s\n", tool, fx_error_last());
	return j;
}

void fx_tool_json_str(fx_json *j, const char *key, const char *s)
{
	fx_json_member_string(j, key, s ? s : "");
}
