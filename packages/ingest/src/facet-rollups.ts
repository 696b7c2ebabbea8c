import { FACET_ROLLUP_FIELDS, type Database, type FacetRollupField, type Schema, type WriteContext } from '@panoptes/db-core';
import { sql, type ExpressionBuilder, type OnConflictBuilder } from 'kysely';
import type { NormalisedEntry } from './entry.js';
import { slices } from './slices.js';

export const HOUR_MS = 3_600_000;

/** The log_entries column behind each rolled-up facet field. */
export const FACET_ROLLUP_COLUMNS = {
  host: 'host_domain',
  path: 'path',
  status: 'status',
  waf_rule: 'waf_rule_id',
  method: 'method',
  user_agent: 'user_agent',
} as const satisfies Record<FacetRollupField, keyof NormalisedEntry>;

/** Flush when this many rows are pending, or when the oldest pending row waited `FLUSH_MS`. */
const FLUSH_ROWS = 8_192;
const FLUSH_MS = 5_000;
/**
 * Fields with few values an hour, counted in memory as batches commit (a Map update per row beats
 * a GROUP BY's sort, about 10 ms per field per 16k rows). Paths are grouped by the database at
 * flush time: upserting their thousands of counts from here cost more than grouping the rows there
 * (3.5 s against 2.0 s of flushes per 300k bench lines).
 */
const IN_MEMORY = ['host', 'status', 'waf_rule', 'method', 'user_agent'] as const satisfies readonly FacetRollupField[];
/** The stored rows' fingerprint besides their count (a plain sum of ts would overflow a double). */
const TS_MODULUS = 65_521;

/** One project's hour: per field of IN_MEMORY, value -> entries. */
interface HourCounts {
  readonly projectUuid: string;
  readonly hour: number;
  readonly fields: readonly Map<string | number, number>[];
}

interface Pending {
  rows: number;
  since: number;
  fingerprint: number;
  /**
   * `project \0 hour` -> its counts. Nested maps, not one key per value: building a string key per
   * field and row cost the event loop 4% of a 1M-line ingest.
   */
  readonly counts: Map<string, HourCounts>;
}

/** What a database's writer stored since its last flush. */
const pendingByDb = new WeakMap<Database, Pending>();

/** The hour an epoch-millisecond time falls in (the SQL is the same: `ts - ts % 3600000`). */
export function hourOf(ts: number): number {
  return ts - (ts % HOUR_MS);
}

/** Each database's flush running in its own transaction (Postgres), while batches go on. */
const flushingByDb = new WeakMap<Database, Promise<void>>();

/** A flush to start once the batch that took it committed; resolves when the flush committed. */
export type DeferredFlush = () => Promise<void>;

/** Settles once the database's flush running in its own transaction (if any) has committed or failed. */
export async function facetFlushSettled(db: Database): Promise<void> {
  await flushingByDb.get(db)?.catch(() => {});
}

/**
 * Counts a batch's new rows for the facet rollup; true when a flush is due (`flushDueFacetRollups`,
 * every few seconds or 8k rows), which brings log_facet_rollups_hour up to date, moving the
 * watermark (the highest log_entries id covered) with it. Low-cardinality fields come from memory
 * when the rows between the old watermark and the new one are exactly the rows counted (same count
 * and ts fingerprint); otherwise (another process, an audit entry, a batch rolled back, a restart)
 * every field is grouped from the stored rows. Either way nothing is lost or counted twice. The
 * record writer counts while the writer thread inserts the rows (a batch's counting held the
 * transaction about half a millisecond after its inserts).
 */
export function countFacetRollups(db: Database, stored: readonly { readonly projectUuid: string; readonly entry: NormalisedEntry }[], now: number): boolean {
  let pending = pendingByDb.get(db);
  if (pending === undefined) {
    pending = { rows: 0, since: now, fingerprint: 0, counts: new Map() };
    pendingByDb.set(db, pending);
  }
  if (pending.rows === 0) pending.since = now;
  let current: HourCounts | undefined;
  for (const { projectUuid, entry } of stored) {
    const hour = hourOf(entry.ts);
    if (current === undefined || current.hour !== hour || current.projectUuid !== projectUuid) current = hourCounts(pending.counts, projectUuid, hour);
    for (let f = 0; f < IN_MEMORY.length; f++) {
      const value = entry[FACET_ROLLUP_COLUMNS[IN_MEMORY[f]!]];
      if (value === null || value === undefined) continue;
      const values = current.fields[f]!;
      values.set(value, (values.get(value) ?? 0) + 1);
    }
    pending.fingerprint = (pending.fingerprint + (entry.ts % TS_MODULUS)) % TS_MODULUS;
  }
  pending.rows += stored.length;
  return pending.rows >= FLUSH_ROWS || (pending.rows > 0 && now - pending.since >= FLUSH_MS);
}

