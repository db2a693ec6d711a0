/*
 * Unit tests of the report module. A known case database is built through
 * the casedb API with fixed values (make_fixture): case 2026-0042 with two
 * evidence items; HD-1 has an E01 acquisition with two unreadable ranges,
 * two hash windows and two image files, one failed (mismatch)
 * verification and two custody events recorded out of time order; HD-2
 * has a clean raw acquisition, a passing verification, and a description
 * and notes holding <script>, &, " and '. The tests assert the exact
 * values in every format, the first-page notice of the failed
 * verification, escaping, scope, and the not-found and ambiguity errors.
 *
 * Modes for tests/e2e/report_render.sh (so it needs no other tool):
 *   check_report --write-fixture DB
 *   check_report --write-nasty DB     (markup in every field; tampered)
 *   check_report --write-hostile DB   (quotes, line breaks, </script>,
 *                                      control characters; intact)
 *   check_report --report DB FORMAT OUT [CASE|- [EVIDENCE]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "forensic/casedb.h"
#include "forensic/report.h"
#include "forensic/verify.h"
#include "testutil.h"

#define CASE_NO "2026-0042"
#define H1_MD5 "89263b2eec1c392c5ccded1c4ac40648"
#define H1_SHA1 "e244fd840eb8f76260882644e7b61ad6bac59194"
#define H1_SHA256 "5995be606fa15975f0a5e9f1a6ce67354d2fe4d7150a60a1b84b573700b49054"
#define H1_W0 "7e4faa90ca4e29c62dab64028555cbe704936ec0ef4a5acba3f6df3f8845ea7f"
#define H1_W1 "10d9d2da3b235f73c3982cd22138c4790be0e441ba9bea4eb273e7120fc548f0"
#define H1_E01 "19f6377dae009db276e28fe00b877c7bf9e295e57c6282ff145ac80eaaa6a35f"
#define H1_E02 "451fda11f99303cc6fc8e0bdf8a9d0ae9d6a955021c2e6fb46c4a70f866e14f5"
#define H1_VSHA256 "84b0b03ecd44bd771f2f5eab8c6fcc6684c35f26aadc2b55c8ebbef8902b5bed"
#define H2_MD5 "5e5bfce3bacb46ffe2e5b52c03f49143"
#define H2_SHA1 "8635e8543e094c1fc6547512244103f8fa9d10cc"
#define H2_SHA256 "c45d526675f0d5850664fd4cbf36d8e54d243c9e7b182c6a2635a77011b6041f"
#define H2_RAW "cf25815fa1e82cc0f506e6dac629cf07c0b91880bd563fb5916bf1984aa10a3b"
#define H1_CMD "acquire --case 2026-0042 --evidence HD-1 --format e01 " \
	"/dev/sdb /cases/2026-0042/HD-1"
#define H1_HPA "no HPA (max 976773168 sectors = native max); DCO not " \
	"checked: the device does not answer DEVICE CONFIGURATION IDENTIFY"
#define H2_HPA "not checked: USB bridge does not pass ATA commands"
#define NASTY_DESC "USB stick <script>alert(\"x\")</script> & 'q'"
#define NASTY_NOTES "Seal #A-77 <b>intact</b> & \"signed\" by 'PC Miller'"
#define LIBS "libforensic 0.1.0; OpenSSL 3.0.15; libewf 20140813; " \
	"SQLite 3.40.1; ISA-L 2.30.0"

static char g_path[4096];

static const char *new_path(const char *tag)
{
	const char *dir = fxt_tmpdir(tag);

	ck_assert_ptr_nonnull(dir);
	snprintf(g_path, sizeof(g_path), "%s/case.db", dir);
	return g_path;
}

static fx_casedb *open_db(const char *path)
{
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;

	o.actor = "jdoe";
	o.host = "lab-ws-07";
	if (fx_casedb_open(&db, path, &o) != 0)
		return NULL;
	return db;
}

/* ---- the known case database ---- */

static int fixture_hd1(fx_casedb *db)
{
	static const fx_bad_range bad[] = { { 976000000, 16 }, { 1000, 8 } };
	static const fx_window_hash win[] = {
		{ 0, 1073741824, H1_W0 }, { 1073741824, 1073741824, H1_W1 } };
	static const fx_image_file files[] = {
		{ "/cases/2026-0042/HD-1.E01", 2147483648u, H1_E01, 0, 0 },
		{ "/cases/2026-0042/HD-1.E02", 1048576000u, H1_E02, 0, 0 } };
	fx_casedb_acquisition a = FX_CASEDB_ACQUISITION_INIT;
	fx_casedb_result r = FX_CASEDB_RESULT_INIT;
	fx_source_info *s = &a.evidence.source;
	int64_t acq = 0;
	int rc;

	a.case_number = CASE_NO;
	a.case_description = "Burglary at 12 Example Street";
	a.evidence.evidence_number = "HD-1";
	a.evidence.description = "Laptop hard disk, WD Blue 500 GB";
	a.evidence.notes = "Removed from laptop serial 5CG1234XYZ";
	a.evidence.examiner = "Jane Doe";
	s->vendor = "ATA";
	s->model = "WDC WD5000LPVX-22V0TT0";
	s->serial = "WD-WX71A8D4F2C3";
	s->wwid = "naa.50014ee65c1f2a3b";
	s->size = 500107862016ull;
	s->logical_sector_size = 512;
	s->physical_sector_size = 4096;
	s->removable = 0;
	s->rotational = 1;
	s->is_block_device = 1;
	s->hpa_dco = H1_HPA;
	a.tool = "acquire";
	a.tool_version = "0.1.0";
	a.library_versions = LIBS;
	a.command_line = H1_CMD;
	a.parameters_json = "{\"block_size\":1048576}";
	a.format = "e01";
	a.compression = "fast";
	a.segment_size = 2147483648u;
	a.block_size = 1048576;
	a.evidence.source.path = "/dev/sdb";
	a.evidence.source.write_block_method = "BLKROSET";
	a.evidence.source.ro_before = "sdb=0 sdb1=0 sdb2=0";
	a.evidence.source.ro_after = "sdb=1 sdb1=1 sdb2=1";
	a.start_utc = "2026-03-02T09:15:00Z";
	rc = fx_casedb_acquisition_begin(&acq, db, &a);
	if (rc)
		return rc;
	r.status = FX_STATUS_COMPLETED_WITH_ERRORS;
	r.end_utc = "2026-03-02T10:17:03.5Z";
	r.bytes = 500107862016ull;
	r.sector_size = 512;
	r.bad = bad;
	r.n_bad = 2;
	snprintf(r.hashes.md5, sizeof(r.hashes.md5), "%s", H1_MD5);
	snprintf(r.hashes.sha1, sizeof(r.hashes.sha1), "%s", H1_SHA1);
	snprintf(r.hashes.sha256, sizeof(r.hashes.sha256), "%s", H1_SHA256);
	r.windows = win;
	r.n_windows = 2;
	r.files = files;
	r.n_files = 2;
	return fx_casedb_acquisition_finish(db, acq, &r);
}

static int fixture_hd1_records(fx_casedb *db)
{
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	int64_t id;
	int rc;

	v.acquisition_id = 1;
	v.time_utc = "2026-03-05T14:00:00Z";
	v.actor = "asmith";
	v.host = "lab-ws-09";
	v.tool = "verify";
	v.tool_version = "0.1.0";
	v.result = FX_VERDICT_MISMATCH;
	snprintf(v.hashes.md5, sizeof(v.hashes.md5), "%s", H1_MD5);
	snprintf(v.hashes.sha1, sizeof(v.hashes.sha1), "%s", H1_SHA1);
	snprintf(v.hashes.sha256, sizeof(v.hashes.sha256), "%s", H1_VSHA256);
	v.findings = "SHA-256 differs: image file HD-1.E02 changed";
	rc = fx_casedb_verification_record(&id, db, &v);
	/* recorded out of time order: the report must sort them */
	c.evidence_id = 1;
	c.from_party = "J. Doe, Digital Forensics Unit";
	c.to_party = "Evidence store, Police HQ";
	c.location = "Locker 12";
	c.reason = "Storage after imaging";
	c.time_utc = "2026-03-06T16:45:00Z";
	if (!rc)
		rc = fx_casedb_custody_record(&id, db, &c);
	c.from_party = "PC 4711 Miller (seizing officer)";
	c.to_party = "J. Doe, Digital Forensics Unit";
	c.location = "Evidence room B, Police HQ";
	c.reason = "Imaging";
	c.time_utc = "2026-03-01T08:30:00Z";
	c.actor = "pmiller";
	if (!rc)
		rc = fx_casedb_custody_record(&id, db, &c);
	return rc;
}

static int fixture_hd2(fx_casedb *db)
{
	static const fx_image_file files[] = {
		{ "/cases/2026-0042/HD-2.raw", 16008609792ull, H2_RAW, 1, 4096 } };
	fx_casedb_acquisition a = FX_CASEDB_ACQUISITION_INIT;
	fx_casedb_result r = FX_CASEDB_RESULT_INIT;
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_source_info *s = &a.evidence.source;
	int64_t acq = 0, id;
	int rc;

	a.case_number = CASE_NO;
	a.evidence.evidence_number = "HD-2";
	a.evidence.description = NASTY_DESC;
	a.evidence.notes = NASTY_NOTES;
	a.evidence.examiner = "Jane Doe";
	s->vendor = "SanDisk";
	s->model = "Cruzer Blade";
	s->serial = "4C530001230521110342";
	s->optical = 0;
	s->size = 16008609792ull;
	s->logical_sector_size = 512;
	s->physical_sector_size = 512;
	s->removable = 1;
	s->rotational = 0;
	s->is_block_device = 1;
	s->hpa_dco = H2_HPA;
	a.operator_name = "jdoe";
	a.tool = "acquire";
	a.tool_version = "0.1.0";
	a.library_versions = LIBS;
	a.command_line = "acquire --case 2026-0042 --evidence HD-2 /dev/sdc "
			 "/cases/2026-0042/HD-2.raw";
	a.format = "raw";
	a.compression = "none";
	a.block_size = 1048576;
	a.evidence.source.path = "/dev/sdc";
	a.evidence.source.write_block_method = "BLKROSET";
	a.evidence.source.ro_before = "sdc=0";
	a.evidence.source.ro_after = "sdc=1";
	a.start_utc = "2026-03-03T11:00:00Z";
	rc = fx_casedb_acquisition_begin(&acq, db, &a);
	r.status = FX_STATUS_COMPLETED;
	r.end_utc = "2026-03-03T11:04:10Z";
	r.bytes = 16008609792ull;
	r.sector_size = 512;
	snprintf(r.hashes.md5, sizeof(r.hashes.md5), "%s", H2_MD5);
	snprintf(r.hashes.sha1, sizeof(r.hashes.sha1), "%s", H2_SHA1);
	snprintf(r.hashes.sha256, sizeof(r.hashes.sha256), "%s", H2_SHA256);
	r.files = files;
	r.n_files = 1;
	if (!rc)
		rc = fx_casedb_acquisition_finish(db, acq, &r);
	v.acquisition_id = acq;
	v.time_utc = "2026-03-04T09:00:00Z";
	v.tool = "acquire --verify";
	v.tool_version = "0.1.0";
	v.result = FX_VERDICT_VERIFIED;
	v.hashes = r.hashes;
	v.findings = "passed (16008609792 bytes re-read, all hashes equal)";
	if (!rc)
		rc = fx_casedb_verification_record(&id, db, &v);
	return rc;
}

static int make_fixture(const char *path)
{
	fx_casedb *db = open_db(path);
	int rc = db ? 0 : 1;

	if (!rc)
		rc = fixture_hd1(db);
	if (!rc)
		rc = fixture_hd1_records(db);
	if (!rc)
		rc = fixture_hd2(db);
	if (rc)
		fprintf(stderr, "fixture %s: %s\n", path, fx_error_last());
	fx_casedb_free(db);
	return rc;
}

/* ---- running reports ---- */

/* The report as a string (caller frees); *rc the library's return. */
static char *report_rc(const char *path, const char *case_no,
		       const char *ev_no, int format, int *rc)
{
	fx_report_options o = FX_REPORT_OPTIONS_INIT;
	fx_casedb_options dbo = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	dbo.read_only = 1;
	ck_assert_int_eq(fx_casedb_open(&db, path, &dbo), 0);
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	o.case_number = case_no;
	o.evidence_number = ev_no;
	o.format = format;
	o.generator = "check_report 1.0";
	*rc = fx_report_write(f, db, &o);
	fclose(f);
	fx_casedb_free(db);
	return buf;
}

