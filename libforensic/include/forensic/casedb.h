/**
 * @file casedb.h
 * The case database: cases, evidence items, acquisitions, image files,
 * hashes, verifications and chain-of-custody events in one SQLite file,
 * with a hash-chained, optionally Ed25519-signed, append-only audit log.
 *
 * Every change is written in one transaction together with its audit event,
 * whose content is the changed rows as stored (canonical JSON). See
 * docs/casedb.md for the schema, the chain and how to re-check it by hand.
 *
 * Threads and processes: a handle is used by one thread at a time; open one
 * handle per thread or process (never use a handle across fork()). Any number
 * of processes may write to one database at once; writers queue for up to the
 * busy timeout (30 s by default).
 *
 * Strings passed in are copied; they must be valid UTF-8. NULL means "not
 * known" and is stored as NULL. Strings in the *_info structs handed out are
 * owned by the library (see each function for how long they live).
 *
 * The facts an acquisition and a verification record have the types of
 * types.h, as the pipeline and the verifier produce them (fx_status,
 * fx_verdict, fx_source_info, fx_bad_range, fx_digests, fx_window_hash,
 * fx_image_file): a hash or a file's SHA-256 that is "" is not recorded,
 * and is read back as "".
 */
#ifndef FORENSIC_CASEDB_H
#define FORENSIC_CASEDB_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "forensic/acquire.h"
#include "forensic/common.h"
#include "forensic/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An open case database. */
typedef struct fx_casedb fx_casedb;

/** Options of fx_casedb_open(). */
typedef struct fx_casedb_options {
	unsigned int version;      /**< FX_CASEDB_OPTIONS_VERSION */
	/** Who acts: recorded in every audit event. NULL: the login name of
	 *  the effective user. */
	const char *actor;
	/** Host recorded in every audit event. NULL: gethostname(). */
	const char *host;
	/** PEM file with the examiner's Ed25519 private key. When set, every
	 *  audit event written through this handle is signed and the public
	 *  key is recorded in the database. NULL: events are not signed. */
	const char *sign_key_path;
	/** Nonzero: open for reading only; never creates, never migrates: a
	 *  database of an older schema version (1 on) is read as it is. */
	int read_only;
	/** How long a writer waits for another process, in ms. 0: 30000. */
	int busy_timeout_ms;
} fx_casedb_options;

#define FX_CASEDB_OPTIONS_VERSION 1
#define FX_CASEDB_OPTIONS_INIT { FX_CASEDB_OPTIONS_VERSION, NULL, NULL, NULL, 0, 0 }

/** An evidence item of a case. */
typedef struct fx_casedb_evidence {
	const char *evidence_number; /**< unique within its case; required */
	const char *description;
	const char *notes;
	const char *examiner;
	/** Identity of the source device as seen by the tool (an open
	 *  source's info, or one built from FX_SOURCE_INFO_INIT): vendor,
	 *  model, serial, wwid, size, sector sizes, removable, rotational,
	 *  is_block_device and hpa_dco are stored; a text that is NULL or ""
	 *  (not exposed) is stored as NULL, a number 0 or a flag FX_UNKNOWN
	 *  as NULL. */
	fx_source_info source;
} fx_casedb_evidence;

#define FX_CASEDB_EVIDENCE_INIT { NULL, NULL, NULL, NULL, FX_SOURCE_INFO_INIT }

/** What an acquisition records when it begins. */
typedef struct fx_casedb_acquisition {
	unsigned int version;          /**< FX_CASEDB_ACQUISITION_VERSION */
	const char *case_number;       /**< required; case made if new */
	/** The case's description, stored when the case is new. For a case
	 *  already recorded it must be NULL (not given) or equal to the
	 *  recorded one: a case's description is recorded once, so
	 *  fx_casedb_acquisition_begin() refuses a different one (also one
	 *  for a case recorded without) with FX_EEXISTS, writing nothing. */
	const char *case_description;
	/** Required evidence_number; the item is made if new (then its
	 *  description, notes, examiner and source identity are stored), else
	 *  re-used unchanged. source is also stored with the acquisition,
	 *  with its path, write_block_method and read-only states (ro_before:
	 *  before the tool acted; ro_after: the state it left in force). */
	fx_casedb_evidence evidence;
	const char *operator_name;     /**< NULL: the handle's actor */
	const char *host;              /**< NULL: the handle's host */
	const char *tool;
	const char *tool_version;
	const char *library_versions;
	const char *command_line;
	const char *parameters_json;   /**< valid JSON text or NULL */
	const char *format;            /**< "raw", "split-raw" or "e01" */
	const char *compression;
	uint64_t segment_size;         /**< 0: not segmented */
	uint32_t block_size;
	const char *start_utc;          /**< NULL: now */
	/** Version 2: the container files of a virtual-disk source
	 *  (fx_source_container_files, with each file's sha256 as the caller
	 *  hashed it, "" when not), the file named first; none for other
	 *  sources. Stored in source_files, in the acquisition's begin event
	 *  (acquisition.start). Read back: borrowed from the record. */
	const fx_container_file *source_files;
	size_t n_source_files;
} fx_casedb_acquisition;

