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

/* The read-only flag of one device node of a block-device source: as the
 * open found it, and what this source did to it. Only a flag the open
 * changed from 0 to 1 may ever be cleared again; one found set, or one
 * whose state could not be read, is never cleared. */
typedef struct fx_ro_flag {
	char name[64];          /* kernel name: "sda", "sda1" */
	dev_t dev;
	int before;             /* 1, 0, or -1: BLKROGET failed */
	int set_by_us;          /* the open changed it from 0 to 1 */
	int restored;           /* cleared again, confirmed 0 with BLKROGET */
} fx_ro_flag;

/* The device itself first, then its partitions (none for a partition). */
typedef struct fx_ro_state {
	int restore_tried;      /* a restore ran: a later one does nothing */
	size_t n;
	fx_ro_flag flags[FX_MAX_PARTITIONS + 1];
} fx_ro_state;

/* The texts of a source's info (fx_source_info points into them); ""
 * where the system does not expose a value. */
typedef struct fx_source_text {
	char path[4096];
	char vendor[64];
	char model[128];
	char serial[128];
	char wwid[256];
	char write_block_method[96];
	char ro_before[512];
	char ro_after[512];
	char hpa_dco[512];
	char ro_restored[512];
	char ro_kept[512];
} fx_source_text;

/* Immutable after open, except text.ro_after (fx_source_refresh_state),
 * ro and text.ro_restored/ro_kept (fx_source_restore_write_block) and
 * info.read_started (fx_source_pread). info's texts point into text for
 * the source's life (it never moves: allocated once). A source is used by
 * one thread at a time (the pipeline's reader). */
struct fx_source {
	fx_source_info info;
	fx_source_text text;
	fx_ro_state ro;         /* block devices: the flags as found and set */
	int fd;                 /* -1 for custom sources */
	dev_t st_dev;           /* file system holding a regular-file source */
	ino_t st_ino;
	fx_blockdev bdev;       /* valid when info.is_block_device */
	fx_source_ops ops;      /* custom sources */
	void *payload;
	int image_format;       /* enum fx_image_format, 0 if not an image */
	struct fx_vdisk *vdisk; /* a virtual disk's set (vdisk.c), else NULL;
				 * owned through payload, freed by ops.close */
};

/* source.c: FX_EUSAGE when one of opts' destinations is the file of
 * device dev and inode ino (what names it: path, in the message). */
int fx_source_refuse_file_destinations(dev_t dev, ino_t ino, const char *path,
				       const fx_source_options *opts);

/* blockdev.c */
int fx_blockdev_probe(fx_blockdev *out, dev_t dev);
int fx_blockdev_check_mounted(const fx_blockdev *bd, const char *path);
void fx_blockdev_ro_read(const fx_blockdev *bd, int fd, fx_ro_state *out);
int fx_blockdev_write_block(const fx_blockdev *bd, const char *path, int fd,
			    fx_ro_state *ro);
int fx_blockdev_ro_restore(int fd, fx_ro_state *ro);
void fx_blockdev_ro_state(const fx_blockdev *bd, int fd, char *out,
			  size_t outlen);

/* Which flags fx_ro_format lists, each as "name=flag". */
enum fx_ro_list {
	FX_RO_BEFORE,   /* every flag as found */
	FX_RO_RESTORED, /* the flags cleared again ("name=0") */
	FX_RO_KEPT      /* the flags found set, left set ("name=1") */
};
void fx_ro_format(const fx_ro_state *ro, enum fx_ro_list which, char *out,
		  size_t outlen);
void fx_blockdev_identity(const fx_blockdev *bd, fx_source_info *info,
			  fx_source_text *text);
void fx_blockdev_hpa_dco(int fd, fx_source_text *text);

#endif
