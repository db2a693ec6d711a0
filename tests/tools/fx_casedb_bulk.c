/*
 * fx_casedb_bulk: a test-only case database holding acquisitions with many
 * image files, written through the library API (the same rows and audit
 * events acquire writes), so that the cost of the audit check can be
 * measured at sizes that would take a real acquisition hours.
 *
 *   fx_casedb_bulk DB FILES [ACQUISITIONS [KEY.pem]]
 *
 * Makes ACQUISITIONS (default 1) split-raw acquisitions of one evidence item,
 * each finished with FILES image files of 1 MiB (paths DB.dir/img-A.NNNNNNN,
 * made-up SHA-256 values), signed with KEY.pem when given. The files
 * themselves are not created: the audit check reads only the database.
 * Prints "DB: N events" on success; exit 0, or 1 with the library's message.
 * Single-threaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forensic/forensic.h"

#define MIB 1048576ULL

/* One acquisition of n files, begun and finished. */
static int one_acquisition(fx_casedb *db, const char *db_path, int index,
			   size_t n)
{
	fx_casedb_acquisition a = FX_CASEDB_ACQUISITION_INIT;
	fx_casedb_result r = FX_CASEDB_RESULT_INIT;
	size_t plen = strlen(db_path) + 32, i;
	fx_image_file *files = calloc(n ? n : 1, sizeof(*files));
	char *paths = malloc((n ? n : 1) * plen);
	int64_t acq = 0;
	int rc = -1;

	if (!files || !paths) {
		fprintf(stderr, "fx_casedb_bulk: out of memory\n");
		goto done;
	}
	for (i = 0; i < n; i++) {
		snprintf(paths + i * plen, plen, "%s.dir/img-%d.%07zu", db_path,
			 index, i + 1);
		files[i].path = paths + i * plen;
		files[i].size = MIB;
		snprintf(files[i].sha256, sizeof(files[i].sha256), "%064zx",
			 i * 2654435761u + 1);
	}
	a.case_number = "BULK-1";
	a.evidence.evidence_number = "EV-1";
	a.tool = "fx_casedb_bulk";
	a.format = "split-raw";
	a.segment_size = MIB;
	a.block_size = (uint32_t)MIB;
	a.evidence.source.path = "/dev/zero";
	r.status = FX_STATUS_COMPLETED;
	r.bytes = n * MIB;
	r.sector_size = 512;
	snprintf(r.hashes.sha256, sizeof(r.hashes.sha256), "%s",
		 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	r.files = files;
	r.n_files = n;
	rc = fx_casedb_acquisition_begin(&acq, db, &a);
	if (!rc)
		rc = fx_casedb_acquisition_finish(db, acq, &r);
	if (rc)
		fprintf(stderr, "fx_casedb_bulk: %s\n", fx_error_last());
done:
	free(files);
	free(paths);
	return rc;
}

int main(int argc, char **argv)
{
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb_audit_head head;
	fx_casedb *db = NULL;
	long files, acqs = 1;
	int i, rc;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: fx_casedb_bulk DB FILES [ACQUISITIONS "
			"[KEY.pem]]\n");
		return 2;
	}
	files = strtol(argv[2], NULL, 10);
	if (argc >= 4)
		acqs = strtol(argv[3], NULL, 10);
	if (files < 0 || acqs < 1) {
		fprintf(stderr, "fx_casedb_bulk: bad FILES or ACQUISITIONS\n");
		return 2;
	}
	o.actor = "bulk";
	o.host = "bulk-host";
	o.sign_key_path = argc == 5 ? argv[4] : NULL;
	if (fx_casedb_open(&db, argv[1], &o) != 0) {
		fprintf(stderr, "fx_casedb_bulk: %s\n", fx_error_last());
		return 1;
	}
	for (i = 0, rc = 0; !rc && i < acqs; i++)
		rc = one_acquisition(db, argv[1], i + 1, (size_t)files);
	if (!rc && (rc = fx_casedb_audit_head_get(&head, db)) == 0)
		printf("%s: %llu events\n", argv[1],
		       (unsigned long long)head.events);
	fx_casedb_free(db);
	return rc ? 1 : 0;
}
