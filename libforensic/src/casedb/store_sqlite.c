/*
 * The storage interface (store.h) on SQLite: the one file of the library
 * that talks to the engine (base/error.c only asks it its version).
 *
 * One SQLite file per lab (or per case) that several acquire and verify
 * processes use at once. Durability and a linear audit chain matter more
 * than write speed, so: WAL (readers never block the writer),
 * synchronous=FULL (a commit survives power loss), and a write
 * transaction is BEGIN IMMEDIATE, so that the writer reads the head of the
 * audit chain and appends to it under the same lock. Writers wait for each
 * other up to the busy timeout (sqlite3_busy_timeout).
 *
 * A statement is the engine's own sqlite3_stmt behind the opaque fx_stmt:
 * nothing is allocated per statement beyond what SQLite allocates, and a
 * bound text is SQLITE_STATIC (read when the statement is stepped), so an
 * audit event's content is not copied to be stored.
 *
 * The engine's failure stays in the connection (sqlite3_errcode and
 * sqlite3_errmsg) until sq_error() reports it; the SQLite result
 * codes become the FX_E codes a caller acts on there, and only there.
 *
 * Threading: a connection and its statements are used by one thread at a
 * time (SQLite's default serialized mode would allow more; the casedb
 * handle does not need it).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "casedb/store_backend.h"
#include "base/error.h"

/* The connection is a sqlite3 *, the statement a sqlite3_stmt *. */
#define SQL(s) ((sqlite3 *)(s)->engine)

static sqlite3_stmt *S(fx_stmt *st)
{
	return st->engine;
}

static void sq_close(fx_store *s);

/* ---- connections ---- */

static int sq_error(fx_store *s, const char *what)
{
	int rc = sqlite3_extended_errcode(SQL(s)), code;

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
	return fx_error_set(code, "case database %s: %s: %s", s->name, what,
			    sqlite3_errmsg(SQL(s)));
}

static const char *sq_errmsg(fx_store *s)
{
	return sqlite3_errmsg(SQL(s));
}

static int sq_locate(int *create, const char *path, int read_only)
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

/*
 * The path SQLite is given: the database's directory with its links
 * resolved (a lab's /cases may well be one), and its own name, which must
 * not be a link. SQLite opens -wal, -shm and -journal with O_NOFOLLOW, but
 * resolves a link at the database's own name and writes through it (an
 * empty file at the other end becomes a case database); with no link left
 * in the path, SQLITE_OPEN_NOFOLLOW refuses one that appears later.
 */
static int open_path(char *out, size_t outlen, const char *path)
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

static fx_store *store_new(const char *name)
{
	return fx_store_handle_new(&fx_store_sqlite_ops, name);
}

static int sq_open(fx_store **out, const char *path, const char *name,
		  int create, int read_only, int busy_ms)
{
	int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		    SQLITE_OPEN_NOFOLLOW | (create ? SQLITE_OPEN_CREATE : 0);
	char real[PATH_MAX + 256];
	sqlite3 *db = NULL;
	fx_store *s;
	int rc, orc;

	*out = NULL;
	if ((rc = open_path(real, sizeof(real), path)) != 0)
		return rc;
	if (!(s = store_new(name)))
		return fx_error_set(FX_ERROR, "out of memory");
	orc = sqlite3_open_v2(real, &db, flags, NULL);
	s->engine = db;
	if (orc != SQLITE_OK) {
		rc = SQL(s) ? sq_error(s, "open")
			    : fx_error_set(FX_ERROR, "case database %s: out "
					   "of memory", name);
		sq_close(s);
		return rc;
	}
	sqlite3_extended_result_codes(SQL(s), 1);
	s->busy_ms = busy_ms;
	sqlite3_busy_timeout(SQL(s), busy_ms);
	*out = s;
	return 0;
}

int fx_store_sqlite_open_memory(fx_store **out, const char *name)
{
	fx_store *s = store_new(name);
	sqlite3 *db = NULL;
	int orc;

	*out = s;
	if (!s)
		return FX_STORE_FAILED;
	orc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE |
			      SQLITE_OPEN_CREATE, NULL);
	s->engine = db;
	if (orc != SQLITE_OK) {
		if (!SQL(s)) {
			sq_close(s);
			*out = NULL;
		}
		return FX_STORE_FAILED;
	}
	return 0;
}

static void sq_close(fx_store *s)
{
	if (!s)
		return;
	sqlite3_close_v2(SQL(s));
	fx_store_handle_free(s);
}

/* ---- statements ---- */

