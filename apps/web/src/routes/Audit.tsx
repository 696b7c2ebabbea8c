import { useId } from 'react';
import { formatTime, TableHead } from '../components/kit.js';
import { useOlderPages } from '../components/older-pages.js';
import './admin.css';

interface AuditEntry {
  readonly id: number;
  readonly ts: number;
  readonly remote_ip: string | null;
  readonly record: { actor?: string; action?: string; target?: string; before?: unknown; after?: unknown };
}

/** One side of a change, pretty-printed as text (never as markup: it holds names users typed). */
function ChangeText({ label, value }: { label: string; value: unknown }) {
  const id = useId();
  return (
    <figure>
      <figcaption id={id}>{label}</figcaption>
      <pre aria-labelledby={id}>{JSON.stringify(value, null, 2)}</pre>
    </figure>
  );
}

/** Every change in this project, newest first; older pages by keyset. */
export default function Audit() {
  const { rows: entries, next, error, busy, reload, loadOlder } = useOlderPages<AuditEntry>('/api/audit?limit=25', 'entries');
  return (
    <div className="audit">
      <h1>Audit log</h1>
      {error && (
        <p className="error" role="alert">
          {error}{' '}
          <button type="button" onClick={() => void reload()}>
            Retry
          </button>
        </p>
      )}
      {entries === null ? (
        !error && <p role="status">Loading…</p>
      ) : entries.length === 0 ? (
        <p className="empty">No changes recorded in this project yet.</p>
      ) : (
        <table className="data audit-table">
          <TableHead columns={['Time', 'Who', 'Action', 'Target', 'Change']} />
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.ts)}</td>
                <td>
                  {e.record.actor ?? ''} <span className="hint">{e.remote_ip ?? ''}</span>
                </td>
                <td>{e.record.action ?? ''}</td>
                <td>{e.record.target ?? ''}</td>
                <td>
                  {(e.record.before !== undefined || e.record.after !== undefined) && (
                    <details>
                      <summary>before / after</summary>
                      <div className="audit-change">
                        {e.record.before !== undefined && <ChangeText label="Before" value={e.record.before} />}
                        {e.record.after !== undefined && <ChangeText label="After" value={e.record.after} />}
                      </div>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== null && (
        <button type="button" disabled={busy} onClick={() => void loadOlder()}>
          Load older
        </button>
      )}
    </div>
  );
}
