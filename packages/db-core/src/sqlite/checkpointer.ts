import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';

/** PASSIVE passes before a RESTART or TRUNCATE at most, and the frames a pass copies below which it was the last. */
const MAX_PASSIVE_PASSES = 4;
const FEW_FRAMES = 256;

/**
 * The checkpoints of one database, run by a worker thread on its own connection, so the writer
 * never copies WAL pages itself (SQLite's automatic checkpoint is switched off on it).
 *
 * While commits keep coming: a PASSIVE checkpoint at most every 250 ms once the WAL holds 4 MiB
 * (it never blocks anyone), and past `journal_size_limit` a RESTART after each commit until one
 * succeeds, so the next commit starts the WAL over. A TRUNCATE waits for a quiet writer (200 ms
 * without a commit) and, below the limit, for `checkpointIntervalMs` since the last one: it holds
 * the write lock while it copies, syncs and cuts the file, and stalled a steady writer 40-140 ms on
 * the 2-core machine. RESTART and TRUNCATE copy the bulk in PASSIVE passes first and never wait
 * (busy timeout 0); a TRUNCATE kept from completing by a reader's snapshot is tried again later.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
parentPort.on('message', ({ id, mode }) => {
  try {
    // A RESTART or TRUNCATE holds the write lock while it copies: copy the bulk first without it, in
    // PASSIVE passes until one had little to copy, so the writer waits only for the frames committed
    // during that short pass (a 200 MB WAL stalled it over 1 s; after one pass over 84 MB, the frames
    // committed meanwhile held it 80 ms).
    if (mode !== 'PASSIVE') {
      let copied = 0;
      for (let pass = 0; pass < ${MAX_PASSIVE_PASSES}; pass++) {
        const [row] = db.pragma('wal_checkpoint(PASSIVE)');
        const fresh = row.checkpointed - copied;
        copied = row.checkpointed;
        if (fresh < ${FEW_FRAMES}) break;
      }
    }
    const [row] = db.pragma('wal_checkpoint(' + mode + ')');
    parentPort.postMessage({ id, ok: true, busy: row.busy, log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: String(error && error.message || error) });
  }
});
`;

export type CheckpointMode = 'PASSIVE' | 'RESTART' | 'TRUNCATE';

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly busy?: number;
  readonly message?: string;
}

const driver = createRequire(import.meta.url).resolve('better-sqlite3');
/** WAL size after which a passive checkpoint is requested (SQLite's own default: 1000 pages). */
const PASSIVE_AFTER_BYTES = 4 * 1024 * 1024;
/** Least time between two PASSIVE checkpoints of a busy writer. */
const PASSIVE_EVERY_MS = 250;
/** A writer this long without a commit is quiet enough for a TRUNCATE. */
const QUIET_MS = 200;
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;

export class Checkpointer {
  readonly #path: string;
  readonly #journalSizeLimit: number;
  readonly #intervalMs: number;
  readonly #clock: () => number;
  readonly #logger: Logger;
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #pending = new Map<number, (reply: Reply) => void>();
  #inFlight = false;
  #lastTruncate: number;
  #lastPassive = 0;
  /** Fires a TRUNCATE once the writer has been quiet for QUIET_MS. */
  #quiet: NodeJS.Timeout | undefined;
  /** `performance.now()` of the last commit (real time, whatever clock the options pass). */
  #lastCommitAt = 0;
  #failed = false;
  #closed = false;
  /** A commit asked for a checkpoint while one was running: look again when it ends. */
  #wanted = false;
  /** Delay before retrying a TRUNCATE a reader kept from completing (doubles up to 5 s). */
  #retryMs = RETRY_FIRST_MS;
  #retry: NodeJS.Timeout | undefined;

  constructor(path: string, options: { journalSizeLimit: number; intervalMs: number; clock: () => number; logger: Logger }) {
    this.#path = path;
    this.#journalSizeLimit = options.journalSizeLimit;
    this.#intervalMs = options.intervalMs;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#lastTruncate = options.clock();
  }

  /** False once the worker failed: the writer then checkpoints on its own again. */
  get healthy(): boolean {
    return !this.#failed;
  }

