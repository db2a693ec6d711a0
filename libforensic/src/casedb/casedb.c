/*
 * Case database: opening, schema creation and migration, transactions.
 *
 * One SQLite file per lab (or per case) that several acquire and verify
 * processes use at once. Durability and a linear audit chain matter more
 * than write speed, so: WAL (readers never block the writer),
 * synchronous=FULL (a commit survives power loss), and every write is a
 * BEGIN IMMEDIATE transaction, so that the writer reads the head of the
 * audit chain and appends to it under the same lock. Writers wait for each
 * other up to the busy timeout.
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
 * Threading: a handle is used by one thread at a time (it holds its
 * statement state and the caller's transaction); separate handles are
 * independent. Nothing here is global but constant tables.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "casedb/casedb_int.h"
#include "forensic/hash.h"
#include "hash/hasher.h"
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
	{ 0, NULL }
};

int fx_casedb_schema_version(void)
{
	int n = 0;

	while (fx_migrations[n].sql)
		n++;
	return 1 + n;
}

int fx_casedb_sql_error(fx_casedb *db, const char *what)
{
	int rc = sqlite3_extended_errcode(db->sql), code;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = FX_EBUSY;
		break;
	case SQLITE_CONSTRAINT:
		code = rc == SQLITE_CONSTRAINT_UNIQUE ? FX_EEXISTS : FX_EUSAGE;
		break;
	case SQLITE_FULL:
		code = FX_ENOSPC;
		break;
	case SQLITE_IOERR:
		code = FX_EIO;
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		code = FX_ECORRUPT;
		break;
	default:
		code = FX_ERROR;
	}
	return fx_error_set(code, "case database %s: %s: %s", db->path, what,
			    sqlite3_errmsg(db->sql));
}

int fx_casedb_prepare(sqlite3_stmt **out, fx_casedb *db, const char *sql)
{
	if (sqlite3_prepare_v2(db->sql, sql, -1, out, NULL) != SQLITE_OK)
		return fx_casedb_sql_error(db, "prepare statement");
	return 0;
}

int fx_casedb_find_id(int64_t *out, fx_casedb *db, const char *sql,
		      const char *a, const char *b, int64_t n)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	rc = fx_casedb_prepare(&st, db, sql);
	if (rc)
		goto done;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, n);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (step == SQLITE_DONE)
		rc = FX_ENOTFOUND;
	else
		rc = fx_casedb_sql_error(db, "look up");
done:
	sqlite3_finalize(st);
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
	if (sqlite3_exec(db->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return fx_casedb_sql_error(db, "begin write transaction");
	return 0;
}

/* Once a key is registered, the audit check requires every later event to
 * be signed; a handle without a key would write events that break the
 * chain, so it is refused instead. */
