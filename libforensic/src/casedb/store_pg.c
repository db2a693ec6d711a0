/*
 * The storage interface (store.h) on PostgreSQL, over libpq: the one file
 * of the library that talks to a PostgreSQL server (tests/layers.py).
 *
 * A lab ledger: one database that the stations of a lab write to at once,
 * each connecting as a role that may only INSERT and SELECT
 * (schemas/postgresql/roles.sql), so the server, not the library, keeps it
 * append-only. The schema is the same in meaning as schemas/case.sql
 * (schemas/postgresql/schema.sql), so the modules' SQL runs unchanged but
 * for three translations made here:
 *
 * - Parameters ?N become $N (outside quoted text). A text is sent as text,
 *   an integer as int8, a blob as bytea in binary (a NULL text as a text;
 *   a NULL bound as such, or a parameter never bound, leaves its type to
 *   the server). Results come back in binary and are read by type: the
 *   integer types (and bool as 0/1) are integers, text-like ones text,
 *   bytea its bytes, anything else "other".
 * - A write transaction takes pg_advisory_xact_lock(FX_PG_CHAIN_LOCK)
 *   first, in READ COMMITTED, so every statement after it sees the last
 *   writer's commit: appends to the audit chain are serialised and the
 *   chain never forks, whatever the number of stations. The lock waits up
 *   to the busy timeout (lock_timeout), then fails as busy. A read is one
 *   REPEATABLE READ READ ONLY snapshot.
 * - The named operations ask the catalog and table meta what SQLite keeps
 *   in its header (application id, schema version, triggers).
 *
 * A statement runs when it is first stepped (PQexecParams: one round
 * trip, the whole result kept), and its rows are read from the result.
 * A failure stays in the handle (the server's message and SQLSTATE) until
 * fx_store_error reports it, the SQLSTATE giving the FX_E code.
 *
 * A connection that was lost (the server restarted, the backend was
 * terminated, the network dropped) is made again before the next
 * transaction or statement outside one: every write is one transaction
 * that reads the chain's head under the lock, and no statement is
 * prepared on the server, so nothing of the old session is needed. A
 * transaction the loss cut short is failed, never replayed; the caller
 * sees that failure. So an acquisition whose ledger went away for a
 * moment still records its result at the end.
 *
 * Messages name the server as the caller gave it, less any password
 * (fx_store_redact).
 *
 * Threading: a connection and its statements are used by one thread at a
 * time (a PGconn is not shared).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "casedb/store_backend.h"
#include "base/error.h"

/* The advisory lock that serialises the writers of one ledger ("FXCD"
 * "AUDT": one chain per database); schemas/postgresql/schema.sql's
 * fx_audit_link takes it too, as 5068875341038437460. */
#define FX_PG_CHAIN_LOCK 0x4658434441554454LL

/* Type OIDs (pg_type.h, stable across versions). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_VARCHAR 1043
#define OID_BPCHAR 1042
#define OID_NAME 19

#define PG_MAX_PARAMS 64

struct pg {
	PGconn *conn;
	char *err;         /* the pending failure, NULL if none */
	char state[6];     /* its SQLSTATE ("" if none) */
	char session[160]; /* the SETs every session of the handle runs */
	int in_tx;         /* between a begin and its commit or rollback */
};

struct pg_stmt {
	fx_stmt base;
	fx_store *s;
	char *sql;                   /* with $N */
	int n;                       /* parameters: the highest ?N */
	const char *val[PG_MAX_PARAMS];
	int len[PG_MAX_PARAMS], fmt[PG_MAX_PARAMS];
	Oid type[PG_MAX_PARAMS];
	char num[PG_MAX_PARAMS][24]; /* integers as text */
	PGresult *res;
	int row;                     /* -1: not run yet */
	char cell[24];               /* an integer read as text */
};

static struct pg *P(fx_store *s)
{
	return s->engine;
}

static struct pg_stmt *T(fx_stmt *st)
{
	return (struct pg_stmt *)(void *)st;
}

/* ---- failures ---- */

