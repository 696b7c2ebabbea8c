import { describeEachDialect } from '@panoptes/db-core/testing';
import { openMigrated } from '@panoptes/migrations/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addressSearchKey,
  blockIndexLimits,
  buildAddressFilter,
  buildBlockFilters,
  candidateBlocks,
  candidateLines,
  filterMayHold,
  insertBlockFilter,
  newestAcrossBlocks,
  SEGMENT_LINES,
  segmentRanges,
  type BlockParts,
} from '../src/block-filters.js';
import { insertBlock } from '../src/raw-blocks.js';

describe('block address filters', () => {
  const addresses = Array.from({ length: 1024 }, (_, i) => `10.${i % 4}.${(i * 7) % 50}.${i % 64}`);
  const filter = buildAddressFilter(addresses);

  it('never misses an address of the block, nor its IPv4 /8, /16 and /24 prefixes', () => {
    for (const a of addresses) {
      expect(filterMayHold(filter, addressSearchKey(a))).toBe(true);
      for (const bits of [8, 16, 24] as const) expect(filterMayHold(filter, addressSearchKey(a, bits))).toBe(true);
    }
    const v6 = buildAddressFilter(['2001:db8::1']);
    expect(filterMayHold(v6, '2001:db8::1')).toBe(true);
  });

  it('says "not here" for nearly every other address', () => {
    let hits = 0;
    for (let i = 0; i < 20_000; i++) if (filterMayHold(filter, `192.168.${i >> 8}.${i & 255}`)) hits += 1;
    expect(hits / 20_000).toBeLessThan(0.005);
    expect(filterMayHold(filter, '11.')).toBe(false);
  });

  // Block b holds rows with ts b*10 .. b*10+9 on its lines 0-9 (ids = ts); candidates newest first.
  const rowsOf = (parts: BlockParts) => [...parts.whole.map((b) => [b, 0, 10] as const), ...parts.ranges.map((r) => [r.blockId, r.from, Math.min(r.to, 10)] as const)]
    .flatMap(([b, from, to]) => Array.from({ length: Math.max(0, to - from) }, (_, k) => ({ ts: b * 10 + from + k, id: b * 10 + from + k })));

  it('takes the newest page across blocks and stops at the first block older than a full page', async () => {
    const candidates = Array.from({ length: 40 }, (_, i) => ({ id: 39 - i, tsMax: (39 - i) * 10 + 9 }));
    const opened: number[] = [];
    // Odd blocks have no segment filters (read whole, 2,048 lines against a round); even ones one segment.
    const lines = async (ids: readonly number[]) => new Map(ids.map((id) => [id, id % 2 === 1 ? null : [[0, SEGMENT_LINES] as const]]));
    const page = await newestAcrossBlocks(Promise.resolve(candidates), 15, lines, async (parts, n) => {
      if (parts === null) return [{ ts: 395, id: 1000 }];
      opened.push(...parts.whole, ...parts.ranges.map((r) => r.blockId));
      return rowsOf(parts).sort((a, b) => b.ts - a.ts).slice(0, n);
    });
    expect(page.map((r) => r.id)).toEqual([399, 398, 397, 396, 1000, 395, 394, 393, 392, 391, 390, 389, 388, 387, 386]);
    // The first round covers 8,192 lines: four blocks read whole and three segments.
    expect(opened.sort((a, b) => b - a)).toEqual([39, 38, 37, 36, 35, 34, 33]);
  });

  it('reads a rare address in one round, however many candidates its block filters let through', async () => {
    const candidates = Array.from({ length: 300 }, (_, i) => ({ id: 299 - i, tsMax: (299 - i) * 10 + 9 }));
    const looked: number[] = [];
    const queried: BlockParts[] = [];
    // Only blocks 250 and 5 have a segment that may hold it; the others' block filters were false positives.
    const lines = async (ids: readonly number[]) => {
      looked.push(ids.length);
      return new Map(ids.map((id) => [id, id === 250 || id === 5 ? [[SEGMENT_LINES, 2 * SEGMENT_LINES] as const] : []]));
    };
    const page = await newestAcrossBlocks(Promise.resolve(candidates), 50, lines, async (parts) => {
      if (parts === null) return [];
      queried.push(parts);
      return [{ ts: 2501, id: 2501 }, { ts: 51, id: 51 }];
    });
    expect(page.map((r) => r.id)).toEqual([2501, 51]);
    expect(looked).toEqual([64, 236]);
    expect(queried).toEqual([{ whole: [], ranges: [{ blockId: 250, from: SEGMENT_LINES, to: 2 * SEGMENT_LINES }, { blockId: 5, from: SEGMENT_LINES, to: 2 * SEGMENT_LINES }] }]);
  });
});

