import { Loadable, useResource } from '../components/kit.js';
import { useUser } from '../components/session.js';
import { SettingsForm, type Setting } from './settings/SettingsForm.js';

/** Settings grouped by the first part of their key. */
export const GROUPS: readonly { readonly title: string; readonly prefixes: readonly string[] }[] = [
  { title: 'Log retention', prefixes: ['logs.'] },
  { title: 'Sessions and sign-in', prefixes: ['session.', 'auth.'] },
  { title: 'Backups', prefixes: ['backup.'] },
  { title: 'Notifications', prefixes: ['notifications.'] },
];

export function useSettings() {
  return useResource<{ settings: Setting[] }>('/api/settings');
}

export default function Settings() {
  const settings = useSettings();
  const readOnly = useUser().role !== 'admin';
  return (
    <div className="settings">
      <h1>Settings</h1>
      {readOnly && <p className="hint">Only admins change settings.</p>}
      <Loadable resource={settings}>
        {(d) => (
          <div className="grid">
            {GROUPS.map((g) => (
              <SettingsForm key={g.title} title={g.title} readOnly={readOnly} settings={d.settings.filter((s) => g.prefixes.some((p) => s.key.startsWith(p)))} onSaved={settings.reload} />
            ))}
          </div>
        )}
      </Loadable>
    </div>
  );
}
