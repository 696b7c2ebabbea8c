// Child process: tails a Caddy log into a database the way the server does (FileTailer -> RecordWriter,
// the server's batch settings) and prints one JSON line: rows, seconds, peak RSS, whether sampled rows
// give back their original line byte for byte, and the ingest's CPU (this process, its event loop,
// and Postgres's processes when the database is on Postgres).
// Usage: node --import tsx --conditions=@panoptes/source ingest-file.ts <log> <database-url>
import { statSync } from 'node:fs';
import { DEFAULT_PROJECT_UUID, openDatabase } from '@panoptes/db-core';
import { FileTailer, LONG_RUNNING_WRITER, loadSource, RecordWriter, resolveRaw } from '@panoptes/ingest';
import { createMigrator } from '@panoptes/migrations';
import { cpuSecondsOfProcesses, threadCpuSeconds } from '../cpu.js';
import { readLines } from '../lines.js';

const [log, url] = process.argv.slice(2) as [string, string];
const db = await openDatabase(url);
await createMigrator(db).up();
const writer = new RecordWriter(db, LONG_RUNNING_WRITER);
const tailer = new FileTailer(db, writer, { projectUuid: DEFAULT_PROJECT_UUID, name: 'bench', path: log, parser: 'caddy_access' }, { pollIntervalMs: 20 });
const size = statSync(log).size;
const onPostgres = url.startsWith('postgres');
const serverCpuBefore = onPostgres ? cpuSecondsOfProcesses('postgres') : 0;
const cpuBefore = process.cpuUsage();
const loopCpuBefore = threadCpuSeconds(process.pid);
const loopBefore = performance.eventLoopUtilization();
const started = performance.now();
await tailer.start();
for (;;) {
  await tailer.idle();
  if ((await loadSource(db, DEFAULT_PROJECT_UUID, 'bench')).offset === size) break;
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const loopCpu = threadCpuSeconds(process.pid);
const serverCpuSeconds = onPostgres ? cpuSecondsOfProcesses('postgres') - serverCpuBefore : 0;
const eventLoopUtilization = performance.eventLoopUtilization(loopBefore).utilization;
// The peak of the ingest itself: the check below reads the whole log again and fills read caches.
const peakRssMb = process.resourceUsage().maxRSS / 1024;
await tailer.stop();
await writer.close();
const { n } = await db.read.selectFrom('log_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();

// Byte-for-byte: 200 rows spread over the table give back their line of the file (rows are written in file order).
const step = Math.max(1, Math.floor(Number(n) / 200));
const sampled = new Map<number, string | null>();
for (let id = step; id <= Number(n); id += step) sampled.set(id, null);
const stored = await db.read.selectFrom('log_entries').select(['id', 'raw', 'raw_block_id', 'raw_block_line']).where('source', '=', 'caddy_access').where('id', 'in', [...sampled.keys()]).execute();
const rows = await resolveRaw(db, stored);
for (const r of rows) sampled.set(Number(r.id), r.raw);
let index = 0;
let recoverable = rows.length === sampled.size;
for await (const line of readLines(log)) {
  index++;
  if (sampled.has(index) && sampled.get(index) !== line) recoverable = false;
}
await db.checkpoint();
await db.close();
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const eventLoopCpuSeconds = loopCpu === null || loopCpuBefore === null ? null : loopCpu - loopCpuBefore;
process.stdout.write(`${JSON.stringify({ rows: Number(n), seconds, peakRssMb, recoverable, cpuSeconds, eventLoopCpuSeconds, eventLoopUtilization, serverCpuSeconds })}\n`);