describe('segment filters of a block', () => {
  // 1,000 lines: 8 segments, the last one short; every 10th line has no address.
  const lines = Array.from({ length: 1000 }, (_, i) => (i % 10 === 9 ? null : `10.${i % 3}.${(i * 11) % 97}.${i % 200}`));
  const { segments } = buildBlockFilters(lines);
  const segmentOf = (line: number) => [Math.floor(line / SEGMENT_LINES) * SEGMENT_LINES, Math.floor(line / SEGMENT_LINES) * SEGMENT_LINES + SEGMENT_LINES] as const;
  const covers = (ranges: [number, number][], line: number) => ranges.some(([from, to]) => from <= line && line < to);

  it('never misses the segment of a line holding the address or one of its prefixes', () => {
    lines.forEach((address, line) => {
      if (address === null) return;
      for (const key of [addressSearchKey(address), addressSearchKey(address, 24), addressSearchKey(address, 16), addressSearchKey(address, 8)]) {
        const ranges = segmentRanges(segments, key)!;
        expect(covers(ranges, line), `${key} at line ${line}`).toBe(true);
        for (const [from, to] of ranges) expect([from % SEGMENT_LINES, to % SEGMENT_LINES]).toEqual([0, 0]);
      }
    });
  });

  it('names only the segments that may hold a rare address, and merges neighbours', () => {
    expect(segmentRanges(segments, '10.1.11.1')).toEqual([segmentOf(1)]);
    // '10.' is on every line: one range over the whole block.
    expect(segmentRanges(segments, '10.')).toEqual([[0, 8 * SEGMENT_LINES]]);
    let found = 0;
    for (let i = 0; i < 2000; i++) found += segmentRanges(segments, `192.168.${i >> 8}.${i & 255}`)!.length;
    expect(found / 2000).toBeLessThan(0.25); // 8 segments of about 2.5% each at most
  });

  it('answers null (read the block whole) without filters or in a format it does not know', () => {
    expect(segmentRanges(null, '10.1.11.1')).toBeNull();
    const future = Buffer.from(segments);
    future[0] = 2;
    expect(segmentRanges(future, '10.1.11.1')).toBeNull();
    expect(segmentRanges(Buffer.from([1, 0, 0, 0, 0, 255, 255]), '10.1.11.1')).toBeNull();
  });
});

