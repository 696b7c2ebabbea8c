import Database from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { readSqliteCatalog } from './catalog.js';
import { SqliteConnection } from './connection.js';
import { PanoptesSqliteDialect } from './dialect.js';
import { PanoptesError, DatabaseUnavailableError, WritePathError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { createProjectScope } from '../project-scope-handle.js';
import type { CheckpointResult, Database as PanoptesDatabase, HealthReport, OpenOptions } from '../database.js';
import type { Schema } from '../schema/index.js';
import { likePattern, type DialectCapabilities, type DialectHelpers } from '../write-context.js';
import { applyConnectionPragmas, DEFAULT_JOURNAL_SIZE_LIMIT, readPragmas } from './pragmas.js';
import { ReaderPool } from './reader-pool.js';
import { Checkpointer } from './checkpointer.js';
import { SqliteWriter } from './writer.js';
import { WriterLock } from './writer-lock.js';

const capabilities: DialectCapabilities = { dialect: 'sqlite', singleWriter: true, skipLocked: false, maxParameters: 32766 };

const helpers: DialectHelpers = {
  containsInsensitive: (column, needle) => sql<boolean>`${sql.ref(column)} LIKE ${likePattern(needle)} ESCAPE '\\'`,
};

/** Opens a SQLite database file: one writer (unless read-only) and a pool of readers. */
export async function openSqlite(path: string, options: OpenOptions): Promise<PanoptesDatabase> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? Date.now;
  const readOnly = options.readOnly === true;
  const journalSizeLimit = options.journalSizeLimitBytes ?? DEFAULT_JOURNAL_SIZE_LIMIT;
  const checkpointIntervalMs = options.checkpointIntervalMs ?? 30_000;
  if (readOnly && !existsSync(path)) {
    throw new DatabaseUnavailableError('DATABASE_MISSING', `cannot open ${path} read-only: the file does not exist`);
  }
  if (!readOnly) mkdirSync(dirname(path), { recursive: true });

  const lock = readOnly ? undefined : await WriterLock.acquire(path, options.writerLockWaitMs ?? 0);
  let writer: SqliteWriter | undefined;
  let readers: ReaderPool | undefined;
  try {
    const checkpointer = readOnly ? undefined : new Checkpointer(path, { journalSizeLimit, intervalMs: checkpointIntervalMs, clock, logger });
    const afterUnit = (): void => {
      if (checkpointer?.healthy === true) checkpointer.afterCommit();
      // Without its worker the writer falls back to SQLite's own automatic checkpoints.
      else if (writer !== undefined) writer.connection.raw.pragma('wal_autocheckpoint = 1000');
    };
    if (!readOnly) {
      const raw = new Database(path);
      // A new file gets incremental auto-vacuum (it can only be chosen before the first table), so
      // space freed by retention can be returned without a full VACUUM.
      if (Number(raw.pragma('page_count', { simple: true })) === 0) raw.pragma('auto_vacuum = INCREMENTAL');
      raw.pragma('journal_mode = WAL');
      applyConnectionPragmas(raw, journalSizeLimit);
      // Checkpoints run in the checkpointer's worker, never on this (main-thread) connection.
      raw.pragma('wal_autocheckpoint = 0');
      let guard: () => void = () => {};
      const connection = new SqliteConnection(raw, () => guard());
      writer = new SqliteWriter(connection, capabilities, helpers, afterUnit);
      guard = writer.guard;
    }
    const readerCount = Math.max(1, options.connections ?? 2);
    const readerConnections: SqliteConnection[] = [];
    for (let i = 0; i < readerCount; i += 1) {
      const raw = new Database(path, { readonly: true, fileMustExist: true });
      applyConnectionPragmas(raw, journalSizeLimit);
      readerConnections.push(new SqliteConnection(raw));
    }
    readers = new ReaderPool(readerConnections);
    const pool = readers;
    const read = new Kysely<Schema>({ dialect: new PanoptesSqliteDialect(pool) });
    const activeWriter = writer;
    let closed = false;

    const refuseReadOnly = (): never => {
      throw new WritePathError('DATABASE_READ_ONLY', `${path} was opened read-only: writes are refused`);
    };

    const handle: PanoptesDatabase = {
      capabilities,
      helpers,
      read,
      readOnly,
      write: (unit) => (activeWriter ? activeWriter.run(unit) : Promise.reject(readOnlyError(path))),
      schemaChange: (unit) => {
        if (!activeWriter) return refuseReadOnly();
        const raw = activeWriter.connection.raw;
        return activeWriter.run(unit, {
          // PRAGMA foreign_keys is a no-op inside a transaction: switch it around the unit.
          around: { before: () => raw.pragma('foreign_keys = OFF'), after: () => raw.pragma('foreign_keys = ON') },
          beforeCommit: () => {
            const problems = raw.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
            if (problems.length > 0) {
              const first = problems.slice(0, 5).map((p) => `${p.table} row ${p.rowid} -> ${p.parent}`).join(', ');
              throw new PanoptesError('FOREIGN_KEY_CHECK_FAILED', `schema change left ${problems.length} rows with dangling foreign keys: ${first}`);
            }
          },
        });
      },
      project: (uuid) => createProjectScope(handle, uuid),
      health: async (): Promise<HealthReport> => {
        const started = performance.now();
        try {
          await sql`SELECT 1`.execute(read);
          return { ok: true, dialect: 'sqlite', latencyMs: performance.now() - started, writeQueueDepth: activeWriter?.depth ?? 0, readOnly };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return { ok: false, dialect: 'sqlite', latencyMs: performance.now() - started, writeQueueDepth: activeWriter?.depth ?? 0, readOnly, error: message };
        }
      },
      checkpoint: async (): Promise<CheckpointResult> => {
        if (!checkpointer) return { completed: false, walBytesAfter: walSize(path) };
        const completed = await checkpointer.run('TRUNCATE');
        return { completed, walBytesAfter: walSize(path) };
      },
      reclaimSpace: async (maxPages = 1000) => {
        if (!activeWriter) return refuseReadOnly();
        const raw = activeWriter.connection.raw;
        let freed = 0;
        // Outside a transaction on the writer, like a checkpoint: incremental_vacuum commits itself.
        await activeWriter.run(() => {}, {
          around: {
            before: () => {},
            after: () => {
              const before = Number(raw.pragma('freelist_count', { simple: true }));
              raw.pragma(`incremental_vacuum(${Math.max(1, Math.trunc(maxPages))})`);
              freed = before - Number(raw.pragma('freelist_count', { simple: true }));
            },
          },
        });
        return freed;
      },
      tableExists: async (name) => {
        const { rows } = await sql`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ${name}`.execute(read);
        return rows.length > 0;
      },
      catalog: async () => readSqliteCatalog(pool.connections[0]!.raw),
      connectionSettings: async () => [
        ...(activeWriter ? [{ role: 'writer', ...readPragmas(activeWriter.connection.raw) }] : []),
        ...pool.connections.map((c) => ({ role: 'reader', ...readPragmas(c.raw) })),
      ],
      close: async () => {
        if (closed) return;
        closed = true;
        if (activeWriter) {
          await activeWriter.close();
          await checkpointer?.close();
          truncateCheckpoint(activeWriter.connection);
          activeWriter.connection.close();
        }
        await read.destroy();
        pool.close();
        lock?.release();
      },
    };
    return handle;
  } catch (error) {
    writer?.connection.close();
    readers?.close();
    lock?.release();
    throw error;
  }
}

function readOnlyError(path: string): WritePathError {
  return new WritePathError('DATABASE_READ_ONLY', `${path} was opened read-only: writes are refused`);
}

function walSize(path: string): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}

/** At close: folds the WAL into the file, giving up at once if another process reads a snapshot. */
function truncateCheckpoint(connection: SqliteConnection): void {
  const raw = connection.raw;
  raw.pragma('busy_timeout = 0');
  raw.pragma('wal_checkpoint(TRUNCATE)');
}
