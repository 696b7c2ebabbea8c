import type { LogSource } from '@panoptes/db-core';

/** A parsed log line, before it is bound to a project and a host row. */
export interface NormalisedEntry {
  /** Epoch milliseconds UTC. */
  readonly ts: number;
  readonly source: LogSource;
  readonly level: string | null;
  /** Lower-case host name without the port. */
  readonly host_domain: string | null;
  readonly remote_ip: string | null;
  readonly client_ip: string | null;
  readonly method: string | null;
  /** The request URI as logged: path and query. */
  readonly path: string | null;
  readonly status: number | null;
  readonly duration_ms: number | null;
  readonly size_bytes: number | null;
  readonly bytes_read: number | null;
  readonly user_agent: string | null;
  readonly upstream: string | null;
  readonly user_id: string | null;
  readonly message: string | null;
  /** The line exactly as read. */
  readonly raw: string;
  readonly waf_rule_id: number | null;
  readonly waf_rule_message: string | null;
  readonly waf_severity: string | null;
  readonly waf_anomaly_score: number | null;
  readonly waf_transaction_id: string | null;
  readonly waf_blocked: boolean | null;
}

/** An entry with every optional field empty: parsers fill in what their format has. */
export function emptyEntry(source: LogSource, ts: number, raw: string): { -readonly [K in keyof NormalisedEntry]: NormalisedEntry[K] } {
  return {
    ts,
    source,
    level: null,
    host_domain: null,
    remote_ip: null,
    client_ip: null,
    method: null,
    path: null,
    status: null,
    duration_ms: null,
    size_bytes: null,
    bytes_read: null,
    user_agent: null,
    upstream: null,
    user_id: null,
    message: null,
    raw,
    waf_rule_id: null,
    waf_rule_message: null,
    waf_severity: null,
    waf_anomaly_score: null,
    waf_transaction_id: null,
    waf_blocked: null,
  };
}

export type ParseOutcome = { readonly ok: true; readonly entry: NormalisedEntry } | { readonly ok: false; readonly reason: string };

/** Parses one line (already checked for size and UTF-8) of one log format. */
export type LineParser = (line: string) => ParseOutcome;
