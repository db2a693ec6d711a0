/*
 * fx_faultyfs: a FUSE file system with one read-only file, MOUNTPOINT/disk,
 * whose bytes are those of IMAGE except that chosen 512-byte sectors fail
 * to read with EIO -- a real failing source for the real acquire tool,
 * where device-mapper is not available (its error target needs dm in the
 * kernel; FUSE needs only /dev/fuse).
 *
 *   fx_faultyfs --image IMAGE --bad RANGES [--bad RANGES ...] MOUNTPOINT
 *
 * RANGES is "FIRST+COUNT[,FIRST+COUNT...]" in sectors, or "-" for none.
 * The first --bad holds for the first pass over the file, the second for
 * the second pass, and so on; later passes keep the last list. A pass
 * begins with a read at offset 0 after the file's last sector was read,
 * once the pass has read at least half of the file (so that a peek at the
 * first and last sectors -- acquire looking for a container's magic
 * numbers before it images a file as raw -- is no pass of its own), so
 * the source re-read of `acquire --verify-source` (which opens the file
 * again and reads it from its start) can find other sectors failing than
 * the acquisition did: a disk that degrades between the two, with no
 * timing involved. Every new pass is said on stderr ("pass N").
 *
 * For resume tests, two more faults at a chosen byte (a deterministic kill
 * point, where a timer would race):
 *   --stall-at BYTE --stall-file PATH: a read that covers BYTE waits while
 *     PATH exists (the reader is then stopped exactly there, and can be
 *     killed); removing PATH lets it go on;
 *   --vanish-at BYTE: every read that reaches BYTE fails with ENXIO, as a
 *     device that was pulled out ("source vanished").
 *
 * Reads are served direct (no page cache in between), so every read of the
 * file reaches this process and fails or not by the list. Runs in the
 * foreground, single-threaded (-f -s): passes are counted in the order
 * the reads arrive. Test-only.
 */
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECTOR 512u
#define MAX_PASSES 8
#define MAX_RANGES 64

typedef struct range {
	uint64_t first, count;
} range;

typedef struct bad_list {
	range r[MAX_RANGES];
	size_t n;
} bad_list;

/* Owned by the one FUSE thread (-s) after main hands it over. */
static struct {
	int fd;
	uint64_t size;
	bad_list lists[MAX_PASSES];
	size_t nlists;
	unsigned pass;     /* 0-based */
	int end_read;      /* this pass has read the last sector */
	uint64_t pass_bytes; /* read in this pass */
	uint64_t stall_at, vanish_at;  /* UINT64_MAX: none */
	const char *stall_file;
} fs;

static int parse_ranges(bad_list *out, const char *text)
{
	const char *p = text;
	char *end;

	out->n = 0;
	if (strcmp(text, "-") == 0)
		return 0;
	while (*p) {
		if (out->n == MAX_RANGES)
			return -1;
		out->r[out->n].first = strtoull(p, &end, 10);
		if (end == p || *end != '+')
			return -1;
		p = end + 1;
		out->r[out->n].count = strtoull(p, &end, 10);
		if (end == p || out->r[out->n].count == 0 || (*end && *end != ','))
			return -1;
		out->n++;
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* Whether [off, off + len) touches a sector that fails in this pass. */
static int touches_bad(uint64_t off, uint64_t len)
{
	const bad_list *l = &fs.lists[fs.pass < fs.nlists ? fs.pass : fs.nlists - 1];
	uint64_t first = off / SECTOR, last = (off + len - 1) / SECTOR;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->r[i].first <= last && first < l->r[i].first + l->r[i].count)
			return 1;
	return 0;
}

static void count_pass(uint64_t off, uint64_t len)
{
	if (off == 0 && fs.end_read && fs.pass_bytes >= fs.size / 2) {
		fs.pass++;
		fs.end_read = 0;
		fs.pass_bytes = 0;
		fprintf(stderr, "fx_faultyfs: pass %u\n", fs.pass + 1);
	}
	fs.pass_bytes += len;
	if (off + len >= fs.size)
		fs.end_read = 1;
}

static int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	(void)fi;
	memset(st, 0, sizeof(*st));
	if (strcmp(path, "/") == 0) {
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 2;
		return 0;
	}
	if (strcmp(path, "/disk") != 0)
		return -ENOENT;
	st->st_mode = S_IFREG | 0444;
	st->st_nlink = 1;
	st->st_size = (off_t)fs.size;
	st->st_blksize = SECTOR;
	return 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
		      off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	(void)off;
	(void)fi;
	(void)flags;
	if (strcmp(path, "/") != 0)
		return -ENOENT;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, "disk", NULL, 0, 0);
	return 0;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	if (strcmp(path, "/disk") != 0)
		return -ENOENT;
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	fi->direct_io = 1; /* every read comes here, none from a cache */
	return 0;
}

