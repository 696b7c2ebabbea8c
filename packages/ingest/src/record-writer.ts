import { ConstraintViolationError, PanoptesError, silentLogger, type Database, type Logger, type WriteContext } from '@panoptes/db-core';
import type { NormalisedEntry } from './entry.js';
import { HostResolver } from './host-resolver.js';
import { buildBlockFilters, insertBlockFilter } from './block-filters.js';
import { unseenEntries } from './dedup.js';
import { blockable, insertBlock, packBlock } from './raw-blocks.js';
import { countFacetRollups, facetFlushSettled, flushDueFacetRollups, type DeferredFlush } from './facet-rollups.js';
import { applyRollups, rollupDeltas } from './rollups.js';

/** Where a source stands after a line: committed with the rows the line produced. */
export interface SourceProgress {
  readonly sourceId: number;
  /** Byte offset just after the line. */
  readonly offset: number;
  readonly device: string;
  readonly inode: string;
  /** File size minus `offset` when the line was read. */
  readonly bytesBehind: number;
}

export interface RejectRecord {
  readonly sourceId: number | null;
  readonly sourceName: string;
  readonly reason: string;
  readonly lineNumber: number | null;
  readonly byteOffset: number | null;
  readonly excerpt: string;
}

/**
 * An entry, a rejected line, or a tailed file's progress past a blank line. `progress` moves a
 * tailed file's position and counters; `countedIn` names a source without a position (HTTP) whose
 * counters the line adds to. Either commits with the line. `rawBytes`, when the producer read the
 * line as bytes, is `entry.raw` in UTF-8 (a view of the read): its raw-line block copies them
 * instead of encoding the line again.
 */
export type WriteItem =
  | { readonly kind: 'entry'; readonly projectUuid: string; readonly entry: NormalisedEntry; readonly hash: Buffer; readonly rawBytes?: Buffer; readonly progress?: SourceProgress; readonly countedIn?: number }
  | { readonly kind: 'reject'; readonly projectUuid: string; readonly reject: RejectRecord; readonly progress?: SourceProgress; readonly countedIn?: number }
  | { readonly kind: 'progress'; readonly progress: SourceProgress };

/** What became of an item once its batch committed. */
export type WriteOutcome = 'inserted' | 'duplicate' | 'rejected' | 'progressed';

export interface BatchSummary {
  readonly items: number;
  readonly inserted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** The new entries, for detectors and notifications that look at each committed batch. */
  readonly entries: readonly { readonly projectUuid: string; readonly entry: NormalisedEntry; readonly hostId: number | null }[];
}

export interface RecordWriterOptions {
  /** Items waiting at most; producers wait beyond it (plus the two batches in flight). Default 4096. */
  readonly queueSize?: number;
  /** Items per transaction when the queue is shallow (low latency). Default 128. */
  readonly batchSize?: number;
  /**
   * Items per transaction at most when more than `batchSize` are waiting: a deep queue is drained in
   * bigger transactions, which amortise commit and index work. Default 2048 (at least `batchSize`).
   */
  readonly maxBatchSize?: number;
  /** How long the first item of a batch waits for company. Default 25 ms. */
  readonly flushIntervalMs?: number;
  /** Rows kept in ingest_rejects at most (oldest go first). Default 10,000. */
  readonly rejectsCap?: number;
  /**
   * Store each batch's raw lines compressed together in log_raw_blocks instead of inline in
   * log_entries.raw (about 5x less disk). Default true; readers use `resolveRaw`.
   */
  readonly rawBlocks?: boolean;
  readonly hosts?: HostResolver;
  readonly logger?: Logger;
  readonly clock?: () => number;
  /** Called after every committed batch. */
  readonly onBatch?: (summary: BatchSummary) => void;
}

/**
 * The settings of a long-running writer (the server, `panoptes ingest`): up to 1024 items a
 * transaction, and at most 1024 waiting. A deeper queue added nothing but memory: every queued item
 * outlives the young generation and is collected from the old one, so V8 grew the heap with the
 * queue (1M lines here: 8192 waiting peaked at 402 MB RSS, 1024 at about 305 MB, both in the same
 * 41-49 s).
 */
export const LONG_RUNNING_WRITER: RecordWriterOptions = { batchSize: 1024, queueSize: 1024 };

