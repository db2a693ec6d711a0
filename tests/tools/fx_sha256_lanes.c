/*
 * fx_sha256_lanes FILE [SEGMENT]: the bench's figure for a split raw
 * image's two SHA-256s (tests/bench/bench.sh, issue 15). Reads FILE in
 * 1 MiB blocks and, timing only the hashing on this one thread, feeds
 * each block to: one OpenSSL SHA-256 (the media's alone); two OpenSSL
 * SHA-256 (the media's and the segment's, each SEGMENT bytes, default
 * 256 MiB: what split raw cost before); and the two-lane hasher
 * (hash/sha256_pair.c) that acquire uses. Prints "ONE TWO PAIR
 * ACCELERATED": the three times in seconds and 1 when the pair ran
 * SHA-NI, 0 when it fell back to OpenSSL. Exits 1 if the pair's media
 * digest is not OpenSSL's (a figure of a wrong hash is no figure).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forensic/types.h"
#include "hash/hasher.h"
#include "hash/sha256_pair.h"

#define BLOCK (1u << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t seg = argc > 2 ? strtoull(argv[2], NULL, 10) : (uint64_t)256 << 20;
	uint8_t *buf = malloc(BLOCK);
	fx_hasher *one = NULL, *media = NULL, *segment = NULL;
	fx_sha256_pair *pair = NULL;
	double t_one = 0, t_two = 0, t_pair = 0, t;
	char want[65], got[65], hex[65];
	uint64_t in_seg = 0;
	size_t n;
	FILE *f;

	if (argc < 2 || !seg || seg % BLOCK) {
		fprintf(stderr, "usage: fx_sha256_lanes FILE [SEGMENT: a multiple of 1 MiB]\n");
		return 2;
	}
	if (!buf || !(f = fopen(argv[1], "rb"))) {
		perror(argv[1]);
		return 2;
	}
	if (fx_hasher_new(&one, FX_HASH_SHA256) || fx_hasher_new(&media, FX_HASH_SHA256) ||
	    fx_hasher_new(&segment, FX_HASH_SHA256) || fx_sha256_pair_new(&pair, 0)) {
		fprintf(stderr, "fx_sha256_lanes: cannot start the hashers\n");
		return 2;
	}
	while ((n = fread(buf, 1, BLOCK, f)) > 0) {
		t = now_s();
		fx_hasher_update(one, buf, n);
		t_one += now_s() - t;
		t = now_s();
		fx_hasher_update(media, buf, n);
		fx_hasher_update(segment, buf, n);
		if (in_seg + n == seg)
			fx_hasher_final_hex(segment, hex, sizeof(hex));
		t_two += now_s() - t;
		t = now_s();
		fx_sha256_pair_update(pair, buf, n);
		if (in_seg + n == seg)
			fx_sha256_pair_cut_hex(pair, hex, sizeof(hex));
		t_pair += now_s() - t;
		in_seg = in_seg + n == seg ? 0 : in_seg + n;
	}
	fclose(f);
	fx_hasher_final_hex(one, want, sizeof(want));
	fx_sha256_pair_peek_hex(pair, 0, got, sizeof(got));
	if (strcmp(want, got) != 0) {
		fprintf(stderr, "fx_sha256_lanes: the pair's SHA-256 %s is not OpenSSL's %s\n", got, want);
		return 1;
	}
	printf("%.3f %.3f %.3f %d\n", t_one, t_two, t_pair, fx_sha256_pair_accelerated(pair));
	fx_hasher_free(one);
	fx_hasher_free(media);
	fx_hasher_free(segment);
	fx_sha256_pair_free(pair);
	free(buf);
	return 0;
}
