/*
 * Unit tests of the case database: schema and versions, refusals that leave
 * the file unchanged, records round trip, append-only triggers, tampering
 * with the audit log and the records (through the sqlite3 C API, the way an
 * adversary with the file would), signed chains, SQL injection through every
 * text field, many writer processes at once, and a writer killed mid-write.
 *
 * The hash of an event is recomputed here independently (ref_event_hash), so
 * the documented algorithm is tested, not only the library against itself.
 *
 * On PostgreSQL: with FX_TEST_PG_HOST set (tests/check_casedb_pg.sh starts
 * a server and sets it: the URI-encoded socket directory), the tests that
 * use the library's API only (suite "backend": records, lists, refusals,
 * signing and trust, anchors, writer processes at once and one killed)
 * run again, each against a fresh ledger: new_path() creates a database
 * (psql as the superuser postgres) and sets it up with
 * fx_casedb_ledger_init, and the test connects as the station role fxtest
 * (password from PGPASSWORD). The tampering tests, which reach into an
 * SQLite file, have their PostgreSQL twins in tests/e2e/casedb_postgresql.sh.
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sqlite3.h>

#include "forensic/casedb.h"
#include "testutil.h"

#define ACTOR "examiner1"
#define HOST "lab-host"

static char g_path[4096];
static const char *g_pg_host; /* FX_TEST_PG_HOST: the tests run on PostgreSQL */

/* A fresh ledger on the test's PostgreSQL server: a database named after
 * the test process (Check runs each test in its own), set up by its
 * administrator, used by the station role fxtest. */
static const char *new_ledger(void)
{
	static int n;
	char cmd[1024], admin[512], name[64];

	snprintf(name, sizeof(name), "t%ld_%d", (long)getpid(), ++n);
	snprintf(cmd, sizeof(cmd), "psql -X -q -v ON_ERROR_STOP=1 "
		 "'postgresql://postgres@%s/postgres' -c 'CREATE DATABASE %s' "
		 ">/dev/null", g_pg_host, name);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	snprintf(admin, sizeof(admin), "postgresql://postgres@%s/%s",
		 g_pg_host, name);
	ck_assert_msg(fx_casedb_ledger_init(admin, NULL) == 0, "ledger init "
		      "%s: %s", admin, fx_error_last());
	snprintf(cmd, sizeof(cmd), "psql -X -q -v ON_ERROR_STOP=1 '%s' -c "
		 "\"DO \\$\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE "
		 "rolname = 'fxtest') THEN CREATE ROLE fxtest LOGIN PASSWORD "
		 "'fxtest' IN ROLE fx_station; END IF; END \\$\\$\" >/dev/null",
		 admin);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	snprintf(g_path, sizeof(g_path), "postgresql://fxtest@%s/%s",
		 g_pg_host, name);
	return g_path;
}

/* A fresh database path in a fresh directory (a fresh ledger's URI on
 * PostgreSQL). */
static const char *new_path(const char *tag)
{
	const char *dir;

	if (g_pg_host)
		return new_ledger();
	dir = fxt_tmpdir(tag);

	ck_assert_ptr_nonnull(dir);
	snprintf(g_path, sizeof(g_path), "%s/case.db", dir);
	return g_path;
}

static fx_casedb *open_db(const char *path, const char *key)
{
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;
	int rc;

	o.actor = ACTOR;
	o.host = HOST;
	o.sign_key_path = key;
	rc = fx_casedb_open(&db, path, &o);
	ck_assert_msg(rc == 0, "open %s: %d %s", path, rc, fx_error_last());
	return db;
}

/* A handle for reading only: what verify audit and reports use, and the
 * only way into a database whose triggers were dropped. */
static fx_casedb *open_ro(const char *path)
{
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;
	int rc;

	o.read_only = 1;
	rc = fx_casedb_open(&db, path, &o);
	ck_assert_msg(rc == 0, "open %s read-only: %d %s", path, rc,
		      fx_error_last());
	return db;
}

/* ---- raw SQLite access, as an adversary or a third party has it ---- */

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *s = NULL;

	ck_assert_int_eq(sqlite3_open(path, &s), SQLITE_OK);
	sqlite3_busy_timeout(s, 30000);
	return s;
}

static void raw_exec(sqlite3 *s, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(s, sql, NULL, NULL, &err);

	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err ? err : "?");
	sqlite3_free(err);
}

static long long raw_int(sqlite3 *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v;

	ck_assert_int_eq(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* First column of the first row as text, in a static buffer. */
static const char *raw_text(sqlite3 *s, const char *sql)
{
	static char buf[1 << 16];
	sqlite3_stmt *st = NULL;

	ck_assert_int_eq(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, sizeof(buf), "%s",
		 sqlite3_column_text(st, 0) ? (const char *)
		 sqlite3_column_text(st, 0) : "(null)");
	sqlite3_finalize(st);
	return buf;
}

/* The error message of a statement that must fail. */
static const char *raw_fails(sqlite3 *s, const char *sql)
{
	static char msg[512];
	char *err = NULL;

	ck_assert_int_ne(sqlite3_exec(s, sql, NULL, NULL, &err), SQLITE_OK);
	snprintf(msg, sizeof(msg), "%s", err ? err : "");
	sqlite3_free(err);
	return msg;
}

/* On PostgreSQL, psql answers (as the station: SELECT only). */
static long long pg_count_of(const char *uri, const char *sql)
{
	char cmd[8192], out[64] = "";
	long long n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "psql -X -q -At '%s' -c \"%s\"", uri, sql);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(fgets(out, sizeof(out), p));
	ck_assert_int_eq(pclose(p), 0);
	n = out[0] == 't' ? 1 : strtoll(out, NULL, 10); /* a boolean: t/f */
	return n;
}

static long long count_of(const char *path, const char *sql)
{
	sqlite3 *s;
	long long n;

	if (g_pg_host)
		return pg_count_of(path, sql);
	s = raw_open(path);
	n = raw_int(s, sql);
	sqlite3_close(s);
	return n;
}

/* A file name beside the database, for keys and such: the path itself,
 * or on PostgreSQL a path in a fresh directory. */
static const char *side_path(const char *path)
{
	static char side[4096];
	const char *dir;

	if (!g_pg_host)
		return path;
	dir = fxt_tmpdir("casedb-pg-side");
	ck_assert_ptr_nonnull(dir);
	snprintf(side, sizeof(side), "%s/case.db", dir);
	return side;
}

/* ---- the documented event hash, written independently ---- */

static void sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char md[32];
	unsigned int mdlen = 0, i;

	ck_assert_int_eq(EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL), 1);
	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

/* SHA-256(prev || {"action":..,"actor":..,"content":..,"host":..,
 * "seq":..,"time":..}); the strings used in these tests need no escapes. */
static void ref_event_hash(char out[65], const char *prev, long long seq,
			   const char *time, const char *actor,
			   const char *host, const char *action,
			   const char *content)
{
	size_t n = strlen(content) + 512;
	char *buf = malloc(n);
	int len;

	ck_assert_ptr_nonnull(buf);
	len = snprintf(buf, n, "%s{\"action\":\"%s\",\"actor\":\"%s\","
		       "\"content\":%s,\"host\":\"%s\",\"seq\":%lld,"
		       "\"time\":\"%s\"}", prev, action, actor, content, host,
		       seq, time);
	sha256_hex(out, buf, (size_t)len);
	free(buf);
}

/* Re-hashes events from..last in place, as a forger who knows the algorithm
 * but not the signing key would, after changing event from. */
static void forge_rechain(sqlite3 *s, long long from)
{
	char sql[512], prev[65], hash[65];
	sqlite3_stmt *st = NULL;
	long long last = raw_int(s, "SELECT max(seq) FROM audit_log"), seq;

	snprintf(sql, sizeof(sql), "SELECT hash FROM audit_log WHERE seq = %lld",
		 from - 1);
	snprintf(prev, sizeof(prev), "%s", from == 1 ? "000000000000000000000"
		 "0000000000000000000000000000000000000000000" : raw_text(s, sql));
	for (seq = from; seq <= last; seq++) {
		snprintf(sql, sizeof(sql), "SELECT time_utc, actor, host, action, "
			 "content FROM audit_log WHERE seq = %lld", seq);
		ck_assert_int_eq(sqlite3_prepare_v2(s, sql, -1, &st, NULL), 0);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ref_event_hash(hash, prev, seq,
			       (const char *)sqlite3_column_text(st, 0),
			       (const char *)sqlite3_column_text(st, 1),
			       (const char *)sqlite3_column_text(st, 2),
			       (const char *)sqlite3_column_text(st, 3),
			       (const char *)sqlite3_column_text(st, 4));
		sqlite3_finalize(st);
		snprintf(sql, sizeof(sql), "UPDATE audit_log SET prev_hash = '%s', "
			 "hash = '%s' WHERE seq = %lld", prev, hash, seq);
		raw_exec(s, sql);
		memcpy(prev, hash, sizeof(prev));
	}
}

/* ---- fixtures ---- */

static const fx_bad_range k_bad[] = { { 100, 8 }, { 4000, 1 } };
static const fx_window_hash k_windows[] = {
	{ 0, 1048576, "1111111111111111111111111111111111111111111111111111111111111111" },
	{ 1048576, 1048576, "2222222222222222222222222222222222222222222222222222222222222222" },
};
static const fx_image_file k_files[] = {
	{ "/evidence/img/disk.001", 2097152, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0, 0 },
	{ "/evidence/img/disk.002", 1024, "", 0, 0 },
};
#define MD5_HEX "d41d8cd98f00b204e9800998ecf8427e"
#define SHA1_HEX "da39a3ee5e6b4b0d3255bfef95601890afd80709"
#define SHA256_HEX "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static fx_casedb_acquisition sample_acq(const char *case_no, const char *ev_no)
{
	fx_casedb_acquisition a = FX_CASEDB_ACQUISITION_INIT;

	a.case_number = case_no;
	a.case_description = "burglary, 12 Main St";
	a.evidence.evidence_number = ev_no;
	a.evidence.description = "laptop SSD";
	a.evidence.notes = "seized 2026-11-20";
	a.evidence.examiner = "J. Doe";
	a.evidence.source.vendor = "ACME";
	a.evidence.source.model = "SSD 9000";
	a.evidence.source.serial = "SN123";
	a.evidence.source.wwid = "naa.5000c500a1b2c3d4";
	a.evidence.source.size = 2098176;
	a.evidence.source.logical_sector_size = 512;
	a.evidence.source.physical_sector_size = 4096;
	a.evidence.source.removable = 0;
	a.evidence.source.rotational = 1;
	a.evidence.source.is_block_device = 1;
	a.evidence.source.hpa_dco = "not checked: loop device does not answer "
				    "ATA commands";
	a.operator_name = "op1";
	a.host = "lab1";
	a.tool = "acquire";
	a.tool_version = "0.1.0";
	a.library_versions = "libforensic 0.1.0; SQLite 3.40.1";
	a.command_line = "acquire /dev/sdb /evidence/img/disk";
	a.parameters_json = "{\"block_size\":1048576}";
	a.format = "split-raw";
	a.compression = "none";
	a.segment_size = 2097152;
	a.block_size = 1048576;
	a.evidence.source.path = "/dev/sdb";
	a.evidence.source.write_block_method = "BLKROSET";
	a.evidence.source.ro_before = "ro=0";
	a.evidence.source.ro_after = "ro=1";
	a.start_utc = "2026-11-24T21:36:44Z";
	return a;
}

static fx_casedb_result sample_result(void)
{
	fx_casedb_result r = FX_CASEDB_RESULT_INIT;

	r.status = FX_STATUS_COMPLETED_WITH_ERRORS;
	r.end_utc = "2026-11-24T21:40:01.250000Z";
	r.bytes = 2098176;
	r.sector_size = 512;
	r.bad = k_bad;
	r.n_bad = 2;
	snprintf(r.hashes.md5, sizeof(r.hashes.md5), "%s", MD5_HEX);
	snprintf(r.hashes.sha1, sizeof(r.hashes.sha1), "%s",
		 "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"); /* stored lower */
	snprintf(r.hashes.sha256, sizeof(r.hashes.sha256), "%s", SHA256_HEX);
	r.windows = k_windows;
	r.n_windows = 2;
	r.files = k_files;
	r.n_files = 2;
	return r;
}

/* A database with a case, an evidence item and n custody events; the
 * evidence id is returned. */
static int64_t setup_custody(fx_casedb *db, int n)
{
	fx_casedb_evidence ev = FX_CASEDB_EVIDENCE_INIT;
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	int64_t case_id = 0, ev_id = 0, id = 0;
	int i;

	ck_assert_int_eq(fx_casedb_case_ensure(&case_id, db, "C-1", "d"), 0);
	ev.evidence_number = "E-1";
	ck_assert_int_eq(fx_casedb_evidence_ensure(&ev_id, db, case_id, &ev), 0);
	c.evidence_id = ev_id;
	c.from_party = "field team";
	c.to_party = "evidence locker";
	c.location = "room 101";
	c.reason = "storage";
	for (i = 0; i < n; i++)
		ck_assert_int_eq(fx_casedb_custody_record(&id, db, &c), 0);
	return ev_id;
}

static int check_chain(fx_casedb_audit_report *rep, fx_casedb *db)
{
	return fx_casedb_audit_check(rep, db, NULL);
}

/* Opens path, checks the chain, expects it broken at seq with reason. */
static void expect_broken(const char *path, long long seq, const char *reason)
{
	fx_casedb_audit_report rep;
	fx_casedb *db = open_ro(path);
	int rc = check_chain(&rep, db);

	ck_assert_int_eq(rc, FX_ECORRUPT);
	ck_assert_int_eq(rep.intact, 0);
	ck_assert_int_eq(rep.first_bad_seq, seq);
	ck_assert_str_eq(rep.reason, reason);
	ck_assert_ptr_nonnull(strstr(fx_error_last(), reason));
	ck_assert_ptr_nonnull(strstr(fx_error_last(), path));
	fx_casedb_free(db);
}

/* ---- checkpoints and resumes (casedb_resume.c) ---- */

static int count_resume(const fx_casedb_resume_info *ri, void *payload)
{
	uint64_t *sum = payload;

	ck_assert_str_eq(ri->actor, ACTOR);
	ck_assert_str_eq(ri->host, HOST);
	*sum += ri->from_byte;
	return 0;
}

/* Checkpoints are audit events the chain check accepts; the newest one of
 * a target is read back exactly (digests, bad ranges, marks); a resume is
 * listed with who and from which byte; a finished acquisition takes
 * neither; an unknown target is not found. */
START_TEST(test_checkpoints_and_resumes)
{
	const char *path = new_path("casedb-checkpoint");
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_result r = sample_result();
	fx_casedb_checkpoint cp;
	fx_casedb_checkpoint_info *ci = NULL;
	fx_casedb_audit_report rep;
	fx_bad_range bad[2] = { { 5, 3 }, { 100, 1 } };
	fx_casedb *db = open_db(path, NULL);
	int64_t acq = 0;
	uint64_t sum = 0;
	char msg[4200];

	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	memset(&cp, 0, sizeof(cp));
	cp.version = FX_CASEDB_CHECKPOINT_VERSION;
	cp.target = "/cases/T";
	cp.offset = 1 << 20;
	strcpy(cp.digests.md5, "0123456789abcdef0123456789abcdef");
	strcpy(cp.digests.sha256, k_windows[0].sha256);
	cp.source_head_sha256 = k_windows[1].sha256;
	cp.source_tail_sha256 = "";
	ck_assert_int_eq(fx_casedb_checkpoint_record(db, acq, &cp), 0);
	cp.offset = 2 << 20;
	cp.bad = bad;
	cp.n_bad = 2;
	ck_assert_int_eq(fx_casedb_checkpoint_record(db, acq, &cp), 0);
	cp.target = "/cases/other";
	cp.offset = 3 << 20;
	ck_assert_int_eq(fx_casedb_checkpoint_record(db, acq, &cp), 0);
	ck_assert_int_eq(fx_casedb_checkpoint_last(&ci, db, "/cases/T"), 0);
	ck_assert_int_eq(ci->acquisition_id, acq);
	ck_assert_uint_eq(ci->cp.offset, 2 << 20);
	ck_assert_str_eq(ci->cp.digests.md5, "0123456789abcdef0123456789abcdef");
	ck_assert_str_eq(ci->cp.digests.sha1, "");
	ck_assert_str_eq(ci->cp.digests.sha256, k_windows[0].sha256);
	ck_assert_str_eq(ci->cp.source_head_sha256, k_windows[1].sha256);
	ck_assert_str_eq(ci->cp.source_tail_sha256, "");
	ck_assert_uint_eq(ci->cp.n_bad, 2);
	ck_assert_uint_eq(ci->cp.bad[1].first, 100);
	ck_assert_uint_eq(ci->cp.bad[1].count, 1);
	fx_casedb_checkpoint_info_free(ci);
	ci = NULL;
	ck_assert_int_eq(fx_casedb_checkpoint_last(&ci, db, "/cases/none"), FX_ENOTFOUND);
	ck_assert_ptr_null(ci);
	/* an E01 resume: the newest at or below libewf's resume point */
	ck_assert_int_eq(fx_casedb_checkpoint_at_most(&ci, db, "/cases/T", acq,
						      (2 << 20) - 1), 0);
	ck_assert_uint_eq(ci->cp.offset, 1 << 20);
	ck_assert_uint_eq(ci->cp.n_bad, 0);
	fx_casedb_checkpoint_info_free(ci);
	ci = NULL;
	ck_assert_int_eq(fx_casedb_checkpoint_at_most(&ci, db, "/cases/T", acq, 2 << 20), 0);
	ck_assert_uint_eq(ci->cp.offset, 2 << 20);
	ck_assert_uint_eq(ci->cp.n_bad, 2);
	fx_casedb_checkpoint_info_free(ci);
	ci = NULL;
	ck_assert_int_eq(fx_casedb_checkpoint_at_most(&ci, db, "/cases/T", acq,
						      (1 << 20) - 1), FX_ENOTFOUND);
	ck_assert_ptr_null(ci);
	snprintf(msg, sizeof(msg),
		 "case database %s: no checkpoint recorded for /cases/T at or below byte 1048575",
		 path);
	ck_assert_str_eq(fx_error_last(), msg);
	ck_assert_int_eq(fx_casedb_checkpoint_at_most(&ci, db, "/cases/T", acq + 1,
						      UINT64_MAX - 1), FX_ENOTFOUND);
	ck_assert_ptr_null(ci);
	ck_assert_int_eq(fx_casedb_acquisition_resume(db, acq, 2 << 20), 0);
	ck_assert_int_eq(fx_casedb_resume_list(db, acq, count_resume, &sum), 0);
	ck_assert_uint_eq(sum, 2 << 20);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.intact, 1);
	ck_assert_int_eq(rep.events, 8); /* schema, case, evidence, begin, 3 checkpoints, resume */
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), 0);
	ck_assert_int_eq(fx_casedb_acquisition_resume(db, acq, 0), FX_EEXISTS);
	ck_assert_int_eq(fx_casedb_checkpoint_record(db, acq, &cp), FX_EEXISTS);
	ck_assert_int_eq(fx_casedb_checkpoint_record(db, acq + 1, &cp), FX_ENOTFOUND);
	cp.version = 2;
	ck_assert_int_eq(fx_casedb_checkpoint_record(db, acq, &cp), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_checkpoint_record: "
			 "fx_casedb_checkpoint version 2, expected 1 to 1");
	ck_assert_int_eq(check_chain(&rep, db), 0);
	fx_casedb_free(db);
}
END_TEST

/* Resumes of every acquisition in one pass (acq_id 0), oldest first, each
 * naming its acquisition; with an id, only that acquisition's. */
struct resume_seen {
	int64_t acq[4];
	uint64_t from[4];
	size_t n;
};

static int note_resume(const fx_casedb_resume_info *ri, void *payload)
{
	struct resume_seen *s = payload;

	ck_assert_uint_lt(s->n, 4);
	s->acq[s->n] = ri->acquisition_id;
	s->from[s->n++] = ri->from_byte;
	return 0;
}

START_TEST(test_resume_list_all)
{
	const char *path = new_path("casedb-resume-all");
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_acquisition b = sample_acq("C-1", "E-2");
	struct resume_seen seen;
	fx_casedb *db = open_db(path, NULL);
	int64_t x = 0, y = 0;

	ck_assert_int_eq(fx_casedb_acquisition_begin(&x, db, &a), 0);
	ck_assert_int_eq(fx_casedb_acquisition_begin(&y, db, &b), 0);
	ck_assert_int_eq(fx_casedb_acquisition_resume(db, x, 4096), 0);
	ck_assert_int_eq(fx_casedb_acquisition_resume(db, y, 8192), 0);
	ck_assert_int_eq(fx_casedb_acquisition_resume(db, x, 12288), 0);
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(fx_casedb_resume_list(db, 0, note_resume, &seen), 0);
	ck_assert_uint_eq(seen.n, 3);
	ck_assert_int_eq(seen.acq[0], x);
	ck_assert_uint_eq(seen.from[0], 4096);
	ck_assert_int_eq(seen.acq[1], y);
	ck_assert_uint_eq(seen.from[1], 8192);
	ck_assert_int_eq(seen.acq[2], x);
	ck_assert_uint_eq(seen.from[2], 12288);
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(fx_casedb_resume_list(db, y, note_resume, &seen), 0);
	ck_assert_uint_eq(seen.n, 1);
	ck_assert_int_eq(seen.acq[0], y);
	ck_assert_uint_eq(seen.from[0], 8192);
	fx_casedb_free(db);
}
END_TEST

/* ---- schema and versions ---- */

