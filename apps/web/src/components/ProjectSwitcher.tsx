import { useEffect } from 'react';
import { currentProject, setProject } from '../api/client.js';
import { useResource } from './kit.js';
import { chooseProject, type Project } from './project-lists.js';

/** Sent on `window` when projects are created, renamed or deleted, so the switcher reloads its list. */
export const PROJECTS_CHANGED = 'panoptes:projects-changed';

/** The default project is remembered as "none", so a restored or re-created default still matches. */
function remember(list: readonly Project[], uuid: string): void {
  const next = list.find((p) => p.uuid === uuid);
  setProject(next === undefined || next.isDefault ? null : next.uuid);
}

/**
 * The project every page works in: remembered in this browser; a remembered project that is gone
 * (or no longer open to this user) falls back to the default one. `onSwitch` reloads the page's data.
 */
export function ProjectSwitcher({ onSwitch }: { onSwitch: () => void }) {
  const projects = useResource<{ projects: Project[] }>('/api/projects');
  const list = projects.data?.projects ?? [];
  const { value, stale } = chooseProject(list, currentProject());
  const { reload } = projects;
  useEffect(() => {
    const listener = () => void reload();
    window.addEventListener(PROJECTS_CHANGED, listener);
    return () => window.removeEventListener(PROJECTS_CHANGED, listener);
  }, [reload]);
  useEffect(() => {
    if (projects.data === null || !stale) return;
    remember(projects.data.projects, value);
    onSwitch();
  }, [projects.data, stale, value, onSwitch]);
  if (list.length <= 1) return null;
  return (
    <label className="inline">
      Project{' '}
      <select
        value={value}
        onChange={(e) => {
          remember(list, e.target.value);
          onSwitch();
        }}
      >
        {list.map((p) => (
          <option key={p.uuid} value={p.uuid}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