  walBytes(): number {
    try {
      return statSync(`${this.#path}-wal`).size;
    } catch {
      return 0;
    }
  }

  /** After a commit: a PASSIVE or RESTART checkpoint when the WAL has grown, a TRUNCATE when the writer goes quiet. Cheap otherwise. */
  afterCommit(): void {
    this.#lastCommitAt = performance.now();
    this.#check();
  }

  #check(): void {
    if (this.#failed || this.#closed) return;
    const bytes = this.walBytes();
    if (bytes === 0) return;
    const now = this.#clock();
    // Every WAL left behind gets its TRUNCATE: once the writer is quiet when it is past the limit,
    // otherwise once the interval since the last one has run out too (even if no commit comes then).
    if (this.#quiet === undefined) {
      const due = bytes >= this.#journalSizeLimit ? 0 : this.#intervalMs - (now - this.#lastTruncate);
      this.#truncateWhenQuiet(Math.max(QUIET_MS, due));
    }
    // A PASSIVE pass never catches up with a writer that commits while it copies, and only a fully
    // copied WAL starts over (PASSIVE alone let a steady writer grow it to 2 GB in 20 s). Past the
    // limit every commit asks for a RESTART: its lock is held for the last few frames only, it gives
    // up at once while the writer is busy, and the next commit starts at the beginning of the file,
    // which SQLite cuts back to the limit.
    const over = bytes > this.#journalSizeLimit;
    if (!over && (bytes < PASSIVE_AFTER_BYTES || now - this.#lastPassive < PASSIVE_EVERY_MS)) return;
    if (this.#inFlight) {
      this.#wanted = true;
      return;
    }
    this.#lastPassive = now;
    void this.run(over ? 'RESTART' : 'PASSIVE').catch(() => {});
  }

  /** Arms the quiet timer; when it fires while commits still come, it looks again later. */
  #truncateWhenQuiet(delayMs = QUIET_MS): void {
    if (this.#quiet !== undefined) return;
    this.#quiet = setTimeout(() => {
      this.#quiet = undefined;
      void this.#truncate();
    }, delayMs);
    this.#quiet.unref();
  }

  async #truncate(): Promise<void> {
    if (this.#closed || this.#failed) return;
    // The writer must be quiet when it runs (a retry too), or a resuming writer would wait behind it.
    if (this.#inFlight || performance.now() - this.#lastCommitAt < QUIET_MS) {
      this.#truncateWhenQuiet();
      return;
    }
    const completed = await this.run('TRUNCATE').catch(() => true);
    if (completed) {
      this.#retryMs = RETRY_FIRST_MS;
      return;
    }
    // A reader still holds an old snapshot: try again later, even if no commit comes to ask.
    if (this.#retry !== undefined || this.#closed) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#truncate();
    }, this.#retryMs);
    this.#retry.unref();
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
  }

  /** One checkpoint now; true when it completed (for TRUNCATE: the WAL is empty). */
  async run(mode: CheckpointMode): Promise<boolean> {
    if (mode === 'TRUNCATE') this.#lastTruncate = this.#clock();
    this.#inFlight = true;
    try {
      const reply = await this.#send(mode);
      if (!reply.ok) throw new Error(reply.message);
      return reply.busy === 0;
    } finally {
      this.#inFlight = false;
      if (this.#wanted) {
        this.#wanted = false;
        queueMicrotask(() => this.#check());
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    if (this.#quiet !== undefined) clearTimeout(this.#quiet);
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #send(mode: CheckpointMode): Promise<Reply> {
    const worker = this.#start();
    const id = (this.#nextId += 1);
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      worker.postMessage({ id, mode });
    });
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    // The source is CommonJS: not the parent's flags (`--input-type=module` would make it ESM).
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { path: this.#path, driver } });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const resolve = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      resolve?.(reply);
    });
    worker.on('error', (error) => {
      this.#failed = true;
      this.#logger.error({ error: error.message }, 'the checkpoint worker failed: the writer checkpoints on its own again');
      for (const [id, resolve] of this.#pending) resolve({ id, ok: false, message: error.message });
      this.#pending.clear();
    });
    this.#worker = worker;
    return worker;
  }
}
