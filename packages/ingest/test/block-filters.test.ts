import { describe, expect, it } from 'vitest';
import { addressSearchKey, buildAddressFilter, filterMayHold, newestAcrossBlocks } from '../src/block-filters.js';

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
    expect(hits / 20_000).toBeLessThan(0.02);
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
