import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import type { Database } from './database.js';
import type { Schema } from './schema/index.js';

type TablesWithId = { [T in keyof Schema]: 'id' extends keyof Schema[T] ? T : never }[keyof Schema];

export interface ChunkedDeleteOptions<T extends TablesWithId> {
  readonly table: T;
  readonly where: (eb: ExpressionBuilder<Schema, T>) => Expression<SqlBool>;
  /** Rows per write unit; small chunks keep other writers' waits short. Default 1000. */
  readonly chunkSize?: number;
  /** Which rows go first: ascending by this column, then by id. Default `id`. */
  readonly orderBy?: keyof Schema[T] & string;
  /** Stop after this many rows (for a row cap). */
  readonly limit?: number;
  /** Called after each committed chunk. */
  readonly onChunk?: (deleted: number) => void;
}

/**
 * Deletes matching rows oldest first (by `orderBy`, then id) in small write units, yielding between them so readers and
 * other writers interleave. Returns how many rows were deleted.
 */
export async function deleteInChunks<T extends TablesWithId>(database: Database, options: ChunkedDeleteOptions<T>): Promise<number> {
  const chunkSize = options.chunkSize ?? 1000;
  let total = 0;
  for (;;) {
    const want = options.limit === undefined ? chunkSize : Math.min(chunkSize, options.limit - total);
    if (want <= 0) break;
    const deleted = await database.write(async (tx) => {
      // Kysely cannot type a table chosen at run time; the ids come from the same table and filter.
      const db = tx.db as unknown as Kysely<Record<string, Record<string, number>>>;
      const table = options.table as string;
      const ids = db
        .selectFrom(table)
        .select('id')
        .where(options.where as never)
        .orderBy(options.orderBy ?? 'id')
        .$if(options.orderBy !== undefined && options.orderBy !== 'id', (qb) => qb.orderBy('id'))
        .limit(want);
      const result = await db.deleteFrom(table).where('id', 'in', ids).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
    total += deleted;
    options.onChunk?.(deleted);
    if (deleted < want) break;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return total;
}
