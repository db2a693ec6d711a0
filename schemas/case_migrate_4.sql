-- Schema 4: what media an acquisition read, and what its image files take
-- on storage.
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
