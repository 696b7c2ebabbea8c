import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';

/** Resolve workspace packages to their TypeScript sources (see each package's `exports`). */
const conditions = ['@panoptes/source', 'module', 'node', 'development|production'];

const base = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@panoptes/source'] } },
  test: {
    pool: 'forks',
    // The slowest tests on this default (servers started, many requests) took up to 9.6 s with every
    // package's suite running at once on a fast 2-core machine; CI machines have run at half that
    // speed and slower, where 30 s left too little room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: [fileURLToPath(new URL('./global-setup.js', import.meta.url))],
    reporters: ['default', fileURLToPath(new URL('./summary-reporter.js', import.meta.url))],
  },
});

/** The shared preset merged with a package's own options. */
export function definePackageConfig(overrides = {}) {
  return mergeConfig(base, overrides);
}
