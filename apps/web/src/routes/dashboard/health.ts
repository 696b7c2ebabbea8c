import type { Series } from './Chart.js';

/** What the dashboard says about ingest sources and backups, from the api's rows. */

export interface Source {
  readonly id: number;
  readonly name: string;
  readonly kind: 'file' | 'http';
  readonly parser: string;
  readonly enabled: boolean | number;
  readonly lines_read: number;
  readonly lines_rejected: number;
  readonly lines_written: number;
  readonly bytes_behind: number;
  readonly last_error: string | null;
  readonly last_error_at: number | null;
  readonly updated_at: number;
  /** A tailed file's in-memory counters, newer than the stored ones (null for HTTP sources). */
  readonly live?: { readonly linesRead: number; readonly rejected: number; readonly bytesBehind: number; readonly lastError: string | null; readonly lastErrorAt: number | null } | null;
}

/** A source without activity for this long is flagged as stale. */
export const STALE_AFTER_MS = 15 * 60_000;
/** The newest backup older than this is a warning. */
export const BACKUP_WARN_AFTER_MS = 2 * 86_400_000;

export type Health = { readonly level: 'ok' | 'warn' | 'bad'; readonly text: string };

/** The source's counters, taking a running tailer's in-memory ones when they are ahead of the stored row. */
export function sourceCounters(s: Source): { linesRead: number; rejected: number; bytesBehind: number } {
  const live = s.live;
  if (!live) return { linesRead: s.lines_read, rejected: s.lines_rejected, bytesBehind: s.bytes_behind };
  return { linesRead: Math.max(s.lines_read, live.linesRead), rejected: Math.max(s.lines_rejected, live.rejected), bytesBehind: live.bytesBehind };
}

/**
 * A source's state. Its last error counts until lines commit after it (`updated_at` moves with each
 * commit): a file that did not exist yet when the source was added, then came, is healthy again.
 */
export function sourceHealth(s: Source, now: number): Health {
  if (!s.enabled) return { level: 'warn', text: 'disabled' };
  if (s.last_error !== null && (s.last_error_at ?? 0) >= s.updated_at) return { level: 'bad', text: `failing: ${s.last_error}` };
  const behind = sourceCounters(s).bytesBehind;
  if (behind > 1_048_576) return { level: 'warn', text: `behind by ${Math.round(behind / 1_048_576)} MiB` };
  if (now - s.updated_at > STALE_AFTER_MS) return { level: 'warn', text: `stale: no lines for ${Math.round((now - s.updated_at) / 60_000)} min` };
  return { level: 'ok', text: 'healthy' };
}

/** The newest backup's age as a health line; `null` backups means the user may not see them. */
export function backupHealth(createdAt: readonly number[] | null, now: number): Health {
  if (createdAt === null) return { level: 'ok', text: 'n/a (admins only)' };
  if (createdAt.length === 0) return { level: 'bad', text: 'no backup yet' };
  const age = now - Math.max(...createdAt);
  const hours = Math.round(age / 3_600_000);
  const text = hours < 1 ? 'less than an hour old' : hours < 48 ? `${hours} h old` : `${Math.round(hours / 24)} days old`;
  return { level: age > BACKUP_WARN_AFTER_MS ? 'warn' : 'ok', text };
}

/** Share of 4xx and 5xx answers among all requests, in percent. */
export function errorRates(series: Pick<Series, 'requests' | 's4xx' | 's5xx'>): { total: number; clientPct: number; serverPct: number } {
  const total = sum(series.requests);
  const pct = (n: number) => (total === 0 ? 0 : (n / total) * 100);
  return { total, clientPct: pct(sum(series.s4xx)), serverPct: pct(sum(series.s5xx)) };
}

/** The sum of a series' column. */
export function sum(values: readonly number[]): number {
  return values.reduce((n, v) => n + v, 0);
}
