import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const DIALECTS = ['sqlite', 'postgres'];

/**
 * Counts results overall and per dialect (a test belongs to a dialect when its full name contains
 * `[sqlite]` or `[postgres]`, as the db-core harness names them) and writes
 * `.test-results/summary.json`, which the root test command adds up over all packages.
 */
export default class SummaryReporter {
  onInit(vitest) {
    this.root = vitest.config.root;
  }

  onTestRunEnd(testModules, unhandledErrors) {
    const empty = () => ({ passed: 0, failed: 0, skipped: 0 });
    const summary = { package: basename(this.root), ...empty(), dialects: {}, postgres: process.env.PANOPTES_TEST_POSTGRES_STATUS ?? 'unknown', errors: [] };
    for (const dialect of DIALECTS) summary.dialects[dialect] = empty();
    for (const mod of testModules) {
      let failedInModule = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        const bucket = state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'skipped';
        summary[bucket] += 1;
        if (bucket === 'failed') failedInModule += 1;
        const dialect = DIALECTS.find((d) => test.fullName.includes(`[${d}]`));
        if (dialect) summary.dialects[dialect][bucket] += 1;
      }
      // A file that fails to load has no failed test of its own: count it once.
      if (failedInModule === 0 && mod.state() === 'failed') {
        summary.failed += 1;
        summary.errors.push(`${mod.moduleId}: ${mod.errors().map((e) => e.message).join('; ')}`);
      }
    }
    for (const error of unhandledErrors) {
      summary.failed += 1;
      summary.errors.push(`unhandled: ${error?.message ?? String(error)}`);
    }
    const dir = join(this.root, '.test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2));
    const d = summary.dialects;
    process.stdout.write(
      `[${summary.package}] ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped` +
        ` (sqlite ${d.sqlite.passed} passed, postgres ${d.postgres.passed} passed; Postgres ${summary.postgres})\n`,
    );
  }
}
