/* Lowercase hex encoding and strict decoding (see hex.h). */
#include <string.h>

#include "base/hex.h"

static const char fx_hex_digits[] = "0123456789abcdef";

void fx_hex_encode(char *out, const uint8_t *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = fx_hex_digits[in[i] >> 4];
		out[2 * i + 1] = fx_hex_digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int digit(char c)
{
	const char *p = c ? strchr(fx_hex_digits, c) : NULL;

	return p ? (int)(p - fx_hex_digits) : -1;
}

int fx_hex_decode(uint8_t *out, size_t n, const char *hex)
{
	size_t i;
	int hi, lo;

	if (!hex || strlen(hex) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		hi = digit(hex[2 * i]);
		lo = digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
