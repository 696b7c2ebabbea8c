/** The project every page works in (filled by the projects work). */
export function ProjectSwitcher() {
  return null;
}
