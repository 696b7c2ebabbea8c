import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IngestParser } from '@panoptes/db-core';
import { LineSplitter, READ_CHUNK_BYTES, type SplitLine } from './line-splitter.js';
import { itemForLine, type LineContext } from './line-items.js';
import { eventLoopTurns, PendingWrites } from './producing.js';
import type { RecordWriter } from './record-writer.js';

export interface ImportReport {
  lines: number;
  inserted: number;
  duplicates: number;
  rejected: number;
  bytes: number;
}

export interface ImportOptions {
  readonly projectUuid: string;
  readonly parser: IngestParser;
  /** Names the origin of rejected lines. Default `import:<path>`. */
  readonly sourceName?: string;
  /** Called now and then with the bytes read so far and the file size (progress bars). */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/**
 * Imports a whole file through the RecordWriter. Each line is stored once however often the file
 * is imported (content hash); bad lines are counted and kept in ingest_rejects.
 */
export async function importFile(writer: RecordWriter, path: string, options: ImportOptions): Promise<ImportReport> {
  const total = (await stat(path)).size;
  const context: LineContext = { projectUuid: options.projectUuid, parser: options.parser, sourceId: null, sourceName: options.sourceName ?? `import:${path}` };
  const report: ImportReport = { lines: 0, inserted: 0, duplicates: 0, rejected: 0, bytes: 0 };
  const pending = new PendingWrites((outcome) => {
    if (outcome === 'inserted') report.inserted += 1;
    else if (outcome === 'duplicate') report.duplicates += 1;
    else if (outcome === 'rejected') report.rejected += 1;
  });
  const splitter = new LineSplitter(0);
  const turn = eventLoopTurns();
  let lineNumber = 0;
  const submit = async (lines: SplitLine[]): Promise<void> => {
    for (const line of lines) {
      lineNumber += 1;
      const item = itemForLine(context, line, undefined, lineNumber);
      if (item === null) continue;
      report.lines += 1;
      const wait = pending.queue(writer, item) ?? turn();
      if (wait !== undefined) await wait;
    }
  };
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) {
    await submit(splitter.push(chunk as Buffer));
    report.bytes = splitter.offset;
    options.onProgress?.(report.bytes, total);
  }
  await submit(splitter.flush());
  await writer.drain();
  await pending.done();
  return report;
}