/* Keeps msg (its first line) and state as the pending failure. */
static void fail(fx_store *s, const char *msg, const char *state)
{
	struct pg *p = P(s);
	size_t n;

	free(p->err);
	msg = msg && *msg ? msg : "unknown error";
	n = strcspn(msg, "\n");
	p->err = strndup(msg, n);
	snprintf(p->state, sizeof(p->state), "%s", state ? state : "");
}

static void fail_result(fx_store *s, const PGresult *r)
{
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
				: NULL;

	fail(s, primary ? primary : PQerrorMessage(P(s)->conn),
	     r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL);
	if (PQstatus(P(s)->conn) == CONNECTION_BAD && !primary)
		fail(s, PQerrorMessage(P(s)->conn), "08006");
}

static int code_of(const char *state)
{
	if (!strcmp(state, "23505"))
		return FX_EEXISTS;
	if (!strncmp(state, "23", 2))
		return FX_EUSAGE;
	if (!strcmp(state, "53100"))
		return FX_ENOSPC;
	if (!strcmp(state, "55P03") || !strcmp(state, "40001") ||
	    !strcmp(state, "40P01"))
		return FX_EBUSY;
	if (!strcmp(state, "58030"))
		return FX_EIO;
	if (!strcmp(state, "XX001") || !strcmp(state, "XX002"))
		return FX_ECORRUPT;
	return FX_ERROR;
}

static int pg_error(fx_store *s, const char *what)
{
	struct pg *p = P(s);

	return fx_error_set(code_of(p->state), "case database %s: %s: %s",
			    s->name, what, p->err ? p->err : "unknown error");
}

static const char *pg_errmsg(fx_store *s)
{
	return P(s)->err ? P(s)->err : "not an error";
}

/* ---- connections ---- */

/* Nothing to look at before the server answers: a ledger is never
 * created by opening it (verify ledger init sets one up). */
static int pg_locate(int *create, const char *path, int read_only)
{
	(void)path;
	(void)read_only;
	*create = 0;
	return 0;
}

static void pg_close(fx_store *s)
{
	if (!s)
		return;
	if (P(s)) {
		PQfinish(P(s)->conn);
		free(P(s)->err);
		free(P(s));
	}
	fx_store_handle_free(s);
}

/* Runs sql without parameters or results; 0 or FX_STORE_FAILED. */
static int run(fx_store *s, const char *sql)
{
	PGresult *r = PQexec(P(s)->conn, sql);
	int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK ||
		       PQresultStatus(r) == PGRES_TUPLES_OK);

	if (!ok)
		fail_result(s, r);
	PQclear(r);
	return ok ? 0 : FX_STORE_FAILED;
}

/* Ignores the server's notices (a NOTICE of the schema script would
 * otherwise go to stderr: the library never prints). */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Refuses a URI libpq cannot parse, before connecting. libpq's reason
 * quotes the token it stopped at, which may be the password (a bad
 * percent-escape in it): when the URI holds one (its name, which leaves
 * the password out, differs from it), the reason is not shown. */
static int parse_check(const char *path, const char *name)
{
	PQconninfoOption *opts;
	char *why = NULL;
	int rc = 0;

	if ((opts = PQconninfoParse(path, &why)) != NULL) {
		PQconninfoFree(opts);
		return 0;
	}
	if (!why)
		rc = fx_error_set(FX_ERROR, "case database %s: out of memory",
				  name);
	else if (strcmp(path, name) != 0)
		rc = fx_error_set(FX_ERROR, "case database %s: not a valid "
				  "connection URI (libpq's reason is not shown: "
				  "the URI holds a password)", name);
	else
		rc = fx_error_set(FX_ERROR, "case database %s: not a valid "
				  "connection URI: %.*s", name,
				  (int)strcspn(why, "\n"), why);
	PQfreemem(why);
	return rc;
}

