import { DEFAULT_PROJECT_UUID, type Database, type WriteContext } from '@panoptes/db-core';
import { auditEntry, contentHash, type AuditEvent } from '@panoptes/ingest';

/**
 * Writes an audit entry (who, what, target, before and after with secrets redacted) in the write
 * unit of the change itself: the change and its record commit together or not at all.
 */
export async function audit(tx: WriteContext, event: AuditEvent, projectUuid: string = DEFAULT_PROJECT_UUID): Promise<void> {
  const e = auditEntry(event);
  await tx.insertMany(
    'log_entries',
    ['project_uuid', 'ts', 'source', 'level', 'user_id', 'remote_ip', 'message', 'raw', 'content_hash'],
    [[projectUuid, e.ts, e.source, e.level, e.user_id, e.remote_ip, e.message, e.raw, contentHash(projectUuid, 'audit', e.raw)]],
    { onConflict: 'ignore' },
  );
}

/**
 * For changes a package makes in its own write unit (notification channels, backups): the audit
 * entry follows in a unit of its own, right after.
 */
export async function auditAfter(db: Database, event: AuditEvent, projectUuid: string = DEFAULT_PROJECT_UUID): Promise<void> {
  await db.write((tx) => audit(tx, event, projectUuid));
}
