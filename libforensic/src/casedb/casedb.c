/*
 * Case database: opening, schema creation and migration, transactions,
 * and the helpers the other casedb modules share.
 *
 * One database per lab (or per case) that several acquire and verify
 * processes use at once, reached through the storage interface (store.h;
 * SQLite in store_sqlite.c). Durability and a linear audit chain matter
 * more than write speed, so the store is made durable at open, and every
 * write is a transaction that takes the write lock at once, so that the
 * writer reads the head of the audit chain and appends to it under the
 * same lock. Writers wait for each other up to the busy timeout.
 *
 * Opening never changes a file it refuses: the checks that can refuse (is it
 * a case database, which schema version, is it writable, are its
 * append-only triggers the schema's, does a signed log have a signing key
 * to go on with) are reads, made before anything writes (WAL mode,
 * migrations, the signing key record). A migration is a write like any
 * other: it adds a schema.migrate event, which must be signed when the
 * log is, so a writer that would have to refuse later is refused before
 * it migrates, and the checks are made again under the write lock that
 * the migration holds. The triggers are checked again in every write
 * transaction (casedb_triggers.c).
 *
 * A reader never migrates: it reads a database of any version this
 * library knows (1 to the current one) as it is, so that checking a
 * database never changes it. The handle keeps the version, and the reads
 * that differ between versions choose their SELECT by it.
 *
 * Schema versions: schemas/case.sql is the whole current schema and sets
 * PRAGMA user_version; schemas/case_migrate_<N>.sql brings version N-1 to N.
 * fx_migrations lists them (one line per file); a test checks that every
 * file in schemas/ is listed.
 *
 * A PostgreSQL ledger (store_pg.c) is opened the same way, but never
 * created or migrated by opening it: its stations may only SELECT and
 * INSERT, so its administrator sets it up once (fx_casedb_ledger_init:
 * schemas/postgresql/roles.sql, then schema.sql as the owner role), and a
 * ledger without the schema is refused at open, before anything else is
 * done.
 *
 * Threading: a handle is used by one thread at a time (it holds its
 * statement state and the caller's transaction); separate handles are
 * independent. Nothing here is global but constant tables.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "casedb/casedb_int.h"
#include "base/error.h"
#include "base/hex.h"
#include "base/utf8.h"
#include "fx_schemas.h"

#define FX_CASEDB_APPLICATION_ID 0x46584344 /* "FXCD", set by case.sql */
#define FX_CASEDB_BUSY_MS 30000

/* Migrations, in order: the SQL that brings version to-1 to version to. */
static const struct fx_migration {
	int to;
	const char *sql;
} fx_migrations[] = {
	{ 2, fx_schema_case_migrate_2 }, /* verdict 'interrupted' */
	{ 3, fx_schema_case_migrate_3 }, /* acquisitions.error */
	{ 4, fx_schema_case_migrate_4 }, /* image_sets: copies */
	{ 5, fx_schema_case_migrate_5 }, /* exports, export_files; optical,
						 allocated_bytes; anchors;
						 source_files */
	{ 0, NULL }
};

int fx_casedb_schema_version(void)
{
	int n = 0;

	while (fx_migrations[n].sql)
		n++;
	return 1 + n;
}

int fx_casedb_find_id(int64_t *out, fx_casedb *db, const char *sql,
		      const char *a, const char *b, int64_t n)
{
	fx_stmt *st = NULL;
	int rc, step;

	rc = fx_store_prepare(&st, db->store, sql);
	if (rc)
		goto done;
	fx_stmt_bind_text(st, 1, a);
	fx_stmt_bind_text(st, 2, b);
	fx_stmt_bind_int(st, 3, n);
	step = fx_stmt_step(st);
	if (step == FX_STORE_ROW)
		*out = fx_stmt_int(st, 0);
	else if (step == FX_STORE_DONE)
		rc = FX_ENOTFOUND;
	else
		rc = fx_store_error(db->store, "look up");
done:
	fx_stmt_free(st);
	return rc;
}

void fx_casedb_sys_host(char out[256])
{
	out[0] = '\0';
	if (gethostname(out, 255) != 0 || !out[0])
		strcpy(out, "unknown");
	out[255] = '\0';
}

