-- Dedup without an index of its own (pnpm bench, 1M Caddy rows: the unique (ts, content_hash) index
-- took 36.6 of the 416 bytes a row cost, and one more tree to update per insert). A repeated line
-- parses to the same ts, so the writer looks its batch's times up in the plain ts index and skips
-- every (ts, content_hash) already stored or earlier in the batch. SQLite has one writer at a time,
-- so the lookup and the insert cannot race; Postgres, with concurrent writers, keeps its unique index.
DROP INDEX log_entries_ts_hash;
