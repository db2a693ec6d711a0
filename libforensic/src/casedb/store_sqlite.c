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
 * sqlite3_errmsg) until fx_store_error() reports it; the SQLite result
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

#include "casedb/store.h"
#include "base/error.h"

struct fx_store {
	sqlite3 *sql;
	char *name;     /* the path as the caller gave it, for messages */
	int busy_ms;
};

/* fx_stmt is sqlite3_stmt: the pointer is only ever converted back. */
static sqlite3_stmt *S(fx_stmt *st)
{
	return (sqlite3_stmt *)(void *)st;
}

/* ---- connections ---- */

int fx_store_error(fx_store *s, const char *what)
{
	int rc = sqlite3_extended_errcode(s->sql), code;

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
			    sqlite3_errmsg(s->sql));
}

const char *fx_store_errmsg(fx_store *s)
{
	return sqlite3_errmsg(s->sql);
}

int fx_store_locate(int *create, const char *path, int read_only)
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
	fx_store *s = calloc(1, sizeof(*s));

	if (s && !(s->name = strdup(name))) {
		free(s);
		s = NULL;
	}
	return s;
}

int fx_store_open(fx_store **out, const char *path, const char *name,
		  int create, int read_only, int busy_ms)
{
	int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		    SQLITE_OPEN_NOFOLLOW | (create ? SQLITE_OPEN_CREATE : 0);
	char real[PATH_MAX + 256];
	fx_store *s;
	int rc;

	*out = NULL;
	if ((rc = open_path(real, sizeof(real), path)) != 0)
		return rc;
	if (!(s = store_new(name)))
		return fx_error_set(FX_ERROR, "out of memory");
	if (sqlite3_open_v2(real, &s->sql, flags, NULL) != SQLITE_OK) {
		rc = s->sql ? fx_store_error(s, "open")
			    : fx_error_set(FX_ERROR, "case database %s: out "
					   "of memory", name);
		fx_store_close(s);
		return rc;
	}
	sqlite3_extended_result_codes(s->sql, 1);
	s->busy_ms = busy_ms;
	sqlite3_busy_timeout(s->sql, busy_ms);
	*out = s;
	return 0;
}

