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