/* BEGIN IMMEDIATE: the write lock, waiting up to the busy timeout. */
static int write_lock(fx_casedb *db)
{
	if (db->read_only)
		return fx_error_set(FX_EUSAGE, "case database %s: opened "
				    "read-only", db->path);
	if (fx_store_begin(db->store, 1) != 0)
		return fx_store_error(db->store, "begin write transaction");
	return 0;
}

/* Once a key is registered, the audit check requires every later event to
 * be signed; a handle without a key would write events that break the
 * chain, so it is refused instead. */
static int signed_needs_key(fx_casedb *db)
{
	fx_stmt *st = NULL;
	int rc, step;

	if (db->sign_key)
		return 0;
	rc = fx_store_prepare(&st, db->store, "SELECT public_key FROM "
			      "signing_keys ORDER BY id LIMIT 1");
	if (rc)
		return rc;
	step = fx_stmt_step(st);
	if (step == FX_STORE_ROW)
		rc = fx_error_set(FX_EUSAGE, "%s: its audit log is signed "
				  "(key %.16s...), so every later event must "
				  "be signed too; open it with a signing key",
				  db->path, fx_stmt_text(st, 0));
	else if (step != FX_STORE_DONE)
		rc = fx_store_error(db->store, "read the signing keys");
	fx_stmt_free(st);
	return rc;
}

/* What a writer must find before it writes: the schema's append-only
 * triggers, and a signing key if the log is signed. */
static int write_allowed(fx_casedb *db)
{
	int rc = fx_casedb_triggers_require(db);

	return rc ? rc : signed_needs_key(db);
}

/* Under the write lock, the checks are made again: the triggers may have
 * been dropped (or a key registered) since the handle was opened, and
 * nobody can change them between this check and the commit. */
int fx_casedb_tx_begin(fx_casedb *db)
{
	int rc = write_lock(db);

	if (!rc && (rc = write_allowed(db)) != 0)
		fx_casedb_tx_rollback(db);
	return rc;
}

int fx_casedb_read_begin(fx_casedb *db)
{
	if (fx_store_begin(db->store, 0) != 0)
		return fx_store_error(db->store, "begin read transaction");
	return 0;
}

int fx_casedb_tx_commit(fx_casedb *db)
{
	if (fx_store_commit(db->store) != 0)
		return fx_store_error(db->store, "commit");
	return 0;
}

void fx_casedb_tx_rollback(fx_casedb *db)
{
	fx_store_rollback(db->store);
}

int fx_casedb_bind_text(fx_casedb *db, fx_stmt *st, int i, const char *s)
{
	if (s && fx_utf8_check(s, strlen(s)) != 0)
		return fx_error_set(FX_EUSAGE, "case database %s: text \"%.60s\" "
				    "is not valid UTF-8", db->path, s);
	return fx_stmt_bind_text(st, i, s) ? fx_store_error(db->store, "bind")
					   : 0;
}

/* The SQL names a parameter ?i (every statement numbers them). */
int fx_casedb_bind_u64(fx_casedb *db, fx_stmt *st, int i, uint64_t v,
		       int zero_is_null)
{
	int rc;

	if (v > (uint64_t)INT64_MAX)
		return fx_error_set(FX_EUSAGE, "case database %s: ?%d %llu is "
				    "too large", db->path, i,
				    (unsigned long long)v);
	rc = (v == 0 && zero_is_null) ? fx_stmt_bind_null(st, i)
				      : fx_stmt_bind_int(st, i, (int64_t)v);
	return rc ? fx_store_error(db->store, "bind") : 0;
}

int fx_casedb_bind_flag(fx_casedb *db, fx_stmt *st, int i, int flag)
{
	int rc = flag < 0 ? fx_stmt_bind_null(st, i)
			  : fx_stmt_bind_int(st, i, flag ? 1 : 0);

	return rc ? fx_store_error(db->store, "bind") : 0;
}

int fx_casedb_time_arg(char out[FX_TIME_MAX], const char *t,
		       const char *field)
{
	if (!t) {
		fx_utc_now(out, FX_TIME_MAX, FX_UTC_MICRO);
		return 0;
	}
	if (!fx_utc_valid(t))
		return fx_error_set(FX_EUSAGE, "%s \"%.40s\" is not a UTC time "
				    "like 2026-11-24T21:36:44Z or "
				    "2026-11-24T21:36:44.123456Z", field, t);
	memcpy(out, t, strlen(t) + 1);
	return 0;
}

