// Child process: the HTTP ingest's client, apart from the benchmark's own process (whose heap holds
// what the groups before it did): posts a log to `POST /api/ingest/<source>` in 1,000-line NDJSON
// bodies, two requests in flight, and prints one JSON line: lines accepted, seconds, and its CPU.
// Usage: node --import tsx post-lines.ts <log> <api url> <token>
import { byteChunks } from '../lines.js';

const [log, url, token] = process.argv.slice(2) as [string, string, string];
const bodies = byteChunks(log, 1000);
let accepted = 0;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const lane = async () => {
  for (;;) {
    const next = await bodies.next();
    if (next.done) return;
    const res = await fetch(`${url}/api/ingest/edge?parser=caddy_access`, { method: 'POST', body: next.value, headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    accepted += ((await res.json()) as { accepted: number }).accepted;
  }
};
await Promise.all([lane(), lane()]);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(`${JSON.stringify({ accepted, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`);
