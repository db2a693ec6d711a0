/*
 * The case database's storage interface: all that the casedb modules
 * (opening and migrations, writes, reads, report reads, audit, content,
 * triggers) ask of the database engine. SQLite implements it
 * (store_sqlite.c, the only file that calls sqlite3_*), and so does
 * PostgreSQL (store_pg.c, the only file that calls libpq); store.c
 * dispatches to the one a connection was opened with (a postgresql:// or
 * postgres:// URI is PostgreSQL). docs/casedb.md, "Storage backends", says
 * what a backend must provide.
 *
 * The SQL text stays in the modules, portable where it can be: numbered
 * parameters ?1, ?2, ..., integers and text only, no engine functions. What
 * only one engine says in SQL (PRAGMAs, sqlite_master, BEGIN IMMEDIATE,
 * WAL) is a named operation here.
 *
 * Failures. fx_store_open, fx_store_locate, fx_store_prepare and the named
 * operations set the last error themselves ("case database PATH: ...").
 * The others (open_memory, bind, step, exec, begin, commit) return
 * FX_STORE_FAILED and leave the engine's failure pending in the handle:
 * fx_store_error(s, what) then sets the last error from it, saying what was
 * being done, with the FX_E code a caller acts on (busy, exists, no space,
 * I/O, corrupt).
 *
 * Threading: a handle and its statements are used by one thread at a time.
 */
#ifndef FX_CASEDB_STORE_H
#define FX_CASEDB_STORE_H

#include <stddef.h>
#include <stdint.h>

/* A connection to one database; a statement prepared on it. */
typedef struct fx_store fx_store;
typedef struct fx_stmt fx_stmt;

/* What fx_stmt_step and the binds return. */
#define FX_STORE_DONE 0      /* no (more) rows */
#define FX_STORE_ROW 1       /* a row is ready to be read */
#define FX_STORE_FAILED (-1) /* the engine failed: fx_store_error() */

/* The engine behind a connection. */
enum fx_store_engine { FX_STORE_SQLITE, FX_STORE_POSTGRESQL };

/* 1 if location is a PostgreSQL connection URI (postgresql:// or
 * postgres://), 0 if it is an SQLite file's path. */
int fx_store_is_uri(const char *location);

/* The engine of an open connection. */
enum fx_store_engine fx_store_engine_of(fx_store *s);

/* The type of a column's value in the current row. */
enum fx_store_type {
	FX_STORE_NULL, FX_STORE_INT, FX_STORE_TEXT, FX_STORE_OTHER
};

/* ---- connections ---- */

/* What is at path before the engine sees it: *create = 1 if nothing is
 * there or an empty file is, to be created (never when read_only). Refuses
 * what cannot be a database to open (not a regular file, empty for a
 * reader, not writable for a writer). */
int fx_store_locate(int *create, const char *path, int read_only);

/* Opens the database at path (name: how messages call it, the path the
 * caller gave), created if create, read-only if read_only; a writer waits
 * up to busy_ms for other writers. The path's directory may be a link,
 * its own name may not. *out is NULL on failure. */
int fx_store_open(fx_store **out, const char *path, const char *name,
		  int create, int read_only, int busy_ms);

/* An empty database in memory (to build a schema and read it back). On
 * failure *out may be set (fx_store_errmsg says why) or NULL (no memory). */
int fx_store_open_memory(fx_store **out, const char *name);

/* Closes the connection. NULL is fine. */
void fx_store_close(fx_store *s);

/* Sets the last error from the pending failure: "case database NAME: what:
 * why"; returns its FX_E code. */
int fx_store_error(fx_store *s, const char *what);

/* The engine's text of the pending failure. Borrowed. */
const char *fx_store_errmsg(fx_store *s);

/* ---- statements ---- */

/* Prepares one statement of sql. */
int fx_store_prepare(fx_stmt **out, fx_store *s, const char *sql);

/* Frees a statement. NULL is fine. */
void fx_stmt_free(fx_stmt *st);

/* Makes the statement ready to run again; its bindings are kept. */
void fx_stmt_reset(fx_stmt *st);

/* Binds parameter ?i. A text is borrowed until the statement has been
 * stepped (NULL binds NULL). */
int fx_stmt_bind_text(fx_stmt *st, int i, const char *s);
int fx_stmt_bind_int(fx_stmt *st, int i, int64_t v);
int fx_stmt_bind_null(fx_stmt *st, int i);
/* Binds n bytes at p as a blob, borrowed like a text. */
int fx_stmt_bind_blob(fx_stmt *st, int i, const void *p, size_t n);

/* Runs the statement to its next row: FX_STORE_ROW, FX_STORE_DONE or
 * FX_STORE_FAILED. */
int fx_stmt_step(fx_stmt *st);

/* The current row: the number of columns, a column's name (borrowed, valid
 * while the statement is), type, integer (0 for NULL), text (NULL for
 * NULL; valid until the next step, reset or free) and its length in
 * bytes. */
int fx_stmt_columns(fx_stmt *st);
const char *fx_stmt_column_name(fx_stmt *st, int i);
enum fx_store_type fx_stmt_type(fx_stmt *st, int i);
int64_t fx_stmt_int(fx_stmt *st, int i);
const char *fx_stmt_text(fx_stmt *st, int i);
size_t fx_stmt_bytes(fx_stmt *st, int i);

/* Runs a script of statements without parameters or results (the schema,
 * a migration). */
int fx_store_exec(fx_store *s, const char *sql);

/* ---- transactions ---- */

/* Begins a transaction: for writing (write nonzero), taking the write lock
 * at once, waiting up to the busy timeout, so that what is read in it is
 * what the write appends to; or a read snapshot. */
int fx_store_begin(fx_store *s, int write);
int fx_store_commit(fx_store *s);

/* Rolls back the open transaction, if there is one. */
void fx_store_rollback(fx_store *s);

/* The id of the row the last INSERT made. */
int64_t fx_store_last_id(fx_store *s);

/* ---- named operations ---- */

/* The database's application id and schema version (0 when never set),
 * and the number of objects in its schema (tables, indexes, triggers; 0:
 * an empty database). A file that is no database is FX_ECORRUPT. */
int fx_store_application_id(int64_t *out, fx_store *s);
int fx_store_schema_version(int64_t *out, fx_store *s);
int fx_store_object_count(int64_t *out, fx_store *s);

/* Records the schema version in the database's header. */
int fx_store_set_schema_version(fx_store *s, int version);

/* Durable and concurrent: readers never block the writer, a commit
 * survives power loss, foreign keys are enforced. Waits up to the busy
 * timeout for a database another process is creating. */
int fx_store_set_durable(fx_store *s);

/* Turns the enforcement of foreign keys on or off (outside a
 * transaction: a migration that rebuilds a table turns it off around it). */
int fx_store_foreign_keys(fx_store *s, int on);

/* The first row whose parent is missing: 1 with its table and the
 * parent's table, 0 if there is none. */
int fx_store_foreign_key_orphan(fx_store *s, char *table, size_t table_size,
				char *parent, size_t parent_size);

/* Calls row(payload, name, definition) for each trigger of the database,
 * in name order, with the definition as the database stores it; stops at
 * the first nonzero return and returns it. */
int fx_store_triggers(fx_store *s,
		      int (*row)(void *payload, const char *name,
				 const char *sql),
		      void *payload);

#endif
