/*
 * Block-device facts from the kernel: the partitions of a disk (sysfs),
 * whether any of them is mounted (/proc/self/mountinfo), the read-only flag
 * (BLKROSET/BLKROGET) and the identity the system exposes (sysfs, udev).
 * Nothing here writes to a device: BLKROSET only changes the kernel's flag.
 * Each flag's state as found is kept typed (fx_ro_state), so that a source
 * that is given back unread clears exactly the flags it set and never one
 * that was set before; the "sda=0 sda1=0" texts are only made for records.
 * Called from the thread that opens the source.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/fs.h>

#include "base/error.h"
#include "source/source_impl.h"

/* Reads a one-line sysfs/text file into out, trimmed; "" on failure. */
static void read_line(char *out, size_t outlen, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len;

	out[0] = '\0';
	if (!f)
		return;
	if (!fgets(out, (int)outlen, f))
		out[0] = '\0';
	fclose(f);
	len = strlen(out);
	while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
		out[--len] = '\0';
	while (out[0] == ' ')
		memmove(out, out + 1, strlen(out));
}

static int parse_dev(dev_t *out, const char *text)
{
	unsigned maj, min;

	if (sscanf(text, "%u:%u", &maj, &min) != 2)
		return -1;
	*out = makedev(maj, min);
	return 0;
}

/* A partition as found in sysfs, with its number for ordering. */
typedef struct part_entry {
	long number;
	dev_t dev;
	char name[64];
} part_entry;

static int part_cmp(const void *a, const void *b)
{
	const part_entry *x = a, *y = b;

	return (x->number > y->number) - (x->number < y->number);
}

/* Fills the partitions of the disk in bd->name from /sys/class/block, in
 * partition-number order (sysfs lists them in no defined order), so that
 * every record names them in the same order. */
static void probe_partitions(fx_blockdev *bd)
{
	char path[PATH_MAX], text[64];
	part_entry *parts = calloc(FX_MAX_PARTITIONS, sizeof(*parts));
	struct dirent *de;
	size_t i, n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/class/block/%s", bd->name);
	if (!parts || !(dir = opendir(path))) {
		free(parts);
		return;
	}
	while ((de = readdir(dir)) != NULL && n < FX_MAX_PARTITIONS) {
		if (strncmp(de->d_name, bd->name, strlen(bd->name)) != 0 ||
		    strlen(de->d_name) >= sizeof(parts[0].name))
			continue;
		snprintf(path, sizeof(path), "/sys/class/block/%s/%s/dev",
			 bd->name, de->d_name);
		read_line(text, sizeof(text), path);
		if (!text[0] || parse_dev(&parts[n].dev, text))
			continue;
		snprintf(path, sizeof(path), "/sys/class/block/%s/%s/partition",
			 bd->name, de->d_name);
		read_line(text, sizeof(text), path);
		parts[n].number = strtol(text, NULL, 10);
		strcpy(parts[n].name, de->d_name);
		n++;
	}
	closedir(dir);
	qsort(parts, n, sizeof(*parts), part_cmp);
	for (i = 0; i < n; i++) {
		strcpy(bd->part_names[i], parts[i].name);
		bd->part_devs[i] = parts[i].dev;
	}
	bd->nparts = n;
	free(parts);
}

/* Fills bd->family from the whole disk named disk. */
static void probe_family(fx_blockdev *bd, const char *disk)
{
	fx_blockdev parent;
	char path[PATH_MAX], text[64];
	size_t i;

	memset(&parent, 0, sizeof(parent));
	snprintf(parent.name, sizeof(parent.name), "%s", disk);
	snprintf(path, sizeof(path), "/sys/class/block/%s/dev", disk);
	read_line(text, sizeof(text), path);
	bd->nfamily = 0;
	if (text[0] && parse_dev(&parent.dev, text) == 0)
		bd->family[bd->nfamily++] = parent.dev;
	probe_partitions(&parent);
	for (i = 0; i < parent.nparts; i++)
		bd->family[bd->nfamily++] = parent.part_devs[i];
	if (bd->nfamily == 0)
		bd->family[bd->nfamily++] = bd->dev;
}

