import { DEFAULT_PROJECT_UUID, type Database } from '@panoptes/db-core';
import { describeEachDialect } from '@panoptes/db-core/testing';
import { openMigrated } from '@panoptes/migrations/testing';
import { expect, it } from 'vitest';
import { pruneLogs, RecordWriter, RetentionWorker } from '../src/index.js';
import { caddyLines, countRows, entryItem } from './fixtures/lines.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 24);

/** 600 entries, one every 2.4 hours over the 60 days before NOW, and the ids of three old ones pinned by a finding. */
async function seed(db: Database): Promise<number[]> {
  const writer = new RecordWriter(db, { batchSize: 200 });
  const lines = caddyLines(600, NOW - 60 * DAY, DAY / 10);
  await Promise.all(await Promise.all(lines.map(async (l) => (await writer.submit(entryItem(l))).committed)));
  await writer.close();
  return db.write(async (tx) => {
    const old = await tx.db.selectFrom('log_entries').select('id').orderBy('ts').limit(3).execute();
    const finding = await tx.db
      .insertInto('findings')
      .values({ finding_hash: 'f1', detector: 'threshold.5xx_burst', severity: 'warning', title: 'burst', first_seen_at: NOW, last_seen_at: NOW })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.db.insertInto('finding_evidence').values(old.map((o) => ({ finding_id: finding.id, log_entry_id: o.id }))).execute();
    return old.map((o) => o.id);
  });
}

describeEachDialect('log retention', (fixture) => {
  it('deletes by age in chunks and keeps rows pinned as evidence', async () => {
    const db = await openMigrated(fixture);
    const pinned = await seed(db);
    const report = await pruneLogs(db, { retentionDays: 30, maxEntries: 1_000_000 }, { now: NOW, chunkSize: 40 });
    expect(report).toMatchObject({ deletedByAge: 297, deletedByCap: 0, pinnedKept: 3 });
    expect(await countRows(db)).toBe(303);
    const oldest = await db.read.selectFrom('log_entries').select('id').where('ts', '<', NOW - 30 * DAY).orderBy('id').execute();
    expect(oldest.map((r) => r.id)).toEqual(pinned);
    if (fixture.dialect === 'sqlite') expect(report.pagesFreed).toBeGreaterThan(0);
  });

  it('deletes the oldest rows beyond the cap, never the pinned ones', async () => {
    const db = await openMigrated(fixture);
    const pinned = await seed(db);
    const report = await pruneLogs(db, { retentionDays: 365, maxEntries: 100 }, { now: NOW, chunkSize: 64 });
    expect(report).toMatchObject({ deletedByAge: 0, deletedByCap: 500 });
    expect(await countRows(db)).toBe(100);
    const kept = await db.read.selectFrom('log_entries').select(['id', 'ts']).orderBy('ts').execute();
    expect(kept.slice(0, 3).map((r) => r.id)).toEqual(pinned);
    // Apart from the pins, what is left is the newest.
    expect(kept[3]!.ts).toBe(NOW - 60 * DAY + 503 * (DAY / 10));
  });

  it('prunes old rollups and rejects, and runs on demand through the worker', async () => {
    const db = await openMigrated(fixture);
    await seed(db);
    await db.write((tx) =>
      tx.insertMany(
        'ingest_rejects',
        ['project_uuid', 'source_name', 'reason', 'excerpt', 'created_at'],
        [
          [DEFAULT_PROJECT_UUID, 's', 'old', 'x', NOW - 40 * DAY],
          [DEFAULT_PROJECT_UUID, 's', 'new', 'y', NOW - DAY],
        ],
      ),
    );
    const worker = new RetentionWorker(db, () => ({ retentionDays: 30, maxEntries: 1_000_000, rollupRetentionDays: 45 }), { clock: () => NOW });
    const [a, b] = await Promise.all([worker.runNow(), worker.runNow()]);
    expect(a).toBe(b); // joined, not run twice
    expect(a.rejectsDeleted).toBe(1);
    expect(a.rollupsDeleted).toBeGreaterThan(0);
    const oldestRollup = await db.read.selectFrom('log_rollups_minute').select((eb) => eb.fn.min('bucket_start').as('t')).executeTakeFirstOrThrow();
    expect(Number(oldestRollup.t)).toBeGreaterThanOrEqual(NOW - 45 * DAY);
  });
});
