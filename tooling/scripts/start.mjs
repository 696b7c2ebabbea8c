// The README's start command: builds the panel (apps/web), bundles the server (apps/api) and starts
// the server, which serves the panel.
import { join } from 'node:path';
import { ensureInstalled, pinnedPnpm, run } from './package-manager.mjs';

ensureInstalled();
const pnpm = ['--yes', pinnedPnpm()];
for (const [name, script, what] of [['@panoptes/web', 'build', 'the panel'], ['@panoptes/api', 'bundle', 'the server']]) {
  const built = run('npx', [...pnpm, '--filter', name, script]);
  if (built !== 0) {
    console.error(`building ${what} failed (exit ${built})`);
    process.exit(built);
  }
}
// Keep the server's default paths relative to where `npm start` was run, not to apps/api.
const env = {
  ...process.env,
  PANOPTES_DATA_DIR: process.env.PANOPTES_DATA_DIR ?? join(process.cwd(), 'data'),
  PANOPTES_MASTER_KEY_FILE: process.env.PANOPTES_MASTER_KEY_FILE ?? join(process.cwd(), 'panoptes.key'),
};
process.exit(run('npx', [...pnpm, '--filter', '@panoptes/api', 'start', ...process.argv.slice(2)], { env }));
