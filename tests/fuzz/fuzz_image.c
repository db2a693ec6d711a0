/*
 * Fuzz target over the image-reading path: whatever bytes a stranger hands
 * us as an E01, raw or split raw image, opening, reading and verifying it
 * must not crash, hang, or report success for anything but the genuine
 * media.
 *
 * Input: the first byte chooses what the rest is.
 *   0  one E01 segment file         -> f.E01
 *   1  a raw image                  -> f.raw (+ f.sha256 of the known media)
 *   2  split raw; the second byte sets the segment size (16 KiB steps)
 *                                   -> f.001, f.002, ... (+ f.sha256)
 *   3  several E01 segments, each as a u32 LE length then its bytes
 *                                   -> f.E01, f.E02, ...
 * The genuine media are generated here (fxf_media), so the target knows
 * what success may look like: a result that would be "verified" if there
 * were an acquisition record (hashed completely, at least one reference
 * compared, nothing differs, no error but the missing record) must have the
 * SHA-256 of one of the known media, or the target aborts. The replay also
 * checks that every corpus file named seed-* would verify and every other
 * one (regress-*, crash-*) would not.
 *
 * Built three ways (tests/fuzz/CMakeLists.txt): with libFuzzer (clang), as
 * a replay program for the fixed corpus (any compiler; ctest runs it), and
 * the replay program also writes the seeds (--make-seeds DIR).
 * FXF_DEBUG=1 prints each input's verdict.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forensic/forensic.h"

#define MAX_VERIFY_MEDIA ((uint64_t)8 << 20)
#define MAX_FILES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the known media ------------------------------------------------------- */

static const size_t media_sizes[] = { 256 << 10, (5 << 20) / 2 };
#define NMEDIA (sizeof(media_sizes) / sizeof(media_sizes[0]))

/* Media n: zeros, xorshift noise, text and a repeated byte, in quarters
 * (the last medium mostly noise, so that its E01 spans segments). */
void fxf_media(uint8_t *buf, size_t n);
size_t fxf_media_size(size_t n);
int fxf_make_seeds(const char *dir);

size_t fxf_media_size(size_t n)
{
	return n < NMEDIA ? media_sizes[n] : 0;
}

void fxf_media(uint8_t *buf, size_t n)
{
	size_t len = media_sizes[n], i;
	uint64_t x = 0x9e3779b97f4a7c15ull + n;
	static const char words[] = "evidence sector chunk custody examiner ";

	for (i = 0; i < len; i++) {
		size_t q = n == 0 ? i / (len / 4) : (i < len / 16 ? 0 : 1);

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = q == 0 ? 0 : q == 1 ? (uint8_t)x
			 : q == 2 ? (uint8_t)words[i % (sizeof(words) - 1)] : 0xa5;
	}
}

static char known_sha256[NMEDIA][65];

static void known_init(void)
{
	static int done;
	size_t n;

	if (done)
		return;
	for (n = 0; n < NMEDIA; n++) {
		uint8_t *m = malloc(media_sizes[n]);
		char path[64];
		int fd;

		if (!m)
			abort();
		fxf_media(m, n);
		snprintf(path, sizeof(path), "/tmp/fxf-known-%ld", (long)getpid());
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, m, media_sizes[n]) != (ssize_t)media_sizes[n])
			abort();
		close(fd);
		if (fx_file_sha256(known_sha256[n], path) != 0)
			abort();
		unlink(path);
		free(m);
	}
	done = 1;
}

/* ---- files of one input ---------------------------------------------------- */

static char workdir[256];

static void clean_workdir(void)
{
	DIR *d = opendir(workdir);
	struct dirent *de;
	char path[512];

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", workdir, de->d_name);
		unlink(path);
	}
	closedir(d);
}

