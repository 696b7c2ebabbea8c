import { join } from 'node:path';
import pg from 'pg';
import { freshPort } from '../ports.js';
import { runIngestFile, startApi } from '../process.js';
import type { BenchContext } from '../context.js';
import { addCpuCeiling, usPerLine } from '../cpu.js';
import { ingestCpuDetail } from './ingest.js';
import { firstPageP95 } from './query.js';

const ADMIN_URL = process.env.PANOPTES_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The same ingest and searches on the local Postgres (a throwaway database, dropped after). */
export async function postgresGroup(ctx: BenchContext): Promise<void> {
  const name = `panoptes_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    process.stderr.write(`postgres: skipped, no server at ${ADMIN_URL} (${(error as Error).message})\n`);
    return;
  }
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    const run = await runIngestFile(await ctx.accessLog(), url.toString());
    ctx.figures.add('postgres.ingest_e2e_lines_per_s', run.rows / run.seconds, 'lines/s', { op: '>=', value: 30_000 });
    // Without a local server's processes to read, a ceiling of our CPU alone would say nothing.
    if (run.serverCpuSeconds > 0) {
      addCpuCeiling(ctx.figures, 'postgres.ingest_cpu_ceiling_lines_per_s', run.rows, run.cpuSeconds + run.serverCpuSeconds, `Postgres's processes ${usPerLine(run.serverCpuSeconds, run.rows)} us, ours ${usPerLine(run.cpuSeconds, run.rows)} us; ${ingestCpuDetail(run)}`);
    } else {
      process.stderr.write(`postgres: no CPU ceiling, no postgres process of ${ADMIN_URL} on this machine to read\n`);
    }
    const dir = join(ctx.dir, 'postgres-api');
    const api = await startApi({ PANOPTES_DATA_DIR: dir, PANOPTES_MASTER_KEY_FILE: join(dir, 'key'), PANOPTES_DATABASE_URL: url.toString() }, await freshPort());
    try {
      const first = await firstPageP95(api);
      ctx.figures.add('postgres.first_page_p95_ms', first.p95, 'ms', { op: '<=', value: 20 }, first.slowest);
    } finally {
      await api.stop();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
