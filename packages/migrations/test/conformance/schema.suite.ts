import { ConstraintViolationError, BOOLEAN_COLUMNS, PROJECT_SCOPED_TABLES, type Database } from '@panoptes/db-core';
import type { DialectFixture } from '@panoptes/db-core/testing';
import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { CASCADE_MATRIX, type CascadeRule } from '../../src/index.js';
import { openMigrated } from '../../src/testing.js';
import { seedWorld, type World } from '../fixtures/world.js';

/** Every table of the DESIGN.md catalog (plus our rollups and bookkeeping). */
const CATALOG_TABLES = [
  'allowlists', 'api_tokens', 'backups', 'baseline_fingerprints', 'cert_status', 'finding_evidence', 'findings', 'host_security',
  'hosts', 'ingest_rejects', 'ingest_sources', 'log_block_filters', 'log_entries', 'log_facet_rollup_watermark', 'log_facet_rollups_hour', 'log_raw_blocks', 'log_rollups_minute',
  'log_rollups_minute_total', 'login_attempts', 'notification_channels',
  'notification_deliveries', 'notification_rules', 'projects', 'push_subscriptions', 'rules', 'schema_migrations', 'sessions',
  'settings', 'target_groups', 'targets', 'totp_attempts', 'users', 'waf_custom_rules', 'waf_exclusions',
];

class Rollback extends Error {}