START_TEST(test_create_schema)
{
	const char *path = new_path("casedb-create");
	fx_casedb_audit_report rep;
	fx_casedb *db = open_db(path, NULL);
	sqlite3 *s;

	ck_assert_int_eq(fx_casedb_schema_version(), 5);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.intact, 1);
	ck_assert_int_eq(rep.events, 1);
	ck_assert_int_eq(rep.signed_events, 0);
	ck_assert_int_eq(rep.first_bad_seq, 0);
	ck_assert_str_eq(rep.reason, "");
	fx_casedb_free(db);
	db = open_db(path, NULL);   /* reopening adds nothing */
	fx_casedb_free(db);

	s = raw_open(path);
	ck_assert_int_eq(raw_int(s, "PRAGMA user_version"), 5);
	ck_assert_int_eq(raw_int(s, "PRAGMA application_id"), 0x46584344);
	ck_assert_str_eq(raw_text(s, "PRAGMA journal_mode"), "wal");
	ck_assert_str_eq(raw_text(s, "SELECT value FROM meta WHERE key = "
				  "'schema_version'"), "5");
	ck_assert_str_eq(raw_text(s, "SELECT group_concat(name, ',') FROM "
				  "(SELECT name FROM sqlite_master WHERE type = "
				  "'table' ORDER BY name)"),
			 "acquisitions,anchors,audit_log,bad_sectors,cases,"
			 "custody_events,evidence,export_files,exports,"
			 "hashes,image_files,image_set_files,image_sets,"
			 "meta,signing_keys,source_files,verifications");
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM sqlite_master WHERE "
				 "type = 'trigger'"), 32);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM audit_log"), 1);
	ck_assert_str_eq(raw_text(s, "SELECT action || ' ' || content || ' ' || "
				  "actor || ' ' || host || ' ' || prev_hash FROM "
				  "audit_log"),
			 "schema.create {\"application_id\":1180189508,"
			 "\"schema_version\":5} " ACTOR " " HOST " "
			 "0000000000000000000000000000000000000000000000000000000000000000");
	sqlite3_close(s);
	fx_casedb_free(NULL);
}
END_TEST

/* Every schemas/case_migrate_<N>.sql must be listed in casedb.c: the
 * library's version is 1 + the number of migration files. */
START_TEST(test_migrations_registered)
{
	char dir[4096], *slash;
	struct dirent *d;
	DIR *dp;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s", __FILE__);
	slash = strrchr(dir, '/');
	ck_assert_ptr_nonnull(slash);
	strcpy(slash, "/../schemas");
	dp = opendir(dir);
	ck_assert_msg(dp != NULL, "cannot open %s", dir);
	while ((d = readdir(dp)) != NULL)
		if (strncmp(d->d_name, "case_migrate_", 13) == 0 &&
		    strstr(d->d_name, ".sql"))
			n++;
	closedir(dp);
	ck_assert_int_eq(fx_casedb_schema_version(), 1 + n);
}
END_TEST

/* Opening path must fail with code and a message holding what; the file
 * must be byte for byte what it was. */
static void expect_refused(const char *path, int read_only, int code,
			   const char *what)
{
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	char before[65], after[65];
	static int not_null;
	fx_casedb *db = (fx_casedb *)(void *)&not_null; /* must become NULL */
	struct stat st;

	ck_assert_int_eq(fxt_file_sha256(before, path), 0);
	o.read_only = read_only;
	ck_assert_int_eq(fx_casedb_open(&db, path, &o), code);
	ck_assert_ptr_null(db);
	ck_assert_msg(strstr(fx_error_last(), what) != NULL, "message: %s",
		      fx_error_last());
	ck_assert_ptr_nonnull(strstr(fx_error_last(), path));
	ck_assert_int_eq(fxt_file_sha256(after, path), 0);
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(lstat(path, &st), 0);
}

/* Closes a raw connection so that the WAL is folded into the file. */
static void raw_close_all(sqlite3 *s)
{
	raw_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_close(s);
}

/* The verifications table exactly as schema version 1 created it. */
#define V1_VERIFICATIONS \
	"CREATE TABLE verifications (\n" \
	"	id             INTEGER PRIMARY KEY,\n" \
	"	evidence_id    INTEGER NOT NULL REFERENCES evidence (id),\n" \
	"	acquisition_id INTEGER REFERENCES acquisitions (id),\n" \
	"	time_utc       TEXT NOT NULL,\n" \
	"	actor          TEXT,\n" \
	"	host           TEXT,\n" \
	"	tool           TEXT,\n" \
	"	tool_version   TEXT,\n" \
	"	result         TEXT NOT NULL\n" \
	"	               CHECK (result IN ('verified', 'mismatch', 'error')),\n" \
	"	findings       TEXT\n" \
	")"

/* The tables of schema 5 (exports; anchors) dropped, with their indexes
 * and triggers, from a database that recorded no export and no anchor. */
static void drop_exports(sqlite3 *s)
{
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM exports"), 0);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM anchors"), 0);
	raw_exec(s, "DROP TABLE export_files; DROP TABLE exports;"
		 "DROP TABLE anchors");
}

/* The tables of schema 4 (image sets) dropped, with their indexes and
 * triggers, from a database that recorded no image set. */
static void drop_image_sets(sqlite3 *s)
{
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM image_sets"), 0);
	raw_exec(s, "DROP TABLE image_set_files; DROP TABLE image_sets");
}

/* Schema 5's source_files (none recorded) did not exist before it: the
 * acquisition.start events lose their "source_files" member (which
 * downgrade_media_events then turns into the acquisition.begin events of
 * before), re-chained from the first (the database is unsigned); the
 * audit_log triggers are put back as they were. */
static void drop_source_files(sqlite3 *s)
{
	long long first = raw_int(s, "SELECT coalesce(min(seq), 0) FROM audit_log "
				  "WHERE action = 'acquisition.start'");
	char triggers[2][1024];

	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM source_files"), 0);
	snprintf(triggers[0], sizeof(triggers[0]), "%s", raw_text(s, "SELECT sql FROM "
		 "sqlite_master WHERE name = 'audit_log_no_update'"));
	snprintf(triggers[1], sizeof(triggers[1]), "%s", raw_text(s, "SELECT sql FROM "
		 "sqlite_master WHERE name = 'audit_log_no_delete'"));
	raw_exec(s, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
		 "UPDATE audit_log SET content = "
		 "replace(content, ',\"source_files\":[]}', '}') WHERE action = "
		 "'acquisition.start';"
		 "DROP TABLE source_files");
	if (first)
		forge_rechain(s, first);
	raw_exec(s, triggers[0]);
	raw_exec(s, triggers[1]);
}

/* Turns acquisition.start and acquisition.close events back into the
 * acquisition.begin and acquisition.end events a library before schema 5
 * wrote (the same content without "optical" and "allocated_bytes"), and
 * drops those columns, re-chaining the events (the database is unsigned);
 * the audit_log triggers are put back as they were. */
static void downgrade_media_events(sqlite3 *s)
{
	long long first = raw_int(s, "SELECT coalesce(min(seq), 0) FROM audit_log "
				  "WHERE action IN ('acquisition.start', "
				  "'acquisition.close')");
	char triggers[2][1024];

	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM acquisitions WHERE "
				 "optical IS NOT NULL"), 0);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM image_files WHERE "
				 "allocated_bytes IS NOT NULL"), 0);
	snprintf(triggers[0], sizeof(triggers[0]), "%s", raw_text(s, "SELECT sql FROM "
		 "sqlite_master WHERE name = 'audit_log_no_update'"));
	snprintf(triggers[1], sizeof(triggers[1]), "%s", raw_text(s, "SELECT sql FROM "
		 "sqlite_master WHERE name = 'audit_log_no_delete'"));
	raw_exec(s, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
		 "UPDATE audit_log SET action = 'acquisition.begin', content = "
		 "replace(content, '\"optical\":null,', '') WHERE action = "
		 "'acquisition.start';"
		 "UPDATE audit_log SET action = 'acquisition.end', content = "
		 "replace(content, '\"allocated_bytes\":null,', '') WHERE action = "
		 "'acquisition.close';"
		 "ALTER TABLE acquisitions DROP COLUMN optical;"
		 "ALTER TABLE image_files DROP COLUMN allocated_bytes");
	if (first)
		forge_rechain(s, first);
	raw_exec(s, triggers[0]);
	raw_exec(s, triggers[1]);
}

/* Turns acquisition.end events back into the acquisition.finish events a
 * library before schema 3 wrote (the same content without "error"), drops
 * the tables of schema 5 (exports, anchors, source_files) and its
 * columns (downgrade_media_events), the image sets' tables (schema 4) and
 * acquisitions.error, re-chaining the events (the database is unsigned);
 * the audit_log triggers are put back as they were. */
static void downgrade_finish_events(sqlite3 *s)
{
	long long first = raw_int(s, "SELECT coalesce(min(seq), 0) FROM audit_log "
				  "WHERE action = 'acquisition.end'");
	char triggers[2][1024];

	/* schema 5's tables (exports, anchors, source files) and columns did
	 * not exist before it */
	drop_exports(s);
	drop_source_files(s);
	downgrade_media_events(s);
	first = raw_int(s, "SELECT coalesce(min(seq), 0) FROM audit_log "
			"WHERE action = 'acquisition.end'");
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM acquisitions WHERE "
				 "error IS NOT NULL"), 0);
	snprintf(triggers[0], sizeof(triggers[0]), "%s", raw_text(s, "SELECT sql FROM "
		 "sqlite_master WHERE name = 'audit_log_no_update'"));
	snprintf(triggers[1], sizeof(triggers[1]), "%s", raw_text(s, "SELECT sql FROM "
		 "sqlite_master WHERE name = 'audit_log_no_delete'"));
	/* schema 4's tables (image sets) did not exist before it */
	drop_image_sets(s);
	raw_exec(s, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
		 "UPDATE audit_log SET action = 'acquisition.finish', content = "
		 "replace(content, '\"error\":null,', '') WHERE action = 'acquisition.end';"
		 "ALTER TABLE acquisitions DROP COLUMN error");
	if (first)
		forge_rechain(s, first);
	raw_exec(s, triggers[0]);
	raw_exec(s, triggers[1]);
}

/* Turns a new database (without exports, anchors and source files, and
 * for 3 without image sets) into schema version 4 or 3, as the library of
 * that version wrote it: no exports tables, no anchors table, no
 * source_files and none of schema 5's columns, its acquisition events of the older kinds
 * (downgrade_media_events), for 3 no image sets' tables (schema 4), no
 * triggers of theirs. */
static void downgrade_to_4_or_3(const char *path, int version)
{
	sqlite3 *s = raw_open(path);
	char sql[256];

	drop_exports(s);
	drop_source_files(s);
	downgrade_media_events(s);
	if (version < 4)
		drop_image_sets(s);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d; UPDATE meta SET "
		 "value = '%d' WHERE key = 'schema_version'", version, version);
	raw_exec(s, sql);
	raw_close_all(s);
}

/* Turns a new database back into schema version 1, as a database written
 * by the version 1 library is (tables other than verifications and the
 * acquisitions' error did not change). */
static void downgrade_to_1(const char *path)
{
	sqlite3 *s = raw_open(path);

	downgrade_finish_events(s);

	raw_exec(s, "PRAGMA foreign_keys = OFF; BEGIN;"
		 "CREATE TABLE v_keep AS SELECT * FROM verifications;"
		 "DROP TABLE verifications;" V1_VERIFICATIONS ";"
		 "INSERT INTO verifications SELECT * FROM v_keep;"
		 "DROP TABLE v_keep;"
		 "CREATE INDEX verifications_by_acquisition ON verifications (acquisition_id);"
		 "CREATE TRIGGER verifications_no_update BEFORE UPDATE ON verifications\n"
		 "BEGIN SELECT RAISE(ABORT, 'verifications is append-only'); END;"
		 "CREATE TRIGGER verifications_no_delete BEFORE DELETE ON verifications\n"
		 "BEGIN SELECT RAISE(ABORT, 'verifications is append-only'); END;"
		 "PRAGMA user_version = 1;"
		 "UPDATE meta SET value = '1' WHERE key = 'schema_version'; COMMIT");
	ck_assert_str_eq(raw_fails(s, "INSERT INTO verifications (evidence_id, "
				   "time_utc, result) VALUES (1, 'x', 'interrupted')"),
			 "CHECK constraint failed: result IN ('verified', 'mismatch', 'error')");
	raw_close_all(s);
}

/* Schema 1 -> 2 (verdict 'interrupted'): the verifications table is rebuilt
 * with its rows, ids, hashes, index and triggers; the chain stays intact
 * and records the migration; an interrupted verification can then be
 * recorded and read back as such. A read-only handle does not migrate (it
 * reads the database as it is: test_read_older_versions). */
START_TEST(test_migrate_1_to_2)
{
	const char *path = new_path("casedb-migrate");
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_result r = sample_result();
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_casedb_verification_info *vi = NULL;
	fx_casedb_options ro = FX_CASEDB_OPTIONS_INIT;
	fx_casedb_audit_report rep;
	fx_casedb *db = open_db(path, NULL);
	char fresh[4096];
	int64_t acq = 0, vid = 0;
	sqlite3 *s;

	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), 0);
	v.acquisition_id = acq;
	v.tool = "verify";
	v.result = FX_VERDICT_MISMATCH;
	memcpy(v.hashes.sha256, k_windows[0].sha256, sizeof(v.hashes.sha256));
	v.windows = k_windows;
	v.n_windows = 2;
	ck_assert_int_eq(fx_casedb_verification_record(&vid, db, &v), 0);
	v.result = FX_VERDICT_ERROR;
	v.n_windows = 0;
	v.findings = "could not read";
	ck_assert_int_eq(fx_casedb_verification_record(&vid, db, &v), 0);
	fx_casedb_free(db);
	s = raw_open(path);
	snprintf(fresh, sizeof(fresh), "%s", raw_text(s, "SELECT sql FROM "
		 "sqlite_master WHERE name = 'verifications'"));
	sqlite3_close(s);
	downgrade_to_1(path);

	ro.read_only = 1;
	ck_assert_int_eq(fx_casedb_open(&db, path, &ro), 0);
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "PRAGMA user_version"), 1);
	db = open_db(path, NULL);
	v.result = FX_VERDICT_INTERRUPTED;
	v.hashes.sha256[0] = '\0';
	v.findings = "interrupted by SIGINT";
	ck_assert_int_eq(fx_casedb_verification_record(&vid, db, &v), 0);
	ck_assert_int_eq(vid, 3);
	ck_assert_int_eq(fx_casedb_verification_last(&vi, db, acq), 0);
	ck_assert_int_eq(vi->rec.result, FX_VERDICT_INTERRUPTED);
	ck_assert_str_eq(fx_verdict_name(vi->rec.result), "interrupted");
	ck_assert_str_eq(vi->rec.hashes.sha256, "");
	fx_casedb_verification_info_free(vi);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.intact, 1);
	fx_casedb_free(db);

	s = raw_open(path);
	ck_assert_int_eq(raw_int(s, "PRAGMA user_version"), 5);
	ck_assert_str_eq(raw_text(s, "SELECT value FROM meta WHERE key = "
				  "'schema_version'"), "5");
	ck_assert_str_eq(raw_text(s, "SELECT sql FROM sqlite_master WHERE "
				  "name = 'verifications'"), fresh);
	ck_assert_str_eq(raw_text(s, "SELECT group_concat(id || ':' || result, ' ') "
				  "FROM verifications"),
			 "1:mismatch 2:error 3:interrupted");
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM hashes WHERE "
				 "verification_id = 1"), 3);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM sqlite_master WHERE "
				 "type = 'trigger'"), 32);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM sqlite_master WHERE "
				 "name = 'verifications_by_acquisition'"), 1);
	ck_assert_str_eq(raw_text(s, "SELECT group_concat(content, ' ') FROM "
				  "(SELECT content FROM audit_log WHERE "
				  "action = 'schema.migrate' ORDER BY seq)"),
			 "{\"from\":1,\"to\":2} {\"from\":2,\"to\":3} "
			 "{\"from\":3,\"to\":4} {\"from\":4,\"to\":5}");
	/* the finish written before schema 3 keeps its kind and content */
	ck_assert_str_eq(raw_text(s, "SELECT group_concat(action, ' ') FROM "
				  "(SELECT action FROM audit_log WHERE action LIKE "
				  "'acquisition.%' ORDER BY seq)"),
			 "acquisition.begin acquisition.finish");
	ck_assert_str_eq(raw_fails(s, "DELETE FROM verifications"),
			 "verifications is append-only");
	sqlite3_close(s);
}
END_TEST

/* Schema 5: the media an acquisition saw and what each image file takes
 * on storage are recorded (acquisition.start, acquisition.close events)
 * and read back; not measured is NULL and reads back as not known. A
 * database of schema 4 is read as it is (not known), and migrated by a
 * writer, whose older events keep their kinds and the chain its
 * integrity. */
START_TEST(test_media_and_allocated)
{
	const char *path = new_path("casedb-media");
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_result r = sample_result();
	fx_image_file files[2];
	fx_casedb_acquisition_info *ai = NULL;
	fx_casedb_audit_report rep;
	fx_casedb *db;
	int64_t acq = 0, acq2 = 0;
	sqlite3 *s;

	db = open_db(path, NULL);
	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), 0);
	fx_casedb_free(db);
	s = raw_open(path);   /* a database as the schema 4 library left it */
	drop_exports(s);
	drop_source_files(s);
	downgrade_media_events(s);
	raw_exec(s, "PRAGMA user_version = 4; UPDATE meta SET value = '4' "
		 "WHERE key = 'schema_version'");
	raw_close_all(s);
	db = open_ro(path);
	ck_assert_int_eq(fx_casedb_acquisition_get(&ai, db, acq), 0);
	ck_assert_int_eq(ai->rec.evidence.source.optical, FX_UNKNOWN);
	ck_assert_int_eq(ai->result.files[0].allocated_known, 0);
	fx_casedb_acquisition_info_free(ai);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	fx_casedb_free(db);

	db = open_db(path, NULL);   /* a writer migrates */
	memcpy(files, k_files, sizeof(files));
	files[0].allocated_known = 1;
	files[0].allocated = 8192;  /* the second: not measured */
	r.files = files;
	a.evidence.source.optical = 1;
	a.evidence.source.logical_sector_size = 2048;
	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq2, db, &a), 0);
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq2, &r), 0);
	ck_assert_int_eq(fx_casedb_acquisition_get(&ai, db, acq2), 0);
	ck_assert_int_eq(ai->rec.evidence.source.optical, 1);
	ck_assert_int_eq(ai->result.files[0].allocated_known, 1);
	ck_assert_uint_eq(ai->result.files[0].allocated, 8192);
	ck_assert_int_eq(ai->result.files[1].allocated_known, 0);
	fx_casedb_acquisition_info_free(ai);
	ck_assert_int_eq(fx_casedb_acquisition_get(&ai, db, acq), 0);
	ck_assert_int_eq(ai->rec.evidence.source.optical, FX_UNKNOWN);
	fx_casedb_acquisition_info_free(ai);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.intact, 1);
	fx_casedb_free(db);

	s = raw_open(path);
	ck_assert_str_eq(raw_text(s, "SELECT group_concat(action, ' ') FROM "
				  "(SELECT action FROM audit_log WHERE action LIKE "
				  "'acquisition.%' OR action = 'schema.migrate' "
				  "ORDER BY seq)"),
			 "acquisition.begin acquisition.end schema.migrate "
			 "acquisition.start acquisition.close");
	ck_assert_str_eq(raw_text(s, "SELECT group_concat(coalesce(optical, "
				  "'NULL'), ' ') FROM acquisitions"), "NULL 1");
	ck_assert_str_eq(raw_text(s, "SELECT group_concat(coalesce("
				  "allocated_bytes, 'NULL'), ' ') FROM image_files"),
			 "NULL NULL 8192 NULL");
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM audit_log WHERE "
				 "action = 'acquisition.start' AND content LIKE "
				 "'%\"optical\":1,%'"), 1);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM audit_log WHERE "
				 "action = 'acquisition.close' AND content LIKE "
				 "'%{\"allocated_bytes\":8192,%'"), 1);
	ck_assert_str_eq(raw_fails(s, "INSERT INTO image_files (acquisition_id, "
				   "path, size_bytes, allocated_bytes) VALUES "
				   "(1, 'x', 1, -1)"),
			 "CHECK constraint failed: allocated_bytes IS NULL OR "
			 "allocated_bytes >= 0");
	sqlite3_close(s);
}
END_TEST

START_TEST(test_refuse_newer_version)
{
	const char *path = new_path("casedb-newer");
	sqlite3 *s;

	fx_casedb_free(open_db(path, NULL));
	s = raw_open(path);
	raw_exec(s, "PRAGMA user_version = 6; UPDATE meta SET value = '6' "
		 "WHERE key = 'schema_version'");
	raw_close_all(s);
	expect_refused(path, 0, FX_EVERSION,
		       "has schema version 6, newer than this libforensic");
	expect_refused(path, 1, FX_EVERSION, "has schema version 6");
}
END_TEST

START_TEST(test_refuse_inconsistent_version)
{
	const char *path = new_path("casedb-meta");
	sqlite3 *s;

	fx_casedb_free(open_db(path, NULL));
	s = raw_open(path);
	raw_exec(s, "UPDATE meta SET value = '0' WHERE key = 'schema_version'");
	raw_close_all(s);
	expect_refused(path, 0, FX_ECORRUPT, "is damaged: schema version 5 in "
		       "the header, 0 in table meta");
}
END_TEST

START_TEST(test_refuse_not_sqlite)
{
	const char *path = new_path("casedb-random");
	uint8_t junk[8192];

	fxt_fill_pattern(junk, sizeof(junk), 42);
	ck_assert_int_eq(fxt_write_file(path, junk, sizeof(junk)), 0);
	expect_refused(path, 0, FX_ECORRUPT,
		       "is not a case database (not an SQLite file)");
	expect_refused(path, 1, FX_ECORRUPT,
		       "is not a case database (not an SQLite file)");
}
END_TEST

START_TEST(test_refuse_other_sqlite)
{
	const char *path = new_path("casedb-other");
	sqlite3 *s = raw_open(path);

	raw_exec(s, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name);"
		 "INSERT INTO customers (name) VALUES ('x')");
	sqlite3_close(s);
	expect_refused(path, 0, FX_ECORRUPT, "is not a case database (SQLite "
		       "application_id 0, expected 1180189508)");
}
END_TEST

START_TEST(test_refuse_read_only_file)
{
	const char *path = new_path("casedb-ro");
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb_audit_report rep;
	fx_casedb *db = open_db(path, NULL);
	int64_t id = 0;

	setup_custody(db, 2);
	fx_casedb_free(db);
	ck_assert_int_eq(chmod(path, 0444), 0);
	expect_refused(path, 0, FX_ERROR, "is read-only (mode 0444)");
	/* read-only opening works and cannot write */
	o.read_only = 1;
	ck_assert_int_eq(fx_casedb_open(&db, path, &o), 0);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.events, 5);
	ck_assert_int_eq(fx_casedb_case_ensure(&id, db, "C-2", NULL), FX_EUSAGE);
	ck_assert_ptr_nonnull(strstr(fx_error_last(), "opened read-only"));
	fx_casedb_free(db);
	ck_assert_int_eq(chmod(path, 0644), 0);
}
END_TEST

