/*
 * Image readers for verification: raw (one file), split raw (NAME.001 ...)
 * and E01 (image_ewf_mt.c: libewf for the structure, decompression on
 * several threads), each presented as a custom source so that the same
 * pipeline hashes an image and a device. A set must be complete: a missing
 * or unequal middle segment is reported by name before reading, and what
 * was wrong is said typed (fx_image_problem: which file, and how) for the
 * caller to act on; the image layer knows nothing of verification. The
 * format is the caller's when it knows it (it wrote or recorded the image):
 * content sniffing would read a raw image of a disk that holds an E01 as
 * that E01. Only for an unrecorded image is it taken from the name, checked
 * against the contents (auto_format). With
 * bypass_cache, each file's cached pages are dropped first so the bytes
 * come from storage, not memory. A split raw set holds only a few of its
 * files open at a time, whatever its size (see FX_SPLIT_OPEN_MAX). One
 * thread at a time per image; the accessors below read what the opened
 * image knows about itself.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "forensic/image.h"
#include "image/image_int.h"
#include "source/source_impl.h"
#include "base/storage.h"

/*
 * A split raw set can have thousands of files (a 4 TB disk in 100 MB
 * segments is 40,000), more than a process may hold open (ulimit -n is
 * often 1024, or 256). So the set is checked file by file at open (each
 * opened, examined and closed again), and reads open the files they reach:
 * at most FX_SPLIT_OPEN_MAX at a time, the least recently used closed
 * first. Reads move forward through the set, so the file being read and
 * the one before it are nearly always the ones open. A file reopened later
 * must still be the one checked (same device and inode), or the read
 * fails: a set swapped under the reader is not read as if it were the same.
 */
#define FX_SPLIT_OPEN_MAX 4

typedef struct split_file {
	char *path;
	uint64_t start, size;
	dev_t dev;          /* identity as checked at open */
	ino_t ino;
	int fd;             /* -1 unless among the open files */
	uint64_t used;      /* when last read, for closing the least recent */
} split_file;

typedef struct raw_image {
	split_file *files;
	size_t nfiles;
	size_t open[FX_SPLIT_OPEN_MAX]; /* indices of the files that have an fd */
	size_t nopen;
	uint64_t clock;     /* counts reads, for split_file.used */
} raw_image;

void fx_image_problem_note(fx_image_problem *p, int kind, const char *file)
{
	p->kind = kind;
	snprintf(p->file, sizeof(p->file), "%s", file ? file : "");
}

/* Closes the least recently used open file, to make room for another. */
static void close_oldest(raw_image *img)
{
	size_t i, oldest = 0;
	split_file *f;

	for (i = 1; i < img->nopen; i++)
		if (img->files[img->open[i]].used < img->files[img->open[oldest]].used)
			oldest = i;
	f = &img->files[img->open[oldest]];
	close(f->fd);
	f->fd = -1;
	img->open[oldest] = img->open[--img->nopen];
}

/* The descriptor of file i, opening it (and closing another) if needed.
 * Returns the fd or -errno; -ESTALE when the file at that path is no
 * longer the one checked at open. */
static int file_fd(raw_image *img, size_t i)
{
	split_file *f = &img->files[i];
	struct stat st;
	int fd, err = 0;

	f->used = ++img->clock;
	if (f->fd >= 0)
		return f->fd;
	if (img->nopen == FX_SPLIT_OPEN_MAX)
		close_oldest(img);
	fd = open(f->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0)
		err = errno;
	else if (st.st_dev != f->dev || st.st_ino != f->ino)
		err = ESTALE;
	if (err) {
		close(fd);
		return -err;
	}
	f->fd = fd;
	img->open[img->nopen++] = i;
	return fd;
}

/* The file holding media byte at: the last whose start is <= at (empty
 * files share their start with the next file, which is the one wanted). */
