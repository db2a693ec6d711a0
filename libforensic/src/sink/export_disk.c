/*
 * The virtual disks an export writes: raw (the media as one file), a fixed
 * VHD (the media, then the 512-byte footer of Microsoft's VHD
 * specification), and a VMDK made of a descriptor and a monolithicFlat
 * extent (the media). All three are the media byte for byte plus at most
 * a trailer or a small text file, so they are written here rather than
 * through a library: nothing in them needs more than this file. A sparse
 * or dynamic format (dynamic VHD, VHDX, stream-optimised VMDK, QCOW2) is
 * left to qemu-img convert of the raw export (docs/export.md).
 *
 * Every file is created with O_CREAT|O_EXCL|O_NOFOLLOW through a
 * descriptor of its directory held from the start, and the files stay
 * open: an export that fails removes exactly the inodes it created, found
 * through that directory without following a link, and never a name that
 * now holds something else. The footer and the descriptor are written only
 * by the seal, after the media has been verified, so a refused export
 * never looks like a complete disk, even before it is removed.
 *
 * The VHD's creator application is "win ": qemu (block/vpc.c) sizes a VHD
 * from its CHS geometry unless the creator is one of the tools known to
 * write the exact size in the footer (Hyper-V's "win " among them); the
 * geometry rounds the disk down, and a guest would lose its last sectors
 * (a GPT disk its backup header). Hyper-V, Azure and VirtualBox read the
 * footer's size whatever the creator.
 *
 * Threading: the sink's write runs on the pipeline's sink thread and owns
 * the media file's offset and hasher until fx_acquire_run returns; the
 * rest runs on the caller's thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/utf8.h"
#include "hash/hasher.h"
#include "sink/export_disk.h"
#include "sink/sink_impl.h"

#define VHD_FOOTER 512
/* Seconds from the Unix epoch to the VHD epoch, 2000-01-01T00:00:00Z. */
#define VHD_EPOCH 946684800

/* One file of the export. */
typedef struct export_file {
	char *path;         /* as given (the extent: beside the descriptor) */
	char *name;         /* base name, in the held directory */
	int fd;
	struct stat st;     /* the inode created */
	uint64_t size;
	char sha256[65];
} export_file;

struct fx_export_writer {
	int format;
	uint64_t media_size;
	int dirfd;
	export_file f[2];   /* the media file; VMDK: [0] descriptor, [1] extent */
	size_t nfiles;
	fx_sink *sink;
	/* owned by the sink thread while the pipeline runs */
	uint64_t written;
	fx_hasher *h;       /* VHD: the file is the media and its footer */
	char error[4400];
	int error_code;     /* FX_EIO, FX_ENOSPC */
};

/* The file that holds the media. */
static export_file *media_file(fx_export_writer *w)
{
	return &w->f[w->format == FX_EXPORT_VMDK ? 1 : 0];
}

/* ---- names and formats --------------------------------------------------- */

const char *fx_export_format_name(int format)
{
	switch (format) {
	case FX_EXPORT_RAW: return "raw";
	case FX_EXPORT_VHD: return "vhd";
	case FX_EXPORT_VMDK: return "vmdk";
	default: return "?";
	}
}

int fx_export_format_parse(int *out, const char *name)
{
	int f;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(name);
	for (f = FX_EXPORT_RAW; f <= FX_EXPORT_VMDK; f++)
		if (!strcmp(name, fx_export_format_name(f))) {
			*out = f;
			return 0;
		}
	return fx_error_set(FX_EUSAGE, "unknown export format '%s' (raw, vhd, vmdk)",
			    name);
}

int fx_export_extent_name(char *out, size_t outlen, const char *path)
{
	size_t len;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(path);
	len = strlen(path);
	if (len > 5 && !strcmp(path + len - 5, ".vmdk"))
		len -= 5;
	if ((size_t)snprintf(out, outlen, "%.*s-flat.vmdk", (int)len, path) >= outlen)
		return fx_error_set(FX_EUSAGE, "export path too long: %s", path);
	return 0;
}

