import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';

/** Resolve workspace packages to their TypeScript sources (see each package's `exports`). */
const conditions = ['@panoptes/source', 'module', 'node', 'development|production'];

const base = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@panoptes/source'] } },
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: [fileURLToPath(new URL('./global-setup.js', import.meta.url))],
    reporters: ['default', fileURLToPath(new URL('./summary-reporter.js', import.meta.url))],
  },
});

/** The shared preset merged with a package's own options. */
export function definePackageConfig(overrides = {}) {
  return mergeConfig(base, overrides);
}
