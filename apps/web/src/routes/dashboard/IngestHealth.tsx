import { formatAge, formatBytes, formatTime, TableHead } from '../../components/kit.js';
import { sourceCounters, sourceHealth, type Source } from './health.js';

/** Per ingest source: counters, lag, last activity and a health verdict (stale, behind, failing, disabled). */
export function IngestHealth({ sources, now }: { sources: readonly Source[]; now: number }) {
  return (
    <section className="card" aria-labelledby="ingest-health-title" role="region">
      <h2 id="ingest-health-title">Ingest health</h2>
      {sources.length === 0 ? (
        <p className="empty">No sources yet: send lines to the ingest API or add a tailed file.</p>
      ) : (
        <table className="data">
          <TableHead columns={['Source', 'Parser', 'Lines read', 'Rejected', 'Lag', 'Last activity', 'State']} />
          <tbody>
            {sources.map((s) => {
              const h = sourceHealth(s, now);
              const c = sourceCounters(s);
              return (
                <tr key={s.id}>
                  <td>
                    {s.name} <span className="hint">{s.kind}</span>
                  </td>
                  <td>{s.parser}</td>
                  <td>{c.linesRead}</td>
                  <td className={c.rejected > 0 ? 'health-warn' : undefined}>{c.rejected}</td>
                  <td>{s.kind === 'file' ? formatBytes(c.bytesBehind) : '—'}</td>
                  <td>
                    {formatAge(Math.max(0, now - s.updated_at))} ago <span className="hint">{formatTime(s.updated_at)}</span>
                  </td>
                  <td className={`health-${h.level}`}>{h.text}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
