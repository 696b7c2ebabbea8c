import { useEffect, useRef } from 'react';
import type { LogEntry } from '../../api/client.js';
import { formatTime, Loadable, useResource } from '../../components/kit.js';

/** The raw line, pretty-printed when it is JSON; always shown as text. */
export function pretty(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/** One entry with its raw line; Escape or Close returns to the list. */
export function LogDetail({ id, onClose, onOnly }: { id: number; onClose: () => void; onOnly: (name: string, value: string | number | null) => void }) {
  const entry = useResource<{ entry: LogEntry }>(`/api/logs/${id}`);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    close.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [id, onClose]);
  return (
    <aside className="detail" aria-label="Log entry">
      <button type="button" ref={close} onClick={onClose}>
        Close
      </button>
      <h2>Entry {id}</h2>
      <Loadable resource={entry}>
        {({ entry: e }) => (
          <>
            <dl className="fields">
              <dt>Time</dt>
              <dd>{formatTime(e.ts)}</dd>
              <dt>Source</dt>
              <dd>{e.source}</dd>
              {e.remote_ip && (
                <>
                  <dt>Client</dt>
                  <dd>
                    {e.remote_ip}{' '}
                    <button type="button" className="link" onClick={() => onOnly('ip', e.remote_ip)}>
                      only this IP
                    </button>
                  </dd>
                </>
              )}
              {e.user_agent && (
                <>
                  <dt>User agent</dt>
                  <dd className="ua">{e.user_agent}</dd>
                </>
              )}
              {e.message && (
                <>
                  <dt>Message</dt>
                  <dd className="message">{e.message}</dd>
                </>
              )}
            </dl>
            <h3>Raw entry</h3>
            <pre>{pretty(e.raw ?? '')}</pre>
          </>
        )}
      </Loadable>
    </aside>
  );
}
