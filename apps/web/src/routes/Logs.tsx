import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, errorMessage, type LogEntry } from '../api/client.js';
import { readRange, writeRange } from '../components/time-range.js';
import { TimeRangePicker } from '../components/TimeRangePicker.js';
import { ExportButtons } from './logs/ExportButtons.js';
import { FilterForm } from './logs/FilterForm.js';
import { readFilters, searchQuery, writeFilters } from './logs/filters.js';
import { liveStatus } from './logs/live.js';
import { LogDetail } from './logs/LogDetail.js';
import { LogTable } from './logs/LogTable.js';
import { useLiveTail } from './logs/use-live-tail.js';
import './logs/logs.css';

const PAGE = 100;

/**
 * The log browser: filters mirrored in the URL, newest first, keyset pages on scroll, a bounded live
 * tail, a detail panel with the raw line. Every field is rendered as text.
 */
export default function Logs() {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const key = params.toString();
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [selected, setSelected] = useState<number | null>(null);
  const [live, setLive] = useState(false);
  const sentinel = useRef<HTMLDivElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  // Only the newest request may write: a slow page of an older search never lands in a newer one.
  const generation = useRef(0);

  const load = useCallback(
    async (after: string | null) => {
      const mine = after === null ? ++generation.current : generation.current;
      setLoading(true);
      try {
        const q = searchQuery(new URLSearchParams(key), Date.now());
        q.set('limit', String(PAGE));
        if (after) q.set('cursor', after);
        const page = await api<{ entries: LogEntry[]; nextCursor: string | null }>('GET', `/api/logs?${q}`);
        if (mine !== generation.current) return;
        setEntries((old) => (after ? [...old, ...page.entries] : page.entries));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        if (mine === generation.current) setError(errorMessage(e));
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [key],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  // Infinite scroll: the next keyset page when the end of the list comes into view (not while tailing).
  useEffect(() => {
    const node = sentinel.current;
    if (node === null || cursor === null || live || loading) return;
    const observer = new IntersectionObserver((items) => {
      if (items.some((i) => i.isIntersecting)) void load(cursor);
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [cursor, load, loading, live]);

  const tail = useLiveTail(live, new URLSearchParams(Object.entries(filters)), entries, setEntries);
  const toggleLive = (on: boolean) => {
    setLive(on);
    // The tail may have dropped rows from the end, so browsing starts again from the newest page.
    if (!on) void load(null);
  };
  const only = (name: string, value: string | number | null) => {
    if (value === null || value === '') return;
    setSelected(null);
    setParams(writeFilters(params, { ...filters, [name]: String(value) }));
  };
  const open = (entry: LogEntry) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setSelected(entry.id);
  };
  const close = useCallback(() => {
    setSelected(null);
    opener.current?.focus();
  }, []);
  const shownError = error ?? tail.error;

  return (
    <section aria-labelledby="logs-title" className="logs">
      <h1 id="logs-title">Logs</h1>
      <TimeRangePicker value={readRange(params, null)} onChange={(r) => setParams(writeRange(params, r))} allowAll />
      <FilterForm key={key} filters={filters} onApply={(f) => setParams(writeFilters(params, f))} />
      <div className="log-tools">
        <label className="inline">
          <input type="checkbox" checked={live} onChange={(e) => toggleLive(e.target.checked)} /> Live tail
        </label>
        {live && (
          <span role="status" className="hint">
            {liveStatus(tail.arrived, tail.skipped)}
          </span>
        )}
        <ExportButtons query={() => searchQuery(params, Date.now())} />
      </div>
      {shownError && (
        <p className="error" role="alert">
          {shownError}{' '}
          <button type="button" onClick={() => void load(null)}>
            Retry
          </button>
        </p>
      )}
      {!loading && !error && entries.length === 0 && <p className="empty">No log entries match{live ? ' yet: new ones appear here as they arrive' : ''}.</p>}
      {entries.length > 0 && <LogTable entries={entries} onOpen={open} onOnly={only} />}
      <div ref={sentinel} className="sentinel" aria-live="polite">
        {loading ? 'Loading…' : live ? '' : cursor ? 'More below' : entries.length > 0 ? 'End of results' : ''}
      </div>
      {selected !== null && <LogDetail id={selected} onClose={close} onOnly={only} />}
    </section>
  );
}
