/*
 * Opening evidence read-only. A block device is write-blocked (BLKROSET on
 * the disk and each partition, confirmed with BLKROGET) before its first
 * read; a mounted source is refused; its identity and HPA/DCO state are
 * recorded. A source given back unread (an open that fails, or a caller's
 * run that ends before reading) can have exactly the flags it set cleared
 * again: write-blocking a disk that is then not imaged must not change a
 * live system. Once read, the flags stay set unless the caller decides
 * otherwise. Regular files are opened O_RDONLY and, where allowed,
 * O_NOATIME so that even their access time is left alone. Custom sources wrap
 * caller-supplied reads (image readers, fault injection in tests).
 * What a source is (its kind: disk, partition, file, custom, image) is a
 * field of its info, and the info's texts point into the source's own
 * buffers, so the info can be handed out, and recorded, as it is.
 * A source is used by one thread at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include "base/error.h"
#include "source/source_impl.h"

/* Points the info's texts at the source's own (all "" until set). */
static void info_texts(fx_source *src)
{
	fx_source_info *in = &src->info;
	fx_source_text *t = &src->text;

	in->path = t->path;
	in->vendor = t->vendor;
	in->model = t->model;
	in->serial = t->serial;
	in->wwid = t->wwid;
	in->hpa_dco = t->hpa_dco;
	in->write_block_method = t->write_block_method;
	in->ro_before = t->ro_before;
	in->ro_after = t->ro_after;
	in->ro_restored = t->ro_restored;
	in->ro_kept = t->ro_kept;
}

static fx_source *source_alloc(const char *path, fx_source_kind kind)
{
	fx_source *src = calloc(1, sizeof(*src));

	if (!src) {
		fx_error_set(FX_ERROR, "out of memory opening %s", path);
		return NULL;
	}
	src->fd = -1;
	info_texts(src);
	snprintf(src->text.path, sizeof(src->text.path), "%s", path);
	src->info.kind = kind;
	src->info.removable = FX_UNKNOWN;
	src->info.rotational = FX_UNKNOWN;
	return src;
}

static int check_destinations(const fx_source *src, const fx_source_options *o);

/* Whether this fd accepts O_DIRECT reads of one logical sector. */
static int direct_read_works(int fd, uint32_t sector)
{
	void *buf = NULL;
	ssize_t n;

	if (posix_memalign(&buf, 4096, sector < 4096 ? 4096 : sector) != 0)
		return 0;
	n = pread(fd, buf, sector, 0);
	free(buf);
	return n == (ssize_t)sector;
}

static int open_block(fx_source *src, const char *path, const struct stat *st,
		      const fx_source_options *o)
{
	fx_source_info *info = &src->info;
	fx_source_text *text = &src->text;
	int ssz = 512;
	unsigned pbsz = 512;
	int rc = 0;

	fx_blockdev_probe(&src->bdev, st->st_rdev);
	if (!o->allow_mounted &&
	    (rc = fx_blockdev_check_mounted(&src->bdev, path)) != 0)
		return rc;
	info->is_block_device = 1;
	info->is_partition = src->bdev.is_partition;
	info->kind = src->bdev.is_partition ? FX_SOURCE_PARTITION
					    : FX_SOURCE_DEVICE;
	if ((rc = check_destinations(src, o)) != 0)
		return rc; /* before anything is changed */
	src->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (src->fd < 0)
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "cannot open source %s", path);
	if (o->write_block) {
		snprintf(text->write_block_method,
			 sizeof(text->write_block_method), "BLKROSET");
		rc = fx_blockdev_write_block(&src->bdev, path, src->fd, &src->ro);
	} else {
		snprintf(text->write_block_method,
			 sizeof(text->write_block_method),
			 "disabled (--no-write-block)");
		fx_blockdev_ro_read(&src->bdev, src->fd, &src->ro);
	}
	fx_ro_format(&src->ro, FX_RO_BEFORE, text->ro_before,
		     sizeof(text->ro_before));
	fx_ro_format(&src->ro, FX_RO_KEPT, text->ro_kept, sizeof(text->ro_kept));
	if (rc != 0)
		return rc;
	fx_blockdev_ro_state(&src->bdev, src->fd, text->ro_after,
			     sizeof(text->ro_after));
	if (ioctl(src->fd, BLKGETSIZE64, &info->size) != 0)
		return fx_error_set_errno(FX_EIO, errno,
					  "cannot read the size of %s (BLKGETSIZE64)",
					  path);
	if (ioctl(src->fd, BLKSSZGET, &ssz) != 0 || ssz <= 0)
		ssz = 512;
	if (ioctl(src->fd, BLKPBSZGET, &pbsz) != 0 || pbsz == 0)
		pbsz = (unsigned)ssz;
	info->logical_sector_size = (uint32_t)ssz;
	info->physical_sector_size = pbsz;
	fx_blockdev_identity(&src->bdev, info, text);
	/* 2048-byte logical sectors are those of optical media (CD, DVD,
	 * BD), also when no SCSI type says so (a loop device of an ISO) */
	if (info->logical_sector_size == 2048)
		info->optical = 1;
	if (src->bdev.is_partition)
		snprintf(text->hpa_dco, sizeof(text->hpa_dco),
			 "not checked: %s is a partition; HPA/DCO belong to the whole disk",
			 path);
	else
		fx_blockdev_hpa_dco(src->fd, text);
	if (o->direct_io) {
		int dfd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECT);

		if (dfd >= 0 && direct_read_works(dfd, info->logical_sector_size)) {
			close(src->fd);
			src->fd = dfd;
			info->direct_io = 1;
		} else if (dfd >= 0) {
			close(dfd);
		}
	}
	return 0;
}

