import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { BackupError } from './errors.js';
import { COUNTED_TABLES } from './metadata.js';

const run = promisify(execFile);

/** The URL without its password, and the password for PGPASSWORD (so `ps` never shows it). */
function splitPassword(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), env: password === '' ? {} : { PGPASSWORD: password } };
}

/** Runs a Postgres client tool with an argument list: never a shell, never a command string. */
async function tool(name: 'pg_dump' | 'pg_restore', args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout } = await run(name, args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new BackupError('PG_TOOL_MISSING', `${name} is not installed: install the PostgreSQL client tools (Debian: postgresql-client)`);
    throw new BackupError('BACKUP_FAILED', `${name} failed: ${(e.stderr ?? e.message).trim().slice(0, 2000)}`, { cause: error });
  }
}

/**
 * Dumps the database with `pg_dump --format=custom` inside an exported snapshot, so the row counts
 * recorded in the metadata describe exactly the dumped data.
 */
export async function dumpPostgres(url: string, target: string): Promise<{ counts: Record<string, number>; schemaVersion: string | null }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    const source = splitPassword(url);
    await tool('pg_dump', ['--format=custom', '--no-owner', `--snapshot=${rows[0]!.id}`, `--file=${target}`, `--dbname=${source.url}`], source.env);
    const counts: Record<string, number> = {};
    for (const table of COUNTED_TABLES) {
      const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS e', [table]);
      if (exists.rows[0].e === true) counts[table] = Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
    }
    const hasMigrations = (await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS e")).rows[0].e === true;
    const schemaVersion = hasMigrations ? ((await client.query('SELECT max(version) AS v FROM schema_migrations')).rows[0].v as string | null) : null;
    await client.query('COMMIT');
    return { counts, schemaVersion };
  } finally {
    await client.end();
  }
}

/** Checks that a dump is readable (`pg_restore --list`). */
export async function checkPostgresDump(file: string): Promise<void> {
  await tool('pg_restore', ['--list', file]);
}

/** Restores a dump into an empty database. */
export async function restorePostgresDump(file: string, url: string): Promise<void> {
  const target = splitPassword(url);
  await tool('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${target.url}`, file], target.env);
}
