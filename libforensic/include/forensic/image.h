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
	FX_IMAGE_RAW = 1,      /**< one file */
	FX_IMAGE_SPLIT_RAW,    /**< NAME.001, NAME.002, ... */
	FX_IMAGE_E01           /**< NAME.E01, NAME.E02, ... */
};

/** Options for fx_image_open. */
typedef struct fx_image_options {
	unsigned version;
	int bypass_cache; /**< drop cached pages of each file before reading */
} fx_image_options;

#define FX_IMAGE_OPTIONS_VERSION 1
#define FX_IMAGE_OPTIONS_INIT { FX_IMAGE_OPTIONS_VERSION, 0 }

/**
 * Opens the image whose first file is path and returns it as a source of
 * the media it holds. The format is taken from the name and contents; the
 * other files of the set are found by name. A missing or truncated segment
 * fails with FX_ENOTFOUND / FX_ECORRUPT naming the file.
 */
FX_EXTERN int fx_image_open(fx_source **out, const char *path,
			    const fx_image_options *opts);

/** The format of the image behind src, or 0 if src is not an image. */
FX_EXTERN int fx_image_format(const fx_source *src);

#ifdef __cplusplus
}
#endif
#endif