START_TEST(test_missing_and_empty_file)
{
	const char *path = new_path("casedb-empty");
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;

	o.read_only = 1;
	ck_assert_int_eq(fx_casedb_open(&db, path, &o), FX_ENOTFOUND);
	ck_assert_int_eq(access(path, F_OK), -1);   /* not created */
	ck_assert_int_eq(fxt_write_file(path, "", 0), 0);
	db = open_db(path, NULL);                   /* empty: created */
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "PRAGMA user_version"), 5);
	o.version = 99;
	ck_assert_int_eq(fx_casedb_open(&db, path, &o), FX_EUSAGE);
}
END_TEST

/* A ledger URI's password is in no message: not in the name (a password
 * parameter whose key is percent-encoded included), and not in libpq's
 * complaint about a URI it cannot parse, which quotes the token it
 * stopped at (here the password itself). No server is needed. */
START_TEST(test_uri_password_not_in_messages)
{
	static const char *uri = "postgresql://st1:pa%zzss@/l?host=/nonexistent";
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;
	char name[128];

	fx_casedb_location_name(name, sizeof(name),
				"postgresql://st1@h/l?%70assword=s3cret&x=1");
	ck_assert_str_eq(name, "postgresql://st1@h/l?x=1");
	fx_casedb_location_name(name, sizeof(name),
				"postgresql://h/l?passw%6Frd=s3cret");
	ck_assert_str_eq(name, "postgresql://h/l");
	o.read_only = 1;
	ck_assert_int_eq(fx_casedb_open(&db, uri, &o), FX_ERROR);
	ck_assert_ptr_null(db);
	ck_assert_str_eq(fx_error_last(), "case database postgresql://st1@/l"
			 "?host=/nonexistent: not a valid connection URI (libpq's "
			 "reason is not shown: the URI holds a password)");
	/* a libpq keyword/value string is not a URI: refused, not echoed */
	ck_assert_int_eq(fx_casedb_ledger_init("host=h password=s3cret", NULL),
			 FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_ledger_init: not a "
			 "postgresql:// connection URI");
	/* without a password, libpq's reason is the useful part */
	ck_assert_int_eq(fx_casedb_open(&db, "postgresql://st1@/l?bogus=1", &o),
			 FX_ERROR);
	ck_assert_str_eq(fx_error_last(), "case database postgresql://st1@/l"
			 "?bogus=1: not a valid connection URI: invalid URI "
			 "query parameter: \"bogus\"");
}
END_TEST

/* A virtual-disk source's container files (schema 5): stored in order
 * with the acquisition's begin event (acquisition.start), read back, in
 * the audit chain, append-only; a version 1 record stores none. */
START_TEST(test_source_files_round_trip)
{
	const char *path = new_path("casedb-srcfiles");
	fx_casedb_acquisition a = sample_acq("C-9", "VM-1");
	fx_container_file f[2];
	fx_casedb_acquisition_info *info = NULL;
	fx_casedb_audit_report rep;
	fx_casedb *db = open_db(path, NULL);
	int64_t acq = 0, acq1 = 0;
	sqlite3 *s;

	memset(f, 0, sizeof(f));
	f[0].path = "/seized/vm/disk.vmdk";
	f[0].role = "image";
	f[0].format = FX_VDISK_VMDK;
	f[0].size = 512;
	snprintf(f[0].sha256, sizeof(f[0].sha256), "%064d", 1);
	f[1].path = "/seized/vm/disk-s001.vmdk";
	f[1].role = "extent";
	f[1].format = FX_VDISK_VMDK;
	f[1].size = 8650752;
	a.source_files = f;
	a.n_source_files = 2;
	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	ck_assert_int_eq(fx_casedb_acquisition_get(&info, db, acq), 0);
	ck_assert_uint_eq(info->rec.n_source_files, 2);
	ck_assert_str_eq(info->rec.source_files[0].path, "/seized/vm/disk.vmdk");
	ck_assert_str_eq(info->rec.source_files[0].role, "image");
	ck_assert_int_eq(info->rec.source_files[0].format, FX_VDISK_VMDK);
	ck_assert_uint_eq(info->rec.source_files[0].size, 512);
	ck_assert_str_eq(info->rec.source_files[0].sha256, f[0].sha256);
	ck_assert_str_eq(info->rec.source_files[1].role, "extent");
	ck_assert_uint_eq(info->rec.source_files[1].size, 8650752);
	ck_assert_str_eq(info->rec.source_files[1].sha256, "");
	fx_casedb_acquisition_info_free(info);

	f[1].format = 0; /* raw is no container */
	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq1, db, &a), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "source file /seized/vm/disk-s001.vmdk: "
			 "format 0 is no container format");
	a.version = 1; /* an older caller's record ends before source_files */
	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq1, db, &a), 0);
	ck_assert_int_eq(fx_casedb_acquisition_get(&info, db, acq1), 0);
	ck_assert_uint_eq(info->rec.n_source_files, 0);
	fx_casedb_acquisition_info_free(info);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.intact, 1);
	fx_casedb_free(db);

	s = raw_open(path);
	ck_assert_ptr_nonnull(strstr(raw_text(s, "SELECT group_concat(content) "
					      "FROM audit_log WHERE action = "
					      "'acquisition.start'"),
				     "\"source_files\":[{\"format\":\"vmdk\",\"id\":1,"
				     "\"path\":\"/seized/vm/disk.vmdk\",\"role\":\"image\","));
	ck_assert_str_eq(raw_fails(s, "UPDATE source_files SET sha256 = NULL"),
			 "source_files is append-only");
	ck_assert_str_eq(raw_fails(s, "DELETE FROM source_files"),
			 "source_files is append-only");
	raw_close_all(s);
}
END_TEST

/* ---- records ---- */

START_TEST(test_acquisition_round_trip)
{
	const char *path = new_path("casedb-acq");
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_result r = sample_result();
	fx_casedb_acquisition_info *info = NULL;
	fx_casedb_audit_report rep;
	fx_casedb *db = open_db(path, NULL);
	int64_t acq = 0, found = 0, ev = 0;
	char note[512], host[256];
	sqlite3 *s;

	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	ck_assert_int_eq(acq, 1);
	/* running, held by this process */
	ck_assert_int_eq(fx_casedb_acquisition_get(&info, db, acq), 0);
	ck_assert_int_eq(info->status, FX_STATUS_RUNNING);
	ck_assert_int_eq(info->result.status, FX_STATUS_RUNNING);
	gethostname(host, sizeof(host));
	snprintf(note, sizeof(note), "running: process %ld on host %s",
		 (long)getpid(), host);
	ck_assert_str_eq(info->status_note, note);
	ck_assert_int_eq(info->owner_pid, getpid());
	fx_casedb_acquisition_info_free(info);

	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), 0);
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), FX_EEXISTS);
	ck_assert_ptr_nonnull(strstr(fx_error_last(), "acquisition 1 is already "
				     "finished (completed_with_errors)"));

	ck_assert_int_eq(fx_casedb_acquisition_find_by_file(&found, db,
				"/evidence/img/disk.002"), 0);
	ck_assert_int_eq(found, acq);
	ck_assert_int_eq(fx_casedb_acquisition_find_by_file(&found, db,
				"/evidence/img/nope.001"), FX_ENOTFOUND);
	ck_assert_int_eq(fx_casedb_evidence_find(&ev, db, "C-1", "E-1"), 0);
	ck_assert_int_eq(ev, 1);
	ck_assert_int_eq(fx_casedb_evidence_find(&ev, db, "C-1", "E-2"),
			 FX_ENOTFOUND);

	ck_assert_int_eq(fx_casedb_acquisition_get(&info, db, acq), 0);
	ck_assert_int_eq(info->evidence_id, 1);
	ck_assert_str_eq(info->rec.case_number, "C-1");
	ck_assert_str_eq(info->rec.case_description, "burglary, 12 Main St");
	ck_assert_str_eq(info->rec.evidence.evidence_number, "E-1");
	ck_assert_str_eq(info->rec.evidence.examiner, "J. Doe");
	ck_assert_str_eq(info->rec.evidence.source.serial, "SN123");
	ck_assert_int_eq(info->rec.evidence.source.size, 2098176);
	ck_assert_int_eq(info->rec.evidence.source.physical_sector_size, 4096);
	ck_assert_int_eq(info->rec.evidence.source.removable, 0);
	ck_assert_int_eq(info->rec.evidence.source.rotational, 1);
	ck_assert_str_eq(info->rec.evidence.source.hpa_dco, "not checked: loop "
			 "device does not answer ATA commands");
	ck_assert_str_eq(info->rec.operator_name, "op1");
	ck_assert_str_eq(info->rec.parameters_json, "{\"block_size\":1048576}");
	ck_assert_str_eq(info->rec.format, "split-raw");
	ck_assert_int_eq(info->rec.segment_size, 2097152);
	ck_assert_str_eq(info->rec.evidence.source.ro_after, "ro=1");
	ck_assert_str_eq(info->rec.start_utc, "2026-11-24T21:36:44Z");
	ck_assert_int_eq(info->status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_ptr_null(info->status_note);
	ck_assert_str_eq(info->result.end_utc, "2026-11-24T21:40:01.250000Z");
	ck_assert_int_eq(info->result.bytes, 2098176);
	ck_assert_int_eq(info->result.n_bad, 2);
	ck_assert_int_eq(info->result.bad[0].first, 100);
	ck_assert_int_eq(info->result.bad[0].count, 8);
	ck_assert_int_eq(info->result.bad[1].first, 4000);
	ck_assert_str_eq(info->result.hashes.md5, MD5_HEX);
	ck_assert_str_eq(info->result.hashes.sha1, SHA1_HEX);
	ck_assert_str_eq(info->result.hashes.sha256, SHA256_HEX);
	ck_assert_int_eq(info->result.n_windows, 2);
	ck_assert_int_eq(info->result.windows[1].offset, 1048576);
	ck_assert_str_eq(info->result.windows[1].sha256, k_windows[1].sha256);
	ck_assert_int_eq(info->result.n_files, 2);
	ck_assert_str_eq(info->result.files[0].sha256, k_files[0].sha256);
	ck_assert_str_eq(info->result.files[1].sha256, "");
	ck_assert_int_eq(info->result.files[1].size, 1024);
	fx_casedb_acquisition_info_free(info);

	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.events, 5);
	fx_casedb_free(db);
	s = raw_open(path);
	ck_assert_str_eq(raw_text(s, "SELECT group_concat(action, ' ') FROM "
				  "(SELECT action FROM audit_log ORDER BY seq)"),
			 "schema.create case.create evidence.create "
			 "acquisition.start acquisition.close");
	sqlite3_close(s);
}
END_TEST

/* Why a run failed or was interrupted is recorded (schema 3), in the row,
 * its acquisition.end event and status_note; a completed run keeps none. */
START_TEST(test_finish_error_recorded)
{
	const char *path = new_path("casedb-error");
	fx_casedb *db = open_db(path, NULL);
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_result r = sample_result();
	fx_casedb_acquisition_info *info = NULL;
	fx_casedb_audit_report rep;
	int64_t acq = 0, acq2 = 0;
	sqlite3 *s;

	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	r.status = FX_STATUS_INTERRUPTED;
	r.error = "interrupted after 0 bytes; nothing was read; read-only flags restored: sdb=0";
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), 0);
	ck_assert_int_eq(fx_casedb_acquisition_get(&info, db, acq), 0);
	ck_assert_str_eq(info->result.error, r.error);
	ck_assert_str_eq(info->status_note, r.error);
	fx_casedb_acquisition_info_free(info);
	a.evidence.evidence_number = "E-2";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq2, db, &a), 0);
	r.status = FX_STATUS_COMPLETED;
	r.error = "ignored for a completed run";
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq2, &r), 0);
	ck_assert_int_eq(fx_casedb_acquisition_get(&info, db, acq2), 0);
	ck_assert_ptr_null(info->result.error);
	ck_assert_ptr_null(info->status_note);
	fx_casedb_acquisition_info_free(info);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.intact, 1);
	fx_casedb_free(db);
	s = raw_open(path);
	ck_assert_str_eq(raw_text(s, "SELECT group_concat(coalesce(error, 'NULL'), '|') "
				  "FROM acquisitions"), "interrupted after 0 bytes; "
			 "nothing was read; read-only flags restored: sdb=0|NULL");
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM audit_log WHERE action = "
				 "'acquisition.close' AND content LIKE '%\"error\":\"interrupted "
				 "after 0 bytes; nothing was read%'"), 1);
	/* the event re-derives from the row: an edited reason is found */
	raw_exec(s, "DROP TRIGGER acquisitions_finish_once; "
		 "UPDATE acquisitions SET error = 'disk full' WHERE id = 1");
	sqlite3_close(s);
	expect_broken(path, 5, "event 5: acquisition.close: the records no longer "
		      "match the event (record 1 changed)");
}
END_TEST

/* Schema 4: the image sets of an acquisition with copies. Each is one
 * row (a copy with its files) and one image_set.record event; read back
 * with the acquisition, found by a copy's file, refused while running or
 * twice, and an edited row is found by the audit check. */
START_TEST(test_image_sets)
{
	const char *path = new_path("casedb-image-sets");
	fx_casedb *db = open_db(path, NULL);
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_result r = sample_result();
	fx_casedb_image_set t = FX_CASEDB_IMAGE_SET_INIT, c = FX_CASEDB_IMAGE_SET_INIT;
	fx_casedb_acquisition_info *info = NULL;
	fx_casedb_audit_report rep;
	fx_image_file files[2];
	int64_t acq = 0, id = 0, found = 0;
	sqlite3 *s;

	memset(files, 0, sizeof(files));
	files[0].path = "/copies/c1.001";
	files[0].size = 1048576;
	memcpy(files[0].sha256, k_windows[0].sha256, 65);
	files[1].path = "/copies/c1.002";
	files[1].size = 4096;   /* not hashed: "" */
	t.target = "/evidence/img/disk";
	t.format = "split-raw";
	t.status = FX_STATUS_COMPLETED;
	t.bytes_written = 1052672;
	c.copy_number = 1;
	c.target = "/copies/c1";
	c.format = "split-raw";
	c.status = FX_STATUS_FAILED;
	c.bytes_written = 1052672;
	c.failed_at = 1052672;
	c.error = "cannot write /copies/c1.002: No space left on device";
	c.files = files;
	c.n_files = 2;
	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	ck_assert_int_eq(fx_casedb_image_set_add(&id, db, acq, &t), FX_EUSAGE);
	ck_assert_ptr_nonnull(strstr(fx_error_last(), "is still running"));
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), 0);
	ck_assert_int_eq(fx_casedb_image_set_add(&id, db, acq + 1, &t), FX_ENOTFOUND);
	t.n_files = 1;
	t.files = files;
	ck_assert_int_eq(fx_casedb_image_set_add(&id, db, acq, &t), FX_EUSAGE);
	ck_assert_ptr_nonnull(strstr(fx_error_last(), "image set 0 is TARGET"));
	t.n_files = 0;
	t.files = NULL;
	ck_assert_int_eq(fx_casedb_image_set_add(&id, db, acq, &t), 0);
	ck_assert_int_eq(id, 1);
	ck_assert_int_eq(fx_casedb_image_set_add(&id, db, acq, &c), 0);
	ck_assert_int_eq(id, 2);
	ck_assert_int_eq(fx_casedb_image_set_add(&id, db, acq, &c), FX_EEXISTS);
	ck_assert_ptr_nonnull(strstr(fx_error_last(), "has image set 1 already"));
	ck_assert_int_eq(fx_casedb_acquisition_find_by_file(&found, db,
							    "/copies/c1.002"), 0);
	ck_assert_int_eq(found, acq);
	ck_assert_int_eq(fx_casedb_acquisition_get(&info, db, acq), 0);
	ck_assert_uint_eq(info->n_image_sets, 2);
	ck_assert_uint_eq(info->image_sets[0].copy_number, 0);
	ck_assert_str_eq(info->image_sets[0].target, "/evidence/img/disk");
	ck_assert_int_eq(info->image_sets[0].status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(info->image_sets[0].failed_at, UINT64_MAX);
	ck_assert_uint_eq(info->image_sets[0].n_files, 0);
	ck_assert_uint_eq(info->image_sets[1].copy_number, 1);
	ck_assert_str_eq(info->image_sets[1].format, "split-raw");
	ck_assert_int_eq(info->image_sets[1].status, FX_STATUS_FAILED);
	ck_assert_uint_eq(info->image_sets[1].bytes_written, 1052672);
	ck_assert_uint_eq(info->image_sets[1].failed_at, 1052672);
	ck_assert_str_eq(info->image_sets[1].error, c.error);
	ck_assert_uint_eq(info->image_sets[1].n_files, 2);
	ck_assert_str_eq(info->image_sets[1].files[1].path, "/copies/c1.002");
	ck_assert_str_eq(info->image_sets[1].files[0].sha256, k_windows[0].sha256);
	ck_assert_str_eq(info->image_sets[1].files[1].sha256, "");
	fx_casedb_acquisition_info_free(info);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.intact, 1);
	fx_casedb_free(db);
	s = raw_open(path);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM audit_log WHERE action = "
				 "'image_set.record'"), 2);
	ck_assert_str_eq(raw_fails(s, "DELETE FROM image_set_files"),
			 "image_set_files is append-only");
	ck_assert_str_eq(raw_fails(s, "UPDATE image_sets SET status = 'completed'"),
			 "image_sets is append-only");
	/* a failed copy made to look complete is found */
	raw_exec(s, "DROP TRIGGER image_sets_no_update; "
		 "UPDATE image_sets SET status = 'completed' WHERE id = 2");
	sqlite3_close(s);
	expect_broken(path, 7, "event 7: image_set.record: the records no "
		      "longer match the event (record 2 changed)");
}
END_TEST

/* The vocabulary's "not known" is the database's NULL: a source text the
 * system did not expose (""), a flag FX_UNKNOWN, a hash or a file's SHA-256
 * not computed (""); and it reads back as the vocabulary says it. */
START_TEST(test_not_known_is_not_recorded)
{
	const char *path = new_path("casedb-not-known");
	fx_casedb *db = open_db(path, NULL);
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_result r = sample_result();
	fx_casedb_acquisition_info *info = NULL;
	int64_t acq = 0;
	sqlite3 *s;

	a.evidence.source.vendor = "";
	a.evidence.source.wwid = "";
	a.evidence.source.ro_before = "";
	a.evidence.source.removable = FX_UNKNOWN;
	r.hashes.sha1[0] = '\0';
	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), 0);
	ck_assert_int_eq(fx_casedb_acquisition_get(&info, db, acq), 0);
	ck_assert_ptr_null(info->rec.evidence.source.vendor);
	ck_assert_ptr_null(info->rec.evidence.source.wwid);
	ck_assert_ptr_null(info->rec.evidence.source.ro_before);
	ck_assert_str_eq(info->rec.evidence.source.ro_after, "ro=1");
	ck_assert_str_eq(info->rec.evidence.source.path, "/dev/sdb");
	ck_assert_int_eq(info->rec.evidence.source.removable, FX_UNKNOWN);
	ck_assert_int_eq(info->rec.evidence.source.kind, FX_SOURCE_UNKNOWN);
	ck_assert_int_eq(info->rec.evidence.source.is_partition, FX_UNKNOWN);
	ck_assert_str_eq(info->result.hashes.sha1, "");
	ck_assert_uint_eq(info->result.hashes.algs, FX_HASH_MD5 | FX_HASH_SHA256);
	ck_assert_str_eq(info->result.files[1].sha256, "");
	fx_casedb_acquisition_info_free(info);
	fx_casedb_free(db);
	s = raw_open(path);
	ck_assert_str_eq(raw_text(s, "SELECT coalesce(vendor, 'NULL') || '|' || "
				  "coalesce(wwid, 'NULL') || '|' || coalesce(removable, "
				  "'NULL') || '|' || coalesce(write_block_before, 'NULL') "
				  "FROM acquisitions"), "NULL|NULL|NULL|NULL");
	ck_assert_str_eq(raw_text(s, "SELECT coalesce(vendor, 'NULL') FROM "
				  "evidence"), "NULL");
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM hashes WHERE "
				 "algorithm = 'sha1'"), 0);
	ck_assert_str_eq(raw_text(s, "SELECT coalesce(sha256, 'NULL') FROM "
				  "image_files WHERE size_bytes = 1024"), "NULL");
	sqlite3_close(s);
}
END_TEST

START_TEST(test_event_content_and_hash)
{
	const char *path = new_path("casedb-content");
	fx_casedb *db = open_db(path, NULL);
	char expect[512], hash[65], prev[65];
	int64_t id = 0;
	sqlite3 *s;

	ck_assert_int_eq(fx_casedb_case_ensure(&id, db, "C-7", "a \"b\" \\ c\n"
					       "\x01\t\xc3\xa9"), 0);
	fx_casedb_free(db);
	s = raw_open(path);
	snprintf(expect, sizeof(expect), "{\"case\":{\"case_number\":\"C-7\","
		 "\"created_utc\":\"%s\",\"description\":\"a \\\"b\\\" \\\\ c"
		 "\\n\\u0001\\t\xc3\xa9\",\"id\":1}}",
		 raw_text(s, "SELECT created_utc FROM cases"));
	ck_assert_str_eq(raw_text(s, "SELECT content FROM audit_log WHERE "
				  "seq = 2"), expect);
	snprintf(prev, sizeof(prev), "%s", raw_text(s, "SELECT hash FROM "
						    "audit_log WHERE seq = 1"));
	ref_event_hash(hash, prev, 2, raw_text(s, "SELECT time_utc FROM "
				       "audit_log WHERE seq = 2"), ACTOR, HOST,
		       "case.create", expect);
	ck_assert_str_eq(raw_text(s, "SELECT hash FROM audit_log WHERE seq = 2"),
			 hash);
	ck_assert_str_eq(raw_text(s, "SELECT prev_hash FROM audit_log WHERE "
				  "seq = 2"), prev);
	sqlite3_close(s);
}
END_TEST

