/*
 * The storage interface (store.h) as the casedb modules call it: each call
 * goes to the backend the connection or statement was opened with
 * (store_backend.h). A location that is a PostgreSQL connection URI opens
 * store_pg.c's backend, anything else store_sqlite.c's; an in-memory
 * database (the schema's triggers read back) is always SQLite's.
 *
 * Threading: nothing here but constant tables; a connection is used by one
 * thread at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "casedb/store_backend.h"

int fx_store_is_uri(const char *location)
{
	return location && (strncmp(location, "postgresql://", 13) == 0 ||
			    strncmp(location, "postgres://", 11) == 0);
}

static const struct fx_store_ops *ops_for(const char *location)
{
	return fx_store_is_uri(location) ? &fx_store_pg_ops
					 : &fx_store_sqlite_ops;
}

fx_store *fx_store_handle_new(const struct fx_store_ops *ops,
			      const char *name)
{
	fx_store *s = calloc(1, sizeof(*s));

	if (s && !(s->name = strdup(name))) {
		free(s);
		return NULL;
	}
	if (s)
		s->ops = ops;
	return s;
}

void fx_store_handle_free(fx_store *s)
{
	if (!s)
		return;
	free(s->name);
	free(s);
}

enum fx_store_engine fx_store_engine_of(fx_store *s)
{
	return s->ops->engine;
}

int fx_store_locate(int *create, const char *path, int read_only)
{
	return ops_for(path)->locate(create, path, read_only);
}

int fx_store_open(fx_store **out, const char *path, const char *name,
		  int create, int read_only, int busy_ms)
{
	return ops_for(path)->open(out, path, name, create, read_only,
				   busy_ms);
}

int fx_store_open_memory(fx_store **out, const char *name)
{
	return fx_store_sqlite_open_memory(out, name);
}

void fx_store_close(fx_store *s)
{
	if (s)
		s->ops->close(s);
}

int fx_store_error(fx_store *s, const char *what)
{
	return s->ops->error(s, what);
}

const char *fx_store_errmsg(fx_store *s)
{
	return s->ops->errmsg(s);
}

int fx_store_prepare(fx_stmt **out, fx_store *s, const char *sql)
{
	return s->ops->prepare(out, s, sql);
}

void fx_stmt_free(fx_stmt *st)
{
	if (st)
		st->ops->stmt_free(st);
}

void fx_stmt_reset(fx_stmt *st)
{
	st->ops->stmt_reset(st);
}

int fx_stmt_bind_text(fx_stmt *st, int i, const char *s)
{
	return st->ops->bind_text(st, i, s);
}

int fx_stmt_bind_int(fx_stmt *st, int i, int64_t v)
{
	return st->ops->bind_int(st, i, v);
}

int fx_stmt_bind_null(fx_stmt *st, int i)
{
	return st->ops->bind_null(st, i);
}

int fx_stmt_bind_blob(fx_stmt *st, int i, const void *p, size_t n)
{
	return st->ops->bind_blob(st, i, p, n);
}

int fx_stmt_step(fx_stmt *st)
{
	return st->ops->step(st);
}

int fx_stmt_columns(fx_stmt *st)
{
	return st->ops->columns(st);
}

const char *fx_stmt_column_name(fx_stmt *st, int i)
{
	return st->ops->column_name(st, i);
}

enum fx_store_type fx_stmt_type(fx_stmt *st, int i)
{
	return st->ops->type(st, i);
}

int64_t fx_stmt_int(fx_stmt *st, int i)
{
	return st->ops->col_int(st, i);
}

const char *fx_stmt_text(fx_stmt *st, int i)
{
	return st->ops->col_text(st, i);
}

size_t fx_stmt_bytes(fx_stmt *st, int i)
{
	return st->ops->col_bytes(st, i);
}

int fx_store_exec(fx_store *s, const char *sql)
{
	return s->ops->exec(s, sql);
}

int fx_store_begin(fx_store *s, int write)
{
	return s->ops->begin(s, write);
}

int fx_store_commit(fx_store *s)
{
	return s->ops->commit(s);
}

void fx_store_rollback(fx_store *s)
{
	s->ops->rollback(s);
}

int64_t fx_store_last_id(fx_store *s)
{
	return s->ops->last_id(s);
}

int fx_store_application_id(int64_t *out, fx_store *s)
{
	return s->ops->application_id(out, s);
}

int fx_store_schema_version(int64_t *out, fx_store *s)
{
	return s->ops->schema_version(out, s);
}

int fx_store_object_count(int64_t *out, fx_store *s)
{
	return s->ops->object_count(out, s);
}

int fx_store_set_schema_version(fx_store *s, int version)
{
	return s->ops->set_schema_version(s, version);
}

int fx_store_set_durable(fx_store *s)
{
	return s->ops->set_durable(s);
}

int fx_store_foreign_keys(fx_store *s, int on)
{
	return s->ops->foreign_keys(s, on);
}

int fx_store_foreign_key_orphan(fx_store *s, char *table, size_t table_size,
				char *parent, size_t parent_size)
{
	return s->ops->foreign_key_orphan(s, table, table_size, parent,
					  parent_size);
}

int fx_store_triggers(fx_store *s,
		      int (*row)(void *payload, const char *name,
				 const char *sql),
		      void *payload)
{
	return s->ops->triggers(s, row, payload);
}
