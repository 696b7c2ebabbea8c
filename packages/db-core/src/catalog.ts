/** Column types normalised across dialects. */
export type ColumnFamily = 'integer' | 'real' | 'text' | 'blob' | 'boolean';
export type OnDelete = 'cascade' | 'set null' | 'restrict' | 'no action' | 'set default';

export interface CatalogColumn {
  readonly name: string;
  readonly type: ColumnFamily;
  readonly notNull: boolean;
  readonly hasDefault: boolean;
  readonly primaryKey: boolean;
}

export interface CatalogForeignKey {
  readonly columns: readonly string[];
  readonly references: string;
  readonly referencedColumns: readonly string[];
  readonly onDelete: OnDelete;
}

export interface CatalogIndex {
  /** Null for indexes that back an inline UNIQUE constraint (their names differ per dialect). */
  readonly name: string | null;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly partial: boolean;
}

export interface CatalogTable {
  readonly columns: readonly CatalogColumn[];
  readonly foreignKeys: readonly CatalogForeignKey[];
  readonly indexes: readonly CatalogIndex[];
  readonly checkConstraints: number;
}

/** A normalised description of the schema: equal catalogs mean equal schemas. */
export interface Catalog {
  readonly tables: Readonly<Record<string, CatalogTable>>;
}

export function sortForeignKeys(keys: CatalogForeignKey[]): CatalogForeignKey[] {
  return keys.sort((a, b) => a.columns.join(',').localeCompare(b.columns.join(',')));
}

export function sortIndexes(indexes: CatalogIndex[]): CatalogIndex[] {
  const key = (i: CatalogIndex): string => `${i.name ?? ''}|${i.columns.join(',')}|${i.unique}`;
  return indexes.sort((a, b) => key(a).localeCompare(key(b)));
}

export function normaliseOnDelete(action: string): OnDelete {
  const lower = action.toLowerCase();
  if (lower === 'cascade' || lower === 'set null' || lower === 'restrict' || lower === 'no action' || lower === 'set default') {
    return lower;
  }
  throw new Error(`unknown ON DELETE action ${action}`);
}
