import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ApiError, errorMessage } from '../api/client.js';
import { formatTime, TableHead } from '../components/kit.js';
import { readRange, resolveRange, writeRange, type TimeRange } from '../components/time-range.js';
import { TimeRangePicker } from '../components/TimeRangePicker.js';
import { Chart, type Point } from './dashboard/Chart.js';
import { backupHealth, errorRates, sourceHealth, type Source } from './dashboard/health.js';

interface Facet {
  readonly value: string | number;
  readonly count: number;
}
interface Snapshot {
  readonly points: Point[];
  readonly tops: Record<string, Facet[]>;
  readonly sources: Source[];
  readonly backups: number[] | null;
  readonly at: number;
}

const DEFAULT_RANGE: TimeRange = { kind: 'preset', preset: '24h' };
/** Top lists: api facet field → log browser filter. */
const TOPS = [
  { field: 'host', filter: 'host', title: 'Top hosts' },
  { field: 'path', filter: 'path', title: 'Top paths' },
  { field: 'ip', filter: 'ip', title: 'Top client IPs' },
  { field: 'waf_rule', filter: 'wafRule', title: 'Top WAF rules' },
] as const;
const REFRESH = [0, 10, 30, 60, 300] as const;

async function snapshot(range: TimeRange): Promise<Snapshot> {
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

/** Traffic, errors and WAF blocks over a time range, top lists, ingest health and backup age; refreshes itself. */
export default function Dashboard() {
  const [params, setParams] = useSearchParams();
  const range = readRange(params, DEFAULT_RANGE)!;
  const rangeKey = JSON.stringify(range);
  const refreshSeconds = Number(params.get('refresh') ?? 30);
  const [data, setData] = useState<Snapshot | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setData(await snapshot(JSON.parse(rangeKey) as TimeRange));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [rangeKey]);
  useEffect(() => {
    void load();
  }, [load]);
  // Auto-refresh, skipped while the tab is hidden (and at once when it shows again).
  useEffect(() => {
    if (!refreshSeconds) return;
    const timer = setInterval(() => document.visibilityState === 'visible' && void load(), refreshSeconds * 1000);
    const onVisible = () => document.visibilityState === 'visible' && void load();
    document.addEventListener('visibilitychange', onVisible);
    return () => (clearInterval(timer), document.removeEventListener('visibilitychange', onVisible));
  }, [load, refreshSeconds]);

  const rates = data ? errorRates(data.points) : null;
  const now = data?.at ?? 0;
  const backup = data ? backupHealth(data.backups, now) : null;
  const logsLink = (filter: string, value: string | number) => `/logs?${writeRange(new URLSearchParams({ [filter]: String(value) }), range)}`;
  return (
    <section aria-labelledby="dash-title" className="dashboard">
      <h1 id="dash-title">Dashboard</h1>
      <div className="dash-tools">
        <TimeRangePicker value={range} onChange={(r) => setParams(writeRange(params, r ?? DEFAULT_RANGE))} />
        <label className="inline">
          Auto-refresh{' '}
          <select
            value={refreshSeconds}
            onChange={(e) => {
              const next = new URLSearchParams(params);
              next.set('refresh', e.target.value);
              setParams(next);
            }}
          >
            {REFRESH.map((s) => (
              <option key={s} value={s}>
                {s === 0 ? 'off' : s < 60 ? `${s} s` : `${s / 60} min`}
              </option>
            ))}
          </select>
        </label>
        {data && <span className="hint">updated {formatTime(data.at)}</span>}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}{' '}
          <button type="button" onClick={() => void load()}>
            Retry
          </button>
        </p>
      )}
      {data === null && !error && <p role="status">Loading…</p>}
      {data && rates && backup && (
        <>
          <div className="tiles">
            <div className="card tile" aria-label="Requests">
              <strong>{rates.total}</strong> requests
            </div>
            <div className={`card tile ${rates.serverPct >= 5 ? 'bad' : ''}`} aria-label="Error rate">
              <strong>{rates.serverPct.toFixed(2)}%</strong> 5xx · {rates.clientPct.toFixed(2)}% 4xx
            </div>
            <div className="card tile" aria-label="WAF blocks">
              <strong>{data.points.reduce((n, p) => n + p.wafBlocks, 0)}</strong> WAF blocks
            </div>
            <div className={`card tile ${backup.level}`} aria-label="Backup age">
              Last backup: <strong>{backup.text}</strong>
            </div>
          </div>
          {data.points.length === 0 ? <p className="empty">No traffic in this range.</p> : <Chart points={data.points} />}
          <div className="tops">
            {TOPS.map((t) => (
              <div key={t.field} className="card" role="region" aria-label={t.title}>
                <h2>{t.title}</h2>
                {data.tops[t.field]!.length === 0 ? (
                  <p className="empty">None in this range.</p>
                ) : (
                  <ol>
                    {data.tops[t.field]!.map((v) => (
                      <li key={String(v.value)}>
                        <Link className="value" to={logsLink(t.filter, v.value)}>
                          {String(v.value)}
                        </Link>{' '}
                        <span className="count">{v.count}</span>
                      </li>
                    ))}
                  </ol>
                )}
              </div>
            ))}
          </div>
          <section className="card" aria-label="Ingest health">
            <h2>Ingest health</h2>
            {data.sources.length === 0 ? (
              <p className="empty">No sources yet: send lines to the ingest API or add a tailed file.</p>
            ) : (
              <table className="data">
                <TableHead columns={['Source', 'Parser', 'Lines read', 'Rejected', 'Last activity', 'State']} />
                <tbody>
                  {data.sources.map((s) => {
                    const h = sourceHealth(s, now);
                    return (
                      <tr key={s.id}>
                        <td>
                          {s.name} <span className="hint">{s.kind}</span>
                        </td>
                        <td>{s.parser}</td>
                        <td>{s.lines_read}</td>
                        <td>{s.lines_rejected}</td>
                        <td>{formatTime(s.updated_at)}</td>
                        <td className={`health-${h.level}`}>{h.text}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </section>
  );
}
