-- Case database, chain of custody and audit log: the full current schema.
--
-- This file is the single source of the schema. libforensic embeds it at
-- build time (fx_schema_case) and runs it, in one transaction, to create a
-- new case database. An existing database at an older version N-1 is brought
-- to N by schemas/case_migrate_<N>.sql (see docs/casedb.md, "Migrations").
--
-- Rules that hold for every table:
-- * Every row is written together with an audit_log event in the same
--   transaction; the event's content is the row as stored (canonical JSON),
--   so the audit check can re-derive each event from the records.
-- * Records are append-only. The only UPDATE allowed anywhere is the one that
--   finishes a running acquisition. Triggers refuse everything else; the hash
--   chain (and optional signatures) detect whoever drops the triggers.
-- * Times are UTC, ISO-8601, "YYYY-MM-DDTHH:MM:SS[.ffffff]Z".
-- * Hashes are lowercase hex.

PRAGMA application_id = 1180189508; -- 0x46584344, "FXCD"
PRAGMA user_version = 5;

CREATE TABLE meta (
	key   TEXT PRIMARY KEY NOT NULL,
	value TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO meta (key, value) VALUES
	('application', 'libforensic case database'),
	('schema_version', '5');

-- Ed25519 public keys that signed audit events.
CREATE TABLE signing_keys (
	id             INTEGER PRIMARY KEY,
	algorithm      TEXT NOT NULL CHECK (algorithm = 'ed25519'),
	public_key     TEXT NOT NULL UNIQUE
	               CHECK (length(public_key) = 64
	                      AND public_key NOT GLOB '*[^0-9a-f]*'),
	registered_utc TEXT NOT NULL
);

CREATE TABLE audit_log (
	seq       INTEGER PRIMARY KEY,
	time_utc  TEXT NOT NULL,
	actor     TEXT NOT NULL,
	host      TEXT NOT NULL,
	action    TEXT NOT NULL,
	content   TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL,
	key_id    INTEGER REFERENCES signing_keys (id),
	signature TEXT,
	CHECK ((key_id IS NULL) = (signature IS NULL))
);

CREATE TABLE cases (
	id          INTEGER PRIMARY KEY,
	case_number TEXT NOT NULL UNIQUE,
	description TEXT,
	created_utc TEXT NOT NULL
);

-- Evidence items. The source identity is the one seen when the item was
-- registered; every acquisition also keeps the identity it saw.
CREATE TABLE evidence (
	id                   INTEGER PRIMARY KEY,
	case_id              INTEGER NOT NULL REFERENCES cases (id),
	evidence_number      TEXT NOT NULL,
	description          TEXT,
	notes                TEXT,
	examiner             TEXT,
	created_utc          TEXT NOT NULL,
	vendor               TEXT,
	model                TEXT,
	serial               TEXT,
	wwid                 TEXT,
	size_bytes           INTEGER,
	logical_sector_size  INTEGER,
	physical_sector_size INTEGER,
	removable            INTEGER CHECK (removable IN (0, 1)),
	rotational           INTEGER CHECK (rotational IN (0, 1)),
	is_block_device      INTEGER CHECK (is_block_device IN (0, 1)),
	hpa_dco              TEXT,
	UNIQUE (case_id, evidence_number)
);

CREATE TABLE acquisitions (
	id                   INTEGER PRIMARY KEY,
	evidence_id          INTEGER NOT NULL REFERENCES evidence (id),
	tool                 TEXT,
	tool_version         TEXT,
	library_versions     TEXT,
	host                 TEXT,
	operator             TEXT,
	command_line         TEXT,
	parameters_json      TEXT CHECK (parameters_json IS NULL
	                                 OR json_valid(parameters_json)),
	format               TEXT NOT NULL
	                     CHECK (format IN ('raw', 'split-raw', 'e01')),
	compression          TEXT,
	segment_size         INTEGER,
	block_size           INTEGER,
	source_path          TEXT,
	vendor               TEXT,
	model                TEXT,
	serial               TEXT,
	wwid                 TEXT,
	size_bytes           INTEGER,
	logical_sector_size  INTEGER,
	physical_sector_size INTEGER,
	removable            INTEGER CHECK (removable IN (0, 1)),
	rotational           INTEGER CHECK (rotational IN (0, 1)),
	is_block_device      INTEGER CHECK (is_block_device IN (0, 1)),
	hpa_dco              TEXT,
	write_block_method   TEXT,
	write_block_before   TEXT,
	write_block_after    TEXT,
	start_utc            TEXT NOT NULL,
	-- Who holds a running acquisition, so a reader can tell one that is
	-- still going from one whose process died (see docs/casedb.md).
	owner_host           TEXT NOT NULL,
	owner_pid            INTEGER NOT NULL,
	owner_boot_id        TEXT,
	owner_start_ticks    INTEGER,
	-- Filled once, by the transaction that finishes the acquisition;
	-- error: why a failed or interrupted one ended, as the tool said it
	-- (schema 3; NULL for a completed one, or one finished before).
	-- optical (at the end, recorded at the start): 1 for optical media
	-- (a CD/DVD/BD drive, or 2048-byte sectors), 0 not (schema 5; NULL
	-- for one begun before).
	status               TEXT NOT NULL DEFAULT 'running'
	                     CHECK (status IN ('running', 'completed',
	                            'completed_with_errors', 'failed',
	                            'interrupted')),
	end_utc              TEXT,
	bytes_acquired       INTEGER,
	sector_size          INTEGER,
	error                TEXT,
	optical              INTEGER CHECK (optical IN (0, 1))
);

-- Unreadable sector ranges of an acquisition (filled with zeros in the image).
CREATE TABLE bad_sectors (
	id             INTEGER PRIMARY KEY,
	acquisition_id INTEGER NOT NULL REFERENCES acquisitions (id),
	first_sector   INTEGER NOT NULL CHECK (first_sector >= 0),
	sector_count   INTEGER NOT NULL CHECK (sector_count > 0)
);

-- The files of an image. allocated_bytes: what the file took on storage
-- after its final flush (st_blocks * 512), below size_bytes for a sparse
-- raw image (schema 5); NULL where not measured (E01 segments, files
-- recorded before).
CREATE TABLE image_files (
	id             INTEGER PRIMARY KEY,
	acquisition_id INTEGER NOT NULL REFERENCES acquisitions (id),
	path           TEXT NOT NULL,
	size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),
	sha256         TEXT CHECK (sha256 IS NULL OR (length(sha256) = 64
	                          AND sha256 NOT GLOB '*[^0-9a-f]*')),
	allocated_bytes INTEGER CHECK (allocated_bytes IS NULL OR allocated_bytes >= 0)
);

