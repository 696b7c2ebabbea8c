import type { DatabaseConnection } from 'kysely';
import type { ConnectionSource } from './dialect.js';

/**
 * Read-only connections, separate from the writer's, so a read never waits for a write unit and
 * never sees its uncommitted rows. A connection is lent for one query (or one read transaction).
 */
export class ReaderPool<C extends DatabaseConnection & { close(): unknown }> implements ConnectionSource {
  readonly transactions = true;
  readonly #idle: C[];
  readonly #all: readonly C[];
  readonly #waiting: ((connection: C) => void)[] = [];

  constructor(connections: readonly C[]) {
    this.#all = connections;
    this.#idle = [...connections];
  }

  get connections(): readonly C[] {
    return this.#all;
  }

  acquire(): Promise<C> {
    const connection = this.#idle.pop();
    if (connection !== undefined) return Promise.resolve(connection);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(connection: DatabaseConnection): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next(connection as C);
    else this.#idle.push(connection as C);
  }

  async close(): Promise<void> {
    await Promise.all(this.#all.map((connection) => connection.close()));
  }
}
