import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiError, errorMessage, requestHeaders } from '../api/client.js';
import { ConfirmButton, Field, formatAge, formatBytes, formatTime, FormError, formValues, Loadable, TableHead, useResource, useSubmit } from '../components/kit.js';
import { SettingsForm } from './settings/SettingsForm.js';
import { useSettings } from './Settings.js';

interface Backup {
  readonly filename: string;
  readonly size_bytes: number;
  readonly kind: string;
  readonly note: string | null;
  readonly created_at: number;
  readonly verified_at: number | null;
}
interface Listing {
  readonly backups: Backup[];
  readonly lastRestore: { status?: string; archive?: string; at?: number; reason?: string; error?: string } | null;
  readonly pendingRestore: string | null;
}

/** Uploads an archive as the request body (the api streams it to disk and verifies it). */
async function upload(file: File): Promise<void> {
  const headers = { ...requestHeaders('POST'), 'content-type': 'application/gzip' };
  const response = await fetch('/api/backups/upload', { method: 'POST', body: file, headers, credentials: 'same-origin' });
  if (!response.ok) {
    const json = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    throw new ApiError(response.status, json.error?.code ?? 'HTTP', json.error?.message ?? response.statusText);
  }
}

export default function Backups() {
  const listing = useResource<Listing>('/api/backups');
  const settings = useSettings();
  const [notice, setNotice] = useState<string | null>(null);
  const create = useSubmit(async (note: string) => {
    await api('POST', '/api/backups', note ? { note } : {});
    await listing.reload();
  });
  const uploading = useSubmit(async (file: File) => {
    await upload(file);
    await listing.reload();
  });
  const fileInput = useRef<HTMLInputElement>(null);
  const verify = async (b: Backup) => {
    setNotice(null);
    try {
      const report = await api<{ ok: boolean; reason?: string }>('POST', `/api/backups/${encodeURIComponent(b.filename)}/verify`);
      setNotice(report.ok ? `${b.filename} verified: checksum, metadata and database integrity are good.` : `${b.filename} failed verification: ${report.reason ?? 'unknown reason'}`);
      await listing.reload();
    } catch (e) {
      setNotice(`${b.filename}: ${errorMessage(e)}`);
    }
  };
  return (
    <div className="backups">
      <h1>Backups</h1>
      <form
        className="stack card"
        aria-label="Create a backup"
        onSubmit={(e: FormEvent<HTMLFormElement>) => {
          const form = e.currentTarget;
          void create.run(formValues(e).note ?? '').then((ok) => ok && form.reset());
        }}
      >
        <Field label="Note" name="note" placeholder="before upgrading to 2.0" maxLength={500} error={create.fieldError('note')} />
        <FormError message={create.formError} />
        <div className="actions">
          <button type="submit" disabled={create.busy}>
            {create.busy ? 'Backing up…' : 'Create backup'}
          </button>
        </div>
      </form>
      <form className="stack card" aria-label="Upload a backup" onSubmit={(e) => e.preventDefault()}>
        <Field label="Upload an archive (.tar.gz) from this computer" error={undefined}>
          <input ref={fileInput} type="file" accept=".tar.gz,application/gzip" disabled={uploading.busy} onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) void uploading.run(file).then(() => fileInput.current && (fileInput.current.value = ''));
          }} />
        </Field>
        {uploading.busy && <p role="status">Uploading and verifying…</p>}
        <FormError message={uploading.error?.message ?? null} />
      </form>
      {notice && (
        <p role="status" className="card">
          {notice}
        </p>
      )}
      <Loadable resource={listing} isEmpty={(d) => d.backups.length === 0 && d.lastRestore === null && d.pendingRestore === null} empty="No backups yet.">
        {(d) => (
          <>
            {d.pendingRestore && (
              <p className="card warning" role="status">
                A restore of <strong>{d.pendingRestore}</strong> is scheduled: it replaces the database at the next start of the server.
              </p>
            )}
            {d.lastRestore && (
              <p className="card" aria-label="Last restore">
                Last restore: <strong>{String(d.lastRestore.status)}</strong> {d.lastRestore.archive ? `from ${d.lastRestore.archive}` : ''} {d.lastRestore.at ? `at ${formatTime(Number(d.lastRestore.at))}` : ''}{' '}
                {d.lastRestore.reason ?? d.lastRestore.error ?? ''}
              </p>
            )}
            <table className="data">
              <TableHead columns={['File', 'Kind', 'Size', 'Age', 'Verified', 'Note']} actions />
              <tbody>
                {d.backups.map((b) => (
                  <tr key={b.filename}>
                    <td>{b.filename}</td>
                    <td>{b.kind}</td>
                    <td>{formatBytes(b.size_bytes)}</td>
                    <td title={formatTime(b.created_at)}>{formatAge(Date.now() - b.created_at)} ago</td>
                    <td>{b.verified_at ? `yes, ${formatAge(Date.now() - b.verified_at)} ago` : 'not yet'}</td>
                    <td>{b.note ?? ''}</td>
                    <td className="row-actions">
                      <a href={`/api/backups/${encodeURIComponent(b.filename)}/download`} download>
                        Download
                      </a>
                      <button type="button" onClick={() => void verify(b)}>
                        Verify
                      </button>
                      <ConfirmButton
                        label="Restore"
                        title={`Restore ${b.filename}?`}
                        message={
                          <p>
                            The archive is verified now and applied at the <strong>next start</strong> of the server, before the database opens: every log entry, setting, user and
                            configuration change made since {formatTime(b.created_at)} is replaced by the backup's. The current database is kept beside it as a pre-restore copy; if the
                            archive fails its checks at start, nothing is replaced and the failure is shown here.
                          </p>
                        }
                        confirmLabel="Schedule restore"
                        onConfirm={async () => {
                          await api('POST', `/api/backups/${encodeURIComponent(b.filename)}/restore`);
                          await listing.reload();
                        }}
                      />
                      <ConfirmButton
                        label="Delete"
                        title={`Delete ${b.filename}?`}
                        message="The archive file is removed from the backup folder; this cannot be undone."
                        onConfirm={async () => {
                          await api('DELETE', `/api/backups/${encodeURIComponent(b.filename)}`);
                          await listing.reload();
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Loadable>
      <Loadable resource={settings}>
        {(s) => <SettingsForm title="Backup schedule and retention" readOnly={false} settings={s.settings.filter((x) => x.key.startsWith('backup.'))} onSaved={settings.reload} />}
      </Loadable>
      <p className="hint">
        Other settings are on the <Link to="/settings">Settings</Link> page.
      </p>
    </div>
  );
}
