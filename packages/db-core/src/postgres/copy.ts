import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * `COPY <table> (<columns>) FROM STDIN` whose one parameter is the data, in COPY's text format. A
 * COPY statement takes no bind parameters in Postgres, so the pairing names nothing else.
 */
const COPY_FROM_STDIN = /^COPY [^;]+ FROM STDIN$/;

/** The result pg gives for a statement, as Kysely reads it. */
interface CopyResult {
  readonly command: 'COPY';
  readonly rowCount: number;
  readonly rows: [];
}

/** Streams `data` into a `COPY ... FROM STDIN` on the client; resolves once Postgres confirmed it. */
function copyIn(client: pg.PoolClient, text: string, data: string): Promise<CopyResult> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(text));
    stream.on('error', reject);
    stream.on('finish', () => resolve({ command: 'COPY', rowCount: stream.rowCount, rows: [] }));
    stream.end(data);
  });
}

/**
 * The pool Kysely's Postgres driver draws from, whose connections also run `COPY ... FROM STDIN`
 * with its data as the one parameter: Kysely has no COPY, and its connections keep their pg client
 * to themselves. Everything else goes to pg unchanged. One wrapper per pg client, so Kysely's own
 * per-client bookkeeping still sees the same connection each time.
 */
export function copyingPool(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let found = wrapped.get(client);
    if (found === undefined) {
      function query(text: string | pg.Submittable, values?: readonly unknown[]): unknown {
        if (typeof text !== 'string') return client.query(text); // a cursor
        const data = values?.length === 1 ? values[0] : undefined;
        if (typeof data === 'string' && COPY_FROM_STDIN.test(text)) return copyIn(client, text, data);
        return client.query(text, values as unknown[]);
      }
      // One implementation behind Kysely's two overloads (a statement; a cursor).
      found = { query: query as PostgresPoolClient['query'], release: () => client.release() };
      wrapped.set(client, found);
    }
    return found;
  };
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}

const COPY_ESCAPE = /[\\\n\r\t]/;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A field of COPY's text format: backslash, newline, carriage return and tab escaped. */
export function copyField(text: string): string {
  return COPY_ESCAPE.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]!) : text;
}
