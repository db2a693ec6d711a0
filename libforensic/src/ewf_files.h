/* E01 segment files that libforensic creates, not libewf (see ewf_files.c). */
#ifndef FX_EWF_FILES_H
#define FX_EWF_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "forensic/sink.h"

typedef struct fx_ewf_files fx_ewf_files;

/* Segments of an EWF set: E01..E99, then EAA..EZZ, FAA.. up to ZZZ. */
#define FX_EWF_MAX_SEGMENTS 14971u

/*
 * The name of segment `index` (0-based) of target's set, as libewf names
 * it: target + ".E01" for index 0 with ext0 'E' ('e' for EWFX sets).
 * FX_EUSAGE past FX_EWF_MAX_SEGMENTS or when the name does not fit.
 */
int fx_ewf_segment_path(char *out, size_t outlen, const char *target,
			char ext0, unsigned index);

/*
 * Takes over the creation of target's segment files (target.E01, .E02, ...
 * named by fx_e01_segment_name with first letter ext0) until
 * fx_ewf_files_free: each one libewf asks for is created by us with
 * O_EXCL|O_NOFOLLOW, mode 0444, and kept open here. Fails (FX_ERROR) when
 * libewf's file layer cannot be taken over in this process.
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
 * Flushes every segment to storage (fdatasync) and lists them, with their
 * sizes, into a new array *out of *n entries (sha256 left empty). Call
 * after libewf has closed the set.
 */
int fx_ewf_files_seal(fx_ewf_files *f, fx_image_file **out, size_t *n);

#endif
