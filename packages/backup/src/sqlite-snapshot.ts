import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { BackupError } from './errors.js';
import { sha256FileInWorker } from './files.js';
import { COUNTED_TABLES } from './metadata.js';

/**
 * Runs in a worker thread with its own connection, so the main thread (and the writer on it) never
 * waits: `VACUUM INTO` copies a consistent snapshot while writers keep writing (measured here: the
 * online backup API from a second connection never finishes under a busy writer). The worker
 * reports the row counts as soon as the copy exists, then integrity-checks it while the caller
 * hashes and archives it. Reads go through a memory map, so the check's millions of index lookups
 * cost no system call each (9.2 s -> 5.5 s on a 460 MB database here). The snapshot is written
 * without fsync (synchronous OFF): it is a scratch file, deleted once archived, and only the archive
 * must reach the disk. CommonJS source, evaluated in the worker.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const MMAP = 'mmap_size = ' + workerData.mmapBytes;
try {
  if (workerData.source) {
    const live = new Database(workerData.source, { readonly: true, fileMustExist: true });
    try {
      live.pragma('busy_timeout = 5000');
      live.pragma(MMAP);
      live.pragma('synchronous = OFF');
      live.prepare('VACUUM INTO ?').run(workerData.target);
    } finally {
      live.close();
    }
  }
  const snapshot = new Database(workerData.target, { readonly: true, fileMustExist: true });
  snapshot.pragma(MMAP);
  const counts = {};
  const has = snapshot.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
  for (const table of workerData.tables) {
    if (has.get(table)) counts[table] = snapshot.prepare('SELECT count(*) AS n FROM "' + table + '"').get().n;
  }
  const schema = has.get('schema_migrations') ? snapshot.prepare('SELECT max(version) AS v FROM schema_migrations').get().v : null;
  parentPort.postMessage({ kind: 'copied', counts, schema });
  const integrity = snapshot.pragma('integrity_check', { simple: true });
  snapshot.close();
  parentPort.postMessage({ kind: 'checked', integrity });
} catch (error) {
  parentPort.postMessage({ kind: 'failed', message: String(error && error.message || error) });
}
`;

/** SQLite's own ceiling for a memory map (SQLITE_MAX_MMAP_SIZE); a larger file is mapped in part. */
const MMAP_BYTES = 0x7fff0000;

export interface SnapshotReport {
  readonly integrity: string;
  readonly counts: Record<string, number>;
  readonly schemaVersion: string | null;
}

/** A snapshot file that exists and is counted, while its integrity check may still be running. */
export interface SqliteSnapshot {
  readonly counts: Record<string, number>;
  readonly schemaVersion: string | null;
  readonly sha256: string;
  /** `ok`, or SQLite's first complaint about the snapshot. */
  readonly integrity: Promise<string>;
}

type WorkerMessage =
  | { readonly kind: 'copied'; readonly counts: Record<string, number>; readonly schema: string | null }
  | { readonly kind: 'checked'; readonly integrity: string }
  | { readonly kind: 'failed'; readonly message: string };

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

function runWorker(data: { source: string | null; target: string }): Promise<Omit<SqliteSnapshot, 'sha256'>> {
  let checked!: { resolve: (integrity: string) => void; reject: (error: unknown) => void };
  const integrity = new Promise<string>((resolve, reject) => (checked = { resolve, reject }));
  // Handled here too: a caller that stops at a failed copy never awaits the check.
  integrity.catch(() => {});
  return new Promise((resolve, reject) => {
    const fail = (error: unknown): void => {
      reject(error);
      checked.reject(error);
    };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...data, driver, tables: COUNTED_TABLES, mmapBytes: MMAP_BYTES } });
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'copied') resolve({ counts: message.counts, schemaVersion: message.schema ?? null, integrity });
      else if (message.kind === 'checked') checked.resolve(message.integrity);
      else fail(new BackupError('BACKUP_FAILED', `SQLite snapshot failed: ${message.message}`));
    });
    worker.once('error', fail);
    worker.once('exit', (code) => {
      if (code !== 0) fail(new BackupError('BACKUP_FAILED', `the snapshot worker exited with code ${code}`));
    });
  });
}

/**
 * Copies a consistent snapshot of the live database to `target` and hashes it (off the main
 * thread); resolves once both are done, with its integrity check still running.
 */
export async function snapshotSqlite(source: string, target: string): Promise<SqliteSnapshot> {
  const copied = await runWorker({ source, target });
  try {
    // In a thread of its own, while the integrity check runs in the snapshot's.
    return { ...copied, sha256: await sha256FileInWorker(target) };
  } catch (error) {
    await copied.integrity.catch(() => {});
    throw error;
  }
}

/** Integrity-checks and counts an existing SQLite file (off the main thread). */
export async function checkSqliteFile(file: string): Promise<SnapshotReport> {
  const { counts, schemaVersion, integrity } = await runWorker({ source: null, target: file });
  return { counts, schemaVersion, integrity: await integrity };
}
