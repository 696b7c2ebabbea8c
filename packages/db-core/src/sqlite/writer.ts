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
import { toSqliteParameter, type SqliteConnection } from './connection.js';
import { PanoptesSqliteDialect, type ConnectionSource } from './dialect.js';
import { translateSqliteError } from './errors.js';

interface UnitOptions {
  /** Runs before BEGIN and after COMMIT/ROLLBACK, outside the transaction (for pragmas). */
  readonly around?: { before(): void; after(): void };
  /** Runs inside the transaction just before COMMIT; throwing rolls the unit back. */
  readonly beforeCommit?: () => void;
}

/**
 * The single writer: owns the one writing connection and runs write units strictly one after
 * another, each in a transaction begun with BEGIN IMMEDIATE, so Kysely queries and raw prepared
 * batches of different units can never interleave.
 */
export class SqliteWriter {
  readonly #connection: SqliteConnection;
  readonly #kysely: Kysely<Schema>;
  readonly #capabilities: DialectCapabilities;
  readonly #helpers: DialectHelpers;
  readonly #afterUnit: () => void;
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;
  #active = false;
  #closed = false;

  constructor(
    connection: SqliteConnection,
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

  get connection(): SqliteConnection {
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
    const raw = this.#connection.raw;
    try {
      options.around?.before();
      this.#active = true;
      try {
        this.#connection.exec('BEGIN IMMEDIATE');
        const value = await runAsWriteUnit(() => unit(this.#context()));
        options.beforeCommit?.();
        this.#connection.exec('COMMIT');
        return value;
      } catch (error) {
        if (raw.inTransaction) raw.exec('ROLLBACK');
        throw error;
      } finally {
        this.#active = false;
        options.around?.after();
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
        const statement = connection.prepare(
          `${verb} INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        );
        this.guard();
        let inserted = 0;
        try {
          for (const row of rows) inserted += statement.run(row.map(toSqliteParameter)).changes;
        } catch (error) {
          throw translateSqliteError(error);
        }
        return inserted;
      },
      insertNew: async (table, columns, rows) => {
        if (rows.length === 0) return [];
        const statement = connection.prepare(
          `INSERT OR IGNORE INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        );
        this.guard();
        try {
          return rows.map((row) => statement.run(row.map(toSqliteParameter)).changes === 1);
        } catch (error) {
          throw translateSqliteError(error);
        }
      },
      execScript: (script, source) => runScript(script, source, 'sqlite', (s) => connection.exec(s.sql)),
    };
  }
}
