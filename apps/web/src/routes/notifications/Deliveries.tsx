import { useState } from 'react';
import { formatTime, TableHead } from '../../components/kit.js';
import { useOlderPages } from '../../components/older-pages.js';
import type { Channel } from './channel-form.js';
import type { EventInfo } from './events.js';

const STATUSES = ['pending', 'sent', 'failed', 'throttled', 'rate_limited'] as const;

interface Delivery {
  readonly id: number;
  readonly channel_id: number | null;
  readonly event_type: string;
  readonly severity: string;
  readonly host_domain: string | null;
  readonly status: string;
  readonly error_message: string | null;
  readonly attempts: number;
  readonly suppressed_count: number;
  readonly created_at: number;
  readonly sent_at: number | null;
}

/** The delivery ledger, newest first, filtered, older pages on demand; each failure with its error. */
export function Deliveries({ channels, events, version }: { channels: readonly Channel[]; events: readonly EventInfo[]; version: number }) {
  const [filters, setFilters] = useState({ status: '', channelId: '', eventType: '' });
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ''));
  const { rows, next, error, loadOlder } = useOlderPages<Delivery>(`/api/notifications/deliveries?${query}`, 'deliveries', version);
  const set = (key: keyof typeof filters) => (e: { target: { value: string } }) => setFilters((f) => ({ ...f, [key]: e.target.value }));
  const channelName = (id: number | null) => (id === null ? 'deleted channel' : (channels.find((c) => c.id === id)?.name ?? `#${id}`));
  return (
    <section aria-label="Delivery ledger">
      <h2>Delivery ledger</h2>
      <div className="filters">
        <label>
          Status
          <select value={filters.status} onChange={set('status')}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Channel
          <select value={filters.channelId} onChange={set('channelId')}>
            <option value="">any</option>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Event
          <select value={filters.eventType} onChange={set('eventType')}>
            <option value="">any</option>
            {events.map((e) => (
              <option key={e.type}>{e.type}</option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {rows === null ? (
        <p role="status">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="empty">No deliveries match.</p>
      ) : (
        <table className="data deliveries">
          <TableHead columns={['Time', 'Event', 'Channel', 'Status', 'Attempts', 'Error']} />
          <tbody>
            {rows.map((d) => (
              <tr key={d.id}>
                <td>{formatTime(d.created_at)}</td>
                <td>
                  {d.event_type} <span className="hint">{d.severity}</span> {d.host_domain ?? ''}
                </td>
                <td>{channelName(d.channel_id)}</td>
                <td className={`status-${d.status}`}>
                  {d.status}
                  {d.suppressed_count > 0 ? ` (+${d.suppressed_count} suppressed)` : ''}
                </td>
                <td>{d.attempts}</td>
                <td className="delivery-error">{d.error_message ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== null && (
        <button type="button" onClick={() => void loadOlder()}>
          Load older
        </button>
      )}
    </section>
  );
}
