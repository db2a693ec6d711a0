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
