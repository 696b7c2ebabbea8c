-- Reverts 0003. Raw lines that live only in blocks go with it (SQL cannot inflate them): export the
-- logs first if they matter.
DROP INDEX log_entries_raw_block;
ALTER TABLE log_entries DROP COLUMN raw_block_line;
ALTER TABLE log_entries DROP COLUMN raw_block_id;
DROP TABLE log_raw_blocks;
