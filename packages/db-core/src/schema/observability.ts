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
  /** Content hash of the entry, unique: the same line ingested twice is stored once. */
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
