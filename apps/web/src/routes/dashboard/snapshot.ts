import { api, ApiError } from '../../api/client.js';
import { resolveRange, type TimeRange } from '../../components/time-range.js';
import type { Series } from './Chart.js';
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
  readonly series: Series;
  readonly tops: Record<string, Facet[]>;
  readonly sources: Source[];
  /** Creation times of the backups; `null` when the user may not list them (viewers). */
  readonly backups: number[] | null;
  readonly at: number;
}

/** `GET /api/logs/timeseries`: a point per bucket with traffic, oldest first, each the values `columns` names. */
export interface SeriesAnswer {
  readonly bucketSeconds: number;
  readonly columns: readonly string[];
  readonly points: readonly (readonly number[])[];
}

/**
 * The answer as one array per column, what the chart draws from, with a zero point for every bucket
 * of [from, to) the answer has none for: a line must fall to zero where traffic stopped, not run
 * straight on to the next bucket that had some. A column the answer lacks is all zeros.
 */
export function seriesColumns(answer: SeriesAnswer, window: { readonly from: number; readonly to: number }): Series {
  // The buckets are aligned to the epoch, as the api makes them.
  const size = answer.bucketSeconds * 1000;
  const buckets: number[] = [];
  for (let bucket = window.from - (((window.from % size) + size) % size); bucket < window.to; bucket += size) buckets.push(bucket);
  const index = (name: keyof Series) => answer.columns.indexOf(name);
  const byBucket = new Map(answer.points.map((p) => [p[index('t')], p]));
  const column = (name: keyof Series) => {
    const at = index(name);
    return buckets.map((bucket) => (at < 0 ? 0 : (byBucket.get(bucket)?.[at] ?? 0)));
  };
  return { t: buckets, requests: column('requests'), s2xx: column('s2xx'), s3xx: column('s3xx'), s4xx: column('s4xx'), s5xx: column('s5xx'), bytes: column('bytes'), wafBlocks: column('wafBlocks') };
}

/** Everything the dashboard shows, fetched at once for the range resolved now. */
export async function snapshot(range: TimeRange): Promise<Snapshot> {
  const { from, to, bucketSeconds } = resolveRange(range, Date.now());
  const [series, sources, backups, ...tops] = await Promise.all([
    api<SeriesAnswer>('GET', `/api/logs/timeseries?from=${from}&to=${to}&bucketSeconds=${bucketSeconds}`),
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
  return { series: seriesColumns(series, { from, to }), sources: sources.sources, backups, tops: Object.fromEntries(TOPS.map((t, i) => [t.field, tops[i]!.values])), at: Date.now() };
}
