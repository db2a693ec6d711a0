/*
 * The append-only triggers, compared with the schema's.
 *
 * The triggers of schemas/case.sql refuse every UPDATE and DELETE but the
 * finish of a running acquisition. Whoever has the file can drop them; the
 * audit chain then still finds records changed behind the library's back,
 * but a database without its triggers is no longer protected against the
 * next mistake, and a trigger someone added can make the library's own
 * writes lose rows silently (a BEFORE INSERT trigger that says
 * RAISE(IGNORE) drops the row and reports success, and the event written
 * afterwards describes the rows as stored, without it). So the audit check
 * reports any difference, and a handle refuses to write into such a
 * database (at open, and in every write transaction, under the write lock).
 *
 * What the schema's triggers are is learnt from the schema itself: case.sql
 * is run once per handle in an in-memory database and its triggers are
 * read back (fx_store_triggers), so the text compared is exactly the text
 * the engine stores, and the schema stays the single source. Comparing is
 * one sorted merge of two short lists.
 *
 * Older schema versions (a reader checks a database as it is, without
 * migrating it) had the same triggers but for those of tables added
 * later: from version 1 to the current one no migration has changed one
 * (case_migrate_2.sql re-creates those of the table it rebuilds with
 * case.sql's text, case_migrate_3.sql adds a column, case_migrate_4.sql
 * adds the tables image_sets and image_set_files and case_migrate_5.sql
 * the tables exports, export_files, anchors and source_files, each with
 * their triggers in case.sql's text), so a database is compared with
 * case.sql's triggers, less those of the tables its version does not have
 * yet (added_later: a database before version 4 has none of them, one of
 * version 4 no exports, no anchors and no source_files).
 * case_migrate_5.sql also adds two columns (acquisitions.optical,
 * image_files.allocated_bytes), which no trigger names.
 * test_migration_triggers in tests/check_casedb.c fails when a migration
 * creates or drops a trigger with any other text; such a migration must
 * give the versions before it their own list here (db->version).
 *
 * A PostgreSQL ledger (schemas/postgresql/schema.sql) has triggers of
 * the same names calling plpgsql functions, plus <table>_no_truncate for
 * each table; its store lists each as "enabled" or "disabled" rather
 * than its text. So its reference is case.sql's names, each "enabled",
 * with the TRUNCATE triggers and audit_log_link added: a trigger dropped, disabled
 * (ALTER TABLE ... DISABLE TRIGGER) or added is found the same way. What
 * a trigger function does is not compared; a function replaced by one
 * that lets changes through is found by the chain, like a dropped
 * trigger in SQLite.
 *
 * Threading: per handle, like the rest of the module.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casedb/casedb_int.h"
#include "base/error.h"
#include "base/vec.h"
#include "fx_schemas.h"

struct fx_trigger {
	char *name;
	char *sql;
};

/* A list being read. */
struct trigger_list {
	struct fx_trigger *t;
	size_t n, cap;
};

static void triggers_free(struct fx_trigger *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(t[i].name);
		free(t[i].sql);
	}
	free(t);
}

static char *dup_text(const char *v)
{
	return strdup(v ? v : "");
}

/* Appends one trigger to the list (a struct trigger_list). */
static int add_row(void *payload, const char *name, const char *sql)
{
	struct trigger_list *l = payload;

	if (FX_VEC_RESERVE(l->t, l->cap, l->n + 1) != 0)
		return fx_error_set(FX_ERROR, "out of memory");
	l->t[l->n].name = dup_text(name);
	l->t[l->n].sql = dup_text(sql);
	l->n++;
	if (!l->t[l->n - 1].name || !l->t[l->n - 1].sql)
		return fx_error_set(FX_ERROR, "out of memory");
	return 0;
}

/* Reads the triggers of s (sorted by name) into *out. */
static int triggers_read(struct fx_trigger **out, size_t *n, fx_store *s)
{
	struct trigger_list l = { NULL, 0, 0 };
	int rc = fx_store_triggers(s, add_row, &l);

	if (rc) {
		triggers_free(l.t, l.n);
		l.t = NULL;
		l.n = 0;
	}
	*out = l.t;
	*n = l.n;
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct fx_trigger *)a)->name,
		      ((const struct fx_trigger *)b)->name);
}

/* case.sql's triggers as a PostgreSQL ledger has them: each "enabled",
 * a TRUNCATE trigger beside each table's DELETE trigger, and
 * audit_log_link (schemas/postgresql/schema.sql: an event inserted must
 * follow the head), which SQLite has no counterpart of. */
