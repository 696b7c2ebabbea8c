import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Dialect } from '@panoptes/db-core';
import { MigrationError, type Migration, type MigrationHook, type MigrationScript } from './migration.js';

const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];
const SQL_FILE = /^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$/;
const HOOK_FILE = /^(\d{4})_([a-z0-9_]+)\.(js|mjs|ts)$/;

/** The migrations that ship with this package (read from the build, next to this module). */
export const BUILT_IN_SQL_DIR = new URL('./sql/', import.meta.url);
export const BUILT_IN_HOOKS_DIR = new URL('./hooks/', import.meta.url);

interface Draft {
  version: string;
  name: string;
  up: Partial<Record<Dialect, MigrationScript>>;
  down: Partial<Record<Dialect, MigrationScript>>;
  hook?: MigrationHook;
}

/**
 * Reads `<sqlDir>/<dialect>/NNNN_name.{up,down}.sql` and `<hooksDir>/NNNN_name.{js,ts}` and checks
 * that they form one consistent list: one name per version, both dialects, an up and a down.
 */
export async function loadMigrations(sqlDir: URL | string = BUILT_IN_SQL_DIR, hooksDir: URL | string = BUILT_IN_HOOKS_DIR): Promise<Migration[]> {
  const drafts = new Map<string, Draft>();
  const draft = (version: string, name: string, file: string): Draft => {
    const existing = drafts.get(version);
    if (existing !== undefined && existing.name !== name) {
      throw new MigrationError('INVALID_MIGRATIONS', `version ${version} has two names: ${existing.name} and ${name} (${file})`);
    }
    const created = existing ?? { version, name, up: {}, down: {} };
    drafts.set(version, created);
    return created;
  };
  const sqlRoot = toPath(sqlDir);
  for (const dialect of DIALECTS) {
    const dir = `${sqlRoot}/${dialect}`;
    if (!existsSync(dir)) throw new MigrationError('INVALID_MIGRATIONS', `no ${dialect} migrations folder at ${dir}`);
    for (const file of readdirSync(dir).sort()) {
      const match = SQL_FILE.exec(file);
      if (match === null) throw new MigrationError('INVALID_MIGRATIONS', `unexpected file in ${dir}: ${file} (want NNNN_name.up.sql / .down.sql)`);
      const [, version, name, direction] = match as unknown as [string, string, string, 'up' | 'down'];
      draft(version, name, file)[direction][dialect] = { file: `sql/${dialect}/${file}`, sql: readFileSync(`${dir}/${file}`, 'utf8') };
    }
  }
  const hooksRoot = toPath(hooksDir);
  if (existsSync(hooksRoot)) {
    for (const file of readdirSync(hooksRoot).sort()) {
      const match = HOOK_FILE.exec(file);
      if (match === null || file.endsWith('.d.ts') || file.includes('.test.')) continue;
      const [, version, name] = match as unknown as [string, string, string];
      const module = (await import(pathToFileURL(`${hooksRoot}/${file}`).href)) as { default?: MigrationHook };
      const hook = module.default;
      if (hook === undefined || typeof hook.up !== 'function' || typeof hook.revision !== 'string') {
        throw new MigrationError('INVALID_MIGRATIONS', `hook ${file} must export default { revision, up(tx), down?(tx) }`);
      }
      draft(version, name, file).hook = hook;
    }
  }
  const migrations = [...drafts.values()].sort((a, b) => a.version.localeCompare(b.version));
  for (const m of migrations) {
    for (const dialect of DIALECTS) {
      if (m.hook === undefined && m.up[dialect] === undefined) {
        throw new MigrationError('INVALID_MIGRATIONS', `${m.version}_${m.name} has no ${dialect} up migration`);
      }
      if (m.hook?.down === undefined && m.down[dialect] === undefined) {
        throw new MigrationError('INVALID_MIGRATIONS', `${m.version}_${m.name} has no ${dialect} down migration`);
      }
    }
  }
  return migrations;
}

/** What is recorded for a version: the SHA-256 of its up SQL for the dialect, or the hook's revision. */
export function migrationChecksum(migration: Migration, dialect: Dialect): string {
  const content = migration.hook !== undefined ? `hook:${migration.version}:${migration.hook.revision}` : migration.up[dialect]!.sql;
  return createHash('sha256').update(content.replace(/\r\n/g, '\n')).digest('hex');
}

function toPath(dir: URL | string): string {
  const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

export const migrationLabel = (m: Pick<Migration, 'version' | 'name'>): string => `${m.version}_${m.name}`;
