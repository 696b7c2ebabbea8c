import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { BackupError } from './errors.js';
import { COUNTED_TABLES } from './metadata.js';

/**
 * Runs in a worker thread with its own connection, so the main thread (and the writer on it) never
 * waits: `VACUUM INTO` copies a consistent snapshot while writers keep writing (measured here: the
 * online backup API from a second connection never finishes under a busy writer). Then the
 * snapshot is integrity-checked and its rows counted. CommonJS source, evaluated in the worker.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
try {
  let integrity = null;
  if (workerData.source) {
    const live = new Database(workerData.source, { readonly: true, fileMustExist: true });
    live.pragma('busy_timeout = 5000');
    live.prepare('VACUUM INTO ?').run(workerData.target);
    live.close();
  }
  const snapshot = new Database(workerData.target, { readonly: true, fileMustExist: true });
  integrity = snapshot.pragma('integrity_check', { simple: true });
  const counts = {};
  const has = snapshot.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
  for (const table of workerData.tables) {
    if (has.get(table)) counts[table] = snapshot.prepare('SELECT count(*) AS n FROM "' + table + '"').get().n;
  }
  const schema = has.get('schema_migrations') ? snapshot.prepare('SELECT max(version) AS v FROM schema_migrations').get().v : null;
  snapshot.close();
  parentPort.postMessage({ ok: true, integrity, counts, schema });
} catch (error) {
  parentPort.postMessage({ ok: false, message: String(error && error.message || error) });
}
`;

export interface SnapshotReport {
  readonly integrity: string;
  readonly counts: Record<string, number>;
  readonly schemaVersion: string | null;
}

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

function runWorker(data: { source: string | null; target: string }): Promise<SnapshotReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...data, driver, tables: COUNTED_TABLES } });
    worker.once('message', (message: { ok: boolean; message?: string; integrity?: string; counts?: Record<string, number>; schema?: string | null }) => {
      if (!message.ok) reject(new BackupError('BACKUP_FAILED', `SQLite snapshot failed: ${message.message}`));
      else resolve({ integrity: message.integrity!, counts: message.counts!, schemaVersion: message.schema ?? null });
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new BackupError('BACKUP_FAILED', `the snapshot worker exited with code ${code}`));
    });
  });
}

/** Copies a consistent snapshot of the live database to `target` (off the main thread) and checks it. */
export function snapshotSqlite(source: string, target: string): Promise<SnapshotReport> {
  return runWorker({ source, target });
}

/** Integrity-checks and counts an existing SQLite file (off the main thread). */
export function checkSqliteFile(file: string): Promise<SnapshotReport> {
  return runWorker({ source: null, target: file });
}
