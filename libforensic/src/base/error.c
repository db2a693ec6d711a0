/*
 * Thread-local last error. Every failing library call stores one line,
 * "what failed: why", naming the file, device or offset, and returns a
 * negative FX_E code. Tools print the line; the library never prints.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <isa-l.h>
#include <libewf.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include "base/error.h"

#define FX_ERROR_MAX 1024

static _Thread_local char fx_last_message[FX_ERROR_MAX];
static _Thread_local int fx_last_code;

const char *fx_error_last(void)
{
	return fx_last_message;
}

int fx_error_last_code(void)
{
	return fx_last_code;
}

void fx_error_clear(void)
{
	fx_last_message[0] = '\0';
	fx_last_code = FX_OK;
}

int fx_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fx_last_message, sizeof(fx_last_message), fmt, ap);
	va_end(ap);
	fx_last_code = code;
	return code;
}

int fx_error_set_errno(int code, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	vsnprintf(fx_last_message, sizeof(fx_last_message), fmt, ap);
	va_end(ap);
	len = strlen(fx_last_message);
	snprintf(fx_last_message + len, sizeof(fx_last_message) - len, ": %s",
		 strerror(errnum));
	fx_last_code = code;
	return code;
}

int fx_error_from_errno(int errnum)
{
	switch (errnum) {
	case ENOENT:
		return FX_ENOTFOUND;
	case EEXIST:
		return FX_EEXISTS;
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		return FX_ENOSPC;
	case ENODEV:
	case ENXIO:
	case ENOMEDIUM:
		return FX_EGONE;
	case EBUSY:
		return FX_EBUSY;
	case EINTR:
		return FX_EINTR;
	case EIO:
		return FX_EIO;
	default:
		return FX_ERROR;
	}
}

int fx_error_arg_missing(const char *function, const char *arg)
{
	return fx_error_set(FX_EUSAGE, "%s: %s is required", function, arg);
}

int fx_error_version_check(unsigned int version, unsigned int max,
			   const char *name)
{
	if (version >= 1 && version <= max)
		return 0;
	return fx_error_set(FX_EUSAGE, "%s version %u, expected 1 to %u",
			    name, version, max);
}

const char *fx_version(void)
{
	return FX_VERSION_STRING;
}

static char fx_versions_line[512];

static void fx_versions_init(void)
{
	snprintf(fx_versions_line, sizeof(fx_versions_line),
		 "libforensic %s; %s; libewf %s; SQLite %s; ISA-L %d.%d.%d",
		 FX_VERSION_STRING, OpenSSL_version(OPENSSL_VERSION),
		 libewf_get_version(), sqlite3_libversion(),
		 ISAL_MAJOR_VERSION, ISAL_MINOR_VERSION,
		 ISAL_PATCH_VERSION);
}

const char *fx_library_versions(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, fx_versions_init);
	return fx_versions_line;
}