/** A source's earlier batch failed: its producer must rewind to the committed offset first. */
export class SourceRewindError extends PanoptesError {
  constructor(sourceId: number) {
    super('SOURCE_REWIND', `an earlier batch of ingest source ${sourceId} failed: rewind to its committed offset`, { retryable: true, context: { sourceId } });
  }
}

/**
 * Told what became of each item once its batch committed or failed. A producer that queues many
 * items (a tailer) passes one sink for all of them: a promise per line, with its reactions, cost
 * the event loop about ten objects a line that lived until the commit.
 */
export interface CommitSink {
  committed(outcome: WriteOutcome, item: WriteItem): void;
  failed(error: unknown, item: WriteItem): void;
}

interface Pending {
  readonly item: WriteItem;
  readonly sink: CommitSink;
}

/** A sink that settles one promise. */
function promiseSink(): { readonly sink: CommitSink; readonly promise: Promise<WriteOutcome> } {
  let sink!: CommitSink;
  const promise = new Promise<WriteOutcome>((resolve, reject) => (sink = { committed: resolve, failed: reject }));
  return { sink, promise };
}

const ENTRY_COLUMNS = [
  'project_uuid', 'ts', 'source', 'level', 'host_id', 'host_domain', 'remote_ip', 'client_ip', 'method', 'path', 'status', 'duration_ms',
  'size_bytes', 'bytes_read', 'user_agent', 'upstream', 'user_id', 'message', 'raw', 'waf_rule_id', 'waf_rule_message', 'waf_severity',
  'waf_anomaly_score', 'waf_transaction_id', 'waf_blocked', 'content_hash', 'raw_block_id', 'raw_block_line',
] as const;

/** A batch's raw lines packed into one block: `lineOf[i]` is item i's line in it, if blocked. */
interface PackedRaw {
  readonly data: Buffer;
  readonly lines: number;
  readonly lineOf: readonly (number | undefined)[];
  /** The time span and address filters of the blocked rows, whole and per segment (block-filters.ts). */
  readonly span: { readonly tsMin: number; readonly tsMax: number };
  readonly filter: Buffer;
  readonly segments: Buffer;
}

/** What a batch needs besides its items, worked out before its transaction. */
interface Prepared {
  readonly hostIds: (number | null)[];
  readonly packed: PackedRaw | undefined;
  /** Where the batch's entries are in it, and their rows (a blocked row's block id is set in the transaction). */
  readonly entryAt: readonly number[];
  readonly rows: readonly unknown[][];
  /** The per-minute counters of all the entries (recounted in the transaction if some were repeats). */
  readonly deltas: ReturnType<typeof rollupDeltas>;
}

/** Where the block id goes in an entry row. */
const BLOCK_ID_COLUMN = ENTRY_COLUMNS.indexOf('raw_block_id');

/**
 * The ingest write path: a bounded queue drained by one flush loop into batches, one transaction
 * each through db-core's writer. A write resolves once its row is committed. A full queue makes
 * producers wait (memory stays bounded, nothing is dropped, order is kept). A source's progress
 * commits in the same transaction as the rows it produced, so a crash neither loses nor repeats.
 */
export class RecordWriter {
  readonly #db: Database;
  readonly #queueSize: number;
  readonly #batchSize: number;
  readonly #maxBatchSize: number;
  readonly #flushIntervalMs: number;
  readonly #rejectsCap: number;
  readonly #rawBlocks: boolean;
  readonly #hosts: HostResolver;
  readonly #logger: Logger;
  readonly #clock: () => number;
  readonly #onBatch: ((summary: BatchSummary) => void) | undefined;
  #queue: Pending[] = [];
  readonly #spaceWaiters: (() => void)[] = [];
  readonly #failedSources = new Set<number>();
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #inFlight = 0;
  #draining = 0;
  /** Items queued so far, items taken into batches so far, and the count `flushSoon` asked to go out. */
  #enqueued = 0;
  #taken = 0;
  #flushThrough = 0;
  #closed = false;

