/** "a@x.example, b@y.example\nc@z.example" → the trimmed, de-duplicated entries. */
export function parseList(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((s) => s.trim().toLowerCase()).filter(Boolean))];
}

export interface Project {
  readonly uuid: string;
  readonly name: string;
  readonly isDefault: boolean;
  readonly allowedEmails: string[];
  readonly allowedDomains: string[];
}

/** Who may enter a project, in words. */
export function describeAccess(p: Pick<Project, 'allowedEmails' | 'allowedDomains'>): string {
  if (p.allowedEmails.length === 0 && p.allowedDomains.length === 0) return 'everyone';
  return [...p.allowedEmails, ...p.allowedDomains.map((d) => `anyone @${d}`)].join(', ');
}

/**
 * Which project the switcher shows: the remembered one while this user may still enter it, the
 * default one otherwise (or the first one open to the user when the default is closed to them);
 * `stale` says the requests go to a project the user cannot enter, so the choice must change to `value`.
 */
export function chooseProject(list: readonly Pick<Project, 'uuid' | 'isDefault'>[], remembered: string | null): { readonly value: string; readonly stale: boolean } {
  const byDefault = list.find((p) => p.isDefault)?.uuid;
  const fallback = byDefault ?? list[0]?.uuid ?? '';
  if (remembered !== null && list.some((p) => p.uuid === remembered)) return { value: remembered, stale: false };
  // No remembered choice means the default project; stale only if the user may not enter it.
  if (remembered === null) return { value: fallback, stale: byDefault === undefined && fallback !== '' };
  return { value: fallback, stale: true };
}
