/*
 * Block-device facts from the kernel: the partitions of a disk (sysfs),
 * whether any of them is mounted (/proc/self/mountinfo), the read-only flag
 * (BLKROSET/BLKROGET) and the identity the system exposes (sysfs, udev).
 * Nothing here writes to a device: BLKROSET only changes the kernel's flag.
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

#include "error.h"
#include "source_impl.h"

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

/* Fills the partitions of the disk in bd->name from /sys/class/block. */
static void probe_partitions(fx_blockdev *bd)
{
	char path[PATH_MAX], text[64];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/class/block/%s", bd->name);
	dir = opendir(path);
	if (!dir)
		return;
	while ((de = readdir(dir)) != NULL && bd->nparts < FX_MAX_PARTITIONS) {
		if (strncmp(de->d_name, bd->name, strlen(bd->name)) != 0 ||
		    strlen(de->d_name) >= sizeof(bd->part_names[0]))
			continue;
		snprintf(path, sizeof(path), "/sys/class/block/%s/%s/dev",
			 bd->name, de->d_name);
		read_line(text, sizeof(text), path);
		if (!text[0] || parse_dev(&bd->part_devs[bd->nparts], text))
			continue;
		strcpy(bd->part_names[bd->nparts], de->d_name);
		bd->nparts++;
	}
	closedir(dir);
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

/* Sets and confirms the read-only flag of one device node. */
static int ro_set(int fd, const char *what)
{
	int on = 1, now = 0;

	if (ioctl(fd, BLKROSET, &on) != 0)
		return fx_error_set_errno(FX_ERROR, errno,
					  "write-block: BLKROSET failed on %s", what);
	if (ro_get(fd, &now) != 0 || now != 1)
		return fx_error_set(FX_ERROR,
				    "write-block: %s is not read-only after BLKROSET",
				    what);
	return 0;
}

/* Opens the device node of partition i read-only, or -1. */
static int open_part(const fx_blockdev *bd, size_t i)
{
	char node[PATH_MAX];
	struct stat st;
	int fd;

	snprintf(node, sizeof(node), "/dev/%s", bd->part_names[i]);
	fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISBLK(st.st_mode) ||
	    st.st_rdev != bd->part_devs[i]) {
		close(fd);
		return -1;
	}
	return fd;
}

static void append(char *out, size_t outlen, const char *fmt, const char *name,
		   int value)
{
	size_t len = strlen(out);

	snprintf(out + len, outlen - len, fmt, len ? " " : "", name, value);
}

void fx_blockdev_ro_state(const fx_blockdev *bd, int fd, char *out,
			  size_t outlen)
{
	size_t i;
	int ro = -1, pfd;

	out[0] = '\0';
	if (ro_get(fd, &ro) != 0)
		ro = -1;
	append(out, outlen, "%s%s=%d", bd->name, ro);
	for (i = 0; i < bd->nparts; i++) {
		ro = -1;
		pfd = open_part(bd, i);
		if (pfd >= 0) {
			if (ro_get(pfd, &ro) != 0)
				ro = -1;
			close(pfd);
		}
		append(out, outlen, "%s%s=%d", bd->part_names[i], ro);
	}
}

int fx_blockdev_write_block(const fx_blockdev *bd, const char *path, int fd,
			    char *before, size_t before_len)
{
	char what[PATH_MAX + 80];
	size_t i;
	int rc, pfd;

	fx_blockdev_ro_state(bd, fd, before, before_len);
	rc = ro_set(fd, path);
	for (i = 0; rc == 0 && i < bd->nparts; i++) {
		pfd = open_part(bd, i);
		if (pfd < 0)
			return fx_error_set_errno(FX_ERROR, errno,
						  "write-block: cannot open partition /dev/%s of %s",
						  bd->part_names[i], path);
		snprintf(what, sizeof(what), "/dev/%s", bd->part_names[i]);
		rc = ro_set(pfd, what);
		close(pfd);
	}
	return rc;
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

void fx_blockdev_identity(const fx_blockdev *bd, fx_source_info *info)
{
	char disk[64], type[16];

	if (bd->is_partition)
		parent_disk(disk, sizeof(disk), bd->name);
	else
		snprintf(disk, sizeof(disk), "%s", bd->name);
	sys_attr(info->vendor, sizeof(info->vendor), disk, "device/vendor");
	sys_attr(info->model, sizeof(info->model), disk, "device/model");
	sys_attr(info->serial, sizeof(info->serial), disk, "device/serial");
	sys_attr(info->wwid, sizeof(info->wwid), disk, "device/wwid");
	if (!info->wwid[0])
		sys_attr(info->wwid, sizeof(info->wwid), disk, "wwid");
	if (!info->serial[0])
		udev_property(info->serial, sizeof(info->serial), bd->dev,
			      "ID_SERIAL_SHORT");
	if (!info->model[0])
		udev_property(info->model, sizeof(info->model), bd->dev,
			      "ID_MODEL");
	if (!info->vendor[0])
		udev_property(info->vendor, sizeof(info->vendor), bd->dev,
			      "ID_VENDOR");
	if (!info->wwid[0])
		udev_property(info->wwid, sizeof(info->wwid), bd->dev, "ID_WWN");
	info->removable = sys_flag(disk, "removable");
	sys_attr(type, sizeof(type), disk, "device/type");
	info->optical = strcmp(type, "5") == 0; /* SCSI peripheral type: CD/DVD */
	info->rotational = sys_flag(disk, "queue/rotational");
}
