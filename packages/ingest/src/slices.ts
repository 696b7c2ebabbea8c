/** Rows or ids per statement: well under every dialect's parameter limit for our widest rows. */
export const STATEMENT_SLICE = 500;

/** Consecutive slices of at most `size` items (none for an empty list). */
export function* slices<T>(items: readonly T[], size = STATEMENT_SLICE): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
