/*
 * The structure of an EWF-1 (E01) segment set, checked before libewf reads
 * it. libewf opens whatever segments it finds: with a segment removed from
 * the middle or the end, or cut short, it opens the rest and fails (or
 * zero-fills) only when reading reaches the gap. A verifier must name the
 * file instead, before hashing, so every segment's section chain is walked
 * here:
 *
 *   file header   "EVF\t\r\n\xff\0", 0x01, segment number (u16 LE), 0x0000
 *   section       type[16], next offset (u64 LE), size (u64 LE), 40 bytes,
 *                 Adler-32 of the 72 bytes before it (u32 LE)
 *
 * Each descriptor's checksum must hold, each next offset must lie ahead and
 * inside the file, and the chain must end with "next" (more segments
 * follow) or, in the last segment only, "done". The walk reads 76 bytes per
 * section, so it costs nothing next to hashing, and it also keeps foreign
 * or mangled files away from libewf. EWF-2 (EVF2, Ex01) files are left to
 * libewf. No threads; the problem found is said to the caller of the
 * open as its fx_image_problem (which file, and how).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isa-l.h>
#include <libewf.h>

#include "base/error.h"
#include "base/vec.h"
#include "ewf/ewf_util.h"
#include "image/image_int.h"

#define EWF_HEADER_SIZE 13
#define EWF_SECTION_SIZE 76
#define EWF_MAX_SECTIONS (1u << 20)

static const uint8_t evf1[8] = { 'E', 'V', 'F', 0x09, 0x0d, 0x0a, 0xff, 0x00 };
static const uint8_t evf2[8] = { 'E', 'V', 'F', '2', 0x0d, 0x0a, 0x81, 0x00 };

enum { END_NONE, END_NEXT, END_DONE };

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int read_at(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : (int)done;
		done += (size_t)n;
	}
	return (int)done;
}

/* 1 for an EWF-1 signature, 2 for EWF-2, 0 for none. */
static int signature(const char *path)
{
	uint8_t sig[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC), n;

	if (fd < 0)
		return 0;
	n = read_at(fd, sig, sizeof(sig), 0);
	close(fd);
	if (n != 8)
		return 0;
	return !memcmp(sig, evf1, 8) ? 1 : !memcmp(sig, evf2, 8) ? 2 : 0;
}

int fx_ewf_has_signature(const char *path)
{
	return signature(path) != 0;
}

