import type BetterSqlite3 from 'better-sqlite3';

export const BUSY_TIMEOUT_MS = 5000;
export const DEFAULT_JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;
/** Page cache per connection: SQLite's default (2 MiB) is small for 1M-row reads; the write path, append-mostly since migration 0005, needs little (8 and 64 MiB ingest alike). */
export const DEFAULT_CACHE_KIB = 16 * 1024;

/** The pragmas every connection gets (DESIGN.md, storage rules), as `PRAGMA` arguments. */
export function connectionPragmas(journalSizeLimit: number, cacheKiB = DEFAULT_CACHE_KIB): readonly string[] {
  return [
    `busy_timeout = ${BUSY_TIMEOUT_MS}`,
    `cache_size = -${Math.trunc(cacheKiB)}`,
    'foreign_keys = ON',
    'synchronous = NORMAL',
    `journal_size_limit = ${Math.trunc(journalSizeLimit)}`,
  ];
}

/** Applies {@link connectionPragmas} to a connection of this thread. */
export function applyConnectionPragmas(raw: BetterSqlite3.Database, journalSizeLimit: number, cacheKiB = DEFAULT_CACHE_KIB): void {
  for (const pragma of connectionPragmas(journalSizeLimit, cacheKiB)) raw.pragma(pragma);
}

/** What a connection actually runs with, as its thread reads it back (thread-source.ts). */
export interface SqlitePragmas {
  readonly journal_mode: string;
  readonly synchronous: number;
  readonly foreign_keys: number;
  readonly busy_timeout: number;
  readonly journal_size_limit: number;
  /** 0 none, 1 full, 2 incremental. */
  readonly auto_vacuum: number;
}