static int sq_prepare(fx_stmt **out, fx_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	fx_stmt *h;

	*out = NULL;
	if (sqlite3_prepare_v2(SQL(s), sql, -1, &st, NULL) != SQLITE_OK)
		return sq_error(s, "prepare statement");
	if (!(h = malloc(sizeof(*h)))) {
		sqlite3_finalize(st);
		return fx_error_set(FX_ERROR, "case database %s: out of memory",
				    s->name);
	}
	h->ops = &fx_store_sqlite_ops;
	h->engine = st;
	*out = h;
	return 0;
}

static void sq_stmt_free(fx_stmt *st)
{
	if (!st)
		return;
	sqlite3_finalize(S(st));
	free(st);
}

static void sq_stmt_reset(fx_stmt *st)
{
	sqlite3_reset(S(st));
}

static int bound(int rc)
{
	return rc == SQLITE_OK ? 0 : FX_STORE_FAILED;
}

static int sq_stmt_bind_text(fx_stmt *st, int i, const char *s)
{
	return bound(s ? sqlite3_bind_text(S(st), i, s, -1, SQLITE_STATIC)
		       : sqlite3_bind_null(S(st), i));
}

static int sq_stmt_bind_int(fx_stmt *st, int i, int64_t v)
{
	return bound(sqlite3_bind_int64(S(st), i, v));
}

static int sq_stmt_bind_null(fx_stmt *st, int i)
{
	return bound(sqlite3_bind_null(S(st), i));
}

static int sq_stmt_bind_blob(fx_stmt *st, int i, const void *p, size_t n)
{
	return bound(sqlite3_bind_blob64(S(st), i, p, (sqlite3_uint64)n,
					 SQLITE_STATIC));
}

static int sq_stmt_step(fx_stmt *st)
{
	switch (sqlite3_step(S(st))) {
	case SQLITE_ROW:
		return FX_STORE_ROW;
	case SQLITE_DONE:
		return FX_STORE_DONE;
	default:
		return FX_STORE_FAILED;
	}
}

static int sq_stmt_columns(fx_stmt *st)
{
	return sqlite3_column_count(S(st));
}

static const char *sq_stmt_column_name(fx_stmt *st, int i)
{
	return sqlite3_column_name(S(st), i);
}

static enum fx_store_type sq_stmt_type(fx_stmt *st, int i)
{
	switch (sqlite3_column_type(S(st), i)) {
	case SQLITE_NULL:
		return FX_STORE_NULL;
	case SQLITE_INTEGER:
		return FX_STORE_INT;
	case SQLITE_TEXT:
		return FX_STORE_TEXT;
	default:
		return FX_STORE_OTHER;
	}
}

static int64_t sq_stmt_int(fx_stmt *st, int i)
{
	return sqlite3_column_int64(S(st), i);
}

static const char *sq_stmt_text(fx_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(S(st), i);
}

static size_t sq_stmt_bytes(fx_stmt *st, int i)
{
	return (size_t)sqlite3_column_bytes(S(st), i);
}

static int sq_exec(fx_store *s, const char *sql)
{
	return sqlite3_exec(SQL(s), sql, NULL, NULL, NULL) == SQLITE_OK
		? 0 : FX_STORE_FAILED;
}

/* ---- transactions ---- */