static size_t file_at(const raw_image *img, uint64_t at)
{
	size_t lo = 0, hi = img->nfiles, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (img->files[mid].start <= at)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int64_t raw_pread(void *payload, void *buf, size_t len, uint64_t off)
{
	raw_image *img = payload;
	size_t done = 0;
	ssize_t n;
	int fd;

	while (done < len && img->nfiles) {
		uint64_t at = off + done, left;
		split_file *f = &img->files[file_at(img, at)];

		if (at >= f->start + f->size)
			break; /* past the end of the set */
		left = f->start + f->size - at;
		if ((fd = file_fd(img, (size_t)(f - img->files))) < 0)
			return fd;
		n = pread(fd, (char *)buf + done, left < len - done ? (size_t)left : len - done,
			  (off_t)(at - f->start));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO; /* file shrank since it was opened */
		done += (size_t)n;
	}
	return (int64_t)done;
}

static void raw_image_close(void *payload)
{
	raw_image *img = payload;
	size_t i;

	for (i = 0; i < img->nfiles; i++) {
		if (img->files[i].fd >= 0)
			close(img->files[i].fd);
		free(img->files[i].path);
	}
	free(img->files);
	free(img);
}

/* Highest N for which prefix.N exists in the directory (digits only). */
static unsigned highest_segment(const char *first)
{
	char dir[PATH_MAX], base[PATH_MAX];
	size_t blen;
	unsigned max = 0, v;
	struct dirent *de;
	DIR *d;
	char *end;

	snprintf(dir, sizeof(dir), "%s", first);
	snprintf(base, sizeof(base), "%s", basename(dir));
	snprintf(dir, sizeof(dir), "%s", first);
	blen = strlen(base) - 3; /* "name." kept, "001" dropped */
	if (!(d = opendir(dirname(dir))))
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, base, blen) != 0)
			continue;
		v = (unsigned)strtoul(de->d_name + blen, &end, 10);
		if (*end == '\0' && end - (de->d_name + blen) >= 3 && v > max)
			max = v;
	}
	closedir(d);
	return max;
}

/* Checks one file of the set and adds it, closed: it must open for
 * reading and be a regular file (O_NONBLOCK: a FIFO planted in the set
 * must not hang the open). With bypass_cache its cached pages go. */
static int add_file(raw_image *img, const char *path, uint64_t start,
		    const fx_image_options *o, fx_image_problem *pb)
{
	split_file *f = &img->files[img->nfiles];
	struct stat st;
	int fd, rc = 0, err;

	f->fd = -1;
	if (!(f->path = strdup(path)))
		return fx_error_set(FX_ERROR, "out of memory");
	img->nfiles++;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		fx_image_problem_note(pb, err == ENOENT ? FX_IMAGE_PROBLEM_MISSING
				      : FX_IMAGE_PROBLEM_UNREADABLE, path);
		return fx_error_set_errno(fx_error_from_errno(err), err,
					  "image segment %s", path);
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fx_image_problem_note(pb, FX_IMAGE_PROBLEM_NOT_IMAGE, path);
		rc = fx_error_set(FX_ECORRUPT, "image segment %s is not a regular file",
				  path);
		goto done;
	}
	if (o->bypass_cache)
		fx_storage_drop_cache(fd);
	f->start = start;
	f->size = (uint64_t)st.st_size;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
done:
	close(fd);
	return rc;
}

