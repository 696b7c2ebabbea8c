import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DIST } from './harness.js';

const BUDGET = 250 * 1024;

describe('the production build', () => {
  it('keeps the JavaScript loaded at start under 250 KB gzip, with routes split off', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(initial.length).toBeGreaterThan(0);
    const gzipped = initial.reduce((n, file) => n + gzipSync(readFileSync(join(DIST, file))).length, 0);
    console.log(`initial JavaScript: ${(gzipped / 1024).toFixed(1)} KB gzip in ${initial.length} file(s)`);
    expect(gzipped).toBeLessThanOrEqual(BUDGET);
    // The routes are their own chunks, fetched when visited.
    const entry = readFileSync(join(DIST, initial[0]!), 'utf8');
    expect(entry).toMatch(/Logs-[\w-]+\.js/);
    expect(entry).toMatch(/Dashboard-[\w-]+\.js/);
  });
});
