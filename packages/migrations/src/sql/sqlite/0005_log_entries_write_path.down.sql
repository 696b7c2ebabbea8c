-- Reverts 0005: the per-row indexes come back; the block filters go.
DROP INDEX log_entries_unblocked_ip_ts;
DROP INDEX log_entries_source_ts;
CREATE INDEX log_entries_source_ts ON log_entries (source, ts);
DROP INDEX log_entries_ts_hash;
CREATE UNIQUE INDEX log_entries_content_hash ON log_entries (content_hash);
CREATE INDEX log_entries_remote_ip_ts ON log_entries (remote_ip, ts) WHERE remote_ip IS NOT NULL;
DROP TABLE log_block_filters;
