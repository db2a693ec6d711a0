/* Reading a file as storage holds it, not as the page cache does. */
#ifndef FX_STORAGE_H
#define FX_STORAGE_H

/* Flushes fd's file and drops its cached pages (only clean pages can be
 * dropped, hence the flush), so that the next reads come from storage.
 * Returns fdatasync's result: 0, or -1 with errno set; the pages are
 * dropped either way. */
int fx_storage_drop_cache(int fd);

/* The same by path; for callers that read the file through another handle
 * (libewf). Errors are left to that handle's reads. */
void fx_storage_drop_cache_path(const char *path);

#endif
