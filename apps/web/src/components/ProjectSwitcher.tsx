import { useEffect } from 'react';
import { currentProject, setProject } from '../api/client.js';
import { useResource } from './kit.js';
import type { Project } from './project-lists.js';

/** Sent on `window` when projects are created, renamed or deleted, so the switcher reloads its list. */
export const PROJECTS_CHANGED = 'panoptes:projects-changed';

/**
 * The project every page works in: remembered in this browser; a remembered project that is gone
 * (or no longer open to this user) falls back to the default one. `onSwitch` reloads the page's data.
 */
export function ProjectSwitcher({ onSwitch }: { onSwitch: () => void }) {
  const projects = useResource<{ projects: Project[] }>('/api/projects');
  const list = projects.data?.projects ?? [];
  const selected = currentProject();
  const known = list.some((p) => p.uuid === selected);
  const { reload } = projects;
  useEffect(() => {
    const listener = () => void reload();
    window.addEventListener(PROJECTS_CHANGED, listener);
    return () => window.removeEventListener(PROJECTS_CHANGED, listener);
  }, [reload]);
  useEffect(() => {
    if (projects.data !== null && selected !== null && !known) {
      setProject(null);
      onSwitch();
    }
  }, [projects.data, selected, known, onSwitch]);
  if (list.length <= 1) return null;
  const value = known ? selected! : (list.find((p) => p.isDefault)?.uuid ?? '');
  return (
    <label className="inline">
      Project{' '}
      <select
        value={value}
        onChange={(e) => {
          const next = list.find((p) => p.uuid === e.target.value);
          setProject(next === undefined || next.isDefault ? null : next.uuid);
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
