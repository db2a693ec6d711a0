/*
 * E01 segment files created by libforensic, never by libewf.
 *
 * libewf creates each new segment file itself, by name, through its
 * bundled libbfio with O_CREAT|O_TRUNC: a file or a symbolic link planted
 * at TARGET.E20 while an acquisition runs would be truncated or followed.
 * No libewf API lets a caller supply the files of a set being written, but
 * every new segment reaches the file pool through one exported libbfio
 * entry point, libbfio_pool_append_handle(), which libewf calls through
 * its PLT. libforensic defines that symbol, so the dynamic linker binds
 * libewf's call to us: for a name that belongs to a registered set we
 * create the file ourselves (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0644 until sealed, then 0444), wrap
 * the descriptor in a libbfio handle of our own (libbfio's public custom
 * handle API) and pass that to libewf's real function; every other call
 * (readers, other programs) goes to libewf's function unchanged.
 *
 * It fails closed. While any set is registered, no write-access append
 * reaches libewf's function: a name that is not the next segment of a set,
 * or whose directory is no longer the one the set was created in (renamed
 * or replaced by a link during the run), fails the writer naming it. The
 * registration fails when the process resolves the symbol elsewhere
 * (libforensic loaded after libewf), and the E01 writer fails when libewf
 * has written a chunk while no segment came through us.
 *
 * Segments are created, and reopened when libewf reopens one, with openat()
 * in the directory held open since the start; a reopened name must be the
 * inode created (device and inode compared), so a file swapped in during
 * the run is never written. A descriptor is closed when libewf closes its
 * segment (a full one), so a set of thousands of segments needs a few.
 *
 * Threading: `registry_lock` guards the list of registered sets; each set's
 * `lock` guards its segment table and failure. libewf calls the handle
 * functions from one thread at a time (the E01 writer thread), which is the
 * only one that opens, closes or moves descriptors; the flusher reads them
 * under the lock.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Only the declarations: the functions are the copy of libbfio that libewf
 * bundles and exports (never the system's libbfio, which is not linked). */
#include <libbfio.h>

#include "base/error.h"
#include "base/vec.h"
#include "sink/ewf_files.h"
#include "ewf/ewf_util.h"

typedef struct segment {
	char path[PATH_MAX];         /* the caller's spelling, for records */
	char name[NAME_MAX + 1];     /* last component, in the set's directory */
	int fd;                      /* -1 while libewf has it closed */
	unsigned opens;              /* open libbfio handles on it */
	int taken;                   /* adopted: libewf's open asked for it */
	dev_t dev;                   /* the inode we created */
	ino_t ino;
	int durable;                 /* fdatasync'ed since libewf last had it open */
} segment;

struct fx_ewf_files {
	char target[PATH_MAX];       /* as the caller spelt it */
	char base[NAME_MAX + 1];     /* its last component */
	int dirfd;                   /* its directory (O_PATH), where we create */
	dev_t dir_dev;               /* ... and that directory's identity, */
	ino_t dir_ino;               /* however libewf spells the path */
	char ext0;
	pthread_mutex_t lock;
	segment *segs;               /* lock */
	size_t nsegs, cap;           /* lock */
	int failure;                 /* lock: first FX_E code, 0 if none */
	int adopting;                /* lock: libewf's resume open is running */
	int frozen;                  /* lock: writes refused (nothing appended) */
	char message[PATH_MAX + 256]; /* lock: its message */
	fx_ewf_files *next;          /* registry_lock */
};

/* One libbfio handle's view of a segment (several after a clone). */
typedef struct seg_io {
	fx_ewf_files *set;
	size_t index;
	int is_open;
	off_t offset;
} seg_io;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static fx_ewf_files *registry;

typedef int (*append_fn)(libbfio_pool_t *, int *, libbfio_handle_t *, int,
			 libbfio_error_t **);

int libbfio_pool_append_handle(libbfio_pool_t *pool, int *entry,
			       libbfio_handle_t *handle, int access_flags,
			       libbfio_error_t **error)
	__attribute__((visibility("default")));

