import { CompiledQuery, type DatabaseConnection, type QueryResult } from 'kysely';
import type { SqliteConnection } from './connection.js';
import type { ConnectionSource } from './dialect.js';
import type { ReaderPool } from './reader-pool.js';
import type { ConnectionThread } from './connection-thread.js';

/**
 * A statement whose recent runs all took less than this runs on the main thread: a round trip to a
 * reader thread costs the event loop more than a lookup by key (posting, and on this 2-core VM
 * waking a sleeping thread costs the poster tens of microseconds). Anything longer goes to a thread,
 * where it runs beside the event loop instead of on it. The newest-50 search (about 0.1 ms in a
 * thread, 0.25 ms inline between requests, its page built as JSON by SQLite) served 1,006-1,237
 * req/s over HTTP with 10 connections at 1M rows when run inline (threshold 4 ms) and 1,202-1,727
 * through the threads; its first page, the per-minute series and /healthz under ingest load stayed
 * within their targets (bench `query`).
 */
export const INLINE_BELOW_MS = 0.05;
/** How fast one slow run is forgotten: the estimate falls by this factor per cheaper run. */
const DECAY = 0.8;
const MAX_TRACKED = 2048;

/**
 * Sends each read where it costs the event loop least. A statement not seen before, or seen to be
 * slow, runs on a reader thread; one whose recent runs were all cheap runs synchronously on the
 * main-thread connection. The estimate is a decaying maximum per SQL text, so one slow run (other
 * parameters, a grown table) sends the statement back to the threads for a good while; at worst one
 * run of a statement that suddenly became slow holds the loop once.
 *
 * A read transaction (BEGIN DEFERRED ... COMMIT from the dialect) is pinned to one reader thread
 * from BEGIN to its end, so its snapshot holds across every query in it.
 */
export class ReadRouter implements ConnectionSource {
  readonly transactions = true;
  readonly #inline: SqliteConnection;
  readonly #threads: ReaderPool<ConnectionThread>;
  readonly #cost = new Map<string, number>();

  constructor(inline: SqliteConnection, threads: ReaderPool<ConnectionThread>) {
    this.#inline = inline;
    this.#threads = threads;
  }

  /** Records how long a statement ran (in a thread or inline). */
  observe = (sql: string, ms: number): void => {
    const before = this.#cost.get(sql);
    if (before === undefined && this.#cost.size >= MAX_TRACKED) this.#cost.clear();
    this.#cost.set(sql, before === undefined ? ms : Math.max(ms, before * DECAY));
  };

  /** Whether the statement's recent runs were all cheap enough to run on the main thread. */
  cheap(sql: string): boolean {
    const cost = this.#cost.get(sql);
    return cost !== undefined && cost < INLINE_BELOW_MS;
  }

  acquire(): Promise<DatabaseConnection> {
    return Promise.resolve(new RoutedConnection(this, this.#inline, this.#threads));
  }

  release(connection: DatabaseConnection): void {
    (connection as RoutedConnection).endLease();
  }
}

const BEGIN = 'BEGIN DEFERRED';
const ENDS: ReadonlySet<string> = new Set(['COMMIT', 'ROLLBACK']);

/** One lease of the read path: a query at a time, or one read transaction. */
class RoutedConnection implements DatabaseConnection {
  readonly #router: ReadRouter;
  readonly #inline: SqliteConnection;
  readonly #threads: ReaderPool<ConnectionThread>;
  /** The thread a read transaction runs on, from BEGIN to COMMIT or ROLLBACK. */
  #pinned: ConnectionThread | undefined;

  constructor(router: ReadRouter, inline: SqliteConnection, threads: ReaderPool<ConnectionThread>) {
    this.#router = router;
    this.#inline = inline;
    this.#threads = threads;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const sql = compiledQuery.sql;
    if (this.#pinned !== undefined) {
      try {
        return await this.#pinned.executeQuery<R>(compiledQuery);
      } finally {
        if (ENDS.has(sql)) this.release();
      }
    }
    if (sql === BEGIN) {
      this.#pinned = await this.#threads.acquire();
      try {
        return await this.#pinned.executeQuery<R>(compiledQuery);
      } catch (error) {
        this.release();
        throw error;
      }
    }
    if (this.#router.cheap(sql)) {
      const started = performance.now();
      try {
        return this.#inline.run(sql, compiledQuery.parameters) as QueryResult<R>;
      } finally {
        this.#router.observe(sql, performance.now() - started);
      }
    }
    const thread = await this.#threads.acquire();
    try {
      return await thread.executeQuery<R>(compiledQuery);
    } finally {
      this.#threads.release(thread);
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (this.#pinned !== undefined) {
      yield* this.#pinned.streamQuery<R>(compiledQuery, chunkSize);
      return;
    }
    const thread = await this.#threads.acquire();
    try {
      yield* thread.streamQuery<R>(compiledQuery, chunkSize);
    } finally {
      this.#threads.release(thread);
    }
  }

  /** Gives the pinned thread back at the end of its transaction. */
  release(): void {
    const pinned = this.#pinned;
    this.#pinned = undefined;
    if (pinned !== undefined) this.#threads.release(pinned);
  }

  /** The lease ends: a transaction still open (its COMMIT or ROLLBACK failed) is rolled back first. */
  endLease(): void {
    const pinned = this.#pinned;
    this.#pinned = undefined;
    if (pinned === undefined) return;
    void pinned
      .executeQuery(CompiledQuery.raw('ROLLBACK'))
      .catch(() => {})
      .then(() => this.#threads.release(pinned));
  }
}