-- Schema 4: the destinations of an acquisition written to several at once
-- (acquire --copy), each with its own fate; see case_migrate_4.sql.
CREATE TABLE image_sets (
	id             INTEGER PRIMARY KEY,
	acquisition_id INTEGER NOT NULL REFERENCES acquisitions (id),
	-- 0: TARGET, whose files are the acquisition's (image_files);
	-- 1, 2, 3: the copies, in the order given, files in image_set_files
	copy_number    INTEGER NOT NULL CHECK (copy_number >= 0),
	target         TEXT NOT NULL,
	format         TEXT NOT NULL
	               CHECK (format IN ('raw', 'split-raw', 'e01')),
	status         TEXT NOT NULL
	               CHECK (status IN ('completed', 'completed_with_errors',
	                                 'failed', 'interrupted')),
	-- bytes of media the destination holds; failed_at: the first byte it
	-- could not write (NULL unless it failed there)
	bytes_written  INTEGER NOT NULL CHECK (bytes_written >= 0),
	failed_at      INTEGER CHECK (failed_at IS NULL OR failed_at >= 0),
	error          TEXT,
	UNIQUE (acquisition_id, copy_number)
);

CREATE TABLE image_set_files (
	id             INTEGER PRIMARY KEY,
	image_set_id   INTEGER NOT NULL REFERENCES image_sets (id),
	path           TEXT NOT NULL,
	size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),
	sha256         TEXT CHECK (sha256 IS NULL OR (length(sha256) = 64
	                          AND sha256 NOT GLOB '*[^0-9a-f]*'))
);

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

-- Hashes computed by an acquisition or by a verification, of the whole image
-- or of a window [window_offset, window_offset + window_length).
CREATE TABLE hashes (
	id              INTEGER PRIMARY KEY,
	acquisition_id  INTEGER REFERENCES acquisitions (id),
	verification_id INTEGER REFERENCES verifications (id),
	algorithm       TEXT NOT NULL CHECK (algorithm IN ('md5', 'sha1', 'sha256')),
	value           TEXT NOT NULL
	                CHECK (length(value) = CASE algorithm WHEN 'md5' THEN 32
	                                      WHEN 'sha1' THEN 40 ELSE 64 END
	                       AND value NOT GLOB '*[^0-9a-f]*'),
	scope           TEXT NOT NULL CHECK (scope IN ('image', 'window')),
	window_offset   INTEGER,
	window_length   INTEGER,
	CHECK ((acquisition_id IS NULL) <> (verification_id IS NULL)),
	CHECK ((scope = 'image') = (window_offset IS NULL AND window_length IS NULL))
);

