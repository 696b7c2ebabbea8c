-- The log browser's status-class filter (2xx, 4xx, 5xx) reads newest first through this index. On
-- the time index it walked every newer row to find rare 5xx entries: 261 ms median over 1M rows
-- (pnpm bench query); the class is the expression `status / 100` (integer division on both dialects).
CREATE INDEX log_entries_status_class_ts ON log_entries ((status / 100), ts);