  constructor(db: Database, options: RecordWriterOptions = {}) {
    this.#db = db;
    this.#queueSize = options.queueSize ?? 4096;
    this.#batchSize = options.batchSize ?? 128;
    this.#maxBatchSize = Math.max(this.#batchSize, options.maxBatchSize ?? 2048);
    this.#flushIntervalMs = options.flushIntervalMs ?? 25;
    this.#rejectsCap = options.rejectsCap ?? 10_000;
    this.#rawBlocks = options.rawBlocks ?? true;
    this.#hosts = options.hosts ?? new HostResolver(db);
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? Date.now;
    this.#onBatch = options.onBatch;
  }

  /** Items queued plus those in the batch being committed. */
  get depth(): number {
    return this.#queue.length + this.#inFlight;
  }

  get hosts(): HostResolver {
    return this.#hosts;
  }

  /**
   * Queues an item, waiting while the queue is full. Resolves once it is queued, with a promise
   * that settles when its batch commits (or fails). (Wrapped: a promise would be flattened.)
   */
  async submit(item: WriteItem): Promise<{ readonly committed: Promise<WriteOutcome> }> {
    const { sink, promise } = promiseSink();
    await this.submitTo(item, sink);
    return { committed: promise };
  }

  /**
   * Queues an item at once when there is room, telling `sink` what became of it (a producer's fast
   * path: nothing to wait for); false when the queue is full, and the producer falls back to `submitTo`.
   */
  offerTo(item: WriteItem, sink: CommitSink): boolean {
    if (this.#full()) return false;
    this.#enqueue(item, sink);
    return true;
  }

  /** Like `submit`, telling `sink` instead of a promise: resolves once the item is queued. */
  async submitTo(item: WriteItem, sink: CommitSink): Promise<void> {
    await this.#room();
    this.#enqueue(item, sink);
  }

  #full(): boolean {
    return this.#queue.length >= this.#queueSize || this.#spaceWaiters.length > 0;
  }

  /** Waits while the queue is full (and behind producers that waited first). */
  async #room(): Promise<void> {
    while (this.#full()) {
      if (this.#closed) break;
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
      if (this.#queue.length < this.#queueSize) break;
    }
  }

  #enqueue(item: WriteItem, sink: CommitSink): void {
    if (this.#closed) throw new PanoptesError('WRITER_CLOSED', 'the record writer is closed');
    this.#queue.push({ item, sink });
    this.#enqueued += 1;
    this.#ensureLoop();
    this.#wake?.();
  }

  /** Queues an item and resolves once its batch committed. */
  async write(item: WriteItem): Promise<WriteOutcome> {
    return (await this.submit(item)).committed;
  }

  /** After a failed batch a source's items are refused until its producer rewound and calls this. */
  resetSource(sourceId: number): void {
    this.#failedSources.delete(sourceId);
  }

  /**
   * Lets everything queued so far go out without waiting for company: for a producer that has
   * queued all it has (an HTTP body), whose caller waits for the commit.
   */
  flushSoon(): void {
    this.#flushThrough = this.#enqueued;
    this.#wake?.();
  }

  /** Flushes everything queued now, without waiting for the flush interval, and waits for a running facet rollup flush. */
  async drain(): Promise<void> {
    this.#draining += 1;
    try {
      this.#wake?.();
      while (this.#queue.length > 0 || this.#inFlight > 0 || this.#spaceWaiters.length > 0) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        this.#wake?.();
      }
      await facetFlushSettled(this.#db);
    } finally {
      this.#draining -= 1;
    }
  }

  /** Drains, then refuses further items. */
  async close(): Promise<void> {
    await this.drain();
    this.#closed = true;
    for (const waiter of this.#spaceWaiters.splice(0)) waiter();
    this.#wake?.();
    await this.#loop;
  }

  #ensureLoop(): void {
    this.#loop ??= this.#run().finally(() => {
      this.#loop = undefined;
    });
  }

