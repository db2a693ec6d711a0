/* Hex digits (see hex.h): one table of digits, one reader of a digit. */
#include <string.h>

#include "base/hex.h"

static const char fx_hex_digits[] = "0123456789abcdef";

int fx_hex_digit(char c, unsigned flags)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F' && !(flags & FX_HEX_LOWER))
		return c - 'A' + 10;
	return -1;
}

void fx_hex_encode(char *out, const uint8_t *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = fx_hex_digits[in[i] >> 4];
		out[2 * i + 1] = fx_hex_digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int fx_hex_decode(uint8_t *out, size_t n, const char *hex)
{
	size_t i;
	int hi, lo;

	if (!hex || strlen(hex) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		hi = fx_hex_digit(hex[2 * i], FX_HEX_LOWER);
		lo = fx_hex_digit(hex[2 * i + 1], FX_HEX_LOWER);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int fx_hex_span(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fx_hex_digit(s[i], 0) < 0)
			return 0;
	return 1;
}

void fx_hex_lower(char *out, const char *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (char)(in[i] >= 'A' && in[i] <= 'F' ? in[i] + 32 : in[i]);
	out[n] = '\0';
}

int fx_hex_normalize(char *out, const char *in, size_t n)
{
	out[0] = '\0';
	if (strlen(in) != n || !fx_hex_span(in, n))
		return -1;
	fx_hex_lower(out, in, n);
	return 0;
}
