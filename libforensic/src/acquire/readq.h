/*
 * Several reads in flight for a block device (issue 15): a block is read
 * as FX_READQ_READERS aligned pieces at once, each by a reader thread of
 * its own, so that the device sees a queue (an NVMe drive needs depth to
 * reach its speed; one synchronous O_DIRECT read at a time gives it one).
 * Only whole-block success is decided here: a block whose pieces did not
 * all read whole goes back to the pipeline's sector-by-sector path,
 * unchanged (retries, zero fill, the bad-sector list).
 */
#ifndef FX_READQ_H
#define FX_READQ_H

#include <stddef.h>
#include <stdint.h>

#include "forensic/source.h"

/* Pieces (and reader threads) per block. */
#define FX_READQ_READERS 4

typedef struct fx_readq fx_readq;

/* Reader threads ("read/0".."read/3") over src, which must be a file
 * descriptor's source (a device), safe to pread from several threads.
 * 0 or FX_ERROR. */
int fx_readq_new(fx_readq **out, fx_source *src);

/* Reads len bytes at offset into buf (aligned for O_DIRECT), in pieces
 * that are multiples of align bytes. Returns len when every piece read
 * whole; else the first piece's "device gone" errno (-ENODEV, -ENXIO,
 * -ENOMEDIUM) if any, else -EIO: the caller re-reads the block by
 * sector. The pipeline's reader thread only. */
int64_t fx_readq_pread(fx_readq *q, uint8_t *buf, size_t len,
		       uint64_t offset, uint32_t align);

/* Stops and joins the readers. NULL is fine. */
void fx_readq_free(fx_readq *q);

#endif