int fx_casedb_hex_arg(char *out, const char *in, size_t want,
		      const char *what)
{
	out[0] = '\0';
	if (in && fx_hex_normalize(out, in, want) != 0)
		return fx_error_set(FX_EUSAGE, "%s \"%.140s\" is not %zu hex "
				    "digits", what, in, want);
	return 0;
}

int fx_casedb_query_int(int64_t *out, fx_casedb *db, const char *sql)
{
	fx_stmt *st = NULL;
	int rc;

	rc = fx_store_prepare(&st, db->store, sql);
	if (rc)
		goto done;
	if (fx_stmt_step(st) != FX_STORE_ROW) {
		rc = fx_store_error(db->store, sql);
		goto done;
	}
	*out = fx_stmt_int(st, 0);
done:
	fx_stmt_free(st);
	return rc;
}

/* A PostgreSQL ledger (else an SQLite file). */
static int pg(fx_casedb *db)
{
	return fx_store_engine_of(db->store) == FX_STORE_POSTGRESQL;
}

/* Refuses, by reading only, what is not a case database we understand.
 * *version is its schema version (0: an empty file to be created). */
static int probe(int64_t *version, fx_casedb *db)
{
	int64_t app = 0, tables = 0, meta = -1;
	int rc;

	rc = fx_store_application_id(&app, db->store);
	if (!rc)
		rc = fx_store_schema_version(version, db->store);
	if (!rc)
		rc = fx_store_object_count(&tables, db->store);
	if (rc) {
		if (fx_error_last_code() == FX_ECORRUPT)
			return fx_error_set(FX_ECORRUPT, "%s is not a case "
					    "database (not an SQLite file)",
					    db->path);
		return rc;
	}
	if (app == 0 && *version == 0 && tables == 0)
		return 0;
	if (app == 0 && *version == 0 && pg(db))
		return fx_error_set(FX_ECORRUPT, "%s is not a case database "
				    "(it has tables, but no table meta with "
				    "our application_id)", db->path);
	if (app != FX_CASEDB_APPLICATION_ID)
		return fx_error_set(FX_ECORRUPT, "%s is not a case database "
				    "(%s application_id %lld, expected %d)",
				    db->path, pg(db) ? "meta" : "SQLite",
				    (long long)app, FX_CASEDB_APPLICATION_ID);
	if (*version > fx_casedb_schema_version())
		return fx_error_set(FX_EVERSION, "case database %s has schema "
				    "version %lld, newer than this libforensic "
				    "%s understands (%d)", db->path,
				    (long long)*version, fx_version(),
				    fx_casedb_schema_version());
	rc = fx_casedb_query_int(&meta, db, "SELECT CAST(value AS INTEGER) FROM meta "
		       "WHERE key = 'schema_version'");
	if (rc || meta != *version || *version < 1)
		return fx_error_set(FX_ECORRUPT, "case database %s is damaged: "
				    "schema version %lld in the header, %lld in "
				    "table meta", db->path, (long long)*version,
				    (long long)meta);
	return 0;
}

/* Appends a schema event whose content is {k1: v1, k2: v2} (k1 < k2),
 * canonical JSON like every event's. */
static int schema_event(fx_casedb *db, const char *action, const char *k1,
			int64_t v1, const char *k2, int64_t v2)
{
	fx_json j;
	int rc;

	fx_json_init(&j, FX_JSON_CANONICAL, NULL);
	fx_json_object_begin(&j);
	fx_json_member_int(&j, k1, v1);
	fx_json_member_int(&j, k2, v2);
	fx_json_object_end(&j);
	rc = j.err ? j.err : fx_audit_append(db, action, j.buf);
	fx_json_clear(&j);
	return rc;
}

static int create_schema(fx_casedb *db)
{
	int64_t v = 0;
	int rc;

	if (fx_store_exec(db->store, pg(db) ? fx_schema_postgresql_schema
					  : fx_schema_case) != 0)
		return fx_store_error(db->store, "create schema");
	rc = fx_store_schema_version(&v, db->store);
	if (!rc && v != fx_casedb_schema_version())
		return fx_error_set(FX_ERROR, "internal: schemas/case.sql sets "
				    "version %lld, the migrations list reaches "
				    "%d", (long long)v, fx_casedb_schema_version());
	return rc ? rc : schema_event(db, "schema.create", "application_id",
				      FX_CASEDB_APPLICATION_ID,
				      "schema_version", v);
}

