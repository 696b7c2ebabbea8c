/** An event type of the api's catalog, with what it means. */
export interface EventInfo {
  readonly type: string;
  readonly description: string;
}

/**
 * What a rule can match: every event (`*`), a family (`waf.*`, any depth below) or one type.
 * Families come from the catalog's prefixes, so the editor never offers a pattern that matches nothing.
 */
export function eventPatterns(events: readonly EventInfo[]): { readonly value: string; readonly label: string }[] {
  const families = [...new Set(events.map((e) => e.type.split('.')[0]!).filter((prefix) => events.filter((e) => e.type.startsWith(`${prefix}.`)).length > 1))];
  return [
    { value: '*', label: '* — every event' },
    ...families.map((f) => ({ value: `${f}.*`, label: `${f}.* — every ${f} event` })),
    ...events.map((e) => ({ value: e.type, label: `${e.type} — ${e.description}` })),
  ];
}
