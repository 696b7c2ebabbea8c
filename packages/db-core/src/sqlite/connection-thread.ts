import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import { BOOLEAN_COLUMNS } from '../schema/index.js';
import { DatabaseUnavailableError, PanoptesError } from '../errors.js';
import { checkSqliteParameters } from './connection.js';
import { translateSqliteError } from './errors.js';
import type { SqlitePragmas } from './pragmas.js';
import { CONNECTION_THREAD_SOURCE } from './thread-source.js';

const driver = createRequire(import.meta.url).resolve('better-sqlite3');
const STATEMENT_CACHE_SIZE = 512;
const STREAM_CHUNK = 100;

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly json?: string;
  readonly columns?: readonly string[];
  readonly rows?: unknown[][];
  readonly changes?: number;
  readonly lastInsertRowid?: number | bigint;
  readonly done?: boolean;
  /** How long the statement ran in the thread. */
  readonly ms?: number;
  readonly flags?: boolean[];
  readonly value?: unknown;
  readonly rolledBack?: boolean;
  readonly pragmas?: SqlitePragmas;
  readonly message?: string;
  readonly code?: string;
}

interface Pending {
  resolve(reply: Reply): void;
  reject(error: unknown): void;
}

export interface ConnectionThreadOptions {
  readonly path: string;
  /** A reader (read-only, the file must exist) or the writer (creates the file). */
  readonly readOnly: boolean;
  /** `PRAGMA` arguments the thread runs on its connection before the first request. */
  readonly pragmas: readonly string[];
  /** Give a new, empty file incremental auto-vacuum before anything else (the writer). */
  readonly newFileAutoVacuum?: boolean;
  /** Called before every statement: the writer uses it to refuse use outside a write unit. */
  readonly guard?: () => void;
  /**
   * The writer: every statement (all but `begin`, `pragma` and `rollbackOpen`) belongs to a write
   * unit and runs only inside its open transaction; the thread refuses it otherwise.
   */
  readonly transactional?: boolean;
  /** Told how long each query ran in the thread (the read router learns which statements are cheap). */
  readonly observe?: (sql: string, ms: number) => void;
}

/** The rows as they are, once no value is one the thread could not bind. */
function checked(rows: readonly (readonly unknown[])[]): readonly (readonly unknown[])[] {
  for (const row of rows) checkSqliteParameters(row);
  return rows;
}

/**
 * One better-sqlite3 connection living in a worker thread, as Kysely sees it: a statement (even one
 * that scans for a second, or a commit writing megabytes of WAL) never holds the event loop, which
 * only posts the SQL and parses the answer. Requests run one at a time in the order posted. The
 * thread is referenced only while a request is in flight, so an idle connection never keeps a
 * process alive.
 */
export class ConnectionThread implements DatabaseConnection {
  readonly #options: ConnectionThreadOptions;
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();
  #closed = false;

  constructor(options: ConnectionThreadOptions) {
    this.#options = options;
  }