START_TEST(test_evidence_unique_within_case)
{
	const char *path = new_path("casedb-unique");
	fx_casedb_evidence ev = FX_CASEDB_EVIDENCE_INIT;
	fx_casedb *db = open_db(path, NULL);
	int64_t ca = 0, cb = 0, cb2 = 0, e1 = 0, e2 = 0, e3 = 0;
	sqlite3 *s;

	ck_assert_int_eq(fx_casedb_case_ensure(&ca, db, "A", "first"), 0);
	ck_assert_int_eq(fx_casedb_case_ensure(&cb, db, "B", NULL), 0);
	ck_assert_int_eq(fx_casedb_case_ensure(&cb2, db, "B", "ignored"), 0);
	ck_assert_int_eq(cb2, cb);
	ev.evidence_number = "1";
	ev.description = "first";
	ck_assert_int_eq(fx_casedb_evidence_ensure(&e1, db, ca, &ev), 0);
	ck_assert_int_eq(fx_casedb_evidence_ensure(&e2, db, cb, &ev), 0);
	ck_assert_int_ne(e1, e2);                  /* same number, two cases */
	ev.description = "second";
	ck_assert_int_eq(fx_casedb_evidence_ensure(&e3, db, ca, &ev), 0);
	ck_assert_int_eq(e3, e1);                  /* existing item re-used */
	ck_assert_int_eq(fx_casedb_evidence_ensure(&e3, db, 99, &ev),
			 FX_ENOTFOUND);
	ev.evidence_number = "";
	ck_assert_int_eq(fx_casedb_evidence_ensure(&e3, db, ca, &ev), FX_EUSAGE);
	fx_casedb_free(db);
	s = raw_open(path);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM audit_log"), 5);
	ck_assert_str_eq(raw_text(s, "SELECT description FROM evidence WHERE "
				  "id = 1"), "first");
	ck_assert_str_eq(raw_fails(s, "INSERT INTO evidence (case_id, "
				   "evidence_number, created_utc) VALUES (1, "
				   "'1', 'x')"),
			 "UNIQUE constraint failed: evidence.case_id, "
			 "evidence.evidence_number");
	sqlite3_close(s);
}
END_TEST

static int collect_custody(const fx_casedb_custody_info *c, void *payload)
{
	ck_assert_str_eq(c->rec.to_party, "evidence locker");
	ck_assert_str_eq(c->rec.actor, ACTOR);
	(*(int *)payload)++;
	return 0;
}

START_TEST(test_verification_and_custody)
{
	const char *path = new_path("casedb-verify");
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_result r = sample_result();
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_casedb_verification_info *vi = NULL;
	fx_casedb_audit_report rep;
	fx_casedb *db = open_db(path, NULL);
	int64_t acq = 0, vid = 0;
	int n = 0;

	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), 0);
	ck_assert_int_eq(fx_casedb_verification_last(&vi, db, acq), FX_ENOTFOUND);
	v.acquisition_id = acq;
	v.tool = "verify";
	v.tool_version = "0.1.0";
	v.result = FX_VERDICT_MISMATCH;
	memcpy(v.hashes.sha256, k_windows[0].sha256, sizeof(v.hashes.sha256));
	v.windows = k_windows;
	v.n_windows = 1;
	v.findings = "{\"first_mismatch_window\":0}";
	ck_assert_int_eq(fx_casedb_verification_record(&vid, db, &v), 0);
	v.result = FX_VERDICT_VERIFIED;
	snprintf(v.hashes.sha256, sizeof(v.hashes.sha256), "%s", SHA256_HEX);
	v.n_windows = 0;
	v.findings = NULL;
	ck_assert_int_eq(fx_casedb_verification_record(&vid, db, &v), 0);
	ck_assert_int_eq(fx_casedb_verification_last(&vi, db, acq), 0);
	ck_assert_int_eq(vi->id, 2);
	ck_assert_int_eq(vi->rec.evidence_id, 1);
	ck_assert_int_eq(vi->rec.result, FX_VERDICT_VERIFIED);
	ck_assert_str_eq(vi->rec.hashes.sha256, SHA256_HEX);
	ck_assert_str_eq(vi->rec.hashes.md5, "");
	ck_assert_ptr_null(vi->rec.findings);
	ck_assert_str_eq(vi->rec.actor, ACTOR);
	ck_assert_int_eq(vi->rec.n_windows, 0);
	fx_casedb_verification_info_free(vi);
	v.evidence_id = 5;
	ck_assert_int_eq(fx_casedb_verification_record(&vid, db, &v), FX_EUSAGE);

	setup_custody(db, 3);
	ck_assert_int_eq(fx_casedb_custody_list(db, 1, collect_custody, &n), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.events, 10);
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM hashes"), 8);
}
END_TEST

static int count_acq(const fx_casedb_acquisition_info *a, void *payload)
{
	(void)a;
	(*(int *)payload)++;
	return 0;
}

static int stop_at_first_case(const fx_casedb_case_info *c, void *payload)
{
	*(int64_t *)payload = c->id;
	return 7;
}

START_TEST(test_lists)
{
	const char *path = new_path("casedb-lists");
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb *db = open_db(path, NULL);
	int64_t id = 0, first = 0;
	int n = 0;

	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), 0);
	a.evidence.evidence_number = "E-2";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), 0);
	a.case_number = "C-2";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), 0);
	ck_assert_int_eq(fx_casedb_acquisition_list(db, 0, count_acq, &n), 0);
	ck_assert_int_eq(n, 3);
	n = 0;
	ck_assert_int_eq(fx_casedb_acquisition_list(db, 2, count_acq, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(fx_casedb_case_list(db, stop_at_first_case, &first), 7);
	ck_assert_int_eq(first, 1);
	ck_assert_int_eq(fx_casedb_case_find(&id, db, "C-2"), 0);
	ck_assert_int_eq(id, 2);
	fx_casedb_free(db);
}
END_TEST

START_TEST(test_invalid_input_changes_nothing)
{
	const char *path = new_path("casedb-invalid");
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_result r = sample_result();
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	fx_image_file bad_file = { "/x", 1, "xyz", 0, 0 };
	fx_casedb *db = open_db(path, NULL);
	int64_t acq = 0, id = 0;

	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	a.start_utc = "24/11/2026 21:36";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "start time \"24/11/2026 21:36\" is "
			 "not a UTC time like 2026-11-24T21:36:44Z or "
			 "2026-11-24T21:36:44.123456Z");
	a.start_utc = NULL;
	a.format = "zip";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), FX_EUSAGE);
	a.format = "raw";
	a.command_line = "bad \xff utf-8";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), FX_EUSAGE);
	a.command_line = NULL;
	a.parameters_json = "{not json";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), FX_EUSAGE);
	ck_assert_ptr_nonnull(strstr(fx_error_last(), g_pg_host
		? "violates check constraint \"acquisitions_parameters_json_check\""
		: "CHECK constraint failed"));
	r.files = &bad_file;
	r.n_files = 1;
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "sha256 of an image file \"xyz\" is "
			 "not 64 hex digits");
	r = sample_result();
	r.status = FX_STATUS_RUNNING;
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), FX_EUSAGE);
	r = sample_result();
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, 42, &r), FX_ENOTFOUND);
	c.evidence_id = 1;
	ck_assert_int_eq(fx_casedb_custody_record(&id, db, &c), FX_EUSAGE);
	c.to_party = "lab";
	c.evidence_id = 9;
	ck_assert_int_eq(fx_casedb_custody_record(&id, db, &c), FX_ENOTFOUND);
	fx_casedb_free(db);
	/* nothing of the refused calls was stored; the first one is still
	 * running (not finished by the failed finish) */
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log"), 4);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM acquisitions"), 1);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM hashes"), 0);
	ck_assert_int_eq(count_of(path, "SELECT status = 'running' FROM "
				  "acquisitions"), 1);
}
END_TEST

/* Calls with a missing argument or a record of a version this library does
 * not serve are refused before anything is locked or written, naming the
 * function and the argument or the record's type; an older record version
 * is served. A refused write leaves *out as it was. */
START_TEST(test_argument_and_version_checks)
{
	const char *path = new_path("casedb-contracts");
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_result r = sample_result();
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = open_db(path, NULL), *none = NULL;
	int64_t acq = 0, id = 77;

	ck_assert_int_eq(fx_casedb_case_ensure(NULL, db, "C-1", NULL), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_case_ensure: out is required");
	ck_assert_int_eq(fx_casedb_evidence_ensure(&id, db, 1, NULL), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_evidence_ensure: ev is required");
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, NULL, &a), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_acquisition_begin: db is required");
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, 1, NULL), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_acquisition_finish: result "
			 "is required");
	ck_assert_int_eq(fx_casedb_case_find(&id, db, NULL), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_case_find: case_number is "
			 "required");
	ck_assert_int_eq(fx_casedb_case_list(db, NULL, NULL), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_case_list: cb is required");

	a.version = 0;
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_acquisition_begin: "
			 "fx_casedb_acquisition version 0, expected 1 to 2");
	a.version = FX_CASEDB_ACQUISITION_VERSION + 1;
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_acquisition_begin: "
			 "fx_casedb_acquisition version 3, expected 1 to 2");
	v.version = 0;
	ck_assert_int_eq(fx_casedb_verification_record(&id, db, &v), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_verification_record: "
			 "fx_casedb_verification version 0, expected 1 to 1");
	c.version = FX_CASEDB_CUSTODY_VERSION + 1;
	ck_assert_int_eq(fx_casedb_custody_record(&id, db, &c), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_custody_record: "
			 "fx_casedb_custody version 2, expected 1 to 1");
	o.version = 0;
	ck_assert_int_eq(fx_casedb_open(&none, path, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_open: fx_casedb_options "
			 "version 0, expected 1 to 1");
	ck_assert_ptr_null(none);
	ck_assert_int_eq(id, 77);

	a.version = FX_CASEDB_ACQUISITION_VERSION;
	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	r.version = FX_CASEDB_RESULT_VERSION + 1;
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_acquisition_finish: "
			 "fx_casedb_result version 3, expected 1 to 2");
	/* a failure inside the transaction: *out is not the rolled-back id */
	ck_assert_int_eq(fx_casedb_evidence_ensure(&id, db, 99, &a.evidence),
			 FX_ENOTFOUND);
	ck_assert_int_eq(id, 77);
	r.version = 1;           /* an older caller: served, without error */
	r.status = FX_STATUS_FAILED;
	r.error = "not a field of version 1";
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), 0);
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log"), 5);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM acquisitions "
				  "WHERE status = 'failed' AND error IS NULL"), 1);
}
END_TEST

/* A case's description is recorded once: a later acquisition that gives
 * another (or one for a case recorded without) is refused, and nothing of
 * it is written; the same text, or none, is accepted. */
START_TEST(test_case_description_once)
{
	const char *path = new_path("casedb-case-description");
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb *db = open_db(path, NULL);
	int64_t acq = 0, id = 0;

	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	a.evidence.evidence_number = "E-2";
	a.evidence.description = "second item";
	a.case_description = "another description";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), FX_EEXISTS);
	ck_assert_str_eq(fx_error_last(), "case \"C-1\" is recorded with the "
			 "description \"burglary, 12 Main St\"; a case's "
			 "description is recorded once, when the case is made, "
			 "so \"another description\" is refused");
	a.case_description = NULL;
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), 0);
	a.evidence.evidence_number = "E-3";
	a.case_description = "burglary, 12 Main St";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), 0);
	a = sample_acq("C-2", "E-1");
	a.case_description = NULL;
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), 0);
	a.evidence.evidence_number = "E-2";
	a.case_description = "late";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&id, db, &a), FX_EEXISTS);
	ck_assert_str_eq(fx_error_last(), "case \"C-2\" is recorded without a "
			 "description; a case's description is recorded once, "
			 "when the case is made, so \"late\" is refused");
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM acquisitions"), 4);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM evidence"), 4);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM cases WHERE "
				  "description IS NULL"), 1);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM evidence WHERE "
				  "description = 'second item'"), 2);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log WHERE "
				  "action = 'case.create'"), 2);
}
END_TEST

/* ---- append-only ---- */

START_TEST(test_append_only_triggers)
{
	const char *path = new_path("casedb-triggers");
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_result r = sample_result();
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_casedb *db = open_db(path, NULL);
	int64_t acq = 0, id = 0;
	sqlite3 *s;

	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), 0);
	v.acquisition_id = acq;
	v.result = FX_VERDICT_VERIFIED;
	ck_assert_int_eq(fx_casedb_verification_record(&id, db, &v), 0);
	setup_custody(db, 1);
	fx_casedb_free(db);
	s = raw_open(path);
	ck_assert_str_eq(raw_fails(s, "UPDATE audit_log SET actor = 'x'"),
			 "audit_log is append-only");
	ck_assert_str_eq(raw_fails(s, "DELETE FROM audit_log WHERE seq = 3"),
			 "audit_log is append-only");
	ck_assert_str_eq(raw_fails(s, "UPDATE custody_events SET to_party = 'x'"),
			 "custody_events is append-only");
	ck_assert_str_eq(raw_fails(s, "DELETE FROM custody_events"),
			 "custody_events is append-only");
	ck_assert_str_eq(raw_fails(s, "UPDATE hashes SET value = upper(value)"),
			 "hashes is append-only");
	ck_assert_str_eq(raw_fails(s, "DELETE FROM hashes"),
			 "hashes is append-only");
	ck_assert_str_eq(raw_fails(s, "UPDATE verifications SET result = "
				   "'verified'"), "verifications is append-only");
	ck_assert_str_eq(raw_fails(s, "DELETE FROM verifications"),
			 "verifications is append-only");
	ck_assert_str_eq(raw_fails(s, "UPDATE acquisitions SET status = "
				   "'completed'"), "acquisitions: only a running "
			 "acquisition can be finished, once");
	ck_assert_str_eq(raw_fails(s, "DELETE FROM cases"),
			 "cases is append-only");
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM audit_log"), 7);
	sqlite3_close(s);
}
END_TEST

/* ---- tampering ---- */

/* A database of 20 events: schema, case, evidence, 17 custody events. */
static const char *tamper_fixture(const char *tag)
{
	const char *path = new_path(tag);
	fx_casedb *db = open_db(path, NULL);

	setup_custody(db, 17);
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log"), 20);
	return path;
}

static sqlite3 *tamper_open(const char *path)
{
	sqlite3 *s = raw_open(path);

	raw_exec(s, "DROP TRIGGER audit_log_no_update; "
		 "DROP TRIGGER audit_log_no_delete");
	return s;
}

START_TEST(test_tamper_edit)
{
	const char *path = tamper_fixture("casedb-edit");
	sqlite3 *s = tamper_open(path);

	raw_exec(s, "UPDATE audit_log SET content = replace(content, "
		 "'room 101', 'room 102') WHERE seq = 17");
	sqlite3_close(s);
	expect_broken(path, 17, "event 17: hash does not match its content");
}
END_TEST

START_TEST(test_tamper_edit_actor)
{
	const char *path = tamper_fixture("casedb-actor");
	sqlite3 *s = tamper_open(path);

	raw_exec(s, "UPDATE audit_log SET actor = 'someone else' WHERE seq = 9");
	sqlite3_close(s);
	expect_broken(path, 9, "event 9: hash does not match its content");
}
END_TEST

START_TEST(test_tamper_delete)
{
	const char *path = tamper_fixture("casedb-delete");
	sqlite3 *s = tamper_open(path);

	raw_exec(s, "DELETE FROM audit_log WHERE seq = 17");
	sqlite3_close(s);
	expect_broken(path, 18, "event 18: sequence gap, expected 17");
}
END_TEST

START_TEST(test_tamper_insert_at_end)
{
	const char *path = tamper_fixture("casedb-append");
	sqlite3 *s = tamper_open(path);

	raw_exec(s, "INSERT INTO audit_log (seq, time_utc, actor, host, action, "
		 "content, prev_hash, hash) VALUES (21, '2026-11-25T00:00:00Z', "
		 "'x', 'y', 'schema.migrate', '{\"from\":1,\"to\":2}', "
		 "'0000000000000000000000000000000000000000000000000000000000000001', "
		 "'0000000000000000000000000000000000000000000000000000000000000002')");
	sqlite3_close(s);
	expect_broken(path, 21, "event 21: prev_hash does not match event 20");
}
END_TEST

/* An event put at seq 2^63-1 by hand: the next write is refused, saying
 * why, rather than computing a seq past the end (signed overflow) and
 * writing an event at seq -2^63. */
START_TEST(test_tamper_head_at_last_seq)
{
	const char *path = new_path("casedb-lastseq");
	fx_casedb *db = open_db(path, NULL);
	sqlite3 *s = NULL;
	int64_t id = 0;
	char want[512];

	fx_casedb_free(db);
	ck_assert_int_eq(sqlite3_open(path, &s), SQLITE_OK);
	raw_exec(s, "INSERT INTO audit_log (seq, time_utc, actor, host, action, "
		 "content, prev_hash, hash) VALUES (9223372036854775807, "
		 "'2026-11-25T00:00:00Z', 'x', 'y', 'schema.migrate', "
		 "'{\"from\":1,\"to\":2}', "
		 "'0000000000000000000000000000000000000000000000000000000000000001', "
		 "'0000000000000000000000000000000000000000000000000000000000000002')");
	sqlite3_close(s);
	db = open_db(path, NULL);
	ck_assert_int_eq(fx_casedb_case_ensure(&id, db, "C-LAST", NULL),
			 FX_ECORRUPT);
	snprintf(want, sizeof(want), "case database %s: the audit chain's head "
		 "is event 9223372036854775807, which no event can follow "
		 "(check its audit chain)", path);
	ck_assert_str_eq(fx_error_last(), want);
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log WHERE "
				  "seq < 0"), 0);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM cases WHERE "
				  "case_number = 'C-LAST'"), 0);
}
END_TEST

/* A forged event, well formed and hashed on the real chain, is put in the
 * middle; the event after it no longer fits. */
START_TEST(test_tamper_insert_middle)
{
	const char *path = tamper_fixture("casedb-insert");
	sqlite3 *s = tamper_open(path);
	const char *content = "{\"from\":1,\"to\":1}";
	char prev[65], hash[65], sql[1024];

	raw_exec(s, "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 10; "
		 "UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1000");
	snprintf(prev, sizeof(prev), "%s", raw_text(s, "SELECT hash FROM "
						    "audit_log WHERE seq = 9"));
	ref_event_hash(hash, prev, 10, "2026-11-25T00:00:00Z", "x", "y",
		       "schema.migrate", content);
	snprintf(sql, sizeof(sql), "INSERT INTO audit_log (seq, time_utc, actor, "
		 "host, action, content, prev_hash, hash) VALUES (10, "
		 "'2026-11-25T00:00:00Z', 'x', 'y', 'schema.migrate', '%s', "
		 "'%s', '%s')", content, prev, hash);
	raw_exec(s, sql);
	sqlite3_close(s);
	expect_broken(path, 11, "event 11: prev_hash does not match event 10");
}
END_TEST

START_TEST(test_tamper_reorder)
{
	const char *path = tamper_fixture("casedb-swap");
	sqlite3 *s = tamper_open(path);

	/* swap the content of two events */
	raw_exec(s, "CREATE TEMP TABLE t AS SELECT seq, content FROM audit_log "
		 "WHERE seq IN (12, 13); UPDATE audit_log SET content = (SELECT "
		 "content FROM t WHERE t.seq = 25 - audit_log.seq) WHERE seq IN "
		 "(12, 13)");
	sqlite3_close(s);
	expect_broken(path, 12, "event 12: hash does not match its content");
}
END_TEST

START_TEST(test_tamper_reorder_rows)
{
	const char *path = tamper_fixture("casedb-swaprows");
	sqlite3 *s = tamper_open(path);

	/* swap whole events 12 and 13, each keeping its own hash */
	raw_exec(s, "UPDATE audit_log SET seq = 100 WHERE seq = 12; "
		 "UPDATE audit_log SET seq = 12 WHERE seq = 13; "
		 "UPDATE audit_log SET seq = 13 WHERE seq = 100");
	sqlite3_close(s);
	expect_broken(path, 12, "event 12: prev_hash does not match event 11");
}
END_TEST

/* The records themselves are bound to the log: changing a custody row
 * (after dropping its trigger) or adding one is found. */
START_TEST(test_tamper_records)
{
	const char *path = tamper_fixture("casedb-records");
	sqlite3 *s = raw_open(path);

	raw_exec(s, "DROP TRIGGER custody_events_no_update; UPDATE "
		 "custody_events SET location = 'car park' WHERE id = 5");
	sqlite3_close(s);
	/* custody 5 is event 3 + 5 */
	expect_broken(path, 8, "event 8: custody.transfer: the records no "
		      "longer match the event (record 5 changed)");

	path = tamper_fixture("casedb-records2");
	s = raw_open(path);
	raw_exec(s, "INSERT INTO custody_events (evidence_id, to_party, "
		 "time_utc) VALUES (1, 'someone', '2026-11-25T00:00:00Z')");
	sqlite3_close(s);
	expect_broken(path, 0, "table custody_events has 18 rows; the audit "
		      "log accounts for 17");

	path = tamper_fixture("casedb-records3");
	s = raw_open(path);
	raw_exec(s, "DROP TRIGGER custody_events_no_delete; DELETE FROM "
		 "custody_events WHERE id = 17");
	sqlite3_close(s);
	expect_broken(path, 20, "event 20: custody.transfer: the record is gone "
		      "(custody 17 is missing)");
}
END_TEST

/* ---- signing ---- */

static void write_keypair(const char *priv_path, const char *pub_path)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_PKEY *k = NULL;
	FILE *f;

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(EVP_PKEY_keygen_init(ctx), 1);
	ck_assert_int_eq(EVP_PKEY_keygen(ctx, &k), 1);
	f = fopen(priv_path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
	if (pub_path) {
		f = fopen(pub_path, "w");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(PEM_write_PUBKEY(f, k), 1);
		fclose(f);
	}
	EVP_PKEY_free(k);
	EVP_PKEY_CTX_free(ctx);
}

