/*
 * What a storage backend implements (store.h is what the casedb modules
 * call): one table of operations per engine, chosen when the connection is
 * opened (fx_store_open: a postgresql:// or postgres:// URI is PostgreSQL,
 * anything else an SQLite file), and the two handles every backend's
 * handles begin with, so that store.c dispatches without knowing the
 * engine. Private to casedb/store*.c.
 */
#ifndef FX_CASEDB_STORE_BACKEND_H
#define FX_CASEDB_STORE_BACKEND_H

#include "casedb/store.h"

struct fx_store_ops {
	enum fx_store_engine engine;
	int (*error)(fx_store *s, const char *what);
	const char *(*errmsg)(fx_store *s);
	int (*locate)(int *create, const char *path, int read_only);
	int (*open)(fx_store **out, const char *path, const char *name,
		    int create, int read_only, int busy_ms);
	void (*close)(fx_store *s);
	int (*prepare)(fx_stmt **out, fx_store *s, const char *sql);
	void (*stmt_free)(fx_stmt *st);
	void (*stmt_reset)(fx_stmt *st);
	int (*bind_text)(fx_stmt *st, int i, const char *s);
	int (*bind_int)(fx_stmt *st, int i, int64_t v);
	int (*bind_null)(fx_stmt *st, int i);
	int (*bind_blob)(fx_stmt *st, int i, const void *p, size_t n);
	int (*step)(fx_stmt *st);
	int (*columns)(fx_stmt *st);
	const char *(*column_name)(fx_stmt *st, int i);
	enum fx_store_type (*type)(fx_stmt *st, int i);
	int64_t (*col_int)(fx_stmt *st, int i);
	const char *(*col_text)(fx_stmt *st, int i);
	size_t (*col_bytes)(fx_stmt *st, int i);
	int (*exec)(fx_store *s, const char *sql);
	int (*begin)(fx_store *s, int write);
	int (*commit)(fx_store *s);
	void (*rollback)(fx_store *s);
	int64_t (*last_id)(fx_store *s);
	int (*application_id)(int64_t *out, fx_store *s);
	int (*schema_version)(int64_t *out, fx_store *s);
	int (*object_count)(int64_t *out, fx_store *s);
	int (*set_schema_version)(fx_store *s, int version);
	int (*set_durable)(fx_store *s);
	int (*foreign_keys)(fx_store *s, int on);
	int (*foreign_key_orphan)(fx_store *s, char *table, size_t table_size,
				  char *parent, size_t parent_size);
	int (*triggers)(fx_store *s,
			int (*row)(void *payload, const char *name,
				   const char *sql),
			void *payload);
};

/* A connection: the backend's table, the name messages use, and the
 * engine's own connection (sqlite3 *, or store_pg.c's state). */
struct fx_store {
	const struct fx_store_ops *ops;
	char *name;
	int busy_ms;
	void *engine;
};

/* A statement: the backend's table and the engine's statement. */
struct fx_stmt {
	const struct fx_store_ops *ops;
	void *engine;
};

extern const struct fx_store_ops fx_store_sqlite_ops;
extern const struct fx_store_ops fx_store_pg_ops;

/* An empty SQLite database in memory (fx_store_open_memory). */
int fx_store_sqlite_open_memory(fx_store **out, const char *name);

/* Allocates a connection handle for ops named name; NULL: no memory. */
fx_store *fx_store_handle_new(const struct fx_store_ops *ops,
			      const char *name);
/* Frees what fx_store_handle_new allocated. */
void fx_store_handle_free(fx_store *s);

#endif
