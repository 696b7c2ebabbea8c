-- The ingest write path keeps its indexes append-mostly (pnpm bench ingest; 1M Caddy rows, 1,024-row
-- transactions: 19k rows/s before, 86k with these indexes alone):
-- * Dedup moves from a unique index on the random content hash to (ts, content_hash): the same line
--   always parses to the same ts, so it still rejects every repeat, and new keys land at the end of
--   the tree. (The plain ts index stays: it alone gives the newest-first order (ts, id) of a page.)
-- * The (remote_ip, ts) index went to a random place for every row (28k -> 86k rows/s without it).
--   Client-address searches read per-block filters instead: one row per raw-line block with its time
--   span and a Bloom filter of the addresses (and their IPv4 /8, /16, /24 prefixes) of its rows; a
--   search opens only the blocks whose filter may hold the address, newest first. Rows without a
--   block (audit rows, lines kept inline) keep a small partial index.
-- * Blocks written before this migration get their time span and no filter (NULL: always opened).
-- * The (source, ts) index keeps only the rarer sources: access rows, nearly all of the table, are
--   read through the time index (the search adds the index's condition as a literal).
CREATE TABLE log_block_filters (
  block_id INTEGER PRIMARY KEY REFERENCES log_raw_blocks (id) ON DELETE CASCADE,
  ts_min   INTEGER NOT NULL,
  ts_max   INTEGER NOT NULL,
  ip_bloom BLOB
) STRICT;
CREATE INDEX log_block_filters_ts_max ON log_block_filters (ts_max);
INSERT INTO log_block_filters (block_id, ts_min, ts_max, ip_bloom)
  SELECT raw_block_id, min(ts), max(ts), NULL FROM log_entries WHERE raw_block_id IS NOT NULL GROUP BY raw_block_id;
DROP INDEX log_entries_content_hash;
DROP INDEX log_entries_remote_ip_ts;
CREATE UNIQUE INDEX log_entries_ts_hash ON log_entries (ts, content_hash);
CREATE INDEX log_entries_unblocked_ip_ts ON log_entries (remote_ip, ts) WHERE raw_block_id IS NULL AND remote_ip IS NOT NULL;
DROP INDEX log_entries_source_ts;
CREATE INDEX log_entries_source_ts ON log_entries (source, ts) WHERE source <> 'caddy_access';
