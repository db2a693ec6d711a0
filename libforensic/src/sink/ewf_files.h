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

/*
 * A resume: opens the set's existing segments, TARGET.E01 on while they
 * exist (never through a link; each a regular file with one name, made
 * 0644 through its own descriptor; a last one too short to hold a chunk
 * is removed, to be created again, O_EXCL, when reached), and lets
 * libewf's open take them by name until fx_ewf_files_adopt_end. *names
 * (NULL-terminated, *n of them, paths borrowed from f) is for libewf's
 * open; free the array only. Call right after fx_ewf_files_new.
 */
int fx_ewf_files_adopt(fx_ewf_files *f, char ***names, size_t *n);

/* Ends the adoption: fails (naming it) if libewf opened any segment
 * without us. */
int fx_ewf_files_adopt_end(fx_ewf_files *f);

/* From now on every write to the set fails, unrecorded: a resume that
 * appends nothing closes libewf's handle without it writing (its close
 * would finalize the set). */
void fx_ewf_files_freeze(fx_ewf_files *f);

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
 * A checkpoint: fdatasyncs every segment so far (open ones through a
 * duplicate of their descriptor, closed ones reopened by name and checked
 * to be the inode created; a closed one already flushed is skipped).
 * Called while the writer is idle. 0 or a negative FX_E* naming the file.
 */
int fx_ewf_files_sync(fx_ewf_files *f);

/*
 * Flushes every segment to storage (fdatasync), makes it read-only (0444)
 * and lists them all, with their sizes, into a new array *out of *n entries
 * (sha256 left empty; paths borrowed from f, valid until fx_ewf_files_free),
 * even after a failure. Call after libewf has closed the set; not
 * concurrently with the writer.
 */
int fx_ewf_files_seal(fx_ewf_files *f, fx_image_file **out, size_t *n);

#endif