  /** Starts the thread and waits until its connection is open (errors surface here). */
  async ready(): Promise<void> {
    await this.#request({ op: 'pragma', sql: 'schema_version', simple: true });
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    this.#options.guard?.();
    checkSqliteParameters(compiledQuery.parameters);
    const reply = await this.#request(this.#statement({ op: 'query', sql: compiledQuery.sql, params: compiledQuery.parameters }));
    if (reply.ms !== undefined) this.#options.observe?.(compiledQuery.sql, reply.ms);
    if (reply.changes !== undefined) {
      return { rows: [], numAffectedRows: BigInt(reply.changes), insertId: BigInt(reply.lastInsertRowid ?? 0) };
    }
    return { rows: decodeRows(reply) as R[] };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    this.#options.guard?.();
    const size = Math.max(1, chunkSize ?? STREAM_CHUNK);
    checkSqliteParameters(compiledQuery.parameters);
    const id = (this.#nextId += 1);
    let reply = await this.#request(this.#statement({ op: 'stream', sql: compiledQuery.sql, params: compiledQuery.parameters, size }), id);
    let finished = false;
    try {
      for (;;) {
        for (const row of decodeRows(reply)) yield { rows: [row as R] };
        if (reply.done === true) {
          finished = true;
          return;
        }
        reply = await this.#request({ op: 'pull', size }, id);
      }
    } finally {
      // Stopped early (a break, or an error in the consumer): let the thread drop its iterator.
      if (!finished && !this.#closed) await this.#request({ op: 'close-stream' }, id).catch(() => {});
    }
  }

  /** Runs SQL text without parameters (may hold several statements). */
  async exec(sql: string): Promise<void> {
    this.#options.guard?.();
    await this.#request(this.#statement({ op: 'exec', sql }));
  }

  /** `BEGIN IMMEDIATE`: a write unit's one statement that runs outside its transaction. */
  async begin(): Promise<void> {
    this.#options.guard?.();
    await this.#request({ op: 'exec', sql: 'BEGIN IMMEDIATE' });
  }

  /** Runs one prepared INSERT per row; the rows inserted, or with `each` which rows were. */
  async insert(sql: string, rows: readonly (readonly unknown[])[]): Promise<number> {
    this.#options.guard?.();
    const reply = await this.#request(this.#statement({ op: 'insert', sql, rows: checked(rows), each: false }));
    return reply.changes ?? 0;
  }

  /** Like `insert`, telling for each row whether it was inserted. */
  async insertEach(sql: string, rows: readonly (readonly unknown[])[]): Promise<boolean[]> {
    this.#options.guard?.();
    const reply = await this.#request(this.#statement({ op: 'insert', sql, rows: checked(rows), each: true }));
    return reply.flags ?? [];
  }

  /** A statement's request, marked as one of a write unit on the writer's connection. */
  #statement(message: Record<string, unknown>): Record<string, unknown> {
    return this.#options.transactional === true ? { ...message, tx: true } : message;
  }

  /** `PRAGMA <sql>`; with `simple`, the first column of the first row. */
  async pragma(sql: string, simple = false): Promise<unknown> {
    return (await this.#request({ op: 'pragma', sql, simple })).value;
  }

  /** Rolls back a transaction left open (a failed unit); true if there was one. */
  async rollbackOpen(): Promise<boolean> {
    return (await this.#request({ op: 'rollback-open' })).rolledBack === true;
  }

  /** The pragmas the thread's connection runs with. */
  async pragmas(): Promise<SqlitePragmas> {
    return (await this.#request({ op: 'pragmas' })).pragmas!;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll(new DatabaseUnavailableError('DATABASE_CLOSED', 'the database is closed'));
    await worker?.terminate();
  }

  #request(message: Record<string, unknown>, id = (this.#nextId += 1)): Promise<Reply> {
    if (this.#closed) return Promise.reject(new DatabaseUnavailableError('DATABASE_CLOSED', 'the database is closed'));
    const worker = this.#start();
    return new Promise<Reply>((resolve, reject) => {
      if (this.#pending.size === 0) worker.ref();
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    }).then((reply) => {
      if (reply.ok) return reply;
      if (reply.code === 'INVALID_STREAM') throw new PanoptesError('INVALID_STREAM', reply.message ?? 'not a stream');
      throw translateSqliteError(Object.assign(new Error(reply.message), reply.code === undefined ? {} : { code: reply.code }));
    });
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const options = this.#options;
    const worker = new Worker(CONNECTION_THREAD_SOURCE, {
      eval: true,
      // The source is CommonJS: not the parent's flags (`--input-type=module` would make it ESM, and
      // a loader such as tsx would only slow the thread's start).
      execArgv: [],
      workerData: {
        path: options.path,
        driver,
        readonly: options.readOnly,
        newFileAutoVacuum: options.newFileAutoVacuum === true,
        pragmas: options.pragmas,
        booleans: BOOLEAN_COLUMNS,
        cacheSize: STATEMENT_CACHE_SIZE,
      },
    });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      pending.resolve(reply);
    });
    const lost = (why: string): void => {
      if (this.#worker !== worker) return;
      // The next request starts a fresh thread; what was in flight fails (a transaction with it).
      this.#worker = undefined;
      this.#failAll(new DatabaseUnavailableError('CONNECTION_THREAD_FAILED', `a database connection thread stopped: ${why}`, { retryable: true }));
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.#worker = worker;
    return worker;
  }

  #failAll(error: Error): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }
}

/** Rows back as objects, from `[columns, rows]` JSON or a structured clone of the same. */
function decodeRows(reply: Reply): Record<string, unknown>[] {
  let columns: readonly string[];
  let rows: unknown[][];
  if (reply.json !== undefined) {
    [columns, rows] = JSON.parse(reply.json) as [string[], unknown[][]];
  } else {
    columns = reply.columns ?? [];
    rows = reply.rows ?? [];
    for (const row of rows) {
      for (let i = 0; i < row.length; i += 1) {
        const value = row[i];
        // A structured clone turns a Buffer into a plain Uint8Array: give BLOBs back as Buffers.
        if (value instanceof Uint8Array && !Buffer.isBuffer(value)) row[i] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      }
    }
  }
  const out = new Array<Record<string, unknown>>(rows.length);
  const width = columns.length;
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r]!;
    const object: Record<string, unknown> = {};
    for (let i = 0; i < width; i += 1) object[columns[i]!] = row[i];
    out[r] = object;
  }
  return out;
}