static char *report(const char *path, const char *case_no, const char *ev_no,
		    int format)
{
	int rc;
	char *s = report_rc(path, case_no, ev_no, format, &rc);

	ck_assert_msg(rc == 0, "report failed: %d %s", rc, fx_error_last());
	return s;
}

static const char *fixture(void)
{
	const char *path = new_path("report");

	ck_assert_msg(make_fixture(path) == 0, "fixture: %s", fx_error_last());
	return path;
}

#define HAS(s, needle) ck_assert_msg(strstr((s), (needle)) != NULL, \
	"missing: [%s]", (needle))
#define LACKS(s, needle) ck_assert_msg(strstr((s), (needle)) == NULL, \
	"unexpected: [%s]", (needle))

/* Position of needle in s (fails if absent). */
static size_t pos(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);

	ck_assert_msg(p != NULL, "missing: [%s]", needle);
	return (size_t)(p - s);
}

/* s has the whole line (between newlines). */
#define HAS_LINE(s, line) HAS((s), "\n" line "\n")

/* ---- exact values in every format ---- */

START_TEST(test_text_values)
{
	char *t = report(fixture(), CASE_NO, NULL, FX_REPORT_TEXT);

	HAS_LINE(t, "Case:                   2026-0042");
	HAS_LINE(t, "Evidence:               HD-1, HD-2");
	HAS_LINE(t, "Case description:       Burglary at 12 Example Street");
	HAS_LINE(t, "Examiner:               Jane Doe");
	HAS_LINE(t, "  Serial number:        WD-WX71A8D4F2C3");
	HAS_LINE(t, "  WWID:                 naa.50014ee65c1f2a3b");
	HAS_LINE(t, "  Size:                 500107862016 bytes = 976773168 "
		 "sectors of 512 bytes");
	HAS_LINE(t, "  Sector sizes:         logical 512 bytes, physical 4096 "
		 "bytes");
	HAS_LINE(t, "  HPA/DCO:              no HPA (max 976773168 sectors = "
		 "native max); DCO not\n                        checked: the "
		 "device does not answer DEVICE\n                        "
		 "CONFIGURATION IDENTIFY");
	HAS_LINE(t, "  HPA/DCO:              " H2_HPA);
	HAS_LINE(t, "  Optical media:        no");
	HAS_LINE(t, "      Allocated:        4096 bytes on storage");
	HAS_LINE(t, "  WWID:                 not recorded");
	HAS_LINE(t, "  Write-block method:   BLKROSET");
	HAS_LINE(t, "  State before:         sdb=0 sdb1=0 sdb2=0");
	HAS_LINE(t, "  State after:          sdb=1 sdb1=1 sdb2=1");
	HAS_LINE(t, "  Tool:                 acquire");
	HAS_LINE(t, "  Library versions:     libforensic 0.1.0; OpenSSL 3.0.15; "
		 "libewf 20140813;\n                        SQLite 3.40.1; ISA-L "
		 "2.30.0");
	HAS_LINE(t, "  Command line:         acquire --case 2026-0042 --evidence "
		 "HD-1 --format e01\n                        /dev/sdb "
		 "/cases/2026-0042/HD-1");
	HAS_LINE(t, "  Host:                 lab-ws-07");
	HAS_LINE(t, "  Operator:             jdoe");
	HAS_LINE(t, "  Start (UTC):          2026-03-02T09:15:00Z");
	HAS_LINE(t, "  End (UTC):            2026-03-02T10:17:03.5Z");
	HAS_LINE(t, "  Duration:             1 h 02 min 03.5 s (3723.5 s)");
	HAS_LINE(t, "  Duration:             4 min 10 s (250 s)");
	HAS_LINE(t, "  Format:               e01");
	HAS_LINE(t, "  Compression:          fast");
	HAS_LINE(t, "  Segment size:         2147483648 bytes");
	HAS_LINE(t, "  Segment size:         none (not segmented)");
	HAS_LINE(t, "    MD5      " H1_MD5);
	HAS_LINE(t, "    SHA-1    " H1_SHA1);
	HAS_LINE(t, "    SHA-256  " H1_SHA256);
	HAS_LINE(t, "   1. bytes 0 to 1073741823 (1073741824 bytes)\n"
		 "      SHA-256 " H1_W0);
	HAS_LINE(t, "   2. bytes 1073741824 to 2147483647 (1073741824 bytes)\n"
		 "      SHA-256 " H1_W1);
	HAS_LINE(t, "  Unreadable sectors: 24 in 2 ranges (sectors of 512 "
		 "bytes; zero-filled in the\n  image):");
	HAS_LINE(t, "    1  1000               1007               8          "
		 "512000");
	HAS_LINE(t, "    2  976000000          976000015          16         "
		 "499712000000");
	HAS_LINE(t, "  Unreadable sectors: none. Every sector was read.");
	HAS_LINE(t, "   1. /cases/2026-0042/HD-1.E01\n      Size:             "
		 "2147483648 bytes\n      SHA-256 " H1_E01);
	HAS_LINE(t, "      SHA-256 " H1_E02);
	HAS_LINE(t, "Verification 1 (of acquisition 1)");
	HAS_LINE(t, "  Result:               MISMATCH (a hash differs)");
	HAS_LINE(t, "    SHA-256  " H1_VSHA256);
	HAS_LINE(t, "  Compared with acquisition 1: MD5 equal, SHA-1 equal, "
		 "SHA-256 DIFFERS.");
	HAS_LINE(t, "  Result:               verified (all hashes match)");
	/* free text (acquire's read-back writes a line) is a sentence */
	HAS_LINE(t, "  Findings:\n    SHA-256 differs: image file HD-1.E02 "
		 "changed.");
	HAS_LINE(t, "  Findings:\n    Passed (16008609792 bytes re-read, all "
		 "hashes equal).");
	/* the recorded parameters as words, not JSON */
	HAS_LINE(t, "  Parameters:           block_size 1048576");
	HAS_LINE(t, "Chain of custody (2 events, in time order)");
	HAS_LINE(t, "   1. 2026-03-01T08:30:00Z\n      From:             PC "
		 "4711 Miller (seizing officer)\n      To:               J. "
		 "Doe, Digital Forensics Unit\n      Location:         Evidence "
		 "room B, Police HQ\n      Reason:           Imaging\n      "
		 "Recorded by:      pmiller (custody record 2)");
	HAS_LINE(t, "   2. 2026-03-06T16:45:00Z");
	HAS_LINE(t, "      Recorded by:      jdoe (custody record 1)");
	HAS_LINE(t, "  No custody event is recorded for this evidence item.");
	HAS_LINE(t, "  Result:               intact (unsigned)\n"
		 "  Checked:              every event's sequence, link to the "
		 "one before, hash\n                        and canonical "
		 "content; the records against their\n                        "
		 "events and the row counts; the append-only triggers\n"
		 "                        against the schema; signatures: none "
		 "(no event is\n                        signed)\n"
		 "  Not checked:          The chain is unsigned: it shows the "
		 "log is consistent,");
	HAS_LINE(t, "  Events in the log:    12");
	HAS_LINE(t, "Examiner (recorded):    Jane Doe");
	ck_assert_uint_lt(pos(t, "2026-03-01T08:30:00Z"),
			  pos(t, "2026-03-06T16:45:00Z"));
	free(t);
}
END_TEST

START_TEST(test_json_values)
{
	char *j = report(fixture(), CASE_NO, NULL, FX_REPORT_JSON);

	HAS(j, "\n  \"report_format\": \"libforensic-report\",\n");
	HAS(j, "\n  \"generator\": \"check_report 1.0\",\n");
	HAS(j, "\"scope\": {\n    \"case_number\": \"2026-0042\",\n    "
	    "\"evidence_number\": null\n  }");
	HAS(j, "\"kind\": \"verification\",\n      \"case_number\": "
	    "\"2026-0042\",\n      \"evidence_number\": \"HD-1\",\n      "
	    "\"record_id\": 1,\n      \"message\": \"Verification 1 of "
	    "evidence HD-1 at 2026-03-05T14:00:00Z FAILED: mismatch (a hash "
	    "differs).\"");
	HAS(j, "\"result\": \"intact\",\n    \"reason\": null,\n    "
	    "\"first_bad_seq\": null,\n    \"events\": 12,\n    "
	    "\"events_checked\": 12,");
	HAS(j, "\"serial\": \"WD-WX71A8D4F2C3\",\n");
	HAS(j, "\"size_bytes\": 500107862016,\n        \"size_sectors\": "
	    "976773168,\n        \"logical_sector_size\": 512,\n        "
	    "\"physical_sector_size\": 4096,\n        \"removable\": false,\n"
	    "        \"rotational\": true,");
	HAS(j, "\"wwid\": null,");
	HAS(j, "\"hpa_dco\": \"" H1_HPA "\"");
	HAS(j, "\"command_line\": \"" H1_CMD "\"");
	HAS(j, "\"parameters_json\": \"{\\\"block_size\\\":1048576}\"");
	HAS(j, "\"duration_seconds\": 3723.5,");
	HAS(j, "\"method\": \"BLKROSET\",\n            \"before\": \"sdb=0 sdb1=0 "
	    "sdb2=0\",\n            \"after\": \"sdb=1 sdb1=1 sdb2=1\"");
	HAS(j, "\"md5\": \"" H1_MD5 "\",\n            \"sha1\": \"" H1_SHA1
	    "\",\n            \"sha256\": \"" H1_SHA256 "\"");
	HAS(j, "\"offset\": 1073741824,\n              \"length\": 1073741824,"
	    "\n              \"sha256\": \"" H1_W1 "\"");
	HAS(j, "\"sector_size\": 512,\n            \"range_count\": 2,\n"
	    "            \"sector_count\": 24,");
	HAS(j, "\"first_sector\": 1000,\n                \"last_sector\": 1007,"
	    "\n                \"sector_count\": 8");
	HAS(j, "\"first_sector\": 976000000,\n                \"last_sector\": "
	    "976000015,\n                \"sector_count\": 16");
	HAS(j, "\"path\": \"/cases/2026-0042/HD-1.E02\",\n              "
	    "\"size_bytes\": 1048576000,\n              \"allocated_bytes\": "
	    "null,\n              \"sha256\": \"" H1_E02 "\"");
	HAS(j, "\"path\": \"/cases/2026-0042/HD-2.raw\",\n              "
	    "\"size_bytes\": 16008609792,\n              \"allocated_bytes\": "
	    "4096,\n");
	/* the acquisition's source: optical as recorded (HD-2), not recorded
	 * (HD-1); an evidence item has no such column */
	HAS(j, "\"is_block_device\": true,\n            \"optical\": false,");
	HAS(j, "\"is_block_device\": true,\n            \"optical\": null,");
	HAS(j, "\"is_block_device\": true,\n        \"optical\": null,");
	HAS(j, "\"result\": \"mismatch\",");
	HAS(j, "\"compared_with_acquisition\": {\n            \"md5\": "
	    "\"equal\",\n            \"sha1\": \"equal\",\n            "
	    "\"sha256\": \"differs\"\n          }");
	HAS(j, "\"time_utc\": \"2026-03-01T08:30:00Z\",\n          \"from\": "
	    "\"PC 4711 Miller (seizing officer)\",");
	HAS(j, "\"segment_size\": 0,");
	HAS(j, "\"ranges\": []");
	HAS(j, "\"examiners\": [\n    \"Jane Doe\"\n  ]");
	ck_assert_uint_lt(pos(j, "2026-03-01T08:30:00Z"),
			  pos(j, "2026-03-06T16:45:00Z"));
	free(j);
}
END_TEST

