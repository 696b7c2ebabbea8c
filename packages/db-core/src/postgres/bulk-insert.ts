import { CompiledQuery, type Transaction } from 'kysely';
import { PanoptesError } from '../errors.js';
import type { Schema } from '../schema/index.js';
import { quoteIdentifier } from '../write-context.js';
import { copyField } from './copy.js';

/**
 * Rows per statement at most. A statement carries one array parameter per column whatever its row
 * count; this only bounds the size of each array literal (a parameter may not exceed 1 GB).
 */
const ROWS_PER_STATEMENT = 10_000;

/** What a bulk insert needs to know about a table, read from the catalog. */
interface TableShape {
  /** Each column's SQL type as `format_type` spells it (`bigint`, `character varying(20)`). */
  readonly types: ReadonlyMap<string, string>;
  /** Columns that some unique index (or the primary key) covers. */
  readonly uniqueColumns: ReadonlySet<string>;
}

const SHAPE = `
  SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
         EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = a.attrelid AND x.indisunique AND a.attnum = ANY (x.indkey)) AS in_unique
    FROM pg_attribute a
   WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`;

/**
 * Table shapes cached per database handle. A schema change calls `invalidate`; a shape read while
 * one was running is used once and not kept. A cached shape that lacks a column asked for is read
 * again (another process may have migrated the schema).
 */
export class TableShapes {
  readonly #shapes = new Map<string, TableShape>();
  #generation = 0;

  invalidate(): void {
    this.#shapes.clear();
    this.#generation += 1;
  }

  async get(trx: Transaction<Schema>, table: string, columns: readonly string[] = []): Promise<TableShape> {
    const cached = this.#shapes.get(table);
    if (cached !== undefined && columns.every((c) => cached.types.has(c))) return cached;
    const generation = this.#generation;
    const { rows } = await trx.executeQuery<{ name: string; type: string; in_unique: boolean }>(CompiledQuery.raw(SHAPE, [quoteIdentifier(table)]));
    if (rows.length === 0) throw new PanoptesError('UNKNOWN_TABLE', `bulk insert: no table ${table} in the current schema`);
    const shape: TableShape = {
      types: new Map(rows.map((r) => [r.name, r.type])),
      uniqueColumns: new Set(rows.filter((r) => r.in_unique).map((r) => r.name)),
    };
    if (generation === this.#generation) this.#shapes.set(table, shape);
    return shape;
  }
}

export interface BulkInsert {
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  /** Skip rows that break any unique index (`ON CONFLICT DO NOTHING`, no target). */
  readonly ignoreConflicts: boolean;
  /** Columns of each inserted row to return, in insertion order. */
  readonly returning?: readonly string[];
}

/**
 * Rows from which an insert that returns nothing and skips nothing goes through COPY: COPY waits
 * for the server's go-ahead before its data (one more round trip), which a few rows do not repay.
 */
export const COPY_MIN_ROWS = 64;

/** Each column's SQL type, refusing a column the table lacks or one that holds arrays. */
async function columnTypes(trx: Transaction<Schema>, shapes: TableShapes, table: string, columns: readonly string[]): Promise<string[]> {
  const shape = await shapes.get(trx, table, columns);
  return columns.map((column) => {
    const type = shape.types.get(column);
    if (type === undefined) throw new PanoptesError('UNKNOWN_COLUMN', `bulk insert: ${table} has no column ${column}`);
    // unnest would flatten an array column's values into rows (refused on both paths, so a batch's
    // size never decides whether it is stored).
    if (type.endsWith('[]')) throw new PanoptesError('UNSUPPORTED_COLUMN_TYPE', `bulk insert: ${table}.${column} is an array column (${type})`);
    return type;
  });
}

function checkRowLengths(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): void {
  rows.forEach((row, r) => {
    if (row.length !== columns.length) {
      throw new PanoptesError('INVALID_ARGUMENT', `bulk insert into ${table}: row ${r} has ${row.length} values for ${columns.length} columns`);
    }
  });
}

/**
 * Inserts rows with one array parameter per column: `INSERT ... SELECT * FROM unnest($1::type[],
 * ...)`. Against a multi-row VALUES with a parameter per value (up to 65,535) the statement stays
 * tiny, whatever the row count: 2,048-row batches of log rows cost the server 20 us of CPU per row
 * instead of 31, and Node builds 28 array literals instead of 57,000 placeholders. unnest yields
 * the rows in order and they are inserted in that order, so the returned rows come in input order.
 */
export async function bulkInsert(
  trx: Transaction<Schema>,
  shapes: TableShapes,
  insert: BulkInsert,
): Promise<{ readonly inserted: number; readonly returned: readonly Record<string, unknown>[] }> {
  const { table, columns, rows } = insert;
  if (rows.length === 0) return { inserted: 0, returned: [] };
  const casts = (await columnTypes(trx, shapes, table, columns)).map((type, i) => `$${i + 1}::${type}[]`);
  checkRowLengths(table, columns, rows);
  const returning = insert.returning === undefined || insert.returning.length === 0 ? '' : ` RETURNING ${insert.returning.map(quoteIdentifier).join(', ')}`;
  const text =
    `INSERT INTO ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) SELECT * FROM unnest(${casts.join(', ')})` +
    `${insert.ignoreConflicts ? ' ON CONFLICT DO NOTHING' : ''}${returning}`;
  let inserted = 0;
  const returned: Record<string, unknown>[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const result = await trx.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, toColumnArrays(table, columns, rows.slice(start, start + ROWS_PER_STATEMENT))));
    inserted += Number(result.numAffectedRows ?? 0n);
    for (const row of result.rows) returned.push(row);
  }
  return { inserted, returned };
}

