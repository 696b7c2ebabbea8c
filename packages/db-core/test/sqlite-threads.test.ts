import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { sqliteFixture } from '../src/testing.js';
import { createFixtureSchema, PROJECT_A, T0 } from './fixtures/schema.js';

describe('connection threads [sqlite]', () => {
  const fixture = sqliteFixture();

  it('carries BLOBs as Buffers and booleans as booleans through the writer and reader threads', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const hash = Buffer.from([0, 1, 2, 255]);
    await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'waf_blocked', 'content_hash'], [[PROJECT_A, T0, 'audit', true, hash]]));
    const fromWriter = await db.write((tx) => tx.db.selectFrom('log_entries').select(['waf_blocked', 'content_hash']).executeTakeFirstOrThrow());
    const fromReader = await db.read.selectFrom('log_entries').select(['waf_blocked', 'content_hash']).executeTakeFirstOrThrow();
    for (const row of [fromWriter, fromReader]) {
      expect(row.waf_blocked).toBe(true);
      expect(Buffer.isBuffer(row.content_hash)).toBe(true);
      expect(row.content_hash).toEqual(hash);
    }
  });

  it('gives long texts back exactly, with booleans mapped, whichever way the reply travels', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    // Quotes, backslashes, control characters, non-ASCII and a surrogate pair, long enough that the
    // rows go as a structured clone rather than JSON; and a short row among them.
    const long = (i: number) => `"{\\"a\\": [${i}]}" \\ \n\t\u0001 é 漢 😀 `.repeat(40 + i);
    const values = [long(0), long(1), 'short', long(2)];
    await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'path', 'waf_blocked'], values.map((m, i) => [PROJECT_A, T0 + i, 'audit', m, i % 2 === 0])));
    const select = (q: typeof db.read) => q.selectFrom('log_entries').select(['path', 'waf_blocked']).orderBy('ts').execute();
    const expected = values.map((path, i) => ({ path, waf_blocked: i % 2 === 0 }));
    expect(await select(db.read)).toEqual(expected);
    expect(await db.write((tx) => select(tx.db))).toEqual(expected);
  });

  it('refuses a Date before it reaches a thread, in rows and in query parameters, and stores nothing', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const rows = [[PROJECT_A, T0, 'audit'], [PROJECT_A, new Date(T0), 'audit']];
    await expect(db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source'], rows))).rejects.toMatchObject({ code: 'INVALID_PARAMETER' });
    await expect(db.write((tx) => tx.db.selectFrom('log_entries').selectAll().where('ts', '<', new Date(T0) as unknown as number).execute())).rejects.toMatchObject({ code: 'INVALID_PARAMETER' });
    // The caller's rows are not rewritten, and the first row did not commit without the second.
    expect(rows[1]![1]).toBeInstanceOf(Date);
    expect(await db.read.selectFrom('log_entries').select('id').execute()).toEqual([]);
  });

  it('keeps the event loop free while a slow read runs', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    const started = performance.now();
    const { rows } = await sql<{ n: number }>`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000000) SELECT count(*) AS n FROM c`.execute(db.read);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(rows[0]!.n).toBe(3_000_000);
    // The timer fired all along (a read on the main thread would have let it fire once at most).
    expect(ticks).toBeGreaterThan(Math.min(5, elapsed / 50));
  });

  it('answers repeated cheap reads the same way once they run on the main thread', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    await db.write((tx) => tx.insertMany('settings', ['key', 'value', 'updated_at'], [['a', '1', T0]]));
    const read = () => db.read.selectFrom('settings').select(['key', 'value']).where('key', '=', 'a').execute();
    const answers = [];
    for (let i = 0; i < 20; i += 1) answers.push(await read());
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual([{ key: 'a', value: '1' }]);
  });

  it('keeps one snapshot for a whole read transaction while the writer commits', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const count = async (q: typeof db.read) => Number((await q.selectFrom('settings').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const seen = await db.read.transaction().execute(async (trx) => {
      const before = await count(trx);
      await db.write((tx) => tx.insertMany('settings', ['key', 'value', 'updated_at'], [['b', '2', T0]]));
      return [before, await count(trx)];
    });
    expect(seen).toEqual([0, 0]);
    expect(await count(db.read)).toBe(1);
  });

  it('names the columns of a cached statement anew after the schema changed', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    await db.write((tx) => tx.insertMany('settings', ['key', 'value', 'updated_at'], [['c', '3', T0]]));
    const all = () => sql<Record<string, unknown>>`SELECT * FROM settings`.execute(db.read).then((r) => r.rows);
    for (let i = 0; i < 5; i += 1) expect(await all()).toEqual([{ key: 'c', value: '3', updated_at: T0 }]);
    await db.schemaChange((tx) => tx.execScript('ALTER TABLE settings RENAME COLUMN value TO content', 'rename'));
    expect(await all()).toEqual([{ key: 'c', content: '3', updated_at: T0 }]);
  });

  it('streams rows from a reader thread, and stops cleanly when the consumer does', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source'], Array.from({ length: 250 }, (_, i) => [PROJECT_A, T0 + i, 'audit'])));
    let n = 0;
    for await (const row of db.read.selectFrom('log_entries').select('ts').orderBy('ts').stream(40)) {
      expect(row.ts).toBe(T0 + n);
      n += 1;
    }
    expect(n).toBe(250);
    for await (const _row of db.read.selectFrom('log_entries').select('ts').stream(10)) break;
    expect(await db.read.selectFrom('log_entries').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 250 });
  });
});