static int pg_open(fx_store **out, const char *path, const char *name,
		   int create, int read_only, int busy_ms)
{
	fx_store *s;
	int rc = 0;

	(void)create;
	*out = NULL;
	if ((rc = parse_check(path, name)) != 0)
		return rc;
	if (!(s = fx_store_handle_new(&fx_store_pg_ops, name)) ||
	    !(s->engine = calloc(1, sizeof(struct pg)))) {
		pg_close(s);
		return fx_error_set(FX_ERROR, "out of memory");
	}
	s->busy_ms = busy_ms;
	P(s)->conn = PQconnectdb(path);
	if (!P(s)->conn || PQstatus(P(s)->conn) != CONNECTION_OK) {
		rc = fx_error_set(FX_ERROR, "case database %s: cannot connect: "
				  "%.*s", name, P(s)->conn ? (int)strcspn(
				  PQerrorMessage(P(s)->conn), "\n") : 13,
				  P(s)->conn ? PQerrorMessage(P(s)->conn) :
				  "out of memory");
		goto done;
	}
	PQsetNoticeProcessor(P(s)->conn, quiet, NULL);
	snprintf(P(s)->session, sizeof(P(s)->session), "SET lock_timeout = %d; "
		 "SET default_transaction_read_only = %s; SET client_encoding "
		 "= 'UTF8'", busy_ms, read_only ? "on" : "off");
	if (run(s, P(s)->session) != 0)
		rc = pg_error(s, "set up the session");
done:
	if (rc)
		pg_close(s);
	else
		*out = s;
	return rc;
}

/* Connects again if the connection was lost; 0 or FX_STORE_FAILED
 * (the failure pending, saying why). */
static int reconnect(fx_store *s)
{
	PGconn *c = P(s)->conn;

	if (PQstatus(c) == CONNECTION_OK)
		return 0;
	if (P(s)->in_tx) {   /* never the rest of a transaction in another */
		fail(s, "the connection was lost during the transaction",
		     "08006");
		return FX_STORE_FAILED;
	}
	PQreset(c);
	if (PQstatus(c) != CONNECTION_OK) {
		fail(s, PQerrorMessage(c), "08006");
		return FX_STORE_FAILED;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	return run(s, P(s)->session);
}

/* ---- statements ---- */

/* sql with ?N as $N, outside '...' and "..." (the modules number every
 * parameter); *n is the highest N (a parameter never bound is NULL, as in
 * SQLite). */
static char *translate(const char *sql, int *n)
{
	char *out = malloc(strlen(sql) + 1), *o = out, quote = 0;
	const char *c;
	int param;

	*n = 0;
	if (!out)
		return NULL;
	for (c = sql; *c; c++) {
		if (quote && *c == quote)
			quote = 0;
		else if (!quote && (*c == '\'' || *c == '"'))
			quote = *c;
		if (!quote && *c == '?' && c[1] >= '0' && c[1] <= '9') {
			param = atoi(c + 1);
			if (param > *n)
				*n = param;
			*o++ = '$';
			continue;
		}
		*o++ = *c;
	}
	*o = '\0';
	return out;
}

static int pg_prepare(fx_stmt **out, fx_store *s, const char *sql)
{
	struct pg_stmt *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t || !(t->sql = translate(sql, &t->n))) {
		free(t);
		return fx_error_set(FX_ERROR, "case database %s: out of memory",
				    s->name);
	}
	if (t->n > PG_MAX_PARAMS) {
		free(t->sql);
		free(t);
		return fx_error_set(FX_ERROR, "internal: case database %s: more "
				    "than %d parameters", s->name, PG_MAX_PARAMS);
	}
	t->base.ops = &fx_store_pg_ops;
	t->s = s;
	t->row = -1;
	*out = &t->base;
	return 0;
}

static void pg_stmt_reset(fx_stmt *st)
{
	PQclear(T(st)->res);
	T(st)->res = NULL;
	T(st)->row = -1;
}

static void pg_stmt_free(fx_stmt *st)
{
	if (!st)
		return;
	pg_stmt_reset(st);
	free(T(st)->sql);
	free(T(st));
}

