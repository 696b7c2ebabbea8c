import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { contentHash, parseCaddyAccess } from '@panoptes/ingest';
import { DEFAULT_PROJECT_UUID, openDatabase } from '@panoptes/db-core';
import { createMigrator } from '@panoptes/migrations';
import type { BenchContext, IngestRun } from '../context.js';
import { addCpuCeiling, processCpuSeconds, usPerLine } from '../cpu.js';
import { chunks } from '../lines.js';
import { freshPort } from '../ports.js';
import { runWorker, startApi } from '../process.js';

const COLUMNS = ['project_uuid', 'ts', 'source', 'level', 'host_domain', 'remote_ip', 'client_ip', 'method', 'path', 'status', 'duration_ms', 'size_bytes', 'bytes_read', 'user_agent', 'upstream', 'user_id', 'message', 'raw', 'content_hash'] as const;

/** The naive limit: the same rows through one cached better-sqlite3 statement, 128-row transactions, the same schema and indexes. */
async function rawInsert(ctx: BenchContext, log: string): Promise<number> {
  const path = join(ctx.dir, 'raw.db');
  rmSync(path, { force: true });
  const db = await openDatabase(`sqlite:${path}`);
  await createMigrator(db).up();
  await db.close();
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  const insert = sqlite.prepare(`INSERT INTO log_entries (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  const batch = sqlite.transaction((rows: unknown[][]) => {
    for (const r of rows) insert.run(...r);
  });
  let count = 0;
  let insertMs = 0;
  for await (const lines of chunks(log, 128)) {
    const rows = lines.map((line) => {
      const outcome = parseCaddyAccess(line);
      if (!outcome.ok) throw new Error(outcome.reason);
      const e = outcome.entry;
      return [DEFAULT_PROJECT_UUID, e.ts, e.source, e.level, e.host_domain, e.remote_ip, e.client_ip, e.method, e.path, e.status, e.duration_ms, e.size_bytes, e.bytes_read, e.user_agent, e.upstream, e.user_id, e.message, e.raw, contentHash(DEFAULT_PROJECT_UUID, 'caddy_access', line)];
    });
    const started = performance.now();
    batch(rows);
    insertMs += performance.now() - started;
    count += rows.length;
  }
  sqlite.close();
  rmSync(path, { force: true });
  ctx.figures.add('ingest.raw_insert_rows_per_s', count / (insertMs / 1000), 'rows/s', 'reference', 'insert time only (parsing excluded)');
  return count;
}

/** GoAccess (Debian) parsing the same file, when installed. */
function goaccess(ctx: BenchContext, log: string, lines: number): void {
  if (!existsSync('/usr/bin/goaccess')) return;
  const out = join(ctx.dir, 'goaccess.json');
  const started = performance.now();
  const result = spawnSync('/usr/bin/goaccess', [log, '--log-format=CADDY', '-o', out, '--no-global-config'], { stdio: 'ignore' });
  const seconds = (performance.now() - started) / 1000;
  rmSync(out, { force: true });
  if (result.status !== 0) return;
  ctx.figures.add('ingest.goaccess_lines_per_s', lines / seconds, 'lines/s', 'reference', 'GoAccess 1.7, --log-format=CADDY');
}

/** The same lines through POST /api/ingest in 1,000-line NDJSON batches, two requests in flight. */
async function httpIngest(ctx: BenchContext, log: string, total: number): Promise<void> {
  const dir = join(ctx.dir, 'http');
  rmSync(dir, { recursive: true, force: true });
  const api = await startApi({ PANOPTES_DATA_DIR: dir, PANOPTES_MASTER_KEY_FILE: join(dir, 'key') }, await freshPort());
  try {
    const serverCpuBefore = processCpuSeconds(api.child.pid!);
    const { accepted, seconds, cpuSeconds: client } = await runWorker<{ accepted: number; seconds: number; cpuSeconds: number }>('post-lines.ts', [log, api.url, api.token]);
    const serverCpu = processCpuSeconds(api.child.pid!);
    if (accepted !== total) throw new Error(`ingest accepted ${accepted} of ${total} lines`);
    ctx.figures.add('ingest.http_lines_per_s', accepted / seconds, 'lines/s', { op: '>=', value: 40_000 });
    if (serverCpu !== null && serverCpuBefore !== null) {
      const server = serverCpu - serverCpuBefore;
      addCpuCeiling(ctx.figures, 'ingest.http_cpu_ceiling_lines_per_s', accepted, server + client, `server ${usPerLine(server, accepted)} us, client ${usPerLine(client, accepted)} us`);
    }
  } finally {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where an ingest's CPU went: its event loop's share and how busy it was. */
export function ingestCpuDetail(run: IngestRun): string {
  const cpu = run.eventLoopCpuSeconds === null ? '' : ` ${usPerLine(run.eventLoopCpuSeconds, run.rows)} us,`;
  return `event loop${cpu} busy ${Math.round(run.eventLoopUtilization * 100)}% of the run`;
}

/** tail -> parse -> RecordWriter -> SQLite (child process), the raw reference, GoAccess, and the HTTP path. */
export async function ingestGroup(ctx: BenchContext): Promise<void> {
  const log = await ctx.accessLog();
  const total = await rawInsert(ctx, log);
  const { path, run } = await ctx.ingested();
  const raw = ctx.figures.get('ingest.raw_insert_rows_per_s')!.value;
  const e2e = run.rows / run.seconds;
  ctx.figures.add('ingest.e2e_lines_per_s', e2e, 'lines/s', { op: '>=', value: Math.max(60_000, 1.3 * raw) }, `${(e2e / raw).toFixed(2)} x raw; raw line recoverable: ${run.recoverable ? 'yes' : 'NO'}`);
  addCpuCeiling(ctx.figures, 'ingest.e2e_cpu_ceiling_lines_per_s', run.rows, run.cpuSeconds, ingestCpuDetail(run));
  ctx.figures.add('storage.bytes_per_access_row', statSync(path).size / run.rows, 'B', { op: '<=', value: 400 });
  ctx.figures.add('memory.ingest_peak_rss_mb', run.peakRssMb, 'MB', { op: '<=', value: 300 });
  goaccess(ctx, log, total);
  const goaccessRate = ctx.figures.get('ingest.goaccess_lines_per_s');
  if (goaccessRate) ctx.figures.add('ingest.e2e_vs_goaccess', e2e / goaccessRate.value, 'x', { op: '>=', value: 2 });
  await httpIngest(ctx, log, total);
}
