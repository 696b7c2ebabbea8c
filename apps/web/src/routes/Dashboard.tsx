import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, ApiError } from '../api/client.js';

const RANGES = { '1h': [3_600_000, 60], '24h': [86_400_000, 900], '7d': [604_800_000, 3600] } as const;
type Range = keyof typeof RANGES;
interface Point {
  t: number;
  requests: number;
  s2xx: number;
  s3xx: number;
  s4xx: number;
  s5xx: number;
  wafBlocks: number;
}
interface Facet {
  value: string | number;
  count: number;
}

/** Requests by status class and WAF blocks over time (from the rollups), and the top lists. */
export default function Dashboard() {
  const [range, setRange] = useState<Range>('24h');
  const [points, setPoints] = useState<Point[] | null>(null);
  const [facets, setFacets] = useState<Record<string, Facet[]>>({});
  const [error, setError] = useState<string | null>(null);
  const chart = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const load = async () => {
      const [span, bucket] = RANGES[range];
      const to = Date.now();
      const from = to - span;
      try {
        const series = await api<{ points: Point[] }>('GET', `/api/logs/timeseries?from=${from}&to=${to}&bucketSeconds=${bucket}`);
        const tops: Record<string, Facet[]> = {};
        for (const field of ['host', 'path', 'ip', 'waf_rule']) {
          tops[field] = (await api<{ values: Facet[] }>('GET', `/api/logs/facets?field=${field}&from=${from}&to=${to}&limit=8`)).values;
        }
        setPoints(series.points);
        setFacets(tops);
        setError(null);
      } catch (e) {
        setError(e instanceof ApiError ? e.message : 'the server cannot be reached');
      }
    };
    void load();
    const timer = setInterval(() => void load(), 30_000);
    return () => clearInterval(timer);
  }, [range]);

  useEffect(() => {
    if (!chart.current || points === null || points.length === 0) return;
    const data: uPlot.AlignedData = [points.map((p) => p.t / 1000), points.map((p) => p.s2xx), points.map((p) => p.s4xx), points.map((p) => p.s5xx), points.map((p) => p.wafBlocks)];
    const plot = new uPlot(
      {
        width: chart.current.clientWidth || 800,
        height: 260,
        series: [{}, { label: '2xx', stroke: '#2e7d32' }, { label: '4xx', stroke: '#f9a825' }, { label: '5xx', stroke: '#c62828' }, { label: 'WAF blocks', stroke: '#6a1b9a' }],
      },
      data,
      chart.current,
    );
    return () => plot.destroy();
  }, [points]);

  const total = points?.reduce((n, p) => n + p.requests, 0) ?? 0;
  const errors = points?.reduce((n, p) => n + p.s5xx, 0) ?? 0;
  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">Dashboard</h1>
      <div role="group" aria-label="Time range" className="ranges">
        {(Object.keys(RANGES) as Range[]).map((r) => (
          <button key={r} type="button" aria-pressed={r === range} onClick={() => setRange(r)}>
            {r}
          </button>
        ))}
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {points === null && !error && <p role="status">Loading…</p>}
      {points !== null && (
        <p className="stats">
          <span>{total} requests</span> <span>{total === 0 ? '0' : ((errors / total) * 100).toFixed(2)}% 5xx</span> <span>{points.reduce((n, p) => n + p.wafBlocks, 0)} WAF blocks</span>
        </p>
      )}
      {points !== null && points.length === 0 && <p className="empty">No traffic in this range.</p>}
      <div ref={chart} className="chart" />
      <div className="tops">
        {Object.entries(facets).map(([field, values]) => (
          <div key={field} className="card">
            <h2>Top {field.replace('_', ' ')}s</h2>
            <ol>
              {values.map((v) => (
                <li key={String(v.value)}>
                  <span className="value">{String(v.value)}</span> <span className="count">{v.count}</span>
                </li>
              ))}
            </ol>
          </div>
        ))}
      </div>
    </section>
  );
}
