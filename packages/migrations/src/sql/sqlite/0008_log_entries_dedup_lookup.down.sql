CREATE UNIQUE INDEX log_entries_ts_hash ON log_entries (ts, content_hash);
