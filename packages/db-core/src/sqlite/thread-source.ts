/**
 * The program of one connection thread (plain CommonJS, evaluated by `new Worker(..., { eval: true })`
 * so it runs the same from TypeScript sources and from the build). It owns one connection (a
 * reader, or the writer) and answers one request at a time, in the order they were posted:
 *
 *   { id, op: 'query', sql, params }         -> { ms, json } | { ms, columns, rows } | { ms, changes, lastInsertRowid }
 *   { id, op: 'stream', sql, params, size }  -> the first chunk, then { id, op: 'pull', size } for each next one
 *   { id, op: 'close-stream' }               -> {}
 *   { id, op: 'exec', sql }                  -> {}
 *   { id, op: 'insert', sql, rows, each }    -> { changes } or, with `each`, { flags } (one per row: inserted?)
 *   { id, op: 'pragma', sql, simple }        -> { value }
 *   { id, op: 'rollback-open' }              -> { rolledBack }
 *   { id, op: 'pragmas' }                    -> { pragmas }
 *
 * A write unit's statements carry `tx: true`: the thread runs one only inside an open transaction
 * and refuses it otherwise (NO_TRANSACTION). Some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM)
 * make SQLite roll the whole transaction back on its own; the statements a unit posted together
 * with the failing one would then each commit on their own (a log batch's source offset without
 * its rows). Refused, they fail with the unit.
 *
 * Rows travel as arrays (better-sqlite3 builds them 2-3x faster than objects) encoded as one JSON
 * string `[columns, rows]`, which the main thread parses in a fifth of the time a structured clone
 * of the same rows takes to deserialise. Rows holding anything JSON cannot carry exactly (a BLOB,
 * a non-finite REAL), and rows of long strings, are sent as a structured clone instead. Booleans are
 * mapped here, both ways.
 */
export const CONNECTION_THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: workerData.readonly, fileMustExist: workerData.readonly });
// A new file gets incremental auto-vacuum (it can only be chosen before the first table).
if (workerData.newFileAutoVacuum && Number(db.pragma('page_count', { simple: true })) === 0) db.pragma('auto_vacuum = INCREMENTAL');
for (const pragma of workerData.pragmas) db.pragma(pragma);
const BOOLEANS = new Set(workerData.booleans);
const CACHE_SIZE = workerData.cacheSize;
/** Characters a value, on average, from which a reply goes as a structured clone instead of JSON. */
const LONG_STRINGS = 64;
const statements = new Map();
const streams = new Map();
const schemaVersion = db.prepare('PRAGMA schema_version').pluck();
let version = schemaVersion.get();

function prepared(sql) {
  let entry = statements.get(sql);
  if (entry !== undefined) {
    statements.delete(sql);
    statements.set(sql, entry);
    return entry;
  }
  const statement = db.prepare(sql);
  if (statement.reader) statement.raw(true);
  entry = { statement, columns: undefined, booleans: undefined };
  statements.set(sql, entry);
  if (statements.size > CACHE_SIZE) statements.delete(statements.keys().next().value);
  return entry;
}

// Column names are cached per statement; a schema change (which SQLite answers by re-preparing the
// statement, perhaps with other columns) clears them.
function describe(entry, statement) {
  if (entry.columns !== undefined) return;
  entry.columns = statement.columns().map((c) => c.name);
  entry.booleans = [];
  entry.columns.forEach((name, i) => { if (BOOLEANS.has(name)) entry.booleans.push(i); });
}

function checkSchema() {
  const current = schemaVersion.get();
  if (current === version) return;
  version = current;
  for (const entry of statements.values()) entry.columns = undefined;
}

// Booleans become 0/1 here, not on the posting side: copying every row there cost the event loop
// as much as posting it.
function bind(params) {
  return params.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v));
}

