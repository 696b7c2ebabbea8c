export { createMigrator, type AppliedMigration, type MigrationStatus, type Migrator, type MigratorOptions, type UpOptions } from './migrator.js';
export { loadMigrations, migrationChecksum, BUILT_IN_SQL_DIR, BUILT_IN_HOOKS_DIR } from './load.js';
export { MigrationError, MIGRATION_ERROR_CODES, type Migration, type MigrationErrorCode, type MigrationHook, type MigrationScript } from './migration.js';
export { CASCADE_MATRIX, type CascadeRule } from './cascade-matrix.js';
