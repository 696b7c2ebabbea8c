import type { LogEntry } from '../../api/client.js';

/**
 * Newer rows on top of the shown ones, without duplicates, newest first, at most `limit` kept (the
 * oldest fall off): a live tail that never floods the browser. `added` counts the rows that are new.
 */
export function mergeNewer(shown: readonly LogEntry[], incoming: readonly LogEntry[], limit: number): { entries: LogEntry[]; added: number } {
  const seen = new Set(shown.map((e) => e.id));
  const fresh = incoming.filter((e) => !seen.has(e.id));
  const entries = [...fresh, ...shown].sort((a, b) => b.ts - a.ts || b.id - a.id).slice(0, limit);
  return { entries, added: fresh.length };
}
