import type { WriteContext } from '@panoptes/db-core';

export interface DedupKey {
  readonly ts: number;
  readonly hash: Uint8Array;
}

/**
 * Which entries of a batch are new: no stored row and no earlier entry of the batch has the same
 * (ts, content hash). A repeat parses to the same time, so only the stored rows of the batch's own
 * times are read (the plain ts index; a few rows each). On SQLite this takes the place of a unique
 * index (migration 0008): its one writer makes the lookup and the insert that follows atomic. The
 * times go as one parameter (`oneOf`): a list of a thousand parameters cost the event loop building,
 * compiling and posting it on the commit's critical path, 0.3 ms a batch.
 */
export async function unseenEntries(tx: WriteContext, keys: readonly DedupKey[]): Promise<boolean[]> {
  const times = [...new Set(keys.map((k) => k.ts))];
  // Per time, the hashes seen: most times of a batch have no stored row and one entry, so a line
  // costs a map lookup, not a string key built from its time and hash (0.5 us a line).
  const seen = new Map<number, Uint8Array[]>();
  const isRepeat = (ts: number, hash: Uint8Array): boolean => {
    const hashes = seen.get(ts);
    if (hashes === undefined) {
      seen.set(ts, [hash]);
      return false;
    }
    if (hashes.some((h) => Buffer.compare(h, hash) === 0)) return true;
    hashes.push(hash);
    return false;
  };
  const found = await tx.db
    .selectFrom('log_entries')
    .select(['ts', 'content_hash'])
    .where(tx.helpers.oneOf('ts', times))
    .where('content_hash', 'is not', null)
    .execute();
  for (const row of found) isRepeat(Number(row.ts), row.content_hash!);
  return keys.map(({ ts, hash }) => !isRepeat(ts, hash));
}
