import type { IngestParser } from '@panoptes/db-core';
import { LineSplitter } from './line-splitter.js';
import { itemForLine } from './line-items.js';
import type { RecordWriter } from './record-writer.js';

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
  const waits: Promise<LineResult>[] = [];
  let number = 0;
  for (const line of lines) {
    number += 1;
    const item = itemForLine(context, line, undefined, number);
    if (item === null) continue;
    const lineNumber = number;
    const committed = writer.offer(item) ?? (await writer.submit(item)).committed;
    waits.push(
      committed.then((outcome): LineResult => {
        if (item.kind === 'reject') return { line: lineNumber, status: 'rejected', reason: item.reject.reason };
        return { line: lineNumber, status: outcome === 'duplicate' ? 'duplicate' : 'inserted' };
      }),
    );
  }
  const results = await Promise.all(waits);
  return {
    accepted: results.filter((r) => r.status === 'inserted').length,
    duplicates: results.filter((r) => r.status === 'duplicate').length,
    rejected: results.filter((r) => r.status === 'rejected').length,
    results,
  };
}
