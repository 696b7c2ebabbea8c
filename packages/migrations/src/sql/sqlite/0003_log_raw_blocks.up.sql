-- Raw lines of ingested entries are stored compressed in blocks (deflate of many consecutive lines
-- joined by "\n"); a row points at its block and its line number there. 990 -> a few hundred bytes
-- per row over 1M Caddy lines. Rows whose raw text is in log_entries.raw (audit rows, lines that
-- contain a newline) leave the block columns NULL. No project_uuid: a block is reached only through
-- rows, which carry the project. Retention deletes a block once no row points at it.
CREATE TABLE log_raw_blocks (
  id         INTEGER PRIMARY KEY,
  codec      TEXT NOT NULL CHECK (codec IN ('deflate-raw')),
  lines      INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  data       BLOB NOT NULL
) STRICT;
ALTER TABLE log_entries ADD COLUMN raw_block_id INTEGER;
ALTER TABLE log_entries ADD COLUMN raw_block_line INTEGER;
CREATE INDEX log_entries_raw_block ON log_entries (raw_block_id) WHERE raw_block_id IS NOT NULL;
