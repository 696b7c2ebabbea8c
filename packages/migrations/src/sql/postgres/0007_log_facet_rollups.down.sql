-- Reverts 0007: the series and facets read log_rollups_minute and log_entries again.
DROP TABLE log_facet_rollup_watermark;
DROP TABLE log_facet_rollups_hour;
DROP TABLE log_rollups_minute_total;
