/*
 * What each audit event says: the content of a record event is the rows the
 * change wrote, read back from the database in the same transaction and
 * written as canonical JSON. The same functions rebuild the content when the
 * chain is checked, so a record changed after the fact (by someone who
 * dropped the append-only triggers) no longer matches its event, and a row
 * that no event accounts for shows up in the row counts.
 *
 * The column lists are spelled out (not SELECT *) so that a later migration
 * that adds columns does not change what old events say. A new kind of
 * event, or a new version of one, gets a new entry in fx_kinds.
 *
 * The JSON is base/json's writer in its canonical mode (FX_JSON_CANONICAL);
 * the audit check reads it back with the same module's canonical reader.
 *
 * Threading: constant tables only; the caller's handle does the I/O.
 */
#include <stdio.h>
#include <string.h>

#include "casedb/casedb_int.h"
#include "base/error.h"

struct fx_part {
	const char *key;   /* member of the content object */
	const char *sql;   /* ?1 is the record id */
	int many;          /* an array of rows, else exactly one row */
	int table;         /* enum fx_table counted */
};

struct fx_kind {
	const char *action;
	const char *id_object;        /* the record id is content.<this>.id */
	const struct fx_part *parts;  /* in key order; NULL: no record */
};

#define FX_HASH_COLUMNS "SELECT id, algorithm, value, scope, window_offset, " \
	"window_length FROM hashes "

static const struct fx_part key_parts[] = {
	{ "signing_key", "SELECT id, algorithm, public_key, registered_utc "
	  "FROM signing_keys WHERE id = ?1", 0, FX_T_SIGNING_KEYS },
	{ NULL, NULL, 0, 0 }
};

static const struct fx_part case_parts[] = {
	{ "case", "SELECT id, case_number, description, created_utc "
	  "FROM cases WHERE id = ?1", 0, FX_T_CASES },
	{ NULL, NULL, 0, 0 }
};

static const struct fx_part evidence_parts[] = {
	{ "evidence", "SELECT id, case_id, evidence_number, description, notes, "
	  "examiner, created_utc, vendor, model, serial, wwid, size_bytes, "
	  "logical_sector_size, physical_sector_size, removable, rotational, "
	  "is_block_device, hpa_dco FROM evidence WHERE id = ?1", 0,
	  FX_T_EVIDENCE },
	{ NULL, NULL, 0, 0 }
};

static const struct fx_part begin_parts[] = {
	{ "acquisition", "SELECT id, evidence_id, tool, tool_version, "
	  "library_versions, host, operator, command_line, parameters_json, "
	  "format, compression, segment_size, block_size, source_path, vendor, "
	  "model, serial, wwid, size_bytes, logical_sector_size, "
	  "physical_sector_size, removable, rotational, is_block_device, "
	  "hpa_dco, write_block_method, write_block_before, write_block_after, "
	  "start_utc, owner_host, owner_pid, owner_boot_id, owner_start_ticks "
	  "FROM acquisitions WHERE id = ?1", 0, FX_T_ACQUISITIONS },
	{ NULL, NULL, 0, 0 }
};

/* acquisition.begin with the media and the source's container files
 * (schema 5). */
static const struct fx_part start_parts[] = {
	{ "acquisition", "SELECT id, evidence_id, tool, tool_version, "
	  "library_versions, host, operator, command_line, parameters_json, "
	  "format, compression, segment_size, block_size, source_path, vendor, "
	  "model, serial, wwid, size_bytes, logical_sector_size, "
	  "physical_sector_size, removable, rotational, is_block_device, "
	  "hpa_dco, write_block_method, write_block_before, write_block_after, "
	  "start_utc, owner_host, owner_pid, owner_boot_id, owner_start_ticks, "
	  "optical FROM acquisitions WHERE id = ?1", 0, FX_T_ACQUISITIONS },
	{ "source_files", "SELECT id, role, format, path, size_bytes, sha256 "
	  "FROM source_files WHERE acquisition_id = ?1 ORDER BY id", 1,
	  FX_T_SOURCE_FILES },
	{ NULL, NULL, 0, 0 }
};

