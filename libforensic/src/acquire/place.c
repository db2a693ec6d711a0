/*
 * Thread placement. MD5 cannot be split, so on a machine with fewer cores
 * than pipeline threads it sets the pace when it has to share its core.
 * Giving it a core of its own helps only while everything else fits on
 * the other cores: a split raw image hashes each segment too (a fourth
 * hash), and then the rest of the work is queued on one core while MD5's
 * sits idle. What each hash costs depends on the CPU (SHA-NI makes SHA-1
 * and SHA-256 cheaper than MD5; without it SHA-256 costs more), so it is
 * measured, on this thread, before the run: a few milliseconds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "acquire/place.h"
#include "hash/hasher.h"

static double thread_seconds(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return -1;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double fx_place_probe(unsigned alg)
{
	static const uint8_t zeros[64 * 1024];
	double best = 0, t0, t1;
	char hex[160];
	fx_hasher *h;
	unsigned i, k;

	if (fx_hasher_new(&h, alg) != 0)
		return 0;
	for (k = 0; k < 2; k++) {
		if ((t0 = thread_seconds()) < 0)
			break;
		for (i = 0; i < FX_PLACE_PROBE_BYTES / sizeof(zeros); i++)
			fx_hasher_update(h, zeros, sizeof(zeros));
		fx_hasher_final_hex(h, hex, sizeof(hex));
		if ((t1 = thread_seconds()) < 0)
			break;
		if (k == 0 || t1 - t0 < best)
			best = t1 - t0;
	}
	fx_hasher_free(h);
	return best > 0 ? best : 0;
}

int fx_place_pin_md5(double md5, double rest, unsigned ncpus)
{
	if (ncpus < 2 || md5 <= 0)
		return 0;
	return rest <= md5 * (double)(ncpus - 1);
}
