import type { LogEntry } from '../../api/client.js';
import { TableHead } from '../../components/kit.js';

/** A quick filter button: "only this value". */
function Only({ name, value, onOnly }: { name: string; value: string | number | null; onOnly: (name: string, value: string | number | null) => void }) {
  if (value === null || value === '') return null;
  return (
    <button type="button" className="link only" onClick={(ev) => (ev.stopPropagation(), onOnly(name, value))} aria-label={`only ${name} ${String(value)}`}>
      only
    </button>
  );
}

/** Log rows, newest first; Enter or a click opens one. Every field is text. */
export function LogTable({ entries, onOpen, onOnly }: { entries: readonly LogEntry[]; onOpen: (e: LogEntry) => void; onOnly: (name: string, value: string | number | null) => void }) {
  return (
    <table className="log-table">
      <TableHead columns={['Time (UTC)', 'Source', 'Host', 'Client', 'Request', 'Status', 'WAF']} />
      <tbody>
        {entries.map((e) => (
          <tr key={e.id} onClick={() => onOpen(e)} tabIndex={0} onKeyDown={(k) => k.key === 'Enter' && (k.preventDefault(), onOpen(e))} className={e.waf_blocked ? 'blocked' : undefined}>
            <td className="time">{new Date(e.ts).toISOString().replace('T', ' ').slice(0, 19)}</td>
            <td>{e.source}</td>
            <td>
              {e.host_domain} <Only name="host" value={e.host_domain} onOnly={onOnly} />
            </td>
            <td>
              {e.remote_ip} <Only name="ip" value={e.remote_ip} onOnly={onOnly} />
            </td>
            <td className="request">
              {e.method} {e.path ?? e.message} {e.path && <Only name="path" value={e.path} onOnly={onOnly} />}
            </td>
            <td>
              {e.status} <Only name="status" value={e.status} onOnly={onOnly} />
            </td>
            <td className="waf">{e.waf_rule_id ? `${e.waf_rule_id} ${e.waf_rule_message ?? ''}` : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
