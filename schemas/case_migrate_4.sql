-- Schema 4: RFC 3161 time-stamps of the audit chain's head (anchors), so
-- that events cut from the end of the chain are found (docs/casedb.md,
-- "Anchors").
--
-- An anchor is not an audit event: its token is a signed statement by a
-- time-stamping authority about one head, checkable on its own, and an
-- event written for it would move the head it anchors. The table is
-- append-only like every other; a row with status 'failed' records that the
-- TSA at tsa_url was asked and why no token came back (never silent).
CREATE TABLE anchors (
	id             INTEGER PRIMARY KEY,
	seq            INTEGER NOT NULL CHECK (seq >= 0),
	head_hash      TEXT NOT NULL CHECK (length(head_hash) = 64
	                       AND head_hash NOT GLOB '*[^0-9a-f]*'),
	tsa_url        TEXT NOT NULL,
	status         TEXT NOT NULL CHECK (status IN ('stamped', 'failed')),
	error          TEXT,
	token          BLOB,
	token_sha256   TEXT CHECK (token_sha256 IS NULL OR
	                       (length(token_sha256) = 64
	                        AND token_sha256 NOT GLOB '*[^0-9a-f]*')),
	token_time_utc TEXT,
	requested_utc  TEXT NOT NULL,
	actor          TEXT,
	host           TEXT,
	CHECK ((status = 'stamped') = (token IS NOT NULL AND error IS NULL))
);
CREATE INDEX anchors_by_seq ON anchors (seq);
CREATE TRIGGER anchors_no_update BEFORE UPDATE ON anchors
BEGIN SELECT RAISE(ABORT, 'anchors is append-only'); END;
CREATE TRIGGER anchors_no_delete BEFORE DELETE ON anchors
BEGIN SELECT RAISE(ABORT, 'anchors is append-only'); END;