static int pg_expected(fx_casedb *db)
{
	struct trigger_list l = { db->triggers, db->n_triggers,
				  db->n_triggers };
	size_t i, n = db->n_triggers, len;
	char name[160];
	int rc = 0;

	for (i = 0; !rc && i < n; i++) {
		free(l.t[i].sql);
		l.t[i].sql = dup_text("enabled");
		if (!l.t[i].sql)
			rc = fx_error_set(FX_ERROR, "out of memory");
		len = strlen(l.t[i].name);
		if (!rc && len > 10 && !strcmp(l.t[i].name + len - 10, "_no_delete")) {
			snprintf(name, sizeof(name), "%.*s_no_truncate",
				 (int)(len - 10), l.t[i].name);
			rc = add_row(&l, name, "enabled");
		}
	}
	if (!rc)
		rc = add_row(&l, "audit_log_link", "enabled");
	db->triggers = l.t;
	db->n_triggers = l.n;
	if (!rc)
		qsort(l.t, l.n, sizeof(*l.t), by_name);
	return rc;
}

/* The schema's triggers, made once per handle. */
static int expected(fx_casedb *db)
{
	fx_store *mem = NULL;
	int rc;

	if (db->triggers)
		return 0;
	if (fx_store_open_memory(&mem, "(the schema, in memory)") != 0 ||
	    fx_store_exec(mem, fx_schema_case) != 0)
		rc = fx_error_set(FX_ERROR, "internal: cannot build the "
				  "schema in memory: %s",
				  mem ? fx_store_errmsg(mem) : "out of memory");
	else
		rc = triggers_read(&db->triggers, &db->n_triggers, mem);
	fx_store_close(mem);
	if (!rc && fx_store_engine_of(db->store) == FX_STORE_POSTGRESQL)
		rc = pg_expected(db);
	return rc;
}

/* Whether the schema's trigger name belongs to a table that a database of
 * version does not have yet: image_sets and image_set_files came with
 * schema 4, exports, export_files, anchors and source_files with schema 5. */
static int added_later(const char *name, int version)
{
	static const struct { const char *prefix; int since; } later[] = {
		{ "image_sets_", FX_SCHEMA_IMAGE_SETS },
		{ "image_set_files_", FX_SCHEMA_IMAGE_SETS },
		{ "exports_", FX_SCHEMA_EXPORTS },
		{ "export_files_", FX_SCHEMA_EXPORTS },
		{ "source_files_", FX_SCHEMA_SOURCE_FILES },
		{ "anchors_", FX_SCHEMA_ANCHORS },
	};
	size_t i;

	for (i = 0; i < sizeof(later) / sizeof(later[0]); i++)
		if (version < later[i].since &&
		    !strncmp(name, later[i].prefix, strlen(later[i].prefix)))
			return 1;
	return 0;
}

/* The first difference between want (the schema's, for a database of
 * version) and have, in name order; 0 if none. */
static int compare(char *why, size_t why_size, const struct fx_trigger *want,
		   size_t n_want, const struct fx_trigger *have, size_t n_have,
		   int version)
{
	size_t i = 0, k = 0;
	int c;

	while (i < n_want || k < n_have) {
		if (i < n_want && added_later(want[i].name, version)) {
			i++;
			continue;
		}
		c = i == n_want ? 1 : k == n_have ? -1
			: strcmp(want[i].name, have[k].name);
		if (c < 0) {
			snprintf(why, why_size, "append-only trigger %.100s is "
				 "missing", want[i].name);
			return 1;
		}
		if (c > 0) {
			snprintf(why, why_size, "trigger %.100s is not part of "
				 "the schema", have[k].name);
			return 1;
		}
		if (!strcmp(have[k].sql, "disabled")) {
			snprintf(why, why_size, "append-only trigger %.100s is "
				 "disabled", want[i].name);
			return 1;
		}
		if (strcmp(want[i].sql, have[k].sql) != 0) {
			snprintf(why, why_size, "append-only trigger %.100s "
				 "differs from the schema's definition",
				 want[i].name);
			return 1;
		}
		i++;
		k++;
	}
	return 0;
}

int fx_casedb_triggers_check(char *why, size_t why_size, fx_casedb *db)
{
	struct fx_trigger *have = NULL;
	size_t n_have = 0;
	int rc;

	why[0] = '\0';
	rc = expected(db);
	if (!rc)
		rc = triggers_read(&have, &n_have, db->store);
	if (!rc)
		rc = compare(why, why_size, db->triggers, db->n_triggers, have,
			     n_have, db->version);
	triggers_free(have, n_have);
	return rc;
}

int fx_casedb_triggers_require(fx_casedb *db)
{
	char why[256];
	int rc = fx_casedb_triggers_check(why, sizeof(why), db);

	if (rc == 1)
		return fx_error_set(FX_ECORRUPT, "%s: %s; refusing to write to "
				    "a case database whose records are no "
				    "longer protected (check its audit chain)",
				    db->path, why);
	return rc;
}

void fx_casedb_triggers_free(fx_casedb *db)
{
	triggers_free(db->triggers, db->n_triggers);
	db->triggers = NULL;
	db->n_triggers = 0;
}