int fx_export_check_names(const char *path, int format)
{
	char extent[PATH_MAX];
	int rc;

	FX_CHECK_ARG(path);
	if ((rc = fx_evidence_path_check(path)) != 0 || format != FX_EXPORT_VMDK)
		return rc;
	if ((rc = fx_export_extent_name(extent, sizeof(extent), path)) != 0)
		return rc;
	return fx_evidence_path_check(extent);
}

/* ---- VHD ----------------------------------------------------------------- */

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
	while (bytes--) {
		p[bytes] = (uint8_t)v;
		v >>= 8;
	}
}

void fx_vhd_geometry(uint16_t *cylinders, uint8_t *heads, uint8_t *sectors,
		     uint64_t size)
{
	uint64_t total = size / 512, cth;
	uint32_t spt, hd;

	if (total > 65535ull * 16 * 255)
		total = 65535ull * 16 * 255;
	if (total >= 65535ull * 16 * 63) {
		spt = 255;
		hd = 16;
		cth = total / spt;
	} else {
		spt = 17;
		cth = total / spt;
		hd = (uint32_t)((cth + 1023) / 1024);
		if (hd < 4)
			hd = 4;
		if (cth >= hd * 1024ull || hd > 16) {
			spt = 31;
			hd = 16;
			cth = total / spt;
		}
		if (cth >= hd * 1024ull) {
			spt = 63;
			hd = 16;
			cth = total / spt;
		}
	}
	*cylinders = (uint16_t)(cth / hd);
	*heads = (uint8_t)hd;
	*sectors = (uint8_t)spt;
}

void fx_vhd_footer(uint8_t out[512], uint64_t size, time_t t,
		   const uint8_t uuid[16])
{
	uint16_t cyl;
	uint8_t heads, spt;
	uint32_t sum = 0;
	int i;

	memset(out, 0, VHD_FOOTER);
	memcpy(out, "conectix", 8);
	put_be(out + 8, 2, 4);                 /* features: reserved bit set */
	put_be(out + 12, 0x00010000, 4);       /* file format version 1.0 */
	put_be(out + 16, UINT64_MAX, 8);       /* data offset: fixed disk */
	put_be(out + 24, t > VHD_EPOCH ? (uint64_t)(t - VHD_EPOCH) : 0, 4);
	memcpy(out + 28, "win ", 4);           /* creator application (above) */
	put_be(out + 32, 0x000a0000, 4);       /* creator version 10.0 */
	memcpy(out + 36, "Wi2k", 4);           /* creator host OS */
	put_be(out + 40, size, 8);             /* original size */
	put_be(out + 48, size, 8);             /* current size */
	fx_vhd_geometry(&cyl, &heads, &spt, size);
	put_be(out + 56, cyl, 2);
	out[58] = heads;
	out[59] = spt;
	put_be(out + 60, 2, 4);                /* disk type: fixed */
	memcpy(out + 68, uuid, 16);            /* saved state (84) stays 0 */
	for (i = 0; i < VHD_FOOTER; i++)
		sum += out[i];
	put_be(out + 64, ~sum, 4);
}

/* ---- VMDK ---------------------------------------------------------------- */

int fx_vmdk_descriptor(char *out, size_t len, uint64_t size,
		       const char *extent_name, uint32_t cid)
{
	uint64_t sectors = size / 512, cyl = sectors / (16 * 63);
	int n;

	if (cyl > 16383) /* the largest an IDE geometry holds */
		cyl = 16383;
	n = snprintf(out, len,
		     "# Disk DescriptorFile\n"
		     "version=1\n"
		     "encoding=\"UTF-8\"\n"
		     "CID=%08x\n"
		     "parentCID=ffffffff\n"
		     "createType=\"monolithicFlat\"\n"
		     "\n"
		     "# Extent description\n"
		     "RW %llu FLAT \"%s\" 0\n"
		     "\n"
		     "# The Disk Data Base\n"
		     "#DDB\n"
		     "\n"
		     "ddb.virtualHWVersion = \"4\"\n"
		     "ddb.geometry.cylinders = \"%llu\"\n"
		     "ddb.geometry.heads = \"16\"\n"
		     "ddb.geometry.sectors = \"63\"\n"
		     "ddb.adapterType = \"ide\"\n",
		     cid, (unsigned long long)sectors, extent_name,
		     (unsigned long long)cyl);
	if (n < 0 || (size_t)n >= len)
		return fx_error_set(FX_EUSAGE, "VMDK descriptor for extent %s too long",
				    extent_name);
	return 0;
}

