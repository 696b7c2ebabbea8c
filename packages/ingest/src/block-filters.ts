import type { Database, WriteContext } from '@panoptes/db-core';
import { slices } from './slices.js';

/**
 * Per-block search filters (migration 0005). A client-address index on log_entries put every row in
 * a random place of a large tree and cut ingest threefold; instead each raw-line block records its
 * rows' time span and a Bloom filter of their addresses, and an address search opens only the
 * blocks whose filter may hold it, newest first.
 */

/**
 * Bits per key: about 0.15 % false positives with `HASHES` probes. A false positive costs a search
 * a whole block's rows: at 10 bits (0.8 %) a rare address's first page over 5M rows opened 80
 * blocks, 54 of them for nothing; 14 bits cost about one byte a stored row more. A filter's size is
 * read from its length, so filters written with fewer bits still answer (with more false positives);
 * `HASHES` must never change.
 */
const BITS_PER_KEY = 14;
const HASHES = 7;

/**
 * The filter keys of an address: itself, and for IPv4 its /24, /16 and /8 prefixes ("10.1.2.") so
 * a prefix search (stored as `LIKE '10.1.%'`) can use the filter too.
 */
export function addressKeys(address: string): string[] {
  const first = address.indexOf('.');
  const second = address.indexOf('.', first + 1);
  const third = address.indexOf('.', second + 1);
  if (first === -1 || second === -1 || third === -1 || address.includes('.', third + 1)) return [address];
  return [address, address.slice(0, third + 1), address.slice(0, second + 1), address.slice(0, first + 1)];
}

/** The filter key of an address search: the address, or the dotted prefix of an IPv4 /8, /16 or /24. */
export function addressSearchKey(address: string, prefixBits?: 8 | 16 | 24 | 32): string {
  if (prefixBits === undefined || prefixBits === 32) return address;
  return `${address.split('.').slice(0, prefixBits / 8).join('.')}.`;
}

/** Two independent 32-bit FNV-1a hashes of a key; the probes are h1 + i * h2 (Kirsch-Mitzenmacher). */
function hashes(key: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return [h1 >>> 0, (h2 | 1) >>> 0];
}

/** A Bloom filter of the keys of these addresses (duplicates are fine). */
export function buildAddressFilter(addresses: Iterable<string>): Buffer {
  const keys = new Set<string>();
  // A batch names far fewer addresses than it has rows: each address's keys are worked out once.
  for (const address of new Set(addresses)) for (const key of addressKeys(address)) keys.add(key);
  const bytes = Math.max(8, Math.ceil((keys.size * BITS_PER_KEY) / 8));
  const bits = bytes * 8;
  const filter = Buffer.alloc(bytes);
  for (const key of keys) {
    const [h1, h2] = hashes(key);
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + i * h2) % bits;
      filter[bit >>> 3]! |= 1 << (bit & 7);
    }
  }
  return filter;
}

/** Whether the filter may hold the key (false: certainly not). */
export function filterMayHold(filter: Uint8Array, key: string): boolean {
  const bits = filter.length * 8;
  const [h1, h2] = hashes(key);
  for (let i = 0; i < HASHES; i++) {
    const bit = (h1 + i * h2) % bits;
    if ((filter[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}

/** Records a block's filter in the transaction that stores the block. */
export async function insertBlockFilter(tx: WriteContext, blockId: number, span: { readonly tsMin: number; readonly tsMax: number }, filter: Buffer): Promise<void> {
  await tx.db.insertInto('log_block_filters').values({ block_id: blockId, ts_min: span.tsMin, ts_max: span.tsMax, ip_bloom: filter }).execute();
}

export interface CandidateBlock {
  readonly id: number;
  /** The newest row of the block: a search that already holds a full page of newer rows stops here. */
  readonly tsMax: number;
}

/**
 * The blocks that may hold rows with this address key within [from, to), newest first. A block
 * without a filter (written before filters existed) is always a candidate.
 */
export async function candidateBlocks(db: Database, key: string, window: { readonly from?: number; readonly to?: number } = {}): Promise<CandidateBlock[]> {
  const spans = await db.read
    .selectFrom('log_block_filters')
    .select(['block_id', 'ts_min', 'ts_max'])
    .$if(window.from !== undefined, (qb) => qb.where('ts_max', '>=', window.from!))
    .$if(window.to !== undefined, (qb) => qb.where('ts_min', '<', window.to!))
    .orderBy('ts_max', 'desc')
    .execute();
  const blocks = spans.map((s) => ({ id: Number(s.block_id), tsMin: Number(s.ts_min), tsMax: Number(s.ts_max) }));
  const filters = await cachedFilters(db, blocks);
  return blocks.filter((_, i) => filters[i] === null || filterMayHold(filters[i]!, key)).map((b) => ({ id: b.id, tsMax: b.tsMax }));
}

interface Span {
  readonly id: number;
  readonly tsMin: number;
  readonly tsMax: number;
}

/** Filters kept in memory: about 2.3 MB per million rows. Past this many blocks the cache starts over. */
const MAX_CACHED_BLOCKS = 50_000;
const filterCaches = new WeakMap<Database, Map<number, Span & { readonly filter: Uint8Array | null }>>();

/**
 * The filter of each block (null: none, or the block is gone), from memory where the block's span
 * is unchanged. A block's filter never changes after its transaction, so only blocks not seen before
 * (or a reused id with another span) are read: reading every filter of a 1M-row log took 4-6 ms of
 * each address search.
 */
async function cachedFilters(db: Database, blocks: readonly Span[]): Promise<(Uint8Array | null)[]> {
  let cache = filterCaches.get(db);
  if (cache === undefined || cache.size > MAX_CACHED_BLOCKS) {
    cache = new Map();
    filterCaches.set(db, cache);
  }
  const known = cache;
  const missing = blocks.filter((b) => {
    const hit = known.get(b.id);
    return hit === undefined || hit.tsMin !== b.tsMin || hit.tsMax !== b.tsMax;
  });
  for (const slice of slices(missing.map((b) => b.id))) {
    const rows = await db.read.selectFrom('log_block_filters').select(['block_id', 'ts_min', 'ts_max', 'ip_bloom']).where('block_id', 'in', slice).execute();
    for (const r of rows) known.set(Number(r.block_id), { id: Number(r.block_id), tsMin: Number(r.ts_min), tsMax: Number(r.ts_max), filter: r.ip_bloom });
  }
  return blocks.map((b) => known.get(b.id)?.filter ?? null);
}

/**
 * The newest `limit` rows of an address search (newest first by ts, then id), reading the rows kept
 * outside blocks (`query(null, n)`) and then the candidate blocks in growing chunks
 * (`query(ids, n)`), each query newest first with its own limit. It stops at the first block
 * whose newest row is older than a full page: no later block can hold a row of the page.
 */
export async function newestAcrossBlocks<R extends { readonly ts: number; readonly id: number }>(
  candidates: readonly CandidateBlock[],
  limit: number,
  query: (blockIds: readonly number[] | null, limit: number) => Promise<R[]>,
): Promise<R[]> {
  const newer = (a: R, b: R) => b.ts - a.ts || b.id - a.id;
  let page = await query(null, limit);
  let chunk = 8;
  for (let at = 0; at < candidates.length; ) {
    const last = page[limit - 1];
    if (last !== undefined && candidates[at]!.tsMax < last.ts) break;
    const ids = candidates.slice(at, at + chunk).map((c) => c.id);
    at += ids.length;
    chunk = Math.min(chunk * 2, 256);
    page = [...page, ...(await query(ids, limit))].sort(newer).slice(0, limit);
  }
  return page;
}