START_TEST(test_signed_chain)
{
	const char *path = new_path("casedb-signed");
	char dir[4096], key_a[4200], pub_a[4200], key_b[4200], pub_b[4200];
	fx_casedb_audit_options o = FX_CASEDB_AUDIT_OPTIONS_INIT;
	fx_casedb_audit_report rep;
	fx_casedb *db;
	sqlite3 *s;

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	snprintf(key_a, sizeof(key_a), "%s/a.pem", dir);
	snprintf(pub_a, sizeof(pub_a), "%s/a.pub.pem", dir);
	snprintf(key_b, sizeof(key_b), "%s/b.pem", dir);
	snprintf(pub_b, sizeof(pub_b), "%s/b.pub.pem", dir);
	write_keypair(key_a, pub_a);
	write_keypair(key_b, pub_b);

	db = open_db(path, key_a);
	setup_custody(db, 5);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.events, 9);   /* key.register + schema + 7 */
	ck_assert_int_eq(rep.signed_events, 9);
	o.trusted_key_path = pub_a;
	o.require_signed = 1;
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &o), 0);
	ck_assert_int_eq(rep.signed_events, 9);
	o.trusted_key_path = key_a;        /* a private key names its public */
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &o), 0);
	o.trusted_key_path = pub_b;        /* wrong key */
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &o), FX_ECORRUPT);
	ck_assert_int_eq(rep.first_bad_seq, 1);
	ck_assert_ptr_nonnull(strstr(rep.reason, "event 1: signed with key "));
	ck_assert_ptr_nonnull(strstr(rep.reason, ", not the trusted key "));
	fx_casedb_free(db);
	s = raw_open(path);
	ck_assert_str_eq(raw_text(s, "SELECT action FROM audit_log WHERE "
				  "seq = 1"), "key.register");
	sqlite3_close(s);
}
END_TEST

START_TEST(test_signed_chain_forged)
{
	const char *path = new_path("casedb-forged");
	char dir[4096], key[4200], why[256];
	fx_casedb_audit_options o = FX_CASEDB_AUDIT_OPTIONS_INIT;
	fx_casedb_audit_report rep;
	fx_casedb *db;
	sqlite3 *s;

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	snprintf(key, sizeof(key), "%s/k.pem", dir);
	write_keypair(key, NULL);
	db = open_db(path, key);
	setup_custody(db, 5);
	fx_casedb_free(db);

	/* a forger edits event 6 and recomputes the chain, without the key */
	s = tamper_open(path);
	raw_exec(s, "UPDATE audit_log SET content = replace(content, "
		 "'room 101', 'room 999') WHERE seq = 6");
	forge_rechain(s, 6);
	snprintf(why, sizeof(why), "event 6: signature does not verify with "
		 "key %s...", raw_text(s, "SELECT substr(public_key, 1, 16) "
				       "FROM signing_keys"));
	sqlite3_close(s);
	expect_broken(path, 6, why);

	/* Stripping the signatures does not help. This used to pass the
	 * signature checks unless they were required (the walk then stopped
	 * only at the changed record, event 6); now the chain's own
	 * key.register says it was signed, by default. */
	s = raw_open(path);
	raw_exec(s, "UPDATE audit_log SET key_id = NULL, signature = NULL");
	sqlite3_close(s);
	db = open_ro(path);
	ck_assert_int_eq(check_chain(&rep, db), FX_ECORRUPT);
	ck_assert_int_eq(rep.first_bad_seq, 1);
	ck_assert_str_eq(rep.reason, "event 1: key.register is not signed (a "
			 "key registers itself with its own signature)");
	o.require_signed = 1;
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &o), FX_ECORRUPT);
	ck_assert_str_eq(rep.reason, "event 1: not signed");
	fx_casedb_free(db);
}
END_TEST

START_TEST(test_signature_flipped)
{
	const char *path = new_path("casedb-flip");
	char dir[4096], key[4200], why[256];
	fx_casedb *db;
	sqlite3 *s;

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	snprintf(key, sizeof(key), "%s/k.pem", dir);
	write_keypair(key, NULL);
	db = open_db(path, key);
	setup_custody(db, 3);
	fx_casedb_free(db);
	s = tamper_open(path);
	raw_exec(s, "UPDATE audit_log SET signature = (CASE substr(signature, "
		 "1, 1) WHEN '0' THEN '1' ELSE '0' END) || substr(signature, 2) "
		 "WHERE seq = 4");
	snprintf(why, sizeof(why), "event 4: signature does not verify with "
		 "key %s...", raw_text(s, "SELECT substr(public_key, 1, 16) "
				       "FROM signing_keys"));
	sqlite3_close(s);
	expect_broken(path, 4, why);
}
END_TEST

START_TEST(test_bad_signing_key)
{
	const char *path = new_path("casedb-badkey");
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;
	char key[4200];

	snprintf(key, sizeof(key), "%s.notakey", side_path(path));
	ck_assert_int_eq(fxt_write_file(key, "hello\n", 6), 0);
	o.sign_key_path = key;
	ck_assert_int_eq(fx_casedb_open(&db, path, &o), FX_EUSAGE);
	ck_assert_ptr_nonnull(strstr(fx_error_last(), "not a PEM private key"));
	ck_assert_int_eq(access(path, F_OK), -1);   /* nothing created */
}
END_TEST

/* ---- trust: what the chain shows by default, and with a trusted key ---- */

#define NOT_CHECKED_END "Events removed from the end of the log cannot be " \
	"detected from the database alone: compare the head hash and event " \
	"count with a copy kept elsewhere."
#define NOT_CHECKED_UNSIGNED "The chain is unsigned: it shows the log is " \
	"consistent, not who wrote it; whoever can write the database could " \
	"rewrite the whole chain, or strip its signatures and re-chain it, and " \
	"it would still check. " NOT_CHECKED_END
#define NOT_CHECKED_RECORDED "Signatures checked, but no trusted key was " \
	"given: they were verified with keys recorded in the database itself, " \
	"so a chain re-signed (or extended) with a forger's own key would " \
	"pass. " NOT_CHECKED_END
#define CHECKED_BASE "every event's sequence, link to the one before, hash " \
	"and canonical content; the records against their events and the row " \
	"counts; the append-only triggers against the schema; "

/* The raw public key of a PEM private key file, as 64 hex digits. */
static void pub_hex_of(char out[65], const char *pem)
{
	unsigned char raw[32];
	size_t len = sizeof(raw), i;
	FILE *f = fopen(pem, "r");
	EVP_PKEY *k;

	ck_assert_ptr_nonnull(f);
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(EVP_PKEY_get_raw_public_key(k, raw, &len), 1);
	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", raw[i]);
	EVP_PKEY_free(k);
}

/* Signs event seq with the key in pem as key id key_id, as the library
 * would (the forger holds that key). */
static void forge_sign(sqlite3 *s, long long seq, const char *pem,
		       long long key_id)
{
	char sql[512], msg[128], sig_hex[129];
	unsigned char sig[64];
	size_t slen = sizeof(sig), i;
	FILE *f = fopen(pem, "r");
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY *k;

	ck_assert_ptr_nonnull(f);
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(k);
	snprintf(sql, sizeof(sql), "SELECT hash FROM audit_log WHERE seq = %lld",
		 seq);
	snprintf(msg, sizeof(msg), "libforensic-audit-v1:%s", raw_text(s, sql));
	ck_assert_int_eq(EVP_DigestSignInit(ctx, NULL, NULL, NULL, k), 1);
	ck_assert_int_eq(EVP_DigestSign(ctx, sig, &slen, (unsigned char *)msg,
					strlen(msg)), 1);
	for (i = 0; i < 64; i++)
		sprintf(sig_hex + 2 * i, "%02x", sig[i]);
	snprintf(sql, sizeof(sql), "UPDATE audit_log SET key_id = %lld, "
		 "signature = '%s' WHERE seq = %lld", key_id, sig_hex, seq);
	raw_exec(s, sql);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
}

/* A forger's session: every trigger dropped, and put back exactly as it
 * was by forger_close(), so that only the chain can give the forgery
 * away. */
static char *g_triggers[64];
static int g_n_triggers;

static sqlite3 *forger_open(const char *path)
{
	sqlite3 *s = raw_open(path);
	sqlite3_stmt *st = NULL;
	char sql[256];
	int i;

	ck_assert_int_eq(sqlite3_prepare_v2(s, "SELECT name, sql FROM "
					    "sqlite_master WHERE type = "
					    "'trigger'", -1, &st, NULL), 0);
	for (g_n_triggers = 0; sqlite3_step(st) == SQLITE_ROW;) {
		ck_assert_int_lt(g_n_triggers, 64);
		g_triggers[g_n_triggers++] = strdup((const char *)
						    sqlite3_column_text(st, 1));
		snprintf(sql, sizeof(sql), "DROP TRIGGER \"%s\"",
			 sqlite3_column_text(st, 0));
		raw_exec(s, sql);
	}
	sqlite3_finalize(st);
	for (i = 0; i < g_n_triggers; i++)
		ck_assert_ptr_nonnull(g_triggers[i]);
	return s;
}

static void forger_close(sqlite3 *s)
{
	int i;

	for (i = 0; i < g_n_triggers; i++) {
		raw_exec(s, g_triggers[i]);
		free(g_triggers[i]);
	}
	g_n_triggers = 0;
	sqlite3_close(s);
}

/* Key files a.pem, b.pem (and f.pem, the forger's) beside path. */
static void key_paths(const char *path, char a[4200], char b[4200],
		      char f[4200])
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s", side_path(path));
	*strrchr(dir, '/') = '\0';
	snprintf(a, 4200, "%s/a.pem", dir);
	snprintf(b, 4200, "%s/b.pem", dir);
	snprintf(f, 4200, "%s/f.pem", dir);
	write_keypair(a, NULL);
	write_keypair(b, NULL);
	write_keypair(f, NULL);
}

/* A copy of path to tamper with ("<path>.<tag>"), in g_copy. */
static char g_copy[4300];

static const char *copy_db(const char *path, const char *tag)
{
	sqlite3 *from = raw_open(path), *to = NULL;
	sqlite3_backup *b;

	snprintf(g_copy, sizeof(g_copy), "%s.%s", path, tag);
	ck_assert_int_eq(sqlite3_open(g_copy, &to), SQLITE_OK);
	b = sqlite3_backup_init(to, "main", from, "main");
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(sqlite3_backup_step(b, -1), SQLITE_DONE);
	sqlite3_backup_finish(b);
	sqlite3_close(to);
	sqlite3_close(from);
	return g_copy;
}

static void check_with(fx_casedb_audit_report *rep, const char *path,
		       const char *trusted_hex, int require, int want_rc)
{
	fx_casedb_audit_options o = FX_CASEDB_AUDIT_OPTIONS_INIT;
	fx_casedb *db = open_ro(path);
	int rc;

	o.trusted_key_hex = trusted_hex;
	o.require_signed = require;
	rc = fx_casedb_audit_check(rep, db, &o);
	ck_assert_msg(rc == want_rc, "%s: rc %d, want %d: %s", path, rc,
		      want_rc, rep->reason);
	fx_casedb_free(db);
}

/* Events 1-5 unsigned (schema, case, evidence, 2 custody), then key a
 * registers itself (6) and signs 7, 8; then key b (9) signs 10. */
static void mixed_chain(const char *path, const char *a, const char *b)
{
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	fx_casedb *db = open_db(path, NULL);
	int64_t id;

	setup_custody(db, 2);
	fx_casedb_free(db);
	c.evidence_id = 1;
	c.to_party = "locker";
	db = open_db(path, a);
	ck_assert_int_eq(fx_casedb_custody_record(&id, db, &c), 0);
	ck_assert_int_eq(fx_casedb_custody_record(&id, db, &c), 0);
	fx_casedb_free(db);
	db = open_db(path, b);
	ck_assert_int_eq(fx_casedb_custody_record(&id, db, &c), 0);
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log"), 10);
	ck_assert_int_eq(count_of(path, "SELECT seq FROM audit_log WHERE "
				  "action = 'key.register' AND key_id = 2"), 9);
}

START_TEST(test_trust_mixed_chain)
{
	const char *path = new_path("casedb-mixed");
	char a[4200], b[4200], f[4200], ha[65], hb[65], checked[1024],
	     not_checked[1024], why[256];
	fx_casedb_audit_report rep;

	key_paths(path, a, b, f);
	pub_hex_of(ha, a);
	pub_hex_of(hb, b);
	mixed_chain(path, a, b);
	check_with(&rep, path, NULL, 0, 0);
	ck_assert_int_eq(rep.trust, FX_CASEDB_TRUST_RECORDED_KEYS);
	ck_assert_int_eq(rep.signed_events, 5);
	ck_assert_int_eq(rep.first_signed_seq, 6);
	ck_assert_int_eq(rep.keys_used, 2);
	ck_assert_str_eq(rep.key_hex, "");
	ck_assert_str_eq(rep.triggers, "");
	fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
				 sizeof(not_checked), &rep);
	ck_assert_str_eq(checked, CHECKED_BASE "signatures: 5 of 10 events "
			 "signed, every event from event 6 on (events 1 to 5, "
			 "written before, are covered through the chain), each "
			 "verified with the 2 keys recorded in the database");
	ck_assert_str_eq(not_checked, NOT_CHECKED_RECORDED);
	ck_assert_str_eq(fx_casedb_audit_trust_name(rep.trust), "recorded_keys");
	/* key a trusted: key b's events are not its */
	check_with(&rep, path, ha, 0, FX_ECORRUPT);
	ck_assert_int_eq(rep.first_bad_seq, 9);
	snprintf(why, sizeof(why), "event 9: signed with key %.16s..., not the "
		 "trusted key %.16s...", hb, ha);
	ck_assert_str_eq(rep.reason, why);
	/* signatures required: the unsigned events 1 to 5 are not */
	check_with(&rep, path, NULL, 1, FX_ECORRUPT);
	ck_assert_str_eq(rep.reason, "event 1: not signed");
}
END_TEST

/* Each rule on its own copy of the mixed chain. */
START_TEST(test_trust_rules)
{
	const char *path = new_path("casedb-rules"), *t;
	char a[4200], b[4200], f[4200], hb[65], why[256];
	sqlite3 *s;

	key_paths(path, a, b, f);
	pub_hex_of(hb, b);
	mixed_chain(path, a, b);

	/* a key.register without its self-signature */
	t = copy_db(path, "unsigned-register");
	s = tamper_open(t);
	raw_exec(s, "UPDATE audit_log SET key_id = NULL, signature = NULL "
		 "WHERE seq = 6");
	sqlite3_close(s);
	expect_broken(t, 6, "event 6: key.register is not signed (a key "
		      "registers itself with its own signature)");

	/* an unsigned event after a key.register */
	t = copy_db(path, "unsigned-after");
	s = tamper_open(t);
	raw_exec(s, "UPDATE audit_log SET key_id = NULL, signature = NULL "
		 "WHERE seq = 8");
	sqlite3_close(s);
	expect_broken(t, 8, "event 8: not signed, although a signing key was "
		      "registered at event 6");

	/* key b's key.register signed by key a instead of itself */
	t = copy_db(path, "register-by-other");
	s = tamper_open(t);
	forge_sign(s, 9, a, 1);
	sqlite3_close(s);
	expect_broken(t, 9, "event 9: key.register of key 2 is signed by key "
		      "1, not by itself");

	/* an event signed by key b before b registered itself */
	t = copy_db(path, "signed-early");
	s = tamper_open(t);
	forge_sign(s, 7, b, 2);
	sqlite3_close(s);
	snprintf(why, sizeof(why), "event 7: signed with key %.16s..., which "
		 "no earlier key.register event registers", hb);
	expect_broken(t, 7, why);
}
END_TEST

/* Every signature stripped and the key's traces removed, the chain
 * renumbered and re-hashed: nothing in the database shows it; the check
 * says so, and a trusted key or required signatures refuse it. */
START_TEST(test_trust_rewritten_unsigned)
{
	const char *path = new_path("casedb-rewritten");
	char a[4200], b[4200], f[4200], ha[65], why[256], checked[1024],
	     not_checked[1024];
	fx_casedb_audit_report rep;
	fx_casedb *db;
	sqlite3 *s;

	key_paths(path, a, b, f);
	pub_hex_of(ha, a);
	db = open_db(path, a);
	setup_custody(db, 3);
	fx_casedb_free(db);
	s = forger_open(path);
	raw_exec(s, "UPDATE audit_log SET key_id = NULL, signature = NULL; "
		 "DELETE FROM audit_log WHERE action = 'key.register'; "
		 "DELETE FROM signing_keys; "
		 "UPDATE audit_log SET seq = seq + 1000; "
		 "UPDATE audit_log SET seq = seq - 1001");
	forge_rechain(s, 1);
	forger_close(s);
	check_with(&rep, path, NULL, 0, 0);
	ck_assert_int_eq(rep.events, 6);
	ck_assert_int_eq(rep.trust, FX_CASEDB_TRUST_UNSIGNED);
	ck_assert_int_eq(rep.first_signed_seq, 0);
	ck_assert_str_eq(rep.triggers, "");
	fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
				 sizeof(not_checked), &rep);
	ck_assert_str_eq(checked, CHECKED_BASE "signatures: none (no event is "
			 "signed)");
	ck_assert_str_eq(not_checked, NOT_CHECKED_UNSIGNED);
	check_with(&rep, path, ha, 0, FX_ECORRUPT);
	ck_assert_int_eq(rep.first_bad_seq, 0);
	snprintf(why, sizeof(why), "the chain is unsigned, but a trusted key "
		 "was given (%.16s...)", ha);
	ck_assert_str_eq(rep.reason, why);
	ck_assert_str_eq(rep.trusted_key, ha);
	check_with(&rep, path, NULL, 1, FX_ECORRUPT);
	ck_assert_str_eq(rep.reason, "event 1: not signed");
}
END_TEST

/* The whole chain re-signed with the forger's own key: every signature
 * verifies with the key the database records; only the trusted key tells. */
START_TEST(test_trust_resigned)
{
	const char *path = new_path("casedb-resigned");
	char a[4200], b[4200], f[4200], ha[65], hf[65], why[512], sql[512],
	     checked[1024], not_checked[1024];
	fx_casedb_audit_report rep;
	fx_casedb *db;
	long long seq;
	sqlite3 *s;

	key_paths(path, a, b, f);
	pub_hex_of(ha, a);
	pub_hex_of(hf, f);
	db = open_db(path, a);
	setup_custody(db, 3);
	fx_casedb_free(db);
	s = forger_open(path);
	snprintf(sql, sizeof(sql), "UPDATE signing_keys SET public_key = '%s'; "
		 "UPDATE audit_log SET content = replace(content, '%s', '%s') "
		 "WHERE seq = 1", hf, ha, hf);
	raw_exec(s, sql);
	forge_rechain(s, 1);
	for (seq = 1; seq <= 7; seq++)   /* key, schema, case, evidence, 3 */
		forge_sign(s, seq, f, 1);
	forger_close(s);
	check_with(&rep, path, NULL, 0, 0);
	ck_assert_int_eq(rep.trust, FX_CASEDB_TRUST_RECORDED_KEYS);
	ck_assert_int_eq(rep.signed_events, 7);
	ck_assert_int_eq(rep.keys_used, 1);
	ck_assert_str_eq(rep.key_hex, hf);
	fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
				 sizeof(not_checked), &rep);
	snprintf(why, sizeof(why), CHECKED_BASE "signatures: 7 of 7 events "
		 "signed, every event from event 1 on, each verified with key "
		 "%.16s... as recorded in the database", hf);
	ck_assert_str_eq(checked, why);
	ck_assert_str_eq(not_checked, NOT_CHECKED_RECORDED);
	/* the examiner's published key */
	check_with(&rep, path, ha, 0, FX_ECORRUPT);
	ck_assert_int_eq(rep.first_bad_seq, 1);
	snprintf(why, sizeof(why), "event 1: signed with key %.16s..., not the "
		 "trusted key %.16s...", hf, ha);
	ck_assert_str_eq(rep.reason, why);
}
END_TEST

/* The genuine chain with the trusted key: only truncation is left. */
START_TEST(test_trust_trusted)
{
	const char *path = new_path("casedb-trusted");
	char a[4200], b[4200], f[4200], ha[65], checked[1024],
	     not_checked[1024], why[512];
	fx_casedb_audit_report rep;
	fx_casedb *db;

	key_paths(path, a, b, f);
	pub_hex_of(ha, a);
	db = open_db(path, a);
	setup_custody(db, 1);
	fx_casedb_free(db);
	check_with(&rep, path, ha, 1, 0);
	ck_assert_int_eq(rep.trust, FX_CASEDB_TRUST_TRUSTED_KEY);
	ck_assert_str_eq(rep.trusted_key, ha);
	fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
				 sizeof(not_checked), &rep);
	snprintf(why, sizeof(why), CHECKED_BASE "signatures: 5 of 5 events "
		 "signed, every event from event 1 on, each verified with the "
		 "trusted key %.16s...", ha);
	ck_assert_str_eq(checked, why);
	ck_assert_str_eq(not_checked, NOT_CHECKED_END);
	ck_assert_str_eq(fx_casedb_audit_trust_name(rep.trust), "trusted_key");
	ck_assert_str_eq(fx_casedb_audit_trust_name(FX_CASEDB_TRUST_UNSIGNED),
			 "unsigned");
	ck_assert_str_eq(fx_casedb_audit_trust_name(7), "?");
}
END_TEST

/* A handle without a key cannot write to a signed database: its events
 * would break the chain. Checked at open and again in each transaction. */
START_TEST(test_signed_needs_key)
{
	const char *path = new_path("casedb-needkey");
	char a[4200], b[4200], f[4200], ha[65], want[512];
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL, *unsigned_db;
	int64_t id;

	key_paths(path, a, b, f);
	pub_hex_of(ha, a);
	unsigned_db = open_db(path, NULL);   /* unsigned so far: allowed */
	setup_custody(unsigned_db, 1);
	db = open_db(path, a);               /* a key registers itself */
	c.evidence_id = 1;
	c.to_party = "locker";
	ck_assert_int_eq(fx_casedb_custody_record(&id, db, &c), 0);
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log"), 6);
	snprintf(want, sizeof(want), "%s: its audit log is signed (key "
		 "%.16s...), so every later event must be signed too; open it "
		 "with a signing key", path, ha);
	/* the handle opened before the key was registered */
	ck_assert_int_eq(fx_casedb_custody_record(&id, unsigned_db, &c),
			 FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), want);
	fx_casedb_free(unsigned_db);
	/* a new handle without a key */
	db = NULL;
	ck_assert_int_eq(fx_casedb_open(&db, path, &o), FX_EUSAGE);
	ck_assert_ptr_null(db);
	ck_assert_str_eq(fx_error_last(), want);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log"), 6);
	/* reading needs no key */
	db = open_ro(path);
	fx_casedb_free(db);
}
END_TEST

