import { api } from '../../api/client.js';
import { ConfirmButton, formatTime } from '../../components/kit.js';
import type { Listing } from './listing.js';

/** The scheduled restore (applied at the next start) and the outcome of the last one. */
export function RestoreStatus({ pending, last, onChanged }: { pending: Listing['pendingRestore']; last: Listing['lastRestore']; onChanged: () => Promise<void> }) {
  return (
    <>
      {pending && (
        <section className="card warning" role="status" aria-label="Scheduled restore">
          <p>
            A restore of <strong>{pending}</strong> is scheduled: it will be applied at the next start of the server, before the database is opened.
          </p>
          <p className="hint">Nothing has changed yet. Restart Panoptes to apply it; the current database will be kept as a pre-restore copy. Scheduling another backup's restore replaces this one.</p>
          <div className="actions">
            <ConfirmButton
              label="Unschedule the restore"
              title="Unschedule the restore?"
              message={`The restore of ${pending} will not happen: at the next start the database stays as it is. The archive stays in the list.`}
              onConfirm={async () => {
                await api('DELETE', '/api/backups/pending-restore');
                await onChanged();
              }}
            />
          </div>
        </section>
      )}
      {last && (
        <section className={last.status === 'failed' ? 'card warning' : 'card'} aria-label="Last restore">
          {last.status === 'restored' ? (
            <p>
              Last restore: <strong>restored</strong> from {last.archive} at {formatTime(last.at)}.{' '}
              {last.previous ? `The database before it was kept as ${last.previous}.` : 'There was no database before it.'}
            </p>
          ) : (
            <p>
              Last restore: <strong>failed</strong>
              {last.archive ? ` (${last.archive})` : ''} at {formatTime(last.at)}: {last.reason ?? 'no reason recorded'}. The database was left as it was.
            </p>
          )}
        </section>
      )}
    </>
  );
}