START_TEST(test_html_values)
{
	char *h = report(fixture(), CASE_NO, NULL, FX_REPORT_HTML);

	HAS(h, "<!DOCTYPE html>\n<html lang=\"en\">");
	HAS(h, "<title>Forensic acquisition report: case 2026-0042, evidence "
	    "HD-1, HD-2</title>");
	HAS(h, "<tr><th>Serial number</th><td><span class=\"v\">WD-WX71A8D4F2C3"
	    "</span></td></tr>");
	HAS(h, "<tr><th>WWID</th><td><span class=\"nr\">not recorded</span>"
	    "</td></tr>");
	HAS(h, "<tr><th>HPA/DCO</th><td><span class=\"v\">" H1_HPA
	    "</span></td></tr>");
	HAS(h, "<tr><th>MD5</th><td><span class=\"hash\">" H1_MD5
	    "</span></td></tr>");
	HAS(h, "<tr><th>SHA-1</th><td><span class=\"hash\">" H1_SHA1
	    "</span></td></tr>");
	HAS(h, "<tr><th>SHA-256</th><td><span class=\"hash\">" H1_SHA256
	    "</span></td></tr>");
	HAS(h, "<tr><td class=\"n\">2</td><td class=\"n\">1073741824</td><td "
	    "class=\"n\">1073741824</td><td><span class=\"hash\">" H1_W1
	    "</span></td></tr>");
	HAS(h, "<tr><td class=\"n\">1</td><td class=\"n\">1000</td><td "
	    "class=\"n\">1007</td><td class=\"n\">8</td><td class=\"n\">512000"
	    "</td></tr>");
	HAS(h, "<tr><td class=\"n\">2</td><td class=\"n\">976000000</td><td "
	    "class=\"n\">976000015</td><td class=\"n\">16</td><td class=\"n\">"
	    "499712000000</td></tr>");
	HAS(h, "<p class=\"fail\">24 unreadable sectors in 2 ranges</p>");
	HAS(h, "<p>None. Every sector was read.</p>");
	HAS(h, "/cases/2026-0042/HD-1.E01</span><br>2147483648 bytes<br>"
	    "SHA-256 <span class=\"hash\">" H1_E01 "</span>");
	HAS(h, "<tr><th>Duration</th><td><span class=\"v\">1 h 02 min 03.5 s "
	    "(3723.5 s)</span></td></tr>");
	HAS(h, "<tr><th>Result</th><td class=\"fail\">MISMATCH (a hash "
	    "differs)</td></tr>");
	HAS(h, "<tr><td class=\"n\">1</td><td class=\"t\">2026-03-01T08:30:00Z"
	    "</td>");
	HAS(h, "<tr><th>Events in the log</th><td>12</td></tr>");
	HAS(h, "@page ev1{@top-left{content:\"Case 2026-0042\"}@top-right{"
	    "content:\"Evidence HD-1\"}}\n#ev1{page:ev1}");
	HAS(h, "counter(page) \" of \" counter(pages)");
	HAS(h, "/cases/2026-0042/HD-2.raw</span><br>16008609792 bytes, 4096 "
	    "bytes allocated on storage<br>SHA-256 <span class=\"hash\">"
	    H2_RAW "</span>");
	HAS(h, "<tr><th>Optical media</th><td><span class=\"v\">no</span>"
	    "</td></tr>");
	HAS(h, "<p>Examiner as recorded: <span class=\"v\">Jane Doe</span></p>");
	free(h);
}
END_TEST

START_TEST(test_dfxml_values)
{
	char *x = report(fixture(), CASE_NO, NULL, FX_REPORT_DFXML);

	HAS(x, "<dfxml xmlns=\"http://www.forensicswiki.org/wiki/Category:"
	    "Digital_Forensics_XML\"");
	HAS(x, "version=\"2.0.0-beta.0\">");
	HAS(x, "<creator version=\"1.0\">\n    <program>check_report</program>"
	    "\n    <version>1.0</version>\n    <execution_environment>");
	HAS(x, "<library name=\"libforensic\" version=\"0.1.0\"/>");
	HAS(x, "<source>\n    <image_filename>/cases/2026-0042/HD-1.E01"
	    "</image_filename>\n    <image_filename>/cases/2026-0042/HD-1.E02"
	    "</image_filename>\n    <image_filename>/cases/2026-0042/HD-2.raw"
	    "</image_filename>\n  </source>");
	HAS(x, "<byte_run img_offset=\"0\" len=\"500107862016\" fx:kind=\"image"
	    "\">\n        <hashdigest type=\"md5\">" H1_MD5 "</hashdigest>\n"
	    "        <hashdigest type=\"sha1\">" H1_SHA1 "</hashdigest>\n"
	    "        <hashdigest type=\"sha256\">" H1_SHA256 "</hashdigest>");
	HAS(x, "<byte_run img_offset=\"1073741824\" len=\"1073741824\" fx:kind="
	    "\"hash_window\">\n        <hashdigest type=\"sha256\">" H1_W1);
	HAS(x, "<byte_run img_offset=\"512000\" len=\"4096\" fill=\"0\" fx:kind"
	    "=\"unreadable\" fx:first_sector=\"1000\" fx:sector_count=\"8\"/>");
	HAS(x, "<byte_run img_offset=\"499712000000\" len=\"8192\" fill=\"0\" "
	    "fx:kind=\"unreadable\" fx:first_sector=\"976000000\" "
	    "fx:sector_count=\"16\"/>");
	HAS(x, "<sector_size>512</sector_size>");
	HAS(x, "<fx:serial>WD-WX71A8D4F2C3</fx:serial>");
	HAS(x, "<fx:size_sectors>976773168</fx:size_sectors>");
	HAS(x, "<fx:write_block_before>sdb=0 sdb1=0 sdb2=0</fx:write_block_"
	    "before>");
	HAS(x, "<fx:image_file segment=\"2\" size=\"1048576000\">\n        "
	    "<fx:path>/cases/2026-0042/HD-1.E02</fx:path>\n        <hashdigest "
	    "type=\"sha256\">" H1_E02 "</hashdigest>");
	HAS(x, "<fx:image_file segment=\"1\" size=\"16008609792\" allocated="
	    "\"4096\">\n        <fx:path>/cases/2026-0042/HD-2.raw</fx:path>");
	HAS(x, "<fx:is_block_device>1</fx:is_block_device>\n        "
	    "<fx:optical>0</fx:optical>");
	HAS(x, "<fx:verification id=\"1\" result=\"mismatch\" acquisition_id="
	    "\"1\">");
	HAS(x, "<hashdigest type=\"sha256\">" H1_VSHA256 "</hashdigest>");
	HAS(x, "<fx:custody id=\"2\" order=\"1\">\n      <fx:time_utc>2026-03-"
	    "01T08:30:00Z</fx:time_utc>");
	HAS(x, "<fx:audit result=\"intact\">");
	HAS(x, "<fx:unreadable ranges=\"2\" sectors=\"24\"/>");
	LACKS(x, "<fx:wwid>naa.50014ee65c1f2a3b</fx:wwid>\n        <fx:size_"
	      "bytes>16008609792");   /* HD-2's WWID is left out */
	free(x);
}
END_TEST

/* ---- the failed verification on the first page ---- */

START_TEST(test_failed_verification_first)
{
	const char *path = fixture();
	char *t = report(path, CASE_NO, NULL, FX_REPORT_TEXT);
	char *h = report(path, CASE_NO, NULL, FX_REPORT_HTML);
	char *j = report(path, NULL, "HD-1", FX_REPORT_JSON);
	char *x = report(path, CASE_NO, "HD-1", FX_REPORT_DFXML);
	const char *msg = "Verification 1 of evidence HD-1 at "
		"2026-03-05T14:00:00Z FAILED: mismatch (a hash differs).";

	HAS_LINE(t, "Read this first\n---------------\n  ! Verification 1 of "
		 "evidence HD-1 at 2026-03-05T14:00:00Z FAILED: mismatch\n    "
		 "(a hash differs).");
	ck_assert_uint_lt(pos(t, "FAILED: mismatch"), pos(t, "\nSummary\n"));
	ck_assert_uint_lt(pos(h, "<div class=\"alert\" role=\"alert\"><h2>Read "
			      "this first</h2>\n<ul>\n<li>"),
			  pos(h, "<section class=\"evidence\""));
	HAS(h, msg);
	ck_assert_uint_lt(pos(j, msg), pos(j, "\"evidence\": ["));
	ck_assert_uint_lt(pos(x, msg), pos(x, "<diskimageobject>"));
	free(t);
	free(h);
	free(j);
	free(x);
}
END_TEST

START_TEST(test_all_clear)
{
	char *t = report(fixture(), CASE_NO, "HD-2", FX_REPORT_TEXT);

	/* This said "the audit chain checked out", whatever the check could
	 * not show; now the first page says what that is (here: unsigned). */
	HAS_LINE(t, "  Nothing to report: no verification failed, no acquisition "
		 "is unfinished, and\n  the audit chain is intact.\n"
		 "  What the audit check cannot show: The chain is unsigned: it "
		 "shows the log is\n  consistent, not who wrote it; whoever can "
		 "write the database could rewrite\n  the whole chain, or strip "
		 "its signatures and re-chain it, and it would still\n  check. "
		 "Events removed from the end of the log cannot be detected from "
		 "the\n  database alone: compare the head hash and event count "
		 "with a copy kept\n  elsewhere.");
	LACKS(t, "checked out");
	LACKS(t, "HD-1");
	HAS_LINE(t, "Evidence:               HD-2");
	free(t);
}
END_TEST
/* ---- findings: sentences and tables, not JSON ---- */

/* The text with every line break and the indentation after it made one
 * space, so that a wrapped sentence can be matched whole. */
static char *unwrapped(const char *t)
{
	char *u = strdup(t), *o = u;
	const char *p;

	ck_assert_ptr_nonnull(u);
	for (p = t; *p; p++) {
		if (*p != '\n') {
			*o++ = *p;
			continue;
		}
		while (p[1] == ' ')
			p++;
		*o++ = ' ';
	}
	*o = '\0';
	return u;
}

static void set_digests(fx_digests *d, const char *md5, const char *sha1,
			const char *sha256)
{
	memset(d, 0, sizeof(*d));
	d->algs = (md5 ? FX_HASH_MD5 : 0) | (sha1 ? FX_HASH_SHA1 : 0) |
		  (sha256 ? FX_HASH_SHA256 : 0);
	snprintf(d->md5, sizeof(d->md5), "%s", md5 ? md5 : "");
	snprintf(d->sha1, sizeof(d->sha1), "%s", sha1 ? sha1 : "");
	snprintf(d->sha256, sizeof(d->sha256), "%s", sha256 ? sha256 : "");
}

