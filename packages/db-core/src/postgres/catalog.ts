import type pg from 'pg';
import {
  normaliseOnDelete,
  sortForeignKeys,
  sortIndexes,
  type Catalog,
  type CatalogTable,
  type ColumnFamily,
} from '../catalog.js';

const ON_DELETE: Readonly<Record<string, string>> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

function family(dataType: string): ColumnFamily {
  if (dataType === 'bigint' || dataType === 'integer' || dataType === 'smallint') return 'integer';
  if (dataType === 'double precision' || dataType === 'real' || dataType === 'numeric') return 'real';
  if (dataType === 'bytea') return 'blob';
  if (dataType === 'boolean') return 'boolean';
  return 'text';
}

const COLUMNS = `
  SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default,
         EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
                  WHERE k.contype = 'p' AND k.conrelid = (quote_ident(c.table_name))::regclass AND a.attname = c.column_name) AS pk
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
   WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
   ORDER BY c.table_name, c.ordinal_position`;

const FOREIGN_KEYS = `
  SELECT k.conrelid::regclass::text AS table_name, k.confrelid::regclass::text AS ref, k.confdeltype,
         ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o) AS cols,
         ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, o)
                 JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o) AS ref_cols
    FROM pg_constraint k
   WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`;

const INDEXES = `
  SELECT t.relname AS table_name, i.relname AS index_name, x.indisunique, x.indisprimary,
         x.indpred IS NOT NULL AS partial,
         EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype = 'u') AS by_constraint,
         ARRAY(SELECT COALESCE(a.attname::text, '<expression>') FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(n, o)
                 LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.n ORDER BY u.o) AS cols
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
   WHERE t.relnamespace = current_schema()::regnamespace AND t.relkind = 'r'`;

const CHECKS = `
  SELECT conrelid::regclass::text AS table_name, count(*)::int AS n
    FROM pg_constraint WHERE contype = 'c' AND connamespace = current_schema()::regnamespace
   GROUP BY conrelid`;

type Row = Record<string, unknown>;

/** Reads the normalised catalog of the current schema. */
export async function readPostgresCatalog(client: pg.Pool | pg.PoolClient): Promise<Catalog> {
  const [columns, foreignKeys, indexes, checks] = await Promise.all(
    [COLUMNS, FOREIGN_KEYS, INDEXES, CHECKS].map(async (q) => (await client.query<Row>(q)).rows),
  );
  const tables: Record<string, { -readonly [K in keyof CatalogTable]: CatalogTable[K] extends readonly (infer E)[] ? E[] : CatalogTable[K] }> = {};
  const table = (name: string) => (tables[name] ??= { columns: [], foreignKeys: [], indexes: [], checkConstraints: 0 });
  for (const c of columns!) {
    table(String(c.table_name)).columns.push({
      name: String(c.column_name),
      type: family(String(c.data_type)),
      notNull: c.is_nullable === 'NO',
      hasDefault: c.column_default !== null,
      primaryKey: c.pk === true,
    });
  }
  for (const k of foreignKeys!) {
    table(String(k.table_name)).foreignKeys.push({
      columns: k.cols as string[],
      references: String(k.ref),
      referencedColumns: k.ref_cols as string[],
      onDelete: normaliseOnDelete(ON_DELETE[String(k.confdeltype)] ?? String(k.confdeltype)),
    });
  }
  for (const x of indexes!) {
    if (x.indisprimary === true) continue;
    table(String(x.table_name)).indexes.push({
      name: x.by_constraint === true ? null : String(x.index_name),
      columns: x.cols as string[],
      unique: x.indisunique === true,
      partial: x.partial === true,
    });
  }
  for (const c of checks!) table(String(c.table_name)).checkConstraints = Number(c.n);
  const sorted: Record<string, CatalogTable> = {};
  for (const name of Object.keys(tables).sort()) {
    const t = tables[name]!;
    sorted[name] = { ...t, foreignKeys: sortForeignKeys(t.foreignKeys), indexes: sortIndexes(t.indexes) };
  }
  return { tables: sorted };
}
