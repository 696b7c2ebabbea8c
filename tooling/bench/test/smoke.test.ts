import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = new URL('../src/cli.ts', import.meta.url).pathname;

/** Only that the harness runs and produces real figures: tiny sizes, short load phases; no targets judged here. */
describe('pnpm bench (smoke)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panoptes-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // It starts the bundled server several times: on the slow 2-core machine, beside every other
  // package's tests, it took 130-142 s and once went past 170 s.
  it('runs the groups on a small data set and writes every figure they own', { timeout: 420_000 }, () => {
    const out = join(dir, 'latest.json');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@panoptes/source', CLI, 'ingest', 'writer', 'query', 'backup', 'boot', '--lines', '3000', '--quick', '--out', out], { encoding: 'utf8', timeout: 400_000 });
    expect(run.stderr).not.toMatch(/failed:/);
    expect(run.status, `status ${run.status}, signal ${run.signal}; stderr:\n${run.stderr}`).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as { figures: Record<string, { value: number; unit: string; pass: boolean | null }>; machine: { cores: number; sqlite: string }; failures: string[] };
    expect(result.failures).toEqual([]);
    for (const name of ['ingest.raw_insert_rows_per_s', 'ingest.e2e_lines_per_s', 'ingest.e2e_cpu_ceiling_lines_per_s', 'ingest.http_lines_per_s', 'ingest.http_cpu_ceiling_lines_per_s', 'storage.bytes_per_access_row', 'memory.ingest_peak_rss_mb', 'writer.commit_p99_ms', 'query.first_page_p95_ms', 'query.facets_24h_ms', 'query.timeseries_24h_ms', 'api.logs_rps', 'api.healthz_p99_ms_under_load', 'backup.seconds_1m_rows', 'restore.seconds_1m_rows', 'writer.max_stall_ms_during_backup', 'writer.max_stall_ms_during_retention', 'boot.cold_ms']) {
      expect(result.figures[name], name).toBeDefined();
      expect(Number.isFinite(result.figures[name]!.value) && result.figures[name]!.value > 0, name).toBe(true);
    }
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.machine.sqlite).toMatch(/^3\./);
    expect(run.stdout).toContain('ingest.e2e_lines_per_s');
  });

  it('refuses an unknown group', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@panoptes/source', CLI, 'nonsense'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown group nonsense');
  });
});