/** Runs `check` in a write unit that is always rolled back, so every case starts from the same world. */
async function inRolledBackUnit(db: Database, check: (tx: Parameters<Parameters<Database['write']>[0]>[0]) => Promise<void>): Promise<void> {
  await db
    .write(async (tx) => {
      await check(tx);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
}

const label = (r: CascadeRule) => `${r.child}.${r.column} -> ${r.parent}: ${r.onDelete}`;

export function schemaSuite(fixture: DialectFixture): void {
  it('creates every table of the catalog with the log_entries indexes', async () => {
    const db = await openMigrated(fixture);
    const catalog = await db.catalog();
    expect(Object.keys(catalog.tables).sort()).toEqual(CATALOG_TABLES);
    const logIndexes = catalog.tables.log_entries!.indexes.map((i) => `${i.name}(${i.columns.join(',')})${i.partial ? ' partial' : ''}${i.unique ? ' unique' : ''}`);
    expect(logIndexes).toEqual([
      'log_entries_host_ts(host_id,ts) partial',
      'log_entries_raw_block_line(raw_block_id,raw_block_line) partial',
      'log_entries_rule_ts(rule_id,ts) partial',
      'log_entries_source_ts(source,ts) partial',
      'log_entries_status_class_ts(<expression>,ts)',
      'log_entries_status_ts(status,ts) partial',
      // SQLite's single writer looks repeats up itself (0008); Postgres keeps a unique index for them.
      ...(fixture.dialect === 'postgres' ? ['log_entries_ts_hash(ts,content_hash) unique'] : []),
      'log_entries_ts(ts)',
      'log_entries_unblocked_ip_ts(remote_ip,ts) partial',
      'log_entries_waf_rule_ts(waf_rule_id,ts) partial',
    ]);
    // An address search reads every block's span from this index alone (0009).
    expect(catalog.tables.log_block_filters!.indexes.map((i) => `${i.name}(${i.columns.join(',')})`)).toEqual(['log_block_filters_span(ts_max,ts_min)']);
  });

  it('declares exactly the foreign keys of the cascade matrix', async () => {
    const db = await openMigrated(fixture);
    const actual = Object.entries((await db.catalog()).tables).flatMap(([child, t]) =>
      t.foreignKeys.map((fk) => `${child}.${fk.columns.join(',')} -> ${fk.references}: ${fk.onDelete}`),
    );
    expect(actual.sort()).toEqual(CASCADE_MATRIX.map(label).sort());
  });

  it('puts project_uuid on exactly the project-scoped tables and types booleans as booleans', async () => {
    const db = await openMigrated(fixture);
    const tables = (await db.catalog()).tables;
    const scoped = Object.entries(tables).filter(([, t]) => t.columns.some((c) => c.name === 'project_uuid')).map(([n]) => n);
    expect(scoped.sort()).toEqual([...PROJECT_SCOPED_TABLES].sort());
    const booleans = new Set(Object.values(tables).flatMap((t) => t.columns.filter((c) => c.type === 'boolean').map((c) => c.name)));
    expect([...booleans].sort()).toEqual([...BOOLEAN_COLUMNS].sort());
    if (fixture.dialect === 'sqlite') {
      // Every SQLite column with a boolean name carries its 0/1 CHECK.
      const { rows } = await sql<{ name: string; sql: string }>`SELECT name, sql FROM sqlite_schema WHERE type = 'table'`.execute(db.read);
      for (const { name, sql: ddl } of rows) {
        for (const column of tables[name]?.columns.filter((c) => c.type === 'boolean') ?? []) {
          expect(ddl, `${name}.${column.name}`).toMatch(new RegExp(`CHECK \\(${column.name} IN \\(0, 1\\)\\)`));
        }
      }
    }
  });

  for (const rule of CASCADE_MATRIX) {
    it(`deleting the parent: ${label(rule)}`, async () => {
      const db = await openMigrated(fixture);
      const world: World = await seedWorld(db);
      const parentKey = rule.parent === 'projects' ? 'uuid' : 'id';
      const parentValue = world[rule.parent]!;
      const childKey = world[rule.child] === undefined ? undefined : 'id';
      await inRolledBackUnit(db, async (tx) => {
        const raw = tx.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
        const children = () => raw.selectFrom(rule.child).selectAll().where(rule.column, '=', parentValue).execute();
        expect((await children()).length, 'the world has a child row').toBeGreaterThan(0);
        const remove = () => raw.deleteFrom(rule.parent).where(parentKey, '=', parentValue).execute();
        if (rule.onDelete === 'restrict' || rule.onDelete === 'no action') {
          const error = await remove().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ConstraintViolationError);
          expect(error).toMatchObject({ kind: 'foreign_key' });
          return;
        }
        // Rows that refuse the parent's deletion (another rule of the matrix) go first.
        for (const blocker of CASCADE_MATRIX.filter((r) => r.parent === rule.parent && r !== rule && (r.onDelete === 'restrict' || r.onDelete === 'no action'))) {
          await raw.deleteFrom(blocker.child).where(blocker.column, '=', parentValue).execute();
        }
        await remove();
        expect(await children()).toEqual([]);
        if (rule.onDelete === 'set null') {
          const survivor = await raw.selectFrom(rule.child).selectAll().where(childKey!, '=', world[rule.child]!).executeTakeFirst();
          expect(survivor, 'history survives the delete').toBeDefined();
          expect(survivor![rule.column]).toBeNull();
        }
      });
    });
  }

  it('deletes a pinned log entry only after its finding is gone', async () => {
    const db = await openMigrated(fixture);
    const world = await seedWorld(db);
    await expect(db.write((tx) => tx.db.deleteFrom('log_entries').where('id', '=', world.log_entries as number).execute())).rejects.toMatchObject({
      kind: 'foreign_key',
    });
    await db.write((tx) => tx.db.deleteFrom('findings').where('id', '=', world.findings as number).execute());
    await db.write((tx) => tx.db.deleteFrom('log_entries').where('id', '=', world.log_entries as number).execute());
    expect(await db.read.selectFrom('log_entries').select('id').execute()).toEqual([]);
  });

  it('keeps rows written in one project invisible from another on the real schema', async () => {
    const db = await openMigrated(fixture);
    const world = await seedWorld(db);
    const other = db.project('00000000-0000-0000-0000-000000000001');
    const mine = db.project(world.projects as string);
    for (const table of PROJECT_SCOPED_TABLES) {
      const raw = (scope: typeof mine) => (scope.read as unknown as Kysely<Record<string, Record<string, unknown>>>).selectFrom(table).selectAll().execute();
      expect((await raw(mine)).length, table).toBe(1);
      expect(await raw(other), table).toEqual([]);
    }
  });
}
