/*
 * Virtual disks as sources: the disk a virtual machine sees, read through
 * the libyal readers (libvmdk for VMDK, libvhdi for VHD and VHDX, libqcow
 * for QCOW). A well-kept reader of each format, as Debian ships it, knows
 * its corner cases (grain tables, block allocation tables, L1/L2 tables,
 * compressed clusters) better than a reader of our own would.
 *
 * Every file of a container set -- the file named, VMDK extents, the
 * parents of a differencing disk, QCOW backing files -- is found, stat'ed
 * and opened read-only (the libraries' READ access flag, which they open
 * O_RDONLY) before the open returns, so a missing or damaged file is an
 * error naming it before anything is written. Its identity (device,
 * inode, size, modification and change time) is kept so that a change
 * while the disk is imaged can be found afterwards
 * (fx_source_check_containers). The libraries read the containers by
 * path in their own order; hashing the files is the caller's (a pass of
 * its own over each whole file), since what a reader reads of a sparse
 * container is neither every byte nor in file order.
 *
 * A read the library cannot complete is corruption of the container, not
 * an unreadable sector: the read returns -EBADMSG with the library's
 * reason in the thread-local error, and the pipeline fails the run rather
 * than zero-fill. The handles are used by one thread at a time (the
 * pipeline's reader), as every source is. The formats' names and their
 * magic numbers are vdisk_format.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libqcow.h>
#include <libvhdi.h>
#include <libvmdk.h>

#include "base/error.h"
#include "source/source_impl.h"

#define VD_MAX_DEPTH 64  /* parents followed, at most */
#define VD_MAX_FILES 4096

typedef struct vd_file {
	char *path;
	const char *role;
	int format;
	struct stat st;
} vd_file;

/* One disk of a chain: the named one first, then its parent, ... */
typedef struct vd_layer {
	int format;
	void *h; /* libvmdk_handle_t, libvhdi_file_t or libqcow_file_t */
} vd_layer;

struct fx_vdisk {
	int format;
	int cur_format;  /* of the layer being opened: its files' */
	size_t nlayers;
	vd_layer layers[VD_MAX_DEPTH];
	size_t nfiles;
	vd_file *files;
	fx_container_file *pub;
};

/* ---- the libraries' errors ------------------------------------------------ */

/*
 * A libyal error is a chain of messages, the outermost last; the innermost
 * says what was wrong ("no such file", "invalid signature"), the outermost
 * what was being done. Both, on one line, without the function names.
 */