static int write_file(const char *name, const uint8_t *data, size_t len)
{
	char path[512];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", workdir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return -1;
	n = len ? write(fd, data, len) : 0;
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* f.sha256 naming the known media's hash for each file of the same layout
 * (raw: the whole medium; split: each segment of seg bytes). */
static void write_listing(size_t nfiles, size_t seg)
{
	char path[512], line[128], sha[65];
	FILE *f;
	size_t i, n = 0;
	uint8_t *m = malloc(media_sizes[0]);

	snprintf(path, sizeof(path), "%s/f.sha256", workdir);
	if (!m || !(f = fopen(path, "w"))) {
		free(m);
		return;
	}
	fxf_media(m, 0);
	for (i = 0; i < nfiles; i++) {
		size_t at = i * seg, len = seg;
		char seg_path[512];
		int fd;

		if (at >= media_sizes[0])
			break;
		if (len > media_sizes[0] - at)
			len = media_sizes[0] - at;
		snprintf(seg_path, sizeof(seg_path), "%s/.known", workdir);
		fd = open(seg_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, m + at, len) != (ssize_t)len || fx_file_sha256(sha, seg_path)) {
			if (fd >= 0)
				close(fd);
			break;
		}
		close(fd);
		if (seg == media_sizes[0])
			snprintf(line, sizeof(line), "%s  f.raw\n", sha);
		else
			snprintf(line, sizeof(line), "%s  f.%03zu\n", sha, i + 1);
		fputs(line, f);
		n++;
	}
	fclose(f);
	free(m);
	(void)n;
}

/* Lays the input out as files; returns the first file's name or NULL. */
static const char *lay_out(const uint8_t *data, size_t size)
{
	size_t seg, i, at, len;
	char name[32];

	if (size < 1)
		return NULL;
	switch (data[0] & 3) {
	case 0:
		return write_file("f.E01", data + 1, size - 1) ? NULL : "f.E01";
	case 1:
		write_listing(1, media_sizes[0]);
		return write_file("f.raw", data + 1, size - 1) ? NULL : "f.raw";
	case 2:
		if (size < 2)
			return NULL;
		seg = (size_t)(1 + data[1] % 8) << 14;
		for (i = 0, at = 2; at < size && i < MAX_FILES; i++, at += seg) {
			snprintf(name, sizeof(name), "f.%03zu", i + 1);
			len = size - at < seg ? size - at : seg;
			if (write_file(name, data + at, len))
				return NULL;
		}
		write_listing(i, seg);
		return i ? "f.001" : NULL;
	default:
		for (i = 0, at = 1; at + 4 <= size && i < 8; i++) {
			len = (size_t)data[at] | (size_t)data[at + 1] << 8 |
			      (size_t)data[at + 2] << 16 | (size_t)data[at + 3] << 24;
			at += 4;
			if (len > size - at)
				len = size - at;
			snprintf(name, sizeof(name), "f.E%02zu", i + 1);
			if (write_file(name, data + at, len))
				return NULL;
			at += len;
		}
		return i ? "f.E01" : NULL;
	}
}

/* ---- the checks ------------------------------------------------------------ */

/* Opens an image as the checks read it: two E01 decompression workers. */
static int open_image(fx_source **out, const char *path)
{
	fx_image_options io = FX_IMAGE_OPTIONS_INIT;

	io.threads = 2;
	return fx_image_open(out, path, &io);
}

/* Reads some of an image that is too large to verify here. */
static void read_some(const char *path)
{
	fx_source *img = NULL;
	uint8_t *buf;
	uint64_t size;

	if (open_image(&img, path) != 0) {
		if (!fx_error_last()[0])
			abort(); /* every failure says why */
		return;
	}
	size = fx_source_get_info(img)->size;
	if (size > MAX_VERIFY_MEDIA && (buf = malloc(1 << 20)) != NULL) {
		fx_source_pread(img, buf, 1 << 20, 0);
		fx_source_pread(img, buf, 4096, size - 4096);
		fx_source_pread(img, buf, 1 << 20, 1 << 20);
		fx_image_chunk_errors(img, NULL, 0);
		free(buf);
	}
	fx_source_free(img);
}

