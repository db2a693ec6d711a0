/* Internal interface of the verification module: verify.c (the order of a
 * verification: references, set, hashing, verdict, record), verify_hash.c
 * (reading and hashing the media and the image files, comparing),
 * verify_json.c (findings, names, the JSON result) and sha256file.c
 * (NAME.sha256, written and read). One thread runs a verification;
 * verify_hash.c starts and joins its own helpers. */
#ifndef FX_VERIFY_INT_H
#define FX_VERIFY_INT_H

#include "forensic/verify.h"

/* The state of one verification; everything is owned by the calling
 * thread. */
typedef struct fx_verify_ctx {
	fx_verify_result *r;
	const fx_verify_options *o;
	fx_casedb *db;
	fx_source *img;
	/* the record: the caller's reference (borrowed) or acq_read, or NULL */
	const fx_casedb_acquisition_info *acq;
	fx_casedb_acquisition_info *acq_read; /* read from db, freed at the end */
	fx_window_hash *expected_windows;  /* from the record */
	size_t nexpected;
	int windows_usable;                /* re-hash with window_size */
	int interrupted;                   /* o->cancel cut the reading short */
	/* the record is of an interrupted acquisition: the image is known
	 * to be incomplete, so it is not read (a finding says so) */
	int unfinished;
	/* r->files by base name, for fx_verify_file_slot/find: a set can
	 * have tens of thousands of files, each looked up several times.
	 * Open addressing; a slot is an index into r->files plus one (0:
	 * free); never more than half full. files_cap: r->files' length. */
	size_t *by_name;
	size_t by_name_cap, files_cap;
	/* An export's writer (export.c): asked for a sink once the image is
	 * open and its set checked, just before the media is read; the sink
	 * is fed the media in the same pass as the hashers. */
	const struct fx_verify_tap *tap;
	fx_sink *tap_sink;                 /* borrowed from the tap's owner */
} fx_verify_ctx;

/* A consumer of the media beside the hashers (an export). ready is called
 * with the opened image's result (format, size, sector size known) before
 * anything is read; it returns 0 and a sink (borrowed for the run), or a
 * negative code, which ends the verification with that code and no
 * verdict (a refusal: nothing was read). */
typedef struct fx_verify_tap {
	int (*ready)(void *payload, const fx_verify_result *r, fx_sink **sink);
	void *payload;
} fx_verify_tap;

/* verify.c: fx_verify_image with a tap (NULL: none). */
int fx_verify_image_tap(fx_verify_result *out, const char *path, fx_casedb *db,
			const fx_verify_options *opts, const fx_verify_tap *tap);

/* verify_json.c */

/* Adds a finding; the message is formatted. Returns the finding (to set
 * ranges) or NULL when it was only counted (FX_VERIFY_MAX_FINDINGS) or
 * memory ran out. */
/* *dst = a copy of s (NULL: ""), the old one freed; FX_ERROR when out
 * of memory. */
int fx_verify_text_set(char **dst, const char *s);

fx_verify_finding *fx_verify_findf(fx_verify_result *r, int kind, int status,
				   int reference, const char *file,
				   const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* The file of c->r's set called like path (by base name); added when
 * absent. NULL when memory ran out. Constant time on average; pointers
 * into c->r->files last until the next file is added. */
fx_verify_file *fx_verify_file_slot(fx_verify_ctx *c, const char *path);
/* The same without adding: NULL when absent. */
fx_verify_file *fx_verify_file_find(fx_verify_ctx *c, const char *path);

/* "MD5", "SHA-1", "SHA-256" for messages. */
const char *fx_verify_alg_label(unsigned alg);

/* sha256file.c */

/* NAME.sha256 for the image whose first file is image: its name without
 * the extension (.E01, .001, .raw, ...), plus .sha256; "" when too long. */
void fx_sha256_file_beside(char *out, size_t len, const char *image);

/* verify_hash.c */

/* Reads the media once, hashing it and, where a reference needs them, the
 * image files; fills r->computed, r->windows, each file's sha256, r->bytes,
 * r->hashed, and findings for read errors and bad E01 chunks. A file whose
 * hash the media read could not give (it stopped early) is hashed as
 * fx_verify_hash_files does. Sets c->interrupted when cancelled. */
int fx_verify_hash(fx_verify_ctx *c);

/* Hashes, straight from the files, every present image file that a
 * reference lists with a SHA-256 and that has none computed yet: when the
 * media cannot be opened or read, these hashes still say which file
 * changed. Read errors are findings; cancel sets c->interrupted. */
int fx_verify_hash_files(fx_verify_ctx *c);

/* Compares what was computed with every reference; adds the findings and
 * sets r->references. Files are compared whenever they were hashed, the
 * media and its windows only when it was hashed completely. */
void fx_verify_compare(fx_verify_ctx *c);

#endif