static int open_file(fx_source *src, const char *path, const struct stat *st,
		     const fx_source_options *o)
{
	fx_source_info *info = &src->info;
	fx_source_text *text = &src->text;
	int rc;

	if ((rc = check_destinations(src, o)) != 0)
		return rc;
	src->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME);
	if (src->fd < 0 && errno == EPERM)
		src->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (src->fd < 0)
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "cannot open source %s", path);
	info->size = (uint64_t)st->st_size;
	info->logical_sector_size = 512;
	info->physical_sector_size = 512;
	snprintf(text->write_block_method, sizeof(text->write_block_method),
		 "none: regular file opened O_RDONLY");
	snprintf(text->hpa_dco, sizeof(text->hpa_dco),
		 "not checked: %s is a regular file, not a device", path);
	if (o->bypass_cache)
		posix_fadvise(src->fd, 0, 0, POSIX_FADV_DONTNEED);
	return 0;
}

/* Whether the open set any flag (so that a failure must clear it). */
static int ro_any_set(const fx_ro_state *ro)
{
	size_t i;

	for (i = 0; i < ro->n; i++)
		if (ro->flags[i].set_by_us && !ro->flags[i].restored)
			return 1;
	return 0;
}

/* An open that fails after write-blocking gives the device back as it
 * found it; the error keeps its message and adds what was restored. */
static int open_failed(fx_source *src, int rc)
{
	char msg[1024];

	if (!ro_any_set(&src->ro))
		return rc;
	snprintf(msg, sizeof(msg), "%s", fx_error_last());
	if (fx_source_restore_write_block(src) != 0)
		return fx_error_set(rc, "%.600s; %.400s", msg, fx_error_last());
	return fx_error_set(rc, "%.600s (read-only flags restored: %.400s)", msg,
			    src->info.ro_restored);
}

int fx_source_open(fx_source **out, const char *path,
		   const fx_source_options *opts)
{
	fx_source_options defaults = FX_SOURCE_OPTIONS_INIT;
	const fx_source_options *o = opts ? opts : &defaults;
	fx_source *src = NULL;
	struct stat st;
	int rc;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(path);
	*out = NULL;
	if (stat(path, &st) != 0)
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "source %s", path);
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		return fx_error_set(FX_EUSAGE,
				    "source %s is neither a block device nor a regular file",
				    path);
	FX_CHECK_VERSION(o, FX_SOURCE_OPTIONS_VERSION,
			 "fx_source_open: fx_source_options");
	if (!(src = source_alloc(path, S_ISBLK(st.st_mode) ? FX_SOURCE_DEVICE
							     : FX_SOURCE_FILE)))
		return FX_ERROR;
	src->st_dev = st.st_dev;
	src->st_ino = st.st_ino;
	rc = S_ISBLK(st.st_mode) ? open_block(src, path, &st, o)
				 : open_file(src, path, &st, o);
	if (rc != 0) {
		rc = open_failed(src, rc);
		fx_source_free(src);
		return rc;
	}
	*out = src;
	return 0;
}

