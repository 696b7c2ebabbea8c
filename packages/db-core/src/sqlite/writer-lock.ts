import Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseUnavailableError } from '../errors.js';

/**
 * Who may write a database file: the process holding an exclusive SQLite lock on `<db>.lock`. The
 * operating system drops the lock when the process dies (even by SIGKILL), so no stale lock
 * survives a crash, and a second opener in this or another process is refused with a clear message.
 */
export class WriterLock {
  readonly #raw: Database.Database;

  private constructor(raw: Database.Database) {
    this.#raw = raw;
  }

  static async acquire(databasePath: string, waitMs: number): Promise<WriterLock> {
    const lockPath = `${databasePath}.lock`;
    const deadline = Date.now() + Math.max(0, waitMs);
    for (;;) {
      const raw = new Database(lockPath);
      try {
        raw.pragma('busy_timeout = 0');
        raw.pragma('locking_mode = EXCLUSIVE');
        raw.pragma('journal_mode = MEMORY'); // no -journal file beside the lock
        raw.exec('BEGIN EXCLUSIVE');
        raw.exec('CREATE TABLE IF NOT EXISTS writer (pid INTEGER NOT NULL, since INTEGER NOT NULL)');
        raw.exec('DELETE FROM writer');
        raw.prepare('INSERT INTO writer (pid, since) VALUES (?, ?)').run(process.pid, Date.now());
        // In EXCLUSIVE locking mode the lock outlives the commit until the connection closes.
        raw.exec('COMMIT');
        return new WriterLock(raw);
      } catch (error) {
        raw.close();
        const busy = (error as { code?: string }).code?.startsWith('SQLITE_BUSY') === true;
        if (!busy) throw error;
        if (Date.now() >= deadline) {
          throw new DatabaseUnavailableError(
            'DATABASE_LOCKED',
            `The database ${databasePath} is already open for writing by another Panoptes process ` +
              `(lock: ${lockPath}). Stop that process first, or open the database read-only.`,
            { retryable: true, context: { path: databasePath } },
          );
        }
        await sleep(50);
      }
    }
  }

  release(): void {
    if (this.#raw.open) this.#raw.close();
  }
}

/**
 * Takes the writer lock of a SQLite file without opening the database: for tools that replace the
 * file at boot (a restore) and must be sure no Panoptes process has it open.
 */
export async function acquireWriterLock(databasePath: string, waitMs = 0): Promise<{ release(): void }> {
  const lock = await WriterLock.acquire(databasePath, waitMs);
  return { release: () => lock.release() };
}
