import { DEFAULT_PROJECT_UUID, FACET_ROLLUP_FIELDS, type Database, type FacetRollupField } from '@panoptes/db-core';
import { describeEachDialect } from '@panoptes/db-core/testing';
import { openMigrated } from '@panoptes/migrations/testing';
import { expect, it } from 'vitest';
import { FACET_ROLLUP_COLUMNS, flushFacetRollups, pruneLogs, RecordWriter, topFacetValues } from '../src/index.js';
import { caddyLines, entryItem } from './fixtures/lines.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 20, 6);
const OTHER_PROJECT = '00000000-0000-0000-0000-00000000000b';

/** Real sample lines spread over hours, with skewed paths (some with a unique query string), hosts and user agents. */
function lines(count: number, start: number, stepMs: number, seed: number): string[] {
  let x = seed;
  const next = () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  return caddyLines(count, start, stepMs).map((line, i) => {
    const e = JSON.parse(line) as { request: Record<string, unknown>; status: number };
    const rank = Math.floor(next() * next() * 40);
    e.request.uri = `/s${rank % 4}/${rank}${next() < 0.2 ? `?q=${seed}-${i}` : ''}`;
    e.request.host = `app${Math.floor(next() * next() * 5)}.example.com`;
    e.request.headers = { 'User-Agent': [`agent/${Math.floor(next() * 6)}`] };
    if (next() < 0.1) e.status = [404, 500, 403][i % 3]!;
    return JSON.stringify({ ...e, ts: (start + i * stepMs + seed) / 1000 });
  });
}

async function ingest(db: Database, items: readonly string[], projectUuid = DEFAULT_PROJECT_UUID): Promise<void> {
  const writer = new RecordWriter(db, { batchSize: 128 });
  await Promise.all(await Promise.all(items.map(async (l) => (await writer.submit(entryItem(l, projectUuid))).committed)));
  await writer.close();
}

/** The facet as the plain GROUP BY over the rows computes it: every value with its count. */
async function grouped(db: Database, projectUuid: string, field: FacetRollupField, from: number, to: number): Promise<Map<string, number>> {
  const column = FACET_ROLLUP_COLUMNS[field];
  const rows = await db
    .project(projectUuid)
    .read.selectFrom('log_entries')
    .select((eb) => [eb.ref(column).as('value'), eb.fn.countAll<number>().as('n')])
    .where('ts', '>=', from)
    .where('ts', '<', to)
    .where(column, 'is not', null)
    .groupBy(column)
    .execute();
  return new Map(rows.map((r) => [String(r.value), Number(r.n)]));
}

/** The rollup's top-N equals the GROUP BY's: each count is the value's true count, and the counts are the N largest. */
async function expectSameAsGroupBy(db: Database, projectUuid: string, from: number, to: number): Promise<void> {
  for (const field of FACET_ROLLUP_FIELDS) {
    const truth = await grouped(db, projectUuid, field, from, to);
    const largest = [...truth.values()].sort((a, b) => b - a);
    for (const limit of [1, 5, 100]) {
      const top = await topFacetValues(db, projectUuid, field, { from, to }, limit);
      expect(top, `${field} top ${limit}`).toBeDefined();
      expect(top!.map((t) => [t.value, t.count]), `${field} top ${limit}`).toEqual(top!.map((t) => [t.value, truth.get(t.value)]));
      expect(top!.map((t) => t.count), `${field} top ${limit}`).toEqual(largest.slice(0, limit));
    }
  }
}

