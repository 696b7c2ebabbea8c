// The README's start command. Until apps/api exists there is no server to start: say what is here.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled, root, run, pinnedPnpm } from './package-manager.mjs';

ensureInstalled();
const api = join(root, 'apps', 'api', 'package.json');
if (existsSync(api)) {
  process.exit(run('npx', ['--yes', pinnedPnpm(), '--filter', '@panoptes/api', 'start', ...process.argv.slice(2)]));
}
console.log(
  [
    'Panoptes: the server (apps/api) is not built yet, so there is no panel to start.',
    'What is here: the domain packages (db-core, migrations, crypto, ingest, notifications, backup).',
    'Run `npm test` to run every suite on SQLite and Postgres.',
  ].join('\n'),
);