static int signed_needs_key(fx_casedb *db)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	if (db->sign_key)
		return 0;
	rc = fx_casedb_prepare(&st, db, "SELECT public_key FROM signing_keys "
			       "ORDER BY id LIMIT 1");
	if (rc)
		return rc;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		rc = fx_error_set(FX_EUSAGE, "%s: its audit log is signed "
				  "(key %.16s...), so every later event must "
				  "be signed too; open it with a signing key",
				  db->path, sqlite3_column_text(st, 0));
	else if (step != SQLITE_DONE)
		rc = fx_casedb_sql_error(db, "read the signing keys");
	sqlite3_finalize(st);
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
	if (sqlite3_exec(db->sql, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return fx_casedb_sql_error(db, "begin read transaction");
	return 0;
}

int fx_casedb_tx_commit(fx_casedb *db)
{
	if (sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return fx_casedb_sql_error(db, "commit");
	return 0;
}

void fx_casedb_tx_rollback(fx_casedb *db)
{
	if (!sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

int fx_casedb_bind_text(fx_casedb *db, sqlite3_stmt *st, int i, const char *s)
{
	int rc;

	if (s && fx_utf8_check(s, strlen(s)) != 0)
		return fx_error_set(FX_EUSAGE, "case database %s: text \"%.60s\" "
				    "is not valid UTF-8", db->path, s);
	rc = s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT)
	       : sqlite3_bind_null(st, i);
	return rc == SQLITE_OK ? 0 : fx_casedb_sql_error(db, "bind");
}

int fx_casedb_bind_u64(fx_casedb *db, sqlite3_stmt *st, int i, uint64_t v,
		       int zero_is_null)
{
	int rc;

	if (v > (uint64_t)INT64_MAX)
		return fx_error_set(FX_EUSAGE, "case database %s: %s %llu is "
				    "too large", db->path,
				    sqlite3_bind_parameter_name(st, i),
				    (unsigned long long)v);
	rc = (v == 0 && zero_is_null) ? sqlite3_bind_null(st, i)
				      : sqlite3_bind_int64(st, i, (int64_t)v);
	return rc == SQLITE_OK ? 0 : fx_casedb_sql_error(db, "bind");
}

int fx_casedb_bind_flag(fx_casedb *db, sqlite3_stmt *st, int i, int flag)
{
	int rc = flag < 0 ? sqlite3_bind_null(st, i)
			  : sqlite3_bind_int(st, i, flag ? 1 : 0);

	return rc == SQLITE_OK ? 0 : fx_casedb_sql_error(db, "bind");
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

int fx_casedb_sha256_hex(char out[FX_HASH_HEX], const void *a, size_t alen,
			 const void *b, size_t blen)
{
	fx_hasher *h = NULL;
	int rc = fx_hasher_new(&h, FX_HASH_SHA256);

	if (rc == 0) {
		fx_hasher_update(h, a, alen);
		fx_hasher_update(h, b, blen);
		fx_hasher_final_hex(h, out, FX_HASH_HEX);
	}
	fx_hasher_free(h);
	return rc;
}

int fx_casedb_query_int(int64_t *out, fx_casedb *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = fx_casedb_prepare(&st, db, sql);
	if (rc)
		goto done;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = fx_casedb_sql_error(db, sql);
		goto done;
	}
	*out = sqlite3_column_int64(st, 0);
done:
	sqlite3_finalize(st);
	return rc;
}

/* Refuses, by reading only, what is not a case database we understand.
 * *version is its schema version (0: an empty file to be created). */
static int probe(int64_t *version, fx_casedb *db)
{
	int64_t app = 0, tables = 0, meta = -1;
	int rc;

	rc = fx_casedb_query_int(&app, db, "PRAGMA application_id");
	if (!rc)
		rc = fx_casedb_query_int(version, db, "PRAGMA user_version");
	if (!rc)
		rc = fx_casedb_query_int(&tables, db, "SELECT count(*) FROM sqlite_master");
	if (rc) {
		if (fx_error_last_code() == FX_ECORRUPT)
			return fx_error_set(FX_ECORRUPT, "%s is not a case "
					    "database (not an SQLite file)",
					    db->path);
		return rc;
	}
	if (app == 0 && *version == 0 && tables == 0)
		return 0;
	if (app != FX_CASEDB_APPLICATION_ID)
		return fx_error_set(FX_ECORRUPT, "%s is not a case database "
				    "(SQLite application_id %lld, expected %d)",
				    db->path, (long long)app,
				    FX_CASEDB_APPLICATION_ID);
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

	if (sqlite3_exec(db->sql, fx_schema_case, NULL, NULL, NULL) != SQLITE_OK)
		return fx_casedb_sql_error(db, "create schema");
	rc = fx_casedb_query_int(&v, db, "PRAGMA user_version");
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
	char sql[160];

	if (sqlite3_exec(db->sql, m->sql, NULL, NULL, NULL) != SQLITE_OK)
		return fx_casedb_sql_error(db, "migrate schema");
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d; UPDATE meta SET "
		 "value = '%d' WHERE key = 'schema_version'", m->to, m->to);
	if (sqlite3_exec(db->sql, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fx_casedb_sql_error(db, "set schema version");
	return schema_event(db, "schema.migrate", "from", m->to - 1, "to",
			    m->to);
}

/* probe() from one snapshot: its three reads are separate statements, and
 * another process creating the database may commit between them. */
static int probe_snapshot(int64_t *version, fx_casedb *db)
{
	int rc;

	if (sqlite3_exec(db->sql, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return fx_casedb_sql_error(db, "begin a read");
	rc = probe(version, db);
	sqlite3_exec(db->sql, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
	return rc;
}

/* Rows that break a foreign key, as PRAGMA foreign_key_check finds them. */
static int foreign_keys_intact(fx_casedb *db)
{
	sqlite3_stmt *st = NULL;
	int rc = fx_casedb_prepare(&st, db, "PRAGMA foreign_key_check"), step;

	if (rc)
		return rc;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		rc = fx_error_set(FX_ECORRUPT, "case database %s: the schema "
				  "migration left a row of %s without its "
				  "parent in %s", db->path,
				  (const char *)sqlite3_column_text(st, 0),
				  (const char *)sqlite3_column_text(st, 2));
	else if (step != SQLITE_DONE)
		rc = fx_casedb_sql_error(db, "check foreign keys");
	sqlite3_finalize(st);
	return rc;
}

/* Foreign keys are off while the schema changes: SQLite cannot alter a
 * CHECK constraint, so a migration rebuilds the table, and dropping a table
 * that others refer to fails midway with them on. The pragma does nothing
 * inside a transaction, hence around it; foreign_keys_intact() checks the
 * result before the commit. */
static int foreign_keys_set(fx_casedb *db, int on)
{
	if (sqlite3_exec(db->sql, on ? "PRAGMA foreign_keys = ON"
			 : "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) != SQLITE_OK)
		return fx_casedb_sql_error(db, "set foreign keys");
	return 0;
}

/* Creates or migrates the schema as needed, under the write lock, so that
 * processes opening one new database at once create it once. Under the
 * lock the database is probed again (another process may have created or
 * migrated it since it was opened) and, before anything is migrated, the
 * writer's checks are made for the version found: a database whose
 * triggers were tampered with, or a signed one and no key, is not
 * migrated, and the migration's own events are signed like every other. */
static int schema_setup(fx_casedb *db)
{
	int64_t version = 0;
	int rc, i;

	if ((rc = foreign_keys_set(db, 0)) != 0)
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
	if (foreign_keys_set(db, 1) != 0 && !rc)
		rc = FX_ERROR;
	return rc;
}

/* What the file is before SQLite sees it: *create = 1 if it does not exist
 * or is empty. A file without write permission is refused for writing. */
static int check_file(int *create, const char *path, int read_only)
{
	struct stat st;

	*create = 0;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT && !read_only) {
			*create = 1;
			return 0;
		}
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "case database %s", path);
	}
	if (!S_ISREG(st.st_mode))
		return fx_error_set(FX_EUSAGE, "case database %s is not a "
				    "regular file", path);
	if (st.st_size == 0 && read_only)
		return fx_error_set(FX_ECORRUPT, "case database %s is empty",
				    path);
	if (!read_only && ((st.st_mode & 0222) == 0 || access(path, W_OK) != 0))
		return fx_error_set(FX_ERROR, "case database %s is read-only "
				    "(mode %04o); it can only be opened for "
				    "reading", path, (unsigned)(st.st_mode & 07777));
	*create = st.st_size == 0;
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
	db->path = strdup(path);
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

/*
 * The path SQLite is given: the database's directory with its links
 * resolved (a lab's /cases may well be one), and its own name, which must
 * not be a link. SQLite opens -wal, -shm and -journal with O_NOFOLLOW, but
 * resolves a link at the database's own name and writes through it (an
 * empty file at the other end becomes a case database); with no link left
 * in the path, SQLITE_OPEN_NOFOLLOW refuses one that appears later.
 */
static int db_open_path(char *out, size_t outlen, const char *path)
{
	char copy[PATH_MAX], dir[PATH_MAX];
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return fx_error_set(FX_ERROR,
				    "case database %s is a symbolic link (never followed)",
				    path);
	snprintf(copy, sizeof(copy), "%.*s", slash ? (int)(slash == path ? 1 : slash - path) : 1,
		 slash ? path : ".");
	if (!*name || !realpath(copy, dir))
		return fx_error_set_errno(FX_ENOTFOUND, errno ? errno : ENOENT,
					  "case database %s: its directory", path);
	if (snprintf(out, outlen, "%s/%s", strcmp(dir, "/") ? dir : "", name) >= (int)outlen)
		return fx_error_set(FX_EUSAGE, "case database %s: path too long", path);
	return 0;
}

static int db_connect(fx_casedb *db, int create, int busy_ms)
{
	int flags = (db->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		    SQLITE_OPEN_NOFOLLOW;
	char open_path[PATH_MAX + 256];
	int rc;

	if ((rc = db_open_path(open_path, sizeof(open_path), db->path)) != 0)
		return rc;

	if (create)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(open_path, &db->sql, flags, NULL) != SQLITE_OK) {
		if (!db->sql)
			return fx_error_set(FX_ERROR, "case database %s: out "
					    "of memory", db->path);
		return fx_casedb_sql_error(db, "open");
	}
	sqlite3_extended_result_codes(db->sql, 1);
	db->busy_ms = busy_ms > 0 ? busy_ms : FX_CASEDB_BUSY_MS;
	sqlite3_busy_timeout(db->sql, db->busy_ms);
	return 0;
}

/* Switches to WAL once. journal_mode answers the mode in force, which
 * stays the old one if it could not be changed; FX_EBUSY means "try again". */
static int wal_switch(fx_casedb *db)
{
	sqlite3_stmt *st = NULL;
	const char *mode;
	int rc, step;

	rc = fx_casedb_prepare(&st, db, "PRAGMA journal_mode = WAL");
	if (rc)
		goto done;
	step = sqlite3_step(st);
	mode = step == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0)
				  : NULL;
	if (step == SQLITE_BUSY || (mode && sqlite3_stricmp(mode, "wal")))
		rc = fx_error_set(FX_EBUSY, "case database %s: cannot switch "
				  "to WAL mode (%s)", db->path, mode ? mode :
				  sqlite3_errmsg(db->sql));
	else if (step != SQLITE_ROW)
		rc = fx_casedb_sql_error(db, "set WAL mode");
done:
	sqlite3_finalize(st);
	return rc;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* WAL (readers do not block the writer), FULL sync (a commit survives power
 * loss), foreign keys. Changing the journal mode does not wait for a busy
 * database by itself (it fails at once while another process creates the
 * same new file), so it is retried here for up to the busy timeout. */
static int set_modes(fx_casedb *db)
{
	int64_t deadline = now_ms() + db->busy_ms;
	int rc;

	while ((rc = wal_switch(db)) == FX_EBUSY && now_ms() < deadline)
		usleep(10000);
	if (!rc && sqlite3_exec(db->sql, "PRAGMA synchronous = FULL; "
				"PRAGMA foreign_keys = ON", NULL, NULL, NULL) !=
	    SQLITE_OK)
		rc = fx_casedb_sql_error(db, "set synchronous mode");
	return rc;
}

int fx_casedb_open(fx_casedb **out, const char *path,
		   const fx_casedb_options *opts)
{
	static const fx_casedb_options defaults = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;
	int64_t version = 0;
	int rc, create = 0;

	if (!out || !path)
		return fx_error_set(FX_EUSAGE, "fx_casedb_open: out and path "
				    "are required");
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (opts->version != FX_CASEDB_OPTIONS_VERSION)
		return fx_error_set(FX_EUSAGE, "fx_casedb_open: options "
				    "version %u, expected %d", opts->version,
				    FX_CASEDB_OPTIONS_VERSION);
	rc = check_file(&create, path, opts->read_only);
	if (!rc)
		rc = handle_new(&db, path, opts);
	if (!rc && opts->sign_key_path)
		rc = fx_audit_load_key(db, opts->sign_key_path);
	if (!rc)
		rc = db_connect(db, create, opts->busy_timeout_ms);
	if (!rc && !create)
		rc = probe_snapshot(&version, db);
	if (!rc)
		db->version = (int)version;
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
	rc = set_modes(db);
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
	sqlite3_close_v2(db->sql);
	fx_casedb_triggers_free(db);
	EVP_PKEY_free(db->sign_key);
	free(db->path);
	free(db->actor);
	free(db->host);
	free(db);
}