describeEachDialect('the hourly facet rollup', (fixture) => {
  it('gives the GROUP BY counts for windows whose edges fall inside hours, flushed or not', { timeout: 120_000 }, async () => {
    const db = await openMigrated(fixture);
    await db.write((tx) => tx.db.insertInto('projects').values({ uuid: OTHER_PROJECT, name: 'b', created_at: T0, updated_at: T0 }).execute());
    // Five hours of rows; the writer's memory is flushed halfway (as its timer would), the rest stays above the watermark.
    await ingest(db, lines(1500, T0, 6_000, 1));
    await db.write((tx) => flushFacetRollups(db, tx));
    await ingest(db, lines(1500, T0 + 1_000, 6_000, 2));
    await ingest(db, lines(400, T0, 40_000, 3), OTHER_PROJECT);
    const { covered_id } = await db.read.selectFrom('log_facet_rollup_watermark').select('covered_id').executeTakeFirstOrThrow();
    expect(Number(covered_id)).toBeGreaterThan(0);

    for (const [from, to] of [
      [T0 + 17 * 60_000 + 123, T0 + 4 * HOUR + 41 * 60_000],
      [T0 - HOUR, T0 + 6 * HOUR],
      [T0 + HOUR, T0 + 3 * HOUR],
      // Edges read from their rows (few inside the window) and as their hour less the rows outside it.
      [T0 + 50 * 60_000, T0 + 2 * HOUR + 10 * 60_000],
      [T0 + 5 * 60_000 + 7, T0 + 2 * HOUR + 50 * 60_000],
    ] as const) {
      await expectSameAsGroupBy(db, DEFAULT_PROJECT_UUID, from, to);
      await expectSameAsGroupBy(db, OTHER_PROJECT, from, to);
    }
    await db.write((tx) => flushFacetRollups(db, tx));
    await expectSameAsGroupBy(db, DEFAULT_PROJECT_UUID, T0 + 17 * 60_000 + 123, T0 + 4 * HOUR + 41 * 60_000);
  });

  it('flushes as the writer goes (on Postgres in a transaction of its own), flushes from elsewhere counting nothing twice', { timeout: 120_000 }, async () => {
    const db = await openMigrated(fixture);
    const covered = async () => Number((await db.read.selectFrom('log_facet_rollup_watermark').select('covered_id').executeTakeFirstOrThrow()).covered_id);
    const feed = async (items: readonly string[], flushEvery?: number) => {
      const writer = new RecordWriter(db, { batchSize: 512, maxBatchSize: 1024 });
      const settled: Promise<unknown>[] = [];
      for (const [i, line] of items.entries()) {
        settled.push((await writer.submit(entryItem(line))).committed);
        // Another flush (an import's, an operator's) while the writer's own run.
        if (flushEvery !== undefined && i % flushEvery === flushEvery - 1) settled.push(db.write((tx) => flushFacetRollups(db, tx)));
      }
      await Promise.all(settled);
      await writer.close();
    };
    await feed(lines(20_000, T0, 900, 8));
    // The writer's own flushes, one each 8,192 rows counted: the rows of the third are above the watermark.
    expect(await covered()).toBeGreaterThanOrEqual(16_384);
    await expectSameAsGroupBy(db, DEFAULT_PROJECT_UUID, T0 + 17 * 60_000 + 123, T0 + 4 * HOUR + 41 * 60_000);
    await feed(lines(12_000, T0 + 500, 1_500, 9), 2_500);
    await db.write((tx) => flushFacetRollups(db, tx));
    expect(await covered()).toBe(32_000);
    await expectSameAsGroupBy(db, DEFAULT_PROJECT_UUID, T0 + 17 * 60_000 + 123, T0 + 4 * HOUR + 41 * 60_000);
    const { n } = await db.read.selectFrom('log_facet_rollups_hour').select((eb) => eb.fn.sum<number>('entries').as('n')).where('field', '=', 'host').executeTakeFirstOrThrow();
    expect(Number(n)).toBe(32_000);
  });

  it('counts rows another writer stored from the table itself, once', async () => {
    const db = await openMigrated(fixture);
    await ingest(db, lines(600, T0, 10_000, 4));
    // A row no RecordWriter of this process counted in memory (another process, or a restart).
    await db.write((tx) => tx.db.insertInto('log_entries').values({ ts: T0 + 90 * 60_000, source: 'caddy_access', path: '/s0/0', status: 200, method: 'GET' }).execute());
    await ingest(db, lines(300, T0 + 2 * HOUR, 10_000, 5));
    await db.write((tx) => flushFacetRollups(db, tx));
    await db.write((tx) => flushFacetRollups(db, tx));
    const max = await db.read.selectFrom('log_entries').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
    const { covered_id } = await db.read.selectFrom('log_facet_rollup_watermark').select('covered_id').executeTakeFirstOrThrow();
    expect(Number(covered_id)).toBe(Number(max.id));
    await expectSameAsGroupBy(db, DEFAULT_PROJECT_UUID, T0 + 5 * 60_000, T0 + 3 * HOUR + 5 * 60_000);
  });

  it('ranks a value spread thinly over many hours above one that spikes in a single hour', async () => {
    const db = await openMigrated(fixture);
    // /steady: 60 an hour for five hours (300); /spike: 100 in one hour. Only /spike passes a per-hour threshold of 64.
    const spread = (path: string, hour: number, n: number, seed: number) =>
      caddyLines(n, T0 + hour * HOUR + seed, 20_000).map((l) => {
        const e = JSON.parse(l) as { request: Record<string, unknown> };
        e.request.uri = path;
        return JSON.stringify(e);
      });
    await ingest(db, [0, 1, 2, 3, 4].flatMap((h) => spread('/steady', h, 60, 1 + h)).concat(spread('/spike', 2, 100, 9)));
    await db.write((tx) => flushFacetRollups(db, tx));
    const top = await topFacetValues(db, DEFAULT_PROJECT_UUID, 'path', { from: T0 - HOUR / 2, to: T0 + 5 * HOUR + HOUR / 2 }, 1);
    expect(top).toEqual([{ value: '/steady', count: 300 }]);
  });

  it('leaves windows without a whole hour to the caller', async () => {
    const db = await openMigrated(fixture);
    expect(await topFacetValues(db, DEFAULT_PROJECT_UUID, 'path', { from: T0 + 60_000, to: T0 + HOUR + 60_000 }, 10)).toBeUndefined();
  });

  it('prunes the hours older than the oldest kept row with the logs', async () => {
    const db = await openMigrated(fixture);
    const now = T0 + 40 * 86_400_000;
    await ingest(db, lines(200, T0, 60_000, 6));
    await ingest(db, lines(200, now - 2 * HOUR, 30_000, 7));
    await db.write((tx) => flushFacetRollups(db, tx));
    const report = await pruneLogs(db, { retentionDays: 30, maxEntries: 1_000_000 }, { now });
    expect(report.facetRollupsDeleted).toBeGreaterThan(0);
    const { oldest } = await db.read.selectFrom('log_facet_rollups_hour').select((eb) => eb.fn.min('bucket_start').as('oldest')).executeTakeFirstOrThrow();
    expect(Number(oldest)).toBe(now - 2 * HOUR - ((now - 2 * HOUR) % HOUR));
    await expectSameAsGroupBy(db, DEFAULT_PROJECT_UUID, now - 3 * HOUR - 1, now);
  });

  it('prunes an hour of more values than one write unit deletes, all of it', async () => {
    const db = await openMigrated(fixture);
    const now = T0 + 40 * 86_400_000;
    await ingest(db, lines(50, now - HOUR, 30_000, 8));
    // An old hour of 4,500 distinct paths: three write units' worth.
    await db.write((tx) =>
      tx.insertMany('log_facet_rollups_hour', ['project_uuid', 'field', 'value', 'bucket_start', 'entries'], Array.from({ length: 4_500 }, (_, i) => [DEFAULT_PROJECT_UUID, 'path', `/old/${i}`, T0, 1])),
    );
    await db.write((tx) => flushFacetRollups(db, tx));
    const report = await pruneLogs(db, { retentionDays: 30, maxEntries: 1_000_000 }, { now });
    expect(report.facetRollupsDeleted).toBe(4_500);
    const left = await db.read.selectFrom('log_facet_rollups_hour').select((eb) => eb.fn.countAll<number>().as('n')).where('bucket_start', '<', now - 2 * HOUR).executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
    await expectSameAsGroupBy(db, DEFAULT_PROJECT_UUID, now - 2 * HOUR, now);
  });
});
