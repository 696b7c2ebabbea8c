import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';

/**
 * The checkpoints of one database, run by a worker thread on its own connection, so the writer on
 * the main thread never copies WAL pages itself (SQLite's automatic checkpoint is switched off on
 * it). PASSIVE checkpoints never block anyone; a TRUNCATE is tried without waiting (busy timeout
 * 0), after a PASSIVE pass, so it neither waits behind a reader's snapshot nor holds the writer up
 * for longer than the last few frames take to copy.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
parentPort.on('message', ({ id, mode }) => {
  try {
    // A TRUNCATE holds the write lock while it copies: copy the bulk first without it (PASSIVE), so
    // the writer waits only for the frames committed meanwhile (a 200 MB WAL stalled it over 1 s).
    if (mode === 'TRUNCATE') db.pragma('wal_checkpoint(PASSIVE)');
    const [row] = db.pragma('wal_checkpoint(' + mode + ')');
    parentPort.postMessage({ id, ok: true, busy: row.busy, log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: String(error && error.message || error) });
  }
});
`;

export type CheckpointMode = 'PASSIVE' | 'TRUNCATE';

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly busy?: number;
  readonly message?: string;
}

const driver = createRequire(import.meta.url).resolve('better-sqlite3');
/** WAL size after which a passive checkpoint is requested (SQLite's own default: 1000 pages). */
const PASSIVE_AFTER_BYTES = 4 * 1024 * 1024;
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

  /** After a commit: asks the worker for a checkpoint when the WAL calls for one. Cheap otherwise. */
  afterCommit(): void {
    if (this.#failed || this.#closed) return;
    if (this.#inFlight) {
      this.#wanted = true;
      return;
    }
    const bytes = this.walBytes();
    const truncate = bytes >= this.#journalSizeLimit || (bytes > 0 && this.#clock() - this.#lastTruncate >= this.#intervalMs);
    if (!truncate && bytes < PASSIVE_AFTER_BYTES) return;
    void this.run(truncate ? 'TRUNCATE' : 'PASSIVE').then(
      (completed) => {
        if (!truncate || completed) {
          this.#retryMs = RETRY_FIRST_MS;
          return;
        }
        // A reader still holds an old snapshot: try again later, even if no commit comes to ask.
        if (this.#retry !== undefined || this.#closed) return;
        this.#retry = setTimeout(() => {
          this.#retry = undefined;
          this.afterCommit();
        }, this.#retryMs);
        this.#retry.unref();
        this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
      },
      () => {},
    );
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
        queueMicrotask(() => this.afterCommit());
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
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