#define FX_CASEDB_ACQUISITION_VERSION 2
#define FX_CASEDB_ACQUISITION_INIT { FX_CASEDB_ACQUISITION_VERSION, NULL, \
	NULL, FX_CASEDB_EVIDENCE_INIT, NULL, NULL, NULL, NULL, NULL, NULL, \
	NULL, NULL, NULL, 0, 0, NULL, NULL, 0 }

/** What an acquisition records when it ends (fx_casedb_result_from_run()
 *  builds it from the pipeline's result). */
typedef struct fx_casedb_result {
	unsigned int version;          /**< FX_CASEDB_RESULT_VERSION */
	fx_status status;              /**< anything but FX_STATUS_RUNNING */
	const char *end_utc;           /**< NULL: now */
	uint64_t bytes;                /**< bytes acquired */
	uint32_t sector_size;          /**< unit of the bad ranges */
	const fx_bad_range *bad;
	size_t n_bad;
	/** Whole-image hashes, lowercase (or uppercase, stored lowercase)
	 *  hex; "" when not computed (algs is not looked at). */
	fx_digests hashes;
	const fx_window_hash *windows;
	size_t n_windows;
	/** In segment order; a sha256 of "" is not recorded (not hashed). */
	const fx_image_file *files;
	size_t n_files;
	/** Version 2: why a failed or interrupted acquisition ended (NULL:
	 *  not said; ignored for a completed one). */
	const char *error;
} fx_casedb_result;

#define FX_CASEDB_RESULT_VERSION 2
#define FX_CASEDB_RESULT_INIT { FX_CASEDB_RESULT_VERSION, FX_STATUS_RUNNING, \
	NULL, 0, 0, NULL, 0, { 0, "", "", "" }, NULL, 0, NULL, 0, NULL }

/**
 * The case database's record of how the run r ended, for
 * fx_casedb_acquisition_finish(): status, bytes, sector size, unreadable
 * ranges, hashes, hash windows and error, the arrays borrowed from r (valid
 * while r is). The image files and the end time are the caller's to add
 * (out->files, out->end_utc: NULL is now), as is any later outcome it
 * records instead (e.g. FX_STATUS_FAILED with its own error when the run
 * cannot be recorded completely).
 */
FX_EXTERN void fx_casedb_result_from_run(fx_casedb_result *out,
					 const fx_acquire_result *r);

/** A re-check of an image against its record. */
typedef struct fx_casedb_verification {
	unsigned int version;          /**< FX_CASEDB_VERIFICATION_VERSION */
	int64_t evidence_id;           /**< 0: the acquisition's evidence */
	int64_t acquisition_id;        /**< 0: none */
	const char *time_utc;          /**< NULL: now */
	const char *actor;             /**< NULL: the handle's actor */
	const char *host;              /**< NULL: the handle's host */
	const char *tool;
	const char *tool_version;
	fx_verdict result;
	/** Hashes computed now ("" for those not computed). */
	fx_digests hashes;
	const fx_window_hash *windows;
	size_t n_windows;
	const char *findings;          /**< text or JSON */
} fx_casedb_verification;

#define FX_CASEDB_VERIFICATION_VERSION 1
#define FX_CASEDB_VERIFICATION_INIT { FX_CASEDB_VERIFICATION_VERSION, 0, 0, \
	NULL, NULL, NULL, NULL, NULL, 0, { 0, "", "", "" }, NULL, 0, NULL }

/** A hand-over of an evidence item. */
typedef struct fx_casedb_custody {
	unsigned int version;          /**< FX_CASEDB_CUSTODY_VERSION */
	int64_t evidence_id;
	const char *from_party;
	const char *to_party;          /**< required */
	const char *location;
	const char *reason;
	const char *time_utc;          /**< NULL: now */
	const char *actor;             /**< NULL: the handle's actor */
} fx_casedb_custody;

#define FX_CASEDB_CUSTODY_VERSION 1
#define FX_CASEDB_CUSTODY_INIT { FX_CASEDB_CUSTODY_VERSION, 0, NULL, NULL, \
	NULL, NULL, NULL, NULL }

/** An export of an acquisition's verified media as a virtual disk
 *  (fx_verify_export; schema 5). */
typedef struct fx_casedb_export {
	unsigned int version;          /**< FX_CASEDB_EXPORT_VERSION */
	int64_t acquisition_id;        /**< required: whose media */
	/** required: the verification of the read that wrote the export
	 *  (its verdict verified) */
	int64_t verification_id;
	const char *time_utc;          /**< NULL: now */
	const char *actor;             /**< NULL: the handle's actor */
	const char *host;              /**< NULL: the handle's host */
	const char *tool;
	const char *tool_version;
	const char *format;            /**< required: "raw", "vhd", "vmdk" */
	const char *path;              /**< required: where (as written) */
	uint64_t media_bytes;          /**< the media's size */
	/** The media's hashes as read (SHA-256 required; "" not computed). */
	fx_digests media;
	/** The files written, each with its size and SHA-256 (required). */
	const fx_image_file *files;
	size_t n_files;
} fx_casedb_export;

