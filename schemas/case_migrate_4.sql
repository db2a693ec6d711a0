-- Schema 4: the files a virtual-disk source was read from (acquire
-- --source-format vmdk|vhd|vhdx|qcow2): the file named, VMDK extents, the
-- parents of a differencing disk and QCOW backing files, each with its role,
-- its container format, its size and SHA-256, in the order the source
-- found them (the file named first). The acquisition's media (size,
-- hashes) is the virtual disk, as for any disk; these rows are the other
-- side of the hand-over: which container files that disk was read from.
--
-- A new table and its append-only triggers (the text case.sql has), so
-- every row, id, index and trigger of version 3 stays as it was. Events
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
