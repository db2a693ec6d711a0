-- Schema 5: exports of verified media as virtual disks (verify export).
--
-- An export row says who wrote which virtual disk (format, where) from
-- which acquisition's media, after which verification (the read that wrote
-- it), and the media's size and hashes as read; export_files lists the
-- files written with their size and SHA-256. Both are append-only like
-- every record. New tables leave every row, id, index and trigger as they
-- were; the triggers added here are case.sql's text.
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

CREATE INDEX exports_by_evidence ON exports (evidence_id);
CREATE INDEX export_files_by_export ON export_files (export_id);

CREATE TRIGGER exports_no_update BEFORE UPDATE ON exports
BEGIN SELECT RAISE(ABORT, 'exports is append-only'); END;
CREATE TRIGGER exports_no_delete BEFORE DELETE ON exports
BEGIN SELECT RAISE(ABORT, 'exports is append-only'); END;

CREATE TRIGGER export_files_no_update BEFORE UPDATE ON export_files
BEGIN SELECT RAISE(ABORT, 'export_files is append-only'); END;
CREATE TRIGGER export_files_no_delete BEFORE DELETE ON export_files
BEGIN SELECT RAISE(ABORT, 'export_files is append-only'); END;

-- Schema 5 also says what media an acquisition read, and what its image
-- files take on storage.
--
-- acquisitions.optical: 1 when the source was optical media (a CD/DVD/BD
-- drive, SCSI peripheral type 5, or a device of 2048-byte logical
-- sectors), 0 when not; NULL for acquisitions recorded before.
-- image_files.allocated_bytes: the bytes the file took on storage after
-- its final flush (st_blocks * 512), below size_bytes for a sparse raw
-- image; NULL where not measured (E01 segments, files recorded before).
--
-- Columns added at the end leave every row, id, index and trigger as it
-- was; events written before keep their content (their parts name their
-- columns). From now on an acquisition begins with an acquisition.start
-- event, whose content includes optical, and ends with an
-- acquisition.close event, whose image files include allocated_bytes.
ALTER TABLE acquisitions ADD COLUMN optical INTEGER CHECK (optical IN (0, 1));
ALTER TABLE image_files ADD COLUMN allocated_bytes INTEGER
	CHECK (allocated_bytes IS NULL OR allocated_bytes >= 0);

-- Schema 5, too: RFC 3161 time-stamps of the audit chain's head (anchors), so
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

-- Also schema 5: the files a virtual-disk source was read from (acquire
-- --source-format vmdk|vhd|vhdx|qcow2): the file named, VMDK extents, the
-- parents of a differencing disk and QCOW backing files, each with its role,
-- its container format, its size and SHA-256, in the order the source
-- found them (the file named first). The acquisition's media (size,
-- hashes) is the virtual disk, as for any disk; these rows are the other
-- side of the hand-over: which container files that disk was read from.
--
-- A new table and its append-only triggers (the text case.sql has), so
-- every row, id, index and trigger of version 4 stays as it was. Events
-- written before keep their content (acquisition.begin names its columns);
-- acquisitions begun from now on are acquisition.start events, whose
-- content includes these rows.
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

CREATE INDEX source_files_by_acquisition ON source_files (acquisition_id);

CREATE TRIGGER source_files_no_update BEFORE UPDATE ON source_files
BEGIN SELECT RAISE(ABORT, 'source_files is append-only'); END;
CREATE TRIGGER source_files_no_delete BEFORE DELETE ON source_files
BEGIN SELECT RAISE(ABORT, 'source_files is append-only'); END;