#define FX_CASEDB_EXPORT_VERSION 1
#define FX_CASEDB_EXPORT_INIT { FX_CASEDB_EXPORT_VERSION, 0, 0, NULL, NULL, \
	NULL, NULL, NULL, NULL, NULL, 0, { 0, "", "", "" }, NULL, 0 }

/** A case as read back. */
typedef struct fx_casedb_case_info {
	int64_t id;
	const char *case_number;
	const char *description;
	const char *created_utc;
} fx_casedb_case_info;

/** An evidence item as read back. */
typedef struct fx_casedb_evidence_info {
	int64_t id;
	int64_t case_id;
	const char *case_number;
	const char *created_utc;
	fx_casedb_evidence evidence;
} fx_casedb_evidence_info;

/** One destination of an acquisition written to several at once
 *  (acquire --copy; case database schema 4), and how it ended. */
typedef struct fx_casedb_image_set {
	unsigned int version;          /**< FX_CASEDB_IMAGE_SET_VERSION */
	/** 0: TARGET, whose files are the acquisition's (result.files, not
	 *  listed here); 1, 2, 3: the copies, in the order given. */
	unsigned int copy_number;
	const char *target;            /**< the destination, without extension */
	const char *format;            /**< "raw", "split-raw" or "e01" */
	fx_status status;              /**< anything but FX_STATUS_RUNNING */
	uint64_t bytes_written;        /**< bytes of media it holds */
	/** The first byte it could not write (FX_STATUS_FAILED there), or
	 *  UINT64_MAX (stored as NULL). */
	uint64_t failed_at;
	const char *error;             /**< why it failed; NULL: none */
	/** A copy's files in segment order (a sha256 of "": not hashed);
	 *  none for copy 0. */
	const fx_image_file *files;
	size_t n_files;
} fx_casedb_image_set;

#define FX_CASEDB_IMAGE_SET_VERSION 1
#define FX_CASEDB_IMAGE_SET_INIT { FX_CASEDB_IMAGE_SET_VERSION, 0, NULL, \
	NULL, FX_STATUS_RUNNING, 0, UINT64_MAX, NULL, NULL, 0 }

/** An acquisition as read back, with its files, hashes and bad ranges. */
typedef struct fx_casedb_acquisition_info {
	int64_t id;
	int64_t evidence_id;
	/** As begun. evidence.source is what this acquisition saw (its path,
	 *  write-block method and states included; kind FX_SOURCE_UNKNOWN and
	 *  is_partition FX_UNKNOWN: not recorded); the other evidence fields
	 *  are the evidence item's. */
	fx_casedb_acquisition rec;
	/** As finished (status FX_STATUS_RUNNING and zeros if not). A stored
	 *  hash too long for its fx_digests or fx_window_hash field (only a
	 *  database edited behind the library's back holds one) is read as
	 *  "". */
	fx_casedb_result result;
	/** What to believe: result.status, except that a row still running
	 *  whose process is gone (same host; process or boot changed) is
	 *  FX_STATUS_INTERRUPTED. */
	fx_status status;
	/** Why status differs from result.status, or who runs it, or why a
	 *  finished run failed or was interrupted (result.error); NULL if
	 *  none. E.g. "interrupted (never finished): process 4711 on host
	 *  lab1 is gone". */
	const char *status_note;
	const char *owner_host;
	int64_t owner_pid;
	/** Schema 4: the image sets of a run with copies, by copy number
	 *  (none for a run without copies, or an older database); owned by
	 *  the info. Allocated by the library, so it grows at the end. */
	const fx_casedb_image_set *image_sets;
	size_t n_image_sets;
} fx_casedb_acquisition_info;

/** A verification as read back. */
typedef struct fx_casedb_verification_info {
	int64_t id;
	fx_casedb_verification rec;
} fx_casedb_verification_info;

/** A custody event as read back. */
typedef struct fx_casedb_custody_info {
	int64_t id;
	fx_casedb_custody rec;
} fx_casedb_custody_info;

/** An export as read back; evidence_id is its acquisition's evidence. */
typedef struct fx_casedb_export_info {
	int64_t id;
	int64_t evidence_id;
	fx_casedb_export rec;
} fx_casedb_export_info;

/** Options of fx_casedb_audit_check().
 *
 *  Whatever the options, once the chain holds a key.register event every
 *  later event must be signed by a key the chain registered before it (or,
 *  for a key.register, by the key it registers), and every key.register
 *  must carry its self-signature. The options add checks that need
 *  something from outside the database.
 *
 *  Trusted keys: every key given in trusted_key_path, trusted_key_hex and
 *  (version 3) the two lists is trusted, a key ring: each signed event
 *  must be signed with one of them (a chain signed by two examiners is
 *  checked with both their keys), and an unsigned chain is a failure.
 *  None given: the keys the database records are used (then a chain
 *  re-signed with a forger's key would pass, and
 *  fx_casedb_audit_describe() says so). */
