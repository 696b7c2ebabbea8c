import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PROJECT_UUID, openDatabase } from '@panoptes/db-core';
import { contentHash, LONG_RUNNING_WRITER, parseCaddyAccess, RecordWriter } from '@panoptes/ingest';
import { createMigrator } from '@panoptes/migrations';
import type { BenchContext } from '../context.js';
import { CaddyLineGenerator } from '../data.js';
import { percentile } from '../figures.js';

/**
 * write() to committed, with 10,000 lines/s offered for a few seconds (the server's writer settings).
 * Each line is parsed and hashed as it is offered, as a producer does; the lines themselves are made
 * beforehand: generating them in the loop cost the event loop 20 us a line at a slow moment of the
 * machine (a sixth of its time), which no producer of the server spends.
 */
export async function writerGroup(ctx: BenchContext, seconds = 8): Promise<void> {
  const path = join(ctx.dir, 'writer.db');
  rmSync(path, { force: true });
  const db = await openDatabase(`sqlite:${path}`);
  await createMigrator(db).up();
  const writer = new RecordWriter(db, LONG_RUNNING_WRITER);
  const generator = new CaddyLineGenerator(7);
  const rate = 10_000;
  const tickMs = 10;
  const latencies: number[] = [];
  const pending: Promise<unknown>[] = [];
  // One line every 1/rate s from now, with a second to spare.
  const lines = generator.lines(rate * (seconds + 1), Date.now(), 1000 / rate);
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < seconds * 1000) {
    const due = Math.min(lines.length, Math.floor(((performance.now() - started) / 1000) * rate));
    for (; sent < due; sent++) {
      const line = lines[sent]!;
      const outcome = parseCaddyAccess(line);
      if (!outcome.ok) continue;
      const at = performance.now();
      pending.push(writer.write({ kind: 'entry', projectUuid: DEFAULT_PROJECT_UUID, entry: outcome.entry, hash: contentHash(DEFAULT_PROJECT_UUID, 'caddy_access', line) }).then(() => latencies.push(performance.now() - at)));
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(pending);
  await writer.close();
  await db.close();
  rmSync(path, { force: true });
  ctx.figures.add('writer.commit_p99_ms', percentile(latencies, 99), 'ms', { op: '<=', value: 100 }, `${latencies.length} writes at ${rate}/s offered`);
}
