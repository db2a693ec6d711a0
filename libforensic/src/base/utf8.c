/*
 * The one UTF-8 decoder (see utf8.h). Strict, as RFC 3629 has it: no
 * overlong forms, no surrogates (U+D800 to U+DFFF), nothing above
 * U+10FFFF. A sequence is read byte by byte and refused at the first
 * byte that does not continue it, so a NUL ends any sequence and a
 * NUL-terminated text never needs its length to be decoded safely.
 *
 * The audit check runs fx_utf8_check over every event's content (up to a
 * hundred megabytes), so ASCII is taken one byte at a time without a
 * call; the rest is a few compares a character.
 */
#include "base/utf8.h"

size_t fx_utf8_decode(uint32_t *cp, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i;
	uint32_t v;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		len = 1, v = p[0];
	else if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, v = p[0] & 0x1fu;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, v = p[0] & 0x0fu;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, v = p[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3fu);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
	    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return 0;
	if (cp)
		*cp = v;
	return len;
}

int fx_utf8_check(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		n = fx_utf8_decode(NULL, s + i, len - i);
		if (n == 0)
			return -1;
		i += n;
	}
	return 0;
}

uint32_t fx_utf8_next(const char **p)
{
	uint32_t cp;
	size_t n;

	if (!**p)
		return 0;
	n = fx_utf8_decode(&cp, *p, SIZE_MAX);
	if (n == 0) {
		(*p)++;
		return FX_UTF8_REPLACEMENT;
	}
	*p += n;
	return cp;
}

int fx_utf8_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

size_t fx_utf8_put(char *b, uint32_t cp)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	b[0] = (char)(0xF0 | (cp >> 18));
	b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	b[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}