typedef struct fx_casedb_audit_options {
	unsigned int version;          /**< FX_CASEDB_AUDIT_OPTIONS_VERSION */
	/** PEM file with a trusted Ed25519 key (public, or private); NULL:
	 *  none. */
	const char *trusted_key_path;
	/** A trusted key as 64 hex digits of the raw public key; NULL: none. */
	const char *trusted_key_hex;
	/** Nonzero: every event must be signed, the first one included. */
	int require_signed;
	/** Version 2: when *cancel becomes nonzero (a signal handler sets
	 *  it), the check stops between events with FX_EINTR. NULL: never. */
	volatile sig_atomic_t *cancel;
	/** Version 3: more trusted keys, as PEM files (n_trusted_key_paths
	 *  of them; NULL with 0: none). */
	const char *const *trusted_key_paths;
	size_t n_trusted_key_paths;
	/** Version 3: more trusted keys, as 64 hex digits each. */
	const char *const *trusted_keys_hex;
	size_t n_trusted_keys_hex;
} fx_casedb_audit_options;

/** Version 2: cancel, and the report's fields from trust on are filled (a
 *  version 1 caller's report is filled up to reason only). Version 3:
 *  the lists of trusted keys (the report is the same as version 2's). */
#define FX_CASEDB_AUDIT_OPTIONS_VERSION 3
#define FX_CASEDB_AUDIT_OPTIONS_INIT { FX_CASEDB_AUDIT_OPTIONS_VERSION, NULL, \
	NULL, 0, NULL, NULL, 0, NULL, 0 }

/** Who the signatures of an intact chain show wrote it. */
typedef enum fx_casedb_audit_trust {
	/** No event is signed: the chain shows the log is consistent, not
	 *  who wrote it (it may have been rewritten whole, or stripped of its
	 *  signatures and re-chained). */
	FX_CASEDB_TRUST_UNSIGNED = 0,
	/** Signed, and every signature verifies, but with keys recorded in
	 *  the database itself: no trusted key was given, so a chain
	 *  re-signed with a forger's own key would pass too. */
	FX_CASEDB_TRUST_RECORDED_KEYS = 1,
	/** Signed, and every signature is a trusted key's (the trusted
	 *  key's, when one was given). */
	FX_CASEDB_TRUST_TRUSTED_KEY = 2
} fx_casedb_audit_trust;

/** What fx_casedb_audit_check() found. */
typedef struct fx_casedb_audit_report {
	int intact;              /**< 1: chain, records and triggers check */
	uint64_t events;         /**< events walked */
	uint64_t signed_events;  /**< events whose signature verified */
	char head_hash[65];      /**< hash of the last event ("" if none) */
	/** First event that does not fit, 0 if intact or if the fault is not
	 *  one event's (then reason names the table or the trigger). */
	int64_t first_bad_seq;
	/** E.g. "event 17: hash does not match its content"; "" if intact.
	 *  The first finding: the chain's, else the row counts', else the
	 *  triggers'. */
	char reason[512];
	/* ---- version 2 ---- */
	/** Who the signatures show wrote the chain (meaningful if intact). */
	fx_casedb_audit_trust trust;
	/** The first signed event (the signatures cover it and, through the
	 *  chain, every event before it); 0 if none is signed. */
	int64_t first_signed_seq;
	/** Distinct keys whose signatures verified. */
	uint64_t keys_used;
	/** The one key whose signatures verified when keys_used is 1, 64 hex
	 *  digits; else "". */
	char key_hex[65];
	/** The trusted key the check was given, 64 hex digits; "" if none.
	 *  Of several (a key ring), the first: trusted_key_path, then
	 *  trusted_key_hex, then the lists in their order. */
	char trusted_key[65];
	/** "" if the database's triggers are exactly the schema's; else the
	 *  first difference, e.g. "append-only trigger audit_log_no_update is
	 *  missing" (also when reason names an earlier finding). */
	char triggers[256];
} fx_casedb_audit_report;

/** Called once per row by the list functions; the record is borrowed for
 *  the call only. Return 0 to go on, anything else to stop (the list
 *  function then returns that value). */
typedef int (*fx_casedb_case_cb)(const fx_casedb_case_info *c, void *payload);
typedef int (*fx_casedb_evidence_cb)(const fx_casedb_evidence_info *e,
				     void *payload);
typedef int (*fx_casedb_acquisition_cb)(const fx_casedb_acquisition_info *a,
					void *payload);
typedef int (*fx_casedb_custody_cb)(const fx_casedb_custody_info *c,
				    void *payload);
typedef int (*fx_casedb_export_cb)(const fx_casedb_export_info *e,
				   void *payload);

/**
 * Opens the case database at path, creating it (with the current schema) if
 * the file does not exist or is empty, and migrating an older schema
 * (unless opts->read_only: then it is read as it is).
 * path may also be a PostgreSQL connection URI (postgresql://... or
 * postgres://...; libpq's PG* environment variables fill what it leaves
 * out): a lab ledger, never created here (fx_casedb_ledger_init) and
 * refused (FX_ECORRUPT) while it has no schema. Messages name it without
 * its password (fx_casedb_location_name).
 * Refuses, without changing a byte of the file: a file that is not a case
 * database (FX_ECORRUPT), a database from a newer schema (FX_EVERSION), a
 * read-only file unless opts->read_only (FX_ERROR); for writing, also a
 * database whose append-only triggers are not the schema's (FX_ECORRUPT)
 * and a signed one without a signing key (FX_EUSAGE), whatever its
 * version: these come before any migration, whose events are signed with
 * the key. A signing key that cannot be loaded is FX_EUSAGE. opts may be
 * NULL.
 * On success *out is a new handle for fx_casedb_free().
 */