static int param(struct pg_stmt *t, int i, const char *v, int len, int fmt,
		 Oid type)
{
	if (i < 1 || i > PG_MAX_PARAMS) {
		fail(t->s, "parameter number out of range", "");
		return FX_STORE_FAILED;
	}
	t->val[i - 1] = v;
	t->len[i - 1] = len;
	t->fmt[i - 1] = fmt;
	t->type[i - 1] = type;
	if (i > t->n)
		t->n = i;
	return 0;
}

static int pg_bind_text(fx_stmt *st, int i, const char *s)
{
	return param(T(st), i, s, 0, 0, OID_TEXT);   /* NULL: a text's NULL */
}

static int pg_bind_int(fx_stmt *st, int i, int64_t v)
{
	struct pg_stmt *t = T(st);

	if (i < 1 || i > PG_MAX_PARAMS)
		return param(t, i, NULL, 0, 0, 0);
	snprintf(t->num[i - 1], sizeof(t->num[0]), "%lld", (long long)v);
	return param(t, i, t->num[i - 1], 0, 0, OID_INT8);
}

static int pg_bind_null(fx_stmt *st, int i)
{
	return param(T(st), i, NULL, 0, 0, 0);
}

static int pg_bind_blob(fx_stmt *st, int i, const void *p, size_t n)
{
	if (n > INT32_MAX) {
		fail(T(st)->s, "blob too large", "54000");
		return FX_STORE_FAILED;
	}
	return param(T(st), i, p, (int)n, 1, OID_BYTEA);
}

static int pg_step(fx_stmt *st)
{
	struct pg_stmt *t = T(st);
	ExecStatusType status;

	if (t->row < 0 && !t->res) {
		if (reconnect(t->s) != 0)
			return FX_STORE_FAILED;
		t->res = PQexecParams(P(t->s)->conn, t->sql, t->n, t->type,
				      t->val, t->len, t->fmt, 1);
		status = t->res ? PQresultStatus(t->res) : PGRES_FATAL_ERROR;
		if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
			fail_result(t->s, t->res);
			pg_stmt_reset(st);
			return FX_STORE_FAILED;
		}
	}
	if (!t->res)
		return FX_STORE_DONE;
	t->row++;
	return t->row < PQntuples(t->res) ? FX_STORE_ROW : FX_STORE_DONE;
}

static int pg_columns(fx_stmt *st)
{
	return T(st)->res ? PQnfields(T(st)->res) : 0;
}

static const char *pg_column_name(fx_stmt *st, int i)
{
	return T(st)->res ? PQfname(T(st)->res, i) : NULL;
}

static int in_row(struct pg_stmt *t, int i)
{
	return t->res && t->row >= 0 && t->row < PQntuples(t->res) &&
	       i >= 0 && i < PQnfields(t->res);
}

static enum fx_store_type pg_type(fx_stmt *st, int i)
{
	struct pg_stmt *t = T(st);

	if (!in_row(t, i) || PQgetisnull(t->res, t->row, i))
		return FX_STORE_NULL;
	switch (PQftype(t->res, i)) {
	case OID_BOOL: case OID_INT2: case OID_INT4: case OID_INT8:
		return FX_STORE_INT;
	case OID_TEXT: case OID_VARCHAR: case OID_BPCHAR: case OID_NAME:
		return FX_STORE_TEXT;
	default:
		return FX_STORE_OTHER;
	}
}

static int64_t pg_int(fx_stmt *st, int i)
{
	struct pg_stmt *t = T(st);
	const unsigned char *v;
	uint64_t u = 0;
	int n, k;

	if (!in_row(t, i) || PQgetisnull(t->res, t->row, i))
		return 0;
	v = (const unsigned char *)PQgetvalue(t->res, t->row, i);
	n = PQgetlength(t->res, t->row, i);
	switch (PQftype(t->res, i)) {
	case OID_BOOL:
		return n == 1 && v[0];
	case OID_INT2: case OID_INT4: case OID_INT8:
		for (k = 0; k < n; k++)
			u = u << 8 | v[k];
		if (n == 2)
			return (int16_t)u;
		if (n == 4)
			return (int32_t)u;
		return (int64_t)u;
	default:   /* like SQLite: the text's leading integer */
		return strtoll((const char *)v, NULL, 10);
	}
}

