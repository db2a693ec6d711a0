/* See storage.h. */
#include <fcntl.h>
#include <unistd.h>

#include "base/storage.h"

int fx_storage_drop_cache(int fd)
{
	int rc = fdatasync(fd);

	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	return rc;
}

void fx_storage_drop_cache_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	fx_storage_drop_cache(fd);
	close(fd);
}
