import { readSync } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { silentLogger, type Database, type Logger } from '@panoptes/db-core';
import { LineSplitter, READ_CHUNK_BYTES, type SplitLine } from './line-splitter.js';
import { itemForLine, type LineContext } from './line-items.js';
import { eventLoopTurns, PendingWrites } from './producing.js';
import type { RecordWriter, WriteOutcome } from './record-writer.js';
import { ensureFileSource, loadSource, type FileSourceConfig, type SourceState } from './sources.js';

export interface TailerStats {
  linesRead: number;
  parsed: number;
  rejected: number;
  written: number;
  duplicates: number;
  bytesBehind: number;
  lastError: string | null;
  lastErrorAt: number | null;
}

export interface FileTailerOptions {
  /** How often an idle tailer looks for new lines and rotation. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Bytes read at a time. Default READ_CHUNK_BYTES (64 KiB). */
  readonly chunkBytes?: number;
  readonly logger?: Logger;
  readonly clock?: () => number;
}

interface OpenFile {
  readonly handle: FileHandle;
  readonly device: string;
  readonly inode: string;
  splitter: LineSplitter;
  /** The size the last stat saw: up to it the file is read without asking again. */
  size: number;
}

/**
 * Follows one log file: resumes at the committed offset, follows rotation by rename (finishing the
 * old file first, also across a restart) and by copytruncate, joins lines split across writes, and
 * hands every line to the RecordWriter with the position after it, so position and rows commit
 * together. A failed batch makes it rewind to the committed position.
 */
export class FileTailer {
  readonly #db: Database;
  readonly #writer: RecordWriter;
  readonly #config: FileSourceConfig;
  readonly #pollMs: number;
  readonly #chunkBytes: number;
  readonly #logger: Logger;
  readonly #clock: () => number;
  readonly #stats: TailerStats = { linesRead: 0, parsed: 0, rejected: 0, written: 0, duplicates: 0, bytesBehind: 0, lastError: null, lastErrorAt: null };
  #source: SourceState | undefined;
  /** What every line's item says of the source (one object, not one a line). */
  #context: LineContext | undefined;
  #file: OpenFile | undefined;
  /**
   * Lines queued whose batch has not settled yet (one sink for all lines, no promise per line). The
   * first failure of a run of lines makes the tailer rewind; the rest only settle.
   */
  readonly #pending = new PendingWrites(
    (outcome) => this.#count(outcome),
    (error) => {
      if (this.#rewind) return undefined;
      this.#rewind = true;
      return this.#fail(error);
    },
  );
  #rewind = true;
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wakeSleep: (() => void) | undefined;
  /** Waiters of `idle()`, each with the pass of the loop that was running when it asked. */
  #idleWaiters: { readonly after: number; readonly resolve: () => void }[] = [];
  /** Passes of the read loop started so far. */
  #passes = 0;

  constructor(db: Database, writer: RecordWriter, config: FileSourceConfig, options: FileTailerOptions = {}) {
    this.#db = db;
    this.#writer = writer;
    this.#config = config;
    this.#pollMs = options.pollIntervalMs ?? 250;
    this.#chunkBytes = options.chunkBytes ?? READ_CHUNK_BYTES;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? Date.now;
  }

  get stats(): Readonly<TailerStats> {
    return { ...this.#stats };
  }

  get sourceId(): number | undefined {
    return this.#source?.id;
  }

  async start(): Promise<void> {
    this.#useSource(await ensureFileSource(this.#db, this.#config));
    this.#stopping = false;
    this.#loop = this.#run();
  }

  /** Stops reading. Lines already handed to the writer still commit (drain the writer to wait). */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wakeSleep?.();
    await this.#loop;
    await this.#closeFile();
  }

