import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { silentLogger, type BackupsTable, type Database, type DatabaseTarget, type Logger } from '@panoptes/db-core';
import type { Selectable } from 'kysely';
import { extractExpected, readArchiveMetadata } from './archive.js';
import { writeArchive } from './archive-writer.js';
import { BackupError } from './errors.js';
import { ARCHIVE_NAME, archiveName, archivePath, fsyncPath, sha256File, TEMP_PREFIX, tempName } from './files.js';
import { ARCHIVE_FORMAT_VERSION, type ArchiveMetadata } from './metadata.js';
import { checkPostgresDump, dumpPostgres } from './postgres-dump.js';
import { checkSqliteFile, snapshotSqlite } from './sqlite-snapshot.js';

export type BackupRecord = Selectable<BackupsTable>;

export interface BackupManagerOptions {
  readonly db: Database;
  /** The live database (`parseDatabaseUrl()` of the configured URL). */
  readonly target: DatabaseTarget;
  readonly backupsDir: string;
  readonly appVersion: string;
  /** The fingerprint of the master key: recorded so a restore with another key is refused. */
  readonly masterKeyFingerprint: string;
  /** gzip level, 1 (fast, the default) to 9. */
  readonly gzipLevel?: number;
  readonly logger?: Logger;
  readonly clock?: () => number;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly reason?: string;
  readonly metadata?: ArchiveMetadata;
}

export interface ReconcileReport {
  /** Archives found without a row, now rows of kind `orphan`. */
  readonly adopted: readonly string[];
  /** Rows whose file is gone. */
  readonly missingFiles: readonly string[];
  /** Temporary files left by an interrupted backup, removed. */
  readonly removedTemporary: readonly string[];
}

export interface BackupRetention {
  /** `backup.retention_days`: scheduled backups older than this go... */
  readonly retentionDays: number;
  /** ...except the newest `backup.keep_last` of them. */
  readonly keepLast: number;
}

const DAY_MS = 86_400_000;
export const RESTORE_MARKER = '.restore_pending';

/**
 * Creates, lists, verifies, deletes and serves backups. An archive is a tar.gz of `metadata.json`
 * and the database (a `VACUUM INTO` snapshot, or a `pg_dump`); its SHA-256 is in the `backups` row.
 */
export class BackupManager {
  readonly #o: BackupManagerOptions;
  readonly #logger: Logger;
  readonly #clock: () => number;

  constructor(options: BackupManagerOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? Date.now;
  }

  get backupsDir(): string {
    return this.#o.backupsDir;
  }