static int migrate_one(fx_casedb *db, const struct fx_migration *m)
{
	char sql[128];
	int rc;

	if (fx_store_exec(db->store, m->sql) != 0)
		return fx_store_error(db->store, "migrate schema");
	if ((rc = fx_store_set_schema_version(db->store, m->to)) != 0)
		return rc;
	snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%d' WHERE key = "
		 "'schema_version'", m->to);
	if (fx_store_exec(db->store, sql) != 0)
		return fx_store_error(db->store, "set schema version");
	db->version = m->to; /* what the checks of its event expect */
	return schema_event(db, "schema.migrate", "from", m->to - 1, "to",
			    m->to);
}

/* probe() from one snapshot: its three reads are separate statements, and
 * another process creating the database may commit between them. */
static int probe_snapshot(int64_t *version, fx_casedb *db)
{
	int rc;

	if (fx_store_begin(db->store, 0) != 0)
		return fx_store_error(db->store, "begin a read");
	rc = probe(version, db);
	if (rc)
		fx_store_rollback(db->store);
	else
		fx_store_commit(db->store);
	return rc;
}

/* Rows that break a foreign key, as PRAGMA foreign_key_check finds them. */
static int foreign_keys_intact(fx_casedb *db)
{
	char table[128], parent[128];
	int rc = fx_store_foreign_key_orphan(db->store, table, sizeof(table),
					     parent, sizeof(parent));

	if (rc == 1)
		rc = fx_error_set(FX_ECORRUPT, "case database %s: the schema "
				  "migration left a row of %s without its "
				  "parent in %s", db->path, table, parent);
	return rc;
}

/* Creates or migrates the schema as needed, under the write lock, so that
 * processes opening one new database at once create it once.
 *
 * Foreign keys are off while the schema changes: SQLite cannot alter a
 * CHECK constraint, so a migration rebuilds the table, and dropping a
 * table that others refer to fails midway with them on. That is set
 * outside the transaction (inside one it does nothing), hence around it;
 * foreign_keys_intact() checks the result before the commit. Under the
 * lock the database is probed again (another process may have created or
 * migrated it since it was opened) and, before anything is migrated, the
 * writer's checks are made for the version found: a database whose
 * triggers were tampered with, or a signed one and no key, is not
 * migrated, and the migration's own events are signed like every other. */
static int schema_setup(fx_casedb *db)
{
	int64_t version = 0;
	int rc, i;

	if ((rc = fx_store_foreign_keys(db->store, 0)) != 0)
		return rc;
	rc = write_lock(db);
	if (!rc)
		rc = probe(&version, db);
	db->version = (int)version;
	if (!rc && version > 0)
		rc = write_allowed(db);
	if (rc)
		goto done;
	if (version == 0)
		rc = create_schema(db);
	for (i = 0; !rc && version > 0 && fx_migrations[i].sql; i++)
		if (fx_migrations[i].to > version)
			rc = migrate_one(db, &fx_migrations[i]);
	db->version = fx_casedb_schema_version();
	/* a migrated database must end with the current schema's triggers */
	if (!rc && version > 0)
		rc = fx_casedb_triggers_require(db);
	if (!rc)
		rc = foreign_keys_intact(db);
	if (!rc)
		rc = fx_casedb_tx_commit(db);
done:
	if (rc)
		fx_casedb_tx_rollback(db);
	if (fx_store_foreign_keys(db->store, 1) != 0 && !rc)
		rc = FX_ERROR;
	return rc;
}

/* A ledger is set up by its administrator, never by a station opening
 * it; none has needed a migration yet (the first is schema 5). */
static int ledger_ready(fx_casedb *db, int64_t version)
{
	if (version == 0)
		return fx_error_set(FX_ECORRUPT, "case database %s has no "
				    "case-database schema (an empty database: "
				    "its administrator sets it up with verify "
				    "ledger init)", db->path);
	if (version < fx_casedb_schema_version() && !db->read_only)
		return fx_error_set(FX_EVERSION, "case database %s has schema "
				    "version %lld, older than this libforensic "
				    "%s writes (%d); a ledger is migrated by its "
				    "administrator", db->path, (long long)version,
				    fx_version(), fx_casedb_schema_version());
	return 0;
}

