/** A host's rules in evaluation order and the moves the page offers on them. */

export interface Ordered {
  readonly id: number;
  readonly priority?: unknown;
}

/** Lowest priority first; equal priorities keep their id order, as the proxy evaluates them. */
export function byPriority<T extends Ordered>(rules: readonly T[]): readonly T[] {
  return [...rules].sort((a, b) => Number(a.priority) - Number(b.priority) || a.id - b.id);
}

/** The item at `from` taken out and put at `to` (a drag and drop); the same array when nothing moves. */
export function reorder<T>(items: readonly T[], from: number, to: number): readonly T[] {
  if (from === to || from < 0 || to < 0 || from >= items.length || to >= items.length) return items;
  const next = [...items];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}

/** The priority a new rule gets so that it runs after every existing one. */
export function nextPriority(rules: readonly Ordered[]): number {
  return rules.reduce((max, r) => Math.max(max, Number(r.priority) || 0), 0) + 10;
}

/** What a screen reader hears after a move, e.g. "legacy redirect moved to position 1 of 2". */
export function moveAnnouncement(name: string, to: number, total: number): string {
  return `${name} moved to position ${to + 1} of ${total}`;
}
