import { createWriteStream, readFileSync, statSync } from 'node:fs';

/**
 * Deterministic Caddy access lines made from the real sample: a seeded generator varies client
 * addresses (~50k), hosts (24), paths (~6k), user agents, statuses and times, so cardinality looks
 * like a busy proxy. The same seed and count give the same bytes.
 */

export const REPO = new URL('../../../', import.meta.url).pathname;
const SAMPLE = `${REPO}packages/ingest/test/fixtures/caddy-access-903.jsonl`;

/** mulberry32: a small, fast, seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sample {
  ts: number;
  status: number;
  request: { remote_ip: string; client_ip?: string; host: string; uri: string; method: string; headers: Record<string, string[]> };
  [k: string]: unknown;
}

const HOSTS = Array.from({ length: 24 }, (_, i) => (i === 0 ? 'example.com' : `app${i}.example.com`));
const SECTIONS = ['api', 'static', 'admin', 'wp-admin', 'login', 'search', 'assets', 'user', 'cart', 'blog'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36', 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148', 'curl/8.5.0', 'python-requests/2.31.0', 'Go-http-client/1.1', 'sqlmap/1.8#stable (https://sqlmap.org)', 'Googlebot/2.1 (+http://www.google.com/bot.html)'];

export class CaddyLineGenerator {
  readonly #sample: Sample[];
  readonly #random: () => number;

  constructor(seed = 42) {
    this.#sample = readFileSync(SAMPLE, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Sample);
    this.#random = prng(seed);
  }

  /** Line `i` of a run that starts at `startMs` and advances `stepMs` per line. */
  line(i: number, startMs: number, stepMs: number): string {
    const r = this.#random;
    const base = this.#sample[Math.floor(r() * this.#sample.length)]!;
    const ip = `${10 + Math.floor(r() * 4)}.${Math.floor(r() * 50)}.${Math.floor(r() * 16)}.${Math.floor(r() * 64)}`;
    const path = `/${SECTIONS[Math.floor(r() * SECTIONS.length)]}/${Math.floor(r() * r() * 600)}${r() < 0.2 ? `?q=${Math.floor(r() * 1000)}` : ''}`;
    const request = { ...base.request, remote_ip: ip, client_ip: ip, remote_port: String(1024 + (i % 60000)), host: HOSTS[Math.floor(r() * r() * HOSTS.length)]!, uri: path, headers: { ...base.request.headers, 'User-Agent': [AGENTS[Math.floor(r() * AGENTS.length)]!] } };
    const status = r() < 0.9 ? base.status : [404, 403, 500, 502, 429][Math.floor(r() * 5)]!;
    return JSON.stringify({ ...base, ts: (startMs + i * stepMs) / 1000, request, status });
  }

  lines(count: number, startMs: number, stepMs: number): string[] {
    return Array.from({ length: count }, (_, i) => this.line(i, startMs, stepMs));
  }
}

/** Writes `count` lines ending now (so "the last 24 h" holds them) to `path`; returns the bytes written. */
export async function writeCaddyLog(path: string, count: number, seed = 42): Promise<number> {
  const generator = new CaddyLineGenerator(seed);
  const stepMs = Math.max(1, Math.floor((20 * 3_600_000) / Math.max(count, 1)));
  const start = Date.now() - count * stepMs;
  const out = createWriteStream(path);
  const chunk = 10_000;
  for (let i = 0; i < count; i += chunk) {
    const lines: string[] = [];
    for (let j = i; j < Math.min(count, i + chunk); j++) lines.push(generator.line(j, start, stepMs));
    if (!out.write(`${lines.join('\n')}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return statSync(path).size;
}