static void add_file(fx_verify_result *r, const char *path, uint64_t size,
		     const char *sha256, const char *recorded)
{
	fx_verify_file *f;

	r->files = realloc(r->files, (r->nfiles + 1) * sizeof(*r->files));
	ck_assert_ptr_nonnull(r->files);
	f = &r->files[r->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	f->present = f->in_set = 1;
	f->size = size;
	f->media_offset = -1;
	snprintf(f->sha256, sizeof(f->sha256), "%s", sha256);
	if (recorded) {
		f->recorded = 1;
		f->recorded_size = size;
		snprintf(f->recorded_sha256, sizeof(f->recorded_sha256), "%s",
			 recorded);
	}
}

static void add_finding(fx_verify_result *r, int kind, int ref,
			const char *file, const char *want, const char *have,
			const char *msg)
{
	fx_verify_finding f;

	memset(&f, 0, sizeof(f));
	f.kind = kind;
	f.status = FX_VERDICT_MISMATCH;
	f.reference = ref;
	f.alg = want ? FX_HASH_SHA256 : 0;
	f.file = (char *)(uintptr_t)file;
	snprintf(f.expected, sizeof(f.expected), "%s", want ? want : "");
	snprintf(f.computed, sizeof(f.computed), "%s", have ? have : "");
	f.message = (char *)(uintptr_t)msg;
	if (kind == FX_FIND_WINDOW) {
		f.offset = 1073741824;
		f.length = 1073741824;
		f.windows = 1;
	}
	if (kind == FX_FIND_CHUNK) {
		f.first_chunk = 5;
		f.chunks = 3;
		f.first_sector = 320;
		f.sectors = 192;
	}
	ck_assert_int_eq(fx_verify_add_finding(r, &f), 0);
}

/* verify's result as fx_verify_result_json writes it: an E01 of three
 * files whose SHA-256 differs from the record (MD5 and SHA-1 match the
 * record and the E01), one file changed, one with nothing to compare
 * with, a hash window and a chunk range that fail, a missing file, and
 * findings that were not kept. */
static char *result_json(void)
{
	fx_verify_result r;
	char *json = NULL;

	memset(&r, 0, sizeof(r));
	r.status = FX_VERDICT_MISMATCH;
	r.path = strdup("/cases/2026-0042/HD-1.E01");
	r.format = FX_IMAGE_E01;
	r.size = r.bytes = 1048576;
	r.sector_size = 512;
	r.hashed = 1;
	set_digests(&r.computed, H1_MD5, H1_SHA1, H1_VSHA256);
	set_digests(&r.expected_casedb, H1_MD5, H1_SHA1, H1_SHA256);
	set_digests(&r.expected_e01, H1_MD5, H1_SHA1, NULL);
	r.references = FX_REF_CASEDB | FX_REF_E01;
	r.acquisition_id = 1;
	r.window_size = 1073741824;
	r.nwindows = 2;
	add_file(&r, "/cases/2026-0042/HD-1.E01", 2147483648u, H1_E01, H1_E01);
	add_file(&r, "/cases/2026-0042/HD-1.E02", 1048576000u, H1_W0, H1_E02);
	add_file(&r, "/cases/2026-0042/HD-1.E03", 4096, H1_W1, NULL);
	add_finding(&r, FX_FIND_HASH, FX_REF_CASEDB, NULL, H1_SHA256,
		    H1_VSHA256, "SHA-256 of the media differs");
	add_finding(&r, FX_FIND_FILE_HASH, FX_REF_CASEDB,
		    "/cases/2026-0042/HD-1.E02", H1_E02, H1_W0, "file differs");
	add_finding(&r, FX_FIND_WINDOW, FX_REF_CASEDB, NULL, H1_W1, H1_W0,
		    "bytes 1073741824-2147483647 differ");
	add_finding(&r, FX_FIND_CHUNK, FX_REF_E01, NULL, NULL, NULL,
		    "E01 chunks 5-7 (sectors 320-511) fail their checksums");
	add_finding(&r, FX_FIND_MISSING, FX_REF_CASEDB,
		    "/cases/2026-0042/HD-1.E04", NULL, NULL, "image file "
		    "/cases/2026-0042/HD-1.E04 is missing (recorded by the "
		    "acquisition)");
	r.findings_dropped = 2;
	ck_assert_int_eq(fx_verify_result_json(&json, &r), 0);
	r.windows = NULL;
	fx_verify_result_clear(&r);
	return json;
}

/* The fixture with more verifications of HD-1: verify's JSON result, a
 * result with a kind of finding this report does not know, findings that
 * are not valid JSON, JSON that is not a result, and JSON nested deeper
 * than the report reads. */
static const char *findings_db(void)
{
	const char *path = fixture();
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_casedb *db = open_db(path);
	char *json = result_json(), deep[202];
	int64_t id;

	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	deep[200] = '\0';

	ck_assert_ptr_nonnull(db);
	v.acquisition_id = 1;
	v.time_utc = "2026-03-07T10:00:00Z";
	v.tool = "verify";
	v.result = FX_VERDICT_MISMATCH;
	v.findings = json;
	ck_assert_int_eq(fx_casedb_verification_record(&id, db, &v), 0);
	v.time_utc = "2026-03-07T11:00:00Z";
	v.result = FX_VERDICT_ERROR;
	v.findings = "{\"status\":\"error\",\"image\":\"/x/HD-1.E01\","
		"\"format\":null,\"references\":[],\"findings\":[{\"kind\":"
		"\"interrupted\",\"status\":\"error\",\"message\":\"reading "
		"stopped at SIGINT\"}],\"findings_dropped\":0}";
	ck_assert_int_eq(fx_casedb_verification_record(&id, db, &v), 0);
	v.time_utc = "2026-03-07T12:00:00Z";
	v.findings = "{\"status\": [1, 2";
	ck_assert_int_eq(fx_casedb_verification_record(&id, db, &v), 0);
	/* JSON, but not a result; nesting beyond what the reader takes */
	v.time_utc = "2026-03-07T13:00:00Z";
	v.findings = "{\"tool\":\"other\",\"findings\":\"none\"}";
	ck_assert_int_eq(fx_casedb_verification_record(&id, db, &v), 0);
	v.time_utc = "2026-03-07T14:00:00Z";
	v.findings = deep;
	ck_assert_int_eq(fx_casedb_verification_record(&id, db, &v), 0);
	/* a member name at the very end (once read past the end: fuzzing) */
	v.time_utc = "2026-03-07T15:00:00Z";
	v.findings = "{\"block_size\":1,\"x\"";
	ck_assert_int_eq(fx_casedb_verification_record(&id, db, &v), 0);
	fx_casedb_free(db);
	free(json);
	return path;
}

START_TEST(test_findings_text)
{
	char *t = report(findings_db(), NULL, "HD-1", FX_REPORT_TEXT);
	char *u = unwrapped(t);

	LACKS(t, "{\"");
	HAS(u, " Findings: The image /cases/2026-0042/HD-1.E01 (E01, 3 files) "
	    "holds 1048576 bytes = 2048 sectors of 512 bytes. All 1048576 bytes "
	    "were read and hashed. Compared with the acquisition record "
	    "(acquisition 1) and the hashes stored in the E01. The MD5 and SHA-1 "
	    "match the acquisition record (MD5 " H1_MD5 ", SHA-1 " H1_SHA1 "). "
	    "Both hashes match those stored in the E01 (MD5 " H1_MD5 ", SHA-1 "
	    H1_SHA1 "). The SHA-256 differs from the acquisition record: "
	    "recorded " H1_SHA256 ", computed " H1_VSHA256 ". 1 of the 2 image "
	    "files match their recorded SHA-256. File /cases/2026-0042/HD-1.E02: "
	    "SHA-256 differs from the acquisition record: recorded " H1_E02
	    ", computed " H1_W0 ". 1 image file had no recorded SHA-256 to "
	    "compare with; this verification computed: ");
	HAS_LINE(t, "    #  File                       Bytes\n"
		 "    1  /cases/2026-0042/HD-1.E03  4096\n"
		 "    SHA-256  " H1_W1);
	HAS(u, " 1 of the 2 hash windows of 1073741824 bytes differs from the "
	    "acquisition record, in these byte ranges: ");
	HAS_LINE(t, "    #  First byte  Last byte   Bytes       Windows\n"
		 "    1  1073741824  2147483647  1073741824  1\n"
		 "    recorded " H1_W1 "\n"
		 "    computed " H1_W0);
	HAS_LINE(t, "    1 range of E01 chunks failed (sectors of 512 bytes):\n"
		 "    #  First sector  Last sector  Sectors  Chunks  Problem\n"
		 "    1  320           511          192      5-7     checksums fail");
	HAS(u, " Image file /cases/2026-0042/HD-1.E04 is missing (recorded by "
	    "the acquisition). 2 further findings were not kept (a verification "
	    "records at most 4096). Hashes computed:");
	/* a kind this report does not know is named; JSON that is not a
	 * result is said to be so */
	HAS(u, " Findings: No reference was compared. Other finding "
	    "(interrupted): reading stopped at SIGINT. Hashes computed:");
	HAS(u, " Findings: The recorded findings (16 bytes) are not a "
	    "verification result this report can read; the JSON report gives "
	    "them as recorded. Hashes computed:");
	HAS(u, " Findings: The recorded findings (34 bytes) are not a "
	    "verification result this report can read; the JSON report gives "
	    "them as recorded. Hashes computed:");
	HAS(u, " Findings: The recorded findings (200 bytes) are not a "
	    "verification result this report can read; the JSON report gives "
	    "them as recorded. Hashes computed:");
	HAS(u, " Findings: The recorded findings (19 bytes) are not a "
	    "verification result this report can read; the JSON report gives "
	    "them as recorded. Hashes computed:");
	free(u);
	free(t);
}
END_TEST

START_TEST(test_findings_html_json)
{
	const char *path = findings_db();
	char *h = report(path, NULL, "HD-1", FX_REPORT_HTML);
	char *j = report(path, NULL, "HD-1", FX_REPORT_JSON);

	LACKS(h, "{\"");
	LACKS(h, "{&quot;");
	HAS(h, "</table>\n<h4>Findings</h4>\n<p class=\"v\">The image "
	    "/cases/2026-0042/HD-1.E01 (E01, 3 files) holds 1048576 bytes = 2048 "
	    "sectors of 512 bytes.</p>\n");
	HAS(h, "<p class=\"v\">The MD5 and SHA-1 match the acquisition record "
	    "(MD5 <span class=\"hash\">" H1_MD5 "</span>, SHA-1 <span class=\""
	    "hash\">" H1_SHA1 "</span>).</p>\n");
	HAS(h, "<p class=\"v\">File /cases/2026-0042/HD-1.E02: SHA-256 differs "
	    "from the acquisition record: recorded <span class=\"hash\">" H1_E02
	    "</span>, computed <span class=\"hash\">" H1_W0 "</span>.</p>\n");
	HAS(h, "<thead><tr><th>#</th><th>First byte</th><th>Last byte</th><th>"
	    "Bytes</th><th>Windows</th></tr></thead>\n<tbody>\n<tr><td class=\"n"
	    "\">1</td><td class=\"n\">1073741824</td><td class=\"n\">2147483647"
	    "</td><td class=\"n\">1073741824</td><td class=\"n\">1</td></tr>\n"
	    "<tr><td></td><td colspan=\"4\">recorded <span class=\"hash\">"
	    H1_W1 "</span><br>computed <span class=\"hash\">" H1_W0
	    "</span></td></tr>\n");
	HAS(h, "<td class=\"n\">192</td><td class=\"n\">5-7</td><td><span "
	    "class=\"v mono\">checksums fail</span></td></tr>");
	HAS(h, "<p class=\"v\">Other finding (interrupted): reading stopped at "
	    "SIGINT.</p>");
	/* the JSON report keeps the findings as recorded */
	HAS(j, "\"findings\": \"{\\\"status\\\":\\\"mismatch\\\",");
	HAS(j, "\"findings\": \"{\\\"status\\\": [1, 2\"");
	free(h);
	free(j);
}
END_TEST

/* Text lines break at spaces only: a path that does not fit after its
 * label is kept whole on a line of its own (from column 2), and one longer
 * than the line runs past column 78 rather than being cut. */
START_TEST(test_text_no_cut_tokens)
{
	const char *path = new_path("report-long");
	fx_casedb_acquisition a = FX_CASEDB_ACQUISITION_INIT;
	fx_casedb *db = open_db(path);
	int64_t acq;
	char *t;

	ck_assert_ptr_nonnull(db);
	a.case_number = "2026-0300";
	a.evidence.evidence_number = "USB-9";
	a.format = "raw";
	a.evidence.source.path = "/dev/disk/by-id/usb-SanDisk_Cruzer_Blade_4C530001230521110342-0:0";
	a.command_line = "acquire /dev/sdx /cases/2026-0300/a-directory-name-"
		"that-is-longer-than-a-line-of-the-report/USB-9";
	a.start_utc = "2026-04-01T10:00:00Z";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	fx_casedb_free(db);
	t = report(path, "2026-0300", NULL, FX_REPORT_TEXT);
	HAS_LINE(t, "  Source path:\n  /dev/disk/by-id/usb-SanDisk_Cruzer_"
		 "Blade_4C530001230521110342-0:0");
	HAS_LINE(t, "  Command line:         acquire /dev/sdx\n/cases/2026-0300/"
		 "a-directory-name-that-is-longer-than-a-line-of-the-report/USB-9");
	free(t);
}
END_TEST

/* An interrupted verification reached no verdict: it is listed, labelled
 * so, and is no "FAILED" alert on the first page. */
START_TEST(test_interrupted_verification)
{
	const char *path = fixture();
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_casedb *db = open_db(path);
	int64_t id = 0;
	char *t, *h, *j;

	ck_assert_ptr_nonnull(db);
	v.acquisition_id = 2; /* HD-2, otherwise all clear */
	v.time_utc = "2026-03-06T10:00:00Z";
	v.tool = "verify";
	v.tool_version = "0.1.0";
	v.result = FX_VERDICT_INTERRUPTED;
	v.findings = "reading HD-2.raw after 1048576 of 16008609792 bytes was interrupted: no verdict";
	ck_assert_int_eq(fx_casedb_verification_record(&id, db, &v), 0);
	fx_casedb_free(db);
	t = report(path, CASE_NO, "HD-2", FX_REPORT_TEXT);
	h = report(path, CASE_NO, "HD-2", FX_REPORT_HTML);
	j = report(path, CASE_NO, "HD-2", FX_REPORT_JSON);
	HAS_LINE(t, "  Nothing to report: no verification failed, no acquisition "
		 "is unfinished, and\n  the audit chain is intact.");
	LACKS(t, "FAILED");
	HAS_LINE(t, "  Result:               interrupted (stopped before it "
		 "reached a verdict;\n                        neither a pass nor "
		 "a failure)");
	HAS(t, "latest verification:\n    interrupted at 2026-03-06T10:00:00Z.");
	HAS(h, "<td class=\"warn\">interrupted (stopped before it reached a "
	    "verdict; neither a pass nor a failure)</td>");
	LACKS(h, "role=\"alert\"><h2>Read this first</h2>\n<ul>\n<li>");
	HAS(j, "\"result\": \"interrupted\"");
	free(t);
	free(h);
	free(j);
}
END_TEST

/* ---- escaping ---- */

#define NASTY "<script>alert('x')</script>&\"'\x1b[31m"

/* A database where every text field holds markup, quotes and an escape
 * character, and (written behind the library's back) one field holds
 * bytes that are not UTF-8. */
static int make_nasty(const char *path)
{
	fx_casedb_acquisition a = FX_CASEDB_ACQUISITION_INIT;
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_casedb *db = open_db(path);
	sqlite3 *sql = NULL;
	int64_t acq = 0, id;
	int rc = db ? 0 : 1;

	a.case_number = "K<9>&\"'";
	a.case_description = NASTY;
	a.evidence.evidence_number = "E<1>&\"'";
	a.evidence.description = NASTY;
	a.evidence.examiner = NASTY;
	a.evidence.source.vendor = NASTY;
	a.evidence.source.hpa_dco = NASTY;
	a.tool = NASTY;
	a.command_line = NASTY;
	a.format = "raw";
	a.evidence.source.path = NASTY;
	a.evidence.source.ro_before = NASTY;
	a.start_utc = "2026-01-01T00:00:00Z";
	if (!rc)
		rc = fx_casedb_acquisition_begin(&acq, db, &a);
	v.acquisition_id = acq;
	v.result = FX_VERDICT_ERROR;
	v.findings = NASTY;
	v.tool = NASTY;
	if (!rc)
		rc = fx_casedb_verification_record(&id, db, &v);
	c.evidence_id = 1;
	c.from_party = NASTY;
	c.to_party = NASTY;
	c.reason = "line one\nline two";
	if (!rc)
		rc = fx_casedb_custody_record(&id, db, &c);
	fx_casedb_free(db);
	if (!rc && (sqlite3_open(path, &sql) != SQLITE_OK ||
		    sqlite3_exec(sql, "DROP TRIGGER evidence_no_update; UPDATE "
				 "evidence SET notes = CAST(X'41FF42C0AF0C43' AS TEXT)", NULL,
				 NULL, NULL) != SQLITE_OK))
		rc = 1;
	sqlite3_close(sql);
	return rc;
}

static const char *nasty_db(void)
{
	const char *path = new_path("report-nasty");

	ck_assert_msg(make_nasty(path) == 0, "nasty fixture: %s",
		      fx_error_last());
	return path;
}

/* No control characters but LF. */
static void assert_no_controls(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n',
			      "control character 0x%02x at %zu",
			      (unsigned)(unsigned char)*p, (size_t)(p - s));
}

