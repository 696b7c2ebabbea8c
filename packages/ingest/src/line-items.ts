import type { IngestParser } from '@panoptes/db-core';
import { contentHash } from './content-hash.js';
import { excerpt, parseLineBytes } from './line.js';
import type { SplitLine } from './line-splitter.js';
import type { SourceProgress, WriteItem } from './record-writer.js';

export interface LineContext {
  readonly projectUuid: string;
  readonly parser: IngestParser;
  readonly sourceId: number | null;
  readonly sourceName: string;
}

/** The writer item for one line: an entry, a reject with its reason, or (for a blank line) progress only. */
export function itemForLine(context: LineContext, line: SplitLine, progress: SourceProgress | undefined, lineNumber: number | null = null): WriteItem | null {
  const reject = (reason: string, text: string): WriteItem => ({
    kind: 'reject',
    projectUuid: context.projectUuid,
    reject: { sourceId: context.sourceId, sourceName: context.sourceName, reason, lineNumber, byteOffset: line.start, excerpt: text },
    ...(progress === undefined ? {} : { progress }),
  });
  if (line.kind === 'overlong') return reject(`line exceeds 64 KiB (${line.length} bytes)`, line.excerpt);
  if (line.bytes.length === 0) return progress === undefined ? null : { kind: 'progress', progress };
  const outcome = parseLineBytes(context.parser, line.bytes);
  if (!outcome.ok) return reject(outcome.reason, excerpt(line.bytes));
  return {
    kind: 'entry',
    projectUuid: context.projectUuid,
    entry: outcome.entry,
    hash: contentHash(context.projectUuid, context.parser, outcome.entry.raw),
    ...(progress === undefined ? {} : { progress }),
  };
}
