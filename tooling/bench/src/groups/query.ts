import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { BenchContext } from '../context.js';
import { CaddyLineGenerator } from '../data.js';
import { percentile } from '../figures.js';
import { freshPort } from '../ports.js';
import { startApi, type ApiServer } from '../process.js';

/** Six searches an operator runs all day (newest 50 each). */
export const FIRST_PAGES = ['status=404', 'statusClass=5', 'host=app3.example.com', 'ip=10.1.2.3', 'path=%2Fadmin', 'q=sqlmap'].map((f) => `/api/logs?${f}&limit=50`);

async function timed(api: ApiServer, path: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${api.url}${path}`, { headers: api.headers });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  return performance.now() - started;
}

/** p95 of the six first pages, each asked `rounds` times (after one warm-up round), and the slowest search by its median. */
export async function firstPageP95(api: ApiServer, rounds = 20): Promise<{ p95: number; slowest: string }> {
  for (const p of FIRST_PAGES) await timed(api, p);
  const samples = new Map<string, number[]>(FIRST_PAGES.map((p) => [p, []]));
  for (let i = 0; i < rounds; i++) for (const p of FIRST_PAGES) samples.get(p)!.push(await timed(api, p));
  const medians = [...samples].map(([p, s]) => [p.slice('/api/logs?'.length, p.indexOf('&limit')), percentile(s, 50)] as const).sort((a, b) => b[1] - a[1]);
  return { p95: percentile([...samples.values()].flat(), 95), slowest: `slowest ${decodeURIComponent(medians[0]![0])} (median ${medians[0]![1].toFixed(1)} ms)` };
}

async function median(api: ApiServer, path: string, runs = 5): Promise<number> {
  await timed(api, path);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timed(api, path));
  return percentile(samples, 50);
}

/** autocannon's options, with the warm-up run it supports but does not declare (its results are not counted). */
function cannon(options: autocannon.Options & { readonly warmup?: { readonly connections: number; readonly duration: number } }): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * The bodies of the ingest under load, 1,000 lines each; batch n is due at n x 50 ms, with a spare
 * second of them. Made before the server starts: made on schedule, each held this process
 * (autocannon's too) for 7-20 ms, and a /healthz answer that arrived meanwhile was timed late by as
 * much; made all at once between requests, they held it for seconds on a loaded machine, and the
 * next request went out on a kept-alive connection the server had closed meanwhile.
 */
function loadBodies(seconds: number): Buffer[] {
  const generator = new CaddyLineGenerator(99);
  const madeAt = Date.now();
  return Array.from({ length: (seconds + 1) * 20 }, (_, tick) => Buffer.from(Array.from({ length: 1000 }, (_, i) => generator.line(tick * 1000 + i, madeAt, 1)).join('\n')));
}

/** /healthz latency while 20,000 lines/s are ingested over HTTP (`bodies`) and a facet query runs in a loop. */
async function healthzUnderLoad(api: ApiServer, seconds: number, bodies: readonly Buffer[]): Promise<{ p99: number; ingested: number }> {
  let stop = false;
  let ingested = 0;
  // Two requests in flight at most, as two shippers would: one alone, waiting for each commit,
  // offered only about 12,000 lines/s.
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (!stop && next < bodies.length) {
      const tick = next++;
      const due = started + (tick * 1000 * 1000) / 20_000 - performance.now();
      if (due > 0) await new Promise((r) => setTimeout(r, due));
      const res = await fetch(`${api.url}/api/ingest/load?parser=caddy_access`, { method: 'POST', body: bodies[tick], headers: { authorization: `Bearer ${api.token}` } });
      ingested += ((await res.json()) as { accepted: number }).accepted;
    }
  };
  const ingest = Promise.all([lane(), lane()]);
  const facets = (async () => {
    while (!stop) await fetch(`${api.url}/api/logs/facets?field=path&from=${Date.now() - 86_400_000}&to=${Date.now()}`, { headers: api.headers }).then((r) => r.arrayBuffer());
  })();
  const result = await cannon({ url: `${api.url}/healthz`, connections: 1, duration: seconds });
  stop = true;
  await Promise.all([ingest, facets]);
  return { p99: result.latency.p99, ingested };
}

/** Searches, facets, series and the api under load, on a copy of the database ingested end to end. */
export async function queryGroup(ctx: BenchContext, options: { loadSeconds?: number } = {}): Promise<void> {
  const { path } = await ctx.ingested();
  const dir = join(ctx.dir, 'query');
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(path, '..'), dir, { recursive: true });
  const seconds = options.loadSeconds ?? 10;
  const bodies = loadBodies(seconds);
  const api = await startApi({ PANOPTES_DATA_DIR: dir, PANOPTES_MASTER_KEY_FILE: join(dir, 'key') }, await freshPort());
  try {
    const first = await firstPageP95(api);
    ctx.figures.add('query.first_page_p95_ms', first.p95, 'ms', { op: '<=', value: 15 }, `six filters, newest 50, over HTTP; ${first.slowest}`);
    const now = Date.now();
    ctx.figures.add('query.facets_24h_ms', await median(api, `/api/logs/facets?field=path&from=${now - 86_400_000}&to=${now}&limit=10`), 'ms', { op: '<=', value: 150 }, 'top paths');
    ctx.figures.add('query.timeseries_24h_ms', await median(api, `/api/logs/timeseries?from=${now - 86_400_000}&to=${now}&bucketSeconds=60`), 'ms', { op: '<=', value: 10 }, 'per minute, rollups');
    // Steady state, as a server that has run a while: the first seconds are the JIT's, not ours.
    const warmup = Math.min(3, seconds);
    const rps = await cannon({ url: `${api.url}/api/logs?status=404&limit=50`, connections: 10, duration: seconds, headers: api.headers, warmup: { connections: 10, duration: warmup } });
    if (rps.non2xx > 0) throw new Error(`the search answered ${rps.non2xx} errors under load`);
    ctx.figures.add('api.logs_rps', rps.requests.average, 'req/s', { op: '>=', value: 2000 }, `10 connections, autocannon, after a ${warmup} s warm-up`);
    const load = await healthzUnderLoad(api, seconds, bodies);
    ctx.figures.add('api.healthz_p99_ms_under_load', load.p99, 'ms', { op: '<=', value: 25 }, `${Math.round(load.ingested / seconds)} lines/s ingested meanwhile`);
  } finally {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
