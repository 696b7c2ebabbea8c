// `pnpm bench [group ...] [--scale] [--lines N] [--out FILE]`: Panoptes measured against this machine's
// limit and its peers. Writes bench/results/latest.json (figures + machine facts) and prints a table.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { BenchContext } from './context.js';
import { REPO } from './data.js';
import { Figures } from './figures.js';
import { backupGroup } from './groups/backup.js';
import { bootGroup } from './groups/boot.js';
import { ingestGroup } from './groups/ingest.js';
import { postgresGroup } from './groups/postgres.js';
import { queryGroup } from './groups/query.js';
import { scaleGroup, SCALES } from './groups/scale.js';
import { writerGroup } from './groups/writer.js';

const { values, positionals } = parseArgs({
  // `pnpm bench -- --scale` forwards the `--`; without this filter parseArgs would take --scale for a group.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  allowPositionals: true,
  options: {
    scale: { type: 'boolean', default: false },
    lines: { type: 'string', default: '1000000' },
    out: { type: 'string', default: join(REPO, 'bench/results/latest.json') },
    /** Short load phases and tiny scales: the smoke test's setting. */
    quick: { type: 'boolean', default: false },
  },
});

const GROUPS: Record<string, (ctx: BenchContext) => Promise<void>> = {
  ingest: ingestGroup,
  writer: (ctx) => writerGroup(ctx, values.quick ? 2 : 8),
  query: (ctx) => queryGroup(ctx, { loadSeconds: values.quick ? 2 : 10 }),
  backup: backupGroup,
  boot: (ctx) => bootGroup(ctx, values.quick ? 1 : 3),
  postgres: postgresGroup,
  scale: (ctx) => scaleGroup(ctx, values.quick ? SCALES.map((s) => ({ label: s.label, rows: Math.max(1000, Math.round(s.rows / 1000)) })) : SCALES),
};
const unknown = positionals.filter((g) => !(g in GROUPS));
if (unknown.length > 0) {
  process.stderr.write(`unknown group ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}\n`);
  process.exit(2);
}
const chosen = positionals.length > 0 ? positionals : Object.keys(GROUPS).filter((g) => g !== 'scale' || values.scale);
if (values.scale && !chosen.includes('scale')) chosen.push('scale');

async function machine() {
  const sqlite = new Database(':memory:');
  const sqliteVersion = (sqlite.prepare('select sqlite_version() as v').get() as { v: string }).v;
  sqlite.close();
  const client = new pg.Client({ connectionString: process.env.PANOPTES_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  const postgres = await client.connect().then(
    async () => ((await client.query('show server_version')).rows[0] as { server_version: string }).server_version,
    () => null,
  );
  await client.end().catch(() => {});
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, sqlite: sqliteVersion, postgres, platform: `${process.platform} ${process.arch}` };
}

const figures = new Figures();
const dir = join(tmpdir(), `panoptes-bench-${process.pid}`);
const ctx = new BenchContext(figures, dir, Number(values.lines));
const started = performance.now();
const failures: string[] = [];
try {
  for (const group of chosen) {
    const t = performance.now();
    process.stderr.write(`bench: ${group}…\n`);
    try {
      await GROUPS[group]!(ctx);
    } catch (error) {
      failures.push(`${group}: ${(error as Error).message}`);
      process.stderr.write(`bench: ${group} failed: ${(error as Error).stack ?? String(error)}\n`);
    }
    process.stderr.write(`bench: ${group} took ${((performance.now() - t) / 1000).toFixed(0)} s\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const result = { at: new Date().toISOString(), groups: chosen, lines: ctx.lines, seconds: Math.round((performance.now() - started) / 1000), machine: await machine(), figures: Object.fromEntries(figures.all().map((f) => [f.name, f])), failures };
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${figures.table()}\n`);
process.stdout.write(`\n${figures.all().filter((f) => f.pass === false).length} of ${figures.all().filter((f) => f.pass !== null).length} targets missed; ${result.seconds} s; written to ${values.out}\n`);
if (failures.length > 0) process.exit(1);