FX_EXTERN int fx_casedb_open(fx_casedb **out, const char *path,
			     const fx_casedb_options *opts);

/** Closes the handle. NULL is fine. */
FX_EXTERN void fx_casedb_free(fx_casedb *db);

/**
 * Sets up a fresh lab ledger in the PostgreSQL database uri names, as its
 * administrator (a superuser or a role with CREATEROLE that may create in
 * the database): the roles of schemas/postgresql/roles.sql (fx_ledger_admin,
 * fx_station), then, as fx_ledger_admin, the schema of
 * schemas/postgresql/schema.sql with its schema.create audit event (signed
 * if opts->sign_key_path), in one transaction. A database that already has
 * tables is refused (FX_EEXISTS) and left as it is. opts may be NULL.
 */
FX_EXTERN int fx_casedb_ledger_init(const char *uri,
				    const fx_casedb_options *opts);

/**
 * The name messages give a case database: location as given, less the
 * password of a connection URI (user:password@ becomes user@, and a
 * password=... parameter is left out). Always NUL-terminated.
 */
FX_EXTERN void fx_casedb_location_name(char *out, size_t size,
				       const char *location);

/** 1 if location is a PostgreSQL connection URI, 0 if a file path. */
FX_EXTERN int fx_casedb_location_is_uri(const char *location);

/** The schema version this library writes (PRAGMA user_version). */
FX_EXTERN int fx_casedb_schema_version(void);

/**
 * Finds or makes the case case_number. A new case gets description and a
 * case.create audit event; an existing one is returned unchanged.
 * *out is the case id.
 */
FX_EXTERN int fx_casedb_case_ensure(int64_t *out, fx_casedb *db,
				    const char *case_number,
				    const char *description);

/**
 * Finds or makes the evidence item ev->evidence_number of case case_id.
 * Evidence numbers are unique within a case (the same number in two cases
 * is two items). An existing item is returned unchanged, its stored fields
 * win over ev's; a new one gets an evidence.create audit event. Unknown
 * case_id: FX_ENOTFOUND.
 */
FX_EXTERN int fx_casedb_evidence_ensure(int64_t *out, fx_casedb *db,
					int64_t case_id,
					const fx_casedb_evidence *ev);

/**
 * Records the start of an acquisition, in one durable transaction: the case
 * and the evidence item (made if new, as by the ensure functions) and the
 * acquisition row with status running, owned by this process.
 * *out is the acquisition id for fx_casedb_acquisition_finish().
 * FX_EEXISTS: rec->case_description differs from the recorded case's
 * (nothing is written).
 */
FX_EXTERN int fx_casedb_acquisition_begin(int64_t *out, fx_casedb *db,
					  const fx_casedb_acquisition *rec);

/**
 * Records the end of acquisition acq_id in one transaction: status, end
 * time, bytes, bad sector ranges, hashes (whole image and windows) and image
 * files, with one acquisition.finish audit event. Only a running acquisition
 * can be finished, once (else FX_EEXISTS); any process may finish one, e.g.
 * to mark a dead one FX_STATUS_INTERRUPTED.
 */
FX_EXTERN int fx_casedb_acquisition_finish(fx_casedb *db, int64_t acq_id,
					   const fx_casedb_result *result);

/**
 * Records one image set of finished acquisition acq_id (acquire --copy):
 * one row, a copy's files, and one image_set.record audit event, in one
 * transaction; *out is its id. A copy number is recorded once per
 * acquisition (FX_EEXISTS); a running or unknown acquisition is refused
 * (FX_EUSAGE, FX_ENOTFOUND), as are files for copy 0 (TARGET's are the
 * acquisition's).
 */
FX_EXTERN int fx_casedb_image_set_add(int64_t *out, fx_casedb *db,
				      int64_t acq_id,
				      const fx_casedb_image_set *set);

/** Records a verification and the hashes it computed; *out is its id. */
FX_EXTERN int fx_casedb_verification_record(int64_t *out, fx_casedb *db,
					    const fx_casedb_verification *v);

/** Records a chain-of-custody hand-over; *out is its id. */
FX_EXTERN int fx_casedb_custody_record(int64_t *out, fx_casedb *db,
				       const fx_casedb_custody *c);

/**
 * Records an export (an export.record audit event with the export and
 * its files); *out is its id. The acquisition and the verification must
 * exist, the verification must be of that acquisition and have verified
 * (else FX_EUSAGE); the format must be raw, vhd or vmdk, and every file
 * must have a path and a SHA-256.
 */
FX_EXTERN int fx_casedb_export_record(int64_t *out, fx_casedb *db,
				      const fx_casedb_export *e);

/** *out = id of case case_number, or FX_ENOTFOUND. */
FX_EXTERN int fx_casedb_case_find(int64_t *out, fx_casedb *db,
				  const char *case_number);

