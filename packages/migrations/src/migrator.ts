import { isPanoptesError, silentLogger, type Database, type Logger, type SchemaChangeContext } from '@panoptes/db-core';
import { loadMigrations, migrationChecksum, migrationLabel } from './load.js';
import { MigrationError, type Migration } from './migration.js';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at BIGINT NOT NULL,
  checksum   TEXT NOT NULL
)`;

export interface AppliedMigration {
  readonly version: string;
  readonly name: string;
  readonly appliedAt: number;
  readonly checksum: string;
}

export interface MigrationStatus {
  /** The newest applied version, or null on an empty database. */
  readonly current: string | null;
  readonly applied: readonly (AppliedMigration & { readonly edited: boolean })[];
  readonly pending: readonly { readonly version: string; readonly name: string }[];
  /** Checksum mismatch: the file changed after it was applied. */
  readonly edited: readonly AppliedMigration[];
  /** Applied versions this code does not know: the database is newer than the code. */
  readonly unknown: readonly AppliedMigration[];
}

export interface MigratorOptions {
  /** Defaults to the migrations that ship with this package. */
  readonly migrations?: readonly Migration[];
  readonly logger?: Logger;
  readonly clock?: () => number;
}

export interface UpOptions {
  /** Apply up to and including this version. */
  readonly to?: string;
  /** Apply even though an applied migration's file changed since (reported, not refused). */
  readonly allowEdited?: boolean;
}

export interface Migrator {
  status(): Promise<MigrationStatus>;
  /** Applies pending versions in order, each in its own transaction; a no-op when up to date. */
  up(options?: UpOptions): Promise<{ readonly applied: readonly string[] }>;
  /** Reverts applied versions newer than `to` (use `'0000'` for all), newest first. */
  down(to: string): Promise<{ readonly reverted: readonly string[] }>;
}

/** The migration runner for one database handle. */
export function createMigrator(db: Database, options: MigratorOptions = {}): Migrator {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? Date.now;
  const dialect = db.capabilities.dialect;
  let cached: readonly Migration[] | undefined = options.migrations;
  const migrations = async (): Promise<readonly Migration[]> => (cached ??= await loadMigrations());

  const readApplied = async (): Promise<AppliedMigration[]> => {
    if (!(await db.tableExists('schema_migrations'))) return [];
    const rows = await db.read.selectFrom('schema_migrations').selectAll().orderBy('version').execute();
    return rows.map((r) => ({ version: r.version, name: r.name, appliedAt: r.applied_at, checksum: r.checksum }));
  };

  const status = async (): Promise<MigrationStatus> => {
    const known = await migrations();
    const applied = await readApplied();
    const byVersion = new Map(known.map((m) => [m.version, m]));
    const appliedVersions = new Set(applied.map((a) => a.version));
    const withEdits = applied.map((a) => {
      const m = byVersion.get(a.version);
      return { ...a, edited: m !== undefined && migrationChecksum(m, dialect) !== a.checksum };
    });
    return {
      current: applied.at(-1)?.version ?? null,
      applied: withEdits,
      pending: known.filter((m) => !appliedVersions.has(m.version)).map((m) => ({ version: m.version, name: m.name })),
      edited: withEdits.filter((a) => a.edited).map(({ edited: _edited, ...a }) => a),
      unknown: applied.filter((a) => !byVersion.has(a.version)),
    };
  };

  const refuseNewer = (s: MigrationStatus): void => {
    if (s.unknown.length === 0) return;
    const names = s.unknown.map(migrationLabel).join(', ');
    throw new MigrationError(
      'SCHEMA_NEWER',
      `the database has migrations this version of Panoptes does not know (${names}): it was written by a newer version. ` +
        'Run that version, or restore a backup taken before the upgrade.',
      { context: { unknown: s.unknown.map((u) => u.version) } },
    );
  };

  const isApplied = async (tx: SchemaChangeContext, version: string): Promise<boolean> =>
    (await tx.db.selectFrom('schema_migrations').select('version').where('version', '=', version).executeTakeFirst()) !== undefined;

  const fail = (m: Migration, direction: 'up' | 'down', error: unknown): MigrationError => {
    const reason = error instanceof Error ? error.message : String(error);
    return new MigrationError('MIGRATION_FAILED', `migration ${migrationLabel(m)} (${direction}) failed and was rolled back: ${reason}`, {
      cause: error,
      context: { version: m.version, direction, ...(isPanoptesError(error) ? error.context : {}) },
    });
  };

  /**
   * Runs one version's change in its own schema-change unit. Whether it is still to do is decided
   * again inside the unit: another runner may have done it meanwhile. False when there was nothing to do.
   */
  const runVersion = (m: Migration, direction: 'up' | 'down', change: (tx: SchemaChangeContext) => Promise<void>): Promise<boolean> =>
    db
      .schemaChange(async (tx) => {
        if ((await isApplied(tx, m.version)) === (direction === 'up')) return false;
        await change(tx);
        return true;
      })
      .catch((error: unknown) => {
        throw fail(m, direction, error);
      });

  return {
    status,

    async up(upOptions = {}) {
      await db.schemaChange((tx) => tx.execScript(CREATE_TABLE, 'schema_migrations'));
      const before = await status();
      refuseNewer(before);
      if (before.edited.length > 0 && upOptions.allowEdited !== true) {
        throw new MigrationError(
          'MIGRATION_EDITED',
          `applied migrations were edited afterwards (${before.edited.map(migrationLabel).join(', ')}): ` +
            'restore the original files, or add a new migration for the change.',
        );
      }
      const applied: string[] = [];
      for (const m of await migrations()) {
        if (upOptions.to !== undefined && m.version > upOptions.to) break;
        if (before.applied.some((a) => a.version === m.version)) continue;
        const ran = await runVersion(m, 'up', async (tx) => {
          if (m.hook !== undefined) await m.hook.up(tx);
          else await tx.execScript(m.up[dialect]!.sql, m.up[dialect]!.file);
          await tx.db
            .insertInto('schema_migrations')
            .values({ version: m.version, name: m.name, applied_at: clock(), checksum: migrationChecksum(m, dialect) })
            .execute();
        });
        if (ran) {
          applied.push(migrationLabel(m));
          logger.info({ version: m.version, name: m.name }, 'migration applied');
        }
      }
      return { applied };
    },

    async down(to) {
      const before = await status();
      refuseNewer(before);
      const byVersion = new Map((await migrations()).map((m) => [m.version, m]));
      const reverted: string[] = [];
      for (const a of [...before.applied].reverse()) {
        if (a.version <= to) break;
        const m = byVersion.get(a.version)!;
        const ran = await runVersion(m, 'down', async (tx) => {
          if (m.hook?.down !== undefined) await m.hook.down(tx);
          else await tx.execScript(m.down[dialect]!.sql, m.down[dialect]!.file);
          await tx.db.deleteFrom('schema_migrations').where('version', '=', m.version).execute();
        });
        if (ran) {
          reverted.push(migrationLabel(m));
          logger.info({ version: m.version, name: m.name }, 'migration reverted');
        }
      }
      return { reverted };
    },
  };
}