function encode(entry, rows, extra) {
  const flags = entry.booleans;
  let plain = true;
  let values = 0;
  let chars = 0;
  for (const row of rows) {
    for (const i of flags) {
      const v = row[i];
      if (v === 0 || v === 1) row[i] = v === 1;
    }
    if (plain) {
      values += row.length;
      for (const v of row) {
        if (typeof v === 'string') chars += v.length;
        else if (!(v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) {
          plain = false;
          break;
        }
      }
    }
  }
  // Long strings (a page of JSON texts) are copied as they are by a structured clone; in JSON every
  // quote in them would be escaped here and unescaped there (51 rows of 600-character texts: 54 +
  // 39 us as JSON, 17 + 20 us cloned).
  return plain && chars < LONG_STRINGS * values ? { ...extra, json: JSON.stringify([entry.columns, rows]) } : { ...extra, columns: entry.columns, rows };
}

function pull(id, size) {
  const stream = streams.get(id);
  const rows = [];
  let done = false;
  while (rows.length < size) {
    const next = stream.iterator.next();
    if (next.done) { done = true; break; }
    rows.push(next.value);
  }
  if (done) streams.delete(id);
  return encode(stream, rows, { done });
}

function readPragmas() {
  const one = (name) => db.pragma(name, { simple: true });
  return {
    journal_mode: String(one('journal_mode')),
    synchronous: Number(one('synchronous')),
    foreign_keys: Number(one('foreign_keys')),
    busy_timeout: Number(one('busy_timeout')),
    journal_size_limit: Number(one('journal_size_limit')),
    auto_vacuum: Number(one('auto_vacuum')),
  };
}

function handle(m) {
  if (m.tx === true && !db.inTransaction) {
    throw Object.assign(new Error('no transaction is open for this write unit: SQLite rolled it back after an earlier error, or it never began'), { code: 'NO_TRANSACTION' });
  }
  switch (m.op) {
    case 'query': {
      const started = performance.now();
      checkSchema();
      const entry = prepared(m.sql);
      const statement = entry.statement;
      if (!statement.reader) {
        const { changes, lastInsertRowid } = statement.run(bind(m.params));
        return { changes, lastInsertRowid, ms: performance.now() - started };
      }
      const rows = statement.all(bind(m.params));
      describe(entry, statement);
      if (rows.length > 0 && rows[0].length !== entry.columns.length) {
        entry.columns = undefined;
        describe(entry, statement);
      }
      return encode(entry, rows, { ms: performance.now() - started });
    }
    case 'stream': {
      // A cached statement cannot be iterated twice at once: stream through a fresh one.
      const statement = db.prepare(m.sql);
      if (!statement.reader) throw Object.assign(new Error('only queries that return rows can be streamed'), { code: 'INVALID_STREAM' });
      statement.raw(true);
      const stream = { iterator: statement.iterate(bind(m.params)), columns: undefined, booleans: undefined };
      describe(stream, statement);
      streams.set(m.id, stream);
      return pull(m.id, m.size);
    }
    case 'pull':
      return pull(m.id, m.size);
    case 'close-stream': {
      const stream = streams.get(m.id);
      streams.delete(m.id);
      if (stream !== undefined) stream.iterator.return();
      return {};
    }
    case 'exec':
      db.exec(m.sql);
      return {};
    case 'insert': {
      const statement = prepared(m.sql).statement;
      if (m.each) return { flags: m.rows.map((row) => statement.run(bind(row)).changes === 1) };
      let changes = 0;
      for (const row of m.rows) changes += statement.run(bind(row)).changes;
      return { changes };
    }
    case 'pragma':
      return { value: db.pragma(m.sql, { simple: m.simple === true }) };
    case 'rollback-open': {
      const open = db.inTransaction;
      if (open) db.exec('ROLLBACK');
      return { rolledBack: open };
    }
    case 'pragmas':
      return { pragmas: readPragmas() };
    default:
      throw new Error('unknown request ' + m.op);
  }
}

parentPort.on('message', (m) => {
  let reply;
  try {
    reply = { id: m.id, ok: true, ...handle(m) };
  } catch (error) {
    if (m.op === 'stream' || m.op === 'pull') streams.delete(m.id);
    reply = { id: m.id, ok: false, message: String((error && error.message) || error), code: error && typeof error.code === 'string' ? error.code : undefined };
  }
  parentPort.postMessage(reply);
});
`;
