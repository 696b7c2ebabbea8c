import type { IngestParser } from '@panoptes/db-core';
import { LineSplitter } from './line-splitter.js';
import { itemForLine } from './line-items.js';
import { eventLoopTurns, PendingWrites } from './producing.js';
import type { RecordWriter, WriteItem } from './record-writer.js';

export type LineResult = { readonly line: number; readonly status: 'inserted' | 'duplicate' } | { readonly line: number; readonly status: 'rejected'; readonly reason: string };

export interface BatchReport {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** One result per non-empty line, numbered from 1. */
  readonly results: readonly LineResult[];
}

/**
 * The body whose lines are being queued, per writer: bodies queue their lines one after the other.
 * Interleaved (each yields the event loop while it parses), two bodies finished parsing together and
 * then both waited for their commits with the event loop idle; in turn, one body's rows commit while
 * the next body is parsed.
 */
const queueing = new WeakMap<RecordWriter, Promise<void>>();

/**
 * Ingests an NDJSON body (`POST /api/ingest/:source`): every line parsed and stored or rejected
 * with its reason. A retried batch stores nothing twice (content hash).
 */
export async function ingestBatch(
  writer: RecordWriter,
  body: Buffer,
  options: { readonly projectUuid: string; readonly parser: IngestParser; readonly sourceName: string; readonly sourceId?: number | null },
): Promise<BatchReport> {
  const splitter = new LineSplitter(0);
  const lines = [...splitter.push(body), ...splitter.flush()];
  const context = { projectUuid: options.projectUuid, parser: options.parser, sourceId: options.sourceId ?? null, sourceName: options.sourceName };
  const results: LineResult[] = [];
  const slots = new Map<WriteItem, { readonly slot: number; readonly line: number }>();
  const pending = new PendingWrites((outcome, item) => {
    const { slot, line } = slots.get(item)!;
    results[slot] = item.kind === 'reject' ? { line, status: 'rejected', reason: item.reject.reason } : { line, status: outcome === 'duplicate' ? 'duplicate' : 'inserted' };
  });
  const before = queueing.get(writer);
  let queued!: () => void;
  queueing.set(writer, new Promise<void>((resolve) => (queued = resolve)));
  try {
    await before;
    const turn = eventLoopTurns();
    let number = 0;
    for (const line of lines) {
      number += 1;
      const item = itemForLine(context, line, undefined, number);
      if (item === null) continue;
      slots.set(item, { slot: slots.size, line: number });
      const wait = pending.queue(writer, item) ?? turn();
      if (wait !== undefined) await wait;
    }
    // The caller waits for this body's commit: its last lines need not wait for company.
    writer.flushSoon();
  } finally {
    queued();
  }
  await pending.done();
  return {
    accepted: results.filter((r) => r.status === 'inserted').length,
    duplicates: results.filter((r) => r.status === 'duplicate').length,
    rejected: results.filter((r) => r.status === 'rejected').length,
    results,
  };
}