static char *default_actor(void)
{
	struct passwd pw, *res = NULL;
	char buf[1024], name[48];

	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 && res)
		return strdup(res->pw_name);
	snprintf(name, sizeof(name), "uid %lu", (unsigned long)geteuid());
	return strdup(name);
}

static char *default_host(void)
{
	char name[256];

	fx_casedb_sys_host(name);
	return strdup(name);
}

static int handle_new(fx_casedb **out, const char *path,
		      const fx_casedb_options *opts)
{
	fx_casedb *db = calloc(1, sizeof(*db));

	*out = db;
	if (!db)
		return fx_error_set(FX_ERROR, "out of memory");
	db->path = malloc(strlen(path) + 1);
	if (db->path)
		fx_casedb_location_name(db->path, strlen(path) + 1, path);
	db->actor = opts->actor ? strdup(opts->actor) : default_actor();
	db->host = opts->host ? strdup(opts->host) : default_host();
	db->read_only = opts->read_only != 0;
	if (!db->path || !db->actor || !db->host)
		return fx_error_set(FX_ERROR, "out of memory");
	if (fx_utf8_check(db->actor, strlen(db->actor)) != 0 ||
	    fx_utf8_check(db->host, strlen(db->host)) != 0)
		return fx_error_set(FX_EUSAGE, "case database %s: actor or "
				    "host is not valid UTF-8", path);
	return 0;
}

int fx_casedb_open(fx_casedb **out, const char *path,
		   const fx_casedb_options *opts)
{
	static const fx_casedb_options defaults = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;
	int64_t version = 0;
	int rc, create = 0;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(path);
	*out = NULL;
	if (!opts)
		opts = &defaults;
	FX_CHECK_VERSION(opts, FX_CASEDB_OPTIONS_VERSION,
			 "fx_casedb_open: fx_casedb_options");
	rc = fx_store_locate(&create, path, opts->read_only);
	if (!rc)
		rc = handle_new(&db, path, opts);
	if (!rc && opts->sign_key_path)
		rc = fx_audit_load_key(db, opts->sign_key_path);
	if (!rc)
		rc = fx_store_open(&db->store, path, db->path, create,
				   db->read_only, opts->busy_timeout_ms > 0 ?
				   opts->busy_timeout_ms : FX_CASEDB_BUSY_MS);
	if (!rc && !create)
		rc = probe_snapshot(&version, db);
	if (!rc)
		db->version = (int)version;
	if (!rc && pg(db))
		rc = ledger_ready(db, version);
	/* refused before anything is written (not even the WAL switch or a
	 * migration), whatever the version */
	if (!rc && !db->read_only && version > 0)
		rc = write_allowed(db);
	if (rc)
		goto done;
	if (db->read_only) {   /* any version from 1 on, read as it is */
		if (version == 0)
			rc = fx_error_set(FX_ECORRUPT, "%s is not a case "
					  "database (an empty SQLite file)",
					  path);
		goto done;
	}
	rc = fx_store_set_durable(db->store);
	if (!rc && (create || version < fx_casedb_schema_version()))
		rc = schema_setup(db);
done:
	if (rc) {
		fx_casedb_free(db);
		return rc;
	}
	*out = db;
	return 0;
}

void fx_casedb_free(fx_casedb *db)
{
	if (!db)
		return;
	fx_store_close(db->store);
	fx_casedb_triggers_free(db);
	EVP_PKEY_free(db->sign_key);
	free(db->path);
	free(db->actor);
	free(db->host);
	free(db);
}

int fx_casedb_location_is_uri(const char *location)
{
	return fx_store_is_uri(location);
}

/* Copies n bytes of in to out (which has room left) and returns the end. */
static char *put(char *o, const char *in, size_t n, const char *end)
{
	while (n-- && o < end)
		*o++ = *in++;
	return o;
}

/* 1 if the query parameter at p (len bytes, "key=value") is libpq's
 * password: libpq percent-decodes a parameter's key as well as its value,
 * so "%70assword=..." is a password too. */
