import type { Database, FacetRollupField } from '@panoptes/db-core';
import { sql } from 'kysely';
import { FACET_ROLLUP_COLUMNS, HOUR_MS } from './facet-rollups.js';

export interface FacetCount {
  /** The value as text (status and WAF rule ids in decimal). */
  readonly value: string;
  readonly count: number;
}

/** Hours a window may span for the rollup path (one bind parameter each). */
const MAX_HOURS = 24 * 400;
/** Rollup rows with fewer entries stay out of the top-N index (log_facet_rollups_hour_top). */
const INDEXED_FROM = 8;
/** A flush moved the watermark while reading: read again, at most this often. */
const ATTEMPTS = 3;

/**
 * The `limit` most frequent values of `field` among a project's log entries with `from <= ts < to`,
 * with exact counts (ties by value), from the hourly facet rollup for the window's whole hours, the
 * partial edge hours (their rows, or their rollup hour less the rows outside the window) and the
 * rows above the rollup's watermark. Undefined when the window holds no whole hour (the caller's
 * GROUP BY is cheap there) or flushes kept racing the read.
 *
 * Top-N without summing every value of every hour (a path rollup keeps ~16k values an hour): only
 * values with at least `threshold` entries in some hour (or in the raw part) are candidates; their
 * totals are summed exactly, and any other value has at most (hours + 1) x (threshold - 1), so once
 * the limit-th candidate is above that bound the answer is exact. Otherwise the threshold drops.
 */
export async function topFacetValues(
  db: Database,
  projectUuid: string,
  field: FacetRollupField,
  window: { readonly from: number; readonly to: number },
  limit: number,
): Promise<FacetCount[] | undefined> {
  const inner = { first: Math.ceil(window.from / HOUR_MS) * HOUR_MS, end: Math.floor(window.to / HOUR_MS) * HOUR_MS };
  if (window.from < 0 || inner.end - inner.first < HOUR_MS || (inner.end - inner.first) / HOUR_MS > MAX_HOURS) return undefined;
  // A partial edge hour is read from its rows, or as its rollup hour less the rows outside the
  // window, whichever holds fewer rows: "the last 24 hours" ends in an hour with no rows after now.
  const rows = (a: number, b: number) => estimateRows(db, projectUuid, a, b);
  const startHour = inner.first - HOUR_MS;
  const subtractStart = window.from < inner.first && (await rows(startHour, window.from)) < (await rows(window.from, inner.first));
  const subtractEnd = inner.end < window.to && (await rows(window.to, inner.end + HOUR_MS)) < (await rows(inner.end, window.to));
  const plan: Plan = {
    first: subtractStart ? startHour : inner.first,
    end: subtractEnd ? inner.end + HOUR_MS : inner.end,
    add: [...(window.from < inner.first && !subtractStart ? [[window.from, inner.first] as const] : []), ...(inner.end < window.to && !subtractEnd ? [[inner.end, window.to] as const] : [])],
    subtract: [...(subtractStart ? [[startHour, window.from] as const] : []), ...(subtractEnd ? [[window.to, inner.end + HOUR_MS] as const] : [])],
  };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const before = await watermark(db);
    const result = await readTop(db, projectUuid, field, plan, before, limit);
    // The rollup and the rows above the watermark must come from the same side of a flush.
    if ((await watermark(db)) === before) return result;
  }
  return undefined;
}

/** Hours [first, end) come from the rollup; rows in `add` ranges are added, in `subtract` ranges taken off. */
interface Plan {
  readonly first: number;
  readonly end: number;
  readonly add: readonly (readonly [number, number])[];
  readonly subtract: readonly (readonly [number, number])[];
}

