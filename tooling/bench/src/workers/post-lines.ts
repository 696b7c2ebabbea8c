// Child process: the HTTP ingest's client, apart from the benchmark's own process (whose heap holds
// what the groups before it did): posts a log to `POST /api/ingest/<source>` in 1,000-line NDJSON
// bodies, two requests in flight on kept-alive connections, and prints one JSON line: lines
// accepted, seconds, and its CPU. It posts with node:http, each body written at once, as a
// shipper's HTTP/1.1 client does: it shares the two cores with the server it measures, and `fetch`
// took more than twice its CPU a line (tooling/bench/README.md).
// Usage: node --import tsx post-lines.ts <log> <api url> <token>
import { Agent, request } from 'node:http';
import { byteChunks } from '../lines.js';

const [log, url, token] = process.argv.slice(2) as [string, string, string];
const bodies = byteChunks(log, 1000);
const agent = new Agent({ keepAlive: true, maxSockets: 2 });
const target = new URL(`${url}/api/ingest/edge?parser=caddy_access`);

/** One POST; resolves with the answer's status and text. */
function post(body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'content-length': body.length };
    const req = request({ agent, host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

let accepted = 0;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const lane = async () => {
  for (;;) {
    const next = await bodies.next();
    if (next.done) return;
    const res = await post(next.value);
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${res.text}`);
    accepted += (JSON.parse(res.text) as { accepted: number }).accepted;
  }
};
await Promise.all([lane(), lane()]);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
agent.destroy();
process.stdout.write(`${JSON.stringify({ accepted, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`);