static const char *pg_text(fx_stmt *st, int i)
{
	struct pg_stmt *t = T(st);

	if (!in_row(t, i) || PQgetisnull(t->res, t->row, i))
		return NULL;
	/* an integer read as text, as SQLite gives it */
	if (pg_type(st, i) == FX_STORE_INT) {
		snprintf(t->cell, sizeof(t->cell), "%lld",
			 (long long)pg_int(st, i));
		return t->cell;
	}
	return PQgetvalue(t->res, t->row, i);   /* libpq adds a NUL */
}

static size_t pg_bytes(fx_stmt *st, int i)
{
	struct pg_stmt *t = T(st);

	if (!in_row(t, i) || PQgetisnull(t->res, t->row, i))
		return 0;
	if (pg_type(st, i) == FX_STORE_INT)
		return strlen(pg_text(st, i));
	return (size_t)PQgetlength(t->res, t->row, i);
}

static int pg_exec(fx_store *s, const char *sql)
{
	return run(s, sql);
}

/* ---- transactions ---- */

/* BEGIN (and the lock) on the connection as it is. */
static int begin_once(fx_store *s, int write)
{
	char sql[160];

	if (!write)
		return run(s, "BEGIN ISOLATION LEVEL REPEATABLE READ");
	snprintf(sql, sizeof(sql), "BEGIN ISOLATION LEVEL READ COMMITTED; "
		 "SELECT pg_advisory_xact_lock(%lld)", FX_PG_CHAIN_LOCK);
	if (run(s, sql) != 0) {
		if (PQtransactionStatus(P(s)->conn) != PQTRANS_IDLE)
			PQclear(PQexec(P(s)->conn, "ROLLBACK"));
		return FX_STORE_FAILED;
	}
	return 0;
}

/* libpq finds a lost connection only when it next uses it: a BEGIN that
 * fails so is run once more on a new connection (nothing was done yet). */
static int pg_begin(fx_store *s, int write)
{
	int rc;

	if (reconnect(s) != 0)
		return FX_STORE_FAILED;
	rc = begin_once(s, write);
	if (rc && PQstatus(P(s)->conn) != CONNECTION_OK &&
	    (rc = reconnect(s)) == 0)
		rc = begin_once(s, write);
	P(s)->in_tx = rc == 0;
	return rc;
}

static int pg_commit(fx_store *s)
{
	P(s)->in_tx = 0;
	return run(s, "COMMIT");
}

static void pg_rollback(fx_store *s)
{
	PGTransactionStatusType ts = PQtransactionStatus(P(s)->conn);

	P(s)->in_tx = 0;
	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		PQclear(PQexec(P(s)->conn, "ROLLBACK"));
}

/* The value the last INSERT drew from a sequence (every id column is an
 * identity column). */
static int64_t pg_last_id(fx_store *s)
{
	PGresult *r = PQexec(P(s)->conn, "SELECT lastval()");
	int64_t id = 0;

	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else
		fail_result(s, r);
	PQclear(r);
	return id;
}

/* ---- named operations ---- */

/* One integer from sql (text results: PQexec); 0 when there is no row. */
static int query_int(int64_t *out, fx_store *s, const char *sql)
{
	PGresult *r = PQexec(P(s)->conn, sql);
	int rc = 0;

	*out = 0;
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
		fail_result(s, r);
		rc = pg_error(s, "read the schema");
	} else if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
		*out = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	}
	PQclear(r);
	return rc;
}

/* A meta value as an integer; 0 when the table or the key is missing. */
static int meta_int(int64_t *out, fx_store *s, const char *key)
{
	char sql[256];
	int64_t has = 0;
	int rc = query_int(&has, s, "SELECT count(*) FROM pg_catalog.pg_class "
			   "WHERE oid = to_regclass('meta')");

	*out = 0;
	if (rc || !has)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT CASE WHEN value ~ '^[0-9]{1,18}$' "
		 "THEN value::int8 ELSE -1 END FROM meta WHERE key = '%s'", key);
	return query_int(out, s, sql);
}