/** *out = id of evidence item evidence_number of case case_number, or
 *  FX_ENOTFOUND. */
FX_EXTERN int fx_casedb_evidence_find(int64_t *out, fx_casedb *db,
				      const char *case_number,
				      const char *evidence_number);

/**
 * *out = id of the acquisition that wrote image file path (the latest one if
 * several did), or FX_ENOTFOUND. path is compared as stored, then as its
 * realpath(). The files of its copies (image sets, schema 4) count too.
 */
FX_EXTERN int fx_casedb_acquisition_find_by_file(int64_t *out, fx_casedb *db,
						 const char *path);

/** Reads acquisition acq_id with everything it recorded. *out is freed with
 *  fx_casedb_acquisition_info_free(). Unknown id: FX_ENOTFOUND. */
FX_EXTERN int fx_casedb_acquisition_get(fx_casedb_acquisition_info **out,
					fx_casedb *db, int64_t acq_id);

/** Frees what fx_casedb_acquisition_get() gave. NULL is fine. */
FX_EXTERN void fx_casedb_acquisition_info_free(fx_casedb_acquisition_info *a);

/** Reads the latest verification of acquisition acq_id, with the hashes it
 *  computed, or FX_ENOTFOUND. Free with
 *  fx_casedb_verification_info_free(). */
FX_EXTERN int fx_casedb_verification_last(fx_casedb_verification_info **out,
					  fx_casedb *db, int64_t acq_id);

/** Frees what fx_casedb_verification_last() gave. NULL is fine. */
FX_EXTERN void fx_casedb_verification_info_free(
	fx_casedb_verification_info *v);

/** Calls cb for every case, by id. */
FX_EXTERN int fx_casedb_case_list(fx_casedb *db, fx_casedb_case_cb cb,
				  void *payload);

/** Calls cb for every evidence item of case case_id (0: of all), by id. */
FX_EXTERN int fx_casedb_evidence_list(fx_casedb *db, int64_t case_id,
				      fx_casedb_evidence_cb cb, void *payload);

/** Calls cb for every acquisition of evidence evidence_id (0: of all), by
 *  id, each read as by fx_casedb_acquisition_get(). */
FX_EXTERN int fx_casedb_acquisition_list(fx_casedb *db, int64_t evidence_id,
					 fx_casedb_acquisition_cb cb,
					 void *payload);

/** Calls cb for every custody event of evidence evidence_id, by id. */
FX_EXTERN int fx_casedb_custody_list(fx_casedb *db, int64_t evidence_id,
				     fx_casedb_custody_cb cb, void *payload);

/** Calls cb for every export of evidence evidence_id (0: of all), by id,
 *  with its files. A database older than schema 5 has none. */
FX_EXTERN int fx_casedb_export_list(fx_casedb *db, int64_t evidence_id,
				    fx_casedb_export_cb cb, void *payload);

/**
 * Walks the audit log from the first event and checks that each event
 * follows the one before (sequence, prev_hash), that its hash matches its
 * fields, that its content is canonical JSON and matches the records it
 * describes, its signature (see fx_casedb_audit_options for which events
 * must be signed, and by which key), that no record exists that no event
 * accounts for, and that the append-only triggers are the schema's (none
 * missing, altered or added). Reads one consistent snapshot. Time is
 * linear in events and records; memory is about the largest event's
 * content.
 * Returns 0 if intact, FX_ECORRUPT if not (out->reason and the last error
 * name the first finding), FX_EINTR if cancelled, another code if the
 * check could not be made (FX_EUSAGE: e.g. a trusted key that cannot be
 * read). opts may be NULL: the defaults.
 */
FX_EXTERN int fx_casedb_audit_check(fx_casedb_audit_report *out,
				    fx_casedb *db,
				    const fx_casedb_audit_options *opts);

/**
 * What an intact chain's check covered and what it cannot show, as text
 * for people (the tools and the reports use these words): checked is a
 * clause list starting in lowercase ("every event's sequence, ..."),
 * not_checked one or more sentences ("The chain is unsigned: ..."). Both
 * are cut to their sizes; rep must come from a version 2 check.
 */
FX_EXTERN void fx_casedb_audit_describe(char *checked, size_t checked_size,
					char *not_checked,
					size_t not_checked_size,
					const fx_casedb_audit_report *rep);

/** "unsigned", "recorded_keys", "trusted_key"; "?" for other values.
 *  Static. */
FX_EXTERN const char *fx_casedb_audit_trust_name(fx_casedb_audit_trust t);

/* ==== Reading for reports (casedb_report_read.c) ====================== */

/** Called once per verification by fx_casedb_verification_list(); the
 *  record (and its hashes and windows) is borrowed for the call only.
 *  Return 0 to go on, anything else to stop. */
typedef int (*fx_casedb_verification_cb)(const fx_casedb_verification_info *v,
					 void *payload);

/** Calls cb for every verification of evidence item evidence_id (0: of
 *  all), by id, each with the hashes and windows it computed. One read
 *  snapshot. */
FX_EXTERN int fx_casedb_verification_list(fx_casedb *db, int64_t evidence_id,
					  fx_casedb_verification_cb cb,
					  void *payload);

