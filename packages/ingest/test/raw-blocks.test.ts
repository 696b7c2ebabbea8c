import { DEFAULT_PROJECT_UUID } from '@panoptes/db-core';
import { describeEachDialect } from '@panoptes/db-core/testing';
import { openMigrated } from '@panoptes/migrations/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentHash, packBlock, pruneLogs, RecordWriter, resolveRaw, unpackBlock, type WriteItem } from '../src/index.js';
import { caddyLines, entryItem } from './fixtures/lines.js';

const DAY = 86_400_000;

/** An entry item whose raw text is `raw` exactly (the parsed fields of a real line). */
function itemWithRaw(raw: string, ts: number): WriteItem {
  const base = entryItem(caddyLines(1, ts)[0]!);
  if (base.kind !== 'entry') throw new Error('not an entry');
  return { ...base, entry: { ...base.entry, raw, ts }, hash: contentHash(DEFAULT_PROJECT_UUID, 'caddy_access', raw) };
}

describe('raw blocks', () => {
  it('unpack gives back every packed line byte for byte, given as text or as the bytes it was read as', async () => {
    const line = fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\n'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(line, fc.boolean()), { minLength: 1, maxLength: 40 }), async (given) => {
        const lines = given.map(([text]) => text);
        expect(unpackBlock(await packBlock(given.map(([text, asBytes]) => (asBytes ? Buffer.from(text, 'utf8') : text))))).toEqual(lines);
      }),
    );
  });
});

describeEachDialect('raw lines in compressed blocks', (fixture) => {
  it('stores a batch in one block and reads every raw line back byte for byte, a multi-line one inline', async () => {
    const db = await openMigrated(fixture);
    const writer = new RecordWriter(db, { batchSize: 64 });
    const lines = [...caddyLines(60), '{"msg":"naïve — ünïcödé 🦉","ts":1}', '{"multi":\n"line"}'];
    await Promise.all(await Promise.all(lines.map(async (l, i) => (await writer.submit(itemWithRaw(l, Date.UTC(2026, 0, 1) + i))).committed)));
    await writer.close();
    const rows = await db.read.selectFrom('log_entries').select(['id', 'raw', 'raw_block_id', 'raw_block_line']).orderBy('id').execute();
    expect(rows.filter((r) => r.raw === null)).toHaveLength(61);
    expect(rows.at(-1)).toMatchObject({ raw: '{"multi":\n"line"}', raw_block_id: null });
    const resolved = await resolveRaw(db, rows);
    expect(resolved.map((r) => r.raw)).toEqual(lines);
    expect(await db.read.selectFrom('log_raw_blocks').select('id').execute()).toHaveLength(1);
  });

  it('keeps raw inline when raw blocks are off', async () => {
    const db = await openMigrated(fixture);
    const writer = new RecordWriter(db, { rawBlocks: false });
    const [line] = caddyLines(1);
    await writer.write(entryItem(line!));
    await writer.close();
    expect(await db.read.selectFrom('log_entries').select(['raw', 'raw_block_id']).execute()).toEqual([{ raw: line, raw_block_id: null }]);
  });

  it('retention deletes a block once no row points at it, and keeps blocks still in use', async () => {
    const db = await openMigrated(fixture);
    const now = Date.UTC(2026, 10, 24);
    const writer = new RecordWriter(db, { batchSize: 50 });
    const old = caddyLines(50, now - 40 * DAY, 1);
    const fresh = caddyLines(50, now - DAY, 1).map((l) => l.replace('"request":', '"fresh":1,"request":'));
    for (const batch of [old, fresh]) await Promise.all(await Promise.all(batch.map(async (l) => (await writer.submit(entryItem(l))).committed)));
    await writer.close();
    expect(await db.read.selectFrom('log_raw_blocks').select('id').execute()).toHaveLength(2);
    const report = await pruneLogs(db, { retentionDays: 30, maxEntries: 1_000_000 }, { now });
    expect(report).toMatchObject({ deletedByAge: 50, rawBlocksDeleted: 1 });
    const rows = await db.read.selectFrom('log_entries').select(['raw', 'raw_block_id', 'raw_block_line']).orderBy('id').execute();
    expect((await resolveRaw(db, rows)).map((r) => r.raw)).toEqual(fresh);
  });
});
