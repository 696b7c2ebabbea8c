import { Router, type Response } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { candidateBlocks, candidateLines, newestAcrossBlocks, resolveRaw, topFacetValues, type BlockParts } from '@panoptes/ingest';
import type { AppContext } from '../context.js';
import { idParam, notFound, parseInput, route } from '../http.js';
import { projectOf } from '../auth/middleware.js';
import { decodeCursor, encodeCursor, ipSearch, logConditions, logFilters, type LogFilters } from './log-query.js';

const LIST_COLUMNS = [
  'id', 'ts', 'source', 'level', 'host_id', 'host_domain', 'remote_ip', 'client_ip', 'method', 'path', 'status', 'duration_ms', 'size_bytes',
  'user_agent', 'upstream', 'user_id', 'message', 'waf_rule_id', 'waf_rule_message', 'waf_severity', 'waf_anomaly_score', 'waf_transaction_id', 'waf_blocked',
] as const;

const search = logFilters.extend({ cursor: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(50) });
const FACET_COLUMNS = { host: 'host_domain', path: 'path', ip: 'remote_ip', status: 'status', waf_rule: 'waf_rule_id', user_agent: 'user_agent', method: 'method' } as const;
const facets = logFilters.extend({ field: z.enum(Object.keys(FACET_COLUMNS) as [keyof typeof FACET_COLUMNS]), limit: z.coerce.number().int().min(1).max(100).default(10) });
const seriesQuery = z.object({
  from: z.coerce.number().int(),
  to: z.coerce.number().int(),
  host: z.string().optional(),
  bucketSeconds: z.coerce.number().int().refine((b) => [60, 300, 900, 3600, 86_400].includes(b), 'one of 60, 300, 900, 3600, 86400').default(60),
});

/**
 * A time series answer's point: the bucket's start (ms), requests, by status class, bytes sent, WAF
 * blocks. Each name in the answer, with the column the bucket query gives it under (SQL aliases are
 * lower-case).
 */
const SERIES_COLUMNS = { t: 't', requests: 'requests', s2xx: 's2xx', s3xx: 's3xx', s4xx: 's4xx', s5xx: 's5xx', bytes: 'bytes', wafBlocks: 'waf_blocks' } as const;
const SERIES_COLUMNS_JSON = JSON.stringify(Object.keys(SERIES_COLUMNS));

