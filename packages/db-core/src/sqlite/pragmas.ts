import type BetterSqlite3 from 'better-sqlite3';

export const BUSY_TIMEOUT_MS = 5000;
export const DEFAULT_JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;
/** Page cache per connection: SQLite's default (2 MiB) thrashes once the log indexes outgrow it. */
export const DEFAULT_CACHE_KIB = 64 * 1024;

/** The pragmas every connection gets (DESIGN.md, storage rules). */
export function applyConnectionPragmas(raw: BetterSqlite3.Database, journalSizeLimit: number, cacheKiB = DEFAULT_CACHE_KIB): void {
  raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  raw.pragma(`cache_size = -${Math.trunc(cacheKiB)}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('synchronous = NORMAL');
  raw.pragma(`journal_size_limit = ${Math.trunc(journalSizeLimit)}`);
}

export interface SqlitePragmas {
  readonly journal_mode: string;
  readonly synchronous: number;
  readonly foreign_keys: number;
  readonly busy_timeout: number;
  readonly journal_size_limit: number;
  /** 0 none, 1 full, 2 incremental. */
  readonly auto_vacuum: number;
}

/** Reads back what a connection actually runs with. */
export function readPragmas(raw: BetterSqlite3.Database): SqlitePragmas {
  const one = (name: string): unknown => raw.pragma(name, { simple: true });
  return {
    journal_mode: String(one('journal_mode')),
    synchronous: Number(one('synchronous')),
    foreign_keys: Number(one('foreign_keys')),
    busy_timeout: Number(one('busy_timeout')),
    journal_size_limit: Number(one('journal_size_limit')),
    auto_vacuum: Number(one('auto_vacuum')),
  };
}