/* No raw markup from the record, and no control characters but LF. */
static void assert_inert(const char *s)
{
	ck_assert_ptr_null(strcasestr(s, "<script"));
	ck_assert_ptr_null(strstr(s, "<1>"));
	ck_assert_ptr_null(strstr(s, "<9>"));
	assert_no_controls(s);
}

#define ESC_MARKUP "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;" \
	"&quot;&#39;\xef\xbf\xbd[31m"

START_TEST(test_escape_html)
{
	char *h = report(nasty_db(), "K<9>&\"'", NULL, FX_REPORT_HTML);
	const char *p;
	int n = 0;

	assert_inert(h);
	HAS(h, "<tr><th>Description</th><td><span class=\"v\">" ESC_MARKUP
	    "</span></td></tr>");
	HAS(h, "<tr><th>Case number</th><td><span class=\"v\">K&lt;9&gt;&amp;"
	    "&quot;&#39;</span></td></tr>");
	HAS(h, "<h2>Evidence E&lt;1&gt;&amp;&quot;&#39; (case K&lt;9&gt;&amp;"
	    "&quot;&#39;)</h2>");
	HAS(h, "<tr><th>Notes</th><td><span class=\"v\">A\xef\xbf\xbd"
	    "B\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "C</span></td></tr>");
	/* page headers: a CSS string cannot end the string or the style */
	HAS(h, "@page ev1{@top-left{content:\"Case K\\00003c9\\00003e\\000026"
	    "\\000022\\000027\"}@top-right{content:\"Evidence E\\00003c1"
	    "\\00003e\\000026\\000022\\000027\"}}");
	for (p = h; (p = strstr(p, "</style>")) != NULL; p++)
		n++;
	ck_assert_int_eq(n, 1);
	HAS(h, "<title>Forensic acquisition report: case K&lt;9&gt;&amp;&quot;"
	    "&#39;, evidence E&lt;1&gt;&amp;&quot;&#39;</title>");
	free(h);
}
END_TEST

START_TEST(test_escape_dfxml)
{
	char *x = report(nasty_db(), NULL, "E<1>&\"'", FX_REPORT_DFXML);

	assert_inert(x);
	HAS(x, "<fx:description>" ESC_MARKUP "</fx:description>");
	HAS(x, "<fx:evidence_number>E&lt;1&gt;&amp;&quot;&#39;"
	    "</fx:evidence_number>");
	HAS(x, "<fx:findings>" ESC_MARKUP "</fx:findings>");
	HAS(x, "<fx:notes>A\xef\xbf\xbd" "B\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "C</fx:notes>");
	HAS(x, "<fx:reason>line one\nline two</fx:reason>");
	free(x);
}
END_TEST

START_TEST(test_escape_json)
{
	char *j = report(nasty_db(), "K<9>&\"'", "E<1>&\"'", FX_REPORT_JSON);

	assert_no_controls(j);
	HAS(j, "\"description\": \"<script>alert('x')</script>&\\\"'\\u001b"
	    "[31m\",");
	HAS(j, "\"case_number\": \"K<9>&\\\"'\",");
	HAS(j, "\"notes\": \"A\xef\xbf\xbd" "B\xef\xbf\xbd\xef\xbf\xbd"
	    "\\fC\",");
	HAS(j, "\"reason\": \"line one\\nline two\",");
	free(j);
}
END_TEST

START_TEST(test_escape_text)
{
	char *t = report(nasty_db(), "K<9>&\"'", NULL, FX_REPORT_TEXT);

	/* C escapes (fx_text_escape): ESC, form feed and bytes that are not
	 * UTF-8 are shown as what they are, and nothing drives a terminal */
	assert_no_controls(t);
	HAS_LINE(t, "Description:            <script>alert('x')</script>&\"'"
		 "\\x1b[31m");
	HAS_LINE(t, "Notes:                  A\\xffB\\xc0\\xaf\\x0cC");
	HAS_LINE(t, "  Findings:\n    <script>alert('x')</script>&\"'\\x1b[31m.");
	HAS_LINE(t, "      Reason:           line one\n"
		 "                        line two");
	free(t);
}
END_TEST

/* ---- the audit chain, as checked at report time ---- */

START_TEST(test_audit_figures)
{
	const char *path = fixture();
	fx_casedb_audit_report rep;
	fx_casedb *db = open_db(path);
	char line[256], *t, *j;

	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(fx_casedb_audit_check(&rep, db, NULL), 0);
	fx_casedb_free(db);
	ck_assert_uint_eq(rep.events, 12);
	t = report(path, CASE_NO, NULL, FX_REPORT_TEXT);
	j = report(path, CASE_NO, NULL, FX_REPORT_JSON);
	snprintf(line, sizeof(line), "\n    SHA-256  %s\n", rep.head_hash);
	HAS(t, line);
	HAS(t, "Head hash (event 12, ");
	snprintf(line, sizeof(line), "\"head_hash\": \"%s\"", rep.head_hash);
	HAS(j, line);
	HAS(j, "\"head_seq\": 12,");
	snprintf(line, sizeof(line), "head event 12, head hash %s.",
		 rep.head_hash);
	HAS(t, "This signature refers to the report on case 2026-0042,");
	free(t);
	free(j);
}
END_TEST

/* A report with the audit options: what the check covered and what it
 * cannot show, in every format; signatures required of an unsigned chain
 * make it a finding on the first page. */
static char *report_audit(const char *path, int format, int require_signed)
{
	fx_report_options o = FX_REPORT_OPTIONS_INIT;
	fx_casedb_options dbo = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	dbo.read_only = 1;
	ck_assert_int_eq(fx_casedb_open(&db, path, &dbo), 0);
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	o.case_number = CASE_NO;
	o.evidence_number = "HD-2";
	o.format = format;
	o.audit.require_signed = require_signed;
	ck_assert_int_eq(fx_report_write(f, db, &o), 0);
	fclose(f);
	fx_casedb_free(db);
	return buf;
}

#define UNSIGNED_LIMIT "The chain is unsigned: it shows the log is " \
	"consistent, not who wrote it; whoever can write the database could " \
	"rewrite the whole chain, or strip its signatures and re-chain it, and " \
	"it would still check. Events removed from the end of the log cannot " \
	"be detected from the database alone: compare the head hash and event " \
	"count with a copy kept elsewhere."

START_TEST(test_audit_trust_stated)
{
	const char *path = fixture();
	char *h = report_audit(path, FX_REPORT_HTML, 0);
	char *j = report_audit(path, FX_REPORT_JSON, 0);
	char *x = report_audit(path, FX_REPORT_DFXML, 0);
	char *t = report_audit(path, FX_REPORT_TEXT, 1);
	char *jr = report_audit(path, FX_REPORT_JSON, 1);

	HAS(h, "<p>What the audit check cannot show: " UNSIGNED_LIMIT "</p>");
	HAS(h, "<tr><th>Result</th><td><span class=\"pass\">intact</span> "
	    "(unsigned)</td></tr>");
	HAS(h, "<tr><th>Not checked</th><td>" UNSIGNED_LIMIT "</td></tr>");
	LACKS(h, "checked out");
	HAS(j, "\"trust\": \"unsigned\",");
	HAS(j, "\"trusted_key\": null,");
	HAS(j, "\"not_checked\": \"" UNSIGNED_LIMIT "\",");
	HAS(j, "\"triggers\": null,");
	HAS(x, "<fx:trust>unsigned</fx:trust>");
	HAS(x, "<fx:not_checked>" UNSIGNED_LIMIT "</fx:not_checked>");
	/* signatures required: the unsigned chain is a finding */
	HAS(t, "\n  ! The audit chain did NOT check out at ");
	HAS(t, "Z: event 1: not\n    signed.\n");
	HAS_LINE(t, "  Result:               NOT INTACT: event 1: not signed");
	LACKS(t, "What the audit check cannot show");
	HAS(jr, "\"result\": \"broken\",\n    \"reason\": \"event 1: not "
	    "signed\",");
	HAS(jr, "\"trust\": null,");
	free(h);
	free(j);
	free(x);
	free(t);
	free(jr);
}
END_TEST

START_TEST(test_broken_chain)
{
	const char *path = nasty_db();
	char *t = report(path, NULL, "E<1>&\"'", FX_REPORT_TEXT);
	char *j = report(path, NULL, "E<1>&\"'", FX_REPORT_JSON);

	/* make_nasty changed a record behind the library's back */
	HAS(t, "\n  ! The audit chain did NOT check out at ");
	HAS(t, "Z: event 3:\n    evidence.create: cannot read its records "
	    "(text is not valid UTF-8:\n    \"A\\xffB\\xc0\\xaf\\x0cC\").\n");
	HAS_LINE(t, "  Result:               NOT INTACT: event 3: "
		 "evidence.create: cannot read its");
	HAS_LINE(t, "  Events in the log:    6");
	HAS_LINE(t, "  Events checked:       3");
	HAS(t, "  Head hash (event 6, ");
	HAS(t, ", as stored, unverified):\n    SHA-256  ");
	HAS(j, "\"result\": \"broken\",\n    \"reason\": \"event 3: "
	    "evidence.create: cannot read its records (text is not valid "
	    "UTF-8: \\\"A\xef\xbf\xbd" "B\xef\xbf\xbd\xef\xbf\xbd\\fC\\\")\",\n"
	    "    \"first_bad_seq\": 3,\n    \"events\": 6,\n    "
	    "\"events_checked\": 3,");
	ck_assert_uint_lt(pos(t, "did NOT check out"), pos(t, "\nSummary\n"));
	free(t);
	free(j);
}
END_TEST

/* ---- what is not there ---- */

START_TEST(test_unfinished_acquisition)
{
	const char *path = new_path("report-running");
	fx_casedb_acquisition a = FX_CASEDB_ACQUISITION_INIT;
	fx_casedb *db = open_db(path);
	char want[512], host[256];
	int64_t acq;
	char *t, *j, *c;

	ck_assert_ptr_nonnull(db);
	a.case_number = "2026-0100";
	a.evidence.evidence_number = "USB-1";
	a.format = "raw";
	a.start_utc = "2026-04-01T10:00:00Z";
	ck_assert_int_eq(fx_casedb_acquisition_begin(&acq, db, &a), 0);
	fx_casedb_free(db);
	t = report(path, "2026-0100", NULL, FX_REPORT_TEXT);
	j = report(path, "2026-0100", NULL, FX_REPORT_JSON);
	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	snprintf(want, sizeof(want), "\"message\": \"Acquisition 1 of evidence "
		 "USB-1 did not complete: status running; running: process %ld "
		 "on host %s.\"", (long)getpid(), host);
	HAS(j, want);
	HAS(j, "\"status\": \"running\",\n          \"status_recorded\": "
	    "\"running\",");
	HAS(t, "\n  ! Acquisition 1 of evidence USB-1 did not complete: status "
	    "running;");
	HAS_LINE(t, "  End (UTC):            not recorded");
	HAS_LINE(t, "  Duration:             not recorded");
	HAS_LINE(t, "  Vendor:               not recorded");
	HAS_LINE(t, "  Size:                 not recorded");
	HAS_LINE(t, "  Removable:            not recorded");
	HAS_LINE(t, "  HPA/DCO:              not recorded");
	HAS_LINE(t, "    MD5      not computed");
	HAS_LINE(t, "  Unreadable sectors: none recorded, but the acquisition "
		 "did not complete.");
	HAS_LINE(t, "No verification is recorded for this evidence item.");
	HAS_LINE(t, "  No custody event is recorded for this evidence item.");
	HAS_LINE(t, "  Image files: none recorded.");
	HAS_LINE(t, "Examiner (recorded):    not recorded");
	/* CASE: an ongoing action without an end, an image without size or
	 * hashes, nothing made up */
	c = report(path, "2026-0100", NULL, FX_REPORT_CASE);
	HAS(c, "\"uco-core:description\": [\n        \"status: running\",\n");
	HAS(c, "\"uco-action:actionStatus\": \"Ongoing\",\n      "
	    "\"uco-action:startTime\": {\n        \"@type\": \"xsd:dateTime\",\n"
	    "        \"@value\": \"2026-04-01T10:00:00Z\"\n      },\n      "
	    "\"uco-action:performer\"");
	HAS(c, "\"@type\": \"uco-observable:ContentDataFacet\",\n          "
	    "\"uco-observable:hash\": []\n");
	LACKS(c, "uco-action:endTime");
	LACKS(c, "uco-observable:File\"");
	LACKS(c, "uco-observable:sizeInBytes");
	free(t);
	free(j);
	free(c);
}
END_TEST

START_TEST(test_case_without_evidence)
{
	const char *path = new_path("report-empty");
	fx_casedb *db = open_db(path);
	int64_t id;
	char *t, *x;

	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(fx_casedb_case_ensure(&id, db, "2026-0200", NULL), 0);
	fx_casedb_free(db);
	t = report(path, "2026-0200", NULL, FX_REPORT_TEXT);
	HAS_LINE(t, "Case:                   2026-0200");
	HAS_LINE(t, "Evidence:               none recorded");
	HAS_LINE(t, "  No evidence item is recorded for this case.");
	x = report(path, "2026-0200", NULL, FX_REPORT_DFXML);
	LACKS(x, "<source>");
	LACKS(x, "<diskimageobject>");
	free(t);
	free(x);
}
END_TEST

/* ---- CASE / UCO JSON-LD ---- */

#define HOSTILE_CASE "K\"1\n</script>\x01\x7f"
#define HOSTILE_MODEL "M\x02\"<b>\n</script>\\"
#define HOSTILE_PARAMS "{\"note\":\"a\\\"b</script>\\u0001\",\"n\":5," \
	"\"f\":true,\"z\":null,\"o\":{\"k\":[1,\"x\"]}}"

/* A database whose texts hold quotes, line breaks, "</script>" and
 * control characters in every field the CASE report writes (all valid
 * UTF-8, through the API: the audit chain stays intact). */
static int make_hostile(const char *path)
{
	static const fx_image_file files[] = {
		{ "/cases/x\"\n</script>\x05.raw", 1048576, H2_RAW, 0, 0 } };
	fx_casedb_acquisition a = FX_CASEDB_ACQUISITION_INIT;
	fx_casedb_result r = FX_CASEDB_RESULT_INIT;
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	fx_source_info *s = &a.evidence.source;
	fx_casedb *db = open_db(path);
	int64_t acq = 0, id;
	int rc = db ? 0 : 1;

	a.case_number = HOSTILE_CASE;
	a.case_description = "desc \"q\"\n\t</script>\x0e";
	a.evidence.evidence_number = "E\"1\n</script>\x03";
	a.evidence.description = "d\"</script>\x0f";
	a.evidence.notes = "n\x10\"\n";
	a.evidence.examiner = "ex\x11</script>";
	s->vendor = "V\x1b[31m\"";
	s->model = HOSTILE_MODEL;
	s->serial = "S\"\n\x12";
	s->size = 1048576;
	a.operator_name = "op\"</script>\x13";
	a.host = "h\x04ost\"";
	a.tool = "acquire\x14";
	a.tool_version = "0.1.0\"";
	a.library_versions = "libforensic 0.1.0; X \"y\"\n</script>";
	a.command_line = "acquire --case 'K\"1\n</script>\x01'";
	a.parameters_json = HOSTILE_PARAMS;
	a.format = "raw";
	a.start_utc = "2026-05-01T10:00:00.123456Z";
	if (!rc)
		rc = fx_casedb_acquisition_begin(&acq, db, &a);
	r.status = FX_STATUS_COMPLETED;
	r.end_utc = "2026-05-01T10:01:00Z";
	r.bytes = 1048576;
	r.sector_size = 512;
	snprintf(r.hashes.md5, sizeof(r.hashes.md5), "%s", H2_MD5);
	snprintf(r.hashes.sha1, sizeof(r.hashes.sha1), "%s", H2_SHA1);
	snprintf(r.hashes.sha256, sizeof(r.hashes.sha256), "%s", H2_SHA256);
	r.files = files;
	r.n_files = 1;
	if (!rc)
		rc = fx_casedb_acquisition_finish(db, acq, &r);
	v.acquisition_id = acq;
	v.time_utc = "2026-05-02T00:00:00Z";
	v.actor = "a\"\n\x15";
	v.host = "h\x04ost\"";
	v.tool = "verify\x16";
	v.tool_version = "0.1.0";
	v.result = FX_VERDICT_VERIFIED;
	v.hashes = r.hashes;
	v.findings = "fin\x06\"</script>";
	if (!rc)
		rc = fx_casedb_verification_record(&id, db, &v);
	c.evidence_id = 1;
	c.from_party = "F\"\n</script>";
	c.to_party = "T\x07";
	c.location = "L\"oc\n\x17";
	c.reason = "R</script>\x08";
	c.time_utc = "2026-05-03T00:00:00Z";
	c.actor = "act\x0b";
	if (!rc)
		rc = fx_casedb_custody_record(&id, db, &c);
	if (rc)
		fprintf(stderr, "hostile %s: %s\n", path, fx_error_last());
	fx_casedb_free(db);
	return rc;
}

/* ---- resumes, exports and anchors ---- */

#define REC_OP "op\"<i>\x1b"
#define REC_HOST "h<&>\x07"
#define REC_PATH "/out/<b>&\"x\x1b.vhd"
#define REC_TSA "http://127.0.0.1:1/<b>&'"

/* A database with a resumed acquisition, an export and a missing anchor,
 * whose texts (the handle's actor and host, the export's path and the
 * TSA's URL) hold markup, quotes and control characters. */
static int make_records(const char *path)
{
	static const fx_image_file files[] = {
		{ "/cases/r.raw", 1048576, H2_RAW, 0, 0 } };
	static const fx_image_file out[] = {
		{ REC_PATH, 1049088, H2_SHA256, 0, 0 } };
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb_acquisition a = FX_CASEDB_ACQUISITION_INIT;
	fx_casedb_result r = FX_CASEDB_RESULT_INIT;
	fx_casedb_verification v = FX_CASEDB_VERIFICATION_INIT;
	fx_casedb_export x = FX_CASEDB_EXPORT_INIT;
	fx_casedb_anchor_options ao = FX_CASEDB_ANCHOR_OPTIONS_INIT;
	fx_casedb_anchor_info ai;
	fx_casedb *db = NULL;
	int64_t acq = 0, ver = 0, id;
	int rc;

	o.actor = REC_OP;
	o.host = REC_HOST;
	rc = fx_casedb_open(&db, path, &o);
	a.case_number = "R-1";
	a.evidence.evidence_number = "E-1";
	a.format = "raw";
	a.start_utc = "2026-06-01T10:00:00Z";
	if (!rc)
		rc = fx_casedb_acquisition_begin(&acq, db, &a);
	if (!rc)
		rc = fx_casedb_acquisition_resume(db, acq, 524288);
	r.status = FX_STATUS_COMPLETED;
	r.end_utc = "2026-06-01T10:05:00Z";
	r.bytes = 1048576;
	r.sector_size = 512;
	snprintf(r.hashes.md5, sizeof(r.hashes.md5), "%s", H2_MD5);
	snprintf(r.hashes.sha1, sizeof(r.hashes.sha1), "%s", H2_SHA1);
	snprintf(r.hashes.sha256, sizeof(r.hashes.sha256), "%s", H2_SHA256);
	r.files = files;
	r.n_files = 1;
	if (!rc)
		rc = fx_casedb_acquisition_finish(db, acq, &r);
	v.acquisition_id = acq;
	v.time_utc = "2026-06-02T00:00:00Z";
	v.result = FX_VERDICT_VERIFIED;
	v.hashes = r.hashes;
	if (!rc)
		rc = fx_casedb_verification_record(&ver, db, &v);
	x.acquisition_id = acq;
	x.verification_id = ver;
	x.time_utc = "2026-06-02T00:00:01Z";
	x.tool = "verify export";
	x.tool_version = "0.1.0";
	x.format = "vhd";
	x.path = REC_PATH;
	x.media_bytes = 1048576;
	x.media = r.hashes;
	x.files = out;
	x.n_files = 1;
	if (!rc)
		rc = fx_casedb_export_record(&id, db, &x);
	/* nothing listens on port 1: a missing anchor, recorded */
	ao.tsa_url = REC_TSA;
	ao.timeout_s = 5;
	if (!rc && fx_casedb_anchor(&ai, db, &ao) != FX_EIO)
		rc = FX_ERROR;
	if (rc)
		fprintf(stderr, "records %s: %s\n", path, fx_error_last());
	fx_casedb_free(db);
	return rc;
}

START_TEST(test_records_escape)
{
	const char *path = new_path("report-records");
	char *t, *h, *j, *x, *c;

	ck_assert_int_eq(make_records(path), 0);
	t = report(path, "R-1", NULL, FX_REPORT_TEXT);
	h = report(path, "R-1", NULL, FX_REPORT_HTML);
	j = report(path, "R-1", NULL, FX_REPORT_JSON);
	x = report(path, "R-1", NULL, FX_REPORT_DFXML);
	c = report(path, "R-1", NULL, FX_REPORT_CASE);
	assert_no_controls(t);
	assert_no_controls(j);
	assert_no_controls(c);
	assert_inert(h);
	assert_inert(x);
	/* text: C escapes */
	HAS_LINE(t, "  Resume 1:");
	HAS_LINE(t, "    From byte:          524288");
	HAS_LINE(t, "    Operator:           op\"<i>\\x1b");
	HAS_LINE(t, "    Host:               h<&>\\x07");
	HAS_LINE(t, "  Destination:          /out/<b>&\"x\\x1b.vhd");
	HAS_LINE(t, "  Resumed:              1 time (below)");
	HAS_LINE(t, "  Exported:             1 time (see Export)");
	HAS_LINE(t, "      TSA:              http://127.0.0.1:1/<b>&'");
	HAS_LINE(t, "      Result:           MISSING (the TSA gave no time-stamp)");
	/* HTML and DFXML: entities, control characters as U+FFFD */
	HAS(h, "<td><span class=\"v\">op&quot;&lt;i&gt;\xef\xbf\xbd</span></td>"
	    "<td><span class=\"v\">h&lt;&amp;&gt;\xef\xbf\xbd</span></td></tr>");
	HAS(h, "<tr><th>Destination</th><td><span class=\"v\">/out/&lt;b&gt;"
	    "&amp;&quot;x\xef\xbf\xbd.vhd</span></td></tr>");
	HAS(h, "<tr><th>TSA</th><td><span class=\"v\">http://127.0.0.1:1/"
	    "&lt;b&gt;&amp;&#39;</span></td></tr>");
	HAS(x, "<fx:resume order=\"1\" from_byte=\"524288\">");
	HAS(x, "<fx:operator>op&quot;&lt;i&gt;\xef\xbf\xbd</fx:operator>");
	HAS(x, "<fx:path>/out/&lt;b&gt;&amp;&quot;x\xef\xbf\xbd.vhd</fx:path>");
	HAS(x, "<fx:tsa_url>http://127.0.0.1:1/&lt;b&gt;&amp;&#39;</fx:tsa_url>");
	HAS(x, "<fx:attention kind=\"anchor\" record_id=\"1\">\n"
	    "      <fx:message>Audit chain time-stamp missing: anchor 1 of event ");
	/* JSON and CASE: JSON escapes */
	HAS(j, "\"operator\": \"op\\\"<i>\\u001b\",");
	HAS(j, "\"path\": \"/out/<b>&\\\"x\\u001b.vhd\",");
	HAS(j, "\"tsa_url\": \"http://127.0.0.1:1/<b>&'\",");
	HAS(j, "\"kind\": \"anchor\",");
	HAS(c, "\"uco-core:name\": \"op\\\"<i>\\u001b\"\n");
	HAS(c, "\"uco-core:name\": \"h<&>\\u0007\"\n");
	HAS(c, "\"uco-observable:filePath\": \"/out/<b>&\\\"x\\u001b.vhd\",\n");
	HAS(c, "\"uco-core:description\": \"resumed from byte 524288\",\n");
	HAS(c, "\"uco-core:name\": \"http://127.0.0.1:1/<b>&'\"\n");
	free(t);
	free(h);
	free(j);
	free(x);
	free(c);
}
END_TEST

/* Occurrences of needle in s. */
static int count(const char *s, const char *needle)
{
	int n = 0;

	for (s = strstr(s, needle); s; s = strstr(s + 1, needle))
		n++;
	return n;
}

#define H1_ACQ_IRI "kb:investigative-action-e3823874-40a8-55bb-b061-4b269bb6739a"
#define H1_IMAGE_IRI "kb:image-bd052279-7d3c-54ca-b61a-59457295a745"

/* The CASE report's statement of the head of the chain at path, as read
 * by the library's own head reader. */
static void case_head_note(char *out, size_t size, const char *path)
{
	fx_casedb_audit_head head;
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;

	o.read_only = 1;
	ck_assert_int_eq(fx_casedb_open(&db, path, &o), 0);
	ck_assert_int_eq(fx_casedb_audit_head_get(&head, db), 0);
	ck_assert_int_gt(head.last_seq, 0);
	snprintf(out, size, "\"uco-core:statement\": \"The case database's "
		 "audit chain checks out; its head is event %lld with hash "
		 "%s.\"", (long long)head.last_seq, head.hash);
	fx_casedb_free(db);
}

START_TEST(test_case_values)
{
	const char *path = fixture();
	char *c = report(path, CASE_NO, NULL, FX_REPORT_CASE);
	char note[256];

	HAS(c, "{\n  \"@context\": {\n    \"case-investigation\": "
	    "\"https://ontology.caseontology.org/case/investigation/\",\n    "
	    "\"kb\": \"urn:libforensic:kb:\",\n");
	HAS(c, "\"uco-types\": \"https://ontology.unifiedcyberontology.org/uco/"
	    "types/\",\n    \"xsd\": \"http://www.w3.org/2001/XMLSchema#\"\n"
	    "  },\n  \"@graph\": [\n");
	/* the IRIs are UUIDv5 of the record keys (Python's uuid.uuid5 of
	 * '["investigation","2026-0042"]' gives the same) */
	HAS(c, "\n    {\n      \"@id\": \"kb:investigation-3193f3c1-17ed-586a-"
	    "9855-175ea77d00c2\",\n      \"@type\": \"case-investigation:"
	    "Investigation\",\n      \"uco-core:name\": \"2026-0042\",\n      "
	    "\"case-investigation:investigationForm\": \"case\",\n      "
	    "\"uco-core:description\": \"Burglary at 12 Example Street\",\n");
	HAS(c, "\"@id\": \"" H1_ACQ_IRI "\",\n      \"@type\": \"case-"
	    "investigation:InvestigativeAction\",\n      \"uco-core:name\": "
	    "\"acquisition\",\n      \"uco-core:description\": [\n        "
	    "\"status: completed_with_errors\",\n        \"unreadable sectors "
	    "1000 to 1007 (8 sectors of 512 bytes), zero-filled in the image\","
	    "\n        \"unreadable sectors 976000000 to 976000015 (16 sectors "
	    "of 512 bytes), zero-filled in the image\"\n      ],\n      "
	    "\"uco-action:actionStatus\": \"Complete/Finish\",\n      "
	    "\"uco-action:startTime\": {\n        \"@type\": \"xsd:dateTime\",\n"
	    "        \"@value\": \"2026-03-02T09:15:00Z\"\n      },\n      "
	    "\"uco-action:endTime\": {\n        \"@type\": \"xsd:dateTime\",\n"
	    "        \"@value\": \"2026-03-02T10:17:03.5Z\"\n      },\n");
	HAS(c, "\"uco-core:name\": \"acquire\",\n        \"uco-tool:version\": "
	    "\"0.1.0\",\n");
	HAS(c, "\"uco-configuration:itemName\": \"block_size\",\n              "
	    "\"uco-configuration:itemValue\": \"1048576\",\n              "
	    "\"uco-configuration:itemType\": \"number\"\n");
	HAS(c, "\"uco-configuration:itemName\": \"command_line\",\n              "
	    "\"uco-configuration:itemValue\": \"" H1_CMD "\",\n");
	HAS(c, "\"uco-configuration:dependencyType\": \"library\",\n"
	    "              \"uco-configuration:dependencyDescription\": "
	    "\"OpenSSL 3.0.15\"\n");
	HAS(c, "\"@id\": \"" H1_IMAGE_IRI "\",\n      \"@type\": "
	    "\"uco-observable:Image\",\n");
	HAS(c, "\"uco-observable:imageType\": \"e01\"\n");
	HAS(c, "\"uco-observable:sizeInBytes\": 500107862016,\n");
	HAS(c, "\"uco-types:hashMethod\": \"MD5\",\n              "
	    "\"uco-types:hashValue\": {\n                \"@type\": "
	    "\"xsd:hexBinary\",\n                \"@value\": \"" H1_MD5 "\"\n");
	HAS(c, "\"uco-types:hashMethod\": \"SHA1\",\n              "
	    "\"uco-types:hashValue\": {\n                \"@type\": "
	    "\"xsd:hexBinary\",\n                \"@value\": \"" H1_SHA1 "\"\n");
	HAS(c, "\"@value\": \"" H1_SHA256 "\"\n");
	HAS(c, "\"uco-observable:fileName\": \"HD-1.E02\",\n          "
	    "\"uco-observable:filePath\": \"/cases/2026-0042/HD-1.E02\",\n"
	    "          \"uco-observable:sizeInBytes\": 1048576000\n");
	HAS(c, "\"@value\": \"" H1_E02 "\"\n");
	HAS(c, "\"case-investigation:exhibitNumber\": \"HD-1\",\n      "
	    "\"case-investigation:rootExhibitNumber\": \"HD-1\",\n");
	HAS(c, "\"uco-core:name\": \"verification\",\n      \"uco-core:"
	    "description\": [\n        \"result: mismatch\",\n        \"SHA-256 "
	    "differs: image file HD-1.E02 changed\"\n      ],\n      "
	    "\"uco-action:actionStatus\": \"Fail\",\n      \"uco-action:"
	    "endTime\": {\n        \"@type\": \"xsd:dateTime\",\n        "
	    "\"@value\": \"2026-03-05T14:00:00Z\"\n      },\n");
	HAS(c, "\"case-investigation:wasInformedBy\": {\n        \"@id\": \""
	    H1_ACQ_IRI "\"\n      },\n");
	HAS(c, "\"@value\": \"" H1_VSHA256 "\"\n");
	HAS(c, "\"uco-core:name\": \"custody transfer\",\n      "
	    "\"uco-core:description\": \"Imaging\",\n      \"uco-action:"
	    "startTime\": {\n        \"@type\": \"xsd:dateTime\",\n        "
	    "\"@value\": \"2026-03-01T08:30:00Z\"\n      },\n      \"uco-action:"
	    "endTime\": {\n        \"@type\": \"xsd:dateTime\",\n        "
	    "\"@value\": \"2026-03-01T08:30:00Z\"\n      },\n");
	HAS(c, "\"@type\": \"uco-identity:Identity\",\n      \"uco-core:name\": "
	    "\"PC 4711 Miller (seizing officer)\"\n");
	HAS(c, "\"@type\": \"uco-location:Location\",\n      \"uco-core:name\": "
	    "\"Locker 12\"\n");
	HAS(c, "\"@type\": \"uco-identity:Organization\",\n      "
	    "\"uco-core:name\": \"SanDisk\"\n");
	HAS(c, "\"uco-observable:model\": \"Cruzer Blade\",\n          "
	    "\"uco-observable:serialNumber\": \"4C530001230521110342\"\n");
	HAS(c, "\"uco-observable:totalStorageCapacityInBytes\": 16008609792\n");
	/* 2 acquisitions, 2 verifications, 2 transfers; every node once */
	ck_assert_int_eq(count(c, "\"@type\": \"case-investigation:"
			       "InvestigativeAction\""), 6);
	ck_assert_int_eq(count(c, "\"@type\": \"case-investigation:"
			       "ProvenanceRecord\""), 2 + 2 + 2);
	ck_assert_int_eq(count(c, "\"@type\": \"uco-identity:Organization\""), 2);
	ck_assert_int_eq(count(c, "\"uco-core:name\": \"Jane Doe\""), 1);
	/* the image is held from the acquisition's end on: the transfer of
	 * 03-01 holds the disk alone, that of 03-06 the image too (action and
	 * record); plus the acquisition's result, its node, its record and
	 * the verification's object */
	ck_assert_int_eq(count(c, "\"" H1_IMAGE_IRI "\""), 6);
	/* the chain is intact: its head, and nothing else, is noted */
	ck_assert_int_eq(count(c, "uco-core:Annotation"), 1);
	case_head_note(note, sizeof(note), path);
	HAS(c, note);
	ck_assert_uint_lt(pos(c, "uco-identity:Organization"),
			  pos(c, "uco-identity:Identity\",\n"));
	ck_assert_uint_lt(pos(c, "\"uco-core:name\": \"ATA\""),
			  pos(c, "\"uco-core:name\": \"SanDisk\""));
	free(c);
}
END_TEST

/* Same database, same bytes: nothing of the moment of writing goes in
 * (the JSON report of the same moments differs: its generated_utc). */
START_TEST(test_case_deterministic)
{
	const char *path = fixture();
	char *c1 = report(path, CASE_NO, NULL, FX_REPORT_CASE);
	char *j1 = report(path, CASE_NO, NULL, FX_REPORT_JSON);
	char *c2, *j2;

	sleep(1);
	c2 = report(path, CASE_NO, NULL, FX_REPORT_CASE);
	j2 = report(path, CASE_NO, NULL, FX_REPORT_JSON);
	ck_assert_str_eq(c1, c2);
	ck_assert_str_ne(j1, j2);
	free(c1);
	free(c2);
	free(j1);
	free(j2);
}
END_TEST

START_TEST(test_case_escape)
{
	const char *path = new_path("report-hostile");
	char *c;

	ck_assert_int_eq(make_hostile(path), 0);
	c = report(path, HOSTILE_CASE, NULL, FX_REPORT_CASE);
	assert_no_controls(c);
	LACKS(c, "\n</script>");
	HAS(c, "\"uco-core:name\": \"K\\\"1\\n</script>\\u0001\x7f\",\n");
	HAS(c, "\"uco-core:description\": \"desc \\\"q\\\"\\n\\t</script>"
	    "\\u000e\",\n");
	HAS(c, "\"uco-observable:model\": \"M\\u0002\\\"<b>\\n</script>"
	    "\\\\\",\n");
	HAS(c, "\"case-investigation:exhibitNumber\": \"E\\\"1\\n</script>"
	    "\\u0003\",\n");
	HAS(c, "\"uco-core:name\": \"V\\u001b[31m\\\"\"\n");
	HAS(c, "\"uco-configuration:itemName\": \"note\",\n              "
	    "\"uco-configuration:itemValue\": \"a\\\"b</script>\\u0001\",\n"
	    "              \"uco-configuration:itemType\": \"string\"\n");
	HAS(c, "\"uco-configuration:itemName\": \"f\",\n              "
	    "\"uco-configuration:itemValue\": \"true\",\n              "
	    "\"uco-configuration:itemType\": \"boolean\"\n");
	/* null: an entry without a value; an object as compact JSON */
	HAS(c, "\"uco-configuration:itemName\": \"z\",\n              "
	    "\"uco-configuration:itemType\": \"null\"\n");
	HAS(c, "\"uco-configuration:itemName\": \"o\",\n              "
	    "\"uco-configuration:itemValue\": \"{\\\"k\\\":[1,\\\"x\\\"]}\",\n"
	    "              \"uco-configuration:itemType\": \"object\"\n");
	HAS(c, "\"uco-observable:filePath\": \"/cases/x\\\"\\n</script>"
	    "\\u0005.raw\",\n");
	/* the name after the last slash, which is the one in "</" */
	HAS(c, "\"uco-observable:fileName\": \"script>\\u0005.raw\",\n");
	HAS(c, "\"uco-core:description\": \"R</script>\\b\",\n");
	HAS(c, "\"uco-core:name\": \"T\\u0007\"\n");
	HAS(c, "\"uco-core:name\": \"L\\\"oc\\n\\u0017\"\n");
	HAS(c, "\"uco-core:name\": \"act\\u000b\"\n");
	HAS(c, "\"@value\": \"2026-05-01T10:00:00.123456Z\"\n");
	free(c);
}
END_TEST

/* A chain that does not check out is in the graph, about the case. */
START_TEST(test_case_broken_chain)
{
	char *c = report(nasty_db(), NULL, "E<1>&\"'", FX_REPORT_CASE);

	assert_no_controls(c);
	HAS(c, "\"@type\": \"uco-core:Annotation\",\n      \"uco-core:statement\""
	    ": \"The case database's audit chain does NOT check out: event 3: "
	    "evidence.create: cannot read its records (text is not valid "
	    "UTF-8: \\\"A\xef\xbf\xbd" "B\xef\xbf\xbd\xef\xbf\xbd\\fC\\\").\",\n"
	    "      \"uco-core:object\": [\n        {\n          \"@id\": "
	    "\"kb:investigation-");
	HAS(c, "\"uco-core:description\": \"A\xef\xbf\xbd" "B\xef\xbf\xbd"
	    "\xef\xbf\xbd\\fC\",\n");
	free(c);
}
END_TEST

START_TEST(test_case_no_evidence)
{
	const char *path = new_path("report-case-empty");
	fx_casedb *db = open_db(path);
	int64_t id;
	char *c;

	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(fx_casedb_case_ensure(&id, db, "2026-0200", NULL), 0);
	fx_casedb_free(db);
	c = report(path, "2026-0200", NULL, FX_REPORT_CASE);
	HAS(c, "\"@type\": \"case-investigation:Investigation\",\n      "
	    "\"uco-core:name\": \"2026-0200\",\n      \"case-investigation:"
	    "investigationForm\": \"case\",\n      \"uco-core:object\": []\n");
	LACKS(c, "uco-observable:Device");
	LACKS(c, "InvestigativeAction");
	free(c);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_not_found)
{
	const char *path = fixture();
	char want[4200], *out;
	int rc;

	out = report_rc(path, "2026-9999", NULL, FX_REPORT_HTML, &rc);
	ck_assert_int_eq(rc, FX_ENOTFOUND);
	snprintf(want, sizeof(want), "case database %s: no case \"2026-9999\"",
		 path);
	ck_assert_str_eq(fx_error_last(), want);
	ck_assert_str_eq(out, "");   /* nothing written */
	free(out);
	out = report_rc(path, NULL, "HD-9", FX_REPORT_TEXT, &rc);
	ck_assert_int_eq(rc, FX_ENOTFOUND);
	snprintf(want, sizeof(want), "case database %s: no evidence \"HD-9\" "
		 "in any case", path);
	ck_assert_str_eq(fx_error_last(), want);
	ck_assert_str_eq(out, "");
	free(out);
	out = report_rc(path, CASE_NO, "HD-9", FX_REPORT_JSON, &rc);
	ck_assert_int_eq(rc, FX_ENOTFOUND);
	snprintf(want, sizeof(want), "case database %s: no evidence \"HD-9\" "
		 "in case \"2026-0042\"", path);
	ck_assert_str_eq(fx_error_last(), want);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(test_ambiguous_evidence)
{
	const char *path = new_path("report-ambiguous");
	fx_casedb_evidence ev = FX_CASEDB_EVIDENCE_INIT;
	fx_casedb *db = open_db(path);
	int64_t c1, c2, id;
	char *out;
	int rc;

	ck_assert_ptr_nonnull(db);
	ev.evidence_number = "HD-1";
	ck_assert_int_eq(fx_casedb_case_ensure(&c1, db, "2026-0001", NULL), 0);
	ck_assert_int_eq(fx_casedb_case_ensure(&c2, db, "2026-0002", NULL), 0);
	ck_assert_int_eq(fx_casedb_evidence_ensure(&id, db, c1, &ev), 0);
	ck_assert_int_eq(fx_casedb_evidence_ensure(&id, db, c2, &ev), 0);
	ev.evidence_number = "HD-7";
	ck_assert_int_eq(fx_casedb_evidence_ensure(&id, db, c2, &ev), 0);
	fx_casedb_free(db);
	out = report_rc(path, NULL, "HD-1", FX_REPORT_TEXT, &rc);
	ck_assert_int_eq(rc, FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "evidence number \"HD-1\" is in 2 "
			 "cases (2026-0001, 2026-0002); name the case as well");
	ck_assert_str_eq(out, "");
	free(out);
	out = report(path, "2026-0002", "HD-1", FX_REPORT_TEXT);
	HAS_LINE(out, "EVIDENCE HD-1 (case 2026-0002)");
	LACKS(out, "2026-0001");
	free(out);
	out = report(path, NULL, "HD-7", FX_REPORT_TEXT);   /* unique */
	HAS_LINE(out, "EVIDENCE HD-7 (case 2026-0002)");
	free(out);
}
END_TEST

START_TEST(test_parse_format)
{
	int f = 0;

	ck_assert_int_eq(fx_report_parse_format(&f, "text"), 0);
	ck_assert_int_eq(f, FX_REPORT_TEXT);
	ck_assert_int_eq(fx_report_parse_format(&f, "html"), 0);
	ck_assert_int_eq(f, FX_REPORT_HTML);
	ck_assert_int_eq(fx_report_parse_format(&f, "json"), 0);
	ck_assert_int_eq(f, FX_REPORT_JSON);
	ck_assert_int_eq(fx_report_parse_format(&f, "dfxml"), 0);
	ck_assert_int_eq(f, FX_REPORT_DFXML);
	ck_assert_int_eq(fx_report_parse_format(&f, "case"), 0);
	ck_assert_int_eq(f, FX_REPORT_CASE);
	ck_assert_int_eq(fx_report_parse_format(&f, "dfxml"), 0);
	ck_assert_int_eq(fx_report_parse_format(&f, "pdf"), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "unknown report format \"pdf\" "
			 "(expected html, text, json, dfxml or case)");
	ck_assert_int_eq(fx_report_parse_format(&f, "HTML"), FX_EUSAGE);
	ck_assert_int_eq(fx_report_parse_format(&f, ""), FX_EUSAGE);
	ck_assert_int_eq(fx_report_parse_format(&f, NULL), FX_EUSAGE);
	ck_assert_int_eq(f, FX_REPORT_DFXML);   /* unchanged on failure */
}
END_TEST

START_TEST(test_bad_options)
{
	fx_report_options o = FX_REPORT_OPTIONS_INIT;
	fx_casedb *db = open_db(fixture());
	FILE *f = fopen("/dev/null", "w");

	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(fx_report_write(f, db, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "report: give a case number, an "
			 "evidence number, or both");
	o.case_number = CASE_NO;
	o.format = 9;
	ck_assert_int_eq(fx_report_write(f, db, &o), FX_EUSAGE);
	o.format = FX_REPORT_TEXT;
	o.version = FX_REPORT_OPTIONS_VERSION + 1;   /* from the future */
	ck_assert_int_eq(fx_report_write(f, db, &o), FX_EUSAGE);
	o.version = 0;
	ck_assert_int_eq(fx_report_write(f, db, &o), FX_EUSAGE);
	ck_assert_int_eq(fx_report_write(f, db, NULL), FX_EUSAGE);
	ck_assert_int_eq(fx_report_write(NULL, db, &o), FX_EUSAGE);
	fclose(f);
	fx_casedb_free(db);
}
END_TEST

START_TEST(test_write_error)
{
	fx_report_options o = FX_REPORT_OPTIONS_INIT;
	fx_casedb *db = open_db(fixture());
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		return;   /* no /dev/full here */
	ck_assert_ptr_nonnull(db);
	o.case_number = CASE_NO;
	o.format = FX_REPORT_HTML;
	ck_assert_int_eq(fx_report_write(f, db, &o), FX_EIO);
	/* no "report: " of its own: the tool says which command failed
	 * ("verify: report: report: ..." was doubled) */
	ck_assert_int_eq(strncmp(fx_error_last(), "cannot write the report: ", 25), 0);
	fclose(f);
	fx_casedb_free(db);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *formats = tcase_create("formats");
	TCase *esc = tcase_create("escaping");
	TCase *record = tcase_create("record");
	TCase *errors = tcase_create("errors");
	TCase *cased = tcase_create("case");

	tcase_add_test(formats, test_text_values);
	tcase_add_test(formats, test_json_values);
	tcase_add_test(formats, test_html_values);
	tcase_add_test(formats, test_dfxml_values);
	tcase_add_test(formats, test_failed_verification_first);
	tcase_add_test(formats, test_all_clear);
	tcase_add_test(formats, test_findings_text);
	tcase_add_test(formats, test_findings_html_json);
	tcase_add_test(formats, test_text_no_cut_tokens);
	tcase_add_test(formats, test_interrupted_verification);
	suite_add_tcase(s, formats);
	tcase_add_test(esc, test_escape_html);
	tcase_add_test(esc, test_escape_dfxml);
	tcase_add_test(esc, test_escape_json);
	tcase_add_test(esc, test_escape_text);
	suite_add_tcase(s, esc);
	tcase_add_test(record, test_audit_figures);
	tcase_add_test(record, test_audit_trust_stated);
	tcase_add_test(record, test_broken_chain);
	tcase_add_test(record, test_unfinished_acquisition);
	tcase_add_test(record, test_case_without_evidence);
	suite_add_tcase(s, record);
	tcase_add_test(cased, test_case_values);
	tcase_add_test(cased, test_case_deterministic);
	tcase_add_test(cased, test_case_escape);
	tcase_add_test(cased, test_case_broken_chain);
	tcase_add_test(cased, test_case_no_evidence);
	suite_add_tcase(s, cased);
	tcase_add_test(esc, test_records_escape);
	tcase_add_test(errors, test_not_found);
	tcase_add_test(errors, test_ambiguous_evidence);
	tcase_add_test(errors, test_parse_format);
	tcase_add_test(errors, test_bad_options);
	tcase_add_test(errors, test_write_error);
	suite_add_tcase(s, errors);
	return s;
}

/* ---- modes for the end-to-end test ---- */

static int cli_report(int argc, char **argv)
{
	fx_report_options o = FX_REPORT_OPTIONS_INIT;
	fx_casedb_options dbo = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;
	FILE *f;
	int rc;

	dbo.read_only = 1;
	if (fx_report_parse_format(&o.format, argv[3]) != 0 ||
	    fx_casedb_open(&db, argv[2], &dbo) != 0) {
		fprintf(stderr, "check_report: %s\n", fx_error_last());
		return 2;
	}
	o.case_number = argc > 5 && strcmp(argv[5], "-") != 0 ? argv[5] : NULL;
	o.evidence_number = argc > 6 ? argv[6] : NULL;
	if (!o.case_number && !o.evidence_number)
		o.case_number = CASE_NO;
	o.generator = "check_report 1.0";
	f = fopen(argv[4], "w");
	if (!f) {
		perror(argv[4]);
		fx_casedb_free(db);
		return 2;
	}
	rc = fx_report_write(f, db, &o);
	if (fclose(f) != 0 && !rc)
		rc = -1;
	if (rc)
		fprintf(stderr, "check_report: %s\n", fx_error_last());
	fx_casedb_free(db);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	if (argc == 3 && strcmp(argv[1], "--write-fixture") == 0)
		return make_fixture(argv[2]) ? 1 : 0;
	if (argc == 3 && strcmp(argv[1], "--write-nasty") == 0)
		return make_nasty(argv[2]) ? 1 : 0;
	if (argc == 3 && strcmp(argv[1], "--write-hostile") == 0)
		return make_hostile(argv[2]) ? 1 : 0;
	if (argc >= 5 && argc <= 7 && strcmp(argv[1], "--report") == 0)
		return cli_report(argc, argv);
	sr = srunner_create(report_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