static int password_param(const char *p, size_t len)
{
	static const char key[] = "password=";
	size_t i = 0, k = 0;
	int hi, lo;

	while (i < len && key[k]) {
		if (p[i] == '%' && i + 2 < len &&
		    (hi = fx_hex_digit(p[i + 1], 0)) >= 0 &&
		    (lo = fx_hex_digit(p[i + 2], 0)) >= 0) {
			if (hi * 16 + lo != (unsigned char)key[k])
				return 0;
			i += 3;
		} else if (p[i++] != key[k]) {
			return 0;
		}
		k++;
	}
	return !key[k];
}

/* user:password@host becomes user@host; a password=... parameter goes. */
void fx_casedb_location_name(char *out, size_t size, const char *location)
{
	const char *c = location, *auth, *at, *colon, *q;
	char *o = out, *end = out + (size ? size - 1 : 0);
	int first = 1;
	size_t n;

	if (!size)
		return;
	if (!fx_store_is_uri(location)) {
		snprintf(out, size, "%s", location);
		return;
	}
	auth = strstr(c, "://") + 3;
	n = strcspn(auth, "/?");
	at = memrchr(auth, '@', n); /* the last: a password may hold '@' */
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	o = put(o, c, (size_t)(auth - c), end);
	if (colon) {
		o = put(o, auth, (size_t)(colon - auth), end);
		o = put(o, at, n - (size_t)(at - auth), end);
	} else {
		o = put(o, auth, n, end);
	}
	c = auth + n;
	q = strchr(c, '?');
	o = put(o, c, q ? (size_t)(q - c) : strlen(c), end);
	while (q && *q) {   /* "?a=1&password=x&b=2" less the password */
		const char *p = q + 1;
		size_t len = strcspn(p, "&");

		if (!password_param(p, len)) {
			o = put(o, first ? "?" : "&", 1, end);
			o = put(o, p, len, end);
			first = 0;
		}
		q = p[len] ? p + len : NULL;
	}
	*o = '\0';
}

/* The administrator's part of a ledger's set-up, on an open connection:
 * roles, then the schema and its event as the owner role, one
 * transaction. */
static int ledger_setup(fx_casedb *db)
{
	int64_t tables = 0;
	int rc;

	if (fx_store_begin(db->store, 1) != 0)
		return fx_store_error(db->store, "begin the set-up");
	rc = fx_store_object_count(&tables, db->store);
	if (!rc && tables > 0)
		rc = fx_error_set(FX_EEXISTS, "case database %s already has "
				  "tables (%lld); a ledger is set up in a new, "
				  "empty database", db->path, (long long)tables);
	if (!rc && fx_store_exec(db->store, fx_schema_postgresql_roles) != 0)
		rc = fx_store_error(db->store, "create the roles "
				    "(schemas/postgresql/roles.sql)");
	if (!rc && fx_store_exec(db->store, "SET LOCAL ROLE fx_ledger_admin") != 0)
		rc = fx_store_error(db->store, "become fx_ledger_admin");
	if (!rc)
		rc = create_schema(db);
	if (!rc)
		rc = fx_casedb_tx_commit(db);
	if (rc)
		fx_casedb_tx_rollback(db);
	return rc;
}

int fx_casedb_ledger_init(const char *uri, const fx_casedb_options *opts)
{
	static const fx_casedb_options defaults = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;
	int rc;

	FX_CHECK_ARG(uri);
	if (!opts)
		opts = &defaults;
	FX_CHECK_VERSION(opts, FX_CASEDB_OPTIONS_VERSION,
			 "fx_casedb_ledger_init: fx_casedb_options");
	/* not echoed: a libpq keyword/value string ("host=... password=...")
	 * is not a URI, and its password would be in the message */
	if (!fx_store_is_uri(uri))
		return fx_error_set(FX_EUSAGE, "fx_casedb_ledger_init: not a "
				    "postgresql:// connection URI");
	rc = handle_new(&db, uri, opts);
	if (!rc && opts->sign_key_path)
		rc = fx_audit_load_key(db, opts->sign_key_path);
	if (!rc)
		rc = fx_store_open(&db->store, uri, db->path, 0, 0,
				   opts->busy_timeout_ms > 0 ?
				   opts->busy_timeout_ms : FX_CASEDB_BUSY_MS);
	if (!rc)
		db->version = fx_casedb_schema_version();
	if (!rc)
		rc = ledger_setup(db);
	fx_casedb_free(db);
	return rc;
}
