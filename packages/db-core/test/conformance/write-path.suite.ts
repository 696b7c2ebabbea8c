import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { ConstraintViolationError } from '../../src/index.js';
import { rejectionOf, type DialectFixture } from '../../src/testing.js';
import { createFixtureSchema, PROJECT_A, T0 } from '../fixtures/schema.js';

export function writePathSuite(fixture: DialectFixture): void {
  const openWithSchema = async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    return db;
  };
  const count = async (db: Awaited<ReturnType<typeof openWithSchema>>, table: 'settings' | 'log_entries' = 'settings') =>
    Number((await db.read.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('commits a unit that mixes Kysely queries and raw batch inserts', async () => {
    const db = await openWithSchema();
    const inserted = await db.write(async (tx) => {
      await tx.db.insertInto('settings').values({ key: 'a', value: '1', updated_at: T0 }).execute();
      return tx.insertMany('settings', ['key', 'value', 'updated_at'], [['b', '2', T0], ['c', '3', T0]]);
    });
    expect(inserted).toBe(2);
    expect(await count(db)).toBe(3);
  });

  it('rolls back every statement of a unit that throws, raw batches included', async () => {
    const db = await openWithSchema();
    await expect(
      db.write(async (tx) => {
        await tx.insertMany('settings', ['key', 'value', 'updated_at'], [['x', '1', T0]]);
        await tx.db.insertInto('settings').values({ key: 'y', value: '1', updated_at: T0 }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await count(db)).toBe(0);
    // The writer is usable again afterwards.
    await db.write((tx) => tx.insertMany('settings', ['key', 'value', 'updated_at'], [['z', '1', T0]]));
    expect(await count(db)).toBe(1);
  });

  it('never interleaves two units: no unit sees another one\'s uncommitted rows', async () => {
    const db = await openWithSchema();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let signal!: () => void;
    const aInserted = new Promise<void>((resolve) => (signal = resolve));
    const a = db.write(async (tx) => {
      await tx.db.insertInto('settings').values({ key: 'a-1', value: '1', updated_at: T0 }).execute();
      events.push('A in');
      signal();
      await gate;
      await tx.insertMany('settings', ['key', 'value', 'updated_at'], [['a-2', '1', T0]]);
      events.push('A end');
    });
    await aInserted;
    let read!: () => void;
    const bHasRead = new Promise<void>((resolve) => (read = resolve));
    const b = db.write(async (tx) => {
      events.push('B in');
      await tx.insertMany('settings', ['key', 'value', 'updated_at'], [['b-1', '1', T0]]);
      const keys = (await tx.db.selectFrom('settings').select('key').orderBy('key').execute()).map((r) => r.key);
      read();
      return keys;
    });
    // SQLite holds B back until A ends, so A goes on after a moment; on Postgres A goes on once B has
    // read (a fixed delay let a slow B read after A's commit on a loaded machine).
    await (fixture.dialect === 'sqlite' ? new Promise((resolve) => setTimeout(resolve, 50)) : bHasRead);
    release();
    const [seenByB] = await Promise.all([b, a]);
    if (fixture.dialect === 'sqlite') {
      // Strictly one after another: B starts only after A committed.
      expect(events).toEqual(['A in', 'A end', 'B in']);
      expect(seenByB).toEqual(['a-1', 'a-2', 'b-1']);
    } else {
      // Postgres runs them concurrently, isolated from each other's uncommitted rows.
      expect(events).toEqual(['A in', 'B in', 'A end']);
      expect(seenByB).toEqual(['b-1']);
    }
    expect(await count(db)).toBe(3);
  });

  it('refuses a nested write instead of deadlocking', async () => {
    const db = await openWithSchema();
    await expect(db.write(() => db.write(() => 1))).rejects.toMatchObject({ code: 'NESTED_WRITE' });
    await expect(db.write((tx) => tx.db.transaction().execute(async () => 1))).rejects.toMatchObject(
      fixture.dialect === 'sqlite' ? { code: 'NESTED_TRANSACTION' } : {},
    );
  });

  it('refuses to use a unit\'s handle after the unit ended', async () => {
    const db = await openWithSchema();
    const leaked = await db.write((tx) => tx.db);
    const error = await rejectionOf(leaked.insertInto('settings').values({ key: 'late', value: '1', updated_at: T0 }).execute());
    if (fixture.dialect === 'sqlite') expect(error).toMatchObject({ code: 'WRITE_OUTSIDE_UNIT' });
    expect(await count(db)).toBe(0);
  });

  it('lets readers read committed data while a write unit is open, without waiting for it', async () => {
    const db = await openWithSchema();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
    const unit = db.write(async (tx) => {
      await tx.insertMany('settings', ['key', 'value', 'updated_at'], [['pending', '1', T0]]);
      inserted();
      await gate;
    });
    await insertedSignal;
    // The unit holds its transaction open; a read answers at once and does not see its row.
    expect(await count(db)).toBe(0);
    release();
    await unit;
    expect(await count(db)).toBe(1);
  });

  it('reports constraint violations as one error type whatever the driver', async () => {
    const db = await openWithSchema();
    await db.write((tx) => tx.insertMany('settings', ['key', 'value', 'updated_at'], [['dup', '1', T0]]));
    const unique = await db.write((tx) => tx.db.insertInto('settings').values({ key: 'dup', value: '2', updated_at: T0 }).execute()).catch((e: unknown) => e);
    expect(unique).toBeInstanceOf(ConstraintViolationError);
    expect(unique).toMatchObject({ kind: 'unique', code: 'CONSTRAINT_UNIQUE' });
    const raw = await db.write((tx) => tx.insertMany('settings', ['key', 'value', 'updated_at'], [['dup', '1', T0]])).catch((e: unknown) => e);
    expect(raw).toMatchObject({ kind: 'unique' });
    const fk = await db
      .write((tx) => tx.db.insertInto('log_entries').values({ project_uuid: PROJECT_A, ts: T0, source: 'audit', host_id: 999 }).execute())
      .catch((e: unknown) => e);
    expect(fk).toMatchObject({ kind: 'foreign_key' });
    const check = await db
      .write((tx) => tx.db.insertInto('log_entries').values({ project_uuid: PROJECT_A, ts: T0, source: 'audit', status: 42 }).execute())
      .catch((e: unknown) => e);
    expect(check).toMatchObject({ kind: 'check' });
    const notNull = await db
      .write((tx) => sql`INSERT INTO settings (key, value, updated_at) VALUES ('n', NULL, 1)`.execute(tx.db))
      .catch((e: unknown) => e);
    expect(notNull).toMatchObject({ kind: 'not_null' });
  });

  it('names the failing statement and line of a script and keeps nothing of it', async () => {
    const db = await openWithSchema();
    const script = `INSERT INTO settings (key, value, updated_at) VALUES ('s1', '1', 1);\n\nINSERT INTO no_such_table VALUES (1);\n`;
    const error = await rejectionOf(db.schemaChange((tx) => tx.execScript(script, 'example.sql')));
    expect(error).toMatchObject({ code: 'SCRIPT_STATEMENT_FAILED', context: { source: 'example.sql', statement: 2, line: 3 } });
    expect(error.message).toContain('example.sql: statement 2 (line 3) failed');
    expect(error.message).toContain('no_such_table');
    expect(await count(db)).toBe(0);
  });

  it('refuses Date parameters on both dialects (times are epoch milliseconds)', async () => {
    const db = await openWithSchema();
    const error = await db
      .write((tx) => tx.db.insertInto('settings').values({ key: 'd', value: '1', updated_at: new Date() as unknown as number }).execute())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_PARAMETER' });
  });
}
