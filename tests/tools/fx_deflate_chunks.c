/*
 * fx_deflate_chunks FILE [CHUNK]: the bench's CPU cost of an E01's
 * compression alone (tests/bench/bench.sh, issue 15). Deflates FILE in
 * chunks of CHUNK bytes (32768: an E01 chunk of 64 sectors) on this one
 * thread, as the E01 writer's "fast" mode does (ISA-L level 1, a zlib
 * stream per chunk; a chunk of one repeated zero byte is deflated once
 * and reused, as the writer does), and prints "SECONDS OUTBYTES": the
 * time spent deflating (reading FILE excluded) and the bytes it made
 * (a chunk that does not shrink counts as stored).
 */
#include <isa-l/igzip_lib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int zero_chunk(const uint8_t *p, size_t n)
{
	return n > 0 && p[0] == 0 && memcmp(p, p + 1, n - 1) == 0;
}

static uint32_t deflate_one(uint8_t *level_buf, const uint8_t *in, size_t n,
			    uint8_t *out)
{
	struct isal_zstream s;

	isal_deflate_stateless_init(&s);
	s.level = 1;
	s.level_buf = level_buf;
	s.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
	s.gzip_flag = IGZIP_ZLIB;
	s.end_of_stream = 1;
	s.flush = NO_FLUSH;
	s.next_in = (uint8_t *)(uintptr_t)in;
	s.avail_in = (uint32_t)n;
	s.next_out = out;
	s.avail_out = (uint32_t)(n - 1);
	return isal_deflate_stateless(&s) == COMP_OK ? s.total_out : 0;
}

int main(int argc, char **argv)
{
	size_t chunk = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 32768;
	size_t bufsz = 1024 * chunk, n, at;
	uint8_t *in, *out, *level_buf;
	uint32_t len, zero_len = 0;
	uint64_t total = 0;
	double spent = 0, t;
	FILE *f;

	if (argc < 2 || chunk < 512 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: fx_deflate_chunks FILE [CHUNK]\n");
		return 2;
	}
	in = malloc(bufsz);
	out = malloc(chunk);
	level_buf = malloc(ISAL_DEF_LVL1_DEFAULT);
	if (!in || !out || !level_buf)
		return 4;
	while ((n = fread(in, 1, bufsz, f)) > 0) {
		t = now_s();
		for (at = 0; at < n; at += chunk) {
			size_t c = n - at < chunk ? n - at : chunk;

			if (c == chunk && zero_len && zero_chunk(in + at, c)) {
				total += zero_len;
				continue;
			}
			len = deflate_one(level_buf, in + at, c, out);
			if (c == chunk && !zero_len && zero_chunk(in + at, c))
				zero_len = len;
			total += len ? len : c;
		}
		spent += now_s() - t;
	}
	fclose(f);
	printf("%.3f %llu\n", spent, (unsigned long long)total);
	free(in);
	free(out);
	free(level_buf);
	return 0;
}
