/* Growing arrays (see vec.h). The array pointer is passed by address as
 * void * and copied with memcpy, so any element type can be grown
 * without casting a T ** to void **. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"

int fx_vec_reserve(void *arrp, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : FX_VEC_FIRST;
	void *old, *p;

	if (need <= *cap)
		return 0;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			return -1;
		c *= 2;
	}
	if (elem && c > SIZE_MAX / elem)
		return -1;
	memcpy(&old, arrp, sizeof(old));
	if (!(p = realloc(old, c * elem)))
		return -1;
	memcpy(arrp, &p, sizeof(p));
	*cap = c;
	return 0;
}

size_t fx_vec_cap_of(size_t n)
{
	size_t c = FX_VEC_FIRST;

	if (n == 0)
		return 0;
	while (c < n)
		c *= 2;
	return c;
}
