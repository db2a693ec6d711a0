/*
 * Names of the virtual-disk formats, and recognising a container by its
 * magic numbers (fx_vdisk_sniff): what acquire says when a file it images
 * as raw looks like a VMDK, VHD, VHDX or QCOW container. Reads at most the
 * first and the last sector of a regular file, read-only, and decides
 * nothing about whether the container is sound (vdisk.c opens it).
 * Constant tables only: any thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "forensic/source.h"

static const char *const vd_names[] = { "raw", "vmdk", "vhd", "vhdx", "qcow2" };
static const char *const vd_titles[] = { "raw file", "VMDK virtual disk",
					 "VHD virtual disk", "VHDX virtual disk",
					 "QCOW virtual disk" };

const char *fx_vdisk_format_name(int format)
{
	return format >= 0 && format <= FX_VDISK_QCOW2 ? vd_names[format] : "?";
}

const char *fx_vdisk_format_title(int format)
{
	return format >= 0 && format <= FX_VDISK_QCOW2 ? vd_titles[format] : "?";
}

int fx_vdisk_format_parse(int *out, const char *name)
{
	int i;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(name);
	for (i = 0; i <= FX_VDISK_QCOW2; i++)
		if (strcasecmp(name, vd_names[i]) == 0) {
			*out = i;
			return 0;
		}
	return fx_error_set(FX_EUSAGE,
			    "unknown source format '%s' (raw, vmdk, vhd, vhdx or qcow2)",
			    name);
}

/* ---- recognising a container by its magic numbers ------------------------ */

static int sniff_head(const unsigned char *b, size_t n)
{
	static const char desc[] = "# Disk DescriptorFile";

	if (n >= 4 && memcmp(b, "KDMV", 4) == 0)
		return FX_VDISK_VMDK;
	if (n >= 4 && memcmp(b, "COWD", 4) == 0) /* ESX sparse extent */
		return FX_VDISK_VMDK;
	if (n >= sizeof(desc) - 1 && memcmp(b, desc, sizeof(desc) - 1) == 0)
		return FX_VDISK_VMDK;
	if (n >= 8 && memcmp(b, "vhdxfile", 8) == 0)
		return FX_VDISK_VHDX;
	if (n >= 4 && memcmp(b, "QFI\xfb", 4) == 0)
		return FX_VDISK_QCOW2;
	if (n >= 8 && memcmp(b, "conectix", 8) == 0) /* dynamic VHD's copy */
		return FX_VDISK_VHD;
	return FX_VDISK_RAW;
}

int fx_vdisk_sniff(int *out, const char *path)
{
	unsigned char buf[512];
	struct stat st;
	ssize_t n;
	int fd;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(path);
	*out = FX_VDISK_RAW;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME)) < 0 &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "cannot open %s", path);
	n = pread(fd, buf, sizeof(buf), 0);
	if (n > 0)
		*out = sniff_head(buf, (size_t)n);
	/* a fixed VHD is the raw disk and a 512-byte footer ("conectix") */
	if (*out == FX_VDISK_RAW && st.st_size >= 1024 &&
	    pread(fd, buf, 512, st.st_size - 512) == 512 &&
	    memcmp(buf, "conectix", 8) == 0)
		*out = FX_VDISK_VHD;
	close(fd);
	return 0;
}