/* Our definition, by an address the dynamic linker cannot redirect. */
extern __typeof__(libbfio_pool_append_handle) fx_ewf_append_local
	__attribute__((alias("libbfio_pool_append_handle"), visibility("hidden")));

static void set_failure(fx_ewf_files *f, int code, const char *msg)
{
	pthread_mutex_lock(&f->lock);
	if (!f->failure) {
		f->failure = code;
		snprintf(f->message, sizeof(f->message), "%s", msg);
	}
	pthread_mutex_unlock(&f->lock);
}

/* ---- the libbfio handle over one of our descriptors ------------------- */

static int io_free(intptr_t **io_handle, libbfio_error_t **error)
{
	(void)error;
	free(*io_handle);
	*io_handle = NULL;
	return 1;
}

static int io_clone(intptr_t **dst, intptr_t *src, libbfio_error_t **error)
{
	seg_io *copy;

	(void)error;
	if (!src) {
		*dst = NULL;
		return 1;
	}
	if (!(copy = malloc(sizeof(*copy))))
		return -1;
	*copy = *(seg_io *)src;
	copy->is_open = 0;
	*dst = (intptr_t *)copy;
	return 1;
}

/* The descriptor of an open handle's segment (writer thread). */
static int io_fd(const seg_io *io)
{
	return io->set->segs[io->index].fd;
}

/* Reopens a segment libewf closed: by name in the set's directory, never
 * through a link, and only if it is still the inode we created. */
static int reopen(fx_ewf_files *f, segment *s, int flags)
{
	char msg[PATH_MAX + 200];
	struct stat st;
	int fd = openat(f->dirfd, s->name, flags | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == s->dev &&
	    st.st_ino == s->ino)
		return fd;
	if (fd >= 0) {
		close(fd);
		snprintf(msg, sizeof(msg),
			 "E01 segment %s was replaced while the image was being written",
			 s->path);
		set_failure(f, FX_ECORRUPT, msg);
	} else {
		snprintf(msg, sizeof(msg), "cannot reopen E01 segment %s: %s",
			 s->path, strerror(errno));
		set_failure(f, fx_error_from_errno(errno), msg);
	}
	return -1;
}

/* The file was created when libewf appended it: opening (again) creates
 * nothing and never truncates. */
static int io_open(intptr_t *io_handle, int access_flags, libbfio_error_t **error)
{
	seg_io *io = (seg_io *)io_handle;
	fx_ewf_files *f = io->set;
	segment *s;
	int fd, rc = 1;

	(void)access_flags;
	(void)error;
	if (io->is_open)
		return 1;
	pthread_mutex_lock(&f->lock);
	s = &f->segs[io->index];
	if (s->fd < 0) {
		pthread_mutex_unlock(&f->lock); /* reopen takes it on failure */
		fd = reopen(f, s, O_RDWR);
		pthread_mutex_lock(&f->lock);
		s = &f->segs[io->index];
		s->fd = fd;
		if (fd < 0)
			rc = -1;
	}
	if (rc == 1) {
		s->durable = 0;
		s->opens++;
		io->is_open = 1;
		io->offset = 0;
	}
	pthread_mutex_unlock(&f->lock);
	return rc;
}

/* libewf closes a segment when it is full: start its writeback and give
 * the descriptor back (a set of thousands of segments must not hold one
 * each). libbfio's close callbacks return 0 on success. */
static int io_close(intptr_t *io_handle, libbfio_error_t **error)
{
	seg_io *io = (seg_io *)io_handle;
	fx_ewf_files *f = io->set;
	segment *s;
	int fd = -1;

	(void)error;
	if (!io->is_open)
		return 0;
	io->is_open = 0;
	pthread_mutex_lock(&f->lock);
	s = &f->segs[io->index];
	if (--s->opens == 0) {
		fd = s->fd;
		s->fd = -1;
	}
	pthread_mutex_unlock(&f->lock);
	if (fd >= 0) {
		sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
		close(fd);
	}
	return 0;
}