int fx_store_open_memory(fx_store **out, const char *name)
{
	fx_store *s = store_new(name);

	*out = s;
	if (!s)
		return FX_STORE_FAILED;
	if (sqlite3_open_v2(":memory:", &s->sql, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		if (!s->sql) {
			fx_store_close(s);
			*out = NULL;
		}
		return FX_STORE_FAILED;
	}
	return 0;
}

void fx_store_close(fx_store *s)
{
	if (!s)
		return;
	sqlite3_close_v2(s->sql);
	free(s->name);
	free(s);
}

/* ---- statements ---- */

int fx_store_prepare(fx_stmt **out, fx_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	*out = NULL;
	if (sqlite3_prepare_v2(s->sql, sql, -1, &st, NULL) != SQLITE_OK)
		return fx_store_error(s, "prepare statement");
	*out = (fx_stmt *)(void *)st;
	return 0;
}

void fx_stmt_free(fx_stmt *st)
{
	sqlite3_finalize(S(st));
}

void fx_stmt_reset(fx_stmt *st)
{
	sqlite3_reset(S(st));
}

static int bound(int rc)
{
	return rc == SQLITE_OK ? 0 : FX_STORE_FAILED;
}

int fx_stmt_bind_text(fx_stmt *st, int i, const char *s)
{
	return bound(s ? sqlite3_bind_text(S(st), i, s, -1, SQLITE_STATIC)
		       : sqlite3_bind_null(S(st), i));
}

int fx_stmt_bind_int(fx_stmt *st, int i, int64_t v)
{
	return bound(sqlite3_bind_int64(S(st), i, v));
}

int fx_stmt_bind_null(fx_stmt *st, int i)
{
	return bound(sqlite3_bind_null(S(st), i));
}

int fx_stmt_bind_blob(fx_stmt *st, int i, const void *p, size_t n)
{
	return bound(sqlite3_bind_blob64(S(st), i, p, (sqlite3_uint64)n,
					 SQLITE_STATIC));
}

int fx_stmt_step(fx_stmt *st)
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

int fx_stmt_columns(fx_stmt *st)
{
	return sqlite3_column_count(S(st));
}

const char *fx_stmt_column_name(fx_stmt *st, int i)
{
	return sqlite3_column_name(S(st), i);
}

enum fx_store_type fx_stmt_type(fx_stmt *st, int i)
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

int64_t fx_stmt_int(fx_stmt *st, int i)
{
	return sqlite3_column_int64(S(st), i);
}

const char *fx_stmt_text(fx_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(S(st), i);
}

size_t fx_stmt_bytes(fx_stmt *st, int i)
{
	return (size_t)sqlite3_column_bytes(S(st), i);
}

int fx_store_exec(fx_store *s, const char *sql)
{
	return sqlite3_exec(s->sql, sql, NULL, NULL, NULL) == SQLITE_OK
		? 0 : FX_STORE_FAILED;
}

/* ---- transactions ---- */

int fx_store_begin(fx_store *s, int write)
{
	return fx_store_exec(s, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

int fx_store_commit(fx_store *s)
{
	return fx_store_exec(s, "COMMIT");
}

void fx_store_rollback(fx_store *s)
{
	if (!sqlite3_get_autocommit(s->sql))
		sqlite3_exec(s->sql, "ROLLBACK", NULL, NULL, NULL);
}

int64_t fx_store_last_id(fx_store *s)
{
	return sqlite3_last_insert_rowid(s->sql);
}

/* ---- named operations ---- */

/* One integer from sql; the statement is what the message names. */
static int query_int(int64_t *out, fx_store *s, const char *sql)
{
	fx_stmt *st = NULL;
	int rc;

	rc = fx_store_prepare(&st, s, sql);
	if (rc)
		goto done;
	if (fx_stmt_step(st) != FX_STORE_ROW) {
		rc = fx_store_error(s, sql);
		goto done;
	}
	*out = fx_stmt_int(st, 0);
done:
	fx_stmt_free(st);
	return rc;
}

int fx_store_application_id(int64_t *out, fx_store *s)
{
	return query_int(out, s, "PRAGMA application_id");
}

int fx_store_schema_version(int64_t *out, fx_store *s)
{
	return query_int(out, s, "PRAGMA user_version");
}

int fx_store_object_count(int64_t *out, fx_store *s)
{
	return query_int(out, s, "SELECT count(*) FROM sqlite_master");
}

int fx_store_set_schema_version(fx_store *s, int version)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	return fx_store_exec(s, sql) ? fx_store_error(s, "set schema version")
				     : 0;
}

/* Switches to WAL once. journal_mode answers the mode in force, which
 * stays the old one if it could not be changed; FX_EBUSY means "try again". */
static int wal_switch(fx_store *s)
{
	fx_stmt *st = NULL;
	const char *mode;
	int rc, step;

	rc = fx_store_prepare(&st, s, "PRAGMA journal_mode = WAL");
	if (rc)
		goto done;
	step = sqlite3_step(S(st));
	mode = step == SQLITE_ROW ? fx_stmt_text(st, 0) : NULL;
	if (step == SQLITE_BUSY || (mode && sqlite3_stricmp(mode, "wal")))
		rc = fx_error_set(FX_EBUSY, "case database %s: cannot switch "
				  "to WAL mode (%s)", s->name, mode ? mode :
				  sqlite3_errmsg(s->sql));
	else if (step != SQLITE_ROW)
		rc = fx_store_error(s, "set WAL mode");
done:
	fx_stmt_free(st);
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
int fx_store_set_durable(fx_store *s)
{
	int64_t deadline = now_ms() + s->busy_ms;
	int rc;

	while ((rc = wal_switch(s)) == FX_EBUSY && now_ms() < deadline)
		usleep(10000);
	if (!rc && fx_store_exec(s, "PRAGMA synchronous = FULL; "
				 "PRAGMA foreign_keys = ON") != 0)
		rc = fx_store_error(s, "set synchronous mode");
	return rc;
}

/* The pragma does nothing inside a transaction. */
int fx_store_foreign_keys(fx_store *s, int on)
{
	if (fx_store_exec(s, on ? "PRAGMA foreign_keys = ON"
			  : "PRAGMA foreign_keys = OFF") != 0)
		return fx_store_error(s, "set foreign keys");
	return 0;
}

int fx_store_foreign_key_orphan(fx_store *s, char *table, size_t table_size,
				char *parent, size_t parent_size)
{
	fx_stmt *st = NULL;
	int rc = fx_store_prepare(&st, s, "PRAGMA foreign_key_check"), step;

	if (rc)
		return rc;
	step = fx_stmt_step(st);
	if (step == FX_STORE_ROW) {
		snprintf(table, table_size, "%s", fx_stmt_text(st, 0));
		snprintf(parent, parent_size, "%s", fx_stmt_text(st, 2));
		rc = 1;
	} else if (step != FX_STORE_DONE) {
		rc = fx_store_error(s, "check foreign keys");
	}
	fx_stmt_free(st);
	return rc;
}

int fx_store_triggers(fx_store *s,
		      int (*row)(void *payload, const char *name,
				 const char *sql),
		      void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, step = SQLITE_ERROR;

	if (sqlite3_prepare_v2(s->sql, "SELECT name, sql FROM sqlite_master "
			       "WHERE type = 'trigger' ORDER BY name", -1, &st,
			       NULL) == SQLITE_OK)
		while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
			rc = row(payload, (const char *)sqlite3_column_text(st, 0),
				 (const char *)sqlite3_column_text(st, 1));
	if (!rc && step != SQLITE_DONE)
		rc = fx_error_set(FX_ERROR, "case database %s: cannot read "
				  "its triggers: %s", s->name,
				  sqlite3_errmsg(s->sql));
	sqlite3_finalize(st);
	return rc;
}