/* The whole disk a partition belongs to: the parent directory in sysfs. */
static void parent_disk(char *out, size_t outlen, const char *part)
{
	char path[PATH_MAX], link[PATH_MAX], *slash;
	ssize_t n;

	snprintf(out, outlen, "%s", part);
	snprintf(path, sizeof(path), "/sys/class/block/%s", part);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return;
	link[n] = '\0';
	if ((slash = strrchr(link, '/')) == NULL)
		return;
	*slash = '\0';
	if ((slash = strrchr(link, '/')) != NULL)
		snprintf(out, outlen, "%.63s", slash + 1);
}

int fx_blockdev_probe(fx_blockdev *out, dev_t dev)
{
	char disk[64];
	char path[PATH_MAX], link[PATH_MAX];
	const char *base;
	ssize_t n;

	memset(out, 0, sizeof(*out));
	out->dev = dev;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(dev),
		 minor(dev));
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		snprintf(out->name, sizeof(out->name), "%u:%u", major(dev),
			 minor(dev));
		return 0;
	}
	link[n] = '\0';
	base = strrchr(link, '/');
	snprintf(out->name, sizeof(out->name), "%.63s", base ? base + 1 : link);
	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", out->name);
	out->is_partition = access(path, F_OK) == 0;
	if (!out->is_partition)
		probe_partitions(out);
	if (out->is_partition)
		parent_disk(disk, sizeof(disk), out->name);
	else
		snprintf(disk, sizeof(disk), "%s", out->name);
	probe_family(out, disk);
	return 0;
}

/* True if dev is the device or one of its partitions. */
static int blockdev_owns(const fx_blockdev *bd, dev_t dev)
{
	size_t i;

	if (dev == bd->dev)
		return 1;
	for (i = 0; i < bd->nparts; i++)
		if (bd->part_devs[i] == dev)
			return 1;
	return 0;
}

int fx_blockdev_check_mounted(const fx_blockdev *bd, const char *path)
{
	char line[8192], mnt[4096], devtext[64];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	int rc = 0;
	dev_t dev;

	if (!f)
		return fx_error_set_errno(FX_ERROR, errno,
					  "cannot check whether %s is mounted: /proc/self/mountinfo",
					  path);
	while (fgets(line, sizeof(line), f)) {
		/* id parent maj:min root mountpoint ... */
		if (sscanf(line, "%*s %*s %63s %*s %4095s", devtext, mnt) != 2)
			continue;
		if (parse_dev(&dev, devtext) || !blockdev_owns(bd, dev))
			continue;
		rc = fx_error_set(FX_EBUSY,
				  "source %s is mounted: %u:%u on %s (unmount it, or use --allow-mounted)",
				  path, major(dev), minor(dev), mnt);
		break;
	}
	fclose(f);
	return rc;
}

static int ro_get(int fd, int *out)
{
	return ioctl(fd, BLKROGET, out);
}

/* The flag through fd: 1, 0, or -1 when BLKROGET fails. */
static int ro_value(int fd)
{
	int ro = -1;

	return ro_get(fd, &ro) == 0 ? ro : -1;
}

/* Opens the node /dev/NAME of a partition read-only and checks that it is
 * that partition's device. Returns the fd, or -1 with errno set (ENOTBLK,
 * ENODEV: the node is not that device). */
static int open_node(const fx_ro_flag *f)
{
	char node[PATH_MAX];
	struct stat st;
	int fd;

	snprintf(node, sizeof(node), "/dev/%s", f->name);
	fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -1;
	}
	if (!S_ISBLK(st.st_mode) || st.st_rdev != f->dev) {
		close(fd);
		errno = S_ISBLK(st.st_mode) ? ENODEV : ENOTBLK;
		return -1;
	}
	return fd;
}

