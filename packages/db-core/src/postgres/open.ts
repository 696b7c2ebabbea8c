import { CompiledQuery, Kysely, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database as PanoptesDatabase, HealthReport, OpenOptions } from '../database.js';
import { ConstraintViolationError, DatabaseUnavailableError, PanoptesError, WritePathError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { createProjectScope } from '../project-scope-handle.js';
import type { Schema } from '../schema/index.js';
import { refuseNestedWrite, runAsWriteUnit } from '../write-guard.js';
import {
  likePattern,
  quoteIdentifier,
  runScript,
  type DialectCapabilities,
  type DialectHelpers,
  type WriteContext,
} from '../write-context.js';
import { bulkInsert, COPY_MIN_ROWS, copyRows, TableShapes } from './bulk-insert.js';
import { readPostgresCatalog } from './catalog.js';
import { PanoptesPostgresDialect } from './dialect.js';
import { translatePostgresError } from './errors.js';
import { StatisticsKeeper } from './statistics.js';
import { panoptesTypes } from './types.js';

const MAX_PARAMETERS = 65535;
/** Advisory lock key held by schema changes, so concurrent migrators take turns. */
const SCHEMA_LOCK_KEY = 0x50414e4f; // "PANO"

const capabilities: DialectCapabilities = { dialect: 'postgres', singleWriter: false, skipLocked: true, maxParameters: MAX_PARAMETERS };

const helpers: DialectHelpers = {
  containsInsensitive: (column, needle) => sql<boolean>`${sql.ref(column)} ILIKE ${likePattern(needle)} ESCAPE '\\'`,
  // The driver sends the list as one array literal; its element type is the column's.
  oneOf: (column, values) => sql<boolean>`${sql.ref(column)} = ANY(${[...values]})`,
  // As text: the driver would parse a json value into an object.
  jsonObject: (columns) => sql.raw<string>(`json_build_object(${columns.map((c) => `'${c}', ${quoteIdentifier(c)}`).join(', ')})::text`),
  jsonRows: (columns, orderBy) =>
    sql.raw<string>(`coalesce(json_agg(json_build_array(${columns.map(quoteIdentifier).join(', ')}) ORDER BY ${quoteIdentifier(orderBy)})::text, '[]')`),
};

/** A comparable form of a key's values (Buffers compare by content). */
function keyOf(values: readonly unknown[]): string {
  const one = (value: unknown) => (Buffer.isBuffer(value) ? `b:${value.toString('hex')}` : `v:${String(value)}`);
  if (values.length === 1) return one(values[0]);
  return values.map((value) => {
    const part = one(value);
    return `${part.length}:${part}`;
  }).join('');
}

/**
 * insertNew's fast path: COPY the whole batch inside a savepoint, so that a key already stored (or
 * repeated within the batch) undoes only the COPY; false then, and the caller inserts the batch
 * with ON CONFLICT DO NOTHING, which tells each row's fate. A batch of new rows, the usual case of
 * a log ingest, costs Postgres less than half the CPU that way (bulk-insert.ts, copyRows).
 */
async function copyUnlessDuplicate(trx: Transaction<Schema>, shapes: TableShapes, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<boolean> {
  await trx.executeQuery(CompiledQuery.raw('SAVEPOINT panoptes_copy'));
  try {
    await copyRows(trx, shapes, table, columns, rows);
  } catch (error) {
    if (!(error instanceof ConstraintViolationError && error.kind === 'unique')) throw error;
    await trx.executeQuery(CompiledQuery.raw('ROLLBACK TO SAVEPOINT panoptes_copy'));
    await trx.executeQuery(CompiledQuery.raw('RELEASE SAVEPOINT panoptes_copy'));
    return false;
  }
  await trx.executeQuery(CompiledQuery.raw('RELEASE SAVEPOINT panoptes_copy'));
  return true;
}

/** The URL with its password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable postgres url>';
  }
}

/** Opens a Postgres database through a pg pool, with the same handle API as SQLite. */
export async function openPostgres(url: string, options: OpenOptions): Promise<PanoptesDatabase> {
  const logger = options.logger ?? silentLogger;
  const readOnly = options.readOnly === true;
  const pool = new pg.Pool({ connectionString: url, max: options.connections ?? 10, types: panoptesTypes, connectionTimeoutMillis: 10_000 });
  pool.on('error', (error) => logger.warn({ error: error.message }, 'idle Postgres connection failed'));
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new DatabaseUnavailableError('DATABASE_UNREACHABLE', `cannot connect to ${redactUrl(url)}: ${(error as Error).message}`, {
      retryable: true,
      cause: error,
    });
  }
  const kysely = new Kysely<Schema>({ dialect: new PanoptesPostgresDialect(pool) });
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  const shapes = new TableShapes();
  /** Tables whose last insertNew met keys already stored: the next one skips the COPY attempt. */
  const seenDuplicates = new Set<string>();
  const context = (trx: Transaction<Schema>, insertedRows: Map<string, number>): WriteContext => {
    const count = (table: string, n: number) => insertedRows.set(table, (insertedRows.get(table) ?? 0) + n);
    return {
      db: trx,
      capabilities,
      helpers,
      insertMany: async (table, columns, rows, opts) => {
        const ignoreConflicts = opts?.onConflict === 'ignore';
        const inserted = !ignoreConflicts && rows.length >= COPY_MIN_ROWS ? await copyRows(trx, shapes, table, columns, rows) : (await bulkInsert(trx, shapes, { table, columns, rows, ignoreConflicts })).inserted;
        count(table, inserted);
        return inserted;
      },
      insertNew: async (table, columns, rows, keyColumn) => {
        if (!columns.includes(keyColumn)) throw new PanoptesError('INVALID_ARGUMENT', `insertNew: the key column ${keyColumn} is not among the inserted columns`);
        if (rows.length === 0) return [];
        if (rows.length >= COPY_MIN_ROWS && !seenDuplicates.has(table) && (await copyUnlessDuplicate(trx, shapes, table, columns, rows))) {
          count(table, rows.length);
          return rows.map(() => true);
        }
        // Rows are told apart by every inserted column a unique index covers, not only the key
        // column: with a unique (ts, content_hash), two rows of one hash and different times both go in.
        const { uniqueColumns } = await shapes.get(trx, table, columns);
        const keyColumns = columns.filter((c) => c === keyColumn || uniqueColumns.has(c));
        const at = keyColumns.map((c) => columns.indexOf(c));
        const { inserted, returned } = await bulkInsert(trx, shapes, { table, columns, rows, ignoreConflicts: true, returning: keyColumns });
        count(table, inserted);
        // COPY again once a batch had no repeats.
        if (returned.length === rows.length) seenDuplicates.delete(table);
        else seenDuplicates.add(table);
        // Each row comes back at most once: all or none back needs no matching.
        if (returned.length === rows.length || returned.length === 0) return rows.map(() => returned.length > 0);
        const left = new Map<string, number>();
        for (const row of returned) {
          const key = keyOf(keyColumns.map((c) => row[c]));
          left.set(key, (left.get(key) ?? 0) + 1);
        }
        // Rows go in in order, so of rows with the same key the first ones are those that went in.
        return rows.map((row) => {
          const key = keyOf(at.map((i) => row[i]));
          const n = left.get(key) ?? 0;
          if (n > 0) left.set(key, n - 1);
          return n > 0;
        });
      },
      execScript: (script, source) =>
        runScript(script, source, 'postgres', async (s) => {
          await trx.executeQuery(CompiledQuery.raw(s.sql));
        }),
    };
  };

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.catch(() => {}).finally(() => inFlight.delete(work));
    return work;
  };
  const statistics = new StatisticsKeeper(pool, logger, track);

  const runUnit = <T>(unit: (tx: WriteContext) => Promise<T> | T, lock: boolean): Promise<T> => {
    refuseNestedWrite();
    if (closed) return Promise.reject(new DatabaseUnavailableError('DATABASE_CLOSED', 'the database is closed'));
    if (readOnly) return Promise.reject(new WritePathError('DATABASE_READ_ONLY', 'the database was opened read-only: writes are refused'));
    const insertedRows = new Map<string, number>();
    const committed = kysely.transaction().execute(async (trx) => {
      if (lock) await sql`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_KEY})`.execute(trx);
      return runAsWriteUnit(() => unit(context(trx, insertedRows)));
    });
    return track(
      committed.then(
        (result) => {
          if (lock) shapes.invalidate();
          if (!closed) statistics.noteInserted(insertedRows);
          return result;
        },
        (error: unknown) => {
          if (lock) shapes.invalidate();
          throw error;
        },
      ),
    );
  };

  const handle: PanoptesDatabase = {
    capabilities,
    helpers,
    read: kysely,
    readOnly,
    write: (unit) => runUnit(unit, false),
    schemaChange: (unit) => runUnit(unit, true),
    project: (uuid) => createProjectScope(handle, uuid),
    health: async (): Promise<HealthReport> => {
      const started = performance.now();
      try {
        await sql`SELECT 1`.execute(kysely);
        return { ok: true, dialect: 'postgres', latencyMs: performance.now() - started, writeQueueDepth: 0, readOnly };
      } catch (error) {
        const message = (translatePostgresError(error) as Error).message;
        return { ok: false, dialect: 'postgres', latencyMs: performance.now() - started, writeQueueDepth: 0, readOnly, error: message };
      }
    },
    checkpoint: async () => ({ completed: true, walBytesAfter: 0 }),
    // Postgres reclaims space with autovacuum; there is nothing to step through here.
    reclaimSpace: async () => 0,
    tableExists: async (name) => {
      const { rows } = await sql`SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ${name}`.execute(kysely);
      return rows.length > 0;
    },
    catalog: () => readPostgresCatalog(pool),
    connectionSettings: async () => {
      const { rows } = await pool.query<{ name: string; setting: string }>(
        "SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'TimeZone', 'default_transaction_isolation', 'max_connections')",
      );
      return [{ role: 'pool', ...Object.fromEntries(rows.map((r) => [r.name, r.setting])) }];
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // A unit that commits now may start a statistics refresh: wait for that too.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await kysely.destroy();
    },
  };
  return handle;
}
