import { definePackageConfig } from '@panoptes/vitest-config';

export default definePackageConfig();
