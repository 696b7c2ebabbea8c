import type { Database } from '@panoptes/db-core';

interface CachedProject {
  readonly loadedAt: number;
  readonly ids: ReadonlyMap<string, number>;
}

/**
 * Maps `host_domain` to the project's host id, caching each project's hosts. The API calls
 * `invalidate()` when hosts change; the TTL is a safety net for changes made elsewhere.
 */
export class HostResolver {
  readonly #db: Database;
  readonly #ttlMs: number;
  readonly #clock: () => number;
  readonly #cache = new Map<string, CachedProject>();

  constructor(db: Database, options: { readonly ttlMs?: number; readonly clock?: () => number } = {}) {
    this.#db = db;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#clock = options.clock ?? Date.now;
  }

  async hostId(projectUuid: string, domain: string | null): Promise<number | null> {
    if (domain === null) return null;
    let cached = this.#cache.get(projectUuid);
    if (cached === undefined || this.#clock() - cached.loadedAt > this.#ttlMs) {
      const rows = await this.#db.project(projectUuid).read.selectFrom('hosts').select(['id', 'domain']).execute();
      cached = { loadedAt: this.#clock(), ids: new Map(rows.map((r) => [r.domain.toLowerCase(), r.id])) };
      this.#cache.set(projectUuid, cached);
    }
    return cached.ids.get(domain) ?? null;
  }

  /** Forget one project's hosts (or every project's). */
  invalidate(projectUuid?: string): void {
    if (projectUuid === undefined) this.#cache.clear();
    else this.#cache.delete(projectUuid);
  }
}
