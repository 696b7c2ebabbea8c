import type { Kysely } from 'kysely';
import type { Catalog } from './catalog.js';
import type { Logger } from './logger.js';
import type { ProjectScope } from './project-scope.js';
import type { Schema } from './schema/index.js';
import type { DialectCapabilities, DialectHelpers, SchemaChangeContext, WriteContext } from './write-context.js';

export type WriteUnit<T> = (tx: WriteContext) => Promise<T> | T;

export interface HealthReport {
  readonly ok: boolean;
  readonly dialect: DialectCapabilities['dialect'];
  /** Round trip of a trivial query on the read path. */
  readonly latencyMs: number;
  /** Write units waiting behind the one running (always 0 on Postgres). */
  readonly writeQueueDepth: number;
  readonly readOnly: boolean;
  readonly error?: string;
}

export interface CheckpointResult {
  /** False when a reader still holds a snapshot the checkpoint could not pass. */
  readonly completed: boolean;
  readonly walBytesAfter: number;
}

/** An open Panoptes database: one handle API on SQLite and Postgres. */
export interface Database {
  readonly capabilities: DialectCapabilities;
  readonly helpers: DialectHelpers;
  /** Kysely over the read path: separate connections that never wait for a write unit. */
  readonly read: Kysely<Schema>;
  readonly readOnly: boolean;
  /**
   * Runs one write unit in its own transaction (`BEGIN IMMEDIATE` on SQLite), strictly one after
   * another on SQLite. Never await non-database work inside a unit, and never call `write` from
   * inside one (that is refused: it would deadlock).
   */
  write<T>(unit: WriteUnit<T>): Promise<T>;
  /**
   * A write unit for schema changes: on SQLite foreign keys are switched off around it and
   * `PRAGMA foreign_key_check` must come back empty before commit; on Postgres it holds an
   * advisory lock so concurrent migrators take turns.
   */
  schemaChange<T>(unit: (tx: SchemaChangeContext) => Promise<T>): Promise<T>;
  /** Reads filtered by, and writes stamped with, one project's uuid. */
  project(uuid: string): ProjectScope;
  health(): Promise<HealthReport>;
  /** Moves the WAL into the database and truncates it (SQLite); a no-op on Postgres. */
  checkpoint(): Promise<CheckpointResult>;
  /**
   * Returns free pages to the file system a little at a time (SQLite incremental vacuum through the
   * writer, at most `maxPages` per call) instead of a full VACUUM that would stall every writer.
   * Returns the pages freed; always 0 on Postgres, where autovacuum does this.
   */
  reclaimSpace(maxPages?: number): Promise<number>;
  /** Tables, columns, keys and indexes, normalised so both dialects compare. */
  catalog(): Promise<Catalog>;
  /** Whether a table exists (read path). */
  tableExists(name: string): Promise<boolean>;
  /** Per-connection settings as the server reports them (pragmas on SQLite). */
  connectionSettings(): Promise<readonly Record<string, unknown>[]>;
  /** Waits for running write units, then closes every connection and releases the writer lock. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** `sqlite:<path>` (the default scheme; a bare path works too) or `postgres://...`. */
  readonly url: string;
  /** Open without the writer: reads only, no lock taken (SQLite), writes refused. */
  readonly readOnly?: boolean;
  /** How long to wait for another process's writer lock before refusing (SQLite). Default 0. */
  readonly writerLockWaitMs?: number;
  /** Reader connections on SQLite (default 2); pool size on Postgres (default 10). */
  readonly connections?: number;
  /** WAL size that triggers a truncating checkpoint when readers are idle (SQLite). */
  readonly journalSizeLimitBytes?: number;
  /** Minimum time between automatic truncating checkpoints (SQLite, default 30 s). */
  readonly checkpointIntervalMs?: number;
  readonly logger?: Logger;
  /** Epoch milliseconds now; tests pass their own. */
  readonly clock?: () => number;
}
