import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { percentile } from '../figures.js';
import { freshPort } from '../ports.js';
import { bundleApi, spawnServe, waitHealthy } from '../process.js';

/** Empty data folder to a healthy /healthz (migrations, key file, setup token included) of the bundled server, `runs` times; the median. */
export async function bootGroup(ctx: BenchContext, runs = 3): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = join(ctx.dir, `boot-${i}`);
    rmSync(dir, { recursive: true, force: true });
    const port = await freshPort();
    await bundleApi();
    const started = performance.now();
    const child = await spawnServe({ PANOPTES_PORT: String(port), PANOPTES_DATA_DIR: dir, PANOPTES_MASTER_KEY_FILE: join(dir, 'key'), PANOPTES_LOG_LEVEL: 'warn' }, 'ignore');
    try {
      await waitHealthy(`http://127.0.0.1:${port}`);
      samples.push(performance.now() - started);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }
  ctx.figures.add('boot.cold_ms', percentile(samples, 50), 'ms', { op: '<=', value: 1500 }, 'the bundled server, as npm start runs it');
}