/* Opens path alone, or path = NAME.001 and every NAME.NNN after it. */
static int open_raw(fx_source **out, const char *path, int split,
		    const fx_image_options *o, fx_image_problem *pb)
{
	raw_image *img = calloc(1, sizeof(*img));
	static const fx_source_ops ops = { FX_SOURCE_OPS_VERSION, raw_pread,
					   raw_image_close };
	unsigned n = split ? highest_segment(path) : 1, i;
	char name[PATH_MAX];
	uint64_t total = 0;
	int rc = FX_ERROR;

	if (!img || !(img->files = calloc(n ? n : 1, sizeof(split_file))))
		goto fail;
	for (i = 0; i < n; i++) {
		if (split)
			snprintf(name, sizeof(name), "%.*s%03u",
				 (int)strlen(path) - 3, path, i + 1);
		else
			snprintf(name, sizeof(name), "%s", path);
		if ((rc = add_file(img, name, total, o, pb)) != 0) {
			if (rc == FX_ENOTFOUND)
				fx_error_set(FX_ENOTFOUND,
					     "image segment %s is missing (the set has segments up to %03u)",
					     name, n);
			goto fail;
		}
		if (i > 0 && i + 1 < n && img->files[i].size != img->files[0].size) {
			fx_image_problem_note(pb, img->files[i].size < img->files[0].size
					      ? FX_IMAGE_PROBLEM_TRUNCATED
					      : FX_IMAGE_PROBLEM_CORRUPT, name);
			rc = fx_error_set(FX_ECORRUPT,
					  "image segment %s is %llu bytes, the others %llu: truncated or replaced",
					  name, (unsigned long long)img->files[i].size,
					  (unsigned long long)img->files[0].size);
			goto fail;
		}
		total += img->files[i].size;
	}
	if (n > 1 && img->files[n - 1].size > img->files[0].size) {
		fx_image_problem_note(pb, FX_IMAGE_PROBLEM_CORRUPT, img->files[n - 1].path);
		rc = fx_error_set(FX_ECORRUPT,
				  "last image segment %s is larger than the others",
				  img->files[n - 1].path);
		goto fail;
	}
	if ((rc = fx_source_new_custom(out, &ops, img, total, 512, path)) != 0)
		goto fail;
	(*out)->image_format = split ? FX_IMAGE_SPLIT_RAW : FX_IMAGE_RAW;
	return 0;
fail:
	if (img)
		raw_image_close(img);
	return rc;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

/* A name acquire or another imager gives a raw image: .raw, .dd, .img,
 * .iso (optical media), or a number of at least three digits (a split raw
 * segment). */
static int has_raw_name(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	size_t digits;

	if (!dot || (slash && dot < slash))
		return 0;
	digits = strspn(dot + 1, "0123456789");
	if (digits >= 3 && dot[1 + digits] == '\0')
		return 1;
	return !strcasecmp(dot, ".raw") || !strcasecmp(dot, ".dd") ||
	       !strcasecmp(dot, ".img") || !strcasecmp(dot, ".iso");
}

/* FX_IMAGE_AUTO, for an image nobody recorded: the name says the format
 * and the contents must not say another. A raw image may hold anything,
 * an E01 among others, so the contents alone never decide against the
 * name; a disagreement is reported, not resolved by guessing. */
static int auto_format(int *out, const char *path, fx_image_problem *pb)
{
	if (has_suffix(path, ".E01") || has_suffix(path, ".Ex01")) {
		*out = FX_IMAGE_E01; /* the E01 reader names a missing signature */
		return 0;
	}
	if (has_raw_name(path) && fx_ewf_has_signature(path)) {
		fx_image_problem_note(pb, FX_IMAGE_PROBLEM_NOT_IMAGE, path);
		return fx_error_set(FX_ECORRUPT,
				    "%s is named as a raw image but starts with the EWF (E01) signature: without a recorded format it is read neither as raw nor as E01",
				    path);
	}
	if (has_raw_name(path))
		*out = has_suffix(path, ".001") ? FX_IMAGE_SPLIT_RAW : FX_IMAGE_RAW;
	else
		*out = fx_ewf_has_signature(path) ? FX_IMAGE_E01 : FX_IMAGE_RAW;
	return 0;
}

/* The format asked for (options_read made a version 1 caller's auto). */
static int options_format(int *out, const char *path, const fx_image_options *o,
			  fx_image_problem *pb)
{
	*out = o->format;
	if (*out == FX_IMAGE_AUTO)
		return auto_format(out, path, pb);
	if (*out == FX_IMAGE_SPLIT_RAW && !has_suffix(path, ".001")) {
		fx_image_problem_note(pb, FX_IMAGE_PROBLEM_NOT_IMAGE, path);
		return fx_error_set(FX_EUSAGE, "split raw image %s: give its first file, NAME.001",
				    path);
	}
	if (*out < FX_IMAGE_RAW || *out > FX_IMAGE_E01)
		return fx_error_set(FX_EUSAGE, "image %s: unknown image format %d", path, *out);
	return 0;
}

/* What the caller's options say (an older caller's lack the newer
 * fields); the problem goes to the caller's struct when it gave one. */
static int options_read(fx_image_options *out, fx_image_problem **pb,
			const fx_image_options *opts, fx_image_problem *scratch)
{
	fx_image_options defaults = FX_IMAGE_OPTIONS_INIT;

	*out = defaults;
	*pb = scratch;
	if (!opts)
		return 0;
	FX_CHECK_VERSION(opts, FX_IMAGE_OPTIONS_VERSION, "fx_image_open: fx_image_options");
	out->version = opts->version;
	out->bypass_cache = opts->bypass_cache;
	out->format = opts->version >= 2 ? opts->format : FX_IMAGE_AUTO;
	if (opts->version >= 3) {
		out->threads = opts->threads;
		if (opts->problem)
			*pb = opts->problem;
	}
	return 0;
}

int fx_image_open(fx_source **out, const char *path,
		  const fx_image_options *opts)
{
	fx_image_problem scratch, *pb;
	fx_image_options o;
	struct stat st;
	int format = FX_IMAGE_AUTO, rc, err;

	FX_CHECK_ARG(out);
	*out = NULL;
	FX_CHECK_ARG(path);
	if ((rc = options_read(&o, &pb, opts, &scratch)) != 0)
		return rc;
	fx_image_problem_note(pb, FX_IMAGE_PROBLEM_NONE, NULL);
	if (stat(path, &st) != 0) {
		err = errno;
		fx_image_problem_note(pb, err == ENOENT ? FX_IMAGE_PROBLEM_MISSING
				      : FX_IMAGE_PROBLEM_UNREADABLE, path);
		return fx_error_set_errno(fx_error_from_errno(err), err,
					  "image %s", path);
	}
	if (!S_ISREG(st.st_mode)) {
		fx_image_problem_note(pb, FX_IMAGE_PROBLEM_NOT_IMAGE, path);
		return fx_error_set(FX_EUSAGE, "image %s is not a regular file", path);
	}
	if ((rc = options_format(&format, path, &o, pb)) != 0)
		return rc;
	rc = format == FX_IMAGE_E01
		? fx_ewf_reader_open(out, path, o.threads, o.bypass_cache, pb)
		: open_raw(out, path, format == FX_IMAGE_SPLIT_RAW, &o, pb);
	if (rc == 0)
		(*out)->info.kind = FX_SOURCE_IMAGE;
	return rc;
}

int fx_image_format(const fx_source *src)
{
	return src->image_format;
}

size_t fx_image_files(const fx_source *img, fx_image_file *out, size_t max)
{
	const raw_image *raw = img->payload;
	size_t i;

	switch (img->image_format) {
	case FX_IMAGE_E01:
		return fx_ewf_reader_files(img->payload, out, max);
	case FX_IMAGE_RAW:
	case FX_IMAGE_SPLIT_RAW:
		for (i = 0; out && i < raw->nfiles && i < max; i++) {
			memset(&out[i], 0, sizeof(out[i]));
			out[i].path = raw->files[i].path; /* until close */
			out[i].size = raw->files[i].size;
		}
		return raw->nfiles;
	default:
		return 0;
	}
}

int fx_image_stored_hashes(const fx_source *img, fx_digests *out)
{
	memset(out, 0, sizeof(*out));
	if (img->image_format == FX_IMAGE_E01)
		return fx_ewf_reader_stored_hashes(img->payload, out);
	return 0;
}

size_t fx_image_chunk_errors(fx_source *img, fx_image_chunk_error *out,
			     size_t max)
{
	if (img->image_format != FX_IMAGE_E01)
		return 0;
	return fx_ewf_reader_chunk_errors(img->payload, out, max);
}
