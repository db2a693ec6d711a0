/**
 * @file common.h
 * Export macro, error codes and the thread-local last-error message shared
 * by every libforensic module.
 */
#ifndef FORENSIC_COMMON_H
#define FORENSIC_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FX_BUILDING_LIBRARY)
#define FX_EXTERN __attribute__((visibility("default")))
#else
#define FX_EXTERN
#endif

/**
 * Return codes. Functions return 0 on success and one of these (negative) on
 * failure; fx_error_last() then holds a one-line message naming the file,
 * device or offset involved. Only failures a caller acts on differently get
 * their own code.
 */
enum fx_error_code {
	FX_OK = 0,
	FX_ERROR = -1,     /**< generic failure */
	FX_ENOTFOUND = -2, /**< file, device, record not found */
	FX_EIO = -3,       /**< input/output error */
	FX_ECORRUPT = -4,  /**< data is not what it claims to be */
	FX_EMISMATCH = -5, /**< evidence does not match its record */
	FX_EEXISTS = -6,   /**< refusing to overwrite existing evidence */
	FX_ENOSPC = -7,    /**< destination full */
	FX_EUSAGE = -8,    /**< invalid argument or option */
	FX_EGONE = -9,     /**< the source device vanished */
	FX_EINTR = -10,    /**< interrupted by the caller (signal) */
	FX_EBUSY = -11,    /**< source mounted or in use */
	FX_EVERSION = -12  /**< database or file from a newer version */
};

/** The message of the last failure on this thread ("" if none). Borrowed. */
FX_EXTERN const char *fx_error_last(void);

/** The code of the last failure on this thread (FX_OK if none). */
FX_EXTERN int fx_error_last_code(void);

/** Clear the last error of this thread. */
FX_EXTERN void fx_error_clear(void);

/** libforensic's version, e.g. "0.1.0". */
FX_EXTERN const char *fx_version(void);

/**
 * Versions of the libraries linked at run time, as one line:
 * "libforensic 0.1.0; OpenSSL 3.0.x ...; libewf 20140813; SQLite 3.40.1;
 * ISA-L 2.30.0". Borrowed, static.
 */
FX_EXTERN const char *fx_library_versions(void);

#ifdef __cplusplus
}
#endif
#endif
