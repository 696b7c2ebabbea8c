import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IngestParser } from '@panoptes/db-core';
import { LineSplitter, READ_CHUNK_BYTES, type SplitLine } from './line-splitter.js';
import { itemForLine, type LineContext } from './line-items.js';
import type { RecordWriter, WriteOutcome } from './record-writer.js';

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
  const tracker = new Outstanding(report);
  const splitter = new LineSplitter(0);
  let lineNumber = 0;
  const submit = async (lines: SplitLine[]): Promise<void> => {
    for (const line of lines) {
      lineNumber += 1;
      const item = itemForLine(context, line, undefined, lineNumber);
      if (item === null) continue;
      report.lines += 1;
      tracker.track((await writer.submit(item)).committed);
    }
  };
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) {
    await submit(splitter.push(chunk as Buffer));
    report.bytes = splitter.offset;
    options.onProgress?.(report.bytes, total);
  }
  await submit(splitter.flush());
  await writer.drain();
  await tracker.done();
  return report;
}

/** Counts outcomes of committed promises without keeping them all in memory. */
export class Outstanding {
  #count = 0;
  #error: unknown;
  #waiter: (() => void) | undefined;

  constructor(private readonly report: { inserted: number; duplicates: number; rejected: number }) {}

  track(committed: Promise<WriteOutcome>): void {
    this.#count += 1;
    committed.then(
      (outcome) => {
        if (outcome === 'inserted') this.report.inserted += 1;
        else if (outcome === 'duplicate') this.report.duplicates += 1;
        else if (outcome === 'rejected') this.report.rejected += 1;
        this.#settle();
      },
      (error: unknown) => {
        this.#error ??= error;
        this.#settle();
      },
    );
  }

  /** Resolves when every tracked write settled; rejects with the first failure. */
  async done(): Promise<void> {
    if (this.#count > 0) await new Promise<void>((resolve) => (this.#waiter = resolve));
    if (this.#error !== undefined) throw this.#error;
  }

  #settle(): void {
    this.#count -= 1;
    if (this.#count === 0) this.#waiter?.();
  }
}
