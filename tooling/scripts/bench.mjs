// `npm run bench [-- group ... --scale]` (or `pnpm bench ...`): the benchmark harness in tooling/bench.
import { ensureInstalled, pinnedPnpm, run } from './package-manager.mjs';

ensureInstalled();
process.exit(run('npx', ['--yes', pinnedPnpm(), '--filter', '@panoptes/bench', 'bench', ...process.argv.slice(2)]));
