import fc from 'fast-check';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { deleteInChunks, jsonColumn } from '../../src/index.js';
import pg from 'pg';
import { postgresStatus, type DialectFixture } from '../../src/testing.js';
import { createFixtureSchema, PROJECT_A, T0 } from '../fixtures/schema.js';

export function helpersSuite(fixture: DialectFixture): void {
  const openWithGroup = async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const group = await db.write((tx) =>
      tx.db.insertInto('target_groups').values({ project_uuid: PROJECT_A, name: 'g', created_at: T0, updated_at: T0 }).returning('id').executeTakeFirstOrThrow(),
    );
    return { db, groupId: group.id };
  };

  it('returns generated ids as numbers and BIGINT times beyond 2^32 as exact numbers', async () => {
    const { db, groupId } = await openWithGroup();
    expect(typeof groupId).toBe('number');
    const host = await db.write((tx) =>
      tx.db
        .insertInto('hosts')
        .values({ project_uuid: PROJECT_A, domain: 'a.example', target_group_id: groupId, created_at: T0 + 1, updated_at: T0 })
        .returning(['id', 'created_at'])
        .executeTakeFirstOrThrow(),
    );
    expect(host.created_at).toBe(T0 + 1);
    const counted = await db.read.selectFrom('hosts').select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('created_at').as('total')]).executeTakeFirstOrThrow();
    expect(counted).toEqual({ n: 1, total: T0 + 1 });
  });

  it('round-trips booleans as true and false', async () => {
    const { db, groupId } = await openWithGroup();
    await db.write((tx) =>
      tx.db
        .insertInto('hosts')
        .values([
          { project_uuid: PROJECT_A, domain: 'on.example', target_group_id: groupId, enabled: true, created_at: T0, updated_at: T0 },
          { project_uuid: PROJECT_A, domain: 'off.example', target_group_id: groupId, enabled: false, created_at: T0, updated_at: T0 },
        ])
        .execute(),
    );
    const rows = await db.read.selectFrom('hosts').select(['domain', 'enabled']).orderBy('domain').execute();
    expect(rows).toEqual([
      { domain: 'off.example', enabled: false },
      { domain: 'on.example', enabled: true },
    ]);
    const enabled = await db.read.selectFrom('hosts').select('domain').where('enabled', '=', true).execute();
    expect(enabled).toEqual([{ domain: 'on.example' }]);
  });

  it('matches case-insensitive contains with LIKE wildcards taken literally', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const paths = ['/Admin/Login', '/admin/logout', '/100%_real', '/100xxreal', '/other'];
    await db.write((tx) =>
      tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'path'], paths.map((p, i) => [PROJECT_A, T0 + i, 'caddy_access', p])),
    );
    const find = async (needle: string) =>
      (await db.read.selectFrom('log_entries').select('path').where(db.helpers.containsInsensitive('path', needle)).orderBy('ts').execute()).map((r) => r.path);
    expect(await find('ADMIN/LOG')).toEqual(['/Admin/Login', '/admin/logout']);
    expect(await find('100%_')).toEqual(['/100%_real']);
    expect(await find('nothing')).toEqual([]);
  });

  it('inserts or ignores duplicates, upserts, and reports how many rows went in', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const hash = (n: number) => Buffer.from([n, n, n, n]);
    const first = await db.write((tx) =>
      tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'content_hash'], [[PROJECT_A, T0, 'audit', hash(1)], [PROJECT_A, T0, 'audit', hash(2)]], { onConflict: 'ignore' }),
    );
    const second = await db.write((tx) =>
      tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'content_hash'], [[PROJECT_A, T0, 'audit', hash(2)], [PROJECT_A, T0, 'audit', hash(3)]], { onConflict: 'ignore' }),
    );
    expect([first, second]).toEqual([2, 1]);
    const stored = await db.read.selectFrom('log_entries').select('content_hash').orderBy('id').execute();
    expect(stored.map((r) => Buffer.from(r.content_hash!).toString('hex'))).toEqual(['01010101', '02020202', '03030303']);

    const upsert = (value: string) =>
      db.write((tx) =>
        tx.db
          .insertInto('settings')
          .values({ key: 'logs.retention_days', value, updated_at: T0 })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value') }))
          .execute(),
      );
    await upsert('30');
    await upsert('7');
    expect(await db.read.selectFrom('settings').selectAll().execute()).toEqual([{ key: 'logs.retention_days', value: '7', updated_at: T0 }]);
    const ignored = await db.write((tx) =>
      tx.db.insertInto('settings').values({ key: 'logs.retention_days', value: '1', updated_at: T0 }).onConflict((oc) => oc.doNothing()).executeTakeFirst(),
    );
    expect(Number(ignored.numInsertedOrUpdatedRows ?? 0)).toBe(0);
  });

  it('tells which rows of a batch were new by their unique key, duplicates within the batch included', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const hash = (n: number) => Buffer.from([n, 0, n]);
    const row = (n: number) => [PROJECT_A, T0 + n, 'audit', hash(n)];
    await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'content_hash'], [row(1)]));
    const flags = await db.write((tx) =>
      tx.insertNew('log_entries', ['project_uuid', 'ts', 'source', 'content_hash'], [row(1), row(2), row(2), row(3)], 'content_hash'),
    );
    expect(flags).toEqual([false, true, false, true]);
    const withoutKey = await db.write((tx) =>
      tx.insertNew('log_entries', ['project_uuid', 'ts', 'source', 'content_hash'], [[PROJECT_A, T0, 'audit', null], [PROJECT_A, T0, 'audit', null]], 'content_hash'),
    );
    expect(withoutKey).toEqual([true, true]);
    const n = await db.read.selectFrom('log_entries').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(5);
  });

  it('tells which rows of a batch of hundreds were new, with repeats stored before, within it, or none', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const columns = ['project_uuid', 'ts', 'source', 'content_hash'] as const;
    const row = (n: number) => [PROJECT_A, T0 + n, 'audit', Buffer.from(`row ${n}`)];
    const insertNew = (ns: readonly number[]) => db.write((tx) => tx.insertNew('log_entries', columns, ns.map(row), 'content_hash'));
    const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
    expect(await insertNew(range(0, 300))).toEqual(range(0, 300).map(() => true));
    // 250-349: 250-299 stored already; 320 twice in the batch.
    const mixed = [...range(250, 100), 320];
    expect(await insertNew(mixed)).toEqual(mixed.map((n, i) => n >= 300 && i < 100));
    expect(await insertNew(range(1000, 200))).toEqual(range(1000, 200).map(() => true));
    expect(await insertNew(range(2000, 200))).toEqual(range(2000, 200).map(() => true));
    const n = await db.read.selectFrom('log_entries').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(750);
  });

  if (fixture.dialect === 'postgres') it('inserts batches of new rows through COPY, and a batch with repeats through ON CONFLICT', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    // Each statement that inserts into log_entries notes its first word (COPY or INSERT); a statement
    // that is rolled back takes its note with it.
    await sql`CREATE TABLE statements_seen (id SERIAL PRIMARY KEY, verb TEXT NOT NULL)`.execute(db.read);
    await sql`CREATE FUNCTION note_statement() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO statements_seen (verb) VALUES (upper(split_part(ltrim(current_query()), ' ', 1))); RETURN NULL; END $$`.execute(db.read);
    await sql`CREATE TRIGGER log_entries_noted AFTER INSERT ON log_entries FOR EACH STATEMENT EXECUTE FUNCTION note_statement()`.execute(db.read);
    const seen = async () => (await sql<{ verb: string }>`SELECT verb FROM statements_seen ORDER BY id`.execute(db.read)).rows.map((r) => r.verb);
    const columns = ['project_uuid', 'ts', 'source', 'content_hash'] as const;
    const batch = (from: number, count = 100) => Array.from({ length: count }, (_, i) => [PROJECT_A, T0 + from + i, 'audit', Buffer.from(`row ${from + i}`)]);
    const insertNew = (rows: unknown[][]) => db.write((tx) => tx.insertNew('log_entries', columns, rows, 'content_hash'));

    await insertNew(batch(0));
    expect(await seen()).toEqual(['COPY']);
    // A repeat undoes the COPY (its note too) and the batch goes in through ON CONFLICT; the next
    // batch does not try COPY first, the one after a batch without repeats does.
    expect((await insertNew(batch(50))).filter(Boolean)).toHaveLength(50);
    expect((await insertNew(batch(200))).filter(Boolean)).toHaveLength(100);
    await insertNew(batch(300));
    expect(await seen()).toEqual(['COPY', 'INSERT', 'INSERT', 'COPY']);
    // Small batches and inserts that skip conflicts never use COPY.
    await insertNew(batch(400, 10));
    await db.write((tx) => tx.insertMany('log_entries', columns, batch(500), { onConflict: 'ignore' }));
    await db.write((tx) => tx.insertMany('log_entries', columns, batch(600)));
    expect(await seen()).toEqual(['COPY', 'INSERT', 'INSERT', 'COPY', 'INSERT', 'INSERT', 'COPY']);
    const n = await db.read.selectFrom('log_entries').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(560);
  });

  if (fixture.dialect === 'postgres') it('tells a row another connection stored while the batch waited apart from the new ones', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const columns = ['project_uuid', 'ts', 'source', 'content_hash'] as const;
    const rows = Array.from({ length: 100 }, (_, i) => [PROJECT_A, T0 + i, 'audit', Buffer.from(`row ${i}`)]);
    const { name } = (await sql<{ name: string }>`SELECT current_database() AS name`.execute(db.read)).rows[0]!;
    const url = new URL(postgresStatus().adminUrl);
    url.pathname = `/${name}`;
    const other = new pg.Client({ connectionString: url.toString() });
    await other.connect();
    try {
      // Another process inserts row 40 and has not committed yet: the batch's COPY waits for it.
      await other.query('BEGIN');
      await other.query('INSERT INTO log_entries (project_uuid, ts, source, content_hash) VALUES ($1, $2, $3, $4)', rows[40]);
      const flags = db.write((tx) => tx.insertNew('log_entries', columns, rows, 'content_hash'));
      await expect.poll(async () => (await other.query("SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'")).rows[0].n).toBe(1);
      await other.query('COMMIT');
      expect(await flags).toEqual(rows.map((_, i) => i !== 40));
    } finally {
      await other.end();
    }
    const n = await db.read.selectFrom('log_entries').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(100);
  });

  // SQLite reports each row's own outcome; Postgres matches returned keys to rows, so a key that spans
  // more columns than the key column (migration 0005's (ts, content_hash)) must not confuse it.
  if (fixture.dialect === 'postgres') it('tells new rows apart by every column of the unique index, after the index changed', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const columns = ['project_uuid', 'ts', 'source', 'content_hash'] as const;
    const hash = Buffer.from([7, 7]);
    expect(await db.write((tx) => tx.insertNew('log_entries', columns, [[PROJECT_A, T0, 'audit', hash]], 'content_hash'))).toEqual([true]);
    await db.schemaChange((tx) =>
      tx.execScript('ALTER TABLE log_entries DROP CONSTRAINT log_entries_content_hash_key;\nCREATE UNIQUE INDEX log_entries_ts_hash ON log_entries (ts, content_hash);', 'test'),
    );
    const rows = [[PROJECT_A, T0, 'audit', hash], [PROJECT_A, T0 + 1, 'audit', hash], [PROJECT_A, T0 + 1, 'audit', hash], [PROJECT_A, T0 + 2, 'audit', hash]];
    expect(await db.write((tx) => tx.insertNew('log_entries', columns, rows, 'content_hash'))).toEqual([false, true, false, true]);
  });

  if (fixture.dialect === 'postgres') it('refreshes planner statistics of a table bulk inserts filled, with autovacuum or without', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'path'], Array.from({ length: 1500 }, (_, i) => [PROJECT_A, T0 + i, 'audit', `/p${i % 7}`])));
    const analysed = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'log_entries'`.execute(db.read)).rows[0]!.n;
    await expect.poll(analysed, { timeout: 10_000 }).toBeGreaterThan(0);
  });

  // Postgres inserts batches of COPY_MIN_ROWS (64) or more through COPY, smaller ones through unnest.
  for (const [size, minLength, maxLength] of [['a few rows', 1, 12], ['batches of 64 rows and more', 64, 80]] as const) {
    it(`stores any text, bytes, integers, booleans and NULLs exactly through bulk inserts (${size})`, async () => {
      const db = await fixture.open();
      await createFixtureSchema(db);
      const text = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\u0000'));
      const row = fc.tuple(text, fc.uint8Array({ maxLength: 24 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.option(fc.boolean()), fc.option(fc.integer({ min: 100, max: 599 })));
      let round = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(row, { minLength, maxLength }), async (rows) => {
          round += 1;
          // Prefixed: content_hash is unique.
          const keyed = rows.map(([value, bytes, n, blocked, status], i) => ({ key: `${round}:${i}`, value, bytes: Buffer.concat([Buffer.from(`${round}:${i}:`), bytes]), n, blocked, status }));
          await db.write((tx) => tx.insertMany('settings', ['key', 'value', 'updated_at'], keyed.map((r) => [r.key, r.value, r.n])));
          await db.write((tx) =>
            tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'path', 'content_hash', 'waf_blocked', 'status'], keyed.map((r) => [PROJECT_A, r.n, 'audit', r.key, r.bytes, r.blocked, r.status])),
          );
          const settings = await db.read.selectFrom('settings').select(['key', 'value', 'updated_at']).where('key', 'like', `${round}:%`).execute();
          const logs = await db.read.selectFrom('log_entries').select(['path', 'ts', 'content_hash', 'waf_blocked', 'status']).where('path', 'like', `${round}:%`).execute();
          const byKey = <T extends object>(rs: T[], key: keyof T) => rs.sort((a, b) => String(a[key]).localeCompare(String(b[key])));
          expect(byKey(settings, 'key')).toEqual(byKey(keyed.map((r) => ({ key: r.key, value: r.value, updated_at: r.n })), 'key'));
          expect(byKey(logs, 'path')).toEqual(byKey(keyed.map((r) => ({ path: r.key, ts: r.n, content_hash: r.bytes, waf_blocked: r.blocked, status: r.status })), 'path'));
        }),
        { numRuns: 40 },
      );
    });
  }

  it('builds a JSON object of columns that parses to the row a query returns', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const columns = ['id', 'ts', 'source', 'host_id', 'path', 'status', 'waf_blocked'] as const;
    const entry = db.helpers.jsonObject(columns).as('entry');
    const text = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\u0000'));
    const row = fc.tuple(fc.option(text), fc.option(fc.integer({ min: 100, max: 599 })), fc.option(fc.boolean()), fc.integer({ min: -(2 ** 50), max: 2 ** 50 }));
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 12 }), async (rows) => {
        const before = await db.read.selectFrom('log_entries').select((eb) => eb.fn.coalesce(eb.fn.max('id'), eb.lit(0)).as('id')).executeTakeFirstOrThrow();
        await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'path', 'status', 'waf_blocked'], rows.map(([path, status, blocked, ts]) => [PROJECT_A, ts, 'audit', path, status, blocked])));
        const query = db.read.selectFrom('log_entries').where('id', '>', Number(before.id)).orderBy('id');
        const plain = await query.select(columns).execute();
        const built = await query.select(['id', entry]).execute();
        expect(built.map((r) => JSON.parse(r.entry) as unknown)).toEqual(plain);
      }),
      { numRuns: 40 },
    );
    // Its SQL is written out whole: only plain column names go in.
    for (const name of ['path"', "path', 1) --", 'log_entries.path']) expect(() => db.helpers.jsonObject([name])).toThrow(/not a plain SQL identifier/);
  });

  it('aggregates rows into one JSON array of their columns, in order, per group', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const columns = ['ts', 'path', 'status', 'waf_blocked'] as const;
    const text = fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !s.includes('\u0000'));
    const row = fc.tuple(fc.option(text), fc.option(fc.integer({ min: 100, max: 599 })), fc.option(fc.boolean()), fc.integer({ min: -(2 ** 50), max: 2 ** 50 }));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(row, { minLength: 1, maxLength: 12, selector: (r) => r[3] }), async (rows) => {
        await db.write((tx) => tx.db.deleteFrom('log_entries').execute());
        await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'path', 'status', 'waf_blocked'], rows.map(([path, status, blocked, ts]) => [PROJECT_A, ts, 'audit', path, status, blocked])));
        const plain = await db.read.selectFrom('log_entries').select(columns).orderBy('ts').execute();
        const built = await db.read.selectFrom('log_entries').select(db.helpers.jsonRows(columns, 'ts').as('rows')).executeTakeFirstOrThrow();
        expect(JSON.parse(built.rows)).toEqual(plain.map((r) => columns.map((c) => r[c])));
      }),
      { numRuns: 30 },
    );
    // Grouped: one array per group; no rows: an empty array, not NULL.
    await db.write((tx) => tx.db.deleteFrom('log_entries').execute());
    await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source'], [[PROJECT_A, 3, 'audit'], [PROJECT_A, 1, 'caddy_access'], [PROJECT_A, 2, 'audit'], [PROJECT_A, 0, 'caddy_access']]));
    const grouped = await db.read.selectFrom('log_entries').select(['source', db.helpers.jsonRows(['ts'], 'ts').as('rows')]).groupBy('source').orderBy('source').execute();
    expect(grouped.map((g) => [g.source, JSON.parse(g.rows)])).toEqual([['audit', [[2], [3]]], ['caddy_access', [[0], [1]]]]);
    const none = await db.read.selectFrom('log_entries').where('ts', '>', 3).select(db.helpers.jsonRows(['ts'], 'ts').as('rows')).executeTakeFirstOrThrow();
    expect(none.rows).toBe('[]');
    for (const name of ['ts"', 'log_entries.ts']) expect(() => db.helpers.jsonRows([name], 'ts')).toThrow(/not a plain SQL identifier/);
    expect(() => db.helpers.jsonRows(['ts'], 'ts desc')).toThrow(/not a plain SQL identifier/);
  });

  it('matches a column against a list given as one parameter', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const paths = ['a', 'it\'s', 'say "hi"', 'x,y', '{z}', 'back\\slash', 'ünï'];
    await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'path'], paths.map((path, i) => [PROJECT_A, T0 + i, 'audit', path])));
    const where = async (column: 'ts' | 'path', values: readonly (number | string)[]) =>
      (await db.read.selectFrom('log_entries').select('path').where(db.helpers.oneOf(column, values)).orderBy('ts').execute()).map((r) => r.path);
    expect(await where('ts', [T0 + 6, T0, T0 + 3, T0 + 3, T0 + 99])).toEqual(['a', 'x,y', 'ünï']);
    expect(await where('path', paths.slice(1, 6))).toEqual(paths.slice(1, 6));
    expect(await where('path', ['A', 'x', 'y'])).toEqual([]);
    expect(await where('ts', [])).toEqual([]);
    // More values than SQLite takes parameters (32,766): the list is one.
    expect(await where('ts', Array.from({ length: 40_000 }, (_, i) => T0 + 2 * i))).toEqual([paths[0], paths[2], paths[4], paths[6]]);
  });

  it('refuses Dates and rows of the wrong length in bulk inserts', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    await expect(db.write((tx) => tx.insertMany('settings', ['key', 'value', 'updated_at'], [['k', 'v', new Date()]]))).rejects.toThrow(/Dates are not stored/);
    await expect(db.write((tx) => tx.insertMany('settings', ['key', 'value', 'updated_at'], [['k', 'v']]))).rejects.toThrow();
    // The same in a batch big enough for Postgres's COPY, and nothing of it stored.
    const many = Array.from({ length: 100 }, (_, i): unknown[] => [`k${i}`, 'v', T0]);
    await expect(db.write((tx) => tx.insertMany('settings', ['key', 'value', 'updated_at'], [...many, ['k', 'v', new Date()]]))).rejects.toThrow(/Dates are not stored/);
    await expect(db.write((tx) => tx.insertMany('settings', ['key', 'value', 'updated_at'], [...many, ['k', 'v']]))).rejects.toThrow();
    await expect(db.write((tx) => tx.insertNew('settings', ['key', 'value', 'updated_at'], [...many, ['k', 'v']], 'key'))).rejects.toThrow();
    expect(await db.read.selectFrom('settings').selectAll().execute()).toEqual([]);
  });

  it('returns freed pages to the file system a little at a time (SQLite) without a full VACUUM', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const payload = 'p'.repeat(2000);
    await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'path'], Array.from({ length: 400 }, (_, i) => [PROJECT_A, T0 + i, 'audit', payload])));
    await db.write((tx) => tx.db.deleteFrom('log_entries').execute());
    const first = await db.reclaimSpace(10);
    const rest = await db.reclaimSpace(100_000);
    if (fixture.dialect === 'sqlite') {
      expect(first).toBe(10);
      expect(rest).toBeGreaterThan(100);
      expect(await db.reclaimSpace()).toBe(0);
      const writer = (await db.connectionSettings())[0]!;
      expect(writer.auto_vacuum).toBe(2);
    } else {
      expect(first + rest).toBe(0);
    }
  });

  it('deletes in chunks, oldest first, up to a limit', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    await db.write((tx) =>
      tx.insertMany('log_entries', ['project_uuid', 'ts', 'source'], Array.from({ length: 250 }, (_, i) => [PROJECT_A, T0 + i, 'audit'])),
    );
    const chunks: number[] = [];
    const deleted = await deleteInChunks(db, { table: 'log_entries', where: (eb) => eb('ts', '<', T0 + 200), chunkSize: 64, onChunk: (n) => chunks.push(n) });
    expect(deleted).toBe(200);
    expect(chunks).toEqual([64, 64, 64, 8]);
    const capped = await deleteInChunks(db, { table: 'log_entries', where: (eb) => eb('ts', '>=', 0), chunkSize: 20, limit: 30 });
    expect(capped).toBe(30);
    const left = await db.read.selectFrom('log_entries').select((eb) => [eb.fn.min('ts').as('oldest'), eb.fn.countAll().as('n')]).executeTakeFirstOrThrow();
    expect(left).toEqual({ oldest: T0 + 230, n: 20 });
    // Oldest by another column: ids and times run in opposite directions here.
    await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source'], [[PROJECT_A, 5, 'audit'], [PROJECT_A, 1, 'audit']]));
    await deleteInChunks(db, { table: 'log_entries', where: (eb) => eb('ts', '<', 10), orderBy: 'ts', limit: 1 });
    expect((await db.read.selectFrom('log_entries').select('ts').where('ts', '<', 10).execute()).map((r) => r.ts)).toEqual([5]);
  });

  it('validates JSON columns at the boundary', async () => {
    const numbers = jsonColumn('filter_host_ids', { parse: (v: unknown) => { if (!Array.isArray(v) || !v.every(Number.isInteger)) throw new Error('not ints'); return v as number[]; } });
    const db = await fixture.open();
    await createFixtureSchema(db);
    await db.write((tx) => tx.db.insertInto('settings').values({ key: 'ids', value: numbers.encode([1, 2]), updated_at: T0 }).execute());
    const row = await db.read.selectFrom('settings').select('value').where('key', '=', 'ids').executeTakeFirstOrThrow();
    expect(numbers.decode(row.value)).toEqual([1, 2]);
    expect(() => numbers.decode('["x"]')).toThrow(/filter_host_ids/);
    expect(() => numbers.decode('{oops')).toThrow(/filter_host_ids/);
  });

  it('keeps a read transaction on one snapshot', async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    await db.read.transaction().execute(async (trx) => {
      const before = await sql<{ n: number }>`SELECT count(*) AS n FROM settings`.execute(trx);
      await db.write((tx) => tx.insertMany('settings', ['key', 'value', 'updated_at'], [['k', 'v', T0]]));
      const after = await sql<{ n: number }>`SELECT count(*) AS n FROM settings`.execute(trx);
      if (fixture.dialect === 'sqlite') expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
      else expect(Number(after.rows[0]!.n)).toBeGreaterThanOrEqual(Number(before.rows[0]!.n));
    });
  });
}
