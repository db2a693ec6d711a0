/*
 * Fuzz target over the receiving end of a remote acquisition: whatever
 * bytes arrive as a framed stream (docs/stream.md), opening it and running
 * the pipeline over it must not crash, hang or allocate without bound, and
 * a run may end "completed" only when every rule held: the bytes are the
 * header's size, and the trailer's digests are those of the bytes (the
 * pipeline's own comparison, checked here again independently of it).
 *
 * Built like fuzz_image.c: with libFuzzer (clang) as fuzz_stream, and as a
 * replay program (fuzz_stream_replay, any compiler; ctest runs it over
 * tests/fuzz/corpus-stream: seed-* must complete, every other input must
 * not). The input is handed over in a memfd, as a pipe would hand it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forensic/forensic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int last_completed;

/* The header's size field (bytes 16..23, little-endian), or 0. */
static uint64_t header_size(const uint8_t *data, size_t size)
{
	uint64_t v = 0;
	int i;

	if (size < 24)
		return 0;
	for (i = 7; i >= 0; i--)
		v = v << 8 | data[16 + i];
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = NULL;
	const fx_stream_peer *peer;
	int fd = memfd_create("fuzz-stream", MFD_CLOEXEC);

	last_completed = 0;
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	ao.block_size = 64u << 10;
	ao.buffers = 2;
	if (fx_source_open_stream(&src, fd, "fuzz", NULL, 0) == 0) {
		if (fx_acquire_run(&r, src, NULL, &ao) != 0)
			memset(&r, 0, sizeof(r));
		peer = fx_source_stream_peer(src);
		if (r.status == FX_STATUS_COMPLETED ||
		    r.status == FX_STATUS_COMPLETED_WITH_ERRORS) {
			/* what may be called complete */
			if (!peer || !peer->ended || peer->bytes != r.bytes ||
			    (header_size(data, size) && r.bytes != header_size(data, size)) ||
			    ((peer->digests.algs & FX_HASH_MD5) &&
			     strcmp(peer->digests.md5, r.digests.md5) != 0) ||
			    ((peer->digests.algs & FX_HASH_SHA256) &&
			     strcmp(peer->digests.sha256, r.digests.sha256) != 0))
				abort();
			last_completed = 1;
		}
		fx_acquire_result_clear(&r);
		fx_source_free(src);
	}
	close(fd);
	return 0;
}

#ifdef FX_FUZZ_REPLAY
static int replay_file(const char *path)
{
	struct stat st;
	const char *base;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "fuzz_stream_replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		free(buf);
		fprintf(stderr, "fuzz_stream_replay: cannot read %s\n", path);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (last_completed != !strncmp(base, "seed-", 5)) {
		fprintf(stderr, "fuzz_stream_replay: %s %s\n", path,
			last_completed ? "completes, but is not a seed"
				       : "is a seed, but does not complete");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct dirent *de;
	char path[1024];
	unsigned count = 0;
	int rc = 0;
	DIR *d;

	if (argc != 2 || !(d = opendir(argv[1]))) {
		fprintf(stderr, "usage: fuzz_stream_replay DIR\n");
		return 2;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], de->d_name);
		if (replay_file(path) != 0)
			rc = 1;
		count++;
	}
	closedir(d);
	printf("fuzz_stream_replay: %u inputs%s\n", count, rc ? ", FAILED" : "");
	return rc || !count;
}
#endif
