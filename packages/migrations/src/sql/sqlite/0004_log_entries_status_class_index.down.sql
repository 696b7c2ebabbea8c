-- Reverts 0004.
DROP INDEX log_entries_status_class_ts;
