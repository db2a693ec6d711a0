/* Internal layout of a source, shared by source.c, blockdev.c and image.c. */
#ifndef FX_SOURCE_IMPL_H
#define FX_SOURCE_IMPL_H

#include <sys/types.h>

#include "forensic/source.h"

#define FX_MAX_PARTITIONS 256

/* A block device and its partitions, as the kernel names them. */
typedef struct fx_blockdev {
	char name[64];                       /* "sda", "loop0", "nvme0n1" */
	dev_t dev;
	int is_partition;
	size_t nparts;
	char part_names[FX_MAX_PARTITIONS][64];
	dev_t part_devs[FX_MAX_PARTITIONS];
	/* The whole disk and all its partitions (for a partition source: its
	 * parent and siblings): a destination on any of them is refused. */
	size_t nfamily;
	dev_t family[FX_MAX_PARTITIONS + 1];
} fx_blockdev;

/* Immutable after open, except info.ro_after (fx_source_refresh_state).
 * A source is used by one thread at a time (the pipeline's reader). */
struct fx_source {
	fx_source_info info;
	int fd;                 /* -1 for custom sources */
	dev_t st_dev;           /* file system holding a regular-file source */
	ino_t st_ino;
	fx_blockdev bdev;       /* valid when info.is_block_device */
	fx_source_ops ops;      /* custom sources */
	void *payload;
	int image_format;       /* enum fx_image_format, 0 if not an image */
};

/* blockdev.c */
int fx_blockdev_probe(fx_blockdev *out, dev_t dev);
int fx_blockdev_check_mounted(const fx_blockdev *bd, const char *path);
int fx_blockdev_write_block(const fx_blockdev *bd, const char *path, int fd,
			    char *before, size_t before_len);
void fx_blockdev_ro_state(const fx_blockdev *bd, int fd, char *out,
			  size_t outlen);
void fx_blockdev_identity(const fx_blockdev *bd, fx_source_info *info);
void fx_blockdev_hpa_dco(int fd, fx_source_info *info);

#endif
