import type { LogEntry } from '../../api/client.js';

/** Rows kept while tailing: the oldest fall off beyond this. */
export const LIVE_LIMIT = 500;
/** Rows asked for per poll; a poll that fills it means some rows were skipped. */
export const LIVE_BATCH = 200;
/** Pause between the end of one poll and the start of the next (polls never overlap). */
export const LIVE_EVERY_MS = 2000;

export interface LiveMerge {
  readonly entries: LogEntry[];
  /** Rows not shown before. */
  readonly added: number;
  /** Rows that fell off the end to keep the list bounded. */
  readonly dropped: number;
}

/**
 * Newer rows on top of the shown ones, without duplicates, newest first, at most `limit` kept (the
 * oldest fall off): a live tail that never floods the browser.
 */
export function mergeNewer(shown: readonly LogEntry[], incoming: readonly LogEntry[], limit: number): LiveMerge {
  const seen = new Set(shown.map((e) => e.id));
  const fresh = incoming.filter((e) => !seen.has(e.id));
  const all = [...fresh, ...shown].sort((a, b) => b.ts - a.ts || b.id - a.id);
  const entries = all.slice(0, limit);
  return { entries, added: fresh.length, dropped: all.length - entries.length };
}

/** What the live status line says. */
export function liveStatus(arrived: number, skipped: boolean, limit: number = LIVE_LIMIT): string {
  const base = `Live: ${arrived} new ${arrived === 1 ? 'entry' : 'entries'}; the newest ${limit} are kept.`;
  return skipped ? `${base} Lines arrived faster than shown: some were skipped (the search still finds them).` : base;
}