/* Records a failed read or write at byte `at` of the segment. */
static void io_failed(seg_io *io, int err, const char *what, off_t at)
{
	char msg[PATH_MAX + 200];

	pthread_mutex_lock(&io->set->lock);
	snprintf(msg, sizeof(msg), "cannot %s E01 segment %s at byte %lld: %s",
		 what, io->set->segs[io->index].path, (long long)at,
		 strerror(err));
	pthread_mutex_unlock(&io->set->lock);
	set_failure(io->set, fx_error_from_errno(err), msg);
}

static ssize_t io_read(intptr_t *io_handle, uint8_t *buf, size_t size,
		       libbfio_error_t **error)
{
	seg_io *io = (seg_io *)io_handle;
	ssize_t n;

	(void)error;
	do
		n = pread(io_fd(io), buf, size, io->offset);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		io_failed(io, errno, "read back", io->offset);
		return -1;
	}
	io->offset += n;
	return n;
}

static ssize_t io_write(intptr_t *io_handle, const uint8_t *buf, size_t size,
			libbfio_error_t **error)
{
	seg_io *io = (seg_io *)io_handle;
	size_t done = 0;
	ssize_t n;
	int frozen;

	(void)error;
	pthread_mutex_lock(&io->set->lock);
	frozen = io->set->frozen;
	pthread_mutex_unlock(&io->set->lock);
	if (frozen)
		return -1; /* a resume that appends nothing: libewf's close */
	while (done < size) {
		n = pwrite(io_fd(io), buf + done, size - done, io->offset + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			io_failed(io, n < 0 ? errno : ENOSPC, "write",
				  io->offset + (off_t)done);
			return -1;
		}
		done += (size_t)n;
	}
	io->offset += (off_t)size;
	return (ssize_t)size;
}

static off64_t io_seek(intptr_t *io_handle, off64_t offset, int whence,
		       libbfio_error_t **error)
{
	seg_io *io = (seg_io *)io_handle;
	struct stat st;
	off64_t base = 0;

	(void)error;
	if (whence == SEEK_CUR)
		base = io->offset;
	else if (whence == SEEK_END && fstat(io_fd(io), &st) == 0)
		base = st.st_size;
	else if (whence != SEEK_SET)
		return -1;
	if (base + offset < 0)
		return -1;
	io->offset = base + offset;
	return io->offset;
}

static int io_exists(intptr_t *io_handle, libbfio_error_t **error)
{
	(void)io_handle;
	(void)error;
	return 1; /* we created it */
}

static int io_is_open(intptr_t *io_handle, libbfio_error_t **error)
{
	(void)error;
	return ((seg_io *)io_handle)->is_open;
}

