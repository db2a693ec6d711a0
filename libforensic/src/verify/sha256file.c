/*
 * NAME.sha256, the list of an image's files with their SHA-256 that
 * `sha256sum -c` checks: written here for an acquisition and read here for
 * a verification, so that the format, its escapes and the rule for when a
 * list may exist are known in one place.
 *
 * The rule is one for every format: a list is written only for a whole
 * image (the acquisition completed, with or without unreadable sectors)
 * whose every file has a SHA-256; a list of part of a set would let
 * `sha256sum -c` pass on part of the evidence. The file is evidence like
 * the image: created O_EXCL|O_NOFOLLOW (never over anything, never through
 * a link), read-only, flushed to storage, and removed again when it could
 * not be written completely.
 *
 * The format is sha256sum's: "HASH  NAME", NAME the file's base name; a
 * name holding a backslash, a line feed or a carriage return is written
 * with a leading backslash and those escaped (\\, \n, \r), as coreutils
 * writes such names, so that sha256sum and the reader here read it back.
 * No threads, no state.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "base/hex.h"
#include "verify/verify_int.h"

/* ---- the rule -------------------------------------------------------------- */

int fx_sha256_file_withheld(size_t *unhashed, fx_status status,
			    const fx_image_file *files, size_t n)
{
	size_t i;

	if (status == FX_STATUS_INTERRUPTED)
		return FX_SHA256_INTERRUPTED;
	if (status != FX_STATUS_COMPLETED && status != FX_STATUS_COMPLETED_WITH_ERRORS)
		return FX_SHA256_NOT_FINISHED;
	if (!n)
		return FX_SHA256_NO_FILES;
	for (i = 0; i < n; i++)
		if (!files[i].sha256[0]) {
			if (unhashed)
				*unhashed = i;
			return FX_SHA256_UNHASHED;
		}
	return FX_SHA256_ALLOWED;
}

/* ---- writing --------------------------------------------------------------- */

/* One line as sha256sum writes it (see the top of the file). */
static void write_line(FILE *f, const char *sha256, const char *name)
{
	const char *p;

	if (!strpbrk(name, "\\\n\r")) {
		fprintf(f, "%s  %s\n", sha256, name);
		return;
	}
	fprintf(f, "\\%s  ", sha256);
	for (p = name; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\r')
			fputs("\\r", f);
		else
			fputc(*p, f);
	}
	fputc('\n', f);
}

/* Every line to fd, flushed to storage; the fd is closed. 0, or -1 with
 * errno. */
static int write_lines(int fd, const fx_image_file *files, size_t n)
{
	FILE *f = fdopen(fd, "w");
	char copy[PATH_MAX];
	size_t i;
	int rc = 0, err = 0;

	if (!f) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(copy, sizeof(copy), "%s", files[i].path);
		write_line(f, files[i].sha256, basename(copy));
	}
	if (fflush(f) != 0 || fsync(fd) != 0) {
		rc = -1;
		err = errno;
	}
	if (fclose(f) != 0 && !rc) {
		rc = -1;
		err = errno;
	}
	errno = err;
	return rc;
}

/* Creates path as the image files are created: O_EXCL|O_NOFOLLOW, read-only.
 * A name taken is said as fx_evidence_path_check says it ("... (a
 * symbolic link, never followed)"). The fd, or a negative code. */
static int create_list(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	int err = errno;

	if (fd >= 0)
		return fd;
	if (err == EEXIST && fx_evidence_path_check(path) != 0)
		return fx_error_last_code();
	return fx_error_set(fx_error_from_errno(err), "cannot create %s: %s", path,
			    strerror(err));
}

int fx_sha256_file_write(int *created, const char *path, fx_status status,
			 const fx_image_file *files, size_t n)
{
	int fd, err;

	if (created)
		*created = 0;
	FX_CHECK_ARG(path);
	if (n)
		FX_CHECK_ARG(files);
	if (fx_sha256_file_withheld(NULL, status, files, n) != FX_SHA256_ALLOWED)
		return fx_error_set(FX_EUSAGE,
				    "%s is not written: the image is not whole (an unfinished acquisition, or a file without a SHA-256)",
				    path);
	if ((fd = create_list(path)) < 0)
		return fd;
	if (write_lines(fd, files, n) == 0)
		return 0;
	err = errno;
	unlink(path); /* created here (O_EXCL): a partial list must not stay */
	if (created)
		*created = 1;
	return fx_error_set(fx_error_from_errno(err), "cannot write %s: %s", path,
			    strerror(err));
}

/* ---- reading --------------------------------------------------------------- */

void fx_sha256_file_beside(char *out, size_t len, const char *image)
{
	char copy[PATH_MAX];
	char *base, *dot;

	snprintf(copy, sizeof(copy), "%s", image);
	base = strrchr(copy, '/');
	base = base ? base + 1 : copy;
	if ((dot = strrchr(base, '.')) != NULL && dot != base)
		*dot = '\0';
	if (snprintf(out, len, "%s.sha256", copy) >= (int)len)
		out[0] = '\0';
}

/* len hex digits (either case) at s, then the end or a blank. */
static int is_hex(const char *s, size_t len)
{
	return fx_hex_span(s, len) &&
	       (s[len] == '\0' || s[len] == ' ' || s[len] == '\t');
}

/*
 * sha256sum's escaped name, in place: on a line that starts with a
 * backslash, the name has \\ for a backslash, \n for a line feed and \r
 * for a carriage return. 0, or -1 for any other escape.
 */
static int unescape(char *name)
{
	char *in = name, *out = name;

	for (; *in; in++) {
		if (*in != '\\') {
			*out++ = *in;
			continue;
		}
		in++;
		if (*in == '\\')
			*out++ = '\\';
		else if (*in == 'n')
			*out++ = '\n';
		else if (*in == 'r')
			*out++ = '\r';
		else
			return -1;
	}
	*out = '\0';
	return 0;
}

/* One line (changed in place) to cb: blank lines and comments are not
 * given, a line that is no entry is given without hash and name. */
static int read_line(char *line, unsigned lineno, fx_sha256_file_cb cb,
		     void *payload)
{
	char sha[65], *name;
	size_t len = strcspn(line, "\r\n");
	int escaped = line[0] == '\\';

	line[len] = '\0';
	if (!line[0] || line[0] == '#')
		return 0;
	line += escaped;
	len -= (size_t)escaped;
	name = line + 64;
	if (len < 67 || !is_hex(line, 64) || name[0] != ' ' ||
	    (name[1] != ' ' && name[1] != '*') || !name[2] ||
	    (escaped && unescape(name + 2) != 0))
		return cb(NULL, NULL, lineno, payload);
	fx_hex_lower(sha, line, 64);
	return cb(sha, name + 2, lineno, payload);
}

int fx_sha256_file_read(const char *path, fx_sha256_file_cb cb, void *payload)
{
	char line[PATH_MAX + 128];
	unsigned lineno = 0;
	FILE *f;
	int rc = 0;

	FX_CHECK_ARG(path);
	FX_CHECK_ARG(cb);
	if (!(f = fopen(path, "r")))
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "cannot read %s", path);
	/* a line longer than the buffer is read as several (as it always was) */
	while (!rc && fgets(line, sizeof(line), f))
		rc = read_line(line, ++lineno, cb, payload);
	fclose(f);
	return rc;
}
