import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { writeCaddyLog } from '../data.js';
import { freshPort } from '../ports.js';
import { runIngestFile, startApi } from '../process.js';
import { firstPageP95 } from './query.js';

export const SCALES = [
  { label: '100k', rows: 100_000 },
  { label: '1m', rows: 1_000_000 },
  { label: '5m', rows: 5_000_000 },
] as const;

/** First-page latency as the table grows (--scale): it should stay flat within 2 x. */
export async function scaleGroup(ctx: BenchContext, scales: readonly { label: string; rows: number }[] = SCALES): Promise<void> {
  let smallest: number | null = null;
  for (const s of scales) {
    const dir = join(ctx.dir, `scale-${s.label}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      const log = join(dir, 'access.log');
      await writeCaddyLog(log, s.rows, 1000 + s.rows);
      await runIngestFile(log, `sqlite:${join(dir, 'panoptes.db')}`);
      rmSync(log);
      const api = await startApi({ PANOPTES_DATA_DIR: dir, PANOPTES_MASTER_KEY_FILE: join(dir, 'key') }, await freshPort());
      try {
        const { p95 } = await firstPageP95(api);
        smallest ??= p95;
        ctx.figures.add(`scale.first_page_p95_ms_at_${s.label}`, p95, 'ms', { op: '<=', value: Number((2 * smallest).toFixed(2)) }, `${s.rows} rows; within 2 x of the smallest`);
      } finally {
        await api.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
