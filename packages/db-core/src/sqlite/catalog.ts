import type BetterSqlite3 from 'better-sqlite3';
import {
  normaliseOnDelete,
  sortForeignKeys,
  sortIndexes,
  type Catalog,
  type CatalogForeignKey,
  type CatalogIndex,
  type CatalogTable,
  type ColumnFamily,
} from '../catalog.js';
import { BOOLEAN_NAMES } from './connection.js';

interface TableInfoRow { name: string; type: string; notnull: number; dflt_value: unknown; pk: number }
interface ForeignKeyRow { id: number; table: string; from: string; to: string | null; on_delete: string }
interface IndexListRow { name: string; unique: number; origin: string; partial: number }

function family(declared: string, column: string): ColumnFamily {
  const type = declared.toUpperCase();
  if (type.includes('INT')) return BOOLEAN_NAMES.has(column) ? 'boolean' : 'integer';
  if (type === 'REAL' || type.includes('DOUB') || type.includes('FLOA')) return 'real';
  if (type === 'BLOB') return 'blob';
  return 'text';
}

/** Reads the normalised catalog of a SQLite database through its pragmas. */
export function readSqliteCatalog(raw: BetterSqlite3.Database): Catalog {
  const tables: Record<string, CatalogTable> = {};
  const names = raw
    .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string; sql: string }[];
  for (const { name, sql } of names) {
    const columns = (raw.prepare('SELECT * FROM pragma_table_info(?)').all(name) as TableInfoRow[]).map((c) => ({
      name: c.name,
      type: family(c.type, c.name),
      notNull: c.notnull === 1 || c.pk > 0,
      hasDefault: c.dflt_value !== null,
      primaryKey: c.pk > 0,
    }));
    const fkRows = raw.prepare('SELECT * FROM pragma_foreign_key_list(?)').all(name) as ForeignKeyRow[];
    const byId = new Map<number, ForeignKeyRow[]>();
    for (const row of fkRows) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
    const foreignKeys: CatalogForeignKey[] = [...byId.values()].map((rows) => ({
      columns: rows.map((r) => r.from),
      references: rows[0]!.table,
      referencedColumns: rows.map((r) => r.to ?? 'id'),
      onDelete: normaliseOnDelete(rows[0]!.on_delete),
    }));
    const indexes: CatalogIndex[] = [];
    for (const index of raw.prepare('SELECT * FROM pragma_index_list(?)').all(name) as IndexListRow[]) {
      if (index.origin === 'pk') continue;
      const cols = (raw.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(index.name) as { name: string | null }[]).map(
        (c) => c.name ?? '<expression>',
      );
      indexes.push({ name: index.origin === 'c' ? index.name : null, columns: cols, unique: index.unique === 1, partial: index.partial === 1 });
    }
    tables[name] = {
      columns,
      foreignKeys: sortForeignKeys(foreignKeys),
      indexes: sortIndexes(indexes),
      checkConstraints: countChecks(sql),
    };
  }
  return { tables };
}

/** CHECKs in a CREATE TABLE, less `CHECK (flag IN (0, 1))` on booleans (Postgres says BOOLEAN). */
function countChecks(createTable: string): number {
  const all = (createTable.match(/\bCHECK\s*\(/gi) ?? []).length;
  const booleans = [...createTable.matchAll(/\bCHECK\s*\(\s*(\w+)\s+IN\s*\(\s*0\s*,\s*1\s*\)\s*\)/gi)].filter((m) => BOOLEAN_NAMES.has(m[1]!)).length;
  return all - booleans;
}