static void yal_part(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '.' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static void yal_text(char *out, size_t outlen, char *bt)
{
	char *first = bt, *last = bt, *p, *nl, *colon;

	for (p = bt; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if (nl[1])
			last = nl + 1;
	}
	/* each message begins with the function's name: "libx_y: what" */
	if ((colon = strstr(first, ": ")))
		first = colon + 2;
	if (last != bt && (colon = strstr(last, ": ")))
		last = colon + 2;
	yal_part(first);
	yal_part(last);
	if (last == bt || strcmp(first, last) == 0)
		snprintf(out, outlen, "%s", first);
	else
		snprintf(out, outlen, "%s (%s)", first, last);
}

#define YAL_MESSAGE(lib, err, out, outlen) \
	do { \
		char bt_[2048] = ""; \
		if ((err) && lib##_error_backtrace_sprint((err), bt_, sizeof(bt_)) > 0) \
			yal_text((out), (outlen), bt_); \
		else \
			snprintf((out), (outlen), "unknown error"); \
		lib##_error_free(&(err)); \
	} while (0)

/* ---- files of the set ------------------------------------------------------ */

/* dir of path into out ("." when none). */
static void dir_of(char *out, size_t len, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, len, ".");
	else if (slash == path)
		snprintf(out, len, "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - path), path);
}

/*
 * Where a file a container names is: as written when it is an absolute
 * path that exists; else relative to the directory of the file naming it;
 * else (a Windows path, or an absolute path of another machine) its last
 * name beside that file, as hypervisors look for a moved chain.
 */
static int resolve_ref(char *out, size_t len, const char *from,
		       const char *name)
{
	char dir[PATH_MAX];
	const char *base = name, *p;
	struct stat st;

	dir_of(dir, sizeof(dir), from);
	if (name[0] == '/' && stat(name, &st) == 0)
		base = NULL;
	else if (name[0] != '/' && !strchr(name, '\\') && !strchr(name, ':'))
		base = name;
	else
		for (p = name; *p; p++)
			if (*p == '/' || *p == '\\' || *p == ':')
				base = p + 1;
	if ((base ? snprintf(out, len, "%s/%s", dir, base)
		  : snprintf(out, len, "%s", name)) >= (int)len)
		return fx_error_set(FX_EUSAGE, "%s names a file whose path is too long: %.200s",
				    from, name);
	return 0;
}

/* Adds a file of the set (once: the same inode is one file). refby: the
 * file that names it, for the message when it is missing. */
static int add_file(struct fx_vdisk *vd, const char *path, const char *role,
		    const char *refby)
{
	struct stat st;
	size_t i;

	if (stat(path, &st) != 0) {
		if (refby)
			return fx_error_set_errno(FX_ENOTFOUND, errno,
						  "%s %s named by %s is missing",
						  role, path, refby);
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "source %s", path);
	}
	if (!S_ISREG(st.st_mode))
		return fx_error_set(FX_EUSAGE, "%s %s is not a regular file", role,
				    path);
	for (i = 0; i < vd->nfiles; i++)
		if (vd->files[i].st.st_dev == st.st_dev &&
		    vd->files[i].st.st_ino == st.st_ino)
			return strcmp(role, "parent") == 0 || strcmp(role, "image") == 0
				? fx_error_set(FX_ECORRUPT,
					       "%s %s named by %s is already in the chain (a loop)",
					       role, path, refby ? refby : path)
				: 0;
	if (vd->nfiles >= VD_MAX_FILES)
		return fx_error_set(FX_ECORRUPT, "%s: more than %d container files",
				    path, VD_MAX_FILES);
	if (vd->nfiles % 16 == 0) {
		vd_file *n = realloc(vd->files, (vd->nfiles + 16) * sizeof(*n));

		if (!n)
			return fx_error_set(FX_ERROR, "out of memory opening %s", path);
		vd->files = n;
	}
	if (!(vd->files[vd->nfiles].path = strdup(path)))
		return fx_error_set(FX_ERROR, "out of memory opening %s", path);
	vd->files[vd->nfiles].role = role;
	vd->files[vd->nfiles].format = vd->cur_format;
	vd->files[vd->nfiles].st = st;
	vd->nfiles++;
	return 0;
}

/* ---- one layer per format -------------------------------------------------- */

/* Whether path begins with the 4 bytes of magic. */
static int has_magic(const char *path, const char *magic)
{
	unsigned char m[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = fd >= 0 ? pread(fd, m, 4, 0) : -1;

	if (fd >= 0)
		close(fd);
	return r == 4 && memcmp(m, magic, 4) == 0;
}

/* Whether a one-extent VMDK with its descriptor embedded (a monolithic
 * sparse file, "KDMV") names as its extent a file that is not there: the
 * file itself under the name it was made with. full: that name resolved. */
static int self_named(const char *path, char *full, const char *name)
{
	if (resolve_ref(full, PATH_MAX, path, name) != 0 || access(full, F_OK) == 0)
		return 0;
	return has_magic(path, "KDMV");
}

static int vmdk_extents(struct fx_vdisk *vd, libvmdk_handle_t *h,
			const char *path, int is_parent)
{
	libvmdk_extent_descriptor_t *ed = NULL;
	libvmdk_error_t *err = NULL;
	char name[PATH_MAX], full[PATH_MAX], msg[1024];
	size_t size;
	int i, n = 0, type, rc;

	if (libvmdk_handle_get_number_of_extents(h, &n, &err) != 1)
		goto yal;
	for (i = 0; i < n; i++) {
		if (libvmdk_handle_get_extent_descriptor(h, i, &ed, &err) != 1 ||
		    libvmdk_extent_descriptor_get_type(ed, &type, &err) != 1)
			goto yal;
		name[0] = '\0';
		if (type != LIBVMDK_EXTENT_TYPE_ZERO &&
		    (libvmdk_extent_descriptor_get_utf8_filename_size(ed, &size, &err) != 1 ||
		     size > sizeof(name) ||
		     libvmdk_extent_descriptor_get_utf8_filename(ed, (uint8_t *)name,
								 sizeof(name), &err) != 1))
			goto yal;
		libvmdk_extent_descriptor_free(&ed, NULL);
		if (!name[0])
			continue;
		if (n == 1 && self_named(path, full, name))
			return fx_error_set(FX_ENOTFOUND,
					    "extent %s named by %s is missing: %s (a monolithic VMDK names itself as its extent: was it renamed? give it back the name %s)",
					    full, path, strerror(ENOENT), name);
		if ((rc = resolve_ref(full, sizeof(full), path, name)) != 0 ||
		    (rc = add_file(vd, full, is_parent ? "parent extent" : "extent",
				   path)) != 0)
			return rc;
	}
	return 0;
yal:
	libvmdk_extent_descriptor_free(&ed, NULL);
	YAL_MESSAGE(libvmdk, err, msg, sizeof(msg));
	return fx_error_set(FX_ECORRUPT, "VMDK %s: %s", path, msg);
}

/* Opens a VMDK descriptor (or monolithic file) and its extents; *parent:
 * the parent's name as written, "" for none. */
static int vmdk_open(struct fx_vdisk *vd, vd_layer *l, const char *path,
		     int is_parent, char *parent, size_t plen)
{
	libvmdk_handle_t *h = NULL;
	libvmdk_error_t *err = NULL;
	char dir[PATH_MAX], msg[1024];
	size_t size = 0;
	int rc;

	parent[0] = '\0';
	if (libvmdk_handle_initialize(&h, &err) != 1 ||
	    libvmdk_handle_open(h, path, LIBVMDK_OPEN_READ, &err) != 1)
		goto yal;
	l->h = h;
	if ((rc = vmdk_extents(vd, h, path, is_parent)) != 0)
		return rc;
	dir_of(dir, sizeof(dir), path);
	if (libvmdk_handle_set_extent_data_files_path(h, dir, strlen(dir), &err) != 1 ||
	    libvmdk_handle_open_extent_data_files(h, &err) != 1)
		goto yal;
	rc = libvmdk_handle_get_utf8_parent_filename_size(h, &size, &err);
	if (rc == 1 && size > 1 && size <= plen &&
	    libvmdk_handle_get_utf8_parent_filename(h, (uint8_t *)parent, plen,
						    &err) != 1)
		goto yal;
	if (rc == -1)
		goto yal;
	return 0;
yal:
	if (!l->h)
		libvmdk_handle_free(&h, NULL);
	YAL_MESSAGE(libvmdk, err, msg, sizeof(msg));
	return fx_error_set(FX_ECORRUPT, "VMDK %s: %s", path, msg);
}

static int vhdi_open(vd_layer *l, const char *path, int format, char *parent,
		     size_t plen)
{
	libvhdi_file_t *f = NULL;
	libvhdi_error_t *err = NULL;
	char msg[1024];
	size_t size = 0;
	int type = 0, disk = 0;

	parent[0] = '\0';
	if (libvhdi_file_initialize(&f, &err) != 1 ||
	    libvhdi_file_open(f, path, LIBVHDI_OPEN_READ, &err) != 1)
		goto yal;
	l->h = f;
	if (libvhdi_file_get_file_type(f, &type, &err) != 1 ||
	    libvhdi_file_get_disk_type(f, (uint32_t *)&disk, &err) != 1)
		goto yal;
	if ((type == LIBVHDI_FILE_TYPE_VHDX) != (format == FX_VDISK_VHDX))
		return fx_error_set(FX_EUSAGE,
				    "%s is a %s file, not %s (use --source-format %s)",
				    path, type == LIBVHDI_FILE_TYPE_VHDX ? "VHDX" : "VHD",
				    format == FX_VDISK_VHDX ? "VHDX" : "VHD",
				    type == LIBVHDI_FILE_TYPE_VHDX ? "vhdx" : "vhd");
	if (disk != LIBVHDI_DISK_TYPE_DIFFERENTIAL)
		return 0;
	if (libvhdi_file_get_utf8_parent_filename_size(f, &size, &err) != 1 ||
	    size > plen ||
	    libvhdi_file_get_utf8_parent_filename(f, (uint8_t *)parent, plen,
						  &err) != 1)
		goto yal;
	if (!parent[0])
		return fx_error_set(FX_ECORRUPT,
				    "%s is a differencing disk that names no parent",
				    path);
	return 0;
yal:
	if (!l->h)
		libvhdi_file_free(&f, NULL);
	YAL_MESSAGE(libvhdi, err, msg, sizeof(msg));
	return fx_error_set(FX_ECORRUPT, "%s %s: %s",
			    format == FX_VDISK_VHDX ? "VHDX" : "VHD", path, msg);
}

static int qcow_open(vd_layer *l, const char *path, char *parent, size_t plen)
{
	libqcow_file_t *f = NULL;
	libqcow_error_t *err = NULL;
	char msg[1024];
	uint32_t method = 0;
	size_t size = 0;
	int rc;

	parent[0] = '\0';
	if (libqcow_file_initialize(&f, &err) != 1 ||
	    libqcow_file_open(f, path, LIBQCOW_OPEN_READ, &err) != 1)
		goto yal;
	l->h = f;
	if (libqcow_file_get_encryption_method(f, &method, &err) != 1)
		goto yal;
	if (method != LIBQCOW_ENCRYPTION_METHOD_NONE)
		return fx_error_set(FX_EUSAGE,
				    "QCOW %s is encrypted (%s): not supported; decrypt a copy with qemu-img and record how",
				    path, method == LIBQCOW_ENCRYPTION_METHOD_LUKS ? "LUKS" : "AES");
	rc = libqcow_file_get_utf8_backing_filename_size(f, &size, &err);
	if (rc == -1)
		goto yal;
	if (rc == 1 && size > 1 &&
	    (size > plen ||
	     libqcow_file_get_utf8_backing_filename(f, (uint8_t *)parent, plen,
						    &err) != 1))
		goto yal;
	return 0;
yal:
	if (!l->h)
		libqcow_file_free(&f, NULL);
	YAL_MESSAGE(libqcow, err, msg, sizeof(msg));
	return fx_error_set(FX_ECORRUPT, "QCOW %s: %s", path, msg);
}

static void layer_close(vd_layer *l)
{
	if (!l->h)
		return;
	switch (l->format) {
	case FX_VDISK_VMDK:
		libvmdk_handle_close(l->h, NULL);
		libvmdk_handle_free((libvmdk_handle_t **)&l->h, NULL);
		break;
	case FX_VDISK_VHD:
	case FX_VDISK_VHDX:
		libvhdi_file_close(l->h, NULL);
		libvhdi_file_free((libvhdi_file_t **)&l->h, NULL);
		break;
	default:
		libqcow_file_close(l->h, NULL);
		libqcow_file_free((libqcow_file_t **)&l->h, NULL);
	}
	l->h = NULL;
}

/*
 * The parent must be the disk the child was made from: a VHD/VHDX child
 * records its parent's identifier, a VMDK child its parent's content ID.
 * A different file at the parent's name (replaced, or written to after the
 * snapshot) would give a disk that never existed.
 */
static int check_parent(const vd_layer *child, const vd_layer *parent,
			const char *cpath, const char *ppath)
{
	uint8_t a[16], b[16];
	uint32_t ca = 0, cb = 0;
	int same = 1;

	if (child->format == FX_VDISK_VMDK) {
		if (libvmdk_handle_get_parent_content_identifier(child->h, &ca, NULL) == 1 &&
		    libvmdk_handle_get_content_identifier(parent->h, &cb, NULL) == 1)
			same = ca == cb;
	} else if (child->format != FX_VDISK_QCOW2) {
		if (libvhdi_file_get_parent_identifier(child->h, a, 16, NULL) == 1 &&
		    libvhdi_file_get_identifier(parent->h, b, 16, NULL) == 1)
			same = memcmp(a, b, 16) == 0;
	}
	if (same)
		return 0;
	return fx_error_set(FX_ECORRUPT,
			    "parent %s is not the disk %s was made from (its identifier differs: replaced or changed since)",
			    ppath, cpath);
}

static int link_parent(vd_layer *child, vd_layer *parent, const char *cpath)
{
	char msg[1024];
	int ok;

	switch (child->format) {
	case FX_VDISK_VMDK: {
		libvmdk_error_t *err = NULL;

		if ((ok = libvmdk_handle_set_parent_handle(child->h, parent->h, &err) == 1))
			break;
		YAL_MESSAGE(libvmdk, err, msg, sizeof(msg));
		break;
	}
	case FX_VDISK_VHD:
	case FX_VDISK_VHDX: {
		libvhdi_error_t *err = NULL;

		if ((ok = libvhdi_file_set_parent_file(child->h, parent->h, &err) == 1))
			break;
		YAL_MESSAGE(libvhdi, err, msg, sizeof(msg));
		break;
	}
	default: {
		libqcow_error_t *err = NULL;

		if ((ok = libqcow_file_set_parent_file(child->h, parent->h, &err) == 1))
			break;
		YAL_MESSAGE(libqcow, err, msg, sizeof(msg));
	}
	}
	return ok ? 0 : fx_error_set(FX_ECORRUPT, "%s: cannot use its parent: %s",
				     cpath, msg);
}

/* The format of a parent: VHD/VHDX chains mix the two only as libvhdi
 * allows (it reads either); a QCOW backing file must be QCOW. */
static int parent_format(int child, const char *ppath, const char *cpath,
			 int *out)
{
	int f = FX_VDISK_RAW;

	fx_vdisk_sniff(&f, ppath);
	if (child == FX_VDISK_VHD || child == FX_VDISK_VHDX) {
		*out = f == FX_VDISK_VHDX ? FX_VDISK_VHDX : FX_VDISK_VHD;
		return 0;
	}
	if (f != child)
		return fx_error_set(FX_EUSAGE,
				    "parent %s of %s is a %s, not a %s (a chain of mixed formats is not supported)",
				    ppath, cpath, fx_vdisk_format_title(f),
				    fx_vdisk_format_title(child));
	*out = f;
	return 0;
}

static int open_layer(struct fx_vdisk *vd, int format, const char *path,
		      const char *refby, char *parent, size_t plen)
{
	vd_layer *l = &vd->layers[vd->nlayers];
	int rc;

	if (vd->nlayers >= VD_MAX_DEPTH)
		return fx_error_set(FX_ECORRUPT,
				    "%s: a chain of more than %d differencing disks",
				    path, VD_MAX_DEPTH);
	vd->cur_format = format;
	if ((rc = add_file(vd, path, refby ? "parent" : "image", refby)) != 0)
		return rc;
	l->format = format;
	vd->nlayers++;
	if (format == FX_VDISK_VMDK)
		return vmdk_open(vd, l, path, refby != NULL, parent, plen);
	if (format == FX_VDISK_QCOW2)
		return qcow_open(l, path, parent, plen);
	return vhdi_open(l, path, format, parent, plen);
}

/* Opens path and every parent it names, each linked to its child. */
static int open_chain(struct fx_vdisk *vd, const char *path)
{
	char cur[PATH_MAX], name[PATH_MAX], next[PATH_MAX];
	int format = vd->format, rc;

	snprintf(cur, sizeof(cur), "%s", path);
	if ((rc = open_layer(vd, format, cur, NULL, name, sizeof(name))) != 0)
		return rc;
	while (name[0]) {
		if ((rc = resolve_ref(next, sizeof(next), cur, name)) != 0)
			return rc;
		if (access(next, F_OK) != 0)
			return fx_error_set_errno(FX_ENOTFOUND, errno,
						  "parent disk %s named by %s is missing",
						  next, cur);
		if ((rc = parent_format(format, next, cur, &format)) != 0 ||
		    (rc = open_layer(vd, format, next, cur, name, sizeof(name))) != 0 ||
		    (rc = check_parent(&vd->layers[vd->nlayers - 2],
				       &vd->layers[vd->nlayers - 1], cur, next)) != 0)
			return rc;
		snprintf(cur, sizeof(cur), "%s", next);
	}
	/* from the base up: each child reads through its parent */
	for (size_t i = vd->nlayers - 1; i > 0; i--)
		if ((rc = link_parent(&vd->layers[i - 1], &vd->layers[i],
				      vd->files[0].path)) != 0)
			return rc;
	return 0;
}

/* ---- reading -------------------------------------------------------------- */

static int media_geometry(struct fx_vdisk *vd, uint64_t *size, uint32_t *ssz)
{
	vd_layer *l = &vd->layers[0];
	char msg[1024];
	size64_t s = 0;
	uint32_t b = 512;

	*ssz = 512;
	switch (l->format) {
	case FX_VDISK_VMDK: {
		libvmdk_error_t *err = NULL;

		if (libvmdk_handle_get_media_size(l->h, &s, &err) == 1)
			break;
		YAL_MESSAGE(libvmdk, err, msg, sizeof(msg));
		goto bad;
	}
	case FX_VDISK_VHD:
	case FX_VDISK_VHDX: {
		libvhdi_error_t *err = NULL;

		if (libvhdi_file_get_media_size(l->h, &s, &err) == 1 &&
		    libvhdi_file_get_bytes_per_sector(l->h, &b, &err) == 1)
			break;
		YAL_MESSAGE(libvhdi, err, msg, sizeof(msg));
		goto bad;
	}
	default: {
		libqcow_error_t *err = NULL;

		if (libqcow_file_get_media_size(l->h, &s, &err) == 1)
			break;
		YAL_MESSAGE(libqcow, err, msg, sizeof(msg));
		goto bad;
	}
	}
	if (b == 512 || b == 4096)
		*ssz = b;
	*size = (uint64_t)s;
	return 0;
bad:
	return fx_error_set(FX_ECORRUPT, "%s: cannot read the virtual disk's size: %s",
			    vd->files[0].path, msg);
}

static int64_t vd_pread(void *payload, void *buf, size_t len, uint64_t offset)
{
	struct fx_vdisk *vd = payload;
	vd_layer *l = &vd->layers[0];
	char msg[1024];
	ssize_t n;

	switch (l->format) {
	case FX_VDISK_VMDK: {
		libvmdk_error_t *err = NULL;

		if ((n = libvmdk_handle_read_buffer_at_offset(l->h, buf, len,
							      (off64_t)offset, &err)) >= 0)
			return n;
		YAL_MESSAGE(libvmdk, err, msg, sizeof(msg));
		break;
	}
	case FX_VDISK_VHD:
	case FX_VDISK_VHDX: {
		libvhdi_error_t *err = NULL;

		if ((n = libvhdi_file_read_buffer_at_offset(l->h, buf, len,
							    (off64_t)offset, &err)) >= 0)
			return n;
		YAL_MESSAGE(libvhdi, err, msg, sizeof(msg));
		break;
	}
	default: {
		libqcow_error_t *err = NULL;

		if ((n = libqcow_file_read_buffer_at_offset(l->h, buf, len,
							    (off64_t)offset, &err)) >= 0)
			return n;
		YAL_MESSAGE(libqcow, err, msg, sizeof(msg));
	}
	}
	fx_error_set(FX_ECORRUPT,
		     "%s %s is damaged: the virtual disk cannot be read at byte %llu: %s",
		     fx_vdisk_format_name(vd->format), vd->files[0].path,
		     (unsigned long long)offset, msg);
	return -EBADMSG;
}

static void vd_free(struct fx_vdisk *vd)
{
	size_t i;

	if (!vd)
		return;
	for (i = 0; i < vd->nlayers; i++) /* children before their parents */
		layer_close(&vd->layers[i]);
	for (i = 0; i < vd->nfiles; i++)
		free(vd->files[i].path);
	free(vd->files);
	free(vd->pub);
	free(vd);
}

static void vd_close(void *payload)
{
	vd_free(payload);
}

static int publish(struct fx_vdisk *vd)
{
	size_t i;

	if (!(vd->pub = calloc(vd->nfiles, sizeof(*vd->pub))))
		return fx_error_set(FX_ERROR, "out of memory");
	for (i = 0; i < vd->nfiles; i++) {
		const struct stat *st = &vd->files[i].st;

		vd->pub[i].path = vd->files[i].path;
		vd->pub[i].role = vd->files[i].role;
		vd->pub[i].format = vd->files[i].format;
		vd->pub[i].size = (uint64_t)st->st_size;
		vd->pub[i].mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000LL +
				      st->st_mtim.tv_nsec;
	}
	return 0;
}

/* The source's record: a virtual disk read through its container. */
static void describe(fx_source *src, struct fx_vdisk *vd,
		     const struct stat *st)
{
	src->info.kind = FX_SOURCE_VIRTUAL;
	src->st_dev = st->st_dev; /* a destination on the container is refused */
	src->st_ino = st->st_ino;
	src->vdisk = vd;
	snprintf(src->text.write_block_method, sizeof(src->text.write_block_method),
		 "none: %s container files opened read-only",
		 fx_vdisk_format_name(vd->format));
	snprintf(src->text.hpa_dco, sizeof(src->text.hpa_dco),
		 "not checked: the source is a %s, not a device",
		 fx_vdisk_format_title(vd->format));
}

/* No output may be a file of the set (the named file was checked before
 * anything was opened; extents and parents are known now). */
static int refuse_destinations(const struct fx_vdisk *vd,
			       const fx_source_options *o)
{
	size_t i;
	int rc;

	for (i = 1; i < vd->nfiles; i++)
		if ((rc = fx_source_refuse_file_destinations(vd->files[i].st.st_dev,
							     vd->files[i].st.st_ino,
							     vd->files[i].path, o)) != 0)
			return rc;
	return 0;
}

static int open_virtual(fx_source **out, const char *path, int format,
			const fx_source_options *o)
{
	fx_source_ops ops = { FX_SOURCE_OPS_VERSION, vd_pread, vd_close };
	struct fx_vdisk *vd = calloc(1, sizeof(*vd));
	uint64_t size = 0;
	uint32_t ssz = 512;
	size_t i;
	int rc;

	if (!vd)
		return fx_error_set(FX_ERROR, "out of memory opening %s", path);
	vd->format = format;
	if ((rc = open_chain(vd, path)) != 0 ||
	    (rc = refuse_destinations(vd, o)) != 0 ||
	    (rc = media_geometry(vd, &size, &ssz)) != 0 ||
	    (rc = publish(vd)) != 0)
		goto fail;
	if ((rc = fx_source_new_custom(out, &ops, vd, size, ssz, path)) != 0)
		goto fail;
	describe(*out, vd, &vd->files[0].st);
	for (i = 0; o->bypass_cache && i < vd->nfiles; i++) {
		int fd = open(vd->files[i].path, O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
			close(fd);
		}
	}
	return 0;
fail:
	vd_free(vd);
	return rc;
}

int fx_source_open_virtual(fx_source **out, const char *path, int format,
			   const fx_source_options *opts)
{
	fx_source_options defaults = FX_SOURCE_OPTIONS_INIT;
	const fx_source_options *o = opts ? opts : &defaults;
	struct stat st;
	int rc;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(path);
	*out = NULL;
	FX_CHECK_VERSION(o, FX_SOURCE_OPTIONS_VERSION,
			 "fx_source_open_virtual: fx_source_options");
	if (format == FX_VDISK_RAW)
		return fx_source_open(out, path, o);
	if (format < FX_VDISK_VMDK || format > FX_VDISK_QCOW2)
		return fx_error_set(FX_EUSAGE,
				    "fx_source_open_virtual: unknown format %d", format);
	if (stat(path, &st) != 0)
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "source %s", path);
	if (!S_ISREG(st.st_mode))
		return fx_error_set(FX_EUSAGE,
				    "source %s: a %s must be a regular file",
				    path, fx_vdisk_format_title(format));
	/* destinations refused before any container is opened */
	if ((rc = fx_source_refuse_file_destinations(st.st_dev, st.st_ino, path,
						     o)) != 0)
		return rc;
	return open_virtual(out, path, format, o);
}

size_t fx_source_container_files(const fx_source *src, fx_container_file *out,
				 size_t max)
{
	const struct fx_vdisk *vd = src ? src->vdisk : NULL;
	size_t i;

	if (!vd)
		return 0;
	for (i = 0; out && i < vd->nfiles && i < max; i++)
		out[i] = vd->pub[i];
	return vd->nfiles;
}

int fx_source_vdisk_format(const fx_source *src)
{
	return src && src->vdisk ? src->vdisk->format : FX_VDISK_RAW;
}

static int same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

int fx_source_check_containers(const fx_source *src)
{
	const struct fx_vdisk *vd;
	struct stat st;
	size_t i;

	FX_CHECK_ARG(src);
	if (!(vd = src->vdisk))
		return 0;
	for (i = 0; i < vd->nfiles; i++) {
		const vd_file *f = &vd->files[i];
		const char *what = NULL;

		if (stat(f->path, &st) != 0)
			return fx_error_set_errno(FX_ENOTFOUND, errno,
						  "container file %s is gone", f->path);
		if (st.st_dev != f->st.st_dev || st.st_ino != f->st.st_ino)
			what = "replaced by another file";
		else if (st.st_size != f->st.st_size)
			what = "its size changed";
		else if (!same_time(&st.st_mtim, &f->st.st_mtim) ||
			 !same_time(&st.st_ctim, &f->st.st_ctim))
			what = "modified";
		if (what)
			return fx_error_set(FX_EMISMATCH,
					    "container file %s changed while it was read (%s)",
					    f->path, what);
	}
	return 0;
}
