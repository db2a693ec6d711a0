/*
 * What names a source for a resume: the SHA-256 of its first and of its
 * last MiB. With the size, model and serial the acquisition recorded, a
 * resume tells the device it began on from another one of the same size
 * (a second drive of the same model, a re-imaged stick) before it appends
 * a byte. Two MiB are read, whatever the size of the source; the first MiB
 * of a disk holds its partition table and boot code, the last MiB the GPT
 * backup, both of which differ between disks that are not copies.
 *
 * Threading: the caller's; the source is read with pread only.
 */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "forensic/acquire.h"
#include "hash/hasher.h"

#define FX_MARK_BYTES ((uint64_t)1 << 20)

/* SHA-256 of len bytes at offset, or "" when they cannot be read. */
static void mark(char out[65], fx_source *src, uint8_t *buf, uint64_t offset,
		 size_t len)
{
	fx_hasher *h = NULL;

	out[0] = '\0';
	if (fx_source_pread(src, buf, len, offset) != (int64_t)len ||
	    fx_hasher_new(&h, FX_HASH_SHA256) != 0)
		return;
	fx_hasher_update(h, buf, len);
	fx_hasher_final_hex(h, out, 65);
	fx_hasher_free(h);
}

int fx_acquire_source_marks(char head[65], char tail[65], fx_source *src)
{
	const fx_source_info *in;
	size_t len;
	uint8_t *buf;

	FX_CHECK_ARG(head);
	FX_CHECK_ARG(tail);
	FX_CHECK_ARG(src);
	in = fx_source_get_info(src);
	len = (size_t)(in->size < FX_MARK_BYTES ? in->size : FX_MARK_BYTES);
	head[0] = tail[0] = '\0';
	if (!len)
		return 0;
	if (!(buf = aligned_alloc(4096, (len + 4095) & ~(size_t)4095)))
		return fx_error_set(FX_ERROR, "out of memory");
	mark(head, src, buf, 0, len);
	mark(tail, src, buf, in->size - len, len);
	free(buf);
	return 0;
}