static const struct fx_part finish_parts[] = {
	{ "acquisition", "SELECT id, status, end_utc, bytes_acquired, "
	  "sector_size FROM acquisitions WHERE id = ?1 AND status <> 'running'",
	  0, FX_T_FINISHED },
	{ "bad_sectors", "SELECT id, first_sector, sector_count FROM "
	  "bad_sectors WHERE acquisition_id = ?1 ORDER BY id", 1,
	  FX_T_BAD_SECTORS },
	{ "hashes", FX_HASH_COLUMNS "WHERE acquisition_id = ?1 ORDER BY id", 1,
	  FX_T_HASHES },
	{ "image_files", "SELECT id, path, size_bytes, sha256 FROM image_files "
	  "WHERE acquisition_id = ?1 ORDER BY id", 1, FX_T_IMAGE_FILES },
	{ NULL, NULL, 0, 0 }
};

/* acquisition.finish with the reason a run failed (schema 3). */
static const struct fx_part end_parts[] = {
	{ "acquisition", "SELECT id, status, end_utc, bytes_acquired, "
	  "sector_size, error FROM acquisitions WHERE id = ?1 AND "
	  "status <> 'running'", 0, FX_T_FINISHED },
	{ "bad_sectors", "SELECT id, first_sector, sector_count FROM "
	  "bad_sectors WHERE acquisition_id = ?1 ORDER BY id", 1,
	  FX_T_BAD_SECTORS },
	{ "hashes", FX_HASH_COLUMNS "WHERE acquisition_id = ?1 ORDER BY id", 1,
	  FX_T_HASHES },
	{ "image_files", "SELECT id, path, size_bytes, sha256 FROM image_files "
	  "WHERE acquisition_id = ?1 ORDER BY id", 1, FX_T_IMAGE_FILES },
	{ NULL, NULL, 0, 0 }
};

/* acquisition.end with each image file's allocated bytes (schema 5). */
static const struct fx_part close_parts[] = {
	{ "acquisition", "SELECT id, status, end_utc, bytes_acquired, "
	  "sector_size, error FROM acquisitions WHERE id = ?1 AND "
	  "status <> 'running'", 0, FX_T_FINISHED },
	{ "bad_sectors", "SELECT id, first_sector, sector_count FROM "
	  "bad_sectors WHERE acquisition_id = ?1 ORDER BY id", 1,
	  FX_T_BAD_SECTORS },
	{ "hashes", FX_HASH_COLUMNS "WHERE acquisition_id = ?1 ORDER BY id", 1,
	  FX_T_HASHES },
	{ "image_files", "SELECT id, path, size_bytes, sha256, allocated_bytes "
	  "FROM image_files WHERE acquisition_id = ?1 ORDER BY id", 1,
	  FX_T_IMAGE_FILES },
	{ NULL, NULL, 0, 0 }
};

static const struct fx_part verification_parts[] = {
	{ "hashes", FX_HASH_COLUMNS "WHERE verification_id = ?1 ORDER BY id", 1,
	  FX_T_HASHES },
	{ "verification", "SELECT id, evidence_id, acquisition_id, time_utc, "
	  "actor, host, tool, tool_version, result, findings FROM "
	  "verifications WHERE id = ?1", 0, FX_T_VERIFICATIONS },
	{ NULL, NULL, 0, 0 }
};

static const struct fx_part custody_parts[] = {
	{ "custody", "SELECT id, evidence_id, from_party, to_party, location, "
	  "reason, time_utc, actor FROM custody_events WHERE id = ?1", 0,
	  FX_T_CUSTODY },
	{ NULL, NULL, 0, 0 }
};

/* image_set.record: one destination of an acquisition (schema 4) */
static const struct fx_part image_set_parts[] = {
	{ "image_set", "SELECT id, acquisition_id, copy_number, target, format, "
	  "status, bytes_written, failed_at, error FROM image_sets WHERE "
	  "id = ?1", 0, FX_T_IMAGE_SETS },
	{ "image_set_files", "SELECT id, path, size_bytes, sha256 FROM "
	  "image_set_files WHERE image_set_id = ?1 ORDER BY id", 1,
	  FX_T_IMAGE_SET_FILES },
	{ NULL, NULL, 0, 0 }
};

