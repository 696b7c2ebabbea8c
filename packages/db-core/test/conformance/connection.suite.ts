import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { DialectFixture } from '../../src/testing.js';
import { createFixtureSchema } from '../fixtures/schema.js';

export function connectionSuite(fixture: DialectFixture): void {
  it('applies the storage pragmas to every connection and reads them back', async () => {
    const db = await fixture.open({ connections: 3 });
    const settings = await db.connectionSettings();
    if (fixture.dialect === 'sqlite') {
      expect(settings.map((s) => s.role)).toEqual(['writer', 'reader', 'reader', 'reader']);
      for (const s of settings) {
        expect(s).toMatchObject({ journal_mode: 'wal', synchronous: 1, foreign_keys: 1, busy_timeout: 5000 });
        expect(s.journal_size_limit).toBeGreaterThan(0);
      }
    } else {
      expect(settings[0]).toMatchObject({ role: 'pool' });
      expect(String(settings[0]!.server_version)).toMatch(/^\d+/);
    }
  });

  it('reports health and the dialect capabilities', async () => {
    const db = await fixture.open();
    const health = await db.health();
    expect(health).toMatchObject({ ok: true, dialect: fixture.dialect, writeQueueDepth: 0, readOnly: false });
    expect(db.capabilities.singleWriter).toBe(fixture.dialect === 'sqlite');
    expect(db.capabilities.skipLocked).toBe(fixture.dialect === 'postgres');
  });

  it('knows which tables exist and describes them in a normalised catalog', async () => {
    const db = await fixture.open();
    expect(await db.tableExists('hosts')).toBe(false);
    await createFixtureSchema(db);
    expect(await db.tableExists('hosts')).toBe(true);
    const catalog = await db.catalog();
    expect(Object.keys(catalog.tables).sort()).toEqual(['hosts', 'log_entries', 'projects', 'settings', 'target_groups']);
    const hosts = catalog.tables.hosts!;
    expect(hosts.columns.find((c) => c.name === 'enabled')).toMatchObject({ type: 'boolean', notNull: true, hasDefault: true });
    expect(hosts.columns.find((c) => c.name === 'id')).toMatchObject({ type: 'integer', primaryKey: true });
    expect(hosts.foreignKeys).toEqual([
      { columns: ['project_uuid'], references: 'projects', referencedColumns: ['uuid'], onDelete: 'no action' },
      { columns: ['target_group_id'], references: 'target_groups', referencedColumns: ['id'], onDelete: 'no action' },
    ]);
    expect(hosts.indexes).toEqual([{ name: null, columns: ['project_uuid', 'domain'], unique: true, partial: false }]);
    expect(catalog.tables.log_entries!.columns.find((c) => c.name === 'content_hash')!.type).toBe('blob');
  });

  it('refuses writes on a read-only handle but serves reads', async () => {
    const url = await fixture.freshUrl();
    const writer = await fixture.open({ url });
    await createFixtureSchema(writer);
    const reader = await fixture.open({ url, readOnly: true });
    await expect(reader.write(() => 1)).rejects.toMatchObject({ code: 'DATABASE_READ_ONLY' });
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM projects`.execute(reader.read);
    expect(rows[0]!.n).toBe(2);
  });

  it('closes cleanly after waiting for running write units', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const unit = db.write(async (tx) => {
      await tx.db.insertInto('settings').values({ key: 'k', value: '1', updated_at: 1 }).execute();
      await gate;
    });
    const closing = db.close();
    release();
    await unit;
    await closing;
    await expect(db.write(() => 1)).rejects.toMatchObject({ code: 'DATABASE_CLOSED' });
    await db.close(); // closing twice is harmless
  });
}
