-- Reverts 0002.
DROP INDEX log_entries_remote_ip_ts;