/* export.record (schema 5): the export and the files it wrote. */
static const struct fx_part export_parts[] = {
	{ "export", "SELECT id, evidence_id, acquisition_id, verification_id, "
	  "time_utc, actor, host, tool, tool_version, format, path, "
	  "media_bytes, md5, sha1, sha256 FROM exports WHERE id = ?1", 0,
	  FX_T_EXPORTS },
	{ "export_files", "SELECT id, path, size_bytes, sha256 FROM "
	  "export_files WHERE export_id = ?1 ORDER BY id", 1,
	  FX_T_EXPORT_FILES },
	{ NULL, NULL, 0, 0 }
};

static const struct fx_kind fx_kinds[] = {
	{ "acquisition.begin", "acquisition", begin_parts },
	/* resume (casedb_resume.c): events with their own content */
	{ "acquisition.checkpoint", NULL, NULL },
	{ "acquisition.resume", NULL, NULL },
	{ "acquisition.close", "acquisition", close_parts },
	{ "acquisition.end", "acquisition", end_parts },
	{ "acquisition.finish", "acquisition", finish_parts },
	{ "acquisition.start", "acquisition", start_parts },
	{ "case.create", "case", case_parts },
	{ "custody.transfer", "custody", custody_parts },
	{ "evidence.create", "evidence", evidence_parts },
	{ "export.record", "export", export_parts },
	{ "image_set.record", "image_set", image_set_parts },
	{ "key.register", "signing_key", key_parts },
	{ "schema.create", NULL, NULL },
	{ "schema.migrate", NULL, NULL },
	{ "verification.record", "verification", verification_parts },
	{ NULL, NULL, NULL }
};

/* Table names for the row counts, in enum fx_table order; the image sets'
 * two exist from schema FX_SCHEMA_IMAGE_SETS, the exports' two from
 * FX_SCHEMA_EXPORTS, source_files from FX_SCHEMA_SOURCE_FILES (both 5; an
 * older database has none of their rows). */
static const char *const fx_table_sql[FX_T_COUNT][2] = {
	{ "signing_keys", "SELECT count(*) FROM signing_keys" },
	{ "cases", "SELECT count(*) FROM cases" },
	{ "evidence", "SELECT count(*) FROM evidence" },
	{ "acquisitions", "SELECT count(*) FROM acquisitions" },
	{ "acquisitions (finished)", "SELECT count(*) FROM acquisitions "
	  "WHERE status <> 'running'" },
	{ "bad_sectors", "SELECT count(*) FROM bad_sectors" },
	{ "image_files", "SELECT count(*) FROM image_files" },
	{ "hashes", "SELECT count(*) FROM hashes" },
	{ "verifications", "SELECT count(*) FROM verifications" },
	{ "custody_events", "SELECT count(*) FROM custody_events" },
	{ "image_sets", "SELECT count(*) FROM image_sets" },
	{ "image_set_files", "SELECT count(*) FROM image_set_files" },
	{ "exports", "SELECT count(*) FROM exports" },
	{ "export_files", "SELECT count(*) FROM export_files" },
	{ "source_files", "SELECT count(*) FROM source_files" },
};

static const struct fx_kind *kind_find(const char *action)
{
	const struct fx_kind *k;

	for (k = fx_kinds; k->action; k++)
		if (strcmp(k->action, action) == 0)
			return k;
	return NULL;
}

static void row_value(fx_json *j, fx_stmt *st, int col)
{
	switch (fx_stmt_type(st, col)) {
	case FX_STORE_INT:
		fx_json_int(j, fx_stmt_int(st, col));
		break;
	case FX_STORE_TEXT:
		fx_json_string(j, fx_stmt_text(st, col),
			       fx_stmt_bytes(st, col));
		break;
	case FX_STORE_NULL:
		fx_json_null(j);
		break;
	default:
		if (!j->err)
			j->err = fx_error_set(FX_ECORRUPT, "column %s holds "
					      "neither an integer nor text",
					      fx_stmt_column_name(st, col));
	}
}

/* The current row of st as an object whose keys are the column names
 * (sorted); integers, text and NULL only. */
