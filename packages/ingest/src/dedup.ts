import type { WriteContext } from '@panoptes/db-core';

export interface DedupKey {
  readonly ts: number;
  readonly hash: Uint8Array;
}

const keyOf = (ts: number, hash: Uint8Array): string => `${ts}:${Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('latin1')}`;

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
  const seen = new Set<string>();
  const found = await tx.db
    .selectFrom('log_entries')
    .select(['ts', 'content_hash'])
    .where(tx.helpers.oneOf('ts', times))
    .where('content_hash', 'is not', null)
    .execute();
  for (const row of found) seen.add(keyOf(Number(row.ts), row.content_hash!));
  return keys.map(({ ts, hash }) => {
    const key = keyOf(ts, hash);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
