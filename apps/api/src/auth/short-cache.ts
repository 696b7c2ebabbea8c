const MAX_ENTRIES = 1000;

/**
 * A memo that forgets after `ttlMs`: for what every request reads and almost nothing changes (the
 * session limits, a project's access lists). Concurrent misses share one load; a failed load is
 * not kept. Changes made through this process's API clear it at once (see `authenticate`); a change
 * from elsewhere (the CLI) is seen within `ttlMs`.
 */
export class ShortCache<V> {
  readonly #entries = new Map<string, { readonly value: Promise<V>; readonly until: number }>();
  readonly #ttlMs: number;
  readonly #clock: () => number;

  constructor(ttlMs: number, clock: () => number) {
    this.#ttlMs = ttlMs;
    this.#clock = clock;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.#clock();
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.until > now && hit.until - this.#ttlMs <= now) return hit.value;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    const entry = { value: load(), until: now + this.#ttlMs };
    this.#entries.set(key, entry);
    entry.value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return entry.value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