static void row_json(fx_json *j, fx_stmt *st)
{
	int order[64], n = fx_stmt_columns(st), i, k;

	if (n > 64) {
		j->err = fx_error_set(FX_ERROR, "internal: row too wide");
		return;
	}
	for (i = 0; i < n; i++) {   /* insertion sort of column names */
		for (k = i; k > 0 && strcmp(fx_stmt_column_name(st, order[k - 1]),
					    fx_stmt_column_name(st, i)) > 0; k--)
			order[k] = order[k - 1];
		order[k] = i;
	}
	fx_json_object_begin(j);
	for (i = 0; i < n; i++) {
		fx_json_key(j, fx_stmt_column_name(st, order[i]));
		row_value(j, st, order[i]);
	}
	fx_json_object_end(j);
}

static int build_part(fx_json *j, fx_casedb *db, const struct fx_part *p,
		      int64_t id, uint64_t *rows)
{
	fx_stmt *st = NULL;
	int rc, step;

	*rows = 0;
	rc = fx_store_prepare(&st, db->store, p->sql);
	if (rc)
		goto done;
	fx_stmt_bind_int(st, 1, id);
	fx_json_key(j, p->key);
	if (p->many)
		fx_json_array_begin(j);
	while ((step = fx_stmt_step(st)) == FX_STORE_ROW) {
		row_json(j, st);
		(*rows)++;
		if (!p->many)
			break;
	}
	if (p->many)
		fx_json_array_end(j);
	if (step != FX_STORE_ROW && step != FX_STORE_DONE)
		rc = fx_store_error(db->store, "read record");
	else if (!p->many && *rows == 0)
		rc = fx_error_set(FX_ENOTFOUND, "%s %lld is missing", p->key,
				  (long long)id);
	else
		rc = j->err;
done:
	fx_stmt_free(st);
	return rc;
}

int fx_content_build(fx_json *j, fx_casedb *db, const char *action,
		     int64_t id, uint64_t counts[FX_T_COUNT])
{
	const struct fx_kind *k = kind_find(action);
	const struct fx_part *p;
	uint64_t rows;
	int rc = 0;

	if (!k || !k->parts)
		return fx_error_set(FX_ERROR, "internal: no record content for "
				    "action %s", action);
	fx_json_object_begin(j);
	for (p = k->parts; !rc && p->key; p++) {
		rc = build_part(j, db, p, id, &rows);
		if (counts)
			counts[p->table] += rows;
	}
	fx_json_object_end(j);
	return rc ? rc : j->err;
}

int fx_content_record_id(int64_t *out, int *has_record, const char *action,
			 const char *content, size_t len)
{
	const struct fx_kind *k = kind_find(action);

	*out = 0;
	*has_record = 0;
	if (!k)
		return -1;
	if (!k->parts)
		return 0;
	if (fx_json_canonical_int(out, content, len, k->id_object, "id") != 0)
		return -1;
	*has_record = 1;
	return 0;
}

int fx_content_coverage(fx_casedb *db, const uint64_t counts[FX_T_COUNT],
			char *why, size_t why_size)
{
	int64_t n = 0;
	int t;

	for (t = 0; t < FX_T_COUNT; t++) {
		if (db->version < FX_SCHEMA_IMAGE_SETS &&
		    (t == FX_T_IMAGE_SETS || t == FX_T_IMAGE_SET_FILES))
			continue; /* an older database has no such table */
		if (db->version < FX_SCHEMA_EXPORTS &&
		    (t == FX_T_EXPORTS || t == FX_T_EXPORT_FILES))
			continue;
		if (t == FX_T_SOURCE_FILES && db->version < FX_SCHEMA_SOURCE_FILES)
			continue; /* no such table yet */
		if (fx_casedb_query_int(&n, db, fx_table_sql[t][1]) != 0) {
			snprintf(why, why_size, "cannot count table %s: %s",
				 fx_table_sql[t][0], fx_error_last());
			return -1;
		}
		if ((uint64_t)n != counts[t]) { /* count(*) is never negative */
			snprintf(why, why_size, "table %s has %llu rows; the "
				 "audit log accounts for %llu",
				 fx_table_sql[t][0], (unsigned long long)n,
				 (unsigned long long)counts[t]);
			return -1;
		}
	}
	return 0;
}
