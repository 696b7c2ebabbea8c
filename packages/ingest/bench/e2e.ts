// End-to-end ingest benchmark: a Caddy access log of N lines (made from the real samples) tailed
// into a fresh database: tail -> parse -> RecordWriter -> SQLite / Postgres, all indexes.
// Usage: node --import tsx --conditions=@panoptes/source bench/e2e.ts [--lines 1000000] [--batch 1024] [--dialect sqlite|postgres|both]
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DEFAULT_PROJECT_UUID, openDatabase } from '@panoptes/db-core';
import { createMigrator } from '@panoptes/migrations';
import { FileTailer, loadSource, RecordWriter } from '../src/index.js';
import { caddyLines } from '../test/fixtures/lines.js';

const { values } = parseArgs({
  options: { lines: { type: 'string', default: '1000000' }, batch: { type: 'string', default: '1024' }, dialect: { type: 'string', default: 'both' } },
});
const lineCount = Number(values.lines);
const batchSize = Number(values.batch);
const dir = mkdtempSync(join(tmpdir(), 'panoptes-bench-'));

async function writeLog(path: string): Promise<number> {
  const out = createWriteStream(path);
  const chunk = 10_000;
  for (let start = 0; start < lineCount; start += chunk) {
    const lines = caddyLines(Math.min(chunk, lineCount - start), Date.UTC(2026, 10, 1) + start * 50, 50).map((l, i) => l.replace('"remote_port":"', `"remote_port":"${start + i}`));
    if (!out.write(`${lines.join('\n')}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return statSync(path).size;
}

async function run(dialect: 'sqlite' | 'postgres', log: string): Promise<Record<string, number | string>> {
  let url = `sqlite:${join(dir, 'bench.db')}`;
  const adminUrl = process.env.PANOPTES_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const pgName = `panoptes_bench_${process.pid}`;
  if (dialect === 'postgres') {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pgName}`);
    await admin.query(`CREATE DATABASE ${pgName}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${pgName}`;
    url = u.toString();
  }
  const db = await openDatabase(url);
  await createMigrator(db).up();
  const writer = new RecordWriter(db, { batchSize, queueSize: Math.max(4096, batchSize * 4) });
  const tailer = new FileTailer(db, writer, { projectUuid: DEFAULT_PROJECT_UUID, name: 'bench', path: log, parser: 'caddy_access' }, { pollIntervalMs: 20 });
  const size = statSync(log).size;
  const started = performance.now();
  await tailer.start();
  for (;;) {
    await tailer.idle();
    if ((await loadSource(db, DEFAULT_PROJECT_UUID, 'bench')).offset === size) break;
  }
  const seconds = (performance.now() - started) / 1000;
  await tailer.stop();
  await writer.close();
  const { n } = await db.read.selectFrom('log_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  await db.checkpoint();
  await db.close();
  let bytesPerRow = 0;
  if (dialect === 'sqlite') bytesPerRow = statSync(join(dir, 'bench.db')).size / Number(n);
  else {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    bytesPerRow = Number((await admin.query(`SELECT pg_database_size('${pgName}') AS s`)).rows[0].s) / Number(n);
    await admin.query(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
    await admin.end();
  }
  return { dialect, rows: Number(n), seconds: Number(seconds.toFixed(1)), lines_per_s: Math.round(Number(n) / seconds), bytes_per_row: Math.round(bytesPerRow), batch: batchSize };
}

try {
  const log = join(dir, 'access.log');
  const bytes = await writeLog(log);
  console.log(`generated ${lineCount} lines (${(bytes / 1e6).toFixed(0)} MB)`);
  const dialects = values.dialect === 'both' ? (['sqlite', 'postgres'] as const) : [values.dialect as 'sqlite' | 'postgres'];
  const results = [];
  for (const dialect of dialects) results.push(await run(dialect, log));
  console.table(results);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
