import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

describe('the built package', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'panoptes-built-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  beforeAll(() => {
    // What `pnpm build` does for db-core and this package, so this test also runs on its own.
    run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], join(packageDir, '..', 'db-core'));
    run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], packageDir);
    run(process.execPath, ['scripts/copy-sql.mjs'], packageDir);
  }, 120_000);

  it('ships every SQL file inside dist', () => {
    for (const dialect of ['sqlite', 'postgres']) {
      expect(readdirSync(join(packageDir, 'dist', 'sql', dialect))).toEqual(readdirSync(join(packageDir, 'src', 'sql', dialect)));
    }
  });

  it('migrates a database from plain Node reading only the build', () => {
    const script = `
      const { openDatabase } = await import('@panoptes/db-core');
      const { createMigrator, BUILT_IN_SQL_DIR } = await import('./dist/index.js');
      const db = await openDatabase('sqlite:${join(dataDir, 'panoptes.db')}');
      const { applied } = await createMigrator(db).up();
      await db.close();
      console.log(JSON.stringify({ applied, from: BUILT_IN_SQL_DIR.href }));`;
    const output = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], packageDir)) as { applied: string[]; from: string };
    const shipped = readdirSync(new URL('../src/sql/sqlite/', import.meta.url)).filter((f) => f.endsWith('.up.sql')).map((f) => f.slice(0, -'.up.sql'.length));
    expect(output.applied).toEqual(shipped.sort());
    expect(output.applied.slice(0, 3)).toEqual(['0001_initial_schema', '0002_log_entries_ip_index', '0003_log_raw_blocks']);
    expect(output.from).toBe(new URL('../dist/sql/', import.meta.url).href);
  });
});
