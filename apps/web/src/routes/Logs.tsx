import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, ApiError, type LogEntry } from '../api/client.js';

const FILTERS = ['source', 'host', 'status', 'statusClass', 'method', 'ip', 'path', 'wafRule', 'q'] as const;
const LIVE_LIMIT = 500;

/**
 * The log browser: filters mirrored in the URL, newest first, keyset pages on scroll, a live tail
 * that keeps at most 500 rows, a detail panel with the raw line. Every field is rendered as text.
 */
export default function Logs() {
  const [params, setParams] = useSearchParams();
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState<LogEntry | null>(null);
  const [live, setLive] = useState(false);
  const sentinel = useRef<HTMLDivElement>(null);
  const query = new URLSearchParams([...params].filter(([k, v]) => (FILTERS as readonly string[]).includes(k) && v !== ''));

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      try {
        const q = new URLSearchParams(query);
        q.set('limit', '100');
        if (after) q.set('cursor', after);
        const page = await api<{ entries: LogEntry[]; nextCursor: string | null }>('GET', `/api/logs?${q}`);
        setEntries((old) => (after ? [...old, ...page.entries] : page.entries));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        setError(e instanceof ApiError ? e.message : 'the server cannot be reached');
      } finally {
        setLoading(false);
      }
    },
    [query.toString()],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  // Infinite scroll: the next page when the end of the list comes into view.
  useEffect(() => {
    const node = sentinel.current;
    if (node === null || cursor === null) return;
    const observer = new IntersectionObserver((items) => {
      if (items.some((i) => i.isIntersecting) && !loading) void load(cursor);
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [cursor, load, loading]);

  // Live tail: poll for rows newer than the newest shown, keep the list bounded.
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(async () => {
      const newest = entries[0]?.ts;
      const q = new URLSearchParams(query);
      if (newest !== undefined) q.set('from', String(newest + 1));
      q.set('limit', '200');
      const page = await api<{ entries: LogEntry[] }>('GET', `/api/logs?${q}`).catch(() => ({ entries: [] }));
      if (page.entries.length > 0) setEntries((old) => [...page.entries, ...old].slice(0, LIVE_LIMIT));
    }, 2000);
    return () => clearInterval(timer);
  }, [live, entries, query]);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const f of FILTERS) {
      const v = String(form.get(f) ?? '').trim();
      if (v) next.set(f, v);
    }
    setParams(next);
  };
  const only = (key: (typeof FILTERS)[number], value: string | number | null) => {
    if (value === null) return;
    const next = new URLSearchParams(params);
    next.set(key, String(value));
    setParams(next);
  };
  const open = async (entry: LogEntry) => {
    const detail = await api<{ entry: LogEntry }>('GET', `/api/logs/${entry.id}`);
    setSelected(detail.entry);
  };

  return (
    <section aria-labelledby="logs-title" className="logs">
      <h1 id="logs-title">Logs</h1>
      <form className="filters" onSubmit={apply} key={params.toString()}>
        {FILTERS.map((f) => (
          <label key={f}>
            {f}
            <input name={f} defaultValue={params.get(f) ?? ''} />
          </label>
        ))}
        <button type="submit">Search</button>
        <label className="inline">
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live tail
        </label>
        <a href={`/api/logs/export?format=csv&${query}`} download>
          Export CSV
        </a>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {!loading && !error && entries.length === 0 && <p className="empty">No log entries match.</p>}
      <table className="log-table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Source</th>
            <th>Host</th>
            <th>Client</th>
            <th>Request</th>
            <th>Status</th>
            <th>WAF</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} onClick={() => void open(e)} tabIndex={0} onKeyDown={(k) => k.key === 'Enter' && void open(e)} className={e.waf_blocked ? 'blocked' : undefined}>
              <td>{new Date(e.ts).toISOString().replace('T', ' ').slice(0, 19)}</td>
              <td>{e.source}</td>
              <td>{e.host_domain}</td>
              <td>
                {e.remote_ip}{' '}
                {e.remote_ip && (
                  <button type="button" className="link" onClick={(ev) => (ev.stopPropagation(), only('ip', e.remote_ip))} aria-label={`only ${e.remote_ip}`}>
                    only
                  </button>
                )}
              </td>
              <td className="request">
                {e.method} {e.path ?? e.message}
              </td>
              <td>{e.status}</td>
              <td>{e.waf_rule_id ? `${e.waf_rule_id} ${e.waf_rule_message ?? ''}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div ref={sentinel} className="sentinel">
        {loading ? 'Loading…' : cursor ? '' : entries.length > 0 ? 'End of results' : ''}
      </div>
      {selected && (
        <aside className="detail" aria-label="Log entry">
          <button type="button" onClick={() => setSelected(null)}>
            Close
          </button>
          <h2>Entry {selected.id}</h2>
          <pre>{pretty(selected.raw ?? '')}</pre>
        </aside>
      )}
    </section>
  );
}

/** The raw line, pretty-printed when it is JSON; always shown as text. */
function pretty(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}