/** Roughly how many rows [a, b) holds, from the per-minute totals (requests and WAF blocks). */
async function estimateRows(db: Database, projectUuid: string, a: number, b: number): Promise<number> {
  if (a >= b) return 0;
  const row = await db
    .project(projectUuid)
    .read.selectFrom('log_rollups_minute_total')
    .select((eb) => eb.fn.sum<number>(sql`requests + waf_blocks`).as('n'))
    .where('bucket_start', '>=', a - (a % 60_000))
    .where('bucket_start', '<', b)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

async function watermark(db: Database): Promise<number> {
  const row = await db.read.selectFrom('log_facet_rollup_watermark').select('covered_id').where('id', '=', 1).executeTakeFirst();
  return Number(row?.covered_id ?? 0);
}

async function readTop(
  db: Database,
  projectUuid: string,
  field: FacetRollupField,
  plan: Plan,
  covered: number,
  limit: number,
): Promise<FacetCount[]> {
  const scoped = db.project(projectUuid).read;
  const hours = plan;
  const raw = await rawCounts(db, projectUuid, field, [...plan.add, { above: covered, first: plan.first, end: plan.end }]);
  const less = await rawCounts(db, projectUuid, field, plan.subtract);
  const buckets: number[] = [];
  for (let b = hours.first; b < hours.end; b += HOUR_MS) buckets.push(b);
  const rollup = scoped.selectFrom('log_facet_rollups_hour').where('field', '=', field);
  const totalsOf = async (values: readonly string[] | undefined): Promise<Map<string, number>> => {
    const totals = new Map<string, number>();
    const chunks = values === undefined ? [undefined] : Array.from({ length: Math.ceil(values.length / 500) }, (_, i) => values.slice(i * 500, i * 500 + 500));
    for (const chunk of chunks) {
      if (chunk?.length === 0) continue;
      const rows = await rollup
        .select((eb) => ['value', eb.fn.sum<number>('entries').as('n')])
        // Candidates over up to a week: one key lookup per hour and value; else the window's range.
        .$if(chunk !== undefined && buckets.length <= 168, (qb) => qb.where('bucket_start', 'in', buckets))
        .$if(chunk === undefined || buckets.length > 168, (qb) => qb.where('bucket_start', '>=', hours.first).where('bucket_start', '<', hours.end))
        .$if(chunk !== undefined, (qb) => qb.where('value', 'in', chunk!))
        .groupBy('value')
        .execute();
      for (const r of rows) totals.set(r.value, Number(r.n));
    }
    for (const v of values ?? raw.keys()) totals.set(v, (totals.get(v) ?? 0) + (raw.get(v) ?? 0));
    for (const [v, n] of less) if (totals.has(v)) totals.set(v, totals.get(v)! - n);
    return totals;
  };
  // Start at the biggest hourly count (as a power of two) and halve: each step reads more heads.
  const peak = await scoped
    .selectFrom('log_facet_rollups_hour')
    .select((eb) => eb.fn.max('entries').as('m'))
    .where('field', '=', field)
    .where('bucket_start', 'in', buckets)
    .where('entries', '>=', sql.lit(INDEXED_FROM))
    .executeTakeFirst();
  let highest = Number(peak?.m ?? 0);
  for (const n of raw.values()) highest = Math.max(highest, n);
  for (let threshold = 2 ** Math.floor(Math.log2(Math.max(INDEXED_FROM, highest))); ; threshold = Math.floor(threshold / 2)) {
    if (threshold < INDEXED_FROM) return ranked(await totalsOf(undefined), field, limit);
    const heads = await scoped
      .selectFrom('log_facet_rollups_hour')
      .select('value')
      .distinct()
      .where('field', '=', field)
      .where('bucket_start', 'in', buckets)
      // The index's own condition, spelled out so both planners see the partial index applies.
      .where('entries', '>=', sql.lit(INDEXED_FROM))
      .where('entries', '>=', threshold)
      .execute();
    const candidates = new Set(heads.map((h) => h.value));
    for (const [v, n] of raw) if (n >= threshold) candidates.add(v);
    if (candidates.size < limit) continue;
    const top = ranked(await totalsOf([...candidates]), field, limit);
    const bound = (buckets.length + 1) * (threshold - 1);
    if (top.length === limit && top[limit - 1]!.count > bound) return top;
  }
}

/** Counts per value of the rows in time ranges, or above the watermark within [first, end). */
async function rawCounts(
  db: Database,
  projectUuid: string,
  field: FacetRollupField,
  parts: readonly (readonly [number, number] | { readonly above: number; readonly first: number; readonly end: number })[],
): Promise<Map<string, number>> {
  const column = FACET_ROLLUP_COLUMNS[field];
  const base = db
    .project(projectUuid)
    .read.selectFrom('log_entries')
    .select((eb) => [eb.ref(column).as('value'), eb.fn.countAll<number>().as('n')])
    .where(column, 'is not', null)
    .groupBy(column);
  const counts = new Map<string, number>();
  for (const part of parts) {
    const query =
      'above' in part
        ? // `ts + 0`: read these few rows through the id range, not the time index over the whole window.
          base.where('id', '>', part.above).where(sql<number>`ts + 0`, '>=', part.first).where(sql<number>`ts + 0`, '<', part.end)
        : base.where('ts', '>=', part[0]).where('ts', '<', part[1]);
    for (const r of await query.execute()) {
      const value = String(r.value);
      counts.set(value, (counts.get(value) ?? 0) + Number(r.n));
    }
  }
  return counts;
}

function ranked(totals: ReadonlyMap<string, number>, field: FacetRollupField, limit: number): FacetCount[] {
  const numeric = field === 'status' || field === 'waf_rule';
  return [...totals]
    .filter(([, count]) => count > 0)
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (numeric ? Number(a.value) - Number(b.value) : a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, limit);
}
