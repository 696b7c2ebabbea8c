// The README's start command. Until apps/api exists there is no server to start: say what is here.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled, root, run, pinnedPnpm } from './package-manager.mjs';

ensureInstalled();
const api = join(root, 'apps', 'api', 'package.json');
if (existsSync(api)) {
  // The server runs in apps/api: keep the embedded default's paths relative to where npm start was run.
  const env = {
    ...process.env,
    PANOPTES_DATA_DIR: process.env.PANOPTES_DATA_DIR ?? join(process.cwd(), 'data'),
    PANOPTES_MASTER_KEY_FILE: process.env.PANOPTES_MASTER_KEY_FILE ?? join(process.cwd(), 'panoptes.key'),
  };
  process.exit(run('npx', ['--yes', pinnedPnpm(), '--filter', '@panoptes/api', 'start', ...process.argv.slice(2)], { env }));
}
console.log(
  [
    'Panoptes: the server (apps/api) is not built yet, so there is no panel to start.',
    'What is here: the domain packages (db-core, migrations, crypto, ingest, notifications, backup).',
    'Run `npm test` to run every suite on SQLite and Postgres.',
  ].join('\n'),
);
