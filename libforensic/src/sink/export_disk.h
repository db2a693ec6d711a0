/* The virtual disk writer of an export (verify export): raw, fixed VHD,
 * VMDK descriptor plus monolithicFlat extent. The sink layer's interface
 * to the verification that drives it (src/verify/export.c). */
#ifndef FX_EXPORT_DISK_H
#define FX_EXPORT_DISK_H

#include <stdint.h>
#include <time.h>

#include "forensic/sink.h"

typedef struct fx_export_writer fx_export_writer;

/* Creates the export's files for a media of media_size bytes: path (raw,
 * VHD, or the VMDK descriptor) and, for VMDK, its extent
 * (fx_export_extent_name), each with O_CREAT|O_EXCL|O_NOFOLLOW in the
 * directory of path, held open (the directory too) until free. Refuses
 * before anything is created: a media size that is not a multiple of 512
 * for VHD and VMDK (FX_EUSAGE, naming the size), a VMDK extent name the
 * descriptor cannot quote (FX_EUSAGE), anything already at a name
 * (FX_EEXISTS). On failure nothing created stays. *out is owned by the
 * caller (fx_export_writer_free). */
int fx_export_writer_new(fx_export_writer **out, const char *path, int format,
			 uint64_t media_size);

/* The sink the pipeline writes the media through (borrowed: freed with
 * the writer). It writes the media, in order, to the media file. */
fx_sink *fx_export_writer_sink(fx_export_writer *w);

/* Why the sink failed ("" when it did not): the write error, naming the
 * file and offset, and its code (FX_EIO, FX_ENOSPC) in *code; a failed
 * sink cuts the pipeline's run. */
const char *fx_export_writer_error(const fx_export_writer *w, int *code);

/* Completes the export once the media was verified: the VHD footer, or
 * the VMDK descriptor (its CID taken from media_sha256), then every file
 * is flushed to storage and made read-only. media_sha256 is the media's
 * SHA-256 (64 hex digits): the SHA-256 of a raw file and of a VMDK extent,
 * which are the media. Fails (FX_EIO, FX_ENOSPC) naming the file; the
 * caller then discards. */
int fx_export_writer_seal(fx_export_writer *w, const char *media_sha256);

/* Removes the files this writer created, each only while its name still
 * holds the inode created (checked through the held directory, without
 * following links); a name that holds something else now is left alone.
 * Returns 0, or FX_ERROR naming the first file it could not remove or
 * left alone. Idempotent. */
int fx_export_writer_discard(fx_export_writer *w);

/* The files written (path as given, size, SHA-256 after a seal; paths
 * borrowed from the writer): 1 for raw and VHD, 2 for VMDK (descriptor,
 * then extent). Returns the count, fills up to max. */
size_t fx_export_writer_files(const fx_export_writer *w, fx_image_file *out,
			      size_t max);

/* Closes the files (not removed: discard does that) and frees. NULL is
 * fine. */
void fx_export_writer_free(fx_export_writer *w);

/* ---- the formats (exposed for the unit tests) ---- */

/* The CHS geometry of a VHD of size bytes, by the algorithm of Microsoft's
 * VHD specification (appendix "CHS calculation"): at most 65535 cylinders,
 * 16 heads, 255 sectors per track. */
void fx_vhd_geometry(uint16_t *cylinders, uint8_t *heads, uint8_t *sectors,
		     uint64_t size);

/* The 512-byte footer of a fixed VHD of size bytes made at t (Unix time),
 * with uuid, checksum included. */
void fx_vhd_footer(uint8_t out[512], uint64_t size, time_t t,
		   const uint8_t uuid[16]);

/* The descriptor of a monolithicFlat VMDK of size bytes (a multiple of
 * 512) whose extent is extent_name (a base name), with the given CID:
 * NUL-terminated text into out. FX_EUSAGE when it does not fit. */
int fx_vmdk_descriptor(char *out, size_t len, uint64_t size,
		       const char *extent_name, uint32_t cid);

#endif