static int pg_application_id(int64_t *out, fx_store *s)
{
	return meta_int(out, s, "application_id");
}

static int pg_schema_version(int64_t *out, fx_store *s)
{
	return meta_int(out, s, "schema_version");
}

static int pg_object_count(int64_t *out, fx_store *s)
{
	return query_int(out, s, "SELECT count(*) FROM pg_catalog.pg_class c "
			 "JOIN pg_catalog.pg_namespace n ON n.oid = "
			 "c.relnamespace WHERE n.nspname = current_schema() "
			 "AND c.relkind IN ('r', 'i', 'S', 'v')");
}

static int pg_set_schema_version(fx_store *s, int version)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%d' WHERE key = "
		 "'schema_version'", version);
	return run(s, sql) ? pg_error(s, "set schema version") : 0;
}

/* A commit is durable (synchronous_commit, fsync) and foreign keys are
 * always enforced: the server's settings, which a station cannot change. */
static int pg_set_durable(fx_store *s)
{
	(void)s;
	return 0;
}

static int pg_foreign_keys(fx_store *s, int on)
{
	(void)s;
	(void)on;
	return 0;
}

static int pg_foreign_key_orphan(fx_store *s, char *table, size_t table_size,
				 char *parent, size_t parent_size)
{
	(void)s;
	(void)table;
	(void)table_size;
	(void)parent;
	(void)parent_size;
	return 0;
}

/* The triggers on the tables of the current schema, in name order; the
 * definition is "enabled" for one that fires in every session ('O'
 * origin, 'A' always) and "disabled" for one that does not. */
static int pg_triggers(fx_store *s,
		       int (*row)(void *payload, const char *name,
				  const char *sql),
		       void *payload)
{
	PGresult *r = PQexec(P(s)->conn, "SELECT t.tgname, CASE WHEN "
			     "t.tgenabled IN ('O', 'A') THEN 'enabled' ELSE "
			     "'disabled' END FROM pg_catalog.pg_trigger t "
			     "JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
			     "JOIN pg_catalog.pg_namespace n ON n.oid = "
			     "c.relnamespace WHERE NOT t.tgisinternal AND "
			     "n.nspname = current_schema() ORDER BY t.tgname "
			     "COLLATE \"C\"");
	int rc = 0, i;

	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
		fail_result(s, r);
		rc = fx_error_set(FX_ERROR, "case database %s: cannot read its "
				  "triggers: %s", s->name, pg_errmsg(s));
	}
	for (i = 0; !rc && i < PQntuples(r); i++)
		rc = row(payload, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
	PQclear(r);
	return rc;
}

const struct fx_store_ops fx_store_pg_ops = {
	.engine = FX_STORE_POSTGRESQL,
	.error = pg_error, .errmsg = pg_errmsg, .locate = pg_locate,
	.open = pg_open, .close = pg_close, .prepare = pg_prepare,
	.stmt_free = pg_stmt_free, .stmt_reset = pg_stmt_reset,
	.bind_text = pg_bind_text, .bind_int = pg_bind_int,
	.bind_null = pg_bind_null, .bind_blob = pg_bind_blob,
	.step = pg_step, .columns = pg_columns,
	.column_name = pg_column_name, .type = pg_type,
	.col_int = pg_int, .col_text = pg_text, .col_bytes = pg_bytes,
	.exec = pg_exec, .begin = pg_begin, .commit = pg_commit,
	.rollback = pg_rollback, .last_id = pg_last_id,
	.application_id = pg_application_id,
	.schema_version = pg_schema_version,
	.object_count = pg_object_count,
	.set_schema_version = pg_set_schema_version,
	.set_durable = pg_set_durable, .foreign_keys = pg_foreign_keys,
	.foreign_key_orphan = pg_foreign_key_orphan, .triggers = pg_triggers,
};