  /**
   * Resolves the next time the tailer is at the end of its file with every line committed, as seen
   * by a pass that started after this call (a pass that looked at the file before a write made just
   * now would call it idle too early).
   */
  idle(): Promise<void> {
    return new Promise((resolve) => this.#idleWaiters.push({ after: this.#passes, resolve }));
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      try {
        const pass = (this.#passes += 1);
        if (this.#rewind) await this.#openAtCommitted();
        const progressed = this.#file === undefined ? false : await this.#step();
        if (!progressed) {
          await this.#pending.settled();
          if (!this.#rewind && this.#pending.count === 0) {
            const ready = this.#idleWaiters.filter((w) => w.after < pass);
            this.#idleWaiters = this.#idleWaiters.filter((w) => w.after >= pass);
            for (const { resolve } of ready) resolve();
          }
          await this.#sleep(this.#pollMs);
        }
      } catch (error) {
        await this.#fail(error);
        await this.#sleep(Math.max(this.#pollMs, 1000));
      }
    }
  }

  #useSource(source: SourceState): void {
    this.#source = source;
    this.#context = { projectUuid: source.projectUuid, parser: source.parser, sourceId: source.id, sourceName: source.name };
  }

  /** (Re)opens the file where the committed state says, after every line in flight settled. */
  async #openAtCommitted(): Promise<void> {
    await this.#pending.settled();
    await this.#closeFile();
    const source = await loadSource(this.#db, this.#config.projectUuid, this.#config.name);
    this.#useSource(source);
    this.#writer.resetSource(source.id);
    let current;
    try {
      current = await stat(this.#config.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        await this.#fail(new Error(`${this.#config.path} does not exist (yet)`));
        return;
      }
      throw error;
    }
    const sameFile = source.inode === String(current.ino) && source.device === String(current.dev);
    if (source.inode === null) {
      await this.#openPath(this.#config.path, source.startAt === 'end' ? current.size : 0);
    } else if (sameFile) {
      // Shorter than the committed offset: truncated (copytruncate) while we were away.
      await this.#openPath(this.#config.path, current.size >= source.offset ? source.offset : 0);
    } else {
      const rotated = await findByInode(dirname(this.#config.path), basename(this.#config.path), source.device, source.inode);
      if (rotated !== null) {
        this.#logger.info({ source: source.name, rotated }, 'finishing the rotated file first');
        await this.#openPath(rotated, source.offset);
      } else {
        this.#logger.warn({ source: source.name, path: this.#config.path }, 'the file was replaced and the old one is gone: starting the new file at its beginning');
        await this.#openPath(this.#config.path, 0);
      }
    }
    this.#rewind = false;
  }

  async #openPath(path: string, offset: number): Promise<void> {
    const handle = await open(path, 'r');
    const info = await handle.stat();
    this.#file = { handle, device: String(info.dev), inode: String(info.ino), splitter: new LineSplitter(offset), size: info.size };
  }

  async #closeFile(): Promise<void> {
    const file = this.#file;
    this.#file = undefined;
    await file?.handle.close().catch(() => {});
  }

  /** Reads what is new; at the end of the file, checks for rotation. True when something happened. */
  async #step(): Promise<boolean> {
    const file = this.#file!;
    const position = file.splitter.offset;
    // Catching up, each chunk would otherwise cost a stat as well as a read: on a 2-core VM each
    // is a wake-up of a thread-pool thread that costs the event loop tens of microseconds.
    if (position >= file.size) file.size = (await file.handle.stat()).size;
    const size = file.size;
    if (size < position) {
      this.#logger.info({ source: this.#config.name }, 'file truncated (copytruncate): reading it again from the start');
      file.splitter = new LineSplitter(0);
      return true;
    }
    if (size > position) {
      const length = Math.min(this.#chunkBytes, size - position);
      const buffer = Buffer.allocUnsafe(length);
      // Read in place: the bytes were just written (the page cache has them), and copying 64 KiB
      // takes less of the event loop than the thread pool's round trip, during which it sat idle.
      const bytesRead = readSync(file.handle.fd, buffer, 0, length, position);
      // Shorter than the stat promised: truncated meanwhile, the next step stats again.
      if (bytesRead < length) file.size = position + bytesRead;
      await this.#emitAll(file, file.splitter.push(buffer.subarray(0, bytesRead)), size);
      this.#stats.bytesBehind = size - file.splitter.offset;
      return bytesRead > 0;
    }
    let current;
    try {
      current = await stat(this.#config.path);
    } catch {
      return false; // renamed away and not recreated yet: keep the old file until a new one appears
    }
    if (String(current.ino) === file.inode && String(current.dev) === file.device) return false;
    // Rotated: the old file is finished (a last unterminated line counts), continue with the new one.
    await this.#emitAll(file, file.splitter.flush(), size);
    await this.#closeFile();
    await this.#openPath(this.#config.path, 0);
    return true;
  }

  async #emitAll(file: OpenFile, lines: Iterable<SplitLine>, size: number): Promise<void> {
    const turn = eventLoopTurns();
    for (const line of lines) {
      const wait = this.#emit(file, line, size) ?? turn();
      if (wait !== undefined) await wait;
    }
  }

  /** Queues a line's item; only when the writer's queue is full is there something to wait for. */
  #emit(file: OpenFile, line: SplitLine, size: number): Promise<void> | undefined {
    const source = this.#source!;
    const progress = { sourceId: source.id, offset: line.end, device: file.device, inode: file.inode, bytesBehind: Math.max(0, size - line.end) };
    const item = itemForLine(this.#context!, line, progress);
    if (item === null) return undefined;
    if (item.kind !== 'progress') this.#stats.linesRead += 1;
    return this.#pending.queue(this.#writer, item);
  }

  #count(outcome: WriteOutcome): void {
    if (outcome === 'inserted') {
      this.#stats.parsed += 1;
      this.#stats.written += 1;
    } else if (outcome === 'duplicate') {
      this.#stats.parsed += 1;
      this.#stats.duplicates += 1;
    } else if (outcome === 'rejected') this.#stats.rejected += 1;
  }

  async #fail(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.#stats.lastError = message;
    this.#stats.lastErrorAt = this.#clock();
    this.#rewind = true;
    this.#logger.warn({ source: this.#config.name, error: message }, 'ingest source failed');
    const id = this.#source?.id;
    if (id === undefined) return;
    await this.#db
      .write((tx) => tx.db.updateTable('ingest_sources').set({ last_error: message.slice(0, 1000), last_error_at: this.#clock() }).where('id', '=', id).execute())
      .catch(() => {});
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakeSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** A rotated file in the same folder (`access.log.1`, `access-2026-...log`) that still has the old inode. */
async function findByInode(dir: string, base: string, device: string | null, inode: string): Promise<string | null> {
  const stem = base.replace(/\.[^.]*$/, '');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return null;
  }
  for (const name of names) {
    if (!name.startsWith(stem)) continue;
    try {
      const info = await stat(join(dir, name));
      if (info.isFile() && String(info.ino) === inode && (device === null || String(info.dev) === device)) return join(dir, name);
    } catch {
      // vanished meanwhile
    }
  }
  return null;
}