void fx_blockdev_ro_read(const fx_blockdev *bd, int fd, fx_ro_state *out)
{
	fx_ro_flag *f;
	size_t i;
	int pfd;

	memset(out, 0, sizeof(*out));
	f = &out->flags[0];
	snprintf(f->name, sizeof(f->name), "%s", bd->name);
	f->dev = bd->dev;
	f->before = ro_value(fd);
	for (i = 0; i < bd->nparts; i++) {
		f = &out->flags[i + 1];
		snprintf(f->name, sizeof(f->name), "%s", bd->part_names[i]);
		f->dev = bd->part_devs[i];
		f->before = -1;
		if ((pfd = open_node(f)) >= 0) {
			f->before = ro_value(pfd);
			close(pfd);
		}
	}
	out->n = bd->nparts + 1;
}

void fx_ro_format(const fx_ro_state *ro, enum fx_ro_list which, char *out,
		  size_t outlen)
{
	const fx_ro_flag *f;
	size_t i, len;
	int value;

	out[0] = '\0';
	for (i = 0; i < ro->n; i++) {
		f = &ro->flags[i];
		if (which == FX_RO_RESTORED && !f->restored)
			continue;
		if (which == FX_RO_KEPT && f->before != 1)
			continue;
		value = which == FX_RO_RESTORED ? 0 : f->before;
		len = strlen(out);
		snprintf(out + len, outlen - len, "%s%s=%d", len ? " " : "",
			 f->name, value);
	}
}

void fx_blockdev_ro_state(const fx_blockdev *bd, int fd, char *out,
			  size_t outlen)
{
	fx_ro_state *now = malloc(sizeof(*now));

	out[0] = '\0';
	if (!now)
		return;
	fx_blockdev_ro_read(bd, fd, now);
	fx_ro_format(now, FX_RO_BEFORE, out, outlen);
	free(now);
}

/* Sets the flag of one node; f->set_by_us records a change from 0 to 1
 * as soon as BLKROSET took effect, so that a failed confirmation is still
 * undone by a restore. */
static int ro_set(int fd, fx_ro_flag *f, const char *what)
{
	int on = 1;

	if (ioctl(fd, BLKROSET, &on) != 0)
		return fx_error_set_errno(FX_ERROR, errno,
					  "write-block: BLKROSET failed on %s", what);
	f->set_by_us = f->before == 0;
	if (ro_value(fd) != 1)
		return fx_error_set(FX_ERROR,
				    "write-block: %s is not read-only after BLKROSET",
				    what);
	return 0;
}

/* Flags found set are left alone: they were not ours to set, and so are
 * never ours to clear. */
int fx_blockdev_write_block(const fx_blockdev *bd, const char *path, int fd,
			    fx_ro_state *ro)
{
	char what[PATH_MAX + 80];
	fx_ro_flag *f;
	size_t i;
	int rc = 0, pfd;

	fx_blockdev_ro_read(bd, fd, ro);
	for (i = 0; rc == 0 && i < ro->n; i++) {
		f = &ro->flags[i];
		if (f->before == 1)
			continue;
		if (i == 0) {
			rc = ro_set(fd, f, path);
			continue;
		}
		if ((pfd = open_node(f)) < 0)
			return fx_error_set_errno(FX_ERROR, errno,
						  "write-block: cannot open partition /dev/%s of %s",
						  f->name, path);
		snprintf(what, sizeof(what), "/dev/%s", f->name);
		rc = ro_set(pfd, f, what);
		close(pfd);
	}
	return rc;
}

