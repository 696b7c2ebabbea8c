// The README's test command: installs if needed, typechecks, lints and runs every package's
// tests through turbo, then adds up the per-package summaries into one closing line.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled, exec, root } from './package-manager.mjs';

ensureInstalled();

const packageDirs = ['packages', 'apps', 'tooling'].flatMap((group) => {
  const dir = join(root, group);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'package.json')))
    .map((e) => join(dir, e.name));
});
const tested = packageDirs.filter((dir) => {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return Boolean(pkg.scripts?.test);
});
for (const dir of tested) rmSync(join(dir, '.test-results'), { recursive: true, force: true });

const started = Date.now();
const turboArgs = ['run', 'typecheck', 'lint', 'test', '--continue', ...process.argv.slice(2)];
const checks = exec('turbo', turboArgs);
const seconds = ((Date.now() - started) / 1000).toFixed(1);

let passed = 0;
let failed = 0;
let skipped = 0;
const dialects = { sqlite: 0, postgres: 0 };
const postgres = new Set();
console.log('\nTest summary');
for (const dir of tested) {
  const file = join(dir, '.test-results', 'summary.json');
  const name = dir.slice(root.length + 1);
  if (!existsSync(file)) {
    failed += 1;
    console.log(`  ${name}: no results (the package's test run did not finish)`);
    continue;
  }
  const s = JSON.parse(readFileSync(file, 'utf8'));
  passed += s.passed;
  failed += s.failed;
  skipped += s.skipped;
  dialects.sqlite += s.dialects.sqlite.passed;
  dialects.postgres += s.dialects.postgres.passed;
  postgres.add(s.postgres);
  console.log(
    `  ${name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped` +
      ` (sqlite ${s.dialects.sqlite.passed}, postgres ${s.dialects.postgres.passed})`,
  );
  for (const error of s.errors) console.log(`    ${error}`);
}
console.log(`  tests per dialect: sqlite ${dialects.sqlite} passed, postgres ${dialects.postgres} passed`);
console.log(`  Postgres suites: ${[...postgres].join('; ') || 'none ran'}`);
if (checks !== 0 && failed === 0) {
  // Typecheck or lint failed although every test passed: that still fails the run.
  failed += 1;
  console.log('  typecheck or lint failed: see the output above');
}
console.log(`  wall time: ${seconds} s`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(checks !== 0 || failed > 0 ? 1 : 0);
