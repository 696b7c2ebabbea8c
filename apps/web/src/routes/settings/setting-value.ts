/** A setting as GET /api/settings lists it: the catalog in the api decides keys, types and defaults. */
export interface Setting {
  readonly key: string;
  readonly value: unknown;
  readonly default: unknown;
  readonly description: string;
}

export type SettingInput = 'checkbox' | 'number' | 'text';

/** The input a setting needs, from its default's type (the api's catalog types every value). */
export function inputKind(setting: Setting): SettingInput {
  if (typeof setting.default === 'boolean') return 'checkbox';
  if (typeof setting.default === 'number') return 'number';
  return 'text';
}

const UNITS: readonly (readonly [suffix: string, unit: string])[] = [
  ['_days', 'days'],
  ['_hours', 'hours'],
  ['_minutes', 'minutes'],
];

/** The unit a number setting is counted in, from its key (`session.idle_minutes` → minutes). */
export function settingUnit(key: string): string | null {
  return UNITS.find(([suffix]) => key.endsWith(suffix))?.[1] ?? null;
}

/**
 * The form value of a setting back to its type: numbers, booleans, text. An empty or non-numeric
 * number is sent as NaN (JSON null) so the api answers with its own message for that field.
 */
export function parseSetting(setting: Setting, text: string, checked: boolean): unknown {
  const kind = inputKind(setting);
  if (kind === 'checkbox') return checked;
  if (kind === 'number') return text.trim() === '' ? Number.NaN : Number(text);
  return text;
}

/** The settings whose form value differs from the stored one, typed, in catalog order. */
export function changedSettings(settings: readonly Setting[], read: (key: string) => { readonly value: string; readonly checked: boolean } | null): Map<string, unknown> {
  const changed = new Map<string, unknown>();
  for (const s of settings) {
    const input = read(s.key);
    if (input === null) continue;
    const value = parseSetting(s, input.value, input.checked);
    if (!Object.is(value, s.value)) changed.set(s.key, value);
  }
  return changed;
}

/** Settings grouped by the first part of their key; a key no group claims lands in "Other settings". */
export const GROUPS: readonly { readonly title: string; readonly prefixes: readonly string[] }[] = [
  { title: 'Log retention', prefixes: ['logs.'] },
  { title: 'Sessions and sign-in', prefixes: ['session.', 'auth.'] },
  { title: 'Backups', prefixes: ['backup.'] },
  { title: 'Notifications', prefixes: ['notifications.'] },
];

export function groupSettings(settings: readonly Setting[]): { readonly title: string; readonly settings: readonly Setting[] }[] {
  const claimed = (s: Setting, prefixes: readonly string[]) => prefixes.some((p) => s.key.startsWith(p));
  const groups = GROUPS.map((g) => ({ title: g.title, settings: settings.filter((s) => claimed(s, g.prefixes)) }));
  const other = settings.filter((s) => !GROUPS.some((g) => claimed(s, g.prefixes)));
  return [...groups, { title: 'Other settings', settings: other }].filter((g) => g.settings.length > 0);
}
