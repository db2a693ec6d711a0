/* Internal interfaces of the case database module (casedb*.c). */
#ifndef FX_CASEDB_INT_H
#define FX_CASEDB_INT_H

#include <stdint.h>

#include <openssl/evp.h>

#include "base/json.h"
#include "base/utc.h"
#include "casedb/store.h"
#include "forensic/casedb.h"

/* An open case database. Owned by one thread at a time. */
struct fx_casedb {
	fx_store *store;         /* the database (store.h) */
	char *path;
	char *actor;
	char *host;
	int read_only;
	/* The schema version of the database: the current one for a writer
	 * (it migrates at open), 1 to the current one for a reader, which
	 * never migrates and reads an older schema as it is. */
	int version;
	EVP_PKEY *sign_key;      /* NULL: events are not signed */
	char sign_pub_hex[65];   /* raw Ed25519 public key of sign_key */
	/* The triggers schemas/case.sql creates, sorted by name; made on
	 * first use (casedb_triggers.c). */
	struct fx_trigger *triggers;
	size_t n_triggers;
};

#define FX_HASH_HEX 65       /* SHA-256 as hex, with the NUL */

/* The schema version that added acquisitions.error (case_migrate_3.sql);
 * an older database reads it as NULL. */
#define FX_SCHEMA_ACQ_ERROR 3
/* The schema version that added image_sets and image_set_files
 * (case_migrate_4.sql); an older database has no image sets. */
#define FX_SCHEMA_IMAGE_SETS 4
/* The schema version that added exports and export_files with their
 * triggers (case_migrate_5.sql); an older database has none. */
#define FX_SCHEMA_EXPORTS 5
/* The schema version that added source_files (case_migrate_5.sql): an
 * older database has none, and neither its triggers. */
#define FX_SCHEMA_SOURCE_FILES 5
/* The schema version that added acquisitions.optical and
 * image_files.allocated_bytes (case_migrate_5.sql, with the exports); an
 * older database reads them as not recorded. */
#define FX_SCHEMA_MEDIA 5
/* The schema version that added the anchors table with its triggers
 * (case_migrate_5.sql too); an older database has no anchors. */
#define FX_SCHEMA_ANCHORS 5
#define FX_TIME_MAX FX_UTC_MAX /* "YYYY-MM-DDTHH:MM:SS.ffffffZ" and spare */

/* ---- casedb.c: transactions, binds, small helpers ---- */

/* Begins a write transaction (waiting up to the busy timeout for the
 * write lock) and makes the writer's checks under the lock: the handle is
 * not read-only, the triggers are the schema's, a signed log has a key.
 * Then COMMIT, and ROLLBACK (if a transaction is open). */
int fx_casedb_tx_begin(fx_casedb *db);
int fx_casedb_tx_commit(fx_casedb *db);
void fx_casedb_tx_rollback(fx_casedb *db);

/* Runs sql (one row, one integer column, ?1 and ?2 bound to a and b, text
 * or NULL; ?3 to n) and stores the integer; FX_ENOTFOUND if no row. */
int fx_casedb_find_id(int64_t *out, fx_casedb *db, const char *sql,
		      const char *a, const char *b, int64_t n);

/* The name of this machine (gethostname), whatever the handle's host. */
void fx_casedb_sys_host(char out[256]);

/* A consistent read snapshot until fx_casedb_tx_rollback(). */
int fx_casedb_read_begin(fx_casedb *db);

/* Binds a C string that must be UTF-8 (NULL: SQL NULL; borrowed until the
 * statement is stepped), an unsigned number that must fit a signed 64-bit
 * integer (0 when zero_is_null: NULL), a tri-state flag (<0: NULL). */
int fx_casedb_bind_text(fx_casedb *db, fx_stmt *st, int i, const char *s);
int fx_casedb_bind_u64(fx_casedb *db, fx_stmt *st, int i, uint64_t v,
		       int zero_is_null);
int fx_casedb_bind_flag(fx_casedb *db, fx_stmt *st, int i, int flag);

/* Copies a caller's UTC time (or now, if t is NULL) to out after checking
 * its form; FX_EUSAGE naming field if it is not UTC ISO-8601. */
int fx_casedb_time_arg(char out[FX_TIME_MAX], const char *t,
		       const char *field);

/* Copies hex digest in (length want) to out in lowercase; FX_EUSAGE naming
 * what if it is not want hex digits. NULL in gives "" and 0. */
int fx_casedb_hex_arg(char *out, const char *in, size_t want,
		      const char *what);

