import type { ColumnType, Generated } from 'kysely';
import type { ProjectUuid } from './identity.js';

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export const LOG_SOURCES = ['caddy_access', 'caddy_error', 'waf_audit', 'audit'] as const;
export type LogSource = (typeof LOG_SOURCES)[number];

export interface LogEntriesTable {
  id: Generated<number>;
  project_uuid: ProjectUuid;
  /** Epoch milliseconds UTC. */
  ts: number;
  source: LogSource;
  level: string | null;
  host_id: number | null;
  host_domain: string | null;
  rule_id: number | null;
  remote_ip: string | null;
  client_ip: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  duration_ms: number | null;
  size_bytes: number | null;
  bytes_read: number | null;
  user_agent: string | null;
  upstream: string | null;
  user_id: string | null;
  message: string | null;
  raw: string | null;
  waf_rule_id: number | null;
  waf_rule_message: string | null;
  waf_severity: string | null;
  waf_anomaly_score: number | null;
  waf_transaction_id: string | null;
  waf_blocked: boolean | null;
  /** Content hash of the entry, unique with `ts`: the same line ingested twice is stored once. */
  content_hash: Buffer | null;
  /** The compressed block holding the raw line when `raw` is NULL (see log_raw_blocks). */
  raw_block_id: number | null;
  /** The raw line's 0-based line number inside that block. */
  raw_block_line: number | null;
}

/** Raw lines of many entries, compressed together; rows point at a block and a line in it. */
export interface LogRawBlocksTable {
  id: Generated<number>;
  codec: 'deflate-raw';
  /** Lines in the block, joined by "\n" before compression. */
  lines: number;
  /** Epoch milliseconds UTC. */
  created_at: number;
  data: Buffer;
}

/**
 * What a raw-line block's rows hold, for searches that must not open every block: their time span
 * and a Bloom filter of their client addresses and IPv4 prefixes (NULL: unknown, always opened).
 */
export interface LogBlockFiltersTable {
  block_id: number;
  /** Epoch milliseconds UTC of the block's oldest and newest row. */
  ts_min: number;
  ts_max: number;
  ip_bloom: Buffer | null;
  /** Bloom filters of the same keys per 128 lines of the block (migration 0010; NULL: read the block whole). */
  ip_segments: Defaulted<Buffer | null>;
}

/** Per-minute counters per host, maintained as ingest batches commit. */
export interface LogRollupsMinuteTable {
  project_uuid: ProjectUuid;
  bucket_start: number;
  /** Empty string when the entry had no host. */
  host_domain: string;
  requests: Defaulted<number>;
  status_1xx: Defaulted<number>;
  status_2xx: Defaulted<number>;
  status_3xx: Defaulted<number>;
  status_4xx: Defaulted<number>;
  status_5xx: Defaulted<number>;
  bytes_sent: Defaulted<number>;
  duration_ms_sum: Defaulted<number>;
  waf_blocks: Defaulted<number>;
}

/** Per-minute counters summed over hosts (the all-hosts series), kept beside log_rollups_minute. */
export type LogRollupsMinuteTotalTable = Omit<LogRollupsMinuteTable, 'host_domain'>;

/** The facet fields rolled up per hour (client IPs are not: about one per row). */
export const FACET_ROLLUP_FIELDS = ['host', 'path', 'status', 'waf_rule', 'method', 'user_agent'] as const;
export type FacetRollupField = (typeof FACET_ROLLUP_FIELDS)[number];

/** Entries per hour, facet field and value, covering the log_entries ids up to the watermark. */
export interface LogFacetRollupsHourTable {
  project_uuid: ProjectUuid;
  field: FacetRollupField;
  /** The column's value as text (status and WAF rule ids in decimal). */
  value: string;
  /** Epoch milliseconds UTC, a multiple of one hour. */
  bucket_start: number;
  entries: number;
}

/** One row (id 1): the highest log_entries id log_facet_rollups_hour covers. */
export interface LogFacetRollupWatermarkTable {
  id: number;
  covered_id: number;
}

export const INGEST_PARSERS = ['caddy_access', 'caddy_error', 'modsec_audit', 'coraza_audit', 'audit'] as const;
export type IngestParser = (typeof INGEST_PARSERS)[number];

export interface IngestSourcesTable {
  id: Generated<number>;
  project_uuid: ProjectUuid;
  name: string;
  kind: 'file' | 'http';
  parser: IngestParser;
  path: string | null;
  device: string | null;
  inode: string | null;
  byte_offset: Defaulted<number>;
  start_at: Defaulted<'beginning' | 'end'>;
  enabled: Defaulted<boolean>;
  lines_read: Defaulted<number>;
  lines_parsed: Defaulted<number>;
  lines_rejected: Defaulted<number>;
  lines_written: Defaulted<number>;
  bytes_behind: Defaulted<number>;
  last_error: string | null;
  last_error_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface IngestRejectsTable {
  id: Generated<number>;
  project_uuid: ProjectUuid;
  ingest_source_id: number | null;
  source_name: string;
  reason: string;
  line_number: number | null;
  byte_offset: number | null;
  /** The start of the rejected line, truncated. */
  excerpt: string;
  created_at: number;
}

export interface SettingsTable {
  key: string;
  /** JSON value, validated by the settings registry. */
  value: string;
  updated_at: number;
}