static int would_verify(const fx_verify_result *r)
{
	size_t i;

	if (!r->hashed || !r->references || r->findings_dropped)
		return 0;
	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].kind != FX_FIND_NO_RECORD)
			return 0;
	return 1;
}

/* Whether the last input would have verified (for the replay's check
 * that the seeds do and the regressions do not). */
static int last_would_verify;

static void verify_and_check(const char *path)
{
	fx_verify_options vo = FX_VERIFY_OPTIONS_INIT;
	fx_verify_result r;
	char *json = NULL;
	size_t n;
	int known = 0;

	vo.threads = 2;
	vo.block_size = 64 << 10;
	if (fx_verify_image(&r, path, NULL, &vo) != 0)
		return;
	if (r.status == FX_VERDICT_VERIFIED)
		abort(); /* no record: never verified */
	if (getenv("FXF_DEBUG"))
		fprintf(stderr, "fuzz: %s: %s, would verify %d, %zu findings\n", path, fx_verdict_name(r.status), would_verify(&r), r.nfindings);
	last_would_verify = would_verify(&r);
	if (last_would_verify) {
		for (n = 0; n < NMEDIA; n++)
			known |= !strcmp(r.computed.sha256, known_sha256[n]);
		if (!known) {
			fprintf(stderr, "fuzz: %s would verify with SHA-256 %s, not a known medium\n",
				path, r.computed.sha256);
			abort();
		}
	}
	if (fx_verify_result_json(&json, &r) != 0 || !json || json[0] != '{')
		abort();
	free(json);
	fx_verify_result_clear(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fx_source *img = NULL;
	const char *first;
	char path[512];
	int too_big = 0;

	known_init();
	if (!workdir[0]) {
		snprintf(workdir, sizeof(workdir), "/tmp/fxfuzz.XXXXXX");
		if (!mkdtemp(workdir))
			abort();
	}
	clean_workdir();
	last_would_verify = 0;
	if (size > (8 << 20) || !(first = lay_out(data, size)))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", workdir, first);
	if (open_image(&img, path) == 0) {
		too_big = fx_source_get_info(img)->size > MAX_VERIFY_MEDIA;
		fx_source_free(img);
	}
	if (too_big)
		read_some(path);
	else
		verify_and_check(path);
	return 0;
}

#ifdef FX_FUZZ_REPLAY
/* ---- replay and seeds ------------------------------------------------------ */

static int replay_file(const char *path)
{
	struct stat st;
	const char *base;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "fuzz_replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		free(buf);
		fprintf(stderr, "fuzz_replay: cannot read %s\n", path);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	/* seed-*: genuine media, must verify; everything else must not */
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (last_would_verify != !strncmp(base, "seed-", 5)) {
		fprintf(stderr, "fuzz_replay: %s %s\n", path,
			last_would_verify ? "verifies, but is not a seed"
					  : "is a seed of a genuine medium, but does not verify");
		return -1;
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir, unsigned *count)
{
	char *names[4096], path[1024];
	struct dirent *de;
	size_t n = 0, i;
	DIR *d = opendir(dir);
	int rc = 0;

	if (!d)
		return replay_file(dir) == 0 ? (++*count, 0) : -1;
	while ((de = readdir(d)) != NULL && n < 4096)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (replay_file(path) == 0)
			++*count;
		else
			rc = -1;
		free(names[i]);
	}
	return rc;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int i, rc = 0;

	if (argc == 3 && !strcmp(argv[1], "--make-seeds"))
		return fxf_make_seeds(argv[2]) ? 1 : 0;
	if (argc < 2) {
		fprintf(stderr, "usage: fuzz_replay FILE|DIR... | --make-seeds DIR\n");
		return 2;
	}
	for (i = 1; i < argc; i++)
		rc |= replay_dir(argv[i], &count);
	printf("fuzz_replay: %u inputs replayed: the seeds verify, no other input does, none crashed or hung%s\n",
	       count, rc ? " (BUT SEE ABOVE)" : "");
	clean_workdir();
	rmdir(workdir);
	return rc ? 1 : 0;
}
#endif
