import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiInPage, CADDY_SAMPLE, ingest, ingestToken, newPage, screenshot, setupAdminInBrowser, panelPerFile } from './harness.js';

/** `count` Caddy access lines made from the sample: distinct times, clients and paths, statuses from the sample. */
function lines(count: number, start: number): string[] {
  const sample = readFileSync(CADDY_SAMPLE, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { ts: number; status: number; request: { uri: string; remote_ip: string; client_ip?: string } });
  return Array.from({ length: count }, (_, i) => {
    const line = structuredClone(sample[i % sample.length]!);
    line.ts = (start + i * 1000) / 1000;
    line.request.uri = `/page/${i}`;
    line.request.remote_ip = `198.51.100.${i % 200}`;
    line.request.client_ip = line.request.remote_ip;
    return JSON.stringify(line);
  });
}

describe('the log browser and the dashboard in a real browser', () => {
  const panel = panelPerFile();

  it('pages by scrolling, filters through the URL, tails new lines live and exports the search', { timeout: 120_000 }, async () => {
    const { page, dialogs } = await newPage(panel);
    await setupAdminInBrowser(panel, page);
    const token = await ingestToken(page);
    const start = Date.now() - 3_600_000;
    const batch = lines(250, start);
    expect(await ingest(panel, token, batch)).toBe(250);

    await page.goto(`${panel.url}/logs?source=caddy_access`);
    const rows = page.locator('table.log-table tbody tr');
    await expect.poll(() => rows.count()).toBe(100);
    // Newest first.
    expect(await rows.first().locator('td.request').textContent()).toContain('/page/249');
    await page.locator('.sentinel').scrollIntoViewIfNeeded();
    await expect.poll(() => rows.count()).toBe(200);
    await page.locator('.sentinel').scrollIntoViewIfNeeded();
    await expect.poll(() => rows.count()).toBe(250);
    await page.getByText('End of results').waitFor();
    expect(new Set(await rows.locator('td.request').allTextContents()).size).toBe(250);

    // Filters: a bad value is shown next to its field; a good one goes into the URL.
    await page.getByLabel('Client IP').fill('not-an-ip');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('an IP address or an IPv4').waitFor();
    await page.getByLabel('Client IP').fill('198.51.100.7');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.url()).toContain('ip=198.51.100.7');
    await expect.poll(() => rows.count()).toBe(2);
    // "only" from a row narrows further; the link reproduces the view in a new page.
    await rows.first().getByRole('button', { name: /^only path / }).click();
    await expect.poll(() => rows.count()).toBe(1);
    const link = page.url();
    const second = await page.context().newPage();
    await second.goto(link);
    await expect.poll(() => second.locator('table.log-table tbody tr').count()).toBe(1);
    expect(await second.getByLabel('Client IP').inputValue()).toBe('198.51.100.7');
    await second.close();

    // Export the current search: every matching row, in both formats, through the buttons.
    const exported = async (name: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
      return readFileSync((await download.path())!, 'utf8').trim().split('\n');
    };
    const ndjson = (await exported('Export NDJSON')).map((l) => JSON.parse(l) as { remote_ip: string; path: string });
    const shownPath = (await rows.first().locator('td.request').textContent())!.match(/\/page\/\d+/)![0];
    expect(ndjson).toEqual([expect.objectContaining({ remote_ip: '198.51.100.7', path: shownPath })]);
    const csv = await exported('Export CSV');
    expect(csv).toHaveLength(2);
    expect(csv[0]).toMatch(/^id,ts,source,/);
    expect(csv[1]).toContain('"198.51.100.7"');
    await page.getByRole('button', { name: 'Export CSV' }).waitFor();

    // Live tail: a line ingested afterwards appears without a reload.
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.url()).not.toContain('ip=');
    await expect.poll(() => rows.count()).toBe(100);
    await page.getByLabel('Live tail').check();
    const fresh = JSON.parse(lines(1, Date.now())[0]!);
    fresh.request.uri = '/arrived/while/watching';
    expect(await ingest(panel, token, [JSON.stringify(fresh)])).toBe(1);
    await page.locator('tbody tr', { hasText: '/arrived/while/watching' }).waitFor({ timeout: 10_000 });
    expect(await rows.first().locator('td.request').textContent()).toContain('/arrived/while/watching');
    await page.getByText('Live: 1 new entry').waitFor();
    await screenshot(page, 'logs-live');
    await page.getByLabel('Live tail').uncheck();
    // Browsing starts again from the newest page, the new line included.
    await page.getByText('More below').waitFor();
    expect(await rows.count()).toBe(100);
    expect(await rows.first().locator('td.request').textContent()).toContain('/arrived/while/watching');

    // The dashboard: time range in the URL, ingest health, top lists that open the log browser.
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '6 h' }).click();
    await expect.poll(() => page.url()).toContain('range=6h');
    expect(await page.getByRole('button', { name: '6 h' }).getAttribute('aria-pressed')).toBe('true');
    // A custom window goes into the URL as from/to.
    await page.getByRole('button', { name: 'custom…' }).click();
    await page.getByLabel('From', { exact: true }).fill('2026-01-01T00:00');
    await page.getByLabel('To', { exact: true }).fill('2026-01-02T00:00');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.url()).toMatch(/from=\d+&to=\d+/);
    expect(page.url()).not.toContain('range=');
    await page.getByText('No traffic in this range.').waitFor();
    await page.getByLabel('Auto-refresh').selectOption('10');
    await expect.poll(() => page.url()).toContain('refresh=10');
    await page.getByRole('button', { name: '6 h' }).click();
    await expect.poll(() => page.url()).toContain('range=6h');
    const health = page.getByRole('region', { name: 'Ingest health' });
    await health.getByRole('cell', { name: 'edge' }).waitFor();
    expect(await health.locator('tbody tr').first().textContent()).toContain('healthy');
    await expect.poll(() => page.getByLabel('Requests', { exact: true }).textContent()).toContain('251');
    // The series is drawn: uPlot's canvas, and its legend names each status class.
    const chart = page.getByRole('img', { name: 'Requests over time by status class, and WAF blocks' });
    await chart.locator('canvas').waitFor();
    expect(await chart.locator('.u-legend').textContent()).toContain('4xx');
    expect(await page.getByLabel('Backup age').textContent()).toContain('no backup yet');
    await page.getByRole('region', { name: 'Top client IPs' }).getByRole('link').first().click();
    await expect.poll(() => page.url()).toMatch(/\/logs\?.*ip=198\.51\.100\./);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('region', { name: 'Top hosts' }).waitFor();
    await screenshot(page, 'dashboard');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(18, 20, 23)');
    await screenshot(page, 'dashboard-dark');
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('light');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(250, 250, 250)');
    expect(dialogs).toEqual([]);

    // A viewer may not list backups: the dashboard says "n/a" instead of failing.
    await apiInPage(page, 'POST', '/api/users', { username: 'vera', password: 'viewer password 12', role: 'viewer' });
    const viewer = await (await panel.browser.newContext()).newPage();
    await viewer.goto(panel.url);
    await viewer.getByLabel('User name').fill('vera');
    await viewer.getByLabel('Password').fill('viewer password 12');
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    await viewer.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await viewer.getByLabel('Backup age').waitFor();
    expect(await viewer.getByLabel('Backup age').textContent()).toContain('n/a');
    expect(await viewer.getByRole('alert').count()).toBe(0);
    await viewer.getByRole('region', { name: 'Ingest health' }).getByRole('cell', { name: 'edge' }).waitFor();
    await viewer.close();
  });
});
