import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PROJECT_UUID, openDatabase } from '@panoptes/db-core';
import { contentHash, LONG_RUNNING_WRITER, parseCaddyAccess, RecordWriter } from '@panoptes/ingest';
import { createMigrator } from '@panoptes/migrations';
import type { BenchContext } from '../context.js';
import { CaddyLineGenerator } from '../data.js';
import { percentile } from '../figures.js';

/** write() to committed, with 10,000 lines/s offered for a few seconds (the server's writer settings). */
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
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due; sent++) {
      const line = generator.line(sent, Date.now(), 1);
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