/* Whether the descriptor can quote name: UTF-8 without control characters
 * or a double quote (the descriptor's string delimiter). */
static int vmdk_name_ok(const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"')
			return 0;
	return fx_utf8_check(name, strlen(name)) == 0;
}

/* ---- the sink ------------------------------------------------------------ */

static int export_write(void *payload, const uint8_t *data, size_t len)
{
	fx_export_writer *w = payload;
	export_file *m = media_file(w);
	int rc = fx_write_all(m->fd, data, len);

	if (rc) {
		snprintf(w->error, sizeof(w->error), "cannot write %s at byte %llu: %s",
			 m->path, (unsigned long long)w->written, strerror(-rc));
		w->error_code = rc == -ENOSPC ? FX_ENOSPC : FX_EIO;
		return fx_error_set(w->error_code, "%s", w->error);
	}
	if (w->h)
		fx_hasher_update(w->h, data, len);
	w->written += len;
	return 0;
}

static int export_finish(void *payload, const fx_sink_summary *summary)
{
	(void)payload;
	(void)summary;
	return 0; /* the seal completes the files, once the media verified */
}

static void export_close(void *payload)
{
	(void)payload;
}

static uint64_t export_held(void *payload)
{
	return ((fx_export_writer *)payload)->written;
}

/* ---- creating, sealing, discarding ---------------------------------------- */

static int create_one(fx_export_writer *w, export_file *f, const char *path)
{
	char copy[PATH_MAX];

	if (strlen(path) >= sizeof(copy))
		return fx_error_set(FX_EUSAGE, "export path too long: %s", path);
	snprintf(copy, sizeof(copy), "%s", path);
	if (!(f->path = strdup(path)) || !(f->name = strdup(basename(copy))))
		return fx_error_set(FX_ERROR, "out of memory");
	f->fd = openat(w->dirfd, f->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		       O_CLOEXEC, 0444);
	if (f->fd < 0 && errno == EEXIST)
		return fx_error_set(FX_EEXISTS, "refusing to overwrite existing file %s",
				    path);
	if (f->fd < 0)
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "cannot create %s", path);
	w->nfiles++;
	if (fstat(f->fd, &f->st) != 0)
		return fx_error_set_errno(FX_EIO, errno, "cannot examine %s", path);
	return 0;
}

static int open_dir(fx_export_writer *w, const char *path)
{
	char copy[PATH_MAX];
	const char *dir;

	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	w->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->dirfd < 0)
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "cannot open the directory of %s", path);
	return 0;
}

static int check_new(const char *path, int format, uint64_t media_size,
		     char extent[PATH_MAX])
{
	char copy[PATH_MAX];
	int rc;

	if (format < FX_EXPORT_RAW || format > FX_EXPORT_VMDK)
		return fx_error_set(FX_EUSAGE, "unknown export format %d", format);
	if (strlen(path) >= PATH_MAX - 16)
		return fx_error_set(FX_EUSAGE, "export path too long: %s", path);
	if (format != FX_EXPORT_RAW && media_size % 512)
		return fx_error_set(FX_EUSAGE,
				    "the media is %llu bytes, not a multiple of 512: a %s holds whole 512-byte sectors (export --to raw keeps every byte)",
				    (unsigned long long)media_size,
				    format == FX_EXPORT_VHD ? "VHD" : "VMDK");
	if (format == FX_EXPORT_VMDK) {
		if ((rc = fx_export_extent_name(extent, PATH_MAX, path)) != 0)
			return rc;
		snprintf(copy, sizeof(copy), "%s", extent);
		if (!vmdk_name_ok(basename(copy)))
			return fx_error_set(FX_EUSAGE,
					    "%s: a VMDK descriptor cannot name an extent holding a control character, a double quote or a byte that is not UTF-8",
					    path);
	}
	return fx_export_check_names(path, format);
}

