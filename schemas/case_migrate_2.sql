-- Schema 2: a verification can be 'interrupted', stopped by a signal before
-- it reached a verdict, which is neither a pass nor a failure (version 1
-- could only record such a run as 'error', a failed verification).
--
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt
-- as case.sql creates it, with the same rows (same ids: the hashes and the
-- audit events that refer to them stay valid), index and triggers. The
-- library runs this with foreign keys off (the rebuild drops a table that
-- hashes refers to) and runs PRAGMA foreign_key_check before it commits.
CREATE TABLE verifications_1 AS SELECT * FROM verifications;
DROP TABLE verifications;
CREATE TABLE verifications (
	id             INTEGER PRIMARY KEY,
	evidence_id    INTEGER NOT NULL REFERENCES evidence (id),
	acquisition_id INTEGER REFERENCES acquisitions (id),
	time_utc       TEXT NOT NULL,
	actor          TEXT,
	host           TEXT,
	tool           TEXT,
	tool_version   TEXT,
	-- 'interrupted': stopped by a signal before it reached a verdict
	-- (schema 2); neither a pass nor a failure.
	result         TEXT NOT NULL
	               CHECK (result IN ('verified', 'mismatch', 'error',
	                                 'interrupted')),
	findings       TEXT
);
INSERT INTO verifications (id, evidence_id, acquisition_id, time_utc, actor,
                           host, tool, tool_version, result, findings)
	SELECT id, evidence_id, acquisition_id, time_utc, actor, host, tool,
	       tool_version, result, findings
	FROM verifications_1 ORDER BY id;
DROP TABLE verifications_1;
CREATE INDEX verifications_by_acquisition ON verifications (acquisition_id);
CREATE TRIGGER verifications_no_update BEFORE UPDATE ON verifications
BEGIN SELECT RAISE(ABORT, 'verifications is append-only'); END;
CREATE TRIGGER verifications_no_delete BEFORE DELETE ON verifications
BEGIN SELECT RAISE(ABORT, 'verifications is append-only'); END;