/**
 * The flush `countFacetRollups` said is due, once the batch's rows are in `tx`. SQLite's one
 * writer flushes inside the batch's transaction. Postgres takes writers side by side: there the
 * flush is returned, to start once the batch committed, in its own transaction on another
 * connection, while the next batches go in (grouping and upserting a flush's paths held each eighth
 * batch's transaction 70-130 ms, and the ingest with it). It covers the rows up to the batch's
 * highest id, read in the batch's transaction: with one writer's batches committing in order, every
 * row up to it is committed when the flush reads. (A row that another process's transaction
 * inserts with a lower id but commits after a flush would be missed: the server's writer and an
 * import running at the same time should not both flush.)
 */
export async function flushDueFacetRollups(db: Database, tx: WriteContext): Promise<DeferredFlush | undefined> {
  if (tx.capabilities.singleWriter) {
    await flushFacetRollups(db, tx);
    return undefined;
  }
  // The previous flush still runs: these rows wait for the next batch's turn.
  if (flushingByDb.has(db)) return undefined;
  const top = await highestId(tx);
  if (top === null) return undefined;
  const taken = pendingByDb.get(db);
  pendingByDb.delete(db);
  return () => {
    const flushing = db.write((flushTx) => flushThrough(flushTx, taken, top)).finally(() => flushingByDb.delete(db));
    flushingByDb.set(db, flushing);
    return flushing;
  };
}

function hourCounts(counts: Map<string, HourCounts>, projectUuid: string, hour: number): HourCounts {
  const key = `${projectUuid}\0${hour}`;
  let found = counts.get(key);
  if (found === undefined) {
    found = { projectUuid, hour, fields: IN_MEMORY.map(() => new Map()) };
    counts.set(key, found);
  }
  return found;
}

async function highestId(tx: WriteContext): Promise<number | null> {
  const row = await tx.db.selectFrom('log_entries').select((eb) => eb.fn.max('id').as('top')).executeTakeFirst();
  return row?.top == null ? null : Number(row.top);
}

/** Adds the log_entries rows above the watermark to the facet rollup inside `tx` and moves the watermark. */
export async function flushFacetRollups(db: Database, tx: WriteContext): Promise<void> {
  const pending = pendingByDb.get(db);
  pendingByDb.delete(db);
  const top = await highestId(tx);
  if (top !== null) await flushThrough(tx, pending, top);
}

/** Adds the rows with ids above the watermark up to `top`, `pending` being their counts if they are the rows it counted. */
async function flushThrough(tx: WriteContext, pending: Pending | undefined, top: number): Promise<void> {
  // Postgres: a second flush (a test's, an import's) waits here for the first to commit, then reads its watermark.
  const watermark = tx.db.selectFrom('log_facet_rollup_watermark').select('covered_id').where('id', '=', 1);
  const covered = await (tx.capabilities.singleWriter ? watermark : watermark.forUpdate()).executeTakeFirst();
  const from = Number(covered?.covered_id ?? 0);
  if (top <= from) return;
  const above = await tx.db
    .selectFrom('log_entries')
    .select((eb) => [eb.fn.countAll().as('rows'), eb.fn.sum(sql<number>`ts % ${sql.lit(TS_MODULUS)}`).as('fingerprint')])
    .where('id', '>', from)
    .where('id', '<=', top)
    .executeTakeFirstOrThrow();
  const counted = pending !== undefined && Number(above.rows) === pending.rows && Number(above.fingerprint ?? 0) % TS_MODULUS === pending.fingerprint;
  if (counted) await upsertCounted(tx, pending.counts);
  await recount(tx, from, top, counted ? ['path'] : FACET_ROLLUP_FIELDS);
  await tx.db
    .insertInto('log_facet_rollup_watermark')
    .values({ id: 1, covered_id: top })
    .onConflict((oc) => oc.column('id').doUpdateSet({ covered_id: top }))
    .execute();
}

