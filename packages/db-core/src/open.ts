import { resolve } from 'node:path';
import type { Database, OpenOptions } from './database.js';
import { PanoptesError } from './errors.js';
import { openPostgres } from './postgres/open.js';
import { openSqlite } from './sqlite/open.js';

export type DatabaseTarget = { readonly dialect: 'sqlite'; readonly path: string } | { readonly dialect: 'postgres'; readonly url: string };

/**
 * Reads a database URL: `postgres://` or `postgresql://` for Postgres; `sqlite:<path>` or a bare
 * path for SQLite (relative paths resolve against the working directory).
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { dialect: 'postgres', url: trimmed };
  let path = trimmed;
  if (/^sqlite:/i.test(path)) path = path.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    throw new PanoptesError('INVALID_DATABASE_URL', `unsupported database URL scheme in ${JSON.stringify(url.split('://')[0])}: use sqlite:<path> or postgres://...`);
  }
  if (path === '') throw new PanoptesError('INVALID_DATABASE_URL', 'the SQLite database URL names no file: use sqlite:<path>');
  return { dialect: 'sqlite', path: resolve(path) };
}

/** Opens a Panoptes database from a URL (`sqlite:<path>` by default, or `postgres://...`). */
export function openDatabase(options: OpenOptions | string): Promise<Database> {
  const resolved: OpenOptions = typeof options === 'string' ? { url: options } : options;
  const target = parseDatabaseUrl(resolved.url);
  return target.dialect === 'postgres' ? openPostgres(target.url, resolved) : openSqlite(target.path, resolved);
}
