/*
 * fx_ledger_append: one station appending audit events to a case database
 * (an SQLite file or a PostgreSQL ledger), for the concurrency test and
 * the benchmark: several of these at once must give one linear chain.
 *
 *   fx_ledger_append DB COUNT STATION [KEY.pem]
 *
 * Opens DB as a writer whose events record host "HOST station STATION"
 * (signed with KEY.pem when given), makes sure case LEDGER-1 and evidence
 * EV-1 exist, then records COUNT custody transfers of EV-1 (one
 * custody.record event each, one write transaction each). Prints
 * "STATION: COUNT events in S seconds" on success; exit 0, or 1 with the
 * library's message. Single-threaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "forensic/forensic.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int append(fx_casedb *db, long count, const char *station)
{
	fx_casedb_evidence ev = FX_CASEDB_EVIDENCE_INIT;
	fx_casedb_custody c = FX_CASEDB_CUSTODY_INIT;
	int64_t case_id = 0, id = 0;
	char to[96];
	long i;
	int rc;

	ev.evidence_number = "EV-1";
	rc = fx_casedb_case_ensure(&case_id, db, "LEDGER-1", NULL);
	if (!rc)
		rc = fx_casedb_evidence_ensure(&c.evidence_id, db, case_id, &ev);
	c.reason = "ledger test";
	c.to_party = to;
	for (i = 0; !rc && i < count; i++) {
		snprintf(to, sizeof(to), "%s #%ld", station, i + 1);
		rc = fx_casedb_custody_record(&id, db, &c);
	}
	return rc;
}

int main(int argc, char **argv)
{
	fx_casedb_options o = FX_CASEDB_OPTIONS_INIT;
	fx_casedb *db = NULL;
	char host[256], hs[400];
	double t0;
	long count;
	int rc;

	if (argc < 4 || argc > 5 || (count = strtol(argv[2], NULL, 10)) < 0) {
		fprintf(stderr, "usage: fx_ledger_append DB COUNT STATION [KEY.pem]\n");
		return 2;
	}
	if (gethostname(host, sizeof(host) - 1) != 0)
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = '\0';
	snprintf(hs, sizeof(hs), "%s station %s", host, argv[3]);
	o.host = hs;
	o.sign_key_path = argc == 5 ? argv[4] : NULL;
	t0 = now();
	rc = fx_casedb_open(&db, argv[1], &o);
	if (!rc)
		rc = append(db, count, argv[3]);
	fx_casedb_free(db);
	if (rc) {
		fprintf(stderr, "fx_ledger_append %s: %s\n", argv[3], fx_error_last());
		return 1;
	}
	printf("%s: %ld events in %.3f seconds\n", argv[3], count, now() - t0);
	return 0;
}
