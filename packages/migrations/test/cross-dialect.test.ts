import { hasPostgres, postgresFixture, sqliteFixture } from '@panoptes/db-core/testing';
import { describe, expect, it } from 'vitest';
import { openMigrated } from '../src/testing.js';

describe.runIf(hasPostgres())('the schema is identical on both dialects [postgres]', () => {
  const sqlite = sqliteFixture();
  const postgres = postgresFixture();

  it('has the same tables, columns, types, keys, indexes and checks on SQLite and Postgres', async () => {
    const [a, b] = await Promise.all([openMigrated(sqlite), openMigrated(postgres)]);
    const [left, right] = await Promise.all([a.catalog(), b.catalog()]);
    expect(Object.keys(left.tables)).toEqual(Object.keys(right.tables));
    for (const table of Object.keys(left.tables)) expect(left.tables[table], table).toEqual(right.tables[table]);
  });
});
