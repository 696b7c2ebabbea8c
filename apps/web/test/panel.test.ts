import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '@panoptes/db-core/testing';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const API_DIR = new URL('../../api/', import.meta.url).pathname;
const DIST = new URL('../dist/', import.meta.url).pathname;
const SAMPLE = new URL('../../../packages/ingest/test/fixtures/caddy-access.jsonl', import.meta.url).pathname;


describe('the panel in a real browser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panoptes-web-'));
  let server: ChildProcess;
  let url = '';
  let token = '';
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    server = spawn(process.execPath, ['--import', 'tsx', '--conditions=@panoptes/source', 'src/cli.ts', 'serve'], {
      cwd: API_DIR,
      env: { ...process.env, PANOPTES_DATA_DIR: join(dir, 'data'), PANOPTES_MASTER_KEY_FILE: join(dir, 'panoptes.key'), PANOPTES_PORT: String(port), PANOPTES_WEB_DIST: DIST },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server did not start')), 30_000);
      createInterface({ input: server.stdout! }).on('line', (line) => {
        const t = /^\s{4}([A-Za-z0-9_-]{24})$/.exec(line);
        if (t) {
          token = t[1]!;
          clearTimeout(timer);
          resolve();
        }
      });
    });
    url = `http://127.0.0.1:${port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the first admin, shows ingested logs as text only, and opens an entry', { timeout: 90_000 }, async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(url);
    await page.getByLabel('Setup token (printed by the server at start)').fill(token);
    await page.getByLabel('User name').fill('ada');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create admin' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    // An ingest token, made through the API with the browser's session.
    const created = await page.evaluate(async () => {
      const me = await (await fetch('/api/auth/me')).json();
      const res = await fetch('/api/tokens', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf }, body: JSON.stringify({ name: 'agent' }) });
      return (await res.json()).token as string;
    });
    const lines = readFileSync(SAMPLE, 'utf8').split('\n').filter(Boolean);
    const hostile = JSON.parse(lines[0]!);
    hostile.request.uri = '/"><img src=x onerror="window.__xss=1;alert(1)">';
    hostile.request.headers['User-Agent'] = ['<script>window.__xss=2</script>'];
    hostile.ts += 1;
    const body = [...lines, JSON.stringify(hostile)].join('\n');
    const ingest = await fetch(`${url}/api/ingest/edge?parser=caddy_access`, { method: 'POST', body, headers: { authorization: `Bearer ${created}` } });
    expect(((await ingest.json()) as { accepted: number }).accepted).toBe(51);

    await page.getByRole('link', { name: 'Logs' }).click();
    await page.getByRole('heading', { name: 'Logs' }).waitFor();
    await expect.poll(() => page.locator('table.log-table tbody tr', { has: page.locator('td:nth-child(2)', { hasText: /^caddy_access$/ }) }).count()).toBe(51);
    const hostileRow = page.locator('tbody tr', { hasText: 'onerror' });
    await expect.poll(() => hostileRow.count()).toBe(1);
    expect(await hostileRow.locator('td.request').textContent()).toContain('<img src=x onerror="window.__xss=1;alert(1)">');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);

    await hostileRow.click();
    const detail = page.getByRole('complementary', { name: 'Log entry' });
    await detail.waitFor();
    expect(await detail.locator('pre').textContent()).toContain('"uri": "/\\"><img src=x onerror=');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);

    // The URL carries the filters: a link reproduces the view.
    await page.goto(`${url}/logs?status=404`);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(lines.filter((l) => JSON.parse(l).status === 404).length);
    expect(await page.getByLabel('status', { exact: true }).inputValue()).toBe('404');
    await page.screenshot({ path: join(dir, 'logs.png') });
  });
});