/** A key recorded as having signed audit events. */
typedef struct fx_casedb_key_info {
	int64_t id;
	const char *algorithm;       /**< "ed25519" */
	const char *public_key;      /**< raw public key, 64 hex digits */
	const char *registered_utc;
} fx_casedb_key_info;

typedef int (*fx_casedb_key_cb)(const fx_casedb_key_info *k, void *payload);

/** Calls cb for every recorded signing key, by id (borrowed for the call). */
FX_EXTERN int fx_casedb_signing_key_list(fx_casedb *db, fx_casedb_key_cb cb,
					 void *payload);

/** The newest audit event as stored, read without checking anything (the
 *  head fx_casedb_audit_check() reports is empty when the chain is broken;
 *  this says what the log holds regardless). */
typedef struct fx_casedb_audit_head {
	uint64_t events;     /**< rows in the audit log */
	int64_t last_seq;    /**< seq of the newest event; 0 if none */
	char hash[65];       /**< its hash as stored ("" if none) */
	char time_utc[40];   /**< its time as stored ("" if none) */
} fx_casedb_audit_head;

/** Fills *out from one read snapshot of the audit log. */
FX_EXTERN int fx_casedb_audit_head_get(fx_casedb_audit_head *out,
				       fx_casedb *db);

/* ==== Anchors: RFC 3161 time-stamps of the chain's head (anchor.c) ===== */

/** Where to get a time-stamp and how to trust it. */
typedef struct fx_casedb_anchor_options {
	unsigned int version;      /**< FX_CASEDB_ANCHOR_OPTIONS_VERSION */
	/** The TSA: http:// or https:// URL taking application/
	 *  timestamp-query by POST. Required by fx_casedb_anchor(). */
	const char *tsa_url;
	/** PEM file with the CA certificate(s) the TSA's signature must chain
	 *  to. NULL: fx_casedb_anchor() stores a token after checking only its
	 *  imprint and nonce; fx_casedb_anchor_check() reports every token's
	 *  signature as not checked. */
	const char *ca_file;
	/** PEM file with more (untrusted) certificates to build the chain
	 *  with, for a TSA that does not send its own; NULL: none. */
	const char *untrusted_file;
	/** Seconds to wait for the TSA; 0: 30. */
	unsigned int timeout_s;
} fx_casedb_anchor_options;

#define FX_CASEDB_ANCHOR_OPTIONS_VERSION 1
#define FX_CASEDB_ANCHOR_OPTIONS_INIT { FX_CASEDB_ANCHOR_OPTIONS_VERSION, \
	NULL, NULL, NULL, 0 }

/** What fx_casedb_anchor_check() found for one anchor. */
typedef enum fx_casedb_anchor_state {
	/** Signature, certificate chain, imprint and time check, and the
	 *  anchored event is still in the chain with the anchored hash. */
	FX_ANCHOR_VERIFIED = 0,
	/** Imprint, time and anchored event check, but no CA was given: the
	 *  TSA's signature was not checked (never reported as passed). */
	FX_ANCHOR_NOT_CHECKED = 1,
	/** The TSA was asked and gave no token (the row says why). */
	FX_ANCHOR_MISSING = 2,
	/** The token is refused (signature, chain, imprint, time). */
	FX_ANCHOR_BAD_TOKEN = 3,
	/** The anchored event is gone or has another hash now: the chain was
	 *  cut or rewritten after the time-stamp. */
	FX_ANCHOR_HEAD_GONE = 4
} fx_casedb_anchor_state;

/** One anchor, as stored, and (from fx_casedb_anchor_check()) what its
 *  check found. */
typedef struct fx_casedb_anchor_info {
	int64_t id;
	int64_t seq;                /**< the anchored event */
	char head_hash[65];         /**< its hash when anchored */
	char tsa_url[1024];
	int stamped;                /**< 1: a token is stored */
	char error[512];            /**< why not, if not stamped */
	char token_sha256[65];      /**< SHA-256 of the stored reply, or "" */
	char token_time_utc[40];    /**< genTime of the token, or "" */
	char requested_utc[40];
	fx_casedb_anchor_state state; /**< fx_casedb_anchor_check() only */
	char finding[512];          /**< fx_casedb_anchor_check(): why, or "" */
} fx_casedb_anchor_info;

typedef int (*fx_casedb_anchor_cb)(const fx_casedb_anchor_info *a,
				   void *payload);

/**
 * Time-stamps the head of the audit chain: reads the newest event (seq N,
 * hash H), sends the TSA a TimeStampReq for SHA-256 of the 64+ bytes
 * "libforensic-anchor v1 seq=N hash=H" (no newline; docs/casedb.md,
 * "Anchors"), with a random 64-bit nonce and certReq, and stores the
 * reply (the whole TimeStampResp, DER) in the anchors table after checking
 * that it grants, answers this nonce and this imprint (and, with
 * opts->ca_file, that its signature chains to that CA).
 * When the TSA cannot be reached, refuses, or answers wrongly, a 'failed'
 * row records its URL and why, out->error says the same and the return is
 * FX_EIO; the chain is not touched either way. *out is filled in both
 * cases. An empty chain: FX_ENOTFOUND, nothing written.
 */
