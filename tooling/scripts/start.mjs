// The README's start command: builds the panel (apps/web) and starts the server (apps/api) serving it.
import { join } from 'node:path';
import { ensureInstalled, pinnedPnpm, run } from './package-manager.mjs';

ensureInstalled();
const pnpm = ['--yes', pinnedPnpm()];
const built = run('npx', [...pnpm, '--filter', '@panoptes/web', 'build']);
if (built !== 0) {
  console.error(`building the panel failed (exit ${built})`);
  process.exit(built);
}
// Keep the server's default paths relative to where `npm start` was run, not to apps/api.
const env = {
  ...process.env,
  PANOPTES_DATA_DIR: process.env.PANOPTES_DATA_DIR ?? join(process.cwd(), 'data'),
  PANOPTES_MASTER_KEY_FILE: process.env.PANOPTES_MASTER_KEY_FILE ?? join(process.cwd(), 'panoptes.key'),
};
process.exit(run('npx', [...pnpm, '--filter', '@panoptes/api', 'start', ...process.argv.slice(2)], { env }));
