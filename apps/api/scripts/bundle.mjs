// Bundles the server and everything it imports into one ES module, bundle/panoptes.mjs, which
// `npm start` runs. Node then reads one file instead of resolving and compiling about two
// thousand modules: a cold boot takes about half the time it takes through tsx.
//
// The bundle sits one folder below apps/api, as src/ does, so paths the code computes from its own
// location (the panel's apps/web/dist) stay the same. The migrations' SQL files, which the
// migrations package reads next to its module, are copied next to the bundle.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const api = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));

rmSync(api('bundle'), { recursive: true, force: true });
await build({
  entryPoints: [api('src/cli.ts')],
  outfile: api('bundle/panoptes.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  conditions: ['@panoptes/source'],
  // Native addons load their compiled binary from their own package; pg-native is pg's optional backend.
  external: ['better-sqlite3', '@node-rs/argon2', 'pg-native'],
  // Bundled CommonJS packages call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __panoptesRequire } from 'node:module'; const require = __panoptesRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
cpSync(api('../../packages/migrations/src/sql'), api('bundle/sql'), { recursive: true });
