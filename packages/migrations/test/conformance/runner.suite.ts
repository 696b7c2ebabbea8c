import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '@panoptes/db-core';
import { rejectionOf, startTypeScriptChild, TYPESCRIPT_CHILD_TEST_MS, type DialectFixture } from '@panoptes/db-core/testing';
import { createMigrator, loadMigrations, migrationChecksum } from '../../src/index.js';
import { migrationDir } from '../fixtures/migration-dirs.js';

const PACKAGE_DIR = new URL('../..', import.meta.url).pathname;
const CHILD = new URL('../fixtures/migrate-in-child.ts', import.meta.url).pathname;

const settingsRows = async (db: Database) => db.read.selectFrom('settings').selectAll().orderBy('key').execute();
/** The migrations this package ships, by name and version. */
const builtIn = async () => (await loadMigrations()).map((m) => ({ name: `${m.version}_${m.name}`, version: m.version }));
const migrationRows = async (db: Database) => db.read.selectFrom('schema_migrations').selectAll().orderBy('version').execute();

export function runnerSuite(fixture: DialectFixture): void {
  // Extra migrations used below: a good one, and one that fails at its third statement.
  const dirs = migrationDir({
    '0900_audit_tags': {
      up: 'CREATE TABLE audit_tags (id INTEGER PRIMARY KEY, tag TEXT NOT NULL UNIQUE);\nCREATE INDEX audit_tags_tag ON audit_tags (tag);',
      down: 'DROP TABLE audit_tags;',
    },
  });
  const broken = migrationDir({
    '0900_broken': {
      up: "CREATE TABLE half_done (id INTEGER PRIMARY KEY);\nINSERT INTO settings (key, value, updated_at) VALUES ('broken', '1', 1);\n\nINSERT INTO missing_table (x) VALUES (1);\n",
      down: 'DROP TABLE half_done;',
    },
  });

  it('migrates a fresh database, records each version with its checksum, and is a no-op the second time', async () => {
    const db = await fixture.open();
    const migrator = createMigrator(db, { clock: () => 1_800_000_000_000 });
    const shipped = await builtIn();
    expect(shipped.slice(0, 2).map((m) => m.name)).toEqual(['0001_initial_schema', '0002_log_entries_ip_index']);
    expect(await migrator.up()).toEqual({ applied: shipped.map((m) => m.name) });
    const [row] = await migrationRows(db);
    const [initial] = await loadMigrations();
    expect(row).toEqual({ version: '0001', name: 'initial_schema', applied_at: 1_800_000_000_000, checksum: migrationChecksum(initial!, fixture.dialect) });
    const before = await db.catalog();
    expect(await migrator.up()).toEqual({ applied: [] });
    expect(await db.catalog()).toEqual(before);
    const status = await migrator.status();
    expect(status).toMatchObject({ current: shipped.at(-1)!.version, pending: [], edited: [], unknown: [] });
    // The default project exists from the start.
    expect(await db.read.selectFrom('projects').select(['uuid', 'name']).execute()).toEqual([
      { uuid: '00000000-0000-0000-0000-000000000001', name: 'Default' },
    ]);
  });

  it('ends up -> down -> up with the same schema', async () => {
    const db = await fixture.open();
    const migrator = createMigrator(db, { migrations: await dirs.load() });
    await migrator.up();
    const first = await db.catalog();
    expect(Object.keys(first.tables)).toContain('audit_tags');
    const shipped = await builtIn();
    expect(await migrator.down(shipped.at(-1)!.version)).toEqual({ reverted: ['0900_audit_tags'] });
    expect(Object.keys((await db.catalog()).tables)).not.toContain('audit_tags');
    expect(await migrator.down('0000')).toEqual({ reverted: shipped.map((m) => m.name).reverse() });
    expect(Object.keys((await db.catalog()).tables)).toEqual(['schema_migrations']);
    expect(await migrator.up()).toEqual({ applied: [...shipped.map((m) => m.name), '0900_audit_tags'] });
    expect(await db.catalog()).toEqual(first);
  });

  it('gives raw-line blocks written before 0005 their time span and no address filters, so searches still open them whole', async () => {
    const db = await fixture.open();
    const migrator = createMigrator(db);
    await migrator.up();
    await migrator.down('0004');
    await db.write(async (tx) => {
      const block = await tx.db.insertInto('log_raw_blocks').values({ codec: 'deflate-raw', lines: 2, created_at: 1, data: Buffer.from('x') }).returning('id').executeTakeFirstOrThrow();
      const rows = [5_000, 9_000].map((ts, line) => ({ ts, source: 'caddy_access' as const, remote_ip: '10.0.0.1', raw_block_id: Number(block.id), raw_block_line: line, content_hash: Buffer.from([line]) }));
      await tx.db.insertInto('log_entries').values([...rows, { ts: 7_000, source: 'audit', remote_ip: '10.0.0.1', raw: 'inline', content_hash: Buffer.from([9]) }]).execute();
    });
    await migrator.up();
    expect((await db.read.selectFrom('log_block_filters').selectAll().execute()).map((f) => ({ ...f, block_id: Number(f.block_id), ts_min: Number(f.ts_min), ts_max: Number(f.ts_max) }))).toEqual([
      { block_id: expect.any(Number), ts_min: 5_000, ts_max: 9_000, ip_bloom: null, ip_segments: null },
    ]);
    await migrator.down('0004');
    expect(Object.keys((await db.catalog()).tables)).not.toContain('log_block_filters');
    expect(await db.read.selectFrom('log_entries').select('ts').orderBy('ts').execute()).toEqual([{ ts: 5_000 }, { ts: 7_000 }, { ts: 9_000 }]);
  });

  it('rolls a failing migration back completely and names the file and the statement', async () => {
    const db = await fixture.open();
    await createMigrator(db).up();
    await db.write((tx) => tx.db.insertInto('settings').values({ key: 'kept', value: '"yes"', updated_at: 1 }).execute());
    const catalogBefore = await db.catalog();
    const settingsBefore = await settingsRows(db);
    const migrationsBefore = await migrationRows(db);

    const error = await rejectionOf(createMigrator(db, { migrations: await broken.load() }).up());
    expect(error.code).toBe('MIGRATION_FAILED');
    expect(error.message).toContain('migration 0900_broken (up) failed and was rolled back');
    expect(error.message).toContain(`sql/${fixture.dialect}/0900_broken.up.sql: statement 3 (line 4) failed`);
    expect(error.message).toContain('missing_table');

    expect(await db.catalog()).toEqual(catalogBefore);
    expect(await settingsRows(db)).toEqual(settingsBefore);
    expect(await migrationRows(db)).toEqual(migrationsBefore);
  });

  it('reports a migration edited after it was applied and refuses to go on until told', async () => {
    const db = await fixture.open();
    await createMigrator(db).up();
    const edited = (await loadMigrations()).map((m) => ({
      ...m,
      up: { ...m.up, [fixture.dialect]: { ...m.up[fixture.dialect]!, sql: `${m.up[fixture.dialect]!.sql}\n-- edited later\n` } },
    }));
    const migrator = createMigrator(db, { migrations: edited });
    const status = await migrator.status();
    expect(status.edited.map((e) => e.version)).toEqual((await builtIn()).map((m) => m.version));
    expect(status.applied[0]).toMatchObject({ version: '0001', edited: true });
    await expect(migrator.up()).rejects.toMatchObject({ code: 'MIGRATION_EDITED' });
    await expect(migrator.up({ allowEdited: true })).resolves.toEqual({ applied: [] });
  });

  it('refuses a database that is newer than the code', async () => {
    const db = await fixture.open();
    await createMigrator(db, { migrations: await dirs.load() }).up();
    const older = createMigrator(db);
    const status = await older.status();
    expect(status.unknown.map((u) => u.version)).toEqual(['0900']);
    await expect(older.up()).rejects.toMatchObject({ code: 'SCHEMA_NEWER', message: expect.stringContaining('0900_audit_tags') });
    await expect(older.down('0000')).rejects.toMatchObject({ code: 'SCHEMA_NEWER' });
    expect(await db.tableExists('audit_tags')).toBe(true);
  });

  it('runs a code hook in place of a version\'s SQL, with its revision as checksum', async () => {
    const hookCode = (revision: string) => `export default {
      revision: '${revision}',
      async up(tx) { await tx.db.insertInto('settings').values({ key: 'hooked', value: '"${revision}"', updated_at: 1 }).execute(); },
      async down(tx) { await tx.db.deleteFrom('settings').where('key', '=', 'hooked').execute(); },
    };\n`;
    const v1 = migrationDir({}, { '0900_seed_setting.mjs': hookCode('1') });
    const db = await fixture.open();
    const migrator = createMigrator(db, { migrations: await v1.load() });
    const shipped = await builtIn();
    expect(await migrator.up()).toEqual({ applied: [...shipped.map((m) => m.name), '0900_seed_setting'] });
    expect(await settingsRows(db)).toEqual([{ key: 'hooked', value: '"1"', updated_at: 1 }]);
    const v2 = migrationDir({}, { '0900_seed_setting.mjs': hookCode('2') });
    expect((await createMigrator(db, { migrations: await v2.load() }).status()).edited.map((e) => e.version)).toEqual(['0900']);
    await migrator.down(shipped.at(-1)!.version);
    expect(await settingsRows(db)).toEqual([]);
  });

  it('applies each version exactly once when two processes migrate at the same time', { timeout: TYPESCRIPT_CHILD_TEST_MS }, async () => {
    const many = migrationDir(
      Object.fromEntries(
        ['0900_a', '0901_b', '0902_c'].map((label) => [label, { up: `CREATE TABLE t_${label} (id INTEGER PRIMARY KEY);`, down: `DROP TABLE t_${label};` }]),
      ),
    );
    const url = await fixture.freshUrl();
    const children = [0, 1].map(() => startTypeScriptChild(CHILD, [url, many.sqlDir, many.hooksDir], PACKAGE_DIR));
    const results = await Promise.all(children.map((c) => c.firstLine));
    await Promise.all(children.map((c) => c.exited));
    for (const result of results) expect(result).toMatchObject({ ok: true });
    const applied = results.flatMap((r) => r.applied as string[]).sort();
    const shipped = await builtIn();
    expect(applied).toEqual([...shipped.map((m) => m.name), '0900_a', '0901_b', '0902_c']);
    const db = await fixture.open({ url });
    expect((await migrationRows(db)).map((r) => r.version)).toEqual([...shipped.map((m) => m.version), '0900', '0901', '0902']);
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM projects`.execute(db.read);
    expect(Number(rows[0]!.n)).toBe(1);
  });
}