  async #run(): Promise<void> {
    // Two batches at a time: the next one's hosts and compressed block are prepared while the
    // previous one commits; commits stay strictly in order.
    let committing: Promise<void> | undefined;
    try {
      await this.#flushLoop((batch) => {
        const prepared = this.#prepare(batch);
        prepared.catch(() => {}); // its error surfaces when the batch commits
        const previous = committing;
        committing = (async () => {
          try {
            await previous;
            await this.#commit(batch, prepared);
          } finally {
            this.#inFlight -= batch.length;
          }
        })();
        return previous;
      });
    } finally {
      await committing;
    }
  }

  /** Takes batches off the queue; `take` starts one and resolves once the one before it committed. */
  async #flushLoop(take: (batch: Pending[]) => Promise<void> | undefined): Promise<void> {
    while (!this.#closed || this.#queue.length > 0) {
      if (this.#queue.length === 0) {
        if (this.#closed) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      const hurried = () => this.#draining > 0 || this.#closed || this.#taken < this.#flushThrough;
      if (this.#queue.length < this.#batchSize && !hurried()) {
        // Wait for company: a full batch, a drain, a flushSoon, or the interval, whichever comes first.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.#flushIntervalMs);
          this.#wake = () => {
            if (this.#queue.length >= this.#batchSize || hurried()) {
              clearTimeout(timer);
              resolve();
            }
          };
        });
      }
      // Let producers that are mid-burst (a tailer pushing a whole read chunk) finish queueing, so a
      // deep queue goes out as one big transaction instead of many small ones.
      if (this.#queue.length >= this.#batchSize && this.#maxBatchSize > this.#batchSize) await new Promise((resolve) => setImmediate(resolve));
      const batch = this.#queue.splice(0, this.#queue.length > this.#batchSize ? this.#maxBatchSize : this.#batchSize);
      this.#inFlight += batch.length;
      this.#taken += batch.length;
      for (const waiter of this.#spaceWaiters.splice(0, this.#queueSize - this.#queue.length)) waiter();
      await take(batch);
    }
  }

  /** A batch's host ids and compressed raw lines: prepared outside the transaction (compression off the event loop). */
  async #prepare(batch: readonly Pending[]): Promise<Prepared> {
    const hostIds = await this.#resolveHosts(batch);
    const lineOf = this.#rawBlocks ? blockLines(batch) : undefined;
    const packing = lineOf === undefined ? undefined : packRaw(batch, lineOf);
    // Built while compression runs and the batch before commits, not inside the transaction, where
    // the writer thread would wait for it; after a turn of the event loop, so that the batch before
    // gets the answers it waits for first (a batch's rows and counters hold the event loop about
    // two thirds of a millisecond).
    await new Promise((resolve) => setImmediate(resolve));
    const entryAt: number[] = [];
    const rows: unknown[][] = [];
    batch.forEach(({ item }, i) => {
      if (item.kind !== 'entry') return;
      entryAt.push(i);
      const { projectUuid, entry: e, hash } = item;
      const line = lineOf?.[i];
      const inBlock = line !== undefined;
      rows.push([
        projectUuid, e.ts, e.source, e.level, hostIds[i], e.host_domain, e.remote_ip, e.client_ip, e.method, e.path, e.status, e.duration_ms,
        e.size_bytes, e.bytes_read, e.user_agent, e.upstream, e.user_id, e.message, inBlock ? null : e.raw, e.waf_rule_id, e.waf_rule_message, e.waf_severity,
        e.waf_anomaly_score, e.waf_transaction_id, e.waf_blocked, hash, null, inBlock ? line : null,
      ]);
    });
    const deltas = rollupDeltas(entryAt.map((i) => batch[i]!.item as Extract<WriteItem, { kind: 'entry' }>));
    return { hostIds, packed: await packing, entryAt, rows, deltas };
  }

  async #commit(batch: Pending[], prepared: Promise<Prepared>): Promise<void> {
    const live: Pending[] = [];
    for (const p of batch) {
      const sourceId = p.item.progress?.sourceId;
      if (sourceId !== undefined && this.#failedSources.has(sourceId)) p.sink.failed(new SourceRewindError(sourceId), p.item);
      else live.push(p);
    }
    if (live.length === 0) return;
    for (let attempt = 1; ; attempt += 1) {
      try {
        // Prepared ahead for the whole batch; again when a failed source dropped items or on a retry.
        const ready = await (attempt === 1 && live.length === batch.length ? prepared : this.#prepare(live));
        const { outcomes, summary, flush } = await this.#db.write((tx) => this.#writeBatch(tx, live, ready));
        // A failed flush is logged: the next one finds its rows uncounted and groups them from the table.
        flush?.().catch((error: unknown) => this.#logger.warn({ error: (error as Error).message }, 'facet rollup flush failed; the next flush counts its rows'));
        live.forEach((p, i) => p.sink.committed(outcomes[i]!, p.item));
        this.#onBatch?.(summary);
        return;
      } catch (error) {
        // A host deleted since it was cached breaks the foreign key: refresh the cache, try once more.
        if (attempt === 1 && error instanceof ConstraintViolationError && error.kind === 'foreign_key') {
          this.#hosts.invalidate();
          continue;
        }
        this.#logger.error({ error: (error as Error).message, items: live.length }, 'ingest batch failed');
        for (const p of live) {
          if (p.item.progress !== undefined) this.#failedSources.add(p.item.progress.sourceId);
          p.sink.failed(error, p.item);
        }
        return;
      }
    }
  }

  async #resolveHosts(batch: readonly Pending[]): Promise<(number | null)[]> {
    // One lookup per distinct project and domain: a batch of thousands names a handful of hosts.
    // Per project, per domain: no key string built a line.
    const ids = new Map<string, Map<string, number | null>>();
    const out: (number | null)[] = [];
    for (const { item } of batch) {
      if (item.kind !== 'entry' || item.entry.host_domain === null) {
        out.push(null);
        continue;
      }
      const { projectUuid, entry: { host_domain: domain } } = item;
      let domains = ids.get(projectUuid);
      if (domains === undefined) ids.set(projectUuid, (domains = new Map()));
      let id = domains.get(domain);
      if (id === undefined) {
        id = await this.#hosts.hostId(projectUuid, domain);
        domains.set(domain, id);
      }
      out.push(id);
    }
    return out;
  }

  /**
   * One transaction for a batch. Statements that do not wait for another's answer are posted
   * together: the writer thread runs them back to back instead of idling through a round trip to
   * the event loop between each (eleven round trips a batch before, four now). Each entry (ts,
   * content hash) goes in once: SQLite's one writer looks repeats up first (it has no unique index
   * for them, migration 0008); Postgres's unique index skips them itself.
   */
  async #writeBatch(tx: WriteContext, batch: readonly Pending[], prepared: Prepared): Promise<{ outcomes: WriteOutcome[]; summary: BatchSummary; flush: DeferredFlush | undefined }> {
    const { hostIds, packed, entryAt, rows } = prepared;
    const now = this.#clock();
    const outcomes: WriteOutcome[] = batch.map(({ item }) => (item.kind === 'reject' ? 'rejected' : 'progressed'));
    const entryOf = (n: number) => batch[entryAt[n]!]!.item as Extract<WriteItem, { kind: 'entry' }>;
    const [blockId, fresh] = await Promise.all([
      packed === undefined ? null : insertBlock(tx, packed.data, packed.lines, now),
      tx.capabilities.singleWriter && rows.length > 0 ? unseenEntries(tx, entryAt.map((_, n) => ({ ts: entryOf(n).entry.ts, hash: entryOf(n).hash }))) : undefined,
    ]);
    const statements: Promise<unknown>[] = [];
    if (packed !== undefined && blockId !== null) {
      statements.push(insertBlockFilter(tx, blockId, packed.span, packed.filter, packed.segments));
      entryAt.forEach((i, n) => {
        if (packed.lineOf[i] !== undefined) rows[n]![BLOCK_ID_COLUMN] = blockId;
      });
    }
    let inserted: readonly boolean[] = fresh ?? [];
    if (fresh !== undefined) {
      const newRows = rows.filter((_, n) => fresh[n]);
      if (newRows.length > 0) statements.push(tx.insertMany('log_entries', ENTRY_COLUMNS, newRows));
    } else if (rows.length > 0) {
      inserted = await tx.insertNew('log_entries', ENTRY_COLUMNS, rows, 'content_hash');
    }
    const stored: { projectUuid: string; entry: NormalisedEntry; hostId: number | null }[] = [];
    inserted.forEach((isNew, n) => {
      const i = entryAt[n]!;
      outcomes[i] = isNew ? 'inserted' : 'duplicate';
      const item = entryOf(n);
      if (isNew) stored.push({ projectUuid: item.projectUuid, entry: item.entry, hostId: hostIds[i] ?? null });
    });
    statements.push(applyRollups(tx, stored.length === rows.length ? prepared.deltas : rollupDeltas(stored)));

    const rejects = batch.flatMap(({ item }) => (item.kind === 'reject' ? [item] : []));
    if (rejects.length > 0) statements.push(this.#storeRejects(tx, rejects, now));

    const perSource = new Map<number, { progress: SourceProgress | undefined; read: number; parsed: number; rejected: number; written: number }>();
    batch.forEach(({ item }, i) => {
      const sourceId = item.progress?.sourceId ?? (item.kind === 'progress' ? undefined : item.countedIn);
      if (sourceId === undefined) return;
      const s = perSource.get(sourceId) ?? { progress: undefined, read: 0, parsed: 0, rejected: 0, written: 0 };
      s.progress = item.progress ?? s.progress;
      if (item.kind !== 'progress') s.read += 1;
      if (item.kind === 'entry') s.parsed += 1;
      if (item.kind === 'reject') s.rejected += 1;
      if (outcomes[i] === 'inserted') s.written += 1;
      perSource.set(sourceId, s);
    });
    for (const [id, s] of perSource) {
      const position = s.progress === undefined ? {} : { byte_offset: s.progress.offset, device: s.progress.device, inode: s.progress.inode, bytes_behind: s.progress.bytesBehind };
      statements.push(
        tx.db
          .updateTable('ingest_sources')
          .set((eb) => ({
            ...position,
            lines_read: eb('lines_read', '+', s.read),
            lines_parsed: eb('lines_parsed', '+', s.parsed),
            lines_rejected: eb('lines_rejected', '+', s.rejected),
            lines_written: eb('lines_written', '+', s.written),
            updated_at: now,
          }))
          .where('id', '=', id)
          .execute(),
      );
    }
    // Counted while the writer thread runs the statements; a due flush (every few seconds) reads the rows they stored.
    const flushDue = countFacetRollups(this.#db, stored, now);
    await Promise.all(statements);
    const flush = flushDue ? await flushDueFacetRollups(this.#db, tx) : undefined;
    return {
      flush,
      outcomes,
      summary: {
        items: batch.length,
        inserted: stored.length,
        duplicates: inserted.filter((x) => !x).length,
        rejected: rejects.length,
        entries: stored,
      },
    };
  }

  /** Keeps a batch's rejected lines, and only the newest `rejectsCap` of all. */
  async #storeRejects(tx: WriteContext, rejects: readonly Extract<WriteItem, { kind: 'reject' }>[], now: number): Promise<void> {
    await tx.insertMany(
      'ingest_rejects',
      ['project_uuid', 'ingest_source_id', 'source_name', 'reason', 'line_number', 'byte_offset', 'excerpt', 'created_at'],
      rejects.map(({ projectUuid, reject: r }) => [projectUuid, r.sourceId, r.sourceName, r.reason, r.lineNumber, r.byteOffset, r.excerpt, now]),
    );
    const newest = await tx.db.selectFrom('ingest_rejects').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    if (newest?.id != null) await tx.db.deleteFrom('ingest_rejects').where('id', '<=', Number(newest.id) - this.#rejectsCap).execute();
  }
}

/** Each item's line in the batch's block: its entries whose raw line is blockable, in order. */
function blockLines(batch: readonly Pending[]): (number | undefined)[] {
  let next = 0;
  return batch.map(({ item }) => (item.kind === 'entry' && blockable(item.entry.raw) ? next++ : undefined));
}

/** Packs the blockable raw lines of a batch's entries into one compressed block (none: undefined). */
async function packRaw(batch: readonly Pending[], lineOf: readonly (number | undefined)[]): Promise<PackedRaw | undefined> {
  const lines: (string | Buffer)[] = [];
  const addresses: (string | null)[] = [];
  let tsMin = Infinity;
  let tsMax = -Infinity;
  batch.forEach(({ item }, i) => {
    if (lineOf[i] === undefined || item.kind !== 'entry') return;
    lines.push(item.rawBytes ?? item.entry.raw);
    addresses.push(item.entry.remote_ip);
    tsMin = Math.min(tsMin, item.entry.ts);
    tsMax = Math.max(tsMax, item.entry.ts);
  });
  if (lines.length === 0) return undefined;
  return { data: await packBlock(lines), lines: lines.length, lineOf, span: { tsMin, tsMax }, ...buildBlockFilters(addresses) };
}
