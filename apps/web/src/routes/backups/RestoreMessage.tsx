import { formatTime } from '../../components/kit.js';
import type { Backup } from './listing.js';

/** What scheduling a restore does, as the backup package does it (scheduleRestore, then applyPendingRestore at start). */
export function RestoreMessage({ backup }: { backup: Backup }) {
  return (
    <>
      <p>Nothing changes now: the archive is verified and noted for the next start of the server.</p>
      <p>
        At the <strong>next start</strong>, before the database is opened, Panoptes checks the archive again: unchanged since now (SHA-256), the same database type, a schema this version
        knows, the same master key, and the database's integrity.
      </p>
      <ul>
        <li>
          If every check passes, the current database is kept as a <strong>pre-restore copy</strong> beside it (<code>&lt;database&gt;.pre-restore-&lt;time&gt;</code> on SQLite,{' '}
          <code>&lt;database&gt;_pre_restore_&lt;time&gt;</code> on PostgreSQL) and this backup takes its place: log entries, users, settings and configuration return to their state of{' '}
          {formatTime(backup.created_at)}.
        </li>
        <li>If a check fails, the current database is left untouched and the reason is shown on this page.</li>
        <li>Backup files made after this one stay in the backup folder and are listed again as adopted.</li>
      </ul>
    </>
  );
}
