import { expect, it } from 'vitest';
import type { DialectFixture } from '../../src/testing.js';
import { createFixtureSchema, PROJECT_A, PROJECT_B, T0 } from '../fixtures/schema.js';

export function projectScopeSuite(fixture: DialectFixture): void {
  const setup = async () => {
    const db = await fixture.open();
    await createFixtureSchema(db);
    const a = db.project(PROJECT_A);
    const b = db.project(PROJECT_B);
    for (const scope of [a, b]) {
      await scope.write(async (tx) => {
        const group = await tx.db.insertInto('target_groups').values({ name: 'g', created_at: T0, updated_at: T0 }).returning('id').executeTakeFirstOrThrow();
        const host = await tx.db
          .insertInto('hosts')
          .values({ domain: 'shared.example', target_group_id: group.id, created_at: T0, updated_at: T0 })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx.insertMany('log_entries', ['ts', 'source', 'host_id', 'path'], [[T0, 'caddy_access', host.id, `/${scope.uuid.slice(-1)}`]]);
      });
    }
    return { db, a, b };
  };

  it('stamps writes with the project and shows each project only its own rows', async () => {
    const { db, a, b } = await setup();
    const all = await db.read.selectFrom('log_entries').select(['project_uuid', 'path']).orderBy('path').execute();
    expect(all).toEqual([
      { project_uuid: PROJECT_A, path: '/a' },
      { project_uuid: PROJECT_B, path: '/b' },
    ]);
    expect(await a.read.selectFrom('log_entries').select('path').execute()).toEqual([{ path: '/a' }]);
    expect(await b.read.selectFrom('hosts').select('project_uuid').execute()).toEqual([{ project_uuid: PROJECT_B }]);
  });

  it('scopes joins and subqueries, not just the first table', async () => {
    const { db, a } = await setup();
    const bHost = await db.read.selectFrom('hosts').select('id').where('project_uuid', '=', PROJECT_B).executeTakeFirstOrThrow();
    // A row of project A that points at project B's host (possible only outside a scope).
    await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'host_id', 'path'], [[PROJECT_A, T0, 'audit', bHost.id, '/leak']]));
    const joined = await a.read
      .selectFrom('log_entries as l')
      .innerJoin('hosts as h', 'h.id', 'l.host_id')
      .select(['l.path', 'h.project_uuid'])
      .orderBy('l.path')
      .execute();
    expect(joined).toEqual([{ path: '/a', project_uuid: PROJECT_A }]);
    const viaSubquery = await a.read
      .selectFrom('log_entries')
      .select('path')
      .where('host_id', 'in', (eb) => eb.selectFrom('hosts').select('id'))
      .execute();
    expect(viaSubquery).toEqual([{ path: '/a' }]);
  });

  it('updates and deletes only the scoped project\'s rows', async () => {
    const { db, a } = await setup();
    const updated = await a.write((tx) => tx.db.updateTable('log_entries').set({ path: '/changed' }).executeTakeFirst());
    expect(Number(updated.numUpdatedRows)).toBe(1);
    const deleted = await a.write((tx) => tx.db.deleteFrom('log_entries').where('path', '=', '/b').executeTakeFirst());
    expect(Number(deleted.numDeletedRows)).toBe(0);
    const paths = await db.read.selectFrom('log_entries').select('path').orderBy('path').execute();
    expect(paths).toEqual([{ path: '/b' }, { path: '/changed' }]);
  });

  it('refuses a scoped write that names another project', async () => {
    const { a } = await setup();
    await expect(
      a.write((tx) => tx.db.insertInto('log_entries').values({ project_uuid: PROJECT_B, ts: T0, source: 'audit' }).execute()),
    ).rejects.toMatchObject({ code: 'CROSS_PROJECT_WRITE' });
    await expect(a.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source'], [[PROJECT_B, T0, 'audit']]))).rejects.toMatchObject({
      code: 'CROSS_PROJECT_WRITE',
    });
    await expect(a.write((tx) => tx.db.updateTable('hosts').set({ project_uuid: PROJECT_B }).execute())).rejects.toMatchObject({
      code: 'CROSS_PROJECT_WRITE',
    });
  });

  it('rejects a malformed project uuid', async () => {
    const db = await fixture.open();
    expect(() => db.project("x' OR 1=1 --")).toThrow(/not a project uuid/);
  });
}
