import type pg from 'pg';
import type { Logger } from '../logger.js';
import { quoteIdentifier } from '../write-context.js';

/** A table is analysed once bulk inserts added this many rows plus GROWTH times what it had. */
const MIN_ROWS = 1000;
const GROWTH = 4;

interface TableState {
  /** Rows inserted since the last ANALYZE (by this handle). */
  pending: number;
  /** Rows the table held at its last ANALYZE (`pg_class.reltuples`); undefined until read. */
  base: number | undefined;
  /** ANALYZE was refused (not the owner): stop asking. */
  refused: boolean;
}

/**
 * Keeps the planner's statistics of bulk-filled tables current. Without them a search over a table
 * just filled by ingest is planned from defaults: `q=sqlmap` over 200k fresh rows estimated one
 * match, sorted a parallel scan of the whole table and took 320 ms; after ANALYZE it walks the time
 * index newest first in 0.4 ms. Autovacuum would analyze eventually, but only after its nap, and it
 * is switched off on some servers (this one among them). So after a commit that inserted rows, a
 * table that grew to five times its size at the last ANALYZE (plus 1,000 rows) is analysed again:
 * five times while a table fills from empty to 1M rows (selectivities of a sample stay good while
 * the table grows; the planner scales row counts by the table's current size), on a pool
 * connection, one table at a time, never inside a write unit. ANALYZE takes a lock that neither
 * inserts nor reads wait for.
 */
export class StatisticsKeeper {
  readonly #pool: pg.Pool;
  readonly #logger: Logger;
  readonly #track: (work: Promise<void>) => void;
  readonly #tables = new Map<string, TableState>();
  #running = false;

  constructor(pool: pg.Pool, logger: Logger, track: (work: Promise<void>) => void) {
    this.#pool = pool;
    this.#logger = logger;
    this.#track = track;
  }

  /** After a commit: how many rows the unit inserted per table through the bulk paths. */
  noteInserted(counts: ReadonlyMap<string, number>): void {
    for (const [table, n] of counts) {
      if (n <= 0) continue;
      const state = this.#tables.get(table) ?? { pending: 0, base: undefined, refused: false };
      state.pending += n;
      this.#tables.set(table, state);
    }
    if (!this.#running && this.#next() !== undefined) {
      this.#running = true;
      this.#track(this.#run().finally(() => (this.#running = false)));
    }
  }

  #next(): string | undefined {
    for (const [table, s] of this.#tables) if (!s.refused && (s.base === undefined ? s.pending >= MIN_ROWS : s.pending >= MIN_ROWS + GROWTH * s.base)) return table;
    return undefined;
  }

  async #run(): Promise<void> {
    for (let table = this.#next(); table !== undefined; table = this.#next()) {
      const state = this.#tables.get(table)!;
      try {
        if (state.base === undefined) {
          // First look in this process: a table analysed before counts from its size then.
          state.base = await this.#reltuples(table);
          if (state.pending < MIN_ROWS + GROWTH * state.base) continue;
        }
        state.pending = 0;
        await this.#pool.query(`ANALYZE ${quoteIdentifier(table)}`);
        state.base = await this.#reltuples(table);
      } catch (error) {
        state.refused = true;
        this.#logger.warn({ table, error: (error as Error).message }, 'could not refresh planner statistics; searches may be planned from defaults until autovacuum analyzes');
      }
    }
  }

  async #reltuples(table: string): Promise<number> {
    const { rows } = await this.#pool.query<{ n: number }>('SELECT reltuples::float8 AS n FROM pg_class WHERE oid = to_regclass($1)', [quoteIdentifier(table)]);
    // -1: never analysed nor vacuumed.
    return Math.max(0, rows[0]?.n ?? 0);
  }
}
