import { describeEachDialect } from '@panoptes/db-core/testing';
import { openMigrated } from '@panoptes/migrations/testing';
import { describe, expect, it } from 'vitest';
import { addressSearchKey, buildAddressFilter, candidateBlocks, filterMayHold, insertBlockFilter, newestAcrossBlocks } from '../src/block-filters.js';
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

  it('takes the newest page across blocks and stops at the first block older than a full page', async () => {
    // Block b holds rows with ts b*10 .. b*10+9 (ids = ts); blocks newest first.
    const candidates = Array.from({ length: 40 }, (_, i) => ({ id: 39 - i, tsMax: (39 - i) * 10 + 9 }));
    const opened: number[] = [];
    const page = await newestAcrossBlocks(candidates, 15, async (ids, n) => {
      if (ids === null) return [{ ts: 395, id: 1000 }];
      opened.push(...ids);
      return ids.flatMap((b) => Array.from({ length: 10 }, (_, k) => ({ ts: b * 10 + k, id: b * 10 + k }))).sort((a, b) => b.ts - a.ts).slice(0, n);
    });
    expect(page.map((r) => r.id)).toEqual([399, 398, 397, 396, 1000, 395, 394, 393, 392, 391, 390, 389, 388, 387, 386]);
    expect(opened).toEqual([39, 38, 37, 36, 35, 34, 33, 32]);
  });
});

describeEachDialect('candidate blocks of an address search', (fixture) => {
  it('opens exactly the blocks whose filter may hold the key, newest first, and follows new, deleted and replaced blocks', async () => {
    const db = await openMigrated(fixture);
    // 30 blocks of 40 addresses each; one without a filter (always a candidate); one with a tiny filter.
    const blocks = Array.from({ length: 30 }, (_, b) => Array.from({ length: 40 }, (_, i) => `10.${b}.${i % 7}.${(b * 40 + i) % 251}`));
    const filters = blocks.map((addresses, b) => (b === 7 ? null : buildAddressFilter(b === 11 ? addresses.slice(0, 1) : addresses)));
    const ids = await db.write(async (tx) => {
      const out: number[] = [];
      for (const [b, filter] of filters.entries()) {
        const id = await insertBlock(tx, Buffer.from('x'), 1, 0);
        if (filter === null) await tx.db.insertInto('log_block_filters').values({ block_id: id, ts_min: b * 100, ts_max: b * 100 + 99, ip_bloom: null }).execute();
        else await insertBlockFilter(tx, id, { tsMin: b * 100, tsMax: b * 100 + 99 }, filter);
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
      await insertBlockFilter(tx, id, { tsMin: 5000, tsMax: 5099 }, buildAddressFilter(['172.16.0.9']));
      return id;
    });
    expect((await candidateBlocks(db, '172.16.0.9')).map((c) => c.id)).toEqual([fresh, ids[7]]);
    await db.write((tx) => tx.db.deleteFrom('log_raw_blocks').where('id', '=', fresh).execute());
    expect((await candidateBlocks(db, '172.16.0.9')).map((c) => c.id)).toEqual([ids[7]]);
    await db.write((tx) => tx.db.updateTable('log_block_filters').set({ ts_max: 399, ip_bloom: buildAddressFilter(['172.16.0.9']) }).where('block_id', '=', ids[2]!).execute());
    expect((await candidateBlocks(db, '172.16.0.9')).map((c) => c.id)).toEqual([ids[7], ids[2]]);
  });
});
