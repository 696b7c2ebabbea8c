/**
 * The contract-test harness: run one suite against a fresh SQLite file and a fresh, throwaway
 * Postgres database. Postgres availability comes from the shared Vitest global setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, inject } from 'vitest';
import type { Database, OpenOptions } from './database.js';
import { openDatabase } from './open.js';
import type { Dialect } from './write-context.js';

export interface PostgresStatus {
  readonly available: boolean;
  readonly adminUrl: string;
  readonly version?: string;
  readonly reason?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresStatus;
  }
}

export interface DialectFixture {
  readonly dialect: Dialect;
  /** The URL of a new, empty database (a new file, or a new Postgres database). */
  freshUrl(): Promise<string>;
  /** Opens a database (a fresh one unless `url` is given); closed and dropped after the suite. */
  open(options?: Partial<OpenOptions>): Promise<Database>;
}

export function postgresStatus(): PostgresStatus {
  return inject('postgres');
}

/** True when the run found a Postgres server to test against. */
export function hasPostgres(): boolean {
  return postgresStatus().available;
}

/** Declares `<name> [sqlite]` and `<name> [postgres]` (skipped when no server is reachable). */
export function describeEachDialect(name: string, suite: (fixture: DialectFixture) => void): void {
  describe(`${name} [sqlite]`, () => suite(sqliteFixture()));
  describe.runIf(hasPostgres())(`${name} [postgres]`, () => suite(postgresFixture()));
}

function trackHandles(fixtureOpen: (options: Partial<OpenOptions>) => Promise<string>) {
  const handles: Database[] = [];
  afterAll(async () => {
    await Promise.allSettled(handles.map((h) => h.close()));
  });
  return async (options: Partial<OpenOptions> = {}): Promise<Database> => {
    const url = options.url ?? (await fixtureOpen(options));
    const handle = await openDatabase({ ...options, url });
    handles.push(handle);
    return handle;
  };
}

/** A fixture over fresh SQLite files in a temporary folder removed after the suite. */
export function sqliteFixture(): DialectFixture {
  let dir: string | undefined;
  let counter = 0;
  const freshUrl = async (): Promise<string> => {
    dir ??= mkdtempSync(join(tmpdir(), 'panoptes-test-'));
    counter += 1;
    return `sqlite:${join(dir, `db-${counter}`, 'panoptes.db')}`;
  };
  const open = trackHandles(freshUrl);
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return { dialect: 'sqlite', freshUrl, open };
}

const PREFIX = 'panoptes_t_';

/** A fixture over fresh Postgres databases, dropped after the suite. */
export function postgresFixture(): DialectFixture {
  const created: string[] = [];
  const admin = (): pg.Client => new pg.Client({ connectionString: postgresStatus().adminUrl });
  const freshUrl = async (): Promise<string> => {
    const name = `${PREFIX}${process.pid}_${created.length}_${Math.random().toString(36).slice(2, 8)}`;
    const client = admin();
    await client.connect();
    try {
      if (created.length === 0) await dropLeftovers(client);
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    created.push(name);
    const url = new URL(postgresStatus().adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const open = trackHandles(freshUrl);
  // Dropping many databases on a busy machine takes a while: four at a time, with time to spare.
  afterAll(async () => {
    const queue = [...created];
    await Promise.all(
      Array.from({ length: Math.min(4, queue.length) }, async () => {
        const client = admin();
        await client.connect();
        try {
          for (let name = queue.shift(); name !== undefined; name = queue.shift()) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await client.end();
        }
      }),
    );
  }, 300_000);
  return { dialect: 'postgres', freshUrl, open };
}

/** Drops test databases left by runs that were killed (their process no longer exists). */
async function dropLeftovers(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${PREFIX}%`]);
  for (const { datname } of rows) {
    const pid = Number(datname.slice(PREFIX.length).split('_')[0]);
    if (Number.isInteger(pid) && !isAlive(pid)) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface Child {
  readonly process: ChildProcess;
  /** The first line the child prints, parsed as JSON. */
  readonly firstLine: Promise<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
}

/**
 * Time limit for a test that starts children with `startTypeScriptChild`: each compiles its
 * TypeScript on start, and on a loaded 2-core machine (every package's lint, typecheck and tests at
 * once) two of them took over 30 s.
 */
export const TYPESCRIPT_CHILD_TEST_MS = 120_000;

/**
 * Starts a TypeScript file in a fresh Node process (through tsx, resolved from `cwd`) that resolves
 * workspace packages to their sources, as the tests do. For tests that need a second process.
 */
export function startTypeScriptChild(script: string, args: readonly string[], cwd: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@panoptes/source', script, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const firstLine = new Promise<Record<string, unknown>>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as Record<string, unknown>));
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing a result`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, firstLine, exited };
}

/** The error a promise rejects with; fails the test when it resolves instead. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { readonly code?: string; readonly context?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** A port on 127.0.0.1 that was free a moment ago: for servers a test starts, or a port nothing listens on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