int fx_source_new_custom(fx_source **out, const fx_source_ops *ops,
			 void *payload, uint64_t size, uint32_t sector_size,
			 const char *name)
{
	fx_source *src;

	FX_CHECK_ARG(out);
	*out = NULL;
	FX_CHECK_ARG(ops);
	FX_CHECK_VERSION(ops, FX_SOURCE_OPS_VERSION,
			 "fx_source_new_custom: fx_source_ops");
	if (!ops->pread || sector_size == 0 ||
	    (sector_size & (sector_size - 1)))
		return fx_error_set(FX_EUSAGE,
				    "custom source %s: missing pread or bad sector size %u",
				    name ? name : "", sector_size);
	if (!(src = source_alloc(name ? name : "custom", FX_SOURCE_CUSTOM)))
		return FX_ERROR;
	src->ops = *ops;
	src->payload = payload;
	src->info.size = size;
	src->info.logical_sector_size = sector_size;
	src->info.physical_sector_size = sector_size;
	snprintf(src->text.write_block_method,
		 sizeof(src->text.write_block_method), "custom source");
	snprintf(src->text.hpa_dco, sizeof(src->text.hpa_dco),
		 "not checked: not a device");
	*out = src;
	return 0;
}

const fx_source_info *fx_source_get_info(const fx_source *src)
{
	return &src->info;
}

int64_t fx_source_pread(fx_source *src, void *buf, size_t len, uint64_t offset)
{
	size_t done = 0;
	ssize_t n;

	src->info.read_started = 1;
	if (src->fd < 0)
		return src->ops.pread(src->payload, buf, len, offset);
	while (done < len) {
		n = pread(src->fd, (char *)buf + done, len - done,
			  (off_t)(offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (int64_t)done;
}

int fx_source_refresh_state(fx_source *src)
{
	if (src->info.is_block_device && src->fd >= 0)
		fx_blockdev_ro_state(&src->bdev, src->fd, src->text.ro_after,
				     sizeof(src->text.ro_after));
	return 0;
}

int fx_source_restore_write_block(fx_source *src)
{
	int rc;

	if (!src->info.is_block_device || src->fd < 0 || src->ro.restore_tried)
		return 0;
	src->ro.restore_tried = 1;
	rc = fx_blockdev_ro_restore(src->fd, &src->ro);
	fx_ro_format(&src->ro, FX_RO_RESTORED, src->text.ro_restored,
		     sizeof(src->text.ro_restored));
	fx_source_refresh_state(src);
	return rc;
}

/* stat() of path, or of the directory that would hold it. */
static int stat_destination(struct stat *st, const char *path)
{
	char copy[PATH_MAX];

	if (stat(path, st) == 0)
		return 0;
	snprintf(copy, sizeof(copy), "%s", path);
	return stat(dirname(copy), st);
}

/* The check itself; for a custom source (no device, no file) nothing. */
static int check_destination(const fx_source *src, const char *path)
{
	struct stat st;
	size_t i;

	if ((!src->info.is_block_device && !src->st_ino) ||
	    stat_destination(&st, path) != 0)
		return 0;
	if (!src->info.is_block_device) {
		if (st.st_dev == src->st_dev && st.st_ino == src->st_ino)
			return fx_error_set(FX_EUSAGE,
					    "destination %s is the source itself",
					    path);
		return 0;
	}
	for (i = 0; i < src->bdev.nfamily; i++)
		if (st.st_dev == src->bdev.family[i] || st.st_dev == src->bdev.dev)
			return fx_error_set(FX_EUSAGE,
					    "destination %s lies on the source device %s (the same disk)",
					    path, src->info.path);
	return 0;
}

int fx_source_check_destination(const fx_source *src, const char *path)
{
	return src->fd < 0 ? 0 : check_destination(src, path);
}

int fx_source_refuse_file_destinations(dev_t dev, ino_t ino, const char *path,
				       const fx_source_options *o)
{
	const char *const *d = o->version >= 2 ? o->destinations : NULL;
	struct stat st;

	for (; d && *d; d++)
		if (stat_destination(&st, *d) == 0 && st.st_dev == dev &&
		    st.st_ino == ino)
			return fx_error_set(FX_EUSAGE,
					    "destination %s is the source file %s",
					    *d, path);
	return 0;
}

static int check_destinations(const fx_source *src, const fx_source_options *o)
{
	const char *const *d = o->version >= 2 ? o->destinations : NULL;
	int rc;

	for (; d && *d; d++)
		if ((rc = check_destination(src, *d)) != 0)
			return rc;
	return 0;
}

void fx_source_free(fx_source *src)
{
	if (!src)
		return;
	if (src->fd >= 0)
		close(src->fd);
	if (src->ops.close)
		src->ops.close(src->payload);
	free(src);
}
