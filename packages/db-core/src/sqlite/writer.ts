import { Kysely } from 'kysely';
import { DatabaseUnavailableError, WritePathError } from '../errors.js';
import { refuseNestedWrite, runAsWriteUnit } from '../write-guard.js';
import type { Schema } from '../schema/index.js';
import {
  quoteIdentifier,
  runScript,
  type DialectCapabilities,
  type DialectHelpers,
  type InsertManyOptions,
  type WriteContext,
} from '../write-context.js';
import type { ConnectionThread } from './connection-thread.js';
import { PanoptesSqliteDialect, type ConnectionSource } from './dialect.js';

interface UnitOptions {
  /** Runs before BEGIN and after COMMIT/ROLLBACK, outside the transaction (for pragmas). */
  readonly around?: { before(): Promise<void> | void; after(): Promise<void> | void };
  /** Runs inside the transaction just before COMMIT; throwing rolls the unit back. */
  readonly beforeCommit?: () => Promise<void> | void;
}

/**
 * The single writer: owns the one writing connection and runs write units strictly one after
 * another, each in a transaction begun with BEGIN IMMEDIATE, so Kysely queries and raw prepared
 * batches of different units can never interleave. The connection lives in its own thread, so
 * inserting a batch and committing it never hold the event loop.
 */
export class SqliteWriter {
  readonly #connection: ConnectionThread;
  readonly #kysely: Kysely<Schema>;
  readonly #capabilities: DialectCapabilities;
  readonly #helpers: DialectHelpers;
  readonly #afterUnit: () => void;
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;
  #active = false;
  #closed = false;

  constructor(
    connection: ConnectionThread,
    capabilities: DialectCapabilities,
    helpers: DialectHelpers,
    afterUnit: () => void,
  ) {
    this.#connection = connection;
    this.#capabilities = capabilities;
    this.#helpers = helpers;
    this.#afterUnit = afterUnit;
    const source: ConnectionSource = {
      transactions: false,
      acquire: () => Promise.resolve(connection),
      release: () => {},
    };
    this.#kysely = new Kysely<Schema>({ dialect: new PanoptesSqliteDialect(source) });
  }

  /** Called by the connection before every statement. */
  guard = (): void => {
    if (!this.#active) {
      throw new WritePathError('WRITE_OUTSIDE_UNIT', 'the writer connection was used outside a running write unit');
    }
  };

  /** Units waiting or running. */
  get depth(): number {
    return this.#queued;
  }

  get connection(): ConnectionThread {
    return this.#connection;
  }

  run<T>(unit: (tx: WriteContext) => Promise<T> | T, options: UnitOptions = {}): Promise<T> {
    refuseNestedWrite();
    if (this.#closed) return Promise.reject(new DatabaseUnavailableError('DATABASE_CLOSED', 'the database is closed'));
    this.#queued += 1;
    const result = this.#tail.then(() => this.#execute(unit, options));
    this.#tail = result.catch(() => {});
    return result;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail;
  }

  async #execute<T>(unit: (tx: WriteContext) => Promise<T> | T, options: UnitOptions): Promise<T> {
    const connection = this.#connection;
    try {
      await options.around?.before();
      this.#active = true;
      try {
        await connection.begin();
        const value = await runAsWriteUnit(() => unit(this.#context()));
        await options.beforeCommit?.();
        await connection.exec('COMMIT');
        return value;
      } catch (error) {
        await connection.rollbackOpen().catch(() => false);
        throw error;
      } finally {
        this.#active = false;
        await options.around?.after();
      }
    } finally {
      this.#queued -= 1;
      this.#afterUnit();
    }
  }

  #context(): WriteContext {
    const connection = this.#connection;
    return {
      db: this.#kysely,
      capabilities: this.#capabilities,
      helpers: this.#helpers,
      insertMany: async (table, columns, rows, options?: InsertManyOptions) => {
        if (rows.length === 0) return 0;
        const verb = options?.onConflict === 'ignore' ? 'INSERT OR IGNORE' : 'INSERT';
        return connection.insert(
          `${verb} INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          rows,
        );
      },
      insertNew: async (table, columns, rows) => {
        if (rows.length === 0) return [];
        return connection.insertEach(
          `INSERT OR IGNORE INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          rows,
        );
      },
      execScript: (script, source) => runScript(script, source, 'sqlite', (s) => connection.exec(s.sql)),
    };
  }
}
