import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { IngestRun } from './context.js';
import { REPO } from './data.js';

const TSX = ['--import', 'tsx', '--conditions=@panoptes/source'];
const API_DIR = `${REPO}apps/api`;

/**
 * The Node flags `npm start` runs the server with (apps/api's start script): the server's children
 * and the ingest workers, which stand for the server's ingest, run with them too.
 */
export function serverNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(`${API_DIR}/package.json`, 'utf8')) as { scripts: Record<string, string> };
  const start = /^node ((?:--\S+ )*)bundle\/panoptes\.mjs serve$/.exec(scripts.start ?? '');
  if (start === null) throw new Error(`apps/api's start script is not \`node [flags] bundle/panoptes.mjs serve\`: ${scripts.start}`);
  return start[1]!.split(' ').filter((flag) => flag !== '');
}

/** Tails `log` into the database at `url` as the server does (workers/ingest-file.ts), with the server's Node flags. */
export function runIngestFile(log: string, url: string): Promise<IngestRun> {
  return runWorker<IngestRun>('ingest-file.ts', [log, url], serverNodeFlags());
}

/** Node's flags for a V8 CPU profile of a child, written to BENCH_CPU_PROF_DIR when it is set. */
function cpuProfile(): string[] {
  return process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
}

/** Runs a TypeScript script of this package in a child process and returns its last stdout line as JSON. */
export async function runWorker<T>(script: string, args: readonly string[], nodeFlags: readonly string[] = []): Promise<T> {
  const child = spawn(process.execPath, [...nodeFlags, ...cpuProfile(), ...TSX, new URL(`./workers/${script}`, import.meta.url).pathname, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let last = '';
  createInterface({ input: child.stdout }).on('line', (l) => (last = l));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
  return JSON.parse(last) as T;
}

export interface ApiServer {
  readonly url: string;
  readonly child: ChildProcess;
  /** Session cookie and CSRF token of the benchmark admin. */
  readonly headers: Record<string, string>;
  /** An ingest token of the default project. */
  readonly token: string;
  stop(): Promise<void>;
}

let bundled: Promise<void> | undefined;

/** Bundles the server as `npm start` does (apps/api/bundle/panoptes.mjs), once per benchmark run. */
export function bundleApi(): Promise<void> {
  bundled ??= new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/bundle.mjs'], { cwd: API_DIR, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bundling the server exited with ${code}`))));
  });
  return bundled;
}

/** Spawns the bundled `panoptes serve`, the way `npm start` runs it. */
export async function spawnServe(env: Record<string, string>, stdio: StdioOptions): Promise<ChildProcess> {
  await bundleApi();
  return spawn(process.execPath, [...serverNodeFlags(), ...cpuProfile(), 'bundle/panoptes.mjs', 'serve'], { cwd: API_DIR, env: { ...process.env, ...env }, stdio });
}

/** Starts `panoptes serve` (apps/api) as a child on `port`, creates the admin and an ingest token. */
export async function startApi(env: Record<string, string>, port: number): Promise<ApiServer> {
  const child = await spawnServe({ PANOPTES_PORT: String(port), PANOPTES_LOG_LEVEL: 'warn', ...env }, ['ignore', 'pipe', 'inherit']);
  let setupToken: string | null = null;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const t = /^\s{4}([A-Za-z0-9_-]{24})$/.exec(line);
    if (t) setupToken = t[1]!;
  });
  const exited = new Promise<never>((_resolve, reject) => child.once('exit', (code) => reject(new Error(`the api exited with ${code}`))));
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([waitHealthy(url), exited]);
  exited.catch(() => {});
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  // The token is printed before the server listens; on a loaded machine its line may still be on its way.
  for (const until = Date.now() + 10_000; setupToken === null && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
  if (setupToken === null) throw new Error('no setup token within 10 s: the database already has users, and the benchmark needs a fresh one');
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  await post('/api/auth/setup', { token: setupToken, username: 'bench', password: 'benchmark password' });
  const login = await post('/api/auth/login', { username: 'bench', password: 'benchmark password' });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = ((await (await fetch(`${url}/api/auth/me`, { headers: { cookie } })).json()) as { csrf: string }).csrf;
  const headers = { cookie, 'x-csrf-token': csrf };
  await fetch(`${url}/api/settings/logs.max_entries`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ value: 100_000_000 }) });
  const token = ((await (await post('/api/tokens', { name: 'bench' }, headers)).json()) as { token: string }).token;
  return { url, child, headers, token, stop };
}

export async function waitHealthy(url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > until) throw new Error(`${url} did not become healthy`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
