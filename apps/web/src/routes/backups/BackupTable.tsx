import { useState } from 'react';
import { api, errorMessage } from '../../api/client.js';
import { ConfirmButton, formatAge, formatBytes, formatTime, TableHead } from '../../components/kit.js';
import { backupPath, kindLabel, type Backup, type VerifyReport } from './listing.js';
import { RestoreMessage } from './RestoreMessage.js';

export interface VerifyOutcome {
  readonly filename: string;
  readonly ok: boolean;
  readonly message: string;
}

/** The backups, newest first, with download, verify, restore and delete on each row. */
export function BackupTable({ backups, pendingRestore, onChanged, onVerified }: { backups: readonly Backup[]; pendingRestore: string | null; onChanged: () => Promise<void>; onVerified: (outcome: VerifyOutcome) => void }) {
  const [verifying, setVerifying] = useState<string | null>(null);
  // A failed verification is not stored by the api: remembered here until the next success.
  const [failed, setFailed] = useState<ReadonlyMap<string, string>>(new Map());
  const verify = async (b: Backup) => {
    setVerifying(b.filename);
    let outcome: VerifyOutcome;
    try {
      const report = await api<VerifyReport>('POST', backupPath(b, '/verify'));
      outcome = report.ok
        ? { filename: b.filename, ok: true, message: `${b.filename} verified: checksum, metadata and database integrity are good.` }
        : { filename: b.filename, ok: false, message: `${b.filename} failed verification: ${report.reason ?? 'no reason given'}` };
    } catch (e) {
      outcome = { filename: b.filename, ok: false, message: `${b.filename} could not be verified: ${errorMessage(e)}` };
    }
    setFailed((m) => {
      const next = new Map(m);
      if (outcome.ok) next.delete(b.filename);
      else next.set(b.filename, outcome.message);
      return next;
    });
    onVerified(outcome);
    await onChanged();
    setVerifying(null);
  };
  return (
    <table className="data backups-table">
      <TableHead columns={['File', 'Kind', 'Size', 'Created', 'Verification', 'Note']} actions />
      <tbody>
        {backups.map((b) => (
          <tr key={b.filename}>
            <td className="filename">{b.filename}</td>
            <td>{kindLabel(b)}</td>
            <td title={`${b.size_bytes} bytes`}>{formatBytes(b.size_bytes)}</td>
            <td title={formatTime(b.created_at)}>{formatAge(Date.now() - b.created_at)} ago</td>
            <td>
              {failed.has(b.filename) ? (
                <span className="bad">failed</span>
              ) : b.verified_at !== null ? (
                <span className="ok" title={formatTime(b.verified_at)}>
                  verified {formatAge(Date.now() - b.verified_at)} ago
                </span>
              ) : (
                <span className="hint">not verified</span>
              )}
            </td>
            <td>{b.note ?? ''}</td>
            <td>
              <div className="row-actions">
                <a className="button" href={backupPath(b, '/download')} download={b.filename}>
                  Download
                </a>
                <button type="button" disabled={verifying !== null} onClick={() => void verify(b)}>
                  {verifying === b.filename ? 'Verifying…' : 'Verify'}
                </button>
                <ConfirmButton
                  label="Restore"
                  title={`Restore ${b.filename}?`}
                  message={<RestoreMessage backup={b} />}
                  confirmLabel="Schedule restore"
                  onConfirm={async () => {
                    await api('POST', backupPath(b, '/restore'));
                    await onChanged();
                  }}
                />
                <ConfirmButton
                  label="Delete"
                  className="danger"
                  title={`Delete ${b.filename}?`}
                  message={
                    <>
                      <p>The archive file is removed from the backup folder and from this list; this cannot be undone.</p>
                      {pendingRestore === b.filename && <p className="bad">A restore of this backup is scheduled: with the file gone, that restore fails at the next start and the database stays as it is.</p>}
                    </>
                  }
                  onConfirm={async () => {
                    await api('DELETE', backupPath(b));
                    await onChanged();
                  }}
                />
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
