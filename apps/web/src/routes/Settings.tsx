import { Loadable, useResource } from '../components/kit.js';
import { useUser } from '../components/session.js';
import { groupSettings, type Setting } from './settings/setting-value.js';
import { SettingsForm } from './settings/SettingsForm.js';
import './settings/settings.css';

export function useSettings() {
  return useResource<{ settings: Setting[] }>('/api/settings');
}

/** Every setting the api's catalog exposes, grouped; viewers see them read-only. */
export default function Settings() {
  const settings = useSettings();
  const readOnly = useUser().role !== 'admin';
  return (
    <div className="settings">
      <h1>Settings</h1>
      {readOnly && <p className="hint">You are signed in as a viewer: settings are shown read-only, only admins change them.</p>}
      <Loadable resource={settings} isEmpty={(d) => d.settings.length === 0} empty="The server exposes no settings.">
        {(d) => (
          <div className="settings-grid">
            {groupSettings(d.settings).map((g) => (
              <SettingsForm key={g.title} title={g.title} readOnly={readOnly} settings={g.settings} onSaved={settings.reload} />
            ))}
          </div>
        )}
      </Loadable>
    </div>
  );
}