/* A cancel flag set (by a signal handler) stops the check: FX_EINTR, not a
 * verdict. */
START_TEST(test_audit_cancel)
{
	const char *path = tamper_fixture("casedb-cancel");
	fx_casedb_audit_options o = FX_CASEDB_AUDIT_OPTIONS_INIT;
	volatile sig_atomic_t flag = SIGINT;
	fx_casedb_audit_report rep;
	fx_casedb *db = open_ro(path);
	char want[512];

	o.cancel = &flag;
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &o), FX_EINTR);
	snprintf(want, sizeof(want), "case database %s: audit check "
		 "interrupted at event 1", path);
	ck_assert_str_eq(fx_error_last(), want);
	ck_assert_int_eq(rep.intact, 0);
	flag = 0;
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &o), 0);
	ck_assert_int_eq(rep.events, 20);
	fx_casedb_free(db);
}
END_TEST

/* A version 1 caller's report is written up to reason, no further. */
START_TEST(test_audit_options_version)
{
	const char *path = new_path("casedb-optver");
	fx_casedb_audit_options o = FX_CASEDB_AUDIT_OPTIONS_INIT;
	fx_casedb_audit_report rep;
	fx_casedb *db = open_db(path, NULL);
	const unsigned char *p = (const unsigned char *)&rep;
	size_t i, v1 = offsetof(fx_casedb_audit_report, trust);

	memset(&rep, 0xAA, sizeof(rep));
	o.version = 1;
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &o), 0);
	ck_assert_int_eq(rep.intact, 1);
	ck_assert_int_eq(rep.events, 1);
	for (i = v1; i < sizeof(rep); i++)
		ck_assert_int_eq(p[i], 0xAA);
	o.version = 0;
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &o), FX_EUSAGE);
	o.version = FX_CASEDB_AUDIT_OPTIONS_VERSION + 1;
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_audit_check: "
			 "fx_casedb_audit_options version 4, expected 1 to 3");
	fx_casedb_free(db);
}
END_TEST

/* A version 2 caller's options end before the lists of trusted keys:
 * whatever lies after its struct is not read. */
START_TEST(test_audit_options_version_2)
{
	const char *path = new_path("casedb-optver2");
	char a[4200], b[4200], f[4200], ha[65];
	union {
		fx_casedb_audit_options o;
		unsigned char bytes[sizeof(fx_casedb_audit_options)];
	} u;
	fx_casedb_audit_report rep;
	fx_casedb *db;

	key_paths(path, a, b, f);
	pub_hex_of(ha, a);
	db = open_db(path, a);
	setup_custody(db, 1);
	fx_casedb_free(db);
	memset(u.bytes, 0xAA, sizeof(u.bytes));   /* not a valid list */
	u.o.version = 2;
	u.o.trusted_key_path = NULL;
	u.o.trusted_key_hex = ha;
	u.o.require_signed = 1;
	u.o.cancel = NULL;
	db = open_ro(path);
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &u.o), 0);
	ck_assert_int_eq(rep.trust, FX_CASEDB_TRUST_TRUSTED_KEY);
	ck_assert_int_eq(rep.signed_events, 5);
	ck_assert_str_eq(rep.trusted_key, ha);
	fx_casedb_free(db);
}
END_TEST

/* The file's bytes, for "unchanged", NUL-terminated (caller frees). */
static char *file_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* ---- a key ring of trusted keys ---- */

static void check_ring(fx_casedb_audit_report *rep, const char *path,
		       const char *const *hex, size_t n, int want_rc)
{
	fx_casedb_audit_options o = FX_CASEDB_AUDIT_OPTIONS_INIT;
	fx_casedb *db = open_ro(path);
	int rc;

	o.trusted_keys_hex = hex;
	o.n_trusted_keys_hex = n;
	rc = fx_casedb_audit_check(rep, db, &o);
	ck_assert_msg(rc == want_rc, "%s: rc %d, want %d: %s", path, rc,
		      want_rc, rep->reason);
	fx_casedb_free(db);
}

/* Two examiners signed the chain (key a, then key b): with both their
 * keys trusted it checks; with one it names the first event of the other
 * and its key (this was the only result: --trusted-key took one key);
 * a forger's key among the trusted ones changes nothing, and a chain
 * re-signed by the forger fails against both examiners' keys. */
START_TEST(test_trust_key_ring)
{
	const char *path = new_path("casedb-ring"), *t;
	char a[4200], b[4200], f[4200], ha[65], hb[65], hf[65], why[512],
	     sql[512], checked[1024], not_checked[1024];
	const char *both[2], *with_forger[2], *twice[2], *bad_hex[2];
	const char *paths[2];
	fx_casedb_audit_options o = FX_CASEDB_AUDIT_OPTIONS_INIT;
	fx_casedb_audit_report rep;
	fx_casedb *db;
	long long seq;
	sqlite3 *s;

	key_paths(path, a, b, f);
	pub_hex_of(ha, a);
	pub_hex_of(hb, b);
	pub_hex_of(hf, f);
	mixed_chain(path, a, b);
	both[0] = ha;
	both[1] = hb;
	check_ring(&rep, path, both, 2, 0);
	ck_assert_int_eq(rep.trust, FX_CASEDB_TRUST_TRUSTED_KEY);
	ck_assert_int_eq(rep.signed_events, 5);
	ck_assert_int_eq(rep.keys_used, 2);
	ck_assert_str_eq(rep.trusted_key, ha);
	fx_casedb_audit_describe(checked, sizeof(checked), not_checked,
				 sizeof(not_checked), &rep);
	ck_assert_str_eq(checked, CHECKED_BASE "signatures: 5 of 10 events "
			 "signed, every event from event 6 on (events 1 to 5, "
			 "written before, are covered through the chain), each "
			 "verified with one of the trusted keys given (2 "
			 "different keys signed)");
	ck_assert_str_eq(not_checked, NOT_CHECKED_END);
	/* one examiner's key: the other's first event is named */
	check_ring(&rep, path, both + 1, 1, FX_ECORRUPT);
	ck_assert_int_eq(rep.first_bad_seq, 6);
	snprintf(why, sizeof(why), "event 6: signed with key %.16s..., not the "
		 "trusted key %.16s...", ha, hb);
	ck_assert_str_eq(rep.reason, why);
	/* a forger's key beside the first examiner's */
	with_forger[0] = ha;
	with_forger[1] = hf;
	check_ring(&rep, path, with_forger, 2, FX_ECORRUPT);
	ck_assert_int_eq(rep.first_bad_seq, 9);
	snprintf(why, sizeof(why), "event 9: signed with key %.16s..., which is "
		 "none of the 2 trusted keys (%.16s..., %.16s...)", hb, ha, hf);
	ck_assert_str_eq(rep.reason, why);
	/* a key given twice is one key */
	twice[0] = ha;
	twice[1] = ha;
	check_ring(&rep, path, twice, 2, FX_ECORRUPT);
	snprintf(why, sizeof(why), "event 9: signed with key %.16s..., not the "
		 "trusted key %.16s...", hb, ha);
	ck_assert_str_eq(rep.reason, why);
	/* PEM files, and the single fields with the lists: one ring */
	paths[0] = b;
	o.trusted_key_path = a;
	o.trusted_key_paths = paths;
	o.n_trusted_key_paths = 1;
	o.require_signed = 0;
	db = open_ro(path);
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &o), 0);
	ck_assert_int_eq(rep.trust, FX_CASEDB_TRUST_TRUSTED_KEY);
	o.trusted_key_path = NULL;
	o.trusted_key_hex = hb;
	paths[0] = a;
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &o), 0);
	ck_assert_str_eq(rep.trusted_key, hb);   /* the single field first */
	/* a bad entry is the caller's mistake, not a finding */
	bad_hex[0] = ha;
	bad_hex[1] = "xyz";
	o.trusted_keys_hex = bad_hex;
	o.n_trusted_keys_hex = 2;
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "trusted key \"xyz\" is not 64 "
			 "lowercase hex digits");
	o.trusted_keys_hex = NULL;
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, &o), FX_EUSAGE);
	fx_casedb_free(db);

	/* the whole chain re-signed by the forger as key 1 */
	t = copy_db(path, "resigned");
	s = forger_open(t);
	snprintf(sql, sizeof(sql), "DELETE FROM signing_keys WHERE id = 2; "
		 "UPDATE signing_keys SET public_key = '%s'; "
		 "UPDATE audit_log SET content = replace(content, '%s', '%s') "
		 "WHERE seq = 6; DELETE FROM audit_log WHERE seq = 9; "
		 "UPDATE audit_log SET seq = 9, key_id = 1 WHERE seq = 10",
		 hf, ha, hf);
	raw_exec(s, sql);
	forge_rechain(s, 1);
	for (seq = 6; seq <= 9; seq++)
		forge_sign(s, seq, f, 1);
	forger_close(s);
	check_ring(&rep, t, NULL, 0, 0);     /* the recorded keys: passes */
	ck_assert_int_eq(rep.trust, FX_CASEDB_TRUST_RECORDED_KEYS);
	check_ring(&rep, t, both, 2, FX_ECORRUPT);
	snprintf(why, sizeof(why), "event 6: signed with key %.16s..., which is "
		 "none of the 2 trusted keys (%.16s..., %.16s...)", hf, ha, hb);
	ck_assert_str_eq(rep.reason, why);
	/* rewritten unsigned: said with the keys given */
	t = copy_db(path, "unsigned");
	s = forger_open(t);
	raw_exec(s, "UPDATE audit_log SET key_id = NULL, signature = NULL; "
		 "DELETE FROM audit_log WHERE action = 'key.register'; "
		 "DELETE FROM signing_keys; "
		 "UPDATE audit_log SET seq = 9 WHERE seq = 10; "
		 "UPDATE audit_log SET seq = 6 WHERE seq = 7; "
		 "UPDATE audit_log SET seq = 7 WHERE seq = 8; "
		 "UPDATE audit_log SET seq = 8 WHERE seq = 9");
	forge_rechain(s, 1);
	forger_close(s);
	check_ring(&rep, t, both, 2, FX_ECORRUPT);
	ck_assert_int_eq(rep.events, 8);
	snprintf(why, sizeof(why), "the chain is unsigned, but 2 trusted keys "
		 "were given (%.16s..., %.16s...)", ha, hb);
	ck_assert_str_eq(rep.reason, why);
}
END_TEST

/* ---- older schema versions ---- */

/* An acquisition (bad sectors, files, hashes, windows), a verification
 * with windows and a custody transfer, signed with key if given; *acq is
 * the acquisition. 7 events, 8 with a key (its key.register first). */
static void older_fixture(const char *path, const char *key, int64_t *acq)
{
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_result r = sample_result();
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	fx_casedb *db = open_db(path, key);
	int64_t id = 0;

	ck_assert_int_eq(fx_casedb_acquisition_begin(acq, db, &a), 0);
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, *acq, &r), 0);
	v.acquisition_id = *acq;
	v.tool = "verify";
	v.result = FX_VERDICT_MISMATCH;
	snprintf(v.hashes.sha256, sizeof(v.hashes.sha256), "%s", SHA256_HEX);
	v.windows = k_windows;
	v.n_windows = 2;
	v.findings = "window 1 differs";
	ck_assert_int_eq(fx_casedb_verification_record(&id, db, &v), 0);
	c.evidence_id = 1;
	c.to_party = "evidence locker";
	ck_assert_int_eq(fx_casedb_custody_record(&id, db, &c), 0);
	fx_casedb_free(db);
}

/* Turns a new database into schema version 2, as a database written by
 * the version 2 library is (acquisition.finish events, no
 * acquisitions.error). */
static void downgrade_to_2(const char *path)
{
	sqlite3 *s = raw_open(path);

	downgrade_finish_events(s);
	raw_exec(s, "PRAGMA user_version = 2; UPDATE meta SET value = '2' "
		 "WHERE key = 'schema_version'");
	raw_close_all(s);
}

/* Signs every event again with pem (key 1) after a downgrade re-chained
 * them, as the older library had signed them. */
static void resign_all(const char *path, const char *pem)
{
	sqlite3 *s = forger_open(path);
	long long n = raw_int(s, "SELECT max(seq) FROM audit_log"), seq;

	for (seq = 1; seq <= n; seq++)
		forge_sign(s, seq, pem, 1);
	forger_close(s);
	raw_close_all(raw_open(path));
}

static int anchor_none(const fx_casedb_anchor_info *a, void *payload)
{
	(void)payload;
	ck_abort_msg("an anchor in an older database: %lld", (long long)a->id);
	return 1;
}

/* Reads the older database at path (version, acquisition acq) through a
 * read-only handle: every read works, and the file is byte for byte what
 * it was, with no event added. */
static void read_older(const char *path, int version, int64_t acq)
{
	long long events = count_of(path, "SELECT count(*) FROM audit_log");
	fx_casedb_acquisition_info *ai = NULL;
	fx_casedb_verification_info *vi = NULL;
	fx_casedb_audit_report rep;
	fx_casedb_audit_head head;
	char before[65], after[65];
	int n = 0;
	fx_casedb *db;

	ck_assert_int_eq(count_of(path, "PRAGMA user_version"), version);
	ck_assert_int_eq(fxt_file_sha256(before, path), 0);
	db = open_ro(path);
	ck_assert_int_eq(fx_casedb_acquisition_get(&ai, db, acq), 0);
	ck_assert_str_eq(ai->rec.case_number, "C-1");
	ck_assert_str_eq(ai->rec.format, "split-raw");
	ck_assert_int_eq(ai->result.status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_int_eq(ai->status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_ptr_null(ai->result.error);   /* no such column before 3 */
	ck_assert_ptr_null(ai->status_note);
	ck_assert_str_eq(ai->result.hashes.md5, MD5_HEX);
	ck_assert_int_eq(ai->result.n_bad, 2);
	ck_assert_int_eq(ai->result.n_files, 2);
	ck_assert_str_eq(ai->result.files[1].path, "/evidence/img/disk.002");
	fx_casedb_acquisition_info_free(ai);
	ck_assert_int_eq(fx_casedb_acquisition_list(db, 0, count_acq, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(fx_casedb_verification_last(&vi, db, acq), 0);
	ck_assert_int_eq(vi->rec.result, FX_VERDICT_MISMATCH);
	ck_assert_str_eq(vi->rec.findings, "window 1 differs");
	ck_assert_int_eq(vi->rec.n_windows, 2);
	fx_casedb_verification_info_free(vi);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.events, events);
	ck_assert_str_eq(rep.triggers, "");
	ck_assert_int_eq(fx_casedb_audit_head_get(&head, db), 0);
	ck_assert_int_eq(head.events, events);
	/* no anchors table before schema 5: nothing to check, no error */
	ck_assert_int_eq(fx_casedb_anchor_check(NULL, db, NULL, anchor_none,
						NULL), 0);
	fx_casedb_free(db);
	ck_assert_int_eq(fxt_file_sha256(after, path), 0);
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log"), events);
	ck_assert_int_eq(count_of(path, "PRAGMA user_version"), version);
}

/* A database of the previous releases is read (listed, reported, audited)
 * as it is, without migrating: an auditor never changes evidence to check
 * it (a read-only handle used to refuse it: "must be migrated: open it for
 * writing once"). Its triggers are compared with its version's. */
START_TEST(test_read_older_versions)
{
	const char *path = new_path("casedb-older");
	char v1[4200], v2[4200];
	fx_casedb_audit_report rep;
	fx_casedb *db;
	int64_t acq = 0;
	sqlite3 *s;

	older_fixture(path, NULL, &acq);
	snprintf(v1, sizeof(v1), "%s", copy_db(path, "v1"));
	snprintf(v2, sizeof(v2), "%s", copy_db(path, "v2"));
	downgrade_to_1(v1);
	downgrade_to_2(v2);
	read_older(v1, 1, acq);
	read_older(v2, 2, acq);
	/* a trigger dropped from the older database is still a finding */
	s = raw_open(v1);
	raw_exec(s, "DROP TRIGGER custody_events_no_delete");
	raw_close_all(s);
	db = open_ro(v1);
	ck_assert_int_eq(check_chain(&rep, db), FX_ECORRUPT);
	ck_assert_str_eq(rep.reason, "append-only trigger "
			 "custody_events_no_delete is missing");
	fx_casedb_free(db);
}
END_TEST

/* A signed database of an older version: a writer without the key is
 * refused before anything is written (it used to migrate first, leaving
 * an unsigned schema.migrate event that broke the chain for good); one
 * whose triggers were tampered with is not migrated either; with the key
 * the migration's events are signed and the chain stays intact and
 * signed throughout; a second examiner's key migrates a copy as well. */
START_TEST(test_migrate_signed)
{
	const char *path = new_path("casedb-migrate-signed");
	char a[4200], b[4200], f[4200], ha[65], hb[65], want[4800],
	     before[65], after[65], wal[4300], trig[4300], other[4300];
	const char *both[2];
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb_audit_report rep;
	fx_casedb *db = NULL;
	int64_t acq = 0;
	sqlite3 *s;

	key_paths(path, a, b, f);
	pub_hex_of(ha, a);
	pub_hex_of(hb, b);
	older_fixture(path, a, &acq);
	downgrade_to_1(path);
	resign_all(path, a);
	s = raw_open(path);   /* a rollback journal: the WAL switch shows */
	raw_exec(s, "PRAGMA journal_mode = DELETE");
	sqlite3_close(s);
	check_with(&rep, path, ha, 1, 0);   /* as the older library left it */
	ck_assert_int_eq(rep.events, 8);
	ck_assert_int_eq(rep.signed_events, 8);
	snprintf(trig, sizeof(trig), "%s", copy_db(path, "trigger"));
	snprintf(other, sizeof(other), "%s", copy_db(path, "other"));

	/* no key: refused, nothing written, not even the WAL switch */
	ck_assert_int_eq(fxt_file_sha256(before, path), 0);
	o.actor = ACTOR;
	o.host = HOST;
	ck_assert_int_eq(fx_casedb_open(&db, path, &o), FX_EUSAGE);
	ck_assert_ptr_null(db);
	snprintf(want, sizeof(want), "%s: its audit log is signed (key "
		 "%.16s...), so every later event must be signed too; open it "
		 "with a signing key", path, ha);
	ck_assert_str_eq(fx_error_last(), want);
	ck_assert_int_eq(fxt_file_sha256(after, path), 0);
	ck_assert_str_eq(before, after);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	ck_assert_int_eq(access(wal, F_OK), -1);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log"), 8);
	ck_assert_int_eq(count_of(path, "PRAGMA user_version"), 1);

	/* a trigger dropped: not migrated, even with the key */
	s = raw_open(trig);
	raw_exec(s, "DROP TRIGGER hashes_no_delete");
	sqlite3_close(s);
	ck_assert_int_eq(fxt_file_sha256(before, trig), 0);
	o.sign_key_path = a;
	ck_assert_int_eq(fx_casedb_open(&db, trig, &o), FX_ECORRUPT);
	snprintf(want, sizeof(want), "%s: append-only trigger hashes_no_delete "
		 "is missing; refusing to write to a case database whose "
		 "records are no longer protected (check its audit chain)", trig);
	ck_assert_str_eq(fx_error_last(), want);
	ck_assert_int_eq(fxt_file_sha256(after, trig), 0);
	ck_assert_str_eq(before, after);

	/* with the key: migrated, every event signed */
	db = open_db(path, a);
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "PRAGMA user_version"), 5);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log WHERE "
				  "action = 'schema.migrate' AND key_id = 1"), 4);
	check_with(&rep, path, ha, 1, 0);
	ck_assert_int_eq(rep.events, 12);
	ck_assert_int_eq(rep.signed_events, 12);

	/* a second examiner migrates a copy: the key registers itself */
	db = open_db(other, b);
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(other, "SELECT count(*) FROM audit_log WHERE "
				  "action = 'schema.migrate' AND key_id = 2"), 4);
	both[0] = ha;
	both[1] = hb;
	check_ring(&rep, other, both, 2, 0);
	ck_assert_int_eq(rep.events, 13);
	ck_assert_int_eq(rep.signed_events, 13);
}
END_TEST


/* ---- exports (schema 5) ---- */

/* An acquisition finished and verified in db: its id into *acq, the
 * verification's into *ver (result as given). */
static void verified_acquisition(fx_casedb *db, int64_t *acq, int64_t *ver,
				 fx_verdict result)
{
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_result r = sample_result();
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;

	ck_assert_int_eq(fx_casedb_acquisition_begin(acq, db, &a), 0);
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, *acq, &r), 0);
	v.acquisition_id = *acq;
	v.tool = "verify export";
	v.result = result;
	ck_assert_int_eq(fx_casedb_verification_record(ver, db, &v), 0);
}

static const fx_image_file k_export_files[2] = {
	{ "/out/disk.vmdk", 328, "28600e8541f0e18408eabbc3c5c5e0cc3ac92210b9378a6d6ab26b74e3cd294b", 0, 0 },
	{ "/out/disk-flat.vmdk", 1048576, SHA256_HEX, 0, 0 },
};

static fx_casedb_export sample_export(int64_t acq, int64_t ver)
{
	fx_casedb_export e = FX_CASEDB_EXPORT_INIT;

	e.acquisition_id = acq;
	e.verification_id = ver;
	e.time_utc = "2026-01-02T03:04:05Z";
	e.tool = "verify export";
	e.tool_version = "0.1.0";
	e.format = "vmdk";
	e.path = "/out/disk.vmdk";
	e.media_bytes = 1048576;
	snprintf(e.media.md5, sizeof(e.media.md5), "%s", MD5_HEX);
	snprintf(e.media.sha1, sizeof(e.media.sha1), "%s", SHA1_HEX);
	snprintf(e.media.sha256, sizeof(e.media.sha256), "%s", SHA256_HEX);
	e.media.algs = FX_HASH_ALL;
	e.files = k_export_files;
	e.n_files = 2;
	return e;
}

