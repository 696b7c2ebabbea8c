import { CompiledQuery, Kysely, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database as PanoptesDatabase, HealthReport, OpenOptions } from '../database.js';
import { DatabaseUnavailableError, PanoptesError, WritePathError } from '../errors.js';
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
import { readPostgresCatalog } from './catalog.js';
import { PanoptesPostgresDialect } from './dialect.js';
import { translatePostgresError } from './errors.js';
import { panoptesTypes } from './types.js';

const MAX_PARAMETERS = 65535;
/** Advisory lock key held by schema changes, so concurrent migrators take turns. */
const SCHEMA_LOCK_KEY = 0x50414e4f; // "PANO"

const capabilities: DialectCapabilities = { dialect: 'postgres', singleWriter: false, skipLocked: true, maxParameters: MAX_PARAMETERS };

const helpers: DialectHelpers = {
  containsInsensitive: (column, needle) => sql<boolean>`${sql.ref(column)} ILIKE ${likePattern(needle)} ESCAPE '\\'`,
};

/** A comparable form of a key value (Buffers compare by content). */
function keyOf(value: unknown): string {
  return Buffer.isBuffer(value) ? `b:${value.toString('hex')}` : `v:${String(value)}`;
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

  const context = (trx: Transaction<Schema>): WriteContext => ({
    db: trx,
    capabilities,
    helpers,
    insertMany: async (table, columns, rows, opts) => {
      if (rows.length === 0) return 0;
      const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
      const head = `INSERT INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) VALUES `;
      const tail = opts?.onConflict === 'ignore' ? ' ON CONFLICT DO NOTHING' : '';
      let inserted = 0;
      for (let start = 0; start < rows.length; start += perStatement) {
        const chunk = rows.slice(start, start + perStatement);
        const parameters: unknown[] = [];
        const tuples = chunk.map((row) => `(${row.map((value) => `$${parameters.push(value)}`).join(', ')})`);
        const result = await trx.executeQuery(CompiledQuery.raw(head + tuples.join(', ') + tail, parameters));
        inserted += Number(result.numAffectedRows ?? 0n);
      }
      return inserted;
    },
    insertNew: async (table, columns, rows, keyColumn) => {
      const at = columns.indexOf(keyColumn);
      if (at === -1) throw new PanoptesError('INVALID_ARGUMENT', `insertNew: the key column ${keyColumn} is not among the inserted columns`);
      const inserted = new Map<string, number>();
      const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
      const head = `INSERT INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) VALUES `;
      for (let start = 0; start < rows.length; start += perStatement) {
        const parameters: unknown[] = [];
        const tuples = rows.slice(start, start + perStatement).map((row) => `(${row.map((value) => `$${parameters.push(value)}`).join(', ')})`);
        const result = await trx.executeQuery<Record<string, unknown>>(
          CompiledQuery.raw(`${head}${tuples.join(', ')} ON CONFLICT DO NOTHING RETURNING ${quoteIdentifier(keyColumn)}`, parameters),
        );
        for (const row of result.rows) {
          const key = keyOf(row[keyColumn]);
          inserted.set(key, (inserted.get(key) ?? 0) + 1);
        }
      }
      // The first row with a given key is the one that went in.
      return rows.map((row) => {
        const key = keyOf(row[at]);
        const left = inserted.get(key) ?? 0;
        if (left > 0) inserted.set(key, left - 1);
        return left > 0;
      });
    },
    execScript: (script, source) =>
      runScript(script, source, 'postgres', async (s) => {
        await trx.executeQuery(CompiledQuery.raw(s.sql));
      }),
  });

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.catch(() => {}).finally(() => inFlight.delete(work));
    return work;
  };

  const runUnit = <T>(unit: (tx: WriteContext) => Promise<T> | T, lock: boolean): Promise<T> => {
    refuseNestedWrite();
    if (closed) return Promise.reject(new DatabaseUnavailableError('DATABASE_CLOSED', 'the database is closed'));
    if (readOnly) return Promise.reject(new WritePathError('DATABASE_READ_ONLY', 'the database was opened read-only: writes are refused'));
    return track(
      kysely.transaction().execute(async (trx) => {
        if (lock) await sql`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_KEY})`.execute(trx);
        return runAsWriteUnit(() => unit(context(trx)));
      }),
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
      await Promise.allSettled([...inFlight]);
      await kysely.destroy();
    },
  };
  return handle;
}
