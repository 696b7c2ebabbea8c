import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The pnpm version pinned in the root package.json (`packageManager`). */
export function pinnedPnpm() {
  const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return packageManager;
}

/** Runs a command in the repository root with inherited output; returns its exit code. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/**
 * Makes sure the workspace is installed with the pinned pnpm. A fresh machine has only Node and
 * npm, so the pinned pnpm comes through npx (Corepack's signature check fails on this registry).
 */
export function ensureInstalled() {
  const underPnpm = (process.env.npm_config_user_agent ?? '').startsWith('pnpm/');
  if (underPnpm && existsSync(join(root, 'node_modules', '.modules.yaml'))) return;
  const code = run('npx', ['--yes', pinnedPnpm(), 'install', '--frozen-lockfile']);
  if (code !== 0) {
    console.error(`pnpm install failed (exit ${code})`);
    process.exit(code);
  }
}

/**
 * Runs a workspace binary through the pinned pnpm (`pnpm exec`), which also puts pnpm itself on
 * the PATH: turbo needs to find the package manager.
 */
export function exec(binary, args) {
  return run('npx', ['--yes', pinnedPnpm(), 'exec', binary, ...args], {
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
}
