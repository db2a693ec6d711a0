/*
 * The seeds of the image fuzzer (fuzz_replay --make-seeds DIR): the known
 * media of fuzz_image.c laid out as each input mode expects, the E01 ones
 * written by libforensic's own E01 writer in several EWF formats and
 * compressions. Run once to (re)make tests/fuzz/corpus/seed-*; the files
 * are kept in the repository so the replay test does not depend on it.
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

void fxf_media(uint8_t *buf, size_t n);
size_t fxf_media_size(size_t n);
int fxf_make_seeds(const char *dir);

typedef struct mem {
	const uint8_t *data;
	size_t size;
} mem;

static int64_t mem_pread(void *payload, void *buf, size_t len, uint64_t off)
{
	mem *m = payload;

	if (off >= m->size)
		return 0;
	if (len > m->size - off)
		len = (size_t)(m->size - off);
	memcpy(buf, m->data + off, len);
	return (int64_t)len;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) != 0)
		return NULL;
	buf = malloc((size_t)st.st_size);
	if (buf && read(fd, buf, (size_t)st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

static int emit(const char *dir, const char *name, uint8_t mode,
		const uint8_t *a, size_t alen)
{
	char path[1024];
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")))
		return -1;
	if (fwrite(&mode, 1, 1, f) != 1 || (alen && fwrite(a, 1, alen, f) != alen))
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* E01 of medium n in tmp/e, with the given format and compression. */
static int make_e01(const char *tmp, size_t n, const char *format,
		    const char *compression, uint64_t segment)
{
	static const fx_source_ops ops = { FX_SOURCE_OPS_VERSION, mem_pread, NULL };
	fx_e01_options eo = FX_E01_OPTIONS_INIT;
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result res;
	fx_source *src = NULL;
	fx_sink *sink = NULL;
	char target[512];
	mem m;
	int rc = -1;

	m.size = fxf_media_size(n);
	if (!(m.data = malloc(m.size)))
		return -1;
	fxf_media((uint8_t *)(uintptr_t)m.data, n);
	snprintf(target, sizeof(target), "%s/e", tmp);
	eo.ewf_format = format;
	eo.compression = compression;
	eo.segment_size = segment;
	eo.media_size = m.size;
	eo.case_number = "FUZZ";
	eo.evidence_number = "seed";
	if (fx_source_new_custom(&src, &ops, &m, m.size, 512, "seed") == 0 &&
	    fx_sink_e01_new(&sink, target, &eo) == 0 &&
	    fx_acquire_run(&res, src, sink, &ao) == 0) {
		rc = res.status == FX_STATUS_COMPLETED ? 0 : -1;
		fx_acquire_result_clear(&res);
	}
	if (rc)
		fprintf(stderr, "make-seeds: E01 %s/%s: %s\n", format, compression, fx_error_last());
	fx_sink_free(sink);
	fx_source_free(src);
	free((void *)(uintptr_t)m.data);
	return rc;
}

static void clear_tmp(const char *tmp)
{
	DIR *d = opendir(tmp);
	struct dirent *de;
	char path[1024];

	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmp, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

/* One-segment E01 seed (mode 0). */
static int seed_e01(const char *dir, const char *tmp, const char *name,
		    const char *format, const char *compression)
{
	char path[1024];
	uint8_t *buf;
	size_t len;
	int rc;

	clear_tmp(tmp);
	if (make_e01(tmp, 0, format, compression, 0) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/e.E01", tmp);
	if (!(buf = slurp(path, &len)))
		return -1;
	rc = emit(dir, name, 0, buf, len);
	free(buf);
	return rc;
}

/* Multi-segment E01 seed (mode 3): each segment as u32 length + bytes. */
static int seed_e01_multi(const char *dir, const char *tmp)
{
	char path[1024], name[16];
	uint8_t *all = NULL, *buf, *p;
	size_t total = 0, len, i;
	int rc = 0;

	clear_tmp(tmp);
	if (make_e01(tmp, 1, "encase6", "fast", 1 << 20) != 0)
		return -1;
	for (i = 1; i < 10 && rc == 0; i++) {
		snprintf(name, sizeof(name), "e.E%02zu", i);
		snprintf(path, sizeof(path), "%s/%s", tmp, name);
		if (access(path, F_OK) != 0)
			break;
		if (!(buf = slurp(path, &len)) || !(p = realloc(all, total + 4 + len))) {
			free(buf);
			rc = -1;
			break;
		}
		all = p;
		all[total] = (uint8_t)len;
		all[total + 1] = (uint8_t)(len >> 8);
		all[total + 2] = (uint8_t)(len >> 16);
		all[total + 3] = (uint8_t)(len >> 24);
		memcpy(all + total + 4, buf, len);
		total += 4 + len;
		free(buf);
	}
	if (rc == 0)
		rc = emit(dir, "seed-e01-3segments", 3, all, total);
	free(all);
	return rc;
}

int fxf_make_seeds(const char *dir)
{
	size_t n0 = fxf_media_size(0);
	uint8_t *m0 = malloc(n0), *split = malloc(n0 + 1);
	char tmp[] = "/tmp/fxseeds.XXXXXX";
	int rc = 0;

	if (!m0 || !split || !mkdtemp(tmp))
		return -1;
	fxf_media(m0, 0);
	split[0] = 0; /* 16 KiB segments */
	memcpy(split + 1, m0, n0);
	rc |= emit(dir, "seed-raw", 1, m0, n0);
	rc |= emit(dir, "seed-split-raw", 2, split, n0 + 1);
	rc |= seed_e01(dir, tmp, "seed-e01-encase6-fast", "encase6", "fast");
	rc |= seed_e01(dir, tmp, "seed-e01-encase6-none", "encase6", "none");
	rc |= seed_e01(dir, tmp, "seed-e01-encase5-best", "encase5", "best");
	rc |= seed_e01(dir, tmp, "seed-e01-ftk-empty", "ftk", "empty");
	rc |= seed_e01_multi(dir, tmp);
	clear_tmp(tmp);
	rmdir(tmp);
	free(m0);
	free(split);
	return rc;
}
