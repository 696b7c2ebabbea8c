import { definePackageConfig } from '@panoptes/vitest-config';

// Browser journeys (test/*.test.ts) run in Node and drive Chromium; component tests
// (test/components/*.test.tsx) render into happy-dom.
export default definePackageConfig({ test: { include: ['test/**/*.test.ts', 'test/**/*.test.tsx'] } });