/**
 * Inserts rows through `COPY ... FROM STDIN` in its text format (copy.ts runs it on the
 * transaction's connection): Postgres reads each value once instead of parsing an array literal
 * per column and unnesting it. 1,024-row batches of log rows: 7.8-9.3 us of the server's CPU a row
 * against 15.6-21.3 through unnest (12.0-12.3 against 19.7 with log_entries' foreign keys), and a
 * little less of Node's. A duplicate key fails the whole statement (COPY has no ON CONFLICT).
 */
export async function copyRows(trx: Transaction<Schema>, shapes: TableShapes, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<number> {
  if (rows.length === 0) return 0;
  await columnTypes(trx, shapes, table, columns);
  checkRowLengths(table, columns, rows);
  const text = `COPY ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) FROM STDIN`;
  let inserted = 0;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    let data = '';
    for (const row of rows.slice(start, start + ROWS_PER_STATEMENT)) {
      for (let c = 0; c < row.length; c++) data += (c > 0 ? '\t' : '') + valueText(COPY_FIELD, table, columns[c]!, row[c]);
      data += '\n';
    }
    await trx.executeQuery(CompiledQuery.raw(text, [data]));
    inserted += Math.min(ROWS_PER_STATEMENT, rows.length - start);
  }
  return inserted;
}

/** Rows to one Postgres array literal per column. */
function toColumnArrays(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): string[] {
  return columns.map((column, c) => {
    let literal = '{';
    for (let r = 0; r < rows.length; r++) {
      if (r > 0) literal += ',';
      literal += valueText(ARRAY_ELEMENT, table, column, rows[r]![c]);
    }
    return `${literal}}`;
  });
}

const NEEDS_ESCAPE = /[\\"]/;

/** How one of the two text formats writes NULL and escapes a field. */
interface TextFormat {
  readonly null: string;
  readonly field: (text: string) => string;
}

/**
 * An element of an array literal, as pg's own `arrayString` writes it but without its two regex
 * passes over every string (a third of the insert's time in Node).
 */
const ARRAY_ELEMENT: TextFormat = { null: 'NULL', field: quote };
/** A field of COPY's text format (`\N` is NULL). */
const COPY_FIELD: TextFormat = { null: '\\N', field: copyField };

/** A value as Postgres reads it in this format; numbers other than finite ones (NaN, Infinity) as escaped fields. */
function valueText(format: TextFormat, table: string, column: string, value: unknown): string {
  if (value === null || value === undefined) return format.null;
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : format.field(String(value));
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return format.field(value);
    default:
      return format.field(objectText(table, column, value));
  }
}

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? `"${text.replace(/[\\"]/g, '\\$&')}"` : `"${text}"`;
}

/** The text Postgres reads for a value that is not a number, boolean or string: bytes as `\x` hex, objects as JSON. */
function objectText(table: string, column: string, value: unknown): string {
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (value instanceof Date) throw new PanoptesError('INVALID_PARAMETER', 'Dates are not stored: pass epoch milliseconds (Date#getTime())');
  if (Array.isArray(value)) throw new PanoptesError('INVALID_PARAMETER', `bulk insert into ${table}: ${column} got an array (store JSON text)`);
  if (ArrayBuffer.isView(value)) return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
