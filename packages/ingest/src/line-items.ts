import type { IngestParser } from '@panoptes/db-core';
import { contentHash } from './content-hash.js';
import { excerpt, parseLineBytes } from './line.js';
import type { SplitLine } from './line-splitter.js';
import type { SourceProgress, WriteItem } from './record-writer.js';

export interface LineContext {
  readonly projectUuid: string;
  readonly parser: IngestParser;
  /** The ingest source whose counters the line adds to (null: an import, counted by its report). */
  readonly sourceId: number | null;
  readonly sourceName: string;
}

/** The writer item for one line: an entry, a reject with its reason, or (for a blank line) progress only. */
export function itemForLine(context: LineContext, line: SplitLine, progress: SourceProgress | undefined, lineNumber: number | null = null): WriteItem | null {
  if (line.kind === 'overlong') return rejectItem(context, line, progress, lineNumber, `line exceeds 64 KiB (${line.length} bytes)`, line.excerpt);
  if (line.bytes.length === 0) return progress === undefined ? null : { kind: 'progress', progress };
  const outcome = parseLineBytes(context.parser, line.bytes);
  if (!outcome.ok) return rejectItem(context, line, progress, lineNumber, outcome.reason, excerpt(line.bytes));
  const { projectUuid } = context;
  const { entry } = outcome;
  // The parsers keep the line they were given as `raw`, so its bytes are the line's bytes.
  const rawBytes = line.bytes;
  const hash = contentHash(projectUuid, context.parser, rawBytes);
  // One object a line, however it ends (this runs for every line ingested).
  if (progress !== undefined) return { kind: 'entry', projectUuid, entry, hash, rawBytes, progress };
  return context.sourceId === null ? { kind: 'entry', projectUuid, entry, hash, rawBytes } : { kind: 'entry', projectUuid, entry, hash, rawBytes, countedIn: context.sourceId };
}

function rejectItem(context: LineContext, line: SplitLine, progress: SourceProgress | undefined, lineNumber: number | null, reason: string, text: string): WriteItem {
  const reject = { sourceId: context.sourceId, sourceName: context.sourceName, reason, lineNumber, byteOffset: line.start, excerpt: text };
  return { kind: 'reject', projectUuid: context.projectUuid, reject, ...(progress !== undefined ? { progress } : context.sourceId === null ? {} : { countedIn: context.sourceId }) };
}