static int export_seen(const fx_casedb_export_info *x, void *payload)
{
	int *n = payload;

	(*n)++;
	ck_assert_int_eq(x->id, 1);
	ck_assert_int_eq(x->evidence_id, 1);
	ck_assert_int_eq(x->rec.acquisition_id, 1);
	ck_assert_int_eq(x->rec.verification_id, 1);
	ck_assert_str_eq(x->rec.format, "vmdk");
	ck_assert_str_eq(x->rec.path, "/out/disk.vmdk");
	ck_assert_str_eq(x->rec.actor, ACTOR);
	ck_assert_str_eq(x->rec.time_utc, "2026-01-02T03:04:05Z");
	ck_assert_uint_eq(x->rec.media_bytes, 1048576);
	ck_assert_str_eq(x->rec.media.md5, MD5_HEX);
	ck_assert_str_eq(x->rec.media.sha256, SHA256_HEX);
	ck_assert_uint_eq(x->rec.n_files, 2);
	ck_assert_str_eq(x->rec.files[1].path, "/out/disk-flat.vmdk");
	ck_assert_uint_eq(x->rec.files[0].size, 328);
	ck_assert_str_eq(x->rec.files[0].sha256, k_export_files[0].sha256);
	return 0;
}

/* An export is recorded with its files as one export.record event whose
 * content is the rows; read back as written; refused without a passed
 * verification of its acquisition, with an unknown format or a file
 * without SHA-256; an edit of the row breaks the chain at its event. */
START_TEST(test_export_record)
{
	const char *path = new_path("casedb-export");
	fx_casedb *db = open_db(path, NULL);
	fx_casedb_export e;
	fx_casedb_audit_report rep;
	fx_image_file unhashed[1] = { { "/out/x.raw", 1, "", 0, 0 } };
	int64_t acq = 0, ver = 0, bad_ver = 0, id = 0;
	int n = 0;
	sqlite3 *s;

	verified_acquisition(db, &acq, &ver, FX_VERDICT_VERIFIED);
	e = sample_export(acq, ver);
	ck_assert_int_eq(fx_casedb_export_record(&id, db, &e), 0);
	ck_assert_int_eq(id, 1);
	ck_assert_int_eq(fx_casedb_export_list(db, 0, export_seen, &n), 0);
	ck_assert_int_eq(n, 1);
	n = 0;
	ck_assert_int_eq(fx_casedb_export_list(db, 2, export_seen, &n), 0);
	ck_assert_int_eq(n, 0); /* no such evidence: none */

	/* refusals: nothing written */
	e = sample_export(acq, ver);
	e.format = "qcow2";
	ck_assert_int_eq(fx_casedb_export_record(&id, db, &e), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "export: format qcow2 is not raw, vhd or vmdk");
	e = sample_export(acq, ver);
	e.files = unhashed;
	e.n_files = 1;
	ck_assert_int_eq(fx_casedb_export_record(&id, db, &e), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "export: file /out/x.raw has no SHA-256");
	e = sample_export(acq, 99);
	ck_assert_int_eq(fx_casedb_export_record(&id, db, &e), FX_ENOTFOUND);
	{
		fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;

		v.acquisition_id = acq;
		v.result = FX_VERDICT_MISMATCH;
		ck_assert_int_eq(fx_casedb_verification_record(&bad_ver, db, &v), 0);
	}
	e = sample_export(acq, bad_ver);
	ck_assert_int_eq(fx_casedb_export_record(&id, db, &e), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "export: verification 2 is not a passed verification of acquisition 1");
	e = sample_export(acq, ver);
	e.version = 2;
	ck_assert_int_eq(fx_casedb_export_record(&id, db, &e), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_casedb_export_record: fx_casedb_export version 2, expected 1 to 1");
	ck_assert_int_eq(id, 1);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	fx_casedb_free(db);

	s = raw_open(path);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM exports"), 1);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM export_files"), 2);
	ck_assert_str_eq(raw_text(s, "SELECT content FROM audit_log WHERE action = 'export.record'"),
			 "{\"export\":{\"acquisition_id\":1,\"actor\":\"" ACTOR "\","
			 "\"evidence_id\":1,\"format\":\"vmdk\",\"host\":\"" HOST "\","
			 "\"id\":1,\"md5\":\"" MD5_HEX "\",\"media_bytes\":1048576,"
			 "\"path\":\"/out/disk.vmdk\",\"sha1\":\"" SHA1_HEX "\","
			 "\"sha256\":\"" SHA256_HEX "\",\"time_utc\":\"2026-01-02T03:04:05Z\","
			 "\"tool\":\"verify export\",\"tool_version\":\"0.1.0\","
			 "\"verification_id\":1},\"export_files\":["
			 "{\"id\":1,\"path\":\"/out/disk.vmdk\",\"sha256\":\"28600e8541f0e18408eabbc3c5c5e0cc3ac92210b9378a6d6ab26b74e3cd294b\",\"size_bytes\":328},"
			 "{\"id\":2,\"path\":\"/out/disk-flat.vmdk\",\"sha256\":\"" SHA256_HEX "\",\"size_bytes\":1048576}]}");
	ck_assert_str_eq(raw_fails(s, "UPDATE export_files SET size_bytes = 1"),
			 "export_files is append-only");
	ck_assert_str_eq(raw_fails(s, "DELETE FROM exports"), "exports is append-only");
	raw_exec(s, "DROP TRIGGER export_files_no_update; "
		 "UPDATE export_files SET path = '/elsewhere' WHERE id = 2");
	raw_close_all(s);
	db = open_ro(path);
	ck_assert_int_eq(check_chain(&rep, db), FX_ECORRUPT);
	ck_assert_str_eq(rep.reason, "event 7: export.record: the records no longer match the event (record 1 changed)");
	fx_casedb_free(db);
}
END_TEST

/* Schema 4 -> 5 (and 3 -> 4 -> 5): a database of the previous releases
 * is read as it is (no exports, its triggers without those of exports, and
 * at 3 without those of the image sets), and a writer adds the exports
 * tables with their triggers (from 3 the image sets' first), recording
 * each migration in the chain; exports can then be recorded. */
static void migrate_to_5(const char *name, int version)
{
	const char *path = new_path(name);
	fx_casedb *db = open_db(path, NULL);
	fx_casedb_audit_report rep;
	fx_casedb_export e;
	int64_t acq = 0, ver = 0, id = 0;
	int n = 0;
	sqlite3 *s;

	verified_acquisition(db, &acq, &ver, FX_VERDICT_VERIFIED);
	fx_casedb_free(db);
	downgrade_to_4_or_3(path, version);
	db = open_ro(path);
	ck_assert_int_eq(fx_casedb_export_list(db, 0, export_seen, &n), 0);
	ck_assert_int_eq(n, 0);
	/* no anchors table before schema 5 either: nothing to check */
	ck_assert_int_eq(fx_casedb_anchor_check(NULL, db, NULL, anchor_none,
						NULL), 0);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_str_eq(rep.triggers, "");
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "PRAGMA user_version"), version);

	db = open_db(path, NULL);
	e = sample_export(acq, ver);
	ck_assert_int_eq(fx_casedb_export_record(&id, db, &e), 0);
	ck_assert_int_eq(fx_casedb_export_list(db, 0, export_seen, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	/* create, case, evidence, begin, end, verification, the migrations
	 * (one from 4, two from 3), export */
	ck_assert_int_eq(rep.events, version == 4 ? 8 : 9);
	fx_casedb_free(db);
	s = raw_open(path);
	ck_assert_int_eq(raw_int(s, "PRAGMA user_version"), 5);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM sqlite_master WHERE "
				 "type = 'trigger'"), 32);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM anchors"), 0);
	ck_assert_str_eq(raw_text(s, "SELECT group_concat(action, ' ') FROM "
				  "(SELECT action FROM audit_log ORDER BY seq)"),
			 version == 4 ?
			 "schema.create case.create evidence.create acquisition.begin "
			 "acquisition.end verification.record schema.migrate export.record" :
			 "schema.create case.create evidence.create acquisition.begin "
			 "acquisition.end verification.record schema.migrate "
			 "schema.migrate export.record");
	ck_assert_str_eq(raw_text(s, "SELECT group_concat(content, ' ') FROM "
				  "(SELECT content FROM audit_log WHERE action = "
				  "'schema.migrate' ORDER BY seq)"),
			 version == 4 ? "{\"from\":4,\"to\":5}" :
			 "{\"from\":3,\"to\":4} {\"from\":4,\"to\":5}");
	raw_close_all(s);
}

START_TEST(test_migrate_4_to_5)
{
	migrate_to_5("casedb-migrate5", 4);
}
END_TEST

START_TEST(test_migrate_3_to_5)
{
	migrate_to_5("casedb-migrate3-5", 3);
}
END_TEST

/* The triggers of every older version are compared with case.sql's, less
 * those of tables added later (casedb_triggers.c): true while no migration
 * creates or drops a trigger with another text than case.sql's. A
 * migration that does must give the older versions their own list, and
 * this test says so. */
START_TEST(test_migration_triggers)
{
	char dir[4096], file[4400], *slash, *schema, *m, *p, *end;
	size_t len;
	int n, stmts = 0;

	snprintf(dir, sizeof(dir), "%s", __FILE__);
	slash = strrchr(dir, '/');
	ck_assert_ptr_nonnull(slash);
	strcpy(slash, "/../schemas");
	snprintf(file, sizeof(file), "%s/case.sql", dir);
	schema = file_bytes(file, &len);
	for (n = 2; n <= fx_casedb_schema_version(); n++) {
		snprintf(file, sizeof(file), "%s/case_migrate_%d.sql", dir, n);
		m = file_bytes(file, &len);
		ck_assert_msg(strstr(m, "DROP TRIGGER") == NULL, "%s drops a "
			      "trigger: give the versions before it their own "
			      "triggers in casedb_triggers.c", file);
		for (p = strstr(m, "CREATE TRIGGER"); p;
		     p = strstr(end, "CREATE TRIGGER")) {
			end = strstr(p, "END;");
			ck_assert_ptr_nonnull(end);
			end += 4;
			*(end - 1) = '\0';
			ck_assert_msg(strstr(schema, p) != NULL, "%s creates a "
				      "trigger unlike case.sql's: %s", file, p);
			*(end - 1) = ';';
			stmts++;
		}
		free(m);
	}
	/* case_migrate_2.sql: verifications'; case_migrate_4.sql: those of
	 * image_sets and image_set_files; case_migrate_5.sql: those of exports,
	 * export_files, anchors and source_files (new tables', compared
	 * without them before 4 and 5) */
	ck_assert_int_eq(stmts, 14);
	free(schema);
}
END_TEST

/* ---- the append-only triggers against the schema ---- */

/* path's triggers changed by sql: the check names want; a writer is
 * refused at open, naming it too, and the file is unchanged. */
static void expect_trigger_finding(const char *path, const char *sql,
				   const char *want)
{
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb_audit_report rep;
	fx_casedb *db = NULL;
	char refusal[1024], *before, *after;
	size_t n_before, n_after;
	sqlite3 *s = raw_open(path);

	raw_exec(s, sql);
	raw_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_close(s);
	expect_broken(path, 0, want);
	check_with(&rep, path, NULL, 0, FX_ECORRUPT);
	ck_assert_str_eq(rep.triggers, want);
	before = file_bytes(path, &n_before);
	snprintf(refusal, sizeof(refusal), "%s: %s; refusing to write to a case "
		 "database whose records are no longer protected (check its "
		 "audit chain)", path, want);
	ck_assert_int_eq(fx_casedb_open(&db, path, &o), FX_ECORRUPT);
	ck_assert_ptr_null(db);
	ck_assert_str_eq(fx_error_last(), refusal);
	after = file_bytes(path, &n_after);
	ck_assert_uint_eq(n_before, n_after);
	ck_assert_int_eq(memcmp(before, after, n_before), 0);
	free(before);
	free(after);
}

START_TEST(test_triggers_checked)
{
	const char *path;
	fx_casedb *db;

	path = tamper_fixture("casedb-trig-drop");
	expect_trigger_finding(path, "DROP TRIGGER custody_events_no_update",
			       "append-only trigger custody_events_no_update "
			       "is missing");
	path = tamper_fixture("casedb-trig-alter");
	expect_trigger_finding(path, "DROP TRIGGER hashes_no_delete; CREATE "
			       "TRIGGER hashes_no_delete BEFORE DELETE ON hashes "
			       "BEGIN SELECT 1; END",
			       "append-only trigger hashes_no_delete differs "
			       "from the schema's definition");
	/* an added trigger can make the library's own writes lose rows */
	path = tamper_fixture("casedb-trig-add");
	expect_trigger_finding(path, "CREATE TRIGGER drop_hashes BEFORE INSERT "
			       "ON hashes BEGIN SELECT RAISE(IGNORE); END",
			       "trigger drop_hashes is not part of the schema");
	/* the schema's own triggers, put back exactly, are fine again */
	path = tamper_fixture("casedb-trig-back");
	expect_trigger_finding(path, "DROP TRIGGER cases_no_delete",
			       "append-only trigger cases_no_delete is missing");
	{
		sqlite3 *s = raw_open(path);

		raw_exec(s, "CREATE TRIGGER cases_no_delete BEFORE DELETE ON "
			 "cases\nBEGIN SELECT RAISE(ABORT, 'cases is "
			 "append-only'); END");
		sqlite3_close(s);
	}
	db = open_db(path, NULL);
	setup_custody(db, 1);
	fx_casedb_free(db);
	db = open_ro(path);
	{
		fx_casedb_audit_report rep;

		ck_assert_int_eq(check_chain(&rep, db), 0);
		ck_assert_int_eq(rep.events, 21);
		ck_assert_str_eq(rep.triggers, "");
	}
	fx_casedb_free(db);
}
END_TEST

/* Triggers dropped while a writer has the database open: its next write
 * is refused under the write lock, and nothing is written. */
START_TEST(test_triggers_dropped_while_open)
{
	const char *path = tamper_fixture("casedb-trig-open");
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	fx_casedb *db = open_db(path, NULL);
	int64_t id = 0;
	sqlite3 *s;

	s = raw_open(path);
	raw_exec(s, "DROP TRIGGER custody_events_no_delete");
	sqlite3_close(s);
	c.evidence_id = 1;
	c.to_party = "locker";
	ck_assert_int_eq(fx_casedb_custody_record(&id, db, &c), FX_ECORRUPT);
	ck_assert_ptr_nonnull(strstr(fx_error_last(), "append-only trigger "
				     "custody_events_no_delete is missing; "
				     "refusing to write"));
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log"), 20);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM custody_events"),
			 17);
}
END_TEST

/* ---- cost ---- */

/* One acquisition of 65536 image files, one event of about 7 MB: checked
 * and found intact, every file accounted for. (The check was quadratic in
 * the size of an event's content: about 450 s for this one; linear now,
 * about 0.3 s. Speed is measured by the benchmark, tests/bench/bench.sh
 * files, not asserted here.) */
START_TEST(test_audit_many_files)
{
	const char *path = new_path("casedb-manyfiles");
	enum { N = 65536 };
	fx_casedb_acquisition a = sample_acq("C-BIG", "E-BIG");
	fx_casedb_result r = sample_result();
	fx_image_file *files = calloc(N, sizeof(*files));
	char *names = malloc((size_t)N * 40);
	fx_casedb_audit_report rep;
	fx_casedb *db = open_db(path, NULL);
	int64_t acq = 0;
	int i;

	ck_assert_ptr_nonnull(files);
	ck_assert_ptr_nonnull(names);
	for (i = 0; i < N; i++) {
		snprintf(names + (size_t)i * 40, 40, "/evidence/big.%07d", i + 1);
		files[i].path = names + (size_t)i * 40;
		files[i].size = 1048576;
		memcpy(files[i].sha256, SHA256_HEX, sizeof(files[i].sha256));
	}
	r.files = files;
	r.n_files = N;
	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), 0);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.intact, 1);
	ck_assert_int_eq(rep.events, 5);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM image_files"), N);
	fx_casedb_free(db);
	free(files);
	free(names);
}
END_TEST

/* ---- SQL injection ---- */

#define INJ1 "x'); DROP TABLE cases; --"
#define INJ2 "Robert'); DELETE FROM audit_log;--"
#define INJ3 "\" OR 1=1; UPDATE audit_log SET hash = '' -- \\ \n\t\x01 \xc3\xa9"

START_TEST(test_sql_injection)
{
	const char *path = new_path("casedb-inject");
	fx_casedb_options oo = FX_CASEDB_OPTIONS_INIT;
	fx_casedb_acquisition a = FX_CASEDB_ACQUISITION_INIT;
	fx_casedb_result r = sample_result();
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	fx_image_file f = { INJ2 ".001", 5, "", 0, 0 };
	fx_casedb_acquisition_info *ai = NULL;
	fx_casedb_verification_info *vi = NULL;
	fx_casedb_audit_report rep;
	fx_casedb *db = NULL;
	int64_t acq = 0, id = 0, found = 0;
	sqlite3 *s;

	oo.actor = INJ2;
	oo.host = INJ1;
	ck_assert_int_eq(fx_casedb_open(&db, path, &oo), 0);
	a.case_number = INJ1;
	a.case_description = INJ2;
	a.evidence.evidence_number = INJ2;
	a.evidence.description = INJ3;
	a.evidence.notes = INJ1;
	a.evidence.examiner = INJ2;
	a.evidence.source.vendor = INJ1;
	a.evidence.source.model = INJ2;
	a.evidence.source.serial = INJ3;
	a.evidence.source.wwid = INJ1;
	a.evidence.source.hpa_dco = INJ2;
	a.operator_name = INJ3;
	a.host = INJ1;
	a.tool = INJ2;
	a.tool_version = INJ3;
	a.library_versions = INJ1;
	a.command_line = INJ2;
	a.parameters_json = "{\"note\":\"x'); DROP TABLE cases; --\"}";
	a.format = "raw";
	a.compression = INJ3;
	a.evidence.source.path = INJ1;
	a.evidence.source.write_block_method = INJ2;
	a.evidence.source.ro_before = INJ3;
	a.evidence.source.ro_after = INJ1;
	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	r.files = &f;
	r.n_files = 1;
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, acq, &r), 0);
	v.acquisition_id = acq;
	v.actor = INJ1;
	v.host = INJ2;
	v.tool = INJ3;
	v.tool_version = INJ1;
	v.result = FX_VERDICT_ERROR;
	v.findings = INJ2;
	ck_assert_int_eq(fx_casedb_verification_record(&id, db, &v), 0);
	c.evidence_id = 1;
	c.from_party = INJ1;
	c.to_party = INJ2;
	c.location = INJ3;
	c.reason = INJ1;
	c.actor = INJ2;
	ck_assert_int_eq(fx_casedb_custody_record(&id, db, &c), 0);

	/* read back verbatim */
	ck_assert_int_eq(fx_casedb_evidence_find(&found, db, INJ1, INJ2), 0);
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(fx_casedb_acquisition_find_by_file(&found, db,
							    INJ2 ".001"), 0);
	ck_assert_int_eq(fx_casedb_acquisition_get(&ai, db, acq), 0);
	ck_assert_str_eq(ai->rec.case_number, INJ1);
	ck_assert_str_eq(ai->rec.case_description, INJ2);
	ck_assert_str_eq(ai->rec.evidence.evidence_number, INJ2);
	ck_assert_str_eq(ai->rec.evidence.description, INJ3);
	ck_assert_str_eq(ai->rec.evidence.notes, INJ1);
	ck_assert_str_eq(ai->rec.evidence.examiner, INJ2);
	ck_assert_str_eq(ai->rec.evidence.source.vendor, INJ1);
	ck_assert_str_eq(ai->rec.evidence.source.model, INJ2);
	ck_assert_str_eq(ai->rec.evidence.source.serial, INJ3);
	ck_assert_str_eq(ai->rec.evidence.source.wwid, INJ1);
	ck_assert_str_eq(ai->rec.evidence.source.hpa_dco, INJ2);
	ck_assert_str_eq(ai->rec.operator_name, INJ3);
	ck_assert_str_eq(ai->rec.host, INJ1);
	ck_assert_str_eq(ai->rec.tool, INJ2);
	ck_assert_str_eq(ai->rec.tool_version, INJ3);
	ck_assert_str_eq(ai->rec.library_versions, INJ1);
	ck_assert_str_eq(ai->rec.command_line, INJ2);
	ck_assert_str_eq(ai->rec.parameters_json, a.parameters_json);
	ck_assert_str_eq(ai->rec.compression, INJ3);
	ck_assert_str_eq(ai->rec.evidence.source.path, INJ1);
	ck_assert_str_eq(ai->rec.evidence.source.write_block_method, INJ2);
	ck_assert_str_eq(ai->rec.evidence.source.ro_before, INJ3);
	ck_assert_str_eq(ai->rec.evidence.source.ro_after, INJ1);
	ck_assert_str_eq(ai->result.files[0].path, INJ2 ".001");
	fx_casedb_acquisition_info_free(ai);
	ck_assert_int_eq(fx_casedb_verification_last(&vi, db, acq), 0);
	ck_assert_str_eq(vi->rec.actor, INJ1);
	ck_assert_str_eq(vi->rec.host, INJ2);
	ck_assert_str_eq(vi->rec.tool, INJ3);
	ck_assert_str_eq(vi->rec.tool_version, INJ1);
	ck_assert_str_eq(vi->rec.findings, INJ2);
	fx_casedb_verification_info_free(vi);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.events, 7);
	fx_casedb_free(db);

	s = raw_open(path);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM sqlite_master WHERE "
				 "type = 'table'"), 17);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM cases"), 1);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM audit_log"), 7);
	ck_assert_int_eq(raw_int(s, "SELECT count(*) FROM audit_log WHERE "
				 "length(hash) = 64"), 7);
	ck_assert_str_eq(raw_text(s, "SELECT actor FROM audit_log WHERE seq = 7"),
			 INJ2);
	ck_assert_str_eq(raw_text(s, "SELECT host FROM audit_log WHERE seq = 7"),
			 INJ1);
	ck_assert_str_eq(raw_text(s, "SELECT location FROM custody_events"), INJ3);
	ck_assert_str_eq(raw_text(s, "SELECT from_party || '|' || to_party || "
				  "'|' || reason || '|' || actor FROM "
				  "custody_events"), INJ1 "|" INJ2 "|" INJ1 "|" INJ2);
	sqlite3_close(s);
}
END_TEST