  /**
   * Takes a backup while writers keep writing: snapshot, then the streamed archive with metadata
   * and SHA-256 while the snapshot's integrity check runs, fsync of file and folder once both
   * succeeded, atomic rename, then the row. Nothing is left behind when a step fails.
   */
  async create(options: { readonly kind: 'manual' | 'scheduled'; readonly note?: string | null; readonly triggerUserId?: number | null }): Promise<BackupRecord> {
    const dir = this.#o.backupsDir;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const now = this.#clock();
    const dialect = this.#o.target.dialect;
    const snapshot = join(dir, tempName(dialect === 'sqlite' ? '.db' : '.pgdump'));
    const temporary = join(dir, tempName('.tar.gz'));
    let final: string | undefined;
    try {
      const { counts, schemaVersion, sha256, checked } = await this.#capture(snapshot);
      const metadata: ArchiveMetadata = {
        format_version: ARCHIVE_FORMAT_VERSION,
        app_version: this.#o.appVersion,
        schema_version: schemaVersion,
        dialect,
        created_at: now,
        kind: options.kind,
        database_sha256: sha256,
        master_key_fingerprint: this.#o.masterKeyFingerprint,
        row_counts: counts,
      };
      const archiving = writeArchive({ target: temporary, metadata, databaseFile: snapshot, gzipLevel: this.#o.gzipLevel ?? 1 });
      // Both settle before anything else happens, so no check is left running after a failure.
      const [written, check] = await Promise.allSettled([archiving, checked]);
      if (check.status === 'rejected') throw check.reason;
      if (written.status === 'rejected') throw written.reason;
      const archive = written.value;
      await fsyncPath(temporary);
      final = archiveName(options.kind, now);
      await rename(temporary, join(dir, final));
      await fsyncPath(dir);
      const name = final;
      const row = await this.#o.db.write((tx) =>
        tx.db
          .insertInto('backups')
          .values({ filename: name, size_bytes: archive.size, sha256: archive.sha256, kind: options.kind, trigger_user_id: options.triggerUserId ?? null, note: options.note ?? null, created_at: now })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      this.#logger.info({ filename: name, bytes: archive.size, rows: counts.log_entries ?? 0 }, 'backup created');
      return row;
    } catch (error) {
      if (final !== undefined) await rm(join(dir, final), { force: true });
      throw error;
    } finally {
      await rm(snapshot, { force: true });
      await rm(temporary, { force: true });
    }
  }

  /**
   * Copies the live database to `snapshot`, counts its rows and hashes it; `checked` settles when
   * the copy's own check (integrity check, or `pg_restore --list`) is done, and rejects when it fails.
   */
  async #capture(snapshot: string): Promise<{ counts: Record<string, number>; schemaVersion: string | null; sha256: string; checked: Promise<void> }> {
    const target = this.#o.target;
    if (target.dialect === 'postgres') {
      const { counts, schemaVersion } = await dumpPostgres(target.url, snapshot);
      return { counts, schemaVersion, sha256: await sha256File(snapshot), checked: checkPostgresDump(snapshot) };
    }
    const { counts, schemaVersion, sha256, integrity } = await snapshotSqlite(target.path, snapshot);
    const checked = integrity.then((verdict) => {
      if (verdict !== 'ok') throw new BackupError('BACKUP_FAILED', `the snapshot fails its integrity check: ${verdict}`);
    });
    return { counts, schemaVersion, sha256, checked };
  }

  /** Every backup, newest first. */
  list(): Promise<BackupRecord[]> {
    return this.#o.db.read.selectFrom('backups').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  }

  async get(filename: string): Promise<BackupRecord> {
    archivePath(this.#o.backupsDir, filename);
    const row = await this.#o.db.read.selectFrom('backups').selectAll().where('filename', '=', filename).executeTakeFirst();
    if (row === undefined) throw new BackupError('BACKUP_NOT_FOUND', `no backup named ${filename}`);
    return row;
  }

  /**
   * Recomputes the archive's SHA-256, reads its metadata, and checks the database inside it in a
   * temporary extraction (integrity check, or `pg_restore --list`).
   */
  async verify(filename: string): Promise<VerifyReport> {
    const row = await this.get(filename);
    const report = await this.verifyFile(archivePath(this.#o.backupsDir, filename), row.sha256);
    if (report.ok) await this.#o.db.write((tx) => tx.db.updateTable('backups').set({ verified_at: this.#clock() }).where('id', '=', row.id).execute());
    return report;
  }

  /** Verifies any archive file (an upload, a scheduled restore). */
  async verifyFile(path: string, expectedSha256?: string): Promise<VerifyReport> {
    const scratch = await mkdtemp(join(this.#o.backupsDir, `${TEMP_PREFIX}verify-`));
    try {
      const extracted = await extractExpected(path, scratch, expectedSha256, 'the archive does not match its recorded SHA-256');
      const { metadata, databaseFile } = extracted;
      if (extracted.databaseSha256 !== metadata.database_sha256) throw new BackupError('ARCHIVE_CHECKSUM', 'the database inside the archive does not match its SHA-256');
      if (metadata.dialect === 'sqlite') {
        const check = await checkSqliteFile(databaseFile);
        if (check.integrity !== 'ok') throw new BackupError('ARCHIVE_CORRUPT', `the database fails its integrity check: ${check.integrity}`);
      } else await checkPostgresDump(databaseFile);
      return { ok: true, metadata };
    } catch (error) {
      if (error instanceof BackupError) return { ok: false, reason: error.message };
      throw error;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Deletes a backup: its file and its row. */
  async delete(filename: string): Promise<void> {
    const row = await this.get(filename);
    await rm(archivePath(this.#o.backupsDir, filename), { force: true });
    await this.#o.db.write((tx) => tx.db.deleteFrom('backups').where('id', '=', row.id).execute());
  }

  /** A stream of the archive for download, after checking the name. */
  async openDownload(filename: string): Promise<{ readonly stream: Readable; readonly size: number; readonly filename: string }> {
    await this.get(filename);
    const path = archivePath(this.#o.backupsDir, filename);
    const { size } = await stat(path).catch(() => {
      throw new BackupError('BACKUP_NOT_FOUND', `the file of backup ${filename} is missing`);
    });
    return { stream: createReadStream(path), size, filename };
  }

  /**
   * At start and on demand: removes temporary files of interrupted backups, adopts archives that
   * have no row (kind `orphan`, from their metadata), and reports rows whose file is gone.
   */
  async reconcile(): Promise<ReconcileReport> {
    const dir = this.#o.backupsDir;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const names = await readdir(dir);
    const removedTemporary: string[] = [];
    for (const name of names.filter((n) => n.startsWith(TEMP_PREFIX))) {
      await rm(join(dir, name), { recursive: true, force: true });
      removedTemporary.push(name);
    }
    const rows = await this.list();
    const known = new Set(rows.map((r) => r.filename));
    const adopted: string[] = [];
    for (const name of names.filter((n) => ARCHIVE_NAME.test(n) && !known.has(n))) {
      const path = join(dir, name);
      try {
        const metadata = await readArchiveMetadata(path);
        const [sha256, info] = [await sha256File(path), await stat(path)];
        await this.#o.db.write((tx) =>
          tx.db
            .insertInto('backups')
            .values({ filename: name, size_bytes: info.size, sha256, kind: 'orphan', note: `adopted: made ${new Date(metadata.created_at).toISOString()} by Panoptes ${metadata.app_version}`, created_at: metadata.created_at })
            .execute(),
        );
        adopted.push(name);
      } catch (error) {
        this.#logger.warn({ filename: name, error: (error as Error).message }, 'an archive in the backups folder cannot be read: left alone');
      }
    }
    const missingFiles = rows.filter((r) => !existsSync(join(dir, r.filename))).map((r) => r.filename);
    return { adopted, missingFiles, removedTemporary };
  }

  /** Deletes scheduled backups beyond retention, keeping the newest `keepLast`; manual ones stay. */
  async prune(retention: BackupRetention): Promise<string[]> {
    const scheduled = await this.#o.db.read.selectFrom('backups').selectAll().where('kind', '=', 'scheduled').orderBy('created_at', 'desc').execute();
    const cutoff = this.#clock() - retention.retentionDays * DAY_MS;
    const doomed = scheduled.slice(Math.max(0, retention.keepLast)).filter((b) => b.created_at < cutoff);
    for (const backup of doomed) await this.delete(backup.filename);
    return doomed.map((b) => b.filename);
  }

  /** Stores an uploaded archive (from another machine) after verifying it, as a manual backup. */
  async importUpload(upload: Readable, note = 'uploaded'): Promise<BackupRecord> {
    const dir = this.#o.backupsDir;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temporary = join(dir, tempName('.tar.gz'));
    try {
      await pipeline(upload, createWriteStream(temporary, { flags: 'wx', mode: 0o600 }));
      const report = await this.verifyFile(temporary);
      if (!report.ok) throw new BackupError('ARCHIVE_CORRUPT', `the uploaded archive is refused: ${report.reason}`);
      const now = this.#clock();
      const name = archiveName('upload', now);
      const [sha256, info] = [await sha256File(temporary), await stat(temporary)];
      await fsyncPath(temporary);
      await rename(temporary, join(dir, name));
      await fsyncPath(dir);
      return await this.#o.db.write((tx) =>
        tx.db.insertInto('backups').values({ filename: name, size_bytes: info.size, sha256, kind: 'manual', note, created_at: now }).returningAll().executeTakeFirstOrThrow(),
      );
    } finally {
      await rm(temporary, { force: true });
    }
  }

  /**
   * Verifies a backup, then writes `<dataDir>/.restore_pending` naming it: the restore happens at
   * the next start, before the database is opened (`applyPendingRestore`). The marker records that
   * the archive with this SHA-256 passed the integrity check, so the restore need not repeat it.
   */
  async scheduleRestore(filename: string, dataDir: string): Promise<VerifyReport> {
    const row = await this.get(filename);
    const report = await this.verifyFile(archivePath(this.#o.backupsDir, filename), row.sha256);
    if (!report.ok) throw new BackupError('ARCHIVE_CORRUPT', `the backup cannot be restored: ${report.reason}`);
    const marker = join(dataDir, RESTORE_MARKER);
    const temporary = `${marker}.tmp`;
    await writeFile(temporary, JSON.stringify({ archive: filename, sha256: row.sha256, integrity_checked: true, scheduled_at: this.#clock() }), { mode: 0o600 });
    await fsyncPath(temporary);
    await rename(temporary, marker);
    await fsyncPath(dataDir);
    return report;
  }
}
