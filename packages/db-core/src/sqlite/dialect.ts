import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
} from 'kysely';
import { WritePathError } from '../errors.js';

/** Hands out connections for Kysely: the reader pool or the writer's single connection. */
export interface ConnectionSource {
  acquire(): Promise<DatabaseConnection>;
  release(connection: DatabaseConnection): void;
  /** Whether Kysely may open its own transactions on these connections. */
  readonly transactions: boolean;
}

class SqliteDriver implements Driver {
  readonly #source: ConnectionSource;

  constructor(source: ConnectionSource) {
    this.#source = source;
  }

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    return this.#source.acquire();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.#source.transactions) {
      throw new WritePathError(
        'NESTED_TRANSACTION',
        'this code already runs inside a write unit, which is a transaction: use the unit\'s db directly',
      );
    }
    // A read transaction: a stable snapshot across several queries.
    await connection.executeQuery(CompiledQuery.raw('BEGIN DEFERRED'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    this.#source.release(connection);
  }

  async destroy(): Promise<void> {}
}

/** A Kysely dialect over connections this package owns (it never opens or closes them itself). */
export class PanoptesSqliteDialect implements Dialect {
  readonly #source: ConnectionSource;

  constructor(source: ConnectionSource) {
    this.#source = source;
  }

  createDriver(): Driver {
    return new SqliteDriver(this.#source);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
