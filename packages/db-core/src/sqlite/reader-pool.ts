import type { SqliteConnection } from './connection.js';
import type { ConnectionSource } from './dialect.js';

/**
 * Read-only connections, separate from the writer's, so a read never waits for a write unit and
 * never sees its uncommitted rows. A connection is lent for one query (or one read transaction).
 */
export class ReaderPool implements ConnectionSource {
  readonly transactions = true;
  readonly #idle: SqliteConnection[];
  readonly #all: readonly SqliteConnection[];
  readonly #waiting: ((connection: SqliteConnection) => void)[] = [];

  constructor(connections: readonly SqliteConnection[]) {
    this.#all = connections;
    this.#idle = [...connections];
  }

  get connections(): readonly SqliteConnection[] {
    return this.#all;
  }

  acquire(): Promise<SqliteConnection> {
    const connection = this.#idle.pop();
    if (connection !== undefined) return Promise.resolve(connection);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(connection: SqliteConnection): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next(connection);
    else this.#idle.push(connection);
  }

  close(): void {
    for (const connection of this.#all) connection.close();
  }
}
