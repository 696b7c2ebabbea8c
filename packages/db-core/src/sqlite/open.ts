import Database from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { readSqliteCatalog } from './catalog.js';
import { BOOLEAN_NAMES, SqliteConnection } from './connection.js';
import { PanoptesSqliteDialect } from './dialect.js';
import { PanoptesError, DatabaseUnavailableError, WritePathError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { createProjectScope } from '../project-scope-handle.js';
import type { CheckpointResult, Database as PanoptesDatabase, HealthReport, OpenOptions } from '../database.js';
import type { Schema } from '../schema/index.js';
import { likePattern, quoteIdentifier, type DialectCapabilities, type DialectHelpers } from '../write-context.js';
import { applyConnectionPragmas, connectionPragmas, DEFAULT_JOURNAL_SIZE_LIMIT } from './pragmas.js';
import { ReaderPool } from './reader-pool.js';
import { ConnectionThread } from './connection-thread.js';
import { ReadRouter } from './read-router.js';
import { Checkpointer } from './checkpointer.js';
import { SqliteWriter } from './writer.js';
import { WriterLock } from './writer-lock.js';

/**
 * Page cache of each reader connection: searches jump between index and table pages all over a
 * 1M-row file. Back to back at 300k rows, the newest-50 search served 440-540 req/s over HTTP
 * with 16 MiB readers and 690-950 with 64 MiB (the append-mostly writer keeps the smaller default).
 */
const READER_CACHE_KIB = 64 * 1024;
/** Free pages handed back per write unit by `reclaimSpace`. */
const RECLAIM_PAGES_PER_UNIT = 500;

const capabilities: DialectCapabilities = { dialect: 'sqlite', singleWriter: true, skipLocked: false, maxParameters: 32766 };

const helpers: DialectHelpers = {
  containsInsensitive: (column, needle) => sql<boolean>`${sql.ref(column)} LIKE ${likePattern(needle)} ESCAPE '\\'`,
  oneOf: (column, values) => sql<boolean>`${sql.ref(column)} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`,
  jsonObject: (columns) => sql.raw<string>(`json_object(${columns.map((c) => `'${c}', ${jsonValue(c)}`).join(', ')})`),
  // One sort for all columns: an ORDER BY in each column's own json_group_array sorted eight times (2.4 ms).
  jsonRows: (columns, orderBy) => sql.raw<string>(`json_group_array(json_array(${columns.map(jsonValue).join(', ')}) ORDER BY ${quoteIdentifier(orderBy)})`),
};

/** A column as a JSON value. Booleans are stored as 0/1: json('true') makes a JSON true, not the text "true". */
function jsonValue(column: string): string {
  const name = quoteIdentifier(column);
  return BOOLEAN_NAMES.has(column) ? `json(CASE ${name} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END)` : name;
}

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
  let readers: ReaderPool<ConnectionThread> | undefined;
  let inline: SqliteConnection | undefined;
  try {
    const checkpointer = readOnly ? undefined : new Checkpointer(path, { journalSizeLimit, intervalMs: checkpointIntervalMs, clock, logger });
    const afterUnit = (): void => {
      if (checkpointer?.healthy === true) checkpointer.afterCommit();
      // Without its worker the writer falls back to SQLite's own automatic checkpoints.
      else if (writer !== undefined) void writer.connection.pragma('wal_autocheckpoint = 1000').catch(() => {});
    };
    if (!readOnly) {
      // The writer's connection lives in its own thread: inserting a batch and committing it (tens
      // of milliseconds for a thousand log rows and their indexes) never hold the event loop.
      let guard: () => void = () => {};
      const connection = new ConnectionThread({
        path,
        readOnly: false,
        // A new file gets incremental auto-vacuum (it can only be chosen before the first table),
        // so space freed by retention can be returned without a full VACUUM.
        newFileAutoVacuum: true,
        // Checkpoints run in the checkpointer's worker, never on the writer's connection.
        pragmas: ['journal_mode = WAL', ...connectionPragmas(journalSizeLimit), 'wal_autocheckpoint = 0'],
        guard: () => guard(),
        transactional: true,
      });
      writer = new SqliteWriter(connection, capabilities, helpers, afterUnit);
      guard = writer.guard;
      await connection.ready();
    }
    // Each reader is a read-only connection in its own worker thread: a slow read (a facet over a
    // day of logs) then runs beside the event loop instead of stalling every request behind it.
    // Statements seen to be cheap run on one more read-only connection, on the main thread.
    const readerCount = Math.max(1, options.connections ?? 2);
    const readerPragmas = connectionPragmas(journalSizeLimit, READER_CACHE_KIB);
    const observe = (sql: string, ms: number): void => router.observe(sql, ms);
    readers = new ReaderPool(Array.from({ length: readerCount }, () => new ConnectionThread({ path, readOnly: true, pragmas: readerPragmas, observe })));
    const inlineRaw = new Database(path, { readonly: true, fileMustExist: true });
    inline = new SqliteConnection(inlineRaw);
    applyConnectionPragmas(inlineRaw, journalSizeLimit, READER_CACHE_KIB);
    const pool = readers;
    const mainReader = inline;
    const router = new ReadRouter(mainReader, pool);
    const read = new Kysely<Schema>({ dialect: new PanoptesSqliteDialect(router) });
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
        const connection = activeWriter.connection;
        return activeWriter.run(unit, {
          // PRAGMA foreign_keys is a no-op inside a transaction: switch it around the unit.
          around: {
            before: async () => {
              await connection.pragma('foreign_keys = OFF');
            },
            after: async () => {
              await connection.pragma('foreign_keys = ON');
            },
          },
          beforeCommit: async () => {
            const problems = (await connection.pragma('foreign_key_check')) as { table: string; rowid: number; parent: string }[];
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
        const connection = activeWriter.connection;
        // A few hundred pages per write unit: 5,000 at once held a steady writer up for 75-125 ms.
        let freed = 0;
        for (let left = Math.max(1, Math.trunc(maxPages)); left > 0; ) {
          const pages = Math.min(left, RECLAIM_PAGES_PER_UNIT);
          let got = 0;
          // Outside a transaction on the writer, like a checkpoint: incremental_vacuum commits itself.
          await activeWriter.run(() => {}, {
            around: {
              before: () => {},
              after: async () => {
                const before = Number(await connection.pragma('freelist_count', true));
                await connection.pragma(`incremental_vacuum(${pages})`);
                got = before - Number(await connection.pragma('freelist_count', true));
              },
            },
          });
          freed += got;
          left -= pages;
          if (got < pages) break;
        }
        return freed;
      },
      tableExists: async (name) => {
        const { rows } = await sql`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ${name}`.execute(read);
        return rows.length > 0;
      },
      catalog: async () => readSqliteCatalog(mainReader.raw),
      connectionSettings: async () => [
        ...(activeWriter ? [{ role: 'writer', ...(await activeWriter.connection.pragmas()) }] : []),
        ...(await Promise.all(pool.connections.map(async (c) => ({ role: 'reader', ...(await c.pragmas()) })))),
      ],
      close: async () => {
        if (closed) return;
        closed = true;
        if (activeWriter) {
          await activeWriter.close();
          await checkpointer?.close();
          await truncateCheckpoint(activeWriter.connection);
          await activeWriter.connection.close();
        }
        await read.destroy();
        await pool.close();
        mainReader.close();
        lock?.release();
      },
    };
    return handle;
  } catch (error) {
    await writer?.connection.close();
    await readers?.close();
    inline?.close();
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
async function truncateCheckpoint(connection: ConnectionThread): Promise<void> {
  await connection.pragma('busy_timeout = 0');
  await connection.pragma('wal_checkpoint(TRUNCATE)');
}