int fx_export_writer_new(fx_export_writer **out, const char *path, int format,
			 uint64_t media_size)
{
	/* no sync: an export is kept only once verified whole, never
	 * checkpointed or resumed (its finish makes it durable) */
	static const fx_sink_ops ops = { FX_SINK_OPS_VERSION, export_write,
		export_finish, export_close, NULL, export_held, NULL };
	char extent[PATH_MAX] = "";
	fx_export_writer *w;
	int rc;

	*out = NULL;
	if ((rc = check_new(path, format, media_size, extent)) != 0)
		return rc;
	if (!(w = calloc(1, sizeof(*w))))
		return fx_error_set(FX_ERROR, "out of memory");
	w->format = format;
	w->media_size = media_size;
	w->f[0].fd = w->f[1].fd = -1;
	if ((rc = open_dir(w, path)) != 0 || (rc = create_one(w, &w->f[0], path)) != 0 ||
	    (format == FX_EXPORT_VMDK && (rc = create_one(w, &w->f[1], extent)) != 0) ||
	    (format == FX_EXPORT_VHD && (rc = fx_hasher_new(&w->h, FX_HASH_SHA256)) != 0) ||
	    (rc = fx_sink_new_custom(&w->sink, &ops, w)) != 0) {
		char why[4400];

		snprintf(why, sizeof(why), "%s", fx_error_last());
		fx_export_writer_discard(w);
		fx_export_writer_free(w);
		return fx_error_set(rc, "%s", why);
	}
	*out = w;
	return 0;
}

fx_sink *fx_export_writer_sink(fx_export_writer *w)
{
	return w->sink;
}

const char *fx_export_writer_error(const fx_export_writer *w, int *code)
{
	*code = w->error_code;
	return w->error;
}

static int write_file_error(const export_file *f, int err)
{
	return fx_error_set_errno(err == ENOSPC ? FX_ENOSPC : FX_EIO, err,
				  "cannot write %s", f->path);
}

/* Flushes f to storage and makes it read-only on our descriptor. */
static int close_out(export_file *f)
{
	struct stat st;

	if (fdatasync(f->fd) != 0)
		return write_file_error(f, errno);
	if (fchmod(f->fd, 0444) != 0 || fstat(f->fd, &st) != 0)
		return fx_error_set_errno(FX_EIO, errno, "cannot seal %s", f->path);
	f->size = (uint64_t)st.st_size;
	return 0;
}

