-- Schema 4: copies. An acquisition written to several destinations at
-- once (acquire --copy) from the same reads records one image set per
-- destination: copy 0 is TARGET (its files stay the acquisition's, in
-- image_files, so nothing recorded before changes), copies 1 to 3 have
-- their files in image_set_files. Each says how it ended: a copy whose
-- destination filled up is 'failed' at its byte while the others are
-- 'completed'.
--
-- New tables only: every row, id, index and trigger of version 3 stays as
-- it was, and events written before keep their content. Each image set is
-- described by its own event, image_set.record.
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

CREATE INDEX image_sets_by_acquisition ON image_sets (acquisition_id);
CREATE INDEX image_set_files_by_path ON image_set_files (path);
CREATE INDEX image_set_files_by_set ON image_set_files (image_set_id);

CREATE TRIGGER image_sets_no_update BEFORE UPDATE ON image_sets
BEGIN SELECT RAISE(ABORT, 'image_sets is append-only'); END;
CREATE TRIGGER image_sets_no_delete BEFORE DELETE ON image_sets
BEGIN SELECT RAISE(ABORT, 'image_sets is append-only'); END;

CREATE TRIGGER image_set_files_no_update BEFORE UPDATE ON image_set_files
BEGIN SELECT RAISE(ABORT, 'image_set_files is append-only'); END;
CREATE TRIGGER image_set_files_no_delete BEFORE DELETE ON image_set_files
BEGIN SELECT RAISE(ABORT, 'image_set_files is append-only'); END;
