import { PanoptesError, type Dialect, type SchemaChangeContext } from '@panoptes/db-core';

/**
 * Code that replaces a version's SQL when the change cannot be said in SQL alone. Bump `revision`
 * whenever the code changes: it is the hook's checksum.
 */
export interface MigrationHook {
  readonly revision: string;
  up(tx: SchemaChangeContext): Promise<void>;
  down?(tx: SchemaChangeContext): Promise<void>;
}

export interface MigrationScript {
  /** Where the SQL came from, for error messages: `sql/sqlite/0001_name.up.sql`. */
  readonly file: string;
  readonly sql: string;
}

export interface Migration {
  /** Four digits; migrations apply in lexical order of their version. */
  readonly version: string;
  readonly name: string;
  readonly up: Readonly<Partial<Record<Dialect, MigrationScript>>>;
  readonly down: Readonly<Partial<Record<Dialect, MigrationScript>>>;
  readonly hook?: MigrationHook;
}

export const MIGRATION_ERROR_CODES = [
  'INVALID_MIGRATIONS',
  'SCHEMA_NEWER',
  'MIGRATION_EDITED',
  'MIGRATION_FAILED',
] as const;
export type MigrationErrorCode = (typeof MIGRATION_ERROR_CODES)[number];

export class MigrationError extends PanoptesError {
  declare readonly code: MigrationErrorCode;

  constructor(code: MigrationErrorCode, message: string, options: ConstructorParameters<typeof PanoptesError>[2] = {}) {
    super(code, message, options);
  }
}
