-- Reverts 0010: blocks are read whole again through the block-only index.
CREATE INDEX log_entries_raw_block ON log_entries (raw_block_id) WHERE raw_block_id IS NOT NULL;
DROP INDEX log_entries_raw_block_line;
ALTER TABLE log_block_filters DROP COLUMN ip_segments;
