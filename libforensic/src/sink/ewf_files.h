/* E01 segment files that libforensic creates, not libewf (see ewf_files.c). */
#ifndef FX_EWF_FILES_H
#define FX_EWF_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "forensic/sink.h"

typedef struct fx_ewf_files fx_ewf_files;

/*
 * Takes over the creation of target's segment files (target.E01, .E02, ...
 * named by fx_e01_segment_name with first letter ext0) until
 * fx_ewf_files_free: each one libewf asks for is created by us with
 * O_EXCL|O_NOFOLLOW in target's directory (held open), mode 0644 until
 * sealed; a reopen must find the inode created. While any set is
 * registered, libewf creates no file itself (fail closed). Fails
 * (FX_ERROR) when libewf's file layer cannot be taken over in this process.
 */
int fx_ewf_files_new(fx_ewf_files **out, const char *target, char ext0);

/* Stops the take-over and closes the files (they stay on disk). NULL safe. */
void fx_ewf_files_free(fx_ewf_files *f);

/* Segment files created so far. Any thread. */
size_t fx_ewf_files_count(fx_ewf_files *f);

/*
 * The first failure of a file operation that libewf asked for (a name
 * that already exists, a full disk), as an FX_E code with its message in
 * the last error; 0 if none. libewf's own error text names neither the
 * file nor the reason, so the writer reports this one instead. Any thread.
 */
int fx_ewf_files_failure(fx_ewf_files *f);

/* Starts writeback of every segment from index `from` (sync_file_range);
 * returns the index of the last segment seen. Any thread. */
size_t fx_ewf_files_writeback(fx_ewf_files *f, size_t from);

/*
 * Flushes every segment to storage (fdatasync), makes it read-only (0444)
 * and lists them all, with their sizes, into a new array *out of *n entries
 * (sha256 left empty; paths borrowed from f, valid until fx_ewf_files_free),
 * even after a failure. Call after libewf has closed the set; not
 * concurrently with the writer.
 */
int fx_ewf_files_seal(fx_ewf_files *f, fx_image_file **out, size_t *n);

#endif
