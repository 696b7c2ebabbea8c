export { openDatabase, parseDatabaseUrl, type DatabaseTarget } from './open.js';
export type { CheckpointResult, Database, HealthReport, OpenOptions, WriteUnit } from './database.js';
export type {
  DialectCapabilities,
  DialectHelpers,
  InsertManyOptions,
  SchemaChangeContext,
  WriteContext,
  Dialect,
} from './write-context.js';
export { ScriptStatementError } from './write-context.js';
export { splitSqlScript, type ScriptStatement } from './sql-script.js';
export {
  ConstraintViolationError,
  CONSTRAINT_KINDS,
  DatabaseUnavailableError,
  PanoptesError,
  WritePathError,
  isPanoptesError,
  type ConstraintKind,
  type PanoptesErrorOptions,
} from './errors.js';
export { ProjectScopePlugin, type ProjectScope } from './project-scope.js';
export { deleteInChunks, type ChunkedDeleteOptions } from './chunked-delete.js';
export { jsonColumn, type JsonColumn, type Parser } from './json-column.js';
export { silentLogger, type Logger } from './logger.js';
export { redactUrl } from './postgres/open.js';
export { acquireWriterLock } from './sqlite/writer-lock.js';
export type { Catalog, CatalogColumn, CatalogForeignKey, CatalogIndex, CatalogTable, ColumnFamily, OnDelete } from './catalog.js';
export * from './schema/index.js';