static int io_get_size(intptr_t *io_handle, size64_t *size, libbfio_error_t **error)
{
	seg_io *io = (seg_io *)io_handle;
	struct stat st;

	(void)error;
	if (io_fd(io) >= 0 ? fstat(io_fd(io), &st) != 0
	    : fstatat(io->set->dirfd, io->set->segs[io->index].name, &st,
		      AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	*size = (size64_t)st.st_size;
	return 1;
}

/* ---- taking over segment creation ------------------------------------- */

/* Splits path into its directory's identity and its last component. */
static int split_path(const char *path, struct stat *dir, const char **last)
{
	char copy[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (strlen(path) >= sizeof(copy))
		return -1;
	memcpy(copy, path, strlen(path) + 1);
	if (!slash)
		copy[0] = '.', copy[1] = '\0';
	else if (slash == path)
		copy[1] = '\0';
	else
		copy[slash - path] = '\0';
	*last = slash ? slash + 1 : path;
	return stat(copy, dir);
}

/*
 * The registered set that libewf's `name` belongs to: its last component is
 * a set's base + ".xxx"; *last points at it, *index is the segment it
 * names. Fails closed (returns the set with *why set) when the name is not
 * the set's next segment (nor, during a resume's open, one it adopted), or
 * when its directory is no longer the one the set was created in (libewf
 * makes the path absolute; a directory renamed or replaced by a link during
 * the run would have libewf write elsewhere). NULL: none of ours.
 */
static fx_ewf_files *find_set(const char *name, const char **last,
			      size_t *index, char *why, size_t whylen)
{
	char expected[NAME_MAX + 8];
	struct stat dir;
	fx_ewf_files *f, *same_base = NULL;
	int dir_ok;
	size_t blen, i;

	why[0] = '\0';
	dir_ok = split_path(name, &dir, last) == 0;
	pthread_mutex_lock(&registry_lock);
	for (f = registry; f; f = f->next) {
		blen = strlen(f->base);
		if (strncmp(*last, f->base, blen) != 0 || (*last)[blen] != '.' ||
		    strlen(*last + blen + 1) != 3)
			continue;
		if (dir_ok && dir.st_dev == f->dir_dev && dir.st_ino == f->dir_ino)
			break;
		if (!same_base) /* a set of the same name elsewhere may match */
			same_base = f;
	}
	if (f) {
		pthread_mutex_lock(&f->lock);
		*index = f->nsegs;
		for (i = 0; f->adopting && i < f->nsegs; i++)
			if (strcmp(f->segs[i].name, *last) == 0)
				*index = i;
		if (*index == f->nsegs &&
		    (f->adopting ||
		     fx_ewf_segment_path(expected, sizeof(expected), f->base,
					 f->ext0, (unsigned)f->nsegs) != 0 ||
		     strcmp(expected, *last) != 0))
			snprintf(why, whylen,
				 "libewf asked to create %s, which is not the next segment of the set",
				 name);
		pthread_mutex_unlock(&f->lock);
	} else if ((f = same_base) != NULL) {
		snprintf(why, whylen,
			 "libewf asked for %s, but the directory of %s is no longer the one the image was started in (renamed or replaced during the run)",
			 name, f->target);
	}
	pthread_mutex_unlock(&registry_lock);
	return f;
}

/* Creates the set's next segment (its last component `last`) in the
 * directory registered, exclusively, never through a link; adds it to the
 * set under the caller's spelling of its path. */
static int create_segment(fx_ewf_files *f, const char *last, seg_io **out)
{
	char msg[PATH_MAX + 200], name[PATH_MAX + 8];
	struct stat st;
	segment *s;
	seg_io *io;
	int fd;

	pthread_mutex_lock(&f->lock);
	fx_ewf_segment_path(name, sizeof(name), f->target, f->ext0,
			    (unsigned)f->nsegs); /* fits: checked at new */
	pthread_mutex_unlock(&f->lock);
	/* writable by us until sealed: libewf may close and reopen it */
	fd = openat(f->dirfd, last,
		    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		int err = errno;

		if (err == EEXIST)
			snprintf(msg, sizeof(msg),
				 "refusing to overwrite existing file %s (it appeared while the image was being written)",
				 name);
		else
			snprintf(msg, sizeof(msg), "cannot create %s: %s", name,
				 strerror(err));
		set_failure(f, err == EEXIST ? FX_EEXISTS : fx_error_from_errno(err), msg);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !(io = calloc(1, sizeof(*io))))
		goto oom;
	pthread_mutex_lock(&f->lock);
	if (FX_VEC_RESERVE(f->segs, f->cap, f->nsegs + 1) != 0) {
		pthread_mutex_unlock(&f->lock);
		free(io);
		goto oom;
	}
	s = &f->segs[f->nsegs];
	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%.*s", PATH_MAX - 1, name);
	snprintf(s->name, sizeof(s->name), "%s", last);
	s->fd = fd; /* open until libewf closes the segment */
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	io->set = f;
	io->index = f->nsegs++;
	pthread_mutex_unlock(&f->lock);
	*out = io;
	return 0;
oom:
	/* keep the (empty) file: it is ours, and listed nowhere else */
	close(fd);
	set_failure(f, FX_ERROR, "out of memory (or fstat failed) adding an E01 segment");
	return -1;
}

static append_fn next_append;
static pthread_once_t next_append_once = PTHREAD_ONCE_INIT;

static void find_next_append(void)
{
	next_append = (append_fn)dlsym(RTLD_NEXT, "libbfio_pool_append_handle");
}

/* libewf's own libbfio_pool_append_handle, the one ours stands in front of. */
static append_fn real_append(void)
{
	pthread_once(&next_append_once, find_next_append);
	return next_append;
}

/* Whether any set is registered (then no write append passes through). */
static int sets_registered(void)
{
	int any;

	pthread_mutex_lock(&registry_lock);
	any = registry != NULL;
	pthread_mutex_unlock(&registry_lock);
	return any;
}

/* A handle on segment `index`, which we opened when it was adopted. */
static int adopted_segment(fx_ewf_files *f, size_t index, seg_io **out)
{
	seg_io *io = calloc(1, sizeof(*io));

	if (!io) {
		set_failure(f, FX_ERROR, "out of memory adding an E01 segment");
		return -1;
	}
	io->set = f;
	io->index = index;
	pthread_mutex_lock(&f->lock);
	f->segs[index].taken = 1;
	pthread_mutex_unlock(&f->lock);
	*out = io;
	return 0;
}

/* Whether a registered set is in a resume's open (fx_ewf_files_adopt). */
static int sets_adopting(void)
{
	fx_ewf_files *f;
	int any = 0;

	pthread_mutex_lock(&registry_lock);
	for (f = registry; f && !any; f = f->next) {
		pthread_mutex_lock(&f->lock);
		any = f->adopting;
		pthread_mutex_unlock(&f->lock);
	}
	pthread_mutex_unlock(&registry_lock);
	return any;
}

static int append_ours(fx_ewf_files *f, append_fn next, libbfio_pool_t *pool,
		       int *entry, libbfio_handle_t *given, int access_flags,
		       const char *last, size_t index, libbfio_error_t **error)
{
	libbfio_handle_t *ours = NULL;
	seg_io *io = NULL;
	size_t n = fx_ewf_files_count(f);

	if (index < n ? adopted_segment(f, index, &io) != 0
		      : create_segment(f, last, &io) != 0)
		return -1;
	if (libbfio_handle_initialize(&ours, (intptr_t *)io, io_free, io_clone,
				      io_open, io_close, io_read, io_write,
				      io_seek, io_exists, io_is_open, io_get_size,
				      LIBBFIO_FLAG_IO_HANDLE_MANAGED |
				      LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION,
				      error) != 1) {
		free(io);
		set_failure(f, FX_ERROR, "cannot set up an E01 segment handle");
		return -1;
	}
	if (next(pool, entry, ours, access_flags, error) != 1) {
		libbfio_handle_free(&ours, NULL);
		set_failure(f, FX_ERROR, "cannot add an E01 segment to libewf's pool");
		return -1;
	}
	libbfio_handle_free(&given, NULL); /* libewf handed it over to the pool */
	return 1;
}

int libbfio_pool_append_handle(libbfio_pool_t *pool, int *entry,
			       libbfio_handle_t *handle, int access_flags,
			       libbfio_error_t **error)
{
	append_fn next = real_append();
	char name[PATH_MAX + 8] = "", why[2 * PATH_MAX + 200];
	const char *last = name;
	size_t size = 0, index = 0;
	fx_ewf_files *f;

	int writing = (access_flags & LIBBFIO_ACCESS_FLAG_WRITE) != 0;

	if (!next)
		return -1;
	/* a read-only open is ours only during a resume's open, for the
	 * segments it adopted (libewf may open them to read, then reopen
	 * them to write) */
	if (!sets_registered() || (!writing && !sets_adopting()))
		return next(pool, entry, handle, access_flags, error);
	/* fail closed: while a set is written, libewf creates nothing itself */
	if (libbfio_file_get_name_size(handle, &size, NULL) != 1 ||
	    size > sizeof(name) ||
	    libbfio_file_get_name(handle, name, sizeof(name), NULL) != 1)
		return writing ? -1 : next(pool, entry, handle, access_flags, error);
	f = find_set(name, &last, &index, why, sizeof(why));
	if (!writing && (!f || why[0]))
		return next(pool, entry, handle, access_flags, error);
	if (!f)
		return -1;
	if (why[0]) {
		set_failure(f, FX_ERROR, why);
		return -1;
	}
	return append_ours(f, next, pool, entry, handle, access_flags, last,
			   index, error);
}

/* ---- the set ---------------------------------------------------------- */

/* Records target's spelling, directory (held open) and last component. */
static int locate(fx_ewf_files *f, const char *target)
{
	char dir[PATH_MAX], longest[PATH_MAX + 8];
	const char *last, *slash = strrchr(target, '/');
	struct stat st;

	if (snprintf(f->target, sizeof(f->target), "%s", target) >=
		    (int)sizeof(f->target) ||
	    fx_ewf_segment_path(longest, sizeof(longest) - 8, target, 'E', 0) != 0)
		return fx_error_set(FX_EUSAGE, "image name too long: %s", target);
	last = slash ? slash + 1 : target;
	if (!*last || strlen(last) + 4 > NAME_MAX)
		return fx_error_set(FX_EUSAGE, "bad image name: %s", target);
	snprintf(f->base, sizeof(f->base), "%s", last);
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash == target ? 1 : slash - target) : 1,
		 slash ? target : ".");
	f->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (f->dirfd < 0 || fstat(f->dirfd, &st) != 0)
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "destination directory %s", dir);
	f->dir_dev = st.st_dev;
	f->dir_ino = st.st_ino;
	return 0;
}