export function logRoutes(ctx: AppContext): Router {
  const router = Router();
  const entryJson = ctx.db.helpers.jsonObject(LIST_COLUMNS).as('entry');
  const seriesPoints = ctx.db.helpers.jsonRows(Object.values(SERIES_COLUMNS), SERIES_COLUMNS.t);

  /**
   * Each entry as its JSON text, built by the database, with the (ts, id) that orders the pages;
   * `blocks`: only rows outside blocks (null), or these parts of blocks.
   */
  const rows = (projectUuid: string, filters: LogFilters, limit: number, cursor?: { ts: number; id: number }, blocks?: BlockParts | null) =>
    ctx.db
      .project(projectUuid)
      .read.selectFrom('log_entries')
      .select(['id', 'ts', entryJson])
      .where((eb) => eb.and([...logConditions(eb, filters, ctx.db.helpers), ...(cursor ? [eb.or([eb('ts', '<', cursor.ts), eb.and([eb('ts', '=', cursor.ts), eb('id', '<', cursor.id)])])] : [])]))
      .$if(blocks === null, (qb) => qb.where('raw_block_id', 'is', null))
      .$if(blocks != null, (qb) =>
        qb.where((eb) =>
          eb.or([
            ...(blocks!.whole.length > 0 ? [eb('raw_block_id', 'in', blocks!.whole)] : []),
            ...blocks!.ranges.map((r) => eb.and([eb('raw_block_id', '=', r.blockId), eb('raw_block_line', '>=', r.from), eb('raw_block_line', '<', r.to)])),
          ]),
        ),
      )
      .orderBy('ts', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();

  /**
   * A page of a search, newest first. An address search has no per-row index (it made ingest three
   * times slower): it opens the raw-line blocks whose address filter may hold it, and there only the
   * segments whose filter may hold it (ingest's block filters), plus the rows kept outside blocks.
   */
  const page = async (projectUuid: string, filters: LogFilters, limit: number, cursor?: { ts: number; id: number }) => {
    const ip = ipSearch(filters);
    if (ip === undefined) return rows(projectUuid, filters, limit, cursor);
    const to = cursor === undefined ? filters.to : Math.min(filters.to ?? Infinity, cursor.ts + 1);
    const candidates = candidateBlocks(ctx.db, ip.key, { ...(filters.from === undefined ? {} : { from: filters.from }), ...(to === undefined ? {} : { to }) });
    return newestAcrossBlocks(
      candidates,
      limit,
      (blockIds) => candidateLines(ctx.db, ip.key, blockIds),
      (parts, n) => rows(projectUuid, filters, n, cursor, parts),
    );
  };

  /** Newest first, keyset-paginated: a page stays stable while new rows arrive. */
  router.get('/', route(async (req, res) => {
    const q = parseInput(search, req.query, 'query');
    const rows = await page(projectOf(req), q, q.limit + 1, q.cursor ? decodeCursor(q.cursor) : undefined);
    const entries = rows.slice(0, q.limit);
    const last = entries.at(-1);
    const nextCursor = rows.length > q.limit && last ? encodeCursor(last.ts, last.id) : null;
    res.type('json').send(`{"entries":[${entries.map((r) => r.entry).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`);
  }));

  /**
   * The most frequent values of a field, ties by value. A time window alone (the common case) is
   * answered from the hourly facet rollup plus the raw rows of its edges, with the same counts;
   * any other filter, and client IPs, group the window's rows.
   */
  router.get('/facets', route(async (req, res) => {
    const q = parseInput(facets, req.query, 'query');
    const column = FACET_COLUMNS[q.field];
    const field = q.field;
    const onlyWindow = Object.entries(q).every(([k, v]) => v === undefined || k === 'field' || k === 'limit' || k === 'from' || k === 'to');
    const rolled =
      onlyWindow && field !== 'ip' && q.from !== undefined && q.to !== undefined
        ? await topFacetValues(ctx.db, projectOf(req), field, { from: q.from, to: q.to }, q.limit)
        : undefined;
    if (rolled !== undefined) {
      const numeric = field === 'status' || field === 'waf_rule';
      res.json({ field, values: rolled.map((r) => ({ value: numeric ? Number(r.value) : r.value, count: r.count })) });
      return;
    }
    const rows = await ctx.db
      .project(projectOf(req))
      .read.selectFrom('log_entries')
      .select((eb) => [eb.ref(column).as('value'), eb.fn.countAll<number>().as('count')])
      .where((eb) => eb.and([...logConditions(eb, q, ctx.db.helpers), eb(column, 'is not', null)]))
      .groupBy(column)
      .orderBy('count', 'desc')
      .orderBy(column)
      .limit(q.limit)
      .execute();
    res.json({ field, values: rows.map((r) => ({ value: r.value, count: Number(r.count) })) });
  }));

  /**
   * Requests, status classes, bytes and WAF blocks per bucket, from the per-minute rollups: per host
   * when a host is asked for, else from the rows already summed over hosts (24x fewer rows). Each
   * point is the array of the values `columns` names, oldest bucket first, built as JSON text by the
   * database: a day per minute is 1,200 points, 126 KB as objects made here, 48 KB so.
   */
  router.get('/timeseries', route(async (req, res) => {
    const q = parseInput(seriesQuery, req.query, 'query');
    const size = q.bucketSeconds * 1000;
    const project = ctx.db.project(projectOf(req));
    const buckets =
      q.host === undefined && q.bucketSeconds === 60
        ? // The all-hosts rows are per minute already: nothing to sum.
          project.read
            .selectFrom('log_rollups_minute_total')
            .select(['bucket_start as t', 'requests', 'status_2xx as s2xx', 'status_3xx as s3xx', 'status_4xx as s4xx', 'status_5xx as s5xx', 'bytes_sent as bytes', 'waf_blocks'])
            .where('bucket_start', '>=', q.from)
            .where('bucket_start', '<', q.to)
        : project.read
            .selectFrom(q.host === undefined ? 'log_rollups_minute_total' : 'log_rollups_minute')
            .select((eb) => [
              // A literal from a fixed list, so SELECT and GROUP BY are the same expression on Postgres.
              sql<number>`bucket_start - bucket_start % ${sql.lit(size)}`.as('t'),
              eb.fn.sum<number>('requests').as('requests'),
              eb.fn.sum<number>('status_2xx').as('s2xx'),
              eb.fn.sum<number>('status_3xx').as('s3xx'),
              eb.fn.sum<number>('status_4xx').as('s4xx'),
              eb.fn.sum<number>('status_5xx').as('s5xx'),
              eb.fn.sum<number>('bytes_sent').as('bytes'),
              eb.fn.sum<number>('waf_blocks').as('waf_blocks'),
            ])
            .where('bucket_start', '>=', q.from)
            .where('bucket_start', '<', q.to)
            .$if(q.host !== undefined, (qb) => qb.where(sql.ref('host_domain'), '=', q.host!.toLowerCase()))
            .groupBy(sql`bucket_start - bucket_start % ${sql.lit(size)}`);
    const { points } = await project.read.selectFrom(buckets.as('b')).select(seriesPoints.as('points')).executeTakeFirstOrThrow();
    res.type('json').send(`{"bucketSeconds":${q.bucketSeconds},"columns":${SERIES_COLUMNS_JSON},"points":${points}}`);
  }));

  /** The whole search as CSV or NDJSON, streamed page by page. */
  router.get('/export', route(async (req, res) => {
    const q = parseInput(logFilters.extend({ format: z.enum(['csv', 'ndjson']).default('ndjson') }), req.query, 'query');
    res.setHeader('content-type', q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    res.setHeader('content-disposition', `attachment; filename="panoptes-logs.${q.format === 'csv' ? 'csv' : 'ndjson'}"`);
    if (q.format === 'csv') await write(res, `${LIST_COLUMNS.join(',')}\n`);
    let cursor: { ts: number; id: number } | undefined;
    for (;;) {
      const rows = await page(projectOf(req), q, 1000, cursor);
      for (const { entry } of rows) {
        if (q.format === 'ndjson') await write(res, `${entry}\n`);
        else {
          const row = JSON.parse(entry) as Record<string, unknown>;
          await write(res, `${LIST_COLUMNS.map((c) => csvCell(row[c])).join(',')}\n`);
        }
      }
      if (rows.length < 1000) break;
      const last = rows.at(-1)!;
      cursor = { ts: last.ts, id: last.id };
    }
    res.end();
  }));

  router.get('/:id', route(async (req, res) => {
    const id = idParam(req);
    const found = await ctx.db
      .project(projectOf(req))
      .read.selectFrom('log_entries')
      .select([...LIST_COLUMNS, 'raw', 'raw_block_id', 'raw_block_line'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (found === undefined) throw notFound(`log entry ${id}`);
    // The raw line may live in a compressed block (ingest's raw storage): inflate it back exactly.
    const [row] = await resolveRaw(ctx.db, [found]);
    res.json({ entry: row });
  }));

  return router;
}

/** A CSV cell, quoted; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

function write(res: Response, chunk: string): Promise<void> {
  return new Promise((resolve) => (res.write(chunk) ? resolve() : res.once('drain', () => resolve())));
}
