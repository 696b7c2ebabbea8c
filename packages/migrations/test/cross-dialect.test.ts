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
    // The one deliberate difference (migration 0008): Postgres's concurrent writers need a unique
    // index against storing a line twice; SQLite's single writer looks repeats up instead.
    const pgLog = right.tables.log_entries!;
    expect(pgLog.indexes.filter((i) => i.name === 'log_entries_ts_hash')).toEqual([{ name: 'log_entries_ts_hash', columns: ['ts', 'content_hash'], unique: true, partial: false }]);
    const rightTables: typeof right.tables = { ...right.tables, log_entries: { ...pgLog, indexes: pgLog.indexes.filter((i) => i.name !== 'log_entries_ts_hash') } };
    for (const table of Object.keys(left.tables)) expect(left.tables[table], table).toEqual(rightTables[table]);
  });
});
