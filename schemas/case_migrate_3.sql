-- Schema 3: an acquisition records why it failed or was interrupted
-- (acquisitions.error), e.g. "destination full after 2097152 bytes" or
-- "interrupted after 0 bytes; nothing was read; read-only flags restored:
-- sdb=0 sdb1=0". Until now only the log said so.
--
-- A column added at the end leaves every row, id, index and trigger as it
-- was; events written before keep their content (acquisition.finish names
-- its columns), and finishes written from now on are acquisition.end events,
-- whose content includes the error.
ALTER TABLE acquisitions ADD COLUMN error TEXT;
