import { DEFAULT_PROJECT_UUID, type Database } from '@panoptes/db-core';
import { describeEachDialect, rejectionOf } from '@panoptes/db-core/testing';
import { openMigrated } from '@panoptes/migrations/testing';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { contentHash, parseModSecurityAudit, RecordWriter, SourceRewindError, type BatchSummary, type WriteItem } from '../src/index.js';
import { caddyLines, countRows, entryItem, sampleLines } from './fixtures/lines.js';

const T = 1_800_000_000_000;

describeEachDialect('the RecordWriter', (fixture) => {
  it('resolves a write once its row is committed, and stores a repeated line once', async () => {
    const db = await openMigrated(fixture);
    const writer = new RecordWriter(db);
    const [line] = caddyLines(1);
    expect(await writer.write(entryItem(line!))).toBe('inserted');
    expect(await countRows(db)).toBe(1);
    expect(await writer.write(entryItem(line!))).toBe('duplicate');
    expect(await countRows(db)).toBe(1);
    await writer.close();
  });

  it('commits batches of at most batchSize, and a lone item after the flush interval', async () => {
    const db = await openMigrated(fixture);
    const sizes: number[] = [];
    const writer = new RecordWriter(db, { batchSize: 10, maxBatchSize: 10, flushIntervalMs: 30, onBatch: (s) => sizes.push(s.items) });
    const lines = caddyLines(25);
    const waits = [];
    for (const line of lines) waits.push((await writer.submit(entryItem(line))).committed);
    await Promise.all(waits);
    expect(sizes).toEqual([10, 10, 5]);
    expect(await writer.write(entryItem(caddyLines(1, T)[0]!))).toBe('inserted');
    expect(sizes).toEqual([10, 10, 5, 1]);
    await writer.close();
  });

  it('drains a deep queue in transactions of up to maxBatchSize, a shallow one in batchSize', async () => {
    const db = await openMigrated(fixture);
    const sizes: number[] = [];
    const writer = new RecordWriter(db, { batchSize: 10, maxBatchSize: 100, flushIntervalMs: 30, onBatch: (s) => sizes.push(s.items) });
    const burst = caddyLines(250);
    await Promise.all(await Promise.all(burst.map(async (l) => (await writer.submit(entryItem(l))).committed)));
    expect(Math.max(...sizes)).toBe(100);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(250);
    sizes.length = 0;
    expect(await writer.write(entryItem(caddyLines(1, T)[0]!))).toBe('inserted');
    expect(sizes).toEqual([1]);
    await writer.close();
  });

  it('lets what is queued go out at once on flushSoon, and tells a CommitSink what became of each item', async () => {
    const db = await openMigrated(fixture);
    const sizes: number[] = [];
    // An interval no test waits for: only flushSoon can send the three items before the batch fills.
    const writer = new RecordWriter(db, { batchSize: 1000, flushIntervalMs: 600_000, onBatch: (s) => sizes.push(s.items) });
    const [a, b] = caddyLines(2);
    const seen: string[] = [];
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const sink = {
      committed: (outcome: string, item: WriteItem) => {
        seen.push(`${outcome}:${item.kind === 'entry' ? item.entry.raw : '-'}`);
        if (seen.length === 3) settle();
      },
      failed: (error: unknown) => seen.push(`failed:${String(error)}`),
    };
    for (const item of [entryItem(a!), entryItem(b!), entryItem(a!)]) expect(writer.offerTo(item, sink)).toBe(true);
    writer.flushSoon();
    await settled;
    expect(seen).toEqual([`inserted:${a}`, `inserted:${b}`, `duplicate:${a}`]);
    expect(sizes).toEqual([3]);
    await writer.close();
  });

  it('keeps the order of submission', async () => {
    const db = await openMigrated(fixture);
    const writer = new RecordWriter(db, { batchSize: 7 });
    const lines = caddyLines(50, T, 1000).reverse();
    await Promise.all(await Promise.all(lines.map(async (l) => (await writer.submit(entryItem(l))).committed)));
    const rows = await db.read.selectFrom('log_entries').select('ts').orderBy('id').execute();
    expect(rows.map((r) => r.ts)).toEqual([...rows.map((r) => r.ts)].sort((a, b) => b - a));
    await writer.close();
  });

  it('makes producers wait when the queue is full: a slow database does not grow memory', async () => {
    const db = await openMigrated(fixture);
    const slow: Database = { ...db, write: async (unit) => (await new Promise((r) => setTimeout(r, 15)), db.write(unit)) };
    const writer = new RecordWriter(slow, { queueSize: 40, batchSize: 10, maxBatchSize: 10, flushIntervalMs: 5 });
    let submitted = 0;
    let deepest = 0;
    const producer = (async () => {
      for (const line of caddyLines(300)) {
        await writer.submit(entryItem(line));
        submitted += 1;
        deepest = Math.max(deepest, writer.depth);
      }
    })();
    await new Promise((r) => setTimeout(r, 60));
    expect(submitted).toBeLessThan(300); // blocked behind the slow database, not buffering everything
    await producer;
    await writer.drain();
    expect(deepest).toBeLessThanOrEqual(40 + 2 * 10); // the queue, the batch committing and the one prepared behind it
    expect(await countRows(db)).toBe(300);
    await writer.close();
  });

  it('drains everything queued on shutdown without waiting for the interval', async () => {
    const db = await openMigrated(fixture);
    const writer = new RecordWriter(db, { batchSize: 1000, flushIntervalMs: 60_000 });
    const waits = [];
    for (const line of caddyLines(30)) waits.push((await writer.submit(entryItem(line))).committed);
    const started = Date.now();
    await writer.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await Promise.all(waits)).toEqual(Array(30).fill('inserted'));
    await expect(writer.submit(entryItem(caddyLines(1, T)[0]!))).rejects.toMatchObject({ code: 'WRITER_CLOSED' });
  });

  it('keeps rejected lines, bounded to the newest', async () => {
    const db = await openMigrated(fixture);
    const writer = new RecordWriter(db, { rejectsCap: 5 });
    const reject = (n: number): WriteItem => ({
      kind: 'reject',
      projectUuid: DEFAULT_PROJECT_UUID,
      reject: { sourceId: null, sourceName: 'test', reason: `bad ${n}`, lineNumber: n, byteOffset: null, excerpt: `line ${n}` },
    });
    for (let n = 1; n <= 12; n += 1) expect(await writer.write(reject(n))).toBe('rejected');
    const kept = await db.read.selectFrom('ingest_rejects').select(['reason', 'line_number']).orderBy('id').execute();
    expect(kept.map((r) => r.line_number)).toEqual([8, 9, 10, 11, 12]);
    await writer.close();
  });

  it('keeps per-minute rollups equal to a GROUP BY over the stored rows, and resolves hosts', async () => {
    const db = await openMigrated(fixture);
    const hostId = await db.write(async (tx) => {
      const group = await tx.db.insertInto('target_groups').values({ name: 'g', created_at: T, updated_at: T }).returning('id').executeTakeFirstOrThrow();
      return (await tx.db.insertInto('hosts').values({ domain: 'app.example.test', target_group_id: group.id, created_at: T, updated_at: T }).returning('id').executeTakeFirstOrThrow()).id;
    });
    const summaries: BatchSummary[] = [];
    const writer = new RecordWriter(db, { batchSize: 50, onBatch: (s) => summaries.push(s) });
    const lines = caddyLines(2000, Date.UTC(2026, 10, 20, 10), 1500);
    const items = [
      ...lines.map((l) => entryItem(l)),
      ...lines.slice(0, 100).map((l) => entryItem(l)), // duplicates must not count twice
      ...sampleLines('modsec-audit.jsonl').map((line): WriteItem => {
        const outcome = parseModSecurityAudit(line);
        if (!outcome.ok) throw new Error(outcome.reason);
        return { kind: 'entry', projectUuid: DEFAULT_PROJECT_UUID, entry: outcome.entry, hash: contentHash(DEFAULT_PROJECT_UUID, 'modsec_audit', line) };
      }),
    ];
    await Promise.all(await Promise.all(items.map(async (item) => (await writer.submit(item)).committed)));
    expect(summaries.reduce((n, s) => n + s.inserted, 0)).toBe(2012);
    expect(summaries.reduce((n, s) => n + s.duplicates, 0)).toBe(100);

    const { rows: expected } = await sql<Record<string, number | string>>`
      SELECT ts - (ts % 60000) AS bucket_start, COALESCE(host_domain, '') AS host_domain,
             SUM(CASE WHEN source = 'caddy_access' THEN 1 ELSE 0 END) AS requests,
             SUM(CASE WHEN source = 'caddy_access' AND status BETWEEN 200 AND 299 THEN 1 ELSE 0 END) AS status_2xx,
             SUM(CASE WHEN source = 'caddy_access' AND status BETWEEN 400 AND 499 THEN 1 ELSE 0 END) AS status_4xx,
             SUM(CASE WHEN source = 'caddy_access' AND status BETWEEN 500 AND 599 THEN 1 ELSE 0 END) AS status_5xx,
             SUM(CASE WHEN source = 'caddy_access' THEN COALESCE(size_bytes, 0) ELSE 0 END) AS bytes_sent,
             SUM(CASE WHEN source = 'waf_audit' AND waf_blocked THEN 1 ELSE 0 END) AS waf_blocks
        FROM log_entries
       GROUP BY ts - (ts % 60000), COALESCE(host_domain, '')
       ORDER BY 1, 2`.execute(db.read);
    const rollups = await db.read
      .selectFrom('log_rollups_minute')
      .select(['bucket_start', 'host_domain', 'requests', 'status_2xx', 'status_4xx', 'status_5xx', 'bytes_sent', 'waf_blocks'])
      .orderBy('bucket_start')
      .orderBy('host_domain')
      .execute();
    const normalise = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && k !== 'host_domain' ? Number(v) : v])));
    expect(normalise(rollups)).toEqual(normalise(expected));
    expect(rollups.length).toBeGreaterThan(30);

    const hosts = await db.read.selectFrom('log_entries').select(['host_domain', 'host_id']).where('source', '=', 'waf_audit').execute();
    expect(hosts.filter((h) => h.host_domain === 'app.example.test').every((h) => h.host_id === hostId)).toBe(true);
    expect(hosts.filter((h) => h.host_domain !== 'app.example.test').every((h) => h.host_id === null)).toBe(true);
    await writer.close();
  });

  it('fails a batch as a whole and refuses the source\'s later lines until it rewinds', async () => {
    const db = await openMigrated(fixture);
    const writer = new RecordWriter(db);
    const progress = (offset: number) => ({ sourceId: 42, offset, device: '1', inode: '2', bytesBehind: 0 });
    const [a, b] = caddyLines(2);
    const broken: WriteItem = { ...entryItem(a!, '99999999-9999-9999-9999-999999999999'), progress: progress(10) } as WriteItem;
    const failure = await rejectionOf(writer.write(broken));
    expect(failure).toMatchObject({ kind: 'foreign_key' });
    const later = await rejectionOf(writer.write({ ...entryItem(b!), progress: progress(20) } as WriteItem));
    expect(later).toBeInstanceOf(SourceRewindError);
    writer.resetSource(42);
    expect(await writer.write({ ...entryItem(b!), progress: progress(20) } as WriteItem)).toBe('inserted');
    expect(await countRows(db)).toBe(1);
    await writer.close();
  });
});