int fx_ewf_files_new(fx_ewf_files **out, const char *target, char ext0)
{
	fx_ewf_files *f;
	int rc;

	*out = NULL;
	if (dlsym(RTLD_DEFAULT, "libbfio_pool_append_handle") !=
	    (void *)fx_ewf_append_local || !real_append())
		return fx_error_set(FX_ERROR,
				    "cannot take over the creation of E01 segment files from libewf in this process (libforensic must be loaded before libewf); refusing to let libewf create %s.%c01 with O_TRUNC",
				    target, ext0);
	if (!(f = calloc(1, sizeof(*f))))
		return fx_error_set(FX_ERROR, "out of memory");
	f->dirfd = -1;
	if ((rc = locate(f, target)) != 0) {
		if (f->dirfd >= 0)
			close(f->dirfd);
		free(f);
		return rc;
	}
	f->ext0 = ext0;
	pthread_mutex_init(&f->lock, NULL);
	pthread_mutex_lock(&registry_lock);
	f->next = registry;
	registry = f;
	pthread_mutex_unlock(&registry_lock);
	*out = f;
	return 0;
}

void fx_ewf_files_free(fx_ewf_files *f)
{
	fx_ewf_files **p;
	size_t i;

	if (!f)
		return;
	pthread_mutex_lock(&registry_lock);
	for (p = &registry; *p; p = &(*p)->next)
		if (*p == f) {
			*p = f->next;
			break;
		}
	pthread_mutex_unlock(&registry_lock);
	for (i = 0; i < f->nsegs; i++)
		if (f->segs[i].fd >= 0)
			close(f->segs[i].fd);
	close(f->dirfd);
	free(f->segs);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

/* ---- a resume: the existing segments -------------------------------- */

/* Opens segment `name` of the set for writing: never through a link, a
 * regular file with one name (a hard link elsewhere would be written
 * too), made writable (0644) only through its own descriptor. -1 with
 * the error set, or 0 and *fd = -1 when there is none. */
static int adopt_open(fx_ewf_files *f, const char *name, const char *path,
		      int *fd, struct stat *st)
{
	char proc[64];
	struct stat again;
	int rfd = openat(f->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	*fd = -1;
	if (rfd < 0 && errno == ENOENT)
		return 0;
	if (rfd < 0)
		return fx_error_set_errno(errno == ELOOP ? FX_ECORRUPT
					  : fx_error_from_errno(errno), errno,
					  "cannot reopen E01 segment %s", path);
	if (fstat(rfd, st) != 0 || !S_ISREG(st->st_mode) || st->st_nlink != 1) {
		close(rfd);
		return fx_error_set(FX_ECORRUPT,
				    "E01 segment %s is not a regular file with one name; not resuming into it",
				    path);
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", rfd);
	if (fchmod(rfd, 0644) == 0)
		*fd = open(proc, O_RDWR | O_CLOEXEC);
	close(rfd);
	if (*fd < 0 || fstat(*fd, &again) != 0 || again.st_ino != st->st_ino ||
	    again.st_dev != st->st_dev) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return fx_error_set_errno(FX_EIO, errno,
					  "cannot reopen E01 segment %s for writing", path);
	}
	/* what the killed run left in the page cache goes to storage, and
	 * the resume reads the segment from there, not from memory */
	if (fdatasync(*fd) != 0 ||
	    posix_fadvise(*fd, 0, 0, POSIX_FADV_DONTNEED) != 0) {
		close(*fd);
		*fd = -1;
		return fx_error_set_errno(FX_EIO, errno,
					  "cannot flush E01 segment %s to storage", path);
	}
	return 0;
}

/* Adds an adopted segment, open, to the table. */
static int adopt_add(fx_ewf_files *f, const char *path, const char *name,
		     int fd, const struct stat *st)
{
	segment *s;

	if (FX_VEC_RESERVE(f->segs, f->cap, f->nsegs + 1) != 0)
		return fx_error_set(FX_ERROR, "out of memory");
	s = &f->segs[f->nsegs++];
	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%.*s", PATH_MAX - 1, path);
	snprintf(s->name, sizeof(s->name), "%.*s", NAME_MAX, name);
	s->fd = fd;
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	return 0;
}

/* A segment file shorter than its file header and one section descriptor
 * holds no chunk: the run stopped as it was created. */
#define EWF_EMPTY_SEGMENT (13 + 76)

int fx_ewf_files_adopt(fx_ewf_files *f, char ***names, size_t *n)
{
	char path[PATH_MAX + 8], name[NAME_MAX + 8];
	struct stat st;
	size_t i;
	int fd, rc = 0;

	*names = NULL;
	*n = 0;
	for (i = 0; rc == 0 && i < FX_EWF_MAX_SEGMENTS; i++) {
		if (fx_ewf_segment_path(path, sizeof(path), f->target, f->ext0,
					(unsigned)i) != 0 ||
		    fx_ewf_segment_path(name, sizeof(name), f->base, f->ext0,
					(unsigned)i) != 0)
			break;
		if ((rc = adopt_open(f, name, path, &fd, &st)) != 0 || fd < 0)
			break;
		if ((uint64_t)st.st_size < EWF_EMPTY_SEGMENT && i > 0) {
			/* no chunk in it: created again, O_EXCL, when reached */
			close(fd);
			if (unlinkat(f->dirfd, name, 0) != 0)
				rc = fx_error_set_errno(FX_EIO, errno,
							"cannot remove the empty E01 segment %s",
							path);
			break;
		}
		rc = adopt_add(f, path, name, fd, &st);
		if (rc != 0)
			close(fd);
	}
	if (rc == 0 && f->nsegs == 0)
		rc = fx_error_set(FX_ENOTFOUND, "E01 segment %s.%c01 is missing",
				  f->target, f->ext0);
	if (rc == 0 && !(*names = calloc(f->nsegs + 1, sizeof(**names))))
		rc = fx_error_set(FX_ERROR, "out of memory");
	for (i = 0; rc == 0 && i < f->nsegs; i++)
		(*names)[i] = f->segs[i].path;
	if (rc == 0) {
		*n = f->nsegs;
		pthread_mutex_lock(&f->lock);
		f->adopting = 1;
		pthread_mutex_unlock(&f->lock);
	}
	return rc;
}

int fx_ewf_files_adopt_end(fx_ewf_files *f)
{
	size_t i;
	int rc = 0;

	pthread_mutex_lock(&f->lock);
	f->adopting = 0;
	for (i = 0; i < f->nsegs && rc == 0; i++)
		if (!f->segs[i].taken)
			rc = fx_error_set(FX_ERROR,
					  "libewf opened E01 segment %s itself, not through libforensic; not resuming",
					  f->segs[i].path);
	pthread_mutex_unlock(&f->lock);
	return rc;
}

void fx_ewf_files_freeze(fx_ewf_files *f)
{
	pthread_mutex_lock(&f->lock);
	f->frozen = 1;
	pthread_mutex_unlock(&f->lock);
}

size_t fx_ewf_files_count(fx_ewf_files *f)
{
	size_t n;

	pthread_mutex_lock(&f->lock);
	n = f->nsegs;
	pthread_mutex_unlock(&f->lock);
	return n;
}

int fx_ewf_files_failure(fx_ewf_files *f)
{
	int code;

	pthread_mutex_lock(&f->lock);
	code = f->failure;
	if (code)
		fx_error_set(code, "%s", f->message);
	pthread_mutex_unlock(&f->lock);
	return code;
}

size_t fx_ewf_files_writeback(fx_ewf_files *f, size_t from)
{
	size_t i, n = fx_ewf_files_count(f);
	int fd;

	for (i = from; i < n; i++) {
		/* a copy: the writer may close the segment meanwhile (closed
		 * ones had their writeback started when they were closed) */
		pthread_mutex_lock(&f->lock);
		fd = f->segs[i].fd >= 0 ? fcntl(f->segs[i].fd, F_DUPFD_CLOEXEC, 0) : -1;
		pthread_mutex_unlock(&f->lock);
		if (fd >= 0) {
			sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
			close(fd);
		}
	}
	return n ? n - 1 : 0;
}

/* A segment's descriptor, duplicated (the writer may close its own), or
 * reopened by name and identity when libewf has it closed; -1 if none
 * (the failure is recorded). */
static int sync_fd(fx_ewf_files *f, size_t i, int *skip)
{
	segment s;
	int fd;

	pthread_mutex_lock(&f->lock);
	s = f->segs[i];
	fd = s.fd >= 0 ? fcntl(s.fd, F_DUPFD_CLOEXEC, 0) : -1;
	pthread_mutex_unlock(&f->lock);
	*skip = s.fd < 0 && s.durable;
	if (fd >= 0 || *skip)
		return fd;
	return reopen(f, &s, O_RDONLY);
}

int fx_ewf_files_sync(fx_ewf_files *f)
{
	size_t i, n = fx_ewf_files_count(f);
	int fd, skip, rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		if ((fd = sync_fd(f, i, &skip)) < 0) {
			if (!skip)
				rc = fx_ewf_files_failure(f);
			continue;
		}
		if (fdatasync(fd) != 0)
			rc = fx_error_set_errno(fx_error_from_errno(errno), errno,
						"cannot flush %s to storage",
						f->segs[i].path);
		pthread_mutex_lock(&f->lock);
		if (rc == 0 && f->segs[i].fd < 0)
			f->segs[i].durable = 1; /* closed, and flushed after */
		pthread_mutex_unlock(&f->lock);
		close(fd);
	}
	return rc;
}

int fx_ewf_files_seal(fx_ewf_files *f, fx_image_file **out, size_t *n)
{
	fx_image_file *files;
	struct stat st;
	segment *s;
	size_t i;
	int rc = 0, fd;

	*out = NULL;
	*n = 0;
	/* libewf has closed the set: no thread changes the table now */
	if (!(files = calloc(f->nsegs ? f->nsegs : 1, sizeof(*files))))
		return fx_error_set(FX_ERROR, "out of memory");
	/* every file is listed, even after a failure: the record says what
	 * is on disk; each is the inode created, flushed to storage */
	for (i = 0; i < f->nsegs; i++) {
		s = &f->segs[i];
		files[i].path = s->path; /* the table lives as long as f */
		fd = s->fd >= 0 ? s->fd : reopen(f, s, O_RDONLY);
		if (fd < 0) {
			if (rc == 0)
				rc = fx_ewf_files_failure(f);
			continue;
		}
		if (fdatasync(fd) != 0 && rc == 0)
			rc = fx_error_set_errno(fx_error_from_errno(errno), errno,
						"cannot flush %s to storage", s->path);
		if (fchmod(fd, 0444) != 0 && rc == 0) /* complete: read-only */
			rc = fx_error_set_errno(FX_EIO, errno,
						"cannot make %s read-only", s->path);
		if (fstat(fd, &st) == 0)
			files[i].size = (uint64_t)st.st_size;
		else if (rc == 0)
			rc = fx_error_set_errno(FX_EIO, errno, "cannot stat %s", s->path);
		if (fd != s->fd)
			close(fd);
	}
	*n = f->nsegs;
	*out = files;
	return rc;
}