/* Runs one statement that returns one integer (a count). */
int fx_casedb_query_int(int64_t *out, fx_casedb *db, const char *sql);

/* ---- casedb_content.c: what each audit event says ---- */

enum fx_table {
	FX_T_SIGNING_KEYS, FX_T_CASES, FX_T_EVIDENCE, FX_T_ACQUISITIONS,
	FX_T_FINISHED, /* acquisitions no longer running */
	FX_T_BAD_SECTORS, FX_T_IMAGE_FILES, FX_T_HASHES, FX_T_VERIFICATIONS,
	FX_T_CUSTODY, FX_T_IMAGE_SETS, FX_T_IMAGE_SET_FILES, FX_T_EXPORTS,
	FX_T_EXPORT_FILES, FX_T_SOURCE_FILES, FX_T_COUNT
};

/* Builds the content of a record event (action such as "case.create") from
 * the rows as they are stored now; adds the rows used to counts (may be
 * NULL). FX_ENOTFOUND if the main row is missing. */
int fx_content_build(fx_json *j, fx_casedb *db, const char *action,
		     int64_t id, uint64_t counts[FX_T_COUNT]);

/* The record id an event's content names, for re-building it; 0 and
 * *has_record = 0 for events that describe no record (schema.*). -1 if
 * action is unknown. */
int fx_content_record_id(int64_t *out, int *has_record, const char *action,
			 const char *content, size_t len);

/* Compares the number of rows of each table with counts. 0, or -1 with
 * why naming the table. */
int fx_content_coverage(fx_casedb *db, const uint64_t counts[FX_T_COUNT],
			char *why, size_t why_size);

/* ---- casedb_audit.c ---- */

/* Appends one audit event (inside the caller's write transaction). */
int fx_audit_append(fx_casedb *db, const char *action, const char *content);

/* Builds a record event's content from the stored rows and appends it. */
int fx_audit_record(fx_casedb *db, const char *action, int64_t id);

/* Loads the examiner's Ed25519 private key from a PEM file. */
int fx_audit_load_key(fx_casedb *db, const char *pem_path);

#define FX_AUDIT_GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* Reads an Ed25519 key (public, or private; private only if want_private)
 * from a PEM file into *out; pub_hex is its raw public key. FX_EUSAGE
 * naming the file if it is not one. */
int fx_audit_load_pem(EVP_PKEY **out, char pub_hex[65], const char *path,
		      int want_private);

/* The hash of an event from its fields (docs/casedb.md, "Hash chain");
 * content is content_len bytes of canonical JSON. */
int fx_audit_event_hash(char out[FX_HASH_HEX], const char *prev,
			int64_t seq, const char *time, const char *actor,
			const char *host, const char *action,
			const char *content, size_t content_len);

/* 1 if sig_hex is key's signature of the event hash, else 0. */
int fx_audit_verify_sig(EVP_PKEY *key, const char *hash, const char *sig_hex);

/* ---- casedb_triggers.c ---- */

/* Compares the database's triggers with those schemas/case.sql creates
 * (name and text): 0 if they are the same; 1 with why naming the first
 * trigger that is missing, differs or is not the schema's; a negative
 * FX_E code if they could not be read. Reads only; inside the caller's
 * transaction if there is one. */
int fx_casedb_triggers_check(char *why, size_t why_size, fx_casedb *db);

/* The same, as a refusal to write: 0, or FX_ECORRUPT with the last error
 * naming the database and the trigger. */
int fx_casedb_triggers_require(fx_casedb *db);

/* Frees the handle's copy of the schema's triggers. */
void fx_casedb_triggers_free(fx_casedb *db);

/* ---- casedb_read.c ---- */

/* The liveness of a running acquisition's owner, as a note; sets *gone. */
void fx_casedb_owner_note(char *note, size_t note_size, int *gone,
			  const char *host, int64_t pid, const char *boot_id,
			  int64_t start_ticks, const char *this_host);

/* This process's boot id and start time in clock ticks (0 if unknown). */
void fx_casedb_self_identity(char boot_id[64], int64_t *start_ticks);

/* A stored hash value (column text, may be NULL) into a fixed field of
 * size bytes (fx_digests, fx_window_hash, fx_image_file): copied, or ""
 * when NULL or too long to be a hash of that field (a database edited
 * behind the library's back). */
void fx_casedb_hex_col(char *out, size_t size, const char *value);

/* An image hash row (algorithm "md5", "sha1", "sha256") into d, with
 * d->algs the algorithms that have a value. */
void fx_casedb_digest_col(fx_digests *d, const char *algo, const char *value);

#endif
