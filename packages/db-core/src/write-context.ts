import type { Kysely, RawBuilder, SqlBool } from 'kysely';
import { PanoptesError } from './errors.js';
import type { Schema, TableName } from './schema/index.js';
import { splitSqlScript, type ScriptStatement } from './sql-script.js';

export type Dialect = 'sqlite' | 'postgres';

/** What a dialect can do, for callers that pick a strategy (never a SQL spelling). */
export interface DialectCapabilities {
  readonly dialect: Dialect;
  /** Writes are serialised through one writer connection (SQLite) or run concurrently (Postgres). */
  readonly singleWriter: boolean;
  /** Row locks with SKIP LOCKED, so several processes can claim work without double claims. */
  readonly skipLocked: boolean;
  /** Most bind parameters one statement may carry. */
  readonly maxParameters: number;
}

/** Dialect-specific SQL fragments, so no package above db-core spells a dialect. */
export interface DialectHelpers {
  /** `column` contains `needle`, ignoring case (ASCII on SQLite), with `%` and `_` taken literally. */
  containsInsensitive(column: string, needle: string): RawBuilder<SqlBool>;
  /**
   * The text of one JSON object of these columns, keys in this order, booleans as true/false: it
   * parses to the row a query would return. Built by the database, a page of wide rows skips making
   * row objects and stringifying them (50 rows of 23 columns: 108 us against 414 us on SQLite).
   * Plain identifiers only (`quoteIdentifier`). The expression is one fragment of SQL text: built
   * from nodes (three a column), Kysely copied and compiled them all on every query, about 5% of a
   * search's event-loop time.
   */
  jsonObject(columns: readonly string[]): RawBuilder<string>;
  /**
   * An aggregate: the text of one JSON array holding, for each row of the group (every row without
   * GROUP BY), the array of these columns' values, rows in `orderBy` order; `[]` when there are
   * none. Built by the database, a day's per-minute series reads as one value instead of 1,200
   * rows: 0.9 ms on SQLite, where reading the rows themselves took 1.5-2.6 ms. Plain identifiers
   * only, as `jsonObject`.
   */
  jsonRows(columns: readonly string[], orderBy: string): RawBuilder<string>;
  /**
   * `column` equals one of `values`, however many: the list is one parameter (a JSON array read by
   * `json_each` on SQLite, an array on Postgres), where a parameter each cost building, compiling
   * and posting a statement of a thousand placeholders. An empty list matches nothing.
   */
  oneOf(column: string, values: readonly (number | string)[]): RawBuilder<SqlBool>;
}

export interface InsertManyOptions {
  /** `ignore` skips rows that break a unique constraint (insert-or-ignore). */
  readonly onConflict?: 'error' | 'ignore';
}

/** The handle a write unit receives: everything in it runs in the unit's one transaction. */
export interface WriteContext {
  readonly db: Kysely<Schema>;
  readonly capabilities: DialectCapabilities;
  readonly helpers: DialectHelpers;
  /**
   * The hot path for many rows: cached prepared statements on SQLite, multi-row inserts on
   * Postgres. Returns how many rows were inserted.
   */
  insertMany<T extends TableName>(
    table: T,
    columns: readonly (keyof Schema[T] & string)[],
    rows: readonly (readonly unknown[])[],
    options?: InsertManyOptions,
  ): Promise<number>;
  /**
   * Inserts rows, skipping those whose unique `keyColumn` value already exists (also twice within
   * `rows`): for each row, whether it went in.
   */
  insertNew<T extends TableName>(
    table: T,
    columns: readonly (keyof Schema[T] & string)[],
    rows: readonly (readonly unknown[])[],
    keyColumn: keyof Schema[T] & string,
  ): Promise<boolean[]>;
  /** Runs a multi-statement script one statement at a time; a failure names the statement. */
  execScript(script: string, source: string): Promise<void>;
}

/** A schema change unit: on SQLite foreign keys are off inside it and checked before commit. */
export type SchemaChangeContext = WriteContext;

/** A statement of a script failed; the message names the script, statement and line. */
export class ScriptStatementError extends PanoptesError {}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Quotes a table or column name after checking it is a plain identifier (never user input). */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new PanoptesError('INVALID_IDENTIFIER', `not a plain SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** `%needle%` with LIKE's wildcards escaped (for `ESCAPE '\\'`). */
export function likePattern(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Runs each statement of a script through `execute`, wrapping a failure with where it happened. */
export async function runScript(
  script: string,
  source: string,
  dialect: Dialect,
  execute: (statement: ScriptStatement) => Promise<void> | void,
): Promise<void> {
  const statements = splitSqlScript(script, dialect);
  for (const [index, statement] of statements.entries()) {
    try {
      await execute(statement);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const excerpt = statement.sql.length > 300 ? `${statement.sql.slice(0, 300)}...` : statement.sql;
      throw new ScriptStatementError(
        'SCRIPT_STATEMENT_FAILED',
        `${source}: statement ${index + 1} (line ${statement.line}) failed: ${reason}\n    ${excerpt}`,
        { cause: error, context: { source, statement: index + 1, line: statement.line } },
      );
    }
  }
}
