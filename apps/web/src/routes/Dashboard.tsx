import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { errorMessage } from '../api/client.js';
import { formatTime } from '../components/kit.js';
import type { TimeRange } from '../components/time-range.js';
import { TimeRangePicker } from '../components/TimeRangePicker.js';
import { Chart } from './dashboard/Chart.js';
import { backupHealth, errorRates, sum } from './dashboard/health.js';
import { IngestHealth } from './dashboard/IngestHealth.js';
import { snapshot, TOPS, type Snapshot } from './dashboard/snapshot.js';
import { DEFAULT_RANGE, logsLink, readView, REFRESH_SECONDS, refreshLabel, writeView } from './dashboard/view.js';
import './dashboard/dashboard.css';

/** Traffic, errors and WAF blocks over a time range, top lists, ingest health and backup age; refreshes itself. */
export default function Dashboard() {
  const [params, setParams] = useSearchParams();
  const view = readView(params);
  const { range, refreshSeconds } = view;
  const rangeKey = JSON.stringify(range);
  const [data, setData] = useState<Snapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Only the newest request may write: a slow answer for the previous range never replaces a newer one.
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    setBusy(true);
    try {
      const next = await snapshot(JSON.parse(rangeKey) as TimeRange);
      if (mine !== generation.current) return;
      setData(next);
      setError(null);
    } catch (e) {
      if (mine === generation.current) setError(errorMessage(e));
    } finally {
      if (mine === generation.current) setBusy(false);
    }
  }, [rangeKey]);
  useEffect(() => {
    void load();
  }, [load]);
  // Auto-refresh: nothing while the tab is hidden, and a refresh at once when it shows again.
  useEffect(() => {
    if (!refreshSeconds) return;
    const timer = setInterval(() => document.visibilityState === 'visible' && void load(), refreshSeconds * 1000);
    const onVisible = () => document.visibilityState === 'visible' && void load();
    document.addEventListener('visibilitychange', onVisible);
    return () => (clearInterval(timer), document.removeEventListener('visibilitychange', onVisible));
  }, [load, refreshSeconds]);

  const rates = data ? errorRates(data.series) : null;
  const wafBlocks = data ? sum(data.series.wafBlocks) : 0;
  const now = data?.at ?? 0;
  const backup = data ? backupHealth(data.backups, now) : null;
  return (
    <section aria-labelledby="dash-title" className="dashboard">
      <h1 id="dash-title">Dashboard</h1>
      <div className="dash-tools">
        <TimeRangePicker value={range} onChange={(r) => setParams(writeView(params, { ...view, range: r ?? DEFAULT_RANGE }))} />
        <label className="inline">
          Auto-refresh{' '}
          <select value={refreshSeconds} onChange={(e) => setParams(writeView(params, { ...view, refreshSeconds: Number(e.target.value) }))}>
            {REFRESH_SECONDS.map((s) => (
              <option key={s} value={s}>
                {refreshLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void load()}>
          Refresh now
        </button>
        {data && (
          <span className="hint" role="status">
            {busy ? 'updating…' : `updated ${formatTime(data.at)}`}
          </span>
        )}
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
            <div className={`card tile ${rates.serverPct >= 5 ? 'bad' : rates.clientPct >= 25 ? 'warn' : ''}`} aria-label="Error rate">
              <strong>{rates.serverPct.toFixed(2)}%</strong> 5xx · {rates.clientPct.toFixed(2)}% 4xx
            </div>
            <div className="card tile" aria-label="WAF blocks">
              <strong>{wafBlocks}</strong> WAF blocks
            </div>
            <div className={`card tile ${backup.level}`} aria-label="Backup age">
              Last backup: <strong>{backup.text}</strong>
            </div>
          </div>
          {rates.total + wafBlocks === 0 ? <p className="empty">No traffic in this range.</p> : <Chart series={data.series} />}
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
                        <Link className="value" to={logsLink(t.filter, v.value, range)} title={`Open the log browser filtered by ${t.filter} ${String(v.value)}`}>
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
          <IngestHealth sources={data.sources} now={now} />
        </>
      )}
    </section>
  );
}
