import type { ViteUserConfig } from 'vitest/config';

/** The shared preset merged with a package's own options. */
export function definePackageConfig(overrides?: ViteUserConfig): ViteUserConfig;
