import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, errorMessage, type LogEntry } from '../api/client.js';
import { readRange, resolveRange, writeRange } from '../components/time-range.js';
import { TimeRangePicker } from '../components/TimeRangePicker.js';
import { FILTERS, invalidFilters, readFilters, writeFilters, type Filters } from './logs/filters.js';
import { LogDetail } from './logs/LogDetail.js';
import { LogTable } from './logs/LogTable.js';
import { mergeNewer } from './logs/live.js';

const PAGE = 100;
const LIVE_LIMIT = 500;
const LIVE_EVERY_MS = 2000;

/** The api query for the filters and the time range (resolved now). */
function apiQuery(filters: Filters, params: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams(Object.entries(filters));
  const range = readRange(params, null);
  if (range !== null) {
    const { from, to } = resolveRange(range, Date.now());
    q.set('from', String(from));
    q.set('to', String(to));
  }
  return q;
}

/**
 * The log browser: filters mirrored in the URL, newest first, keyset pages on scroll, a live tail
 * that keeps at most 500 rows, a detail panel with the raw line. Every field is rendered as text.
 */
export default function Logs() {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const key = params.toString();
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const [live, setLive] = useState(false);
  const [arrived, setArrived] = useState(0);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const sentinel = useRef<HTMLDivElement>(null);
  const shown = useRef<LogEntry[]>([]);
  shown.current = entries;

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      try {
        const q = apiQuery(readFilters(new URLSearchParams(key)), new URLSearchParams(key));
        q.set('limit', String(PAGE));
        if (after) q.set('cursor', after);
        const page = await api<{ entries: LogEntry[]; nextCursor: string | null }>('GET', `/api/logs?${q}`);
        setEntries((old) => (after ? [...old, ...page.entries] : page.entries));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setLoading(false);
      }
    },
    [key],
  );

  useEffect(() => {
    setArrived(0);
    void load(null);
  }, [load]);

  // Infinite scroll: the next keyset page when the end of the list comes into view.
  useEffect(() => {
    const node = sentinel.current;
    if (node === null || cursor === null || live) return;
    const observer = new IntersectionObserver((items) => {
      if (items.some((i) => i.isIntersecting) && !loading) void load(cursor);
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [cursor, load, loading, live]);

  // Live tail: poll for rows at or after the newest shown (duplicates dropped), bounded list, paused while the tab is hidden.
  useEffect(() => {
    if (!live) return;
    const q = new URLSearchParams(Object.entries(readFilters(new URLSearchParams(key))));
    const timer = setInterval(() => {
      if (document.visibilityState === 'hidden') return;
      const newest = shown.current[0]?.ts;
      const next = new URLSearchParams(q);
      if (newest !== undefined) next.set('from', String(newest));
      next.set('limit', '200');
      api<{ entries: LogEntry[] }>('GET', `/api/logs?${next}`)
        .then((page) => {
          const merged = mergeNewer(shown.current, page.entries, LIVE_LIMIT);
          if (merged.added > 0) {
            setEntries(merged.entries);
            setArrived((n) => n + merged.added);
          }
          setError(null);
        })
        .catch((e: unknown) => setError(errorMessage(e)));
    }, LIVE_EVERY_MS);
    return () => clearInterval(timer);
  }, [live, key]);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values: Record<string, string> = {};
    for (const [k, v] of new FormData(event.currentTarget)) if (typeof v === 'string') values[k] = v.trim();
    const invalid = invalidFilters(values);
    setProblems(invalid);
    if (Object.keys(invalid).length === 0) setParams(writeFilters(params, values));
  };
  const only = (name: string, value: string | number | null) => {
    if (value === null || value === '') return;
    setParams(writeFilters(params, { ...filters, [name]: String(value) }));
  };
  const exportQuery = apiQuery(filters, params);

  return (
    <section aria-labelledby="logs-title" className="logs">
      <h1 id="logs-title">Logs</h1>
      <TimeRangePicker value={readRange(params, null)} onChange={(r) => setParams(writeRange(params, r))} allowAll />
      <form className="filters" onSubmit={apply} key={key} aria-label="Filters">
        {FILTERS.map((f) => (
          <label key={f.name}>
            {f.label}
            {f.options ? (
              <select name={f.name} defaultValue={filters[f.name] ?? ''}>
                <option value="">any</option>
                {f.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input name={f.name} defaultValue={filters[f.name] ?? ''} placeholder={f.placeholder} aria-invalid={problems[f.name] ? true : undefined} />
            )}
            {problems[f.name] && <small className="field-error">{problems[f.name]}</small>}
          </label>
        ))}
        <button type="submit">Search</button>
        <button type="button" onClick={() => setParams(writeFilters(params, {}))}>
          Clear
        </button>
      </form>
      <div className="log-tools">
        <label className="inline">
          <input type="checkbox" checked={live} onChange={(e) => (setLive(e.target.checked), setArrived(0))} /> Live tail
        </label>
        {live && (
          <span role="status" className="hint">
            Live: {arrived} new {arrived === 1 ? 'entry' : 'entries'}; the newest {LIVE_LIMIT} are kept.
          </span>
        )}
        <a href={`/api/logs/export?format=csv&${exportQuery}`} download>
          Export CSV
        </a>
        <a href={`/api/logs/export?format=ndjson&${exportQuery}`} download>
          Export NDJSON
        </a>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!loading && !error && entries.length === 0 && <p className="empty">No log entries match.</p>}
      <LogTable entries={entries} onOpen={(e) => setSelected(e.id)} onOnly={only} />
      <div ref={sentinel} className="sentinel">
        {loading ? 'Loading…' : live ? '' : cursor ? '' : entries.length > 0 ? 'End of results' : ''}
      </div>
      {selected !== null && <LogDetail id={selected} onClose={() => setSelected(null)} onOnly={only} />}
    </section>
  );
}
