// Bundles the server and everything it imports into one ES module, bundle/panoptes.mjs, which
// `npm start` runs. Node then reads one file instead of resolving and compiling about two
// thousand modules: a cold boot takes about half the time it takes through tsx.
//
// The bundle sits one folder below apps/api, as src/ does, so paths the code computes from its own
// location (the panel's apps/web/dist) stay the same. The migrations' SQL files, which the
// migrations package reads next to its module, are copied next to the bundle.
//
// Several processes may bundle while servers start from the bundle (the test suites run in
// parallel): every file is written under a temporary name and renamed into place, and a file that
// already holds the same bytes is left alone, so nobody ever reads a half-written file.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const api = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));

function place(path, contents) {
  try {
    if (readFileSync(path).equals(contents)) return;
  } catch {
    // Not there yet.
  }
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

const result = await build({
  entryPoints: [api('src/cli.ts')],
  outfile: api('bundle/panoptes.mjs'),
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  conditions: ['@panoptes/source'],
  // Native addons load their compiled binary from their own package; pg-native is pg's optional
  // backend; tar-stream is required by path in the backup's archive worker thread.
  external: ['better-sqlite3', '@node-rs/argon2', 'pg-native', 'tar-stream'],
  // Bundled CommonJS packages call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __panoptesRequire } from 'node:module'; const require = __panoptesRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
for (const file of result.outputFiles) place(file.path, Buffer.from(file.contents));
const sql = api('../../packages/migrations/src/sql');
for (const file of readdirSync(sql, { recursive: true, withFileTypes: true })) {
  if (!file.isFile()) continue;
  const from = join(file.parentPath ?? file.path, file.name);
  place(join(api('bundle/sql'), relative(sql, from)), readFileSync(from));
}