static int seal_vhd(fx_export_writer *w)
{
	uint8_t footer[VHD_FOOTER], uuid[16];
	int rc;

	if (getrandom(uuid, sizeof(uuid), 0) != (ssize_t)sizeof(uuid))
		return fx_error_set_errno(FX_ERROR, errno, "cannot make a UUID for %s",
					  w->f[0].path);
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40); /* RFC 4122 version 4 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
	fx_vhd_footer(footer, w->media_size, time(NULL), uuid);
	if ((rc = fx_write_all(w->f[0].fd, footer, sizeof(footer))) != 0)
		return write_file_error(&w->f[0], -rc);
	fx_hasher_update(w->h, footer, sizeof(footer));
	fx_hasher_final_hex(w->h, w->f[0].sha256, sizeof(w->f[0].sha256));
	return 0;
}

static int seal_vmdk(fx_export_writer *w, const char *media_sha256)
{
	char text[2048];
	fx_hasher *h = NULL;
	char head[9];
	uint32_t cid;
	int rc;

	/* the content ID from the media: the same disk, the same CID */
	snprintf(head, sizeof(head), "%.8s", media_sha256);
	cid = (uint32_t)strtoul(head, NULL, 16);

	if ((rc = fx_vmdk_descriptor(text, sizeof(text), w->media_size,
				     w->f[1].name, cid)) != 0)
		return rc;
	if ((rc = fx_write_all(w->f[0].fd, (const uint8_t *)text, strlen(text))) != 0)
		return write_file_error(&w->f[0], -rc);
	if ((rc = fx_hasher_new(&h, FX_HASH_SHA256)) != 0)
		return rc;
	fx_hasher_update(h, text, strlen(text));
	fx_hasher_final_hex(h, w->f[0].sha256, sizeof(w->f[0].sha256));
	fx_hasher_free(h);
	snprintf(w->f[1].sha256, sizeof(w->f[1].sha256), "%s", media_sha256);
	return 0;
}

int fx_export_writer_seal(fx_export_writer *w, const char *media_sha256)
{
	size_t i;
	int rc = 0;

	if (!media_sha256 || strlen(media_sha256) != 64)
		return fx_error_set(FX_EUSAGE, "export seal: the media SHA-256 is required");
	if (w->written != w->media_size)
		return fx_error_set(FX_EIO, "%s holds %llu of the media's %llu bytes",
				    media_file(w)->path, (unsigned long long)w->written,
				    (unsigned long long)w->media_size);
	if (w->format == FX_EXPORT_VHD)
		rc = seal_vhd(w);
	else if (w->format == FX_EXPORT_VMDK)
		rc = seal_vmdk(w, media_sha256);
	else
		snprintf(w->f[0].sha256, sizeof(w->f[0].sha256), "%s", media_sha256);
	for (i = 0; !rc && i < w->nfiles; i++)
		rc = close_out(&w->f[i]);
	return rc;
}

/* Removes f if its name still holds the inode created. */
static int discard_one(fx_export_writer *w, export_file *f)
{
	struct stat now;

	if (fstatat(w->dirfd, f->name, &now, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0
			: fx_error_set_errno(FX_ERROR, errno, "cannot remove %s", f->path);
	if (now.st_dev != f->st.st_dev || now.st_ino != f->st.st_ino)
		return fx_error_set(FX_ERROR,
				    "%s is no longer the file this export created: left as it is",
				    f->path);
	if (unlinkat(w->dirfd, f->name, 0) != 0)
		return fx_error_set_errno(FX_ERROR, errno, "cannot remove %s", f->path);
	return 0;
}

int fx_export_writer_discard(fx_export_writer *w)
{
	char first[4400] = "";
	size_t i;
	int rc = 0;

	for (i = 0; i < w->nfiles; i++) {
		if (w->f[i].fd < 0 || discard_one(w, &w->f[i]) == 0)
			continue;
		if (!rc)
			snprintf(first, sizeof(first), "%s", fx_error_last());
		rc = FX_ERROR;
	}
	return rc ? fx_error_set(rc, "%s", first) : 0;
}

size_t fx_export_writer_files(const fx_export_writer *w, fx_image_file *out,
			      size_t max)
{
	size_t i;

	for (i = 0; i < w->nfiles && i < max; i++) {
		out[i].path = w->f[i].path;
		out[i].size = w->f[i].size;
		snprintf(out[i].sha256, sizeof(out[i].sha256), "%s", w->f[i].sha256);
	}
	return w->nfiles;
}

void fx_export_writer_free(fx_export_writer *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < 2; i++) {
		if (w->f[i].fd >= 0)
			close(w->f[i].fd);
		free(w->f[i].path);
		free(w->f[i].name);
	}
	if (w->dirfd >= 0)
		close(w->dirfd);
	fx_sink_free(w->sink);
	fx_hasher_free(w->h);
	free(w);
}
