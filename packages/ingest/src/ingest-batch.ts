import type { IngestParser } from '@panoptes/db-core';
import { LineSplitter } from './line-splitter.js';
import { itemForLine } from './line-items.js';
import type { CommitSink, RecordWriter, WriteItem } from './record-writer.js';

export type LineResult = { readonly line: number; readonly status: 'inserted' | 'duplicate' } | { readonly line: number; readonly status: 'rejected'; readonly reason: string };

export interface BatchReport {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** One result per non-empty line, numbered from 1. */
  readonly results: readonly LineResult[];
}

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
  // One sink for the whole body (no promise per line): each line's result lands in its slot. The
  // loop below holds one count of its own until every line is queued.
  const results: LineResult[] = [];
  const slots = new Map<WriteItem, { readonly slot: number; readonly line: number }>();
  let failure: { readonly error: unknown } | undefined;
  let left = 1;
  let allSettled!: () => void;
  const settled = new Promise<void>((resolve) => (allSettled = resolve));
  const done = (): void => {
    left -= 1;
    if (left === 0) allSettled();
  };
  const sink: CommitSink = {
    committed: (outcome, item) => {
      const { slot, line } = slots.get(item)!;
      results[slot] = item.kind === 'reject' ? { line, status: 'rejected', reason: item.reject.reason } : { line, status: outcome === 'duplicate' ? 'duplicate' : 'inserted' };
      done();
    },
    failed: (error) => {
      failure ??= { error };
      done();
    },
  };
  let number = 0;
  for (const line of lines) {
    number += 1;
    const item = itemForLine(context, line, undefined, number);
    if (item === null) continue;
    slots.set(item, { slot: slots.size, line: number });
    left += 1;
    if (!writer.offerTo(item, sink)) await writer.submitTo(item, sink);
  }
  done();
  await settled;
  if (failure !== undefined) throw failure.error;
  return {
    accepted: results.filter((r) => r.status === 'inserted').length,
    duplicates: results.filter((r) => r.status === 'duplicate').length,
    rejected: results.filter((r) => r.status === 'rejected').length,
    results,
  };
}