static int sq_begin(fx_store *s, int write)
{
	return sq_exec(s, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static int sq_commit(fx_store *s)
{
	return sq_exec(s, "COMMIT");
}

static void sq_rollback(fx_store *s)
{
	if (!sqlite3_get_autocommit(SQL(s)))
		sqlite3_exec(SQL(s), "ROLLBACK", NULL, NULL, NULL);
}

static int64_t sq_last_id(fx_store *s)
{
	return sqlite3_last_insert_rowid(SQL(s));
}

/* ---- named operations ---- */

/* One integer from sql; the statement is what the message names. */
static int query_int(int64_t *out, fx_store *s, const char *sql)
{
	fx_stmt *st = NULL;
	int rc;

	rc = sq_prepare(&st, s, sql);
	if (rc)
		goto done;
	if (sq_stmt_step(st) != FX_STORE_ROW) {
		rc = sq_error(s, sql);
		goto done;
	}
	*out = sq_stmt_int(st, 0);
done:
	sq_stmt_free(st);
	return rc;
}

static int sq_application_id(int64_t *out, fx_store *s)
{
	return query_int(out, s, "PRAGMA application_id");
}

static int sq_schema_version(int64_t *out, fx_store *s)
{
	return query_int(out, s, "PRAGMA user_version");
}

static int sq_object_count(int64_t *out, fx_store *s)
{
	return query_int(out, s, "SELECT count(*) FROM sqlite_master");
}

static int sq_set_schema_version(fx_store *s, int version)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	return sq_exec(s, sql) ? sq_error(s, "set schema version")
				     : 0;
}

/* Switches to WAL once. journal_mode answers the mode in force, which
 * stays the old one if it could not be changed; FX_EBUSY means "try again". */
static int wal_switch(fx_store *s)
{
	fx_stmt *st = NULL;
	const char *mode;
	int rc, step;

	rc = sq_prepare(&st, s, "PRAGMA journal_mode = WAL");
	if (rc)
		goto done;
	step = sqlite3_step(S(st));
	mode = step == SQLITE_ROW ? sq_stmt_text(st, 0) : NULL;
	if (step == SQLITE_BUSY || (mode && sqlite3_stricmp(mode, "wal")))
		rc = fx_error_set(FX_EBUSY, "case database %s: cannot switch "
				  "to WAL mode (%s)", s->name, mode ? mode :
				  sqlite3_errmsg(SQL(s)));
	else if (step != SQLITE_ROW)
		rc = sq_error(s, "set WAL mode");
done:
	sq_stmt_free(st);
	return rc;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Changing the journal mode does not wait for a busy database by itself
 * (it fails at once while another process creates the same new file), so
 * it is retried here for up to the busy timeout. */
static int sq_set_durable(fx_store *s)
{
	int64_t deadline = now_ms() + s->busy_ms;
	int rc;

	while ((rc = wal_switch(s)) == FX_EBUSY && now_ms() < deadline)
		usleep(10000);
	if (!rc && sq_exec(s, "PRAGMA synchronous = FULL; "
				 "PRAGMA foreign_keys = ON") != 0)
		rc = sq_error(s, "set synchronous mode");
	return rc;
}

/* The pragma does nothing inside a transaction. */
static int sq_foreign_keys(fx_store *s, int on)
{
	if (sq_exec(s, on ? "PRAGMA foreign_keys = ON"
			  : "PRAGMA foreign_keys = OFF") != 0)
		return sq_error(s, "set foreign keys");
	return 0;
}

static int sq_foreign_key_orphan(fx_store *s, char *table, size_t table_size,
				char *parent, size_t parent_size)
{
	fx_stmt *st = NULL;
	int rc = sq_prepare(&st, s, "PRAGMA foreign_key_check"), step;

	if (rc)
		return rc;
	step = sq_stmt_step(st);
	if (step == FX_STORE_ROW) {
		snprintf(table, table_size, "%s", sq_stmt_text(st, 0));
		snprintf(parent, parent_size, "%s", sq_stmt_text(st, 2));
		rc = 1;
	} else if (step != FX_STORE_DONE) {
		rc = sq_error(s, "check foreign keys");
	}
	sq_stmt_free(st);
	return rc;
}

static int sq_triggers(fx_store *s,
		      int (*row)(void *payload, const char *name,
				 const char *sql),
		      void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, step = SQLITE_ERROR;

	if (sqlite3_prepare_v2(SQL(s), "SELECT name, sql FROM sqlite_master "
			       "WHERE type = 'trigger' ORDER BY name", -1, &st,
			       NULL) == SQLITE_OK)
		while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
			rc = row(payload, (const char *)sqlite3_column_text(st, 0),
				 (const char *)sqlite3_column_text(st, 1));
	if (!rc && step != SQLITE_DONE)
		rc = fx_error_set(FX_ERROR, "case database %s: cannot read "
				  "its triggers: %s", s->name,
				  sqlite3_errmsg(SQL(s)));
	sqlite3_finalize(st);
	return rc;
}

const struct fx_store_ops fx_store_sqlite_ops = {
	.engine = FX_STORE_SQLITE,
	.error = sq_error, .errmsg = sq_errmsg, .locate = sq_locate,
	.open = sq_open, .close = sq_close, .prepare = sq_prepare,
	.stmt_free = sq_stmt_free, .stmt_reset = sq_stmt_reset,
	.bind_text = sq_stmt_bind_text, .bind_int = sq_stmt_bind_int,
	.bind_null = sq_stmt_bind_null, .bind_blob = sq_stmt_bind_blob,
	.step = sq_stmt_step, .columns = sq_stmt_columns,
	.column_name = sq_stmt_column_name, .type = sq_stmt_type,
	.col_int = sq_stmt_int, .col_text = sq_stmt_text,
	.col_bytes = sq_stmt_bytes, .exec = sq_exec, .begin = sq_begin,
	.commit = sq_commit, .rollback = sq_rollback, .last_id = sq_last_id,
	.application_id = sq_application_id,
	.schema_version = sq_schema_version,
	.object_count = sq_object_count,
	.set_schema_version = sq_set_schema_version,
	.set_durable = sq_set_durable, .foreign_keys = sq_foreign_keys,
	.foreign_key_orphan = sq_foreign_key_orphan, .triggers = sq_triggers,
};