/* ---- concurrency and crashes ---- */

static void child_append(const char *path, int64_t ev_id, int n)
{
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	fx_casedb *db = NULL;
	int64_t id = 0;
	int i;

	o.actor = ACTOR;
	o.host = HOST;
	if (fx_casedb_open(&db, path, &o) != 0) {
		fprintf(stderr, "child %ld: %s\n", (long)getpid(), fx_error_last());
		_exit(2);
	}
	c.evidence_id = ev_id;
	c.to_party = "locker";
	for (i = 0; i < n; i++) {
		if (fx_casedb_custody_record(&id, db, &c) != 0) {
			fprintf(stderr, "child %ld, record %d: %s\n",
				(long)getpid(), i, fx_error_last());
			_exit(3);
		}
	}
	fx_casedb_free(db);
	_exit(0);
}

START_TEST(test_concurrent_writers)
{
	const char *path = new_path("casedb-concurrent");
	fx_casedb_audit_report rep;
	fx_casedb *db = open_db(path, NULL);
	int64_t ev_id = setup_custody(db, 0);
	struct timespec t0, t1;
	pid_t pids[8];
	int i, status;

	fx_casedb_free(db);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 8; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0)
			child_append(path, ev_id, 500);
	}
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "writer %d failed (status %d)", i, status);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "check_casedb: 8 processes x 500 custody records: "
		"%.2f s\n", (double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	db = open_db(path, NULL);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_eq(rep.events, 4003);
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM custody_events"),
			 4000);
	ck_assert_int_eq(count_of(path, "SELECT max(seq) FROM audit_log"), 4003);
}
END_TEST

START_TEST(test_killed_writer)
{
	const char *path = new_path("casedb-kill");
	fx_casedb_acquisition a = sample_acq("C-1", "E-1");
	fx_casedb_acquisition_info *info = NULL;
	fx_casedb_result r = FX_CASEDB_RESULT_INIT;
	fx_casedb_audit_report rep;
	fx_casedb *db = open_db(path, NULL);
	char note[512], host[256], c;
	int64_t acq = 0;
	int fds[2], status;
	pid_t pid;

	fx_casedb_free(db);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		db = open_db(path, NULL);
		if (fx_casedb_acquisition_begin(&acq, db, &a) != 0)
			_exit(2);
		if (write(fds[1], "g", 1) != 1)
			_exit(3);
		child_append(path, 1, 1000000);   /* until killed */
	}
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], &c, 1), 1);
	close(fds[0]);
	usleep(200 * 1000);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	db = open_db(path, NULL);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	ck_assert_int_gt(rep.events, 5);   /* it appended before dying */
	ck_assert_int_eq(fx_casedb_acquisition_get(&info, db, 1), 0);
	ck_assert_int_eq(info->result.status, FX_STATUS_RUNNING);
	ck_assert_int_eq(info->status, FX_STATUS_INTERRUPTED);
	gethostname(host, sizeof(host));
	snprintf(note, sizeof(note), "interrupted (never finished): process %ld "
		 "on host %s is gone", (long)pid, host);
	ck_assert_str_eq(info->status_note, note);
	fx_casedb_acquisition_info_free(info);
	/* anyone may close it as interrupted */
	r.status = FX_STATUS_INTERRUPTED;
	ck_assert_int_eq(fx_casedb_acquisition_finish(db, 1, &r), 0);
	ck_assert_int_eq(fx_casedb_acquisition_get(&info, db, 1), 0);
	ck_assert_int_eq(info->status, FX_STATUS_INTERRUPTED);
	ck_assert_ptr_null(info->status_note);
	fx_casedb_acquisition_info_free(info);
	ck_assert_int_eq(check_chain(&rep, db), 0);
	fx_casedb_free(db);
}
END_TEST

/* Several processes creating one new database at once create it once
 * (five rounds of eight, since a race shows itself only sometimes). */
START_TEST(test_concurrent_create)
{
	fx_casedb_audit_report rep;
	const char *path;
	fx_casedb *db;
	pid_t pids[8];
	int round, i, status;

	for (round = 0; round < 5; round++) {
		path = new_path("casedb-create-race");
		for (i = 0; i < 8; i++) {
			pids[i] = fork();
			ck_assert_int_ge(pids[i], 0);
			if (pids[i] == 0)
				child_append(path, 0, 0);
		}
		for (i = 0; i < 8; i++) {
			ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
			ck_assert_msg(WIFEXITED(status) &&
				      WEXITSTATUS(status) == 0,
				      "round %d: opener %d failed (status %d)",
				      round, i, status);
		}
		db = open_db(path, NULL);
		ck_assert_int_eq(check_chain(&rep, db), 0);
		ck_assert_int_eq(rep.events, 1);
		fx_casedb_free(db);
	}
}
END_TEST

/* ---- anchors (anchor.c) ---- */

/* A port of 127.0.0.1 nothing listens on (bound, then closed). */
static int closed_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

struct anchors_seen {
	int n;
	fx_casedb_anchor_info a[4];
};

static int anchor_seen(const fx_casedb_anchor_info *a, void *payload)
{
	struct anchors_seen *seen = payload;

	if (seen->n < 4)
		seen->a[seen->n] = *a;
	seen->n++;
	return 0;
}

START_TEST(test_anchor_text)
{
	char t[160];

	fx_casedb_anchor_text(t, sizeof(t), 57, "ab01");
	ck_assert_str_eq(t, "libforensic-anchor v1 seq=57 hash=ab01");
	ck_assert_str_eq(fx_casedb_anchor_state_name(FX_ANCHOR_VERIFIED), "verified");
	ck_assert_str_eq(fx_casedb_anchor_state_name(FX_ANCHOR_NOT_CHECKED), "not_checked");
	ck_assert_str_eq(fx_casedb_anchor_state_name(FX_ANCHOR_MISSING), "missing");
	ck_assert_str_eq(fx_casedb_anchor_state_name(FX_ANCHOR_BAD_TOKEN), "bad_token");
	ck_assert_str_eq(fx_casedb_anchor_state_name(FX_ANCHOR_HEAD_GONE), "head_gone");
	ck_assert_str_eq(fx_casedb_anchor_state_name((fx_casedb_anchor_state)9), "?");
}
END_TEST

/* The options are checked before anything is asked or written. */
START_TEST(test_anchor_options)
{
	const char *path = new_path("casedb-anchor-opts");
	fx_casedb *db = open_db(path, NULL);
	fx_casedb_anchor_options o = FX_CASEDB_ANCHOR_OPTIONS_INIT;
	fx_casedb_anchor_info a;
	struct anchors_seen seen = { 0 };

	ck_assert_int_eq(fx_casedb_anchor(&a, db, NULL), FX_EUSAGE);
	ck_assert_int_eq(fx_casedb_anchor(&a, db, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "anchor: a TSA URL is required");
	o.tsa_url = "http://127.0.0.1:1/";
	o.version = 0;
	ck_assert_int_eq(fx_casedb_anchor(&a, db, &o), FX_EUSAGE);
	o.version = FX_CASEDB_ANCHOR_OPTIONS_VERSION + 1;
	ck_assert_int_eq(fx_casedb_anchor(&a, db, &o), FX_EUSAGE);
	ck_assert_int_eq(fx_casedb_anchor_check(NULL, db, &o, anchor_seen,
						&seen), FX_EUSAGE);
	ck_assert_int_eq(fx_casedb_anchor_check(NULL, db, NULL, NULL, NULL),
			 FX_EUSAGE);
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM anchors"), 0);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log"), 1);
}
END_TEST

/* A TSA that cannot be reached: FX_EIO, a 'failed' row naming the URL and
 * why, the chain untouched; the check lists it as missing, not as bad. */
START_TEST(test_anchor_unreachable)
{
	const char *path = new_path("casedb-anchor-down");
	fx_casedb *db = open_db(path, NULL);
	fx_casedb_anchor_options o = FX_CASEDB_ANCHOR_OPTIONS_INIT;
	fx_casedb_anchor_info a;
	fx_casedb_audit_head head;
	struct anchors_seen seen = { 0 };
	char url[64], want[256], finding[700];
	uint64_t bad = 9;
	int port = closed_port();

	ck_assert_int_eq(fx_casedb_case_ensure(&(int64_t){ 0 }, db, "C-1", NULL), 0);
	ck_assert_int_eq(fx_casedb_audit_head_get(&head, db), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	o.tsa_url = url;
	o.timeout_s = 5;
	ck_assert_int_eq(fx_casedb_anchor(&a, db, &o), FX_EIO);
	ck_assert_int_eq(a.id, 1);
	ck_assert_int_eq(a.stamped, 0);
	ck_assert_int_eq(a.seq, 2);
	ck_assert_str_eq(a.head_hash, head.hash);
	ck_assert_str_eq(a.tsa_url, url);
	ck_assert_str_eq(a.token_sha256, "");
	snprintf(want, sizeof(want), "TSA %s: Failed to connect to 127.0.0.1 "
		 "port %d after ", url, port);
	ck_assert_msg(strncmp(a.error, want, strlen(want)) == 0, "%s", a.error);
	ck_assert_str_eq(fx_error_last(), a.error);
	ck_assert_int_eq(fx_casedb_anchor_check(&bad, db, NULL, anchor_seen,
						&seen), 0);
	ck_assert_int_eq(bad, 0);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_int_eq(seen.a[0].state, FX_ANCHOR_MISSING);
	ck_assert_str_eq(seen.a[0].error, a.error);
	snprintf(finding, sizeof(finding), "anchor 1 of event 2 was not "
		 "time-stamped: %s", a.error);
	ck_assert_str_eq(seen.a[0].finding, finding);
	fx_casedb_free(db);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM audit_log"), 2);
	ck_assert_int_eq(count_of(path, "SELECT count(*) FROM anchors WHERE "
				  "status = 'failed' AND token IS NULL AND "
				  "seq = 2"), 1);
}
END_TEST

/* Stored tokens that are not what their row says are refused, and the
 * anchors table is append-only like every other. */
START_TEST(test_anchor_stored_refused)
{
	const char *path = new_path("casedb-anchor-bad");
	fx_casedb *db = open_db(path, NULL);
	fx_casedb_audit_head head;
	struct anchors_seen seen = { 0 };
	char sql[1024];
	uint64_t bad = 0;
	sqlite3 *s;

	ck_assert_int_eq(fx_casedb_audit_head_get(&head, db), 0);
	fx_casedb_free(db);
	s = raw_open(path);
	/* "abc" and its SHA-256: not a TimeStampResp */
	snprintf(sql, sizeof(sql), "INSERT INTO anchors (seq, head_hash, "
		 "tsa_url, status, token, token_sha256, token_time_utc, "
		 "requested_utc) VALUES (1, '%s', 'http://x/', 'stamped', "
		 "CAST('abc' AS BLOB), 'ba7816bf8f01cfea414140de5dae2223b00361a3"
		 "96177a9cb410ff61f20015ad', '2026-01-01T00:00:00Z', "
		 "'2026-01-01T00:00:00Z'); INSERT INTO anchors (seq, head_hash, "
		 "tsa_url, status, token, token_sha256, token_time_utc, "
		 "requested_utc) VALUES (1, '%s', 'http://x/', 'stamped', "
		 "CAST('abd' AS BLOB), 'ba7816bf8f01cfea414140de5dae2223b00361a3"
		 "96177a9cb410ff61f20015ad', '2026-01-01T00:00:00Z', "
		 "'2026-01-01T00:00:00Z')", head.hash, head.hash);
	raw_exec(s, sql);
	ck_assert_str_eq(raw_fails(s, "UPDATE anchors SET seq = 2"),
			 "anchors is append-only");
	ck_assert_str_eq(raw_fails(s, "DELETE FROM anchors"),
			 "anchors is append-only");
	sqlite3_close(s);
	db = open_ro(path);
	ck_assert_int_eq(fx_casedb_anchor_check(&bad, db, NULL, anchor_seen,
						&seen), 0);
	ck_assert_int_eq(bad, 2);
	ck_assert_int_eq(seen.n, 2);
	ck_assert_int_eq(seen.a[0].state, FX_ANCHOR_BAD_TOKEN);
	ck_assert_str_eq(seen.a[0].finding, "anchor 1 of event 1 (token "
			 "ba7816bf8f01cfea...) is refused: the stored token is "
			 "not a TimeStampResp");
	ck_assert_int_eq(seen.a[1].state, FX_ANCHOR_BAD_TOKEN);
	ck_assert_str_eq(seen.a[1].finding, "anchor 2 of event 1 (token "
			 "ba7816bf8f01cfea...) is refused: the stored token's "
			 "SHA-256 is a52d159f262b2c6ddb724a61840befc36eb30c88877a4"
			 "030b65cbe86298449c9, recorded ba7816bf8f01cfea414140de5"
			 "dae2223b00361a396177a9cb410ff61f20015ad");
	fx_casedb_free(db);
}
END_TEST

static Suite *casedb_suite(void)
{
	Suite *s = suite_create("casedb");
	TCase *schema = tcase_create("schema");
	TCase *records = tcase_create("records");
	TCase *tamper = tcase_create("tamper");
	TCase *sign = tcase_create("signing");
	TCase *triggers = tcase_create("triggers");
	TCase *anchors = tcase_create("anchors");
	TCase *cost = tcase_create("cost");
	TCase *procs = tcase_create("processes");

	tcase_add_test(schema, test_create_schema);
	tcase_add_test(schema, test_checkpoints_and_resumes);
	tcase_add_test(schema, test_resume_list_all);
	tcase_add_test(schema, test_migrations_registered);
	tcase_add_test(schema, test_migrate_1_to_2);
	tcase_add_test(schema, test_migrate_4_to_5);
	tcase_add_test(schema, test_migrate_3_to_5);
	tcase_add_test(schema, test_migration_triggers);
	tcase_add_test(schema, test_read_older_versions);
	tcase_add_test(schema, test_migrate_signed);
	tcase_add_test(schema, test_media_and_allocated);
	tcase_add_test(schema, test_refuse_newer_version);
	tcase_add_test(schema, test_refuse_inconsistent_version);
	tcase_add_test(schema, test_refuse_not_sqlite);
	tcase_add_test(schema, test_refuse_other_sqlite);
	tcase_add_test(schema, test_refuse_read_only_file);
	tcase_add_test(schema, test_missing_and_empty_file);
	tcase_add_test(schema, test_uri_password_not_in_messages);
	suite_add_tcase(s, schema);

	tcase_add_test(records, test_acquisition_round_trip);
	tcase_add_test(records, test_source_files_round_trip);
	tcase_add_test(records, test_finish_error_recorded);
	tcase_add_test(records, test_image_sets);
	tcase_add_test(records, test_not_known_is_not_recorded);
	tcase_add_test(records, test_event_content_and_hash);
	tcase_add_test(records, test_evidence_unique_within_case);
	tcase_add_test(records, test_verification_and_custody);
	tcase_add_test(records, test_export_record);
	tcase_add_test(records, test_lists);
	tcase_add_test(records, test_invalid_input_changes_nothing);
	tcase_add_test(records, test_argument_and_version_checks);
	tcase_add_test(records, test_case_description_once);
	tcase_add_test(records, test_append_only_triggers);
	tcase_add_test(records, test_sql_injection);
	suite_add_tcase(s, records);

	tcase_add_test(tamper, test_tamper_edit);
	tcase_add_test(tamper, test_tamper_edit_actor);
	tcase_add_test(tamper, test_tamper_delete);
	tcase_add_test(tamper, test_tamper_insert_at_end);
	tcase_add_test(tamper, test_tamper_head_at_last_seq);
	tcase_add_test(tamper, test_tamper_insert_middle);
	tcase_add_test(tamper, test_tamper_reorder);
	tcase_add_test(tamper, test_tamper_reorder_rows);
	tcase_add_test(tamper, test_tamper_records);
	suite_add_tcase(s, tamper);

	tcase_add_test(sign, test_signed_chain);
	tcase_add_test(sign, test_signed_chain_forged);
	tcase_add_test(sign, test_signature_flipped);
	tcase_add_test(sign, test_bad_signing_key);
	tcase_add_test(sign, test_trust_mixed_chain);
	tcase_add_test(sign, test_trust_rules);
	tcase_add_test(sign, test_trust_rewritten_unsigned);
	tcase_add_test(sign, test_trust_resigned);
	tcase_add_test(sign, test_trust_trusted);
	tcase_add_test(sign, test_signed_needs_key);
	tcase_add_test(sign, test_audit_options_version);
	tcase_add_test(sign, test_audit_options_version_2);
	tcase_add_test(sign, test_audit_cancel);
	tcase_add_test(sign, test_trust_key_ring);
	suite_add_tcase(s, sign);

	tcase_add_test(anchors, test_anchor_text);
	tcase_add_test(anchors, test_anchor_options);
	tcase_add_test(anchors, test_anchor_unreachable);
	tcase_add_test(anchors, test_anchor_stored_refused);
	suite_add_tcase(s, anchors);

	tcase_add_test(triggers, test_triggers_checked);
	tcase_add_test(triggers, test_triggers_dropped_while_open);
	suite_add_tcase(s, triggers);

	tcase_set_timeout(cost, 600);
	tcase_add_test(cost, test_audit_many_files);
	suite_add_tcase(s, cost);

	tcase_set_timeout(procs, 600);
	tcase_add_test(procs, test_concurrent_writers);
	tcase_add_test(procs, test_killed_writer);
	tcase_add_test(procs, test_concurrent_create);
	suite_add_tcase(s, procs);
	return s;
}

/* The tests that use the library's API only, for a second backend. */
static Suite *backend_suite(void)
{
	Suite *s = suite_create("casedb on PostgreSQL");
	TCase *api = tcase_create("backend");

	tcase_set_timeout(api, 600);
	tcase_add_test(api, test_checkpoints_and_resumes);
	tcase_add_test(api, test_verification_and_custody);
	tcase_add_test(api, test_lists);
	tcase_add_test(api, test_invalid_input_changes_nothing);
	tcase_add_test(api, test_argument_and_version_checks);
	tcase_add_test(api, test_case_description_once);
	tcase_add_test(api, test_bad_signing_key);
	tcase_add_test(api, test_trust_mixed_chain);
	tcase_add_test(api, test_signed_needs_key);
	/* not test_trust_trusted, test_audit_options_version_2: they sign
	 * from the database's first event, and a ledger's schema.create is
	 * written by verify ledger init */
	tcase_add_test(api, test_audit_options_version);
	tcase_add_test(api, test_audit_many_files);
	tcase_add_test(api, test_anchor_options);
	tcase_add_test(api, test_anchor_unreachable);
	tcase_add_test(api, test_concurrent_writers);
	tcase_add_test(api, test_killed_writer);
	suite_add_tcase(s, api);
	return s;
}

/* ---- helpers for tests/e2e/casedb_tamper.sh ----
 * check_casedb --make-fixture DB [KEY.pem]: a database with one record of
 * every kind (signed with KEY if given), text that needs JSON escapes, and
 * 3 custody events.
 * check_casedb --audit-check DB [TRUSTED_HEX...]: the library's verdict on
 * one line, in the words of the reference verifier in docs/casedb.md, with
 * the keys given as trusted keys. */

static int make_fixture(const char *path, const char *key)
{
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb_acquisition a = sample_acq("2026-0042", "HD-1");
	fx_casedb_result r = sample_result();
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	fx_casedb *db = NULL;
	int64_t acq = 0, id = 0;
	int rc, i;

	o.actor = ACTOR;
	o.host = HOST;
	o.sign_key_path = key;
	rc = fx_casedb_open(&db, path, &o);
	if (!rc)
		rc = fx_casedb_acquisition_begin(&acq, db, &a);
	if (!rc)
		rc = fx_casedb_acquisition_finish(db, acq, &r);
	v.acquisition_id = acq;
	v.result = FX_VERDICT_VERIFIED;
	snprintf(v.hashes.sha256, sizeof(v.hashes.sha256), "%s", SHA256_HEX);
	v.findings = "all hashes match";
	if (!rc)
		rc = fx_casedb_verification_record(&id, db, &v);
	c.evidence_id = 1;
	c.from_party = "J. Doe";
	c.to_party = "evidence locker \"B\"";
	c.reason = "tab\there, newline\nthere, \x01, back\\slash, "
		   "\xc3\xa9t\xc3\xa9, \xf0\x9f\x94\x92, \x7f";
	for (i = 0; !rc && i < 3; i++) {
		c.location = i == 1 ? "room 101" : "room 7";
		rc = fx_casedb_custody_record(&id, db, &c);
	}
	if (rc)
		fprintf(stderr, "make fixture: %s\n", fx_error_last());
	fx_casedb_free(db);
	return rc ? 1 : 0;
}

static int audit_check_line(const char *path, const char *const *trusted_hex,
			    size_t n_trusted)
{
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb_audit_options ao = FX_CASEDB_AUDIT_OPTIONS_INIT;
	fx_casedb_audit_report rep;
	fx_casedb *db = NULL;
	int rc;

	o.read_only = 1;
	ao.trusted_keys_hex = trusted_hex;
	ao.n_trusted_keys_hex = n_trusted;
	if (fx_casedb_open(&db, path, &o) != 0) {
		printf("cannot open: %s\n", fx_error_last());
		return 2;
	}
	rc = fx_casedb_audit_check(&rep, db, &ao);
	if (rc == 0)
		printf("intact: %llu events, %llu signed, head %s\n",
		       (unsigned long long)rep.events,
		       (unsigned long long)rep.signed_events, rep.head_hash);
	else if (rc == FX_ECORRUPT)
		printf("%s\n", rep.reason);
	else
		printf("cannot check: %s\n", fx_error_last());
	fx_casedb_free(db);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	if (argc >= 3 && strcmp(argv[1], "--make-fixture") == 0)
		return make_fixture(argv[2], argc >= 4 ? argv[3] : NULL);
	if (argc >= 3 && strcmp(argv[1], "--audit-check") == 0)
		return audit_check_line(argv[2], (const char *const *)argv + 3,
					(size_t)argc - 3);
	g_pg_host = getenv("FX_TEST_PG_HOST");
	sr = srunner_create(g_pg_host ? backend_suite() : casedb_suite());

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
