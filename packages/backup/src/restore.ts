import { existsSync } from 'node:fs';
import { link, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { acquireWriterLock, silentLogger, type DatabaseTarget, type Logger } from '@panoptes/db-core';
import { extractExpected } from './archive.js';
import { RESTORE_MARKER } from './backup-manager.js';
import { BackupError } from './errors.js';
import { archivePath, fsyncPath, TEMP_PREFIX } from './files.js';
import { restorePostgresDump } from './postgres-dump.js';
import { checkSqliteFile } from './sqlite-snapshot.js';

export const RESTORE_FAILED = '.restore_failed';
export const RESTORE_DONE = '.restore_done';

export interface RestoreOptions {
  readonly dataDir: string;
  readonly backupsDir: string;
  /** The database to replace. */
  readonly target: DatabaseTarget;
  /** The fingerprint of the master key this Panoptes runs with. */
  readonly masterKeyFingerprint: string;
  /** Migration versions this code knows: an archive with another schema version is refused. */
  readonly knownSchemaVersions: readonly string[];
  readonly logger?: Logger;
  readonly clock?: () => number;
}

export type RestoreOutcome =
  | { readonly status: 'none' }
  | { readonly status: 'restored'; readonly archive: string; readonly previous: string | null }
  | { readonly status: 'failed'; readonly archive: string | null; readonly reason: string };

/** The last restore's outcome (`.restore_done` / `.restore_failed`), for the panel. */
export async function lastRestoreResult(dataDir: string): Promise<Record<string, unknown> | null> {
  const read = async (name: string) => JSON.parse(await readFile(join(dataDir, name), 'utf8')) as Record<string, unknown>;
  const results = await Promise.all([RESTORE_DONE, RESTORE_FAILED].map((n) => (existsSync(join(dataDir, n)) ? read(n) : null)));
  return results.filter((r) => r !== null).sort((a, b) => Number(b.at) - Number(a.at))[0] ?? null;
}

/**
 * Runs at boot, before the database is opened: when a restore is pending, checks the archive
 * (SHA-256, metadata, schema version, master-key fingerprint, integrity), keeps the current database
 * as a pre-restore copy and swaps the restored one in atomically. Any failure leaves the live
 * database untouched, records the reason in `.restore_failed`, and boot goes on. The archive is
 * read once; the integrity check is skipped only when the marker says this very archive (same
 * SHA-256, so the same database bytes) passed it when the restore was scheduled.
 */
export async function applyPendingRestore(options: RestoreOptions): Promise<RestoreOutcome> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? Date.now;
  const marker = join(options.dataDir, RESTORE_MARKER);
  if (!existsSync(marker)) return { status: 'none' };
  let archive: string | null = null;
  const scratch = await mkdtemp(join(options.dataDir, `${TEMP_PREFIX}restore-`));
  try {
    const pending = JSON.parse(await readFile(marker, 'utf8')) as { archive?: unknown; sha256?: unknown; integrity_checked?: unknown };
    if (typeof pending.archive !== 'string' || typeof pending.sha256 !== 'string') throw new BackupError('ARCHIVE_CORRUPT', 'the restore marker is unreadable');
    archive = pending.archive;
    const path = archivePath(options.backupsDir, archive);
    if (!existsSync(path)) throw new BackupError('BACKUP_NOT_FOUND', `the archive ${archive} is gone`);
    const extracted = await extractExpected(path, scratch, pending.sha256, 'the archive changed since the restore was scheduled (SHA-256 mismatch)');
    const { metadata, databaseFile } = extracted;
    if (metadata.dialect !== options.target.dialect) {
      throw new BackupError('ARCHIVE_WRONG_DIALECT', `the archive holds a ${metadata.dialect} database; this Panoptes runs on ${options.target.dialect}`);
    }
    if (metadata.schema_version !== null && !options.knownSchemaVersions.includes(metadata.schema_version)) {
      throw new BackupError(
        'ARCHIVE_NEWER_SCHEMA',
        `the archive's schema (${metadata.schema_version}) is newer than this Panoptes knows (${options.knownSchemaVersions.at(-1) ?? 'none'}): upgrade Panoptes first`,
      );
    }
    if (metadata.master_key_fingerprint !== options.masterKeyFingerprint) {
      throw new BackupError(
        'ARCHIVE_WRONG_KEY',
        `the archive was made with the master key whose fingerprint starts ${metadata.master_key_fingerprint.slice(0, 12)}, ` +
          `but this Panoptes runs with ${options.masterKeyFingerprint.slice(0, 12)}: start it with the archive's key to restore it`,
      );
    }
    if (extracted.databaseSha256 !== metadata.database_sha256) throw new BackupError('ARCHIVE_CHECKSUM', 'the database inside the archive does not match its SHA-256');
    const stamp = new Date(clock()).toISOString().replace(/[:.]/g, '-');
    const previous =
      options.target.dialect === 'sqlite'
        ? await swapSqlite(databaseFile, options.target.path, stamp, pending.integrity_checked !== true)
        : await swapPostgres(databaseFile, options.target.url, stamp);
    await writeResult(options.dataDir, RESTORE_DONE, { status: 'restored', archive, previous, at: clock() });
    await rm(marker, { force: true });
    await rm(join(options.dataDir, RESTORE_FAILED), { force: true });
    logger.info({ archive, previous }, 'backup restored');
    return { status: 'restored', archive, previous };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.error({ archive, reason }, 'pending restore failed: the live database was left as it was');
    await writeResult(options.dataDir, RESTORE_FAILED, { status: 'failed', archive, reason, at: clock() });
    await rm(marker, { force: true });
    return { status: 'failed', archive, reason };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function writeResult(dataDir: string, name: string, result: Record<string, unknown>): Promise<void> {
  const temporary = join(dataDir, `${name}.tmp`);
  await writeFile(temporary, JSON.stringify(result), { mode: 0o600 });
  await rename(temporary, join(dataDir, name));
  await fsyncPath(dataDir);
}

/**
 * Folds the live database's WAL into its file, keeps it (hard link) as `<db>.pre-restore-<time>`,
 * then renames the restored file over it (atomic) and removes the old -wal/-shm. A crash at any
 * point leaves either the old database or the new one, and the marker for another try.
 */
async function swapSqlite(restored: string, live: string, stamp: string, checkIntegrity: boolean): Promise<string | null> {
  if (checkIntegrity) {
    const check = await checkSqliteFile(restored);
    if (check.integrity !== 'ok') throw new BackupError('ARCHIVE_CORRUPT', `the restored database fails its integrity check: ${check.integrity}`);
  }
  // Refuses (DATABASE_LOCKED) while any Panoptes process has the database open.
  const lock = await acquireWriterLock(live);
  try {
    return await replaceSqlite(restored, live, stamp);
  } finally {
    lock.release();
  }
}

async function replaceSqlite(restored: string, live: string, stamp: string): Promise<string | null> {
  let previous: string | null = null;
  if (existsSync(live)) {
    const db = new Database(live);
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    previous = `${live}.pre-restore-${stamp}`;
    await link(live, previous);
  }
  await fsyncPath(restored);
  await rename(restored, live);
  await rm(`${live}-wal`, { force: true });
  await rm(`${live}-shm`, { force: true });
  await fsyncPath(dirname(live));
  return previous;
}

/**
 * Restores the dump into a new database, then renames the live one to `<db>_pre_restore_<time>`
 * and the new one to the live name in one transaction. Needs the CREATEDB privilege.
 */
async function swapPostgres(dump: string, url: string, stamp: string): Promise<string | null> {
  const target = new URL(url);
  const live = decodeURIComponent(target.pathname.slice(1));
  const suffix = stamp.replace(/[^0-9]/g, '').slice(0, 14);
  // A fixed name: a retry after a crash drops what the interrupted attempt left.
  const fresh = `${live}_restore_pending`.slice(0, 63);
  const previous = `${live}_pre_restore_${suffix}`.slice(0, 63);
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: maintenance.toString() });
  await admin.connect();
  try {
    const id = (name: string) => admin.escapeIdentifier(name);
    await admin.query(`DROP DATABASE IF EXISTS ${id(fresh)}`);
    await admin.query(`CREATE DATABASE ${id(fresh)}`);
    const freshUrl = new URL(url);
    freshUrl.pathname = `/${encodeURIComponent(fresh)}`;
    try {
      await restorePostgresDump(dump, freshUrl.toString());
    } catch (error) {
      await admin.query(`DROP DATABASE IF EXISTS ${id(fresh)} WITH (FORCE)`);
      throw error;
    }
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [live])).rowCount === 1;
    await admin.query('BEGIN');
    try {
      if (exists) await admin.query(`ALTER DATABASE ${id(live)} RENAME TO ${id(previous)}`);
      await admin.query(`ALTER DATABASE ${id(fresh)} RENAME TO ${id(live)}`);
      await admin.query('COMMIT');
    } catch (error) {
      await admin.query('ROLLBACK');
      await admin.query(`DROP DATABASE IF EXISTS ${id(fresh)} WITH (FORCE)`);
      throw new BackupError('BACKUP_FAILED', `the restored database could not replace ${live}: ${(error as Error).message}`, { cause: error });
    }
    return exists ? previous : null;
  } finally {
    await admin.end();
  }
}
