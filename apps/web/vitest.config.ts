import { definePackageConfig } from '@panoptes/vitest-config';

export default definePackageConfig({ test: { include: ['test/**/*.test.ts'] } });