static int problem(fx_image_problem *pb, int kind, const char *file, int code,
		   const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Notes the problem in pb and the message in the last error; the code. */
static int problem(fx_image_problem *pb, int kind, const char *file, int code,
		   const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fx_image_problem_note(pb, kind, file);
	return fx_error_set(code, "%s", msg);
}

/* Type of a section as printable text; 0 if it is not. */
static int section_type(char out[17], const uint8_t *d)
{
	int i, end = 0;

	memcpy(out, d, 16);
	out[16] = '\0';
	for (i = 0; i < 16 && out[i]; i++)
		if (out[i] < 0x21 || out[i] > 0x7e)
			return 0;
	end = i;
	for (; i < 16; i++)
		if (out[i])
			return 0;
	return end > 0;
}

/* One section descriptor at off of a file of size bytes. Sets *next, or
 * *end for the last one. */
static int walk_section(int fd, const char *name, uint64_t size, uint64_t off,
			uint64_t *next, int *end, fx_image_problem *pb)
{
	uint8_t d[EWF_SECTION_SIZE];
	char type[17];
	uint64_t nx, len;

	if (off + EWF_SECTION_SIZE > size ||
	    read_at(fd, d, sizeof(d), off) != EWF_SECTION_SIZE)
		return problem(pb, FX_IMAGE_PROBLEM_TRUNCATED, name, FX_ECORRUPT,
			       "image segment %s is truncated: it ends at byte %llu, inside the section that starts at byte %llu",
			       name, (unsigned long long)size, (unsigned long long)off);
	if (isal_adler32(1, d, 72) != le32(d + 72))
		return problem(pb, FX_IMAGE_PROBLEM_CORRUPT, name, FX_ECORRUPT,
			       "image segment %s is damaged: the section descriptor at byte %llu fails its checksum",
			       name, (unsigned long long)off);
	if (!section_type(type, d))
		return problem(pb, FX_IMAGE_PROBLEM_CORRUPT, name, FX_ECORRUPT,
			       "image segment %s is damaged: the section at byte %llu has no valid type",
			       name, (unsigned long long)off);
	nx = le64(d + 16);
	len = le64(d + 24);
	if (!strcmp(type, "next") || !strcmp(type, "done")) {
		*end = type[0] == 'n' ? END_NEXT : END_DONE;
		return 0;
	}
	if (len > size - off)
		return problem(pb, FX_IMAGE_PROBLEM_TRUNCATED, name, FX_ECORRUPT,
			       "image segment %s is truncated: its '%s' section at byte %llu needs %llu bytes, the file ends at %llu",
			       name, type, (unsigned long long)off,
			       (unsigned long long)len, (unsigned long long)size);
	if (nx <= off)
		return problem(pb, FX_IMAGE_PROBLEM_CORRUPT, name, FX_ECORRUPT,
			       "image segment %s is damaged: the '%s' section at byte %llu points back to byte %llu",
			       name, type, (unsigned long long)off, (unsigned long long)nx);
	if (nx > size - EWF_SECTION_SIZE)
		return problem(pb, FX_IMAGE_PROBLEM_TRUNCATED, name, FX_ECORRUPT,
			       "image segment %s is truncated: the '%s' section at byte %llu is followed by one at byte %llu, the file ends at %llu",
			       name, type, (unsigned long long)off,
			       (unsigned long long)nx, (unsigned long long)size);
	*next = nx;
	return 0;
}

/* Walks one EWF-1 segment file; *end says how its chain ended. */
static int walk_segment(const char *name, unsigned number, int *end,
			fx_image_problem *pb)
{
	uint8_t h[EWF_HEADER_SIZE];
	struct stat st;
	uint64_t off = EWF_HEADER_SIZE, next = 0;
	unsigned i, seg;
	int fd, rc = 0, n;

	*end = END_NONE;
	if ((fd = open(name, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT
			? problem(pb, FX_IMAGE_PROBLEM_MISSING, name, FX_ENOTFOUND,
				  "image segment %s is missing", name)
			: problem(pb, FX_IMAGE_PROBLEM_UNREADABLE, name, FX_EIO,
				  "cannot open image segment %s: %s", name, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = problem(pb, FX_IMAGE_PROBLEM_NOT_IMAGE, name, FX_ECORRUPT,
			     "image segment %s is not a regular file", name);
		goto done;
	}
	n = read_at(fd, h, sizeof(h), 0);
	if (n < 8 || memcmp(h, evf1, 8) != 0) {
		rc = problem(pb, FX_IMAGE_PROBLEM_NOT_IMAGE, name, FX_ECORRUPT,
			     "%s is not an EWF (E01) segment file: no EVF signature", name);
		goto done;
	}
	if (n < EWF_HEADER_SIZE) {
		rc = problem(pb, FX_IMAGE_PROBLEM_TRUNCATED, name, FX_ECORRUPT,
			     "image segment %s is truncated: %d bytes, shorter than its file header",
			     name, n);
		goto done;
	}
	seg = (unsigned)h[9] | (unsigned)h[10] << 8;
	if (seg != number) {
		rc = problem(pb, number == 1 ? FX_IMAGE_PROBLEM_NOT_IMAGE
			     : FX_IMAGE_PROBLEM_CORRUPT, name,
			     number == 1 ? FX_EUSAGE : FX_ECORRUPT,
			     number == 1 ? "%s is segment %u of its set, not the first; give the first segment (.E01)"
					 : "image segment %s says it is segment %u, expected %u: renamed or replaced",
			     name, seg, number);
		goto done;
	}
	for (i = 0; i < EWF_MAX_SECTIONS && *end == END_NONE; i++) {
		if ((rc = walk_section(fd, name, (uint64_t)st.st_size, off, &next, end, pb)) != 0)
			goto done;
		off = next;
	}
	if (*end == END_NONE)
		rc = problem(pb, FX_IMAGE_PROBLEM_CORRUPT, name, FX_ECORRUPT,
			     "image segment %s is damaged: more than %u sections", name,
			     EWF_MAX_SECTIONS);
done:
	close(fd);
	return rc;
}

/* The name of the segment after `name` (E01 -> E02, E99 -> EAA, ...,
 * keeping the case of the extension), named as the writer names it;
 * 0, or -1 past the last name. */
int fx_ewf_next_name(char *out, size_t outlen, const char *name)
{
	const char *dot = strrchr(name, '.');
	char base[PATH_MAX], ext0;
	int index;

	if (!dot || (index = fx_ewf_segment_index(dot + 1, &ext0)) < 0 ||
	    snprintf(base, sizeof(base), "%.*s", (int)(dot - name), name) >=
		    (int)sizeof(base))
		return -1;
	return fx_ewf_segment_path(out, outlen, base, ext0, (unsigned)index + 1) == 0
		? 0 : -1;
}

void fx_ewf_names_free(char **names)
{
	size_t i;

	if (!names)
		return;
	for (i = 0; names[i]; i++)
		free(names[i]);
	free(names);
}

static int names_push(char ***names, size_t *n, size_t *cap, const char *s)
{
	if (FX_VEC_RESERVE(*names, *cap, *n + 2) != 0)
		return fx_error_set(FX_ERROR, "out of memory");
	if (!((*names)[*n] = strdup(s)))
		return fx_error_set(FX_ERROR, "out of memory");
	(*names)[++*n] = NULL;
	return 0;
}

/* EWF-2 sets: the names libewf finds, unchecked. */
static int glob_v2(char ***out, size_t *count, const char *path)
{
	libewf_error_t *error = NULL;
	char **g = NULL;
	size_t cap = 0;
	int n = 0, i, rc = 0;

	if (libewf_glob(path, strlen(path), LIBEWF_FORMAT_UNKNOWN, &g, &n,
			&error) != 1) {
		libewf_error_free(&error);
		return names_push(out, count, &cap, path);
	}
	for (i = 0; i < n && !rc; i++)
		rc = names_push(out, count, &cap, g[i]);
	libewf_glob_free(g, n, NULL);
	return rc;
}

int fx_ewf_find_set(char ***out, size_t *count, const char *path,
		    fx_image_problem *pb)
{
	char name[PATH_MAX], next[PATH_MAX];
	size_t cap = 0;
	unsigned number = 1;
	int end = END_NONE, rc;

	*out = NULL;
	*count = 0;
	if (signature(path) == 2)
		return glob_v2(out, count, path);
	snprintf(name, sizeof(name), "%s", path);
	for (;;) {
		if ((rc = walk_segment(name, number, &end, pb)) != 0)
			goto fail;
		if ((rc = names_push(out, count, &cap, name)) != 0)
			goto fail;
		if (end == END_DONE)
			break;
		if (fx_ewf_next_name(next, sizeof(next), name) != 0 || number >= FX_EWF_MAX_SEGMENTS) {
			rc = problem(pb, FX_IMAGE_PROBLEM_CORRUPT, name, FX_ECORRUPT,
				     "image segment %s says more segments follow, but it is the last name of the set",
				     name);
			goto fail;
		}
		if (access(next, F_OK) != 0) {
			rc = problem(pb, FX_IMAGE_PROBLEM_MISSING, next, FX_ENOTFOUND,
				     "image segment %s is missing (%s continues into it)",
				     next, name);
			goto fail;
		}
		snprintf(name, sizeof(name), "%s", next);
		number++;
	}
	return 0;
fail:
	fx_ewf_names_free(*out);
	*out = NULL;
	*count = 0;
	return rc;
}