/* Clears the flag of one node and confirms it. */
static int ro_clear(int fd, const fx_ro_flag *f)
{
	int off = 0;

	if (ioctl(fd, BLKROSET, &off) != 0)
		return fx_error_set_errno(FX_ERROR, errno,
					  "cannot restore the read-only flag of /dev/%s: BLKROSET",
					  f->name);
	if (ro_value(fd) != 0)
		return fx_error_set(FX_ERROR,
				    "cannot restore the read-only flag of /dev/%s: still set after BLKROSET",
				    f->name);
	return 0;
}

/* Every flag is tried, whatever failed before it; the first failure's
 * message is the one kept. */
int fx_blockdev_ro_restore(int fd, fx_ro_state *ro)
{
	char first[512] = "";
	fx_ro_flag *f;
	size_t i;
	int rc = 0, r, nfd;

	for (i = 0; i < ro->n; i++) {
		f = &ro->flags[i];
		if (!f->set_by_us || f->restored)
			continue;
		nfd = i == 0 ? fd : open_node(f);
		if (nfd < 0)
			r = fx_error_set_errno(FX_ERROR, errno,
					       "cannot restore the read-only flag of /dev/%s: open",
					       f->name);
		else
			r = ro_clear(nfd, f);
		if (i && nfd >= 0)
			close(nfd);
		if (r == 0) {
			f->restored = 1;
		} else if (rc == 0) {
			rc = r;
			snprintf(first, sizeof(first), "%s", fx_error_last());
		}
	}
	return rc ? fx_error_set(rc, "%s", first) : 0;
}

/* Looks up KEY= in the udev database entry of dev ("E:KEY=value"). */
static void udev_property(char *out, size_t outlen, dev_t dev, const char *key)
{
	char path[128], line[1024];
	size_t klen = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/run/udev/data/b%u:%u", major(dev),
		 minor(dev));
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "E:", 2) != 0 || strncmp(line + 2, key, klen) ||
		    line[2 + klen] != '=')
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(out, outlen, "%s", line + 3 + klen);
		break;
	}
	fclose(f);
}

static void sys_attr(char *out, size_t outlen, const char *disk,
		     const char *attr)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/class/block/%s/%s", disk, attr);
	read_line(out, outlen, path);
}

static int sys_flag(const char *disk, const char *attr)
{
	char text[16];

	sys_attr(text, sizeof(text), disk, attr);
	if (!text[0])
		return FX_UNKNOWN;
	return atoi(text) ? 1 : 0;
}

void fx_blockdev_identity(const fx_blockdev *bd, fx_source_info *info,
			  fx_source_text *text)
{
	char disk[64], type[16];

	if (bd->is_partition)
		parent_disk(disk, sizeof(disk), bd->name);
	else
		snprintf(disk, sizeof(disk), "%s", bd->name);
	sys_attr(text->vendor, sizeof(text->vendor), disk, "device/vendor");
	sys_attr(text->model, sizeof(text->model), disk, "device/model");
	sys_attr(text->serial, sizeof(text->serial), disk, "device/serial");
	sys_attr(text->wwid, sizeof(text->wwid), disk, "device/wwid");
	if (!text->wwid[0])
		sys_attr(text->wwid, sizeof(text->wwid), disk, "wwid");
	if (!text->serial[0])
		udev_property(text->serial, sizeof(text->serial), bd->dev,
			      "ID_SERIAL_SHORT");
	if (!text->model[0])
		udev_property(text->model, sizeof(text->model), bd->dev,
			      "ID_MODEL");
	if (!text->vendor[0])
		udev_property(text->vendor, sizeof(text->vendor), bd->dev,
			      "ID_VENDOR");
	if (!text->wwid[0])
		udev_property(text->wwid, sizeof(text->wwid), bd->dev, "ID_WWN");
	info->removable = sys_flag(disk, "removable");
	sys_attr(type, sizeof(type), disk, "device/type");
	info->optical = strcmp(type, "5") == 0; /* SCSI peripheral type: CD/DVD */
	info->rotational = sys_flag(disk, "queue/rotational");
}
