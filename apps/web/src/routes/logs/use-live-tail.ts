import { useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { api, errorMessage, type LogEntry } from '../../api/client.js';
import { LIVE_BATCH, LIVE_EVERY_MS, LIVE_LIMIT, mergeNewer } from './live.js';

export interface LiveTail {
  readonly arrived: number;
  /** A poll came back full: more rows arrived than the tail shows. */
  readonly skipped: boolean;
  readonly error: string | null;
}

/**
 * While `on`, polls for rows at or after the newest shown one (the filters still apply, the time
 * range does not) and merges them in, bounded. One poll at a time; none while the tab is hidden.
 */
export function useLiveTail(on: boolean, filters: URLSearchParams, entries: readonly LogEntry[], setEntries: Dispatch<SetStateAction<LogEntry[]>>): LiveTail {
  const [state, setState] = useState<LiveTail>({ arrived: 0, skipped: false, error: null });
  const shown = useRef(entries);
  shown.current = entries;
  const key = filters.toString();
  useEffect(() => {
    setState({ arrived: 0, skipped: false, error: null });
    if (!on) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      if (document.visibilityState !== 'hidden') {
        const q = new URLSearchParams(key);
        const newest = shown.current[0]?.ts;
        if (newest !== undefined) q.set('from', String(newest));
        q.set('limit', String(LIVE_BATCH));
        try {
          const page = await api<{ entries: LogEntry[]; nextCursor: string | null }>('GET', `/api/logs?${q}`);
          if (stopped) return;
          const merged = mergeNewer(shown.current, page.entries, LIVE_LIMIT);
          if (merged.added > 0) setEntries(merged.entries);
          setState((s) => ({ arrived: s.arrived + merged.added, skipped: s.skipped || page.nextCursor !== null, error: null }));
        } catch (e) {
          if (stopped) return;
          setState((s) => ({ ...s, error: errorMessage(e) }));
        }
      }
      if (!stopped) timer = setTimeout(() => void poll(), LIVE_EVERY_MS);
    };
    timer = setTimeout(() => void poll(), LIVE_EVERY_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [on, key, setEntries]);
  return state;
}