FX_EXTERN int fx_casedb_anchor(fx_casedb_anchor_info *out, fx_casedb *db,
			       const fx_casedb_anchor_options *opts);

/**
 * Checks every stored anchor, by id, and calls cb with each (borrowed for
 * the call): a stamped one's token (with opts->ca_file: the signature and
 * certificate chain, by OpenSSL's TS verifier; always: the imprint is the
 * row's head, the token's time is the row's), and that event seq is still
 * in the audit log with head_hash. opts may be NULL (no CA: signatures not
 * checked). *out_bad (if not NULL) counts anchors that are
 * FX_ANCHOR_BAD_TOKEN or FX_ANCHOR_HEAD_GONE. Returns 0 when the check
 * was made (whatever it found), or what cb returned, or an error.
 */
FX_EXTERN int fx_casedb_anchor_check(uint64_t *out_bad, fx_casedb *db,
				     const fx_casedb_anchor_options *opts,
				     fx_casedb_anchor_cb cb, void *payload);

/** "verified", "not_checked", "missing", "bad_token", "head_gone"; "?".
 *  Static. */
FX_EXTERN const char *fx_casedb_anchor_state_name(fx_casedb_anchor_state s);

/** Writes the imprint text of head (seq, hash) into out (size >= 128):
 *  "libforensic-anchor v1 seq=N hash=H". */
FX_EXTERN void fx_casedb_anchor_text(char *out, size_t size, int64_t seq,
				     const char *hash);

/** A durable checkpoint of a running acquisition (acquire --resume): the
 *  image at target holds media [0, offset) on storage. */
typedef struct fx_casedb_checkpoint {
	unsigned version;
	const char *target;             /**< the image's TARGET, absolute */
	uint64_t offset;                /**< bytes durable in the image */
	fx_digests digests;             /**< of media [0, offset) */
	const fx_bad_range *bad;        /**< unreadable ranges below offset */
	size_t n_bad;
	/** SHA-256 of the source's first and last MiB ("" if unreadable):
	 *  with its size, model and serial, what names the source. */
	const char *source_head_sha256, *source_tail_sha256;
	const char *note;               /**< e.g. why the run stopped; NULL */
} fx_casedb_checkpoint;

#define FX_CASEDB_CHECKPOINT_VERSION 1

/** A checkpoint as read back; texts and ranges owned by it. */
typedef struct fx_casedb_checkpoint_info {
	int64_t acquisition_id;
	fx_casedb_checkpoint cp;
	char time_utc[40];
	char target[4096], head[65], tail[65], note[512];
	fx_bad_range *bad_owned;
} fx_casedb_checkpoint_info;

/** A resume of an acquisition as read back (borrowed for the callback). */
typedef struct fx_casedb_resume_info {
	const char *time_utc, *actor, *host;
	uint64_t from_byte;
	int64_t acquisition_id;         /**< the acquisition resumed */
} fx_casedb_resume_info;

typedef int (*fx_casedb_resume_cb)(const fx_casedb_resume_info *r,
				   void *payload);

/**
 * Records a checkpoint of running acquisition acq_id as an
 * acquisition.checkpoint audit event (docs/casedb.md): append-only,
 * chained and signed like every event. FX_EEXISTS when the acquisition is
 * finished, FX_ENOTFOUND when there is none.
 */
FX_EXTERN int fx_casedb_checkpoint_record(fx_casedb *db, int64_t acq_id,
					  const fx_casedb_checkpoint *cp);

/** The newest checkpoint recorded for the image at target (FX_ENOTFOUND
 *  when none); free with fx_casedb_checkpoint_info_free. */
FX_EXTERN int fx_casedb_checkpoint_last(fx_casedb_checkpoint_info **out,
					fx_casedb *db, const char *target);
/** The newest checkpoint of acquisition acq_id for target whose offset is
 *  at most max_offset (an E01 resume: the latest one libewf's resume point
 *  covers); FX_ENOTFOUND when none. Free with
 *  fx_casedb_checkpoint_info_free. */
FX_EXTERN int fx_casedb_checkpoint_at_most(fx_casedb_checkpoint_info **out,
					   fx_casedb *db, const char *target,
					   int64_t acq_id, uint64_t max_offset);
FX_EXTERN void fx_casedb_checkpoint_info_free(fx_casedb_checkpoint_info *ci);

/** Records that this process resumes running acquisition acq_id from
 *  from_byte (an acquisition.resume audit event: when, by whom, on which
 *  host, which process). */
FX_EXTERN int fx_casedb_acquisition_resume(fx_casedb *db, int64_t acq_id,
					   uint64_t from_byte);

/** Calls cb for each resume of acq_id (0: of every acquisition, in one
 *  pass), oldest first, read by one statement (one snapshot). */
FX_EXTERN int fx_casedb_resume_list(fx_casedb *db, int64_t acq_id,
				    fx_casedb_resume_cb cb, void *payload);


/** The path db was opened with. Borrowed; valid until fx_casedb_free(). */
FX_EXTERN const char *fx_casedb_path(const fx_casedb *db);

#ifdef __cplusplus
}
#endif
#endif
