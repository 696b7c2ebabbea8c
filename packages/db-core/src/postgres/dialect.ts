import {
  PostgresDialect,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';
import { PanoptesError } from '../errors.js';
import { copyingPool } from './copy.js';
import { translatePostgresError } from './errors.js';

function refuseDate(value: unknown): void {
  if (value instanceof Date) {
    throw new PanoptesError('INVALID_PARAMETER', 'Dates are not stored: pass epoch milliseconds (Date#getTime())');
  }
}

class TranslatingConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    // Refuse Dates as SQLite does, so code that works on one dialect works on the other.
    compiledQuery.parameters.forEach(refuseDate);
    try {
      return await this.inner.executeQuery<R>(compiledQuery);
    } catch (error) {
      throw translatePostgresError(error);
    }
  }

  streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(compiledQuery, chunkSize);
  }
}

const unwrap = (c: DatabaseConnection): DatabaseConnection => (c instanceof TranslatingConnection ? c.inner : c);

class TranslatingDriver implements Driver {
  constructor(readonly inner: Driver) {}
  init(): Promise<void> {
    return this.inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new TranslatingConnection(await this.inner.acquireConnection());
  }
  beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(unwrap(c), settings);
  }
  commitTransaction(c: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(unwrap(c));
  }
  rollbackTransaction(c: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(unwrap(c));
  }
  releaseConnection(c: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(c));
  }
  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** Kysely's Postgres dialect with constraint errors translated to ConstraintViolationError, and COPY (copy.ts). */
export class PanoptesPostgresDialect implements Dialect {
  readonly #inner: PostgresDialect;

  constructor(pool: pg.Pool) {
    this.#inner = new PostgresDialect({ pool: copyingPool(pool) });
  }
  createDriver(): Driver {
    return new TranslatingDriver(this.#inner.createDriver());
  }
  createQueryCompiler(): QueryCompiler {
    return this.#inner.createQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return this.#inner.createAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return this.#inner.createIntrospector(db);
  }
}
