import { api, ApiError } from '../../api/client.js';
import { resolveRange, type TimeRange } from '../../components/time-range.js';
import type { Point } from './Chart.js';
import type { Source } from './health.js';

export interface Facet {
  readonly value: string | number;
  readonly count: number;
}

/** Top lists: api facet field → log browser filter. */
export const TOPS = [
  { field: 'host', filter: 'host', title: 'Top hosts' },
  { field: 'path', filter: 'path', title: 'Top paths' },
  { field: 'ip', filter: 'ip', title: 'Top client IPs' },
  { field: 'waf_rule', filter: 'wafRule', title: 'Top WAF rules' },
] as const;

export interface Snapshot {
  readonly points: Point[];
  readonly tops: Record<string, Facet[]>;
  readonly sources: Source[];
  /** Creation times of the backups; `null` when the user may not list them (viewers). */
  readonly backups: number[] | null;
  readonly at: number;
}

/** Everything the dashboard shows, fetched at once for the range resolved now. */
export async function snapshot(range: TimeRange): Promise<Snapshot> {
  const { from, to, bucketSeconds } = resolveRange(range, Date.now());
  const [series, sources, backups, ...tops] = await Promise.all([
    api<{ points: Point[] }>('GET', `/api/logs/timeseries?from=${from}&to=${to}&bucketSeconds=${bucketSeconds}`),
    api<{ sources: Source[] }>('GET', '/api/sources'),
    api<{ backups: { created_at: number }[] }>('GET', '/api/backups').then(
      (b) => b.backups.map((x) => x.created_at),
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 403) return null;
        throw e;
      },
    ),
    ...TOPS.map((t) => api<{ values: Facet[] }>('GET', `/api/logs/facets?field=${t.field}&from=${from}&to=${to}&limit=8`)),
  ]);
  return { points: series.points, sources: sources.sources, backups, tops: Object.fromEntries(TOPS.map((t, i) => [t.field, tops[i]!.values])), at: Date.now() };
}