describeEachDialect('candidate blocks of an address search', (fixture) => {
  afterEach(() => {
    blockIndexLimits.heldFilters = 50_000;
  });

  it('reads only the segments that may hold the key, and whole blocks without segment filters', async () => {
    const db = await openMigrated(fixture);
    const lines = Array.from({ length: 600 }, (_, i) => `172.16.${i >> 8}.${i & 255}`);
    const { filter, segments } = buildBlockFilters(lines);
    const [segmented, old, bare] = await db.write(async (tx) => {
      const ids = [await insertBlock(tx, Buffer.from('x'), 600, 0), await insertBlock(tx, Buffer.from('x'), 600, 0), await insertBlock(tx, Buffer.from('x'), 600, 0)];
      await insertBlockFilter(tx, ids[0]!, { tsMin: 0, tsMax: 9 }, filter, segments);
      await insertBlockFilter(tx, ids[1]!, { tsMin: 10, tsMax: 19 }, filter, null);
      return ids;
    });
    // Line 300 is in the third segment; the block written before segments, and the one without any filter row, are read whole.
    expect(await candidateLines(db, '172.16.1.44', [segmented!, old!, bare!])).toEqual(new Map([[segmented, [[2 * SEGMENT_LINES, 3 * SEGMENT_LINES]]], [old, null], [bare, null]]));
    expect(await candidateLines(db, '172.16.', [segmented!])).toEqual(new Map([[segmented, [[0, 5 * SEGMENT_LINES]]]]));
    expect(await candidateLines(db, '192.168.7.7', [segmented!])).toEqual(new Map([[segmented, []]]));
  });

  it.each([50_000, 4])('opens exactly the blocks whose filter may hold the key, newest first, and follows new, deleted and replaced blocks (%i filters held)', async (held) => {
    blockIndexLimits.heldFilters = held;
    const db = await openMigrated(fixture);
    // 30 blocks of 40 addresses each; one without a filter (always a candidate); one with a tiny filter.
    const blocks = Array.from({ length: 30 }, (_, b) => Array.from({ length: 40 }, (_, i) => `10.${b}.${i % 7}.${(b * 40 + i) % 251}`));
    const filters = blocks.map((addresses, b) => (b === 7 ? null : buildAddressFilter(b === 11 ? addresses.slice(0, 1) : addresses)));
    const ids = await db.write(async (tx) => {
      const out: number[] = [];
      for (const [b, filter] of filters.entries()) {
        const id = await insertBlock(tx, Buffer.from('x'), 1, 0);
        if (filter === null) await tx.db.insertInto('log_block_filters').values({ block_id: id, ts_min: b * 100, ts_max: b * 100 + 99, ip_bloom: null }).execute();
        else await insertBlockFilter(tx, id, { tsMin: b * 100, tsMax: b * 100 + 99 }, filter, null);
        out.push(id);
      }
      return out;
    });
    const keys = ['10.3.2.123', '10.3.', '10.3.4.', '10.', '10.29.6.', '192.168.1.1', '2001:db8::1', ...blocks.flat().filter((_, i) => i % 37 === 0)];
    for (const key of keys) {
      const expected = filters.flatMap((f, b) => (f === null || filterMayHold(f, key) ? [b] : [])).reverse();
      expect((await candidateBlocks(db, key)).map((c) => ids.indexOf(c.id)), key).toEqual(expected);
    }
    // The time window narrows the candidates: blocks overlapping [1000, 1500).
    expect((await candidateBlocks(db, '10.', { from: 1000, to: 1500 })).map((c) => ids.indexOf(c.id))).toEqual([14, 13, 12, 11, 10]);

    // Filters are cached: a new block shows up, a deleted one goes, a block id written again with
    // another span is read again rather than answered from its old filter.
    const fresh = await db.write(async (tx) => {
      const id = await insertBlock(tx, Buffer.from('x'), 1, 0);
      await insertBlockFilter(tx, id, { tsMin: 5000, tsMax: 5099 }, buildAddressFilter(['172.16.0.9']), null);
      return id;
    });
    expect((await candidateBlocks(db, '172.16.0.9')).map((c) => c.id)).toEqual([fresh, ids[7]]);
    await db.write((tx) => tx.db.deleteFrom('log_raw_blocks').where('id', '=', fresh).execute());
    expect((await candidateBlocks(db, '172.16.0.9')).map((c) => c.id)).toEqual([ids[7]]);
    await db.write((tx) => tx.db.updateTable('log_block_filters').set({ ts_max: 399, ip_bloom: buildAddressFilter(['172.16.0.9']) }).where('block_id', '=', ids[2]!).execute());
    expect((await candidateBlocks(db, '172.16.0.9')).map((c) => c.id)).toEqual([ids[7], ids[2]]);
  });
});
