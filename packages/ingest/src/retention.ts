import { deleteInChunks, silentLogger, type Database, type Logger } from '@panoptes/db-core';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Schema } from '@panoptes/db-core';
import { pruneFacetRollups } from './facet-rollups.js';

const DAY_MS = 86_400_000;

export interface RetentionSettings {
  /** `logs.retention_days` (default 30). */
  readonly retentionDays: number;
  /** `logs.max_entries` (default 500,000). */
  readonly maxEntries: number;
  /** Per-minute rollups are kept longer than raw rows. Default 400 days. */
  readonly rollupRetentionDays?: number;
  /** ingest_rejects older than this go. Default 30 days. */
  readonly rejectsRetentionDays?: number;
}

export interface RetentionReport {
  deletedByAge: number;
  deletedByCap: number;
  /** Rows past the age limit kept because a finding pins them as evidence. */
  pinnedKept: number;
  rollupsDeleted: number;
  /** Hourly facet rollup rows of hours no kept log entry is in any more. */
  facetRollupsDeleted: number;
  rejectsDeleted: number;
  /** Compressed raw-line blocks no row points at any more, deleted whole. */
  rawBlocksDeleted: number;
  /** Database pages returned to the file system (SQLite). */
  pagesFreed: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { retentionDays: 30, maxEntries: 500_000 };

function notPinned(eb: ExpressionBuilder<Schema, 'log_entries'>): Expression<SqlBool> {
  return eb.not(eb.exists(eb.selectFrom('finding_evidence').select('finding_evidence.log_entry_id').whereRef('finding_evidence.log_entry_id', '=', 'log_entries.id')));
}

/**
 * Deletes log entries older than the retention period, then the oldest beyond the row cap, in small
 * chunks (each its own short write unit) and never a row pinned as finding evidence; prunes old
 * rollups and rejects; then returns freed pages a little at a time instead of a full VACUUM.
 */
export async function pruneLogs(
  db: Database,
  settings: RetentionSettings,
  options: { readonly now: number; readonly chunkSize?: number; readonly reclaimPages?: number; readonly logger?: Logger },
): Promise<RetentionReport> {
  const logger = options.logger ?? silentLogger;
  const chunkSize = options.chunkSize ?? 500;
  const cutoff = options.now - settings.retentionDays * DAY_MS;
  const deletedByAge = await deleteInChunks(db, { table: 'log_entries', where: (eb) => eb.and([eb('ts', '<', cutoff), notPinned(eb)]), orderBy: 'ts', chunkSize });
  const { total } = await db.read.selectFrom('log_entries').select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const excess = Number(total) - settings.maxEntries;
  const deletedByCap = excess > 0 ? await deleteInChunks(db, { table: 'log_entries', where: notPinned, orderBy: 'ts', chunkSize, limit: excess }) : 0;
  const { pinned } = await db.read
    .selectFrom('log_entries')
    .select((eb) => eb.fn.countAll<number>().as('pinned'))
    .where('ts', '<', cutoff)
    .executeTakeFirstOrThrow();
  const rollupCutoff = options.now - (settings.rollupRetentionDays ?? 400) * DAY_MS;
  const rollupsDeleted = await db.write(async (tx) => {
    const total = await tx.db.deleteFrom('log_rollups_minute_total').where('bucket_start', '<', rollupCutoff).executeTakeFirst();
    const perHost = await tx.db.deleteFrom('log_rollups_minute').where('bucket_start', '<', rollupCutoff).executeTakeFirst();
    return Number(total.numDeletedRows) + Number(perHost.numDeletedRows);
  });
  const facetRollupsDeleted = await pruneFacetRollups(db, cutoff);
  const rejectsCutoff = options.now - (settings.rejectsRetentionDays ?? 30) * DAY_MS;
  const rejectsDeleted = await deleteInChunks(db, { table: 'ingest_rejects', where: (eb) => eb('created_at', '<', rejectsCutoff), chunkSize });
  const rawBlocksDeleted = await deleteInChunks(db, {
    table: 'log_raw_blocks',
    where: (eb) => eb.not(eb.exists(eb.selectFrom('log_entries').select('log_entries.id').whereRef('log_entries.raw_block_id', '=', 'log_raw_blocks.id'))),
    chunkSize,
  });
  const pagesFreed = await db.reclaimSpace(options.reclaimPages ?? 5000);
  const report = { deletedByAge, deletedByCap, pinnedKept: Number(pinned), rollupsDeleted, facetRollupsDeleted, rejectsDeleted, rawBlocksDeleted, pagesFreed };
  logger.info(report, 'log retention done');
  return report;
}

/** Runs `pruneLogs` on an interval (started explicitly, never on import) and on demand. */
export class RetentionWorker {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<RetentionReport> | undefined;

  constructor(
    private readonly db: Database,
    private readonly settings: () => Promise<RetentionSettings> | RetentionSettings,
    private readonly options: { readonly clock?: () => number; readonly logger?: Logger } = {},
  ) {}

  start(intervalMs: number): void {
    this.stop();
    this.#timer = setInterval(() => {
      this.runNow().catch((error: unknown) => (this.options.logger ?? silentLogger).error({ error: (error as Error).message }, 'log retention failed'));
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One run now; a run already going is joined rather than doubled. */
  runNow(): Promise<RetentionReport> {
    this.#running ??= (async () => {
      try {
        return await pruneLogs(this.db, await this.settings(), { now: (this.options.clock ?? Date.now)(), ...(this.options.logger ? { logger: this.options.logger } : {}) });
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }
}
