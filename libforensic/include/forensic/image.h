/**
 * @file image.h
 * Reading images back (raw, split raw, E01) as sources, for verification.
 */
#ifndef FORENSIC_IMAGE_H
#define FORENSIC_IMAGE_H

#include "forensic/common.h"
#include "forensic/source.h"

#ifdef __cplusplus
extern "C" {
#endif

enum fx_image_format {
	FX_IMAGE_AUTO = 0,     /**< options only: from the name, then the contents */
	FX_IMAGE_RAW = 1,      /**< one file */
	FX_IMAGE_SPLIT_RAW,    /**< NAME.001, NAME.002, ... */
	FX_IMAGE_E01           /**< NAME.E01, NAME.E02, ... */
};

/** Options for fx_image_open. */
typedef struct fx_image_options {
	unsigned version;
	int bypass_cache; /**< drop cached pages of each file before reading */
	/** How to read the image (enum fx_image_format). Whoever knows the
	 *  format (the acquisition that wrote the image, its record) gives
	 *  it: the bytes are then read that way, whatever they look like.
	 *  FX_IMAGE_AUTO is for images nobody recorded. Since version 2. */
	int format;
} fx_image_options;

#define FX_IMAGE_OPTIONS_VERSION 2
#define FX_IMAGE_OPTIONS_INIT { FX_IMAGE_OPTIONS_VERSION, 0, FX_IMAGE_AUTO }

/**
 * Opens the image whose first file is path and returns it as a source of
 * the media it holds; the other files of the set are found by name. A
 * missing or truncated segment fails with FX_ENOTFOUND / FX_ECORRUPT naming
 * the file.
 *
 * With an explicit format, path is read as that format: FX_IMAGE_RAW as
 * one file of media bytes (even one that starts like an E01),
 * FX_IMAGE_SPLIT_RAW from NAME.001 on, FX_IMAGE_E01 from NAME.E01 on.
 * With FX_IMAGE_AUTO (and options of version 1) the name decides and the
 * contents must agree: .E01/.Ex01 must start with the EWF signature, and a
 * name of a raw image (.raw, .dd, .img, .001 and other numbers) must not,
 * or the open fails with FX_ECORRUPT saying which; only another name is
 * taken as E01 when it starts with the EWF signature and as raw otherwise.
 * An unknown format or options version fails with FX_EUSAGE.
 */
FX_EXTERN int fx_image_open(fx_source **out, const char *path,
			    const fx_image_options *opts);

/** The format of the image behind src, or 0 if src is not an image. */
FX_EXTERN int fx_image_format(const fx_source *src);

#ifdef __cplusplus
}
#endif
#endif