CREATE TABLE custody_events (
	id          INTEGER PRIMARY KEY,
	evidence_id INTEGER NOT NULL REFERENCES evidence (id),
	from_party  TEXT,
	to_party    TEXT NOT NULL,
	location    TEXT,
	reason      TEXT,
	time_utc    TEXT NOT NULL,
	actor       TEXT
);

-- Exports of verified media as virtual disks (schema 5, verify export):
-- which acquisition's media, after which verification, written where and
-- how, with the media's size and hashes and each file written.
CREATE TABLE exports (
	id              INTEGER PRIMARY KEY,
	evidence_id     INTEGER NOT NULL REFERENCES evidence (id),
	acquisition_id  INTEGER NOT NULL REFERENCES acquisitions (id),
	verification_id INTEGER NOT NULL REFERENCES verifications (id),
	time_utc        TEXT NOT NULL,
	actor           TEXT,
	host            TEXT,
	tool            TEXT,
	tool_version    TEXT,
	format          TEXT NOT NULL CHECK (format IN ('raw', 'vhd', 'vmdk')),
	path            TEXT NOT NULL,
	media_bytes     INTEGER NOT NULL CHECK (media_bytes >= 0),
	md5             TEXT CHECK (md5 IS NULL OR (length(md5) = 32
	                           AND md5 NOT GLOB '*[^0-9a-f]*')),
	sha1            TEXT CHECK (sha1 IS NULL OR (length(sha1) = 40
	                           AND sha1 NOT GLOB '*[^0-9a-f]*')),
	sha256          TEXT NOT NULL CHECK (length(sha256) = 64
	                                     AND sha256 NOT GLOB '*[^0-9a-f]*')
);

CREATE TABLE export_files (
	id         INTEGER PRIMARY KEY,
	export_id  INTEGER NOT NULL REFERENCES exports (id),
	path       TEXT NOT NULL,
	size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
	sha256     TEXT NOT NULL CHECK (length(sha256) = 64
	                                AND sha256 NOT GLOB '*[^0-9a-f]*')
);

CREATE INDEX evidence_by_case ON evidence (case_id);
-- The container files of a virtual-disk source (schema 5,
-- case_migrate_5.sql): role, container format, path, size, SHA-256, in the
-- order the source found them (the file named first).
CREATE TABLE source_files (
	id             INTEGER PRIMARY KEY,
	acquisition_id INTEGER NOT NULL REFERENCES acquisitions (id),
	role           TEXT NOT NULL CHECK (role IN ('image', 'extent', 'parent',
	                                             'parent extent')),
	format         TEXT NOT NULL CHECK (format IN ('vmdk', 'vhd', 'vhdx',
	                                               'qcow2')),
	path           TEXT NOT NULL,
	size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),
	sha256         TEXT CHECK (sha256 IS NULL OR (length(sha256) = 64
	                          AND sha256 NOT GLOB '*[^0-9a-f]*'))
);

CREATE INDEX acquisitions_by_evidence ON acquisitions (evidence_id);
CREATE INDEX source_files_by_acquisition ON source_files (acquisition_id);
CREATE INDEX bad_sectors_by_acquisition ON bad_sectors (acquisition_id);
CREATE INDEX image_files_by_path ON image_files (path);
CREATE INDEX image_files_by_acquisition ON image_files (acquisition_id);
CREATE INDEX image_sets_by_acquisition ON image_sets (acquisition_id);
CREATE INDEX image_set_files_by_path ON image_set_files (path);
CREATE INDEX image_set_files_by_set ON image_set_files (image_set_id);
CREATE INDEX hashes_by_acquisition ON hashes (acquisition_id);
CREATE INDEX hashes_by_verification ON hashes (verification_id);
CREATE INDEX verifications_by_acquisition ON verifications (acquisition_id);
CREATE INDEX custody_by_evidence ON custody_events (evidence_id);
CREATE INDEX exports_by_evidence ON exports (evidence_id);
CREATE INDEX export_files_by_export ON export_files (export_id);

-- Append-only. The messages name the table so a refused statement says why.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TRIGGER signing_keys_no_update BEFORE UPDATE ON signing_keys
BEGIN SELECT RAISE(ABORT, 'signing_keys is append-only'); END;
CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
BEGIN SELECT RAISE(ABORT, 'signing_keys is append-only'); END;

CREATE TRIGGER cases_no_update BEFORE UPDATE ON cases
BEGIN SELECT RAISE(ABORT, 'cases is append-only'); END;
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases
BEGIN SELECT RAISE(ABORT, 'cases is append-only'); END;

CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;

-- A running acquisition may be finished once; nothing else changes.
CREATE TRIGGER acquisitions_finish_once BEFORE UPDATE ON acquisitions
WHEN OLD.status <> 'running' OR NEW.status = 'running'
     OR NEW.id IS NOT OLD.id OR NEW.evidence_id IS NOT OLD.evidence_id
     OR NEW.start_utc IS NOT OLD.start_utc
     OR NEW.owner_pid IS NOT OLD.owner_pid
BEGIN SELECT RAISE(ABORT, 'acquisitions: only a running acquisition can be finished, once'); END;
CREATE TRIGGER acquisitions_no_delete BEFORE DELETE ON acquisitions
BEGIN SELECT RAISE(ABORT, 'acquisitions is append-only'); END;

CREATE TRIGGER bad_sectors_no_update BEFORE UPDATE ON bad_sectors
BEGIN SELECT RAISE(ABORT, 'bad_sectors is append-only'); END;
CREATE TRIGGER bad_sectors_no_delete BEFORE DELETE ON bad_sectors
BEGIN SELECT RAISE(ABORT, 'bad_sectors is append-only'); END;

CREATE TRIGGER source_files_no_update BEFORE UPDATE ON source_files
BEGIN SELECT RAISE(ABORT, 'source_files is append-only'); END;
CREATE TRIGGER source_files_no_delete BEFORE DELETE ON source_files
BEGIN SELECT RAISE(ABORT, 'source_files is append-only'); END;

CREATE TRIGGER image_files_no_update BEFORE UPDATE ON image_files
BEGIN SELECT RAISE(ABORT, 'image_files is append-only'); END;
CREATE TRIGGER image_files_no_delete BEFORE DELETE ON image_files
BEGIN SELECT RAISE(ABORT, 'image_files is append-only'); END;

CREATE TRIGGER image_sets_no_update BEFORE UPDATE ON image_sets
BEGIN SELECT RAISE(ABORT, 'image_sets is append-only'); END;
CREATE TRIGGER image_sets_no_delete BEFORE DELETE ON image_sets
BEGIN SELECT RAISE(ABORT, 'image_sets is append-only'); END;

CREATE TRIGGER image_set_files_no_update BEFORE UPDATE ON image_set_files
BEGIN SELECT RAISE(ABORT, 'image_set_files is append-only'); END;
CREATE TRIGGER image_set_files_no_delete BEFORE DELETE ON image_set_files
BEGIN SELECT RAISE(ABORT, 'image_set_files is append-only'); END;

CREATE TRIGGER hashes_no_update BEFORE UPDATE ON hashes
BEGIN SELECT RAISE(ABORT, 'hashes is append-only'); END;
CREATE TRIGGER hashes_no_delete BEFORE DELETE ON hashes
BEGIN SELECT RAISE(ABORT, 'hashes is append-only'); END;

CREATE TRIGGER verifications_no_update BEFORE UPDATE ON verifications
BEGIN SELECT RAISE(ABORT, 'verifications is append-only'); END;
CREATE TRIGGER verifications_no_delete BEFORE DELETE ON verifications
BEGIN SELECT RAISE(ABORT, 'verifications is append-only'); END;

CREATE TRIGGER custody_events_no_update BEFORE UPDATE ON custody_events
BEGIN SELECT RAISE(ABORT, 'custody_events is append-only'); END;
CREATE TRIGGER custody_events_no_delete BEFORE DELETE ON custody_events
BEGIN SELECT RAISE(ABORT, 'custody_events is append-only'); END;

CREATE TRIGGER exports_no_update BEFORE UPDATE ON exports
BEGIN SELECT RAISE(ABORT, 'exports is append-only'); END;
CREATE TRIGGER exports_no_delete BEFORE DELETE ON exports
BEGIN SELECT RAISE(ABORT, 'exports is append-only'); END;

CREATE TRIGGER export_files_no_update BEFORE UPDATE ON export_files
BEGIN SELECT RAISE(ABORT, 'export_files is append-only'); END;
CREATE TRIGGER export_files_no_delete BEFORE DELETE ON export_files
BEGIN SELECT RAISE(ABORT, 'export_files is append-only'); END;

-- RFC 3161 time-stamps of the audit chain's head (schema 5; docs/casedb.md,
-- "Anchors"). Not audit events: a token is a TSA's signed statement about
-- one head, checkable on its own, and an event written for it would move
-- the head it anchors. A 'failed' row says which TSA was asked and why no
-- token came back.
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