/** On an hour and value already counted: add the new entries to its count. */
function addEntries(oc: OnConflictBuilder<Schema, 'log_facet_rollups_hour'>) {
  return oc.columns(['project_uuid', 'field', 'bucket_start', 'value']).doUpdateSet((eb) => ({ entries: eb('log_facet_rollups_hour.entries', '+', eb.ref('excluded.entries')) }));
}

async function upsertCounted(tx: WriteContext, counts: ReadonlyMap<string, HourCounts>): Promise<void> {
  const rows = [...counts.values()].flatMap(({ projectUuid, hour, fields }) =>
    fields.flatMap((values, f) => [...values].map(([value, entries]) => ({ project_uuid: projectUuid, field: IN_MEMORY[f]!, value: String(value), bucket_start: hour, entries }))),
  );
  for (const slice of slices(rows)) {
    await tx.db
      .insertInto('log_facet_rollups_hour')
      .values(slice)
      .onConflict(addEntries)
      .execute();
  }
}

/** Adds the rows with ids in (from, to], grouped per project, field, value and hour. */
async function recount(tx: WriteContext, from: number, to: number, fields: readonly FacetRollupField[]): Promise<void> {
  for (const field of fields) {
    const column = FACET_ROLLUP_COLUMNS[field];
    const hour = sql<number>`ts - ts % ${sql.lit(HOUR_MS)}`;
    await tx.db
      .insertInto('log_facet_rollups_hour')
      .columns(['project_uuid', 'field', 'value', 'bucket_start', 'entries'])
      .expression((eb) =>
        eb
          .selectFrom('log_entries')
          .select([
            'project_uuid',
            sql.lit(field).as('field'),
            sql<string>`CAST(${sql.ref(column)} AS TEXT)`.as('value'),
            hour.as('bucket_start'),
            eb.fn.countAll().as('entries'),
          ])
          .where('id', '>', from)
          .where('id', '<=', to)
          .where(column, 'is not', null)
          .groupBy(['project_uuid', sql.ref(column), hour]),
      )
      .onConflict(addEntries)
      .execute();
  }
}

/** Rollup rows deleted per write unit: an hour of paths (15,000 rows in the bench's data) held a steady writer up 26-53 ms in one. */
const PRUNE_CHUNK_ROWS = 2_000;

/**
 * Deletes the facet rollup's hours before the oldest log entry kept at or after `cutoff` (the age
 * limit): facets describe stored rows, so the rollup is kept as long as the rows (by age and by
 * the row cap), not as long as the per-minute series. The oldest hour of one project's field at a
 * time, at most `PRUNE_CHUNK_ROWS` of its rows per write unit. Returns the rows deleted.
 */
export async function pruneFacetRollups(db: Database, cutoff: number): Promise<number> {
  const oldest = await db.read.selectFrom('log_entries').select((eb) => eb.fn.min('ts').as('ts')).where('ts', '>=', cutoff).executeTakeFirst();
  const keepFrom = hourOf(oldest?.ts == null ? cutoff : Number(oldest.ts));
  const projects = await db.read.selectFrom('projects').select('uuid').execute();
  let deleted = 0;
  for (const { uuid } of projects) {
    for (const field of FACET_ROLLUP_FIELDS) {
      for (;;) {
        const first = await db.read
          .selectFrom('log_facet_rollups_hour')
          .select((eb) => eb.fn.min('bucket_start').as('b'))
          .where('project_uuid', '=', uuid)
          .where('field', '=', field)
          .executeTakeFirst();
        if (first?.b == null || Number(first.b) >= keepFrom) break;
        const hour = (eb: ExpressionBuilder<Schema, 'log_facet_rollups_hour'>) => eb.and({ project_uuid: uuid, field, bucket_start: Number(first.b) });
        const chunk = await db.write(async (tx) => {
          const values = tx.db.selectFrom('log_facet_rollups_hour').select('value').where(hour).orderBy('value').limit(PRUNE_CHUNK_ROWS);
          const result = await tx.db.deleteFrom('log_facet_rollups_hour').where(hour).where('value', 'in', values).executeTakeFirst();
          return Number(result.numDeletedRows);
        });
        deleted += chunk;
        // Another run pruned it meanwhile: this one stops here.
        if (chunk === 0) break;
      }
    }
  }
  return deleted;
}