static int fs_read(const char *path, char *buf, size_t len, off_t off,
		   struct fuse_file_info *fi)
{
	ssize_t n;

	(void)path;
	(void)fi;
	if ((uint64_t)off >= fs.size || len == 0)
		return 0;
	if ((uint64_t)off + len > fs.size)
		len = (size_t)(fs.size - (uint64_t)off);
	count_pass((uint64_t)off, len);
	if ((uint64_t)off + len > fs.vanish_at)
		return -ENXIO;
	while ((uint64_t)off <= fs.stall_at && fs.stall_at < (uint64_t)off + len &&
	       fs.stall_file && access(fs.stall_file, F_OK) == 0)
		usleep(10000);
	if (touches_bad((uint64_t)off, len))
		return -EIO;
	n = pread(fs.fd, buf, len, off);
	return n < 0 ? -errno : (int)n;
}

static const struct fuse_operations ops = {
	.getattr = fs_getattr,
	.readdir = fs_readdir,
	.open = fs_open,
	.read = fs_read,
};

static int usage(void)
{
	fprintf(stderr, "usage: fx_faultyfs --image IMAGE --bad RANGES [--bad RANGES ...]\n"
		"                   [--stall-at BYTE --stall-file PATH] [--vanish-at BYTE] MOUNTPOINT\n");
	return 2;
}

int main(int argc, char **argv)
{
	static char opt_f[] = "-f", opt_s[] = "-s", opt_o[] = "-o",
		    mount_opts[] = "ro,default_permissions,fsname=fx_faultyfs";
	const char *image = NULL;
	char *mnt = NULL, *fargv[8];
	struct stat st;
	int i, fargc = 0;

	fs.stall_at = fs.vanish_at = UINT64_MAX;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--image") == 0 && i + 1 < argc) {
			image = argv[++i];
		} else if (strcmp(argv[i], "--bad") == 0 && i + 1 < argc) {
			if (fs.nlists == MAX_PASSES ||
			    parse_ranges(&fs.lists[fs.nlists++], argv[++i]) != 0) {
				fprintf(stderr, "fx_faultyfs: bad --bad '%s'\n", argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--stall-at") == 0 && i + 1 < argc) {
			fs.stall_at = strtoull(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--stall-file") == 0 && i + 1 < argc) {
			fs.stall_file = argv[++i];
		} else if (strcmp(argv[i], "--vanish-at") == 0 && i + 1 < argc) {
			fs.vanish_at = strtoull(argv[++i], NULL, 10);
		} else if (!mnt && argv[i][0] != '-') {
			mnt = argv[i];
		} else {
			return usage();
		}
	}
	if (!image || !mnt || !fs.nlists)
		return usage();
	if ((fs.fd = open(image, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fs.fd, &st) != 0) {
		fprintf(stderr, "fx_faultyfs: %s: %s\n", image, strerror(errno));
		return 1;
	}
	fs.size = (uint64_t)st.st_size;
	fargv[fargc++] = argv[0];
	fargv[fargc++] = opt_f;
	fargv[fargc++] = opt_s;
	fargv[fargc++] = opt_o;
	fargv[fargc++] = mount_opts;
	fargv[fargc++] = mnt;
	fargv[fargc] = NULL;
	return fuse_main(fargc, fargv, &ops, NULL);
}
