-- An address search reads every block's time span, newest first, before it opens a block. The
-- ts_max index left ts_min in the table's rows, which also hold each block's Bloom filter (2-3 KB):
-- with 5M rows (5,243 blocks) reading the spans took 51-139 ms from a cold cache on SQLite, 11-13 ms
-- from this index alone.
CREATE INDEX log_block_filters_span ON log_block_filters (ts_max, ts_min);
DROP INDEX log_block_filters_ts_max;
