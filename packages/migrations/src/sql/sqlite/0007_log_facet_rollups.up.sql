-- Rollups for the panel's two busiest charts, so neither reads every row of its window.
--
-- log_rollups_minute_total: log_rollups_minute already summed over hosts. The all-hosts series
-- summed 24 hosts x 1,440 minutes a day (SQLite, 300k rows over 20 h: 13 ms); these rows answer it
-- from 1,440 (under 1 ms). A covering index on log_rollups_minute was measured too: 6 ms.
CREATE TABLE log_rollups_minute_total (
  project_uuid    TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  bucket_start    INTEGER NOT NULL,
  requests        INTEGER NOT NULL DEFAULT 0,
  status_1xx      INTEGER NOT NULL DEFAULT 0,
  status_2xx      INTEGER NOT NULL DEFAULT 0,
  status_3xx      INTEGER NOT NULL DEFAULT 0,
  status_4xx      INTEGER NOT NULL DEFAULT 0,
  status_5xx      INTEGER NOT NULL DEFAULT 0,
  bytes_sent      INTEGER NOT NULL DEFAULT 0,
  duration_ms_sum REAL NOT NULL DEFAULT 0,
  waf_blocks      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_uuid, bucket_start)
) STRICT;
CREATE INDEX log_rollups_minute_total_bucket ON log_rollups_minute_total (bucket_start);
INSERT INTO log_rollups_minute_total
  SELECT project_uuid, bucket_start, sum(requests), sum(status_1xx), sum(status_2xx), sum(status_3xx), sum(status_4xx), sum(status_5xx),
         sum(bytes_sent), sum(duration_ms_sum), sum(waf_blocks)
  FROM log_rollups_minute GROUP BY project_uuid, bucket_start;

-- log_facet_rollups_hour: rows per hour, facet field and value (every source, as the facet query
-- counts them); `value` is the column's text (status and WAF rule ids as decimal text). Written
-- every few seconds (or 8k rows) inside an ingest batch's transaction, not per batch (upserting
-- ~1,000 random keys per batch would cost page writes); it covers exactly the log_entries rows with
-- id <= the watermark below, and readers add the rows above it. Client IPs are not rolled up:
-- ~45k of them in a 50k-row hour would make the rollup as big as the rows.
CREATE TABLE log_facet_rollups_hour (
  project_uuid TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  field        TEXT NOT NULL CHECK (field IN ('host', 'path', 'status', 'waf_rule', 'method', 'user_agent')),
  value        TEXT NOT NULL,
  bucket_start INTEGER NOT NULL,
  entries      INTEGER NOT NULL,
  PRIMARY KEY (project_uuid, field, bucket_start, value)
) STRICT, WITHOUT ROWID;
-- Hour-major keys: a flush's upserts land in the newest hours' pages, not all over the table.
-- Top-N reads each hour's biggest values first through this index; values seen fewer than 8 times
-- in an hour (most query-string variants) stay out of it, so they cost no index writes.
CREATE INDEX log_facet_rollups_hour_top ON log_facet_rollups_hour (project_uuid, field, bucket_start, entries) WHERE entries >= 8;

-- One row: the highest log_entries id the facet rollup covers. No project_uuid: ids are global.
CREATE TABLE log_facet_rollup_watermark (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  covered_id INTEGER NOT NULL
) STRICT;

INSERT INTO log_facet_rollups_hour (project_uuid, field, value, bucket_start, entries)
  SELECT project_uuid, 'host', host_domain, ts - ts % 3600000, count(*) FROM log_entries WHERE host_domain IS NOT NULL GROUP BY project_uuid, host_domain, ts - ts % 3600000;
INSERT INTO log_facet_rollups_hour (project_uuid, field, value, bucket_start, entries)
  SELECT project_uuid, 'path', path, ts - ts % 3600000, count(*) FROM log_entries WHERE path IS NOT NULL GROUP BY project_uuid, path, ts - ts % 3600000;
INSERT INTO log_facet_rollups_hour (project_uuid, field, value, bucket_start, entries)
  SELECT project_uuid, 'status', CAST(status AS TEXT), ts - ts % 3600000, count(*) FROM log_entries WHERE status IS NOT NULL GROUP BY project_uuid, status, ts - ts % 3600000;
INSERT INTO log_facet_rollups_hour (project_uuid, field, value, bucket_start, entries)
  SELECT project_uuid, 'waf_rule', CAST(waf_rule_id AS TEXT), ts - ts % 3600000, count(*) FROM log_entries WHERE waf_rule_id IS NOT NULL GROUP BY project_uuid, waf_rule_id, ts - ts % 3600000;
INSERT INTO log_facet_rollups_hour (project_uuid, field, value, bucket_start, entries)
  SELECT project_uuid, 'method', method, ts - ts % 3600000, count(*) FROM log_entries WHERE method IS NOT NULL GROUP BY project_uuid, method, ts - ts % 3600000;
INSERT INTO log_facet_rollups_hour (project_uuid, field, value, bucket_start, entries)
  SELECT project_uuid, 'user_agent', user_agent, ts - ts % 3600000, count(*) FROM log_entries WHERE user_agent IS NOT NULL GROUP BY project_uuid, user_agent, ts - ts % 3600000;
INSERT INTO log_facet_rollup_watermark (id, covered_id) SELECT 1, coalesce(max(id), 0) FROM log_entries;
