import type { WriteContext } from '@panoptes/db-core';
import type { NormalisedEntry } from './entry.js';
import { slices } from './slices.js';

export const MINUTE_MS = 60_000;

interface Delta {
  project_uuid: string;
  bucket_start: number;
  host_domain: string;
  requests: number;
  status_1xx: number;
  status_2xx: number;
  status_3xx: number;
  status_4xx: number;
  status_5xx: number;
  bytes_sent: number;
  duration_ms_sum: number;
  waf_blocks: number;
}

const STATUS_CLASSES = ['status_1xx', 'status_2xx', 'status_3xx', 'status_4xx', 'status_5xx'] as const;

/**
 * Per-minute, per-host counters of newly stored entries: access entries count as requests (with
 * status class, bytes and duration), blocked WAF transactions as WAF blocks.
 */
export function rollupDeltas(rows: readonly { readonly projectUuid: string; readonly entry: NormalisedEntry }[]): Delta[] {
  const deltas = new Map<string, Delta>();
  for (const { projectUuid, entry } of rows) {
    const isRequest = entry.source === 'caddy_access';
    const isBlock = entry.source === 'waf_audit' && entry.waf_blocked === true;
    if (!isRequest && !isBlock) continue;
    const bucket = entry.ts - (((entry.ts % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
    const host = entry.host_domain ?? '';
    const key = `${projectUuid}\0${bucket}\0${host}`;
    let d = deltas.get(key);
    if (d === undefined) {
      d = { project_uuid: projectUuid, bucket_start: bucket, host_domain: host, requests: 0, status_1xx: 0, status_2xx: 0, status_3xx: 0, status_4xx: 0, status_5xx: 0, bytes_sent: 0, duration_ms_sum: 0, waf_blocks: 0 };
      deltas.set(key, d);
    }
    if (isBlock) d.waf_blocks += 1;
    if (isRequest) {
      d.requests += 1;
      const klass = entry.status === null ? undefined : STATUS_CLASSES[Math.floor(entry.status / 100) - 1];
      if (klass !== undefined) d[klass] += 1;
      d.bytes_sent += entry.size_bytes ?? 0;
      d.duration_ms_sum += entry.duration_ms ?? 0;
    }
  }
  return [...deltas.values()];
}

const COUNTERS = ['requests', ...STATUS_CLASSES, 'bytes_sent', 'duration_ms_sum', 'waf_blocks'] as const;

/**
 * Adds the deltas to log_rollups_minute, and their sums over hosts to log_rollups_minute_total (the
 * all-hosts series), inside the batch's transaction.
 */
export async function applyRollups(tx: WriteContext, deltas: readonly Delta[]): Promise<void> {
  // Posted together, awaited together (see the record writer's batch).
  const statements: Promise<unknown>[] = [];
  for (const slice of slices(deltas)) {
    const upsert = tx.db
      .insertInto('log_rollups_minute')
      .values(slice)
      .onConflict((oc) =>
        oc.columns(['project_uuid', 'bucket_start', 'host_domain']).doUpdateSet((eb) =>
          Object.fromEntries(COUNTERS.map((c) => [c, eb(`log_rollups_minute.${c}`, '+', eb.ref(`excluded.${c}`))])),
        ),
      )
      .execute();
    statements.push(upsert);
  }
  const totals = new Map<string, Omit<Delta, 'host_domain'>>();
  for (const { host_domain: _host, ...d } of deltas) {
    const key = `${d.project_uuid}\0${d.bucket_start}`;
    const t = totals.get(key);
    if (t === undefined) totals.set(key, { ...d });
    else for (const c of COUNTERS) t[c] += d[c];
  }
  for (const slice of slices([...totals.values()])) {
    const upsert = tx.db
      .insertInto('log_rollups_minute_total')
      .values(slice)
      .onConflict((oc) =>
        oc.columns(['project_uuid', 'bucket_start']).doUpdateSet((eb) =>
          Object.fromEntries(COUNTERS.map((c) => [c, eb(`log_rollups_minute_total.${c}`, '+', eb.ref(`excluded.${c}`))])),
        ),
      )
      .execute();
    statements.push(upsert);
  }
  await Promise.all(statements);
}
