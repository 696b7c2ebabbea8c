import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeCaddyLog } from './data.js';
import type { Figures } from './figures.js';
import { runIngestFile } from './process.js';

export interface IngestRun {
  readonly rows: number;
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly recoverable: boolean;
  /** CPU seconds of the ingest process over the run, all its threads. */
  readonly cpuSeconds: number;
  /** CPU seconds of its event loop (main thread); null without /proc. */
  readonly eventLoopCpuSeconds: number | null;
  /** Share of the run its event loop was busy (0-1). */
  readonly eventLoopUtilization: number;
  /** CPU seconds of Postgres's processes over the run (0 on SQLite). */
  readonly serverCpuSeconds: number;
}

/** What the groups of one run share: the figures, a scratch folder, the generated log and the ingested database. */
export class BenchContext {
  #log: Promise<string> | undefined;
  #database: Promise<{ path: string; run: IngestRun }> | undefined;

  constructor(
    readonly figures: Figures,
    readonly dir: string,
    /** Lines of the main data set (1,000,000 by default). */
    readonly lines: number,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** The Caddy access log of `lines` lines (generated once). */
  accessLog(): Promise<string> {
    this.#log ??= (async () => {
      const path = join(this.dir, 'access.log');
      if (!existsSync(path)) await writeCaddyLog(path, this.lines);
      return path;
    })();
    return this.#log;
  }

  /** The SQLite database with the whole log ingested end to end (ingested once, in a child process). */
  ingested(): Promise<{ path: string; run: IngestRun }> {
    this.#database ??= (async () => {
      const path = join(this.dir, 'ingested', 'panoptes.db');
      mkdirSync(join(this.dir, 'ingested'), { recursive: true });
      const run = await runIngestFile(await this.accessLog(), `sqlite:${path}`);
      return { path, run };
    })();
    return this.#database;
  }
}
