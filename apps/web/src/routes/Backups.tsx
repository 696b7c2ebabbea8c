import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client.js';
import { Field, FormError, formValues, Loadable, useResource, useSubmit } from '../components/kit.js';
import { BackupTable, type VerifyOutcome } from './backups/BackupTable.js';
import type { Listing } from './backups/listing.js';
import { RestoreStatus } from './backups/RestoreStatus.js';
import { UploadForm } from './backups/UploadForm.js';
import { SettingsForm } from './settings/SettingsForm.js';
import { useSettings } from './Settings.js';
import './backups/backups.css';

/** The backup schedule and retention, edited through the settings api. */
function ScheduleForm() {
  const settings = useSettings();
  return (
    <Loadable resource={settings}>
      {(s) => <SettingsForm title="Backup schedule and retention" readOnly={false} settings={s.settings.filter((x) => x.key.startsWith('backup.'))} onSaved={settings.reload} />}
    </Loadable>
  );
}

function CreateForm({ onCreated }: { onCreated: () => Promise<void> }) {
  const create = useSubmit(async (note: string) => {
    await api('POST', '/api/backups', note ? { note } : {});
    await onCreated();
  });
  return (
    <form
      className="stack card"
      aria-label="Create a backup"
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        const form = e.currentTarget;
        void create.run((formValues(e).note ?? '').trim()).then((ok) => ok && form.reset());
      }}
    >
      <h2>New backup</h2>
      <Field label="Note" name="note" placeholder="before upgrading to 2.0" maxLength={500} error={create.fieldError('note')} hint="Optional: why this backup was taken." />
      <FormError message={create.formError} />
      <div className="actions">
        <button type="submit" disabled={create.busy}>
          {create.busy ? 'Backing up…' : 'Create backup'}
        </button>
      </div>
    </form>
  );
}

/** Backups are admin-only (the api refuses viewers; the shell neither links nor routes this page for them). */
export default function Backups() {
  const listing = useResource<Listing>('/api/backups');
  const [verified, setVerified] = useState<VerifyOutcome | null>(null);
  return (
    <div className="backups">
      <h1>Backups</h1>
      <div className="backups-forms">
        <CreateForm onCreated={listing.reload} />
        <UploadForm onUploaded={listing.reload} />
      </div>
      {verified && (
        <p role={verified.ok ? 'status' : 'alert'} className={verified.ok ? 'card ok' : 'card error'}>
          {verified.message}
        </p>
      )}
      <Loadable resource={listing}>
        {(d) => (
          <>
            <RestoreStatus pending={d.pendingRestore} last={d.lastRestore} onChanged={listing.reload} />
            <h2>Archives</h2>
            {d.backups.length === 0 ? (
              <p className="empty">No backups yet.</p>
            ) : (
              <BackupTable backups={d.backups} pendingRestore={d.pendingRestore} onChanged={listing.reload} onVerified={setVerified} />
            )}
          </>
        )}
      </Loadable>
      <ScheduleForm />
      <p className="hint">
        Other settings are on the <Link to="/settings">Settings</Link> page.
      </p>
    </div>
  );
}
