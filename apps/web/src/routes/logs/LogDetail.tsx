import { useEffect, useRef, type ReactNode } from 'react';
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

type OnOnly = (name: string, value: string | number | null) => void;

/** One field of the entry; with `filter`, an "only this …" button that narrows the search to its value. */
function Field({ label, value, filter, onOnly, className }: { label: string; value: ReactNode; filter?: { name: string; value: string | number; what: string }; onOnly: OnOnly; className?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className={className}>
        {value}
        {filter && ' '}
        {filter && (
          <button type="button" className="link" onClick={() => onOnly(filter.name, filter.value)}>
            only this {filter.what}
          </button>
        )}
      </dd>
    </>
  );
}

/** One entry with its raw line; Escape or Close returns to the list. */
export function LogDetail({ id, onClose, onOnly }: { id: number; onClose: () => void; onOnly: OnOnly }) {
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
              <Field label="Time" value={formatTime(e.ts)} onOnly={onOnly} />
              <Field label="Source" value={e.source} onOnly={onOnly} />
              {e.level && <Field label="Level" value={e.level} onOnly={onOnly} />}
              {e.host_domain && <Field label="Host" value={e.host_domain} filter={{ name: 'host', value: e.host_domain, what: 'host' }} onOnly={onOnly} />}
              {e.remote_ip && <Field label="Client" value={e.remote_ip} filter={{ name: 'ip', value: e.remote_ip, what: 'IP' }} onOnly={onOnly} />}
              {e.method && <Field label="Method" value={e.method} onOnly={onOnly} />}
              {e.path && <Field label="Path" className="path" value={e.path} filter={{ name: 'path', value: e.path, what: 'path' }} onOnly={onOnly} />}
              {e.status !== null && <Field label="Status" value={e.status} filter={{ name: 'status', value: e.status, what: 'status' }} onOnly={onOnly} />}
              {e.duration_ms !== null && <Field label="Duration" value={`${e.duration_ms} ms`} onOnly={onOnly} />}
              {e.user_agent && <Field label="User agent" className="ua" value={e.user_agent} onOnly={onOnly} />}
              {e.waf_rule_id !== null && (
                <Field label="WAF rule" className="waf" value={`${e.waf_rule_id} ${e.waf_rule_message ?? ''}${e.waf_blocked ? ' (blocked)' : ''}`} filter={{ name: 'wafRule', value: e.waf_rule_id, what: 'rule' }} onOnly={onOnly} />
              )}
              {e.message && <Field label="Message" className="message" value={e.message} onOnly={onOnly} />}
            </dl>
            <h3>Raw entry</h3>
            <pre>{pretty(e.raw ?? '')}</pre>
          </>
        )}
      </Loadable>
    </aside>
  );
}
