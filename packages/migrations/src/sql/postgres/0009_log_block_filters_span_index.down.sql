-- Reverts 0009: the ts_max index alone.
CREATE INDEX log_block_filters_ts_max ON log_block_filters (ts_max);
DROP INDEX log_block_filters_span;
