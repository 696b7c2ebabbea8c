import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CADDY_ERROR_SAMPLE, CADDY_SAMPLE, ingest, ingestToken, newPage, screenshot, setupAdminInBrowser, panelPerFile } from './harness.js';

const MODSEC_SAMPLE = new URL('../../../packages/ingest/test/fixtures/modsec-audit.jsonl', import.meta.url).pathname;

describe('the panel in a real browser', () => {
  const panel = panelPerFile();

  it('creates the first admin, shows ingested logs as text only, and opens an entry', { timeout: 90_000 }, async () => {
    const { page, dialogs } = await newPage(panel);
    await setupAdminInBrowser(panel, page);
    // The empty state; logs.test.ts takes 'dashboard' with traffic.
    await screenshot(page, 'dashboard-empty');

    const lines = readFileSync(CADDY_SAMPLE, 'utf8').split('\n').filter(Boolean);
    const hostile = JSON.parse(lines[0]!);
    hostile.request.uri = '/"><img src=x onerror="window.__xss=1;alert(1)">';
    hostile.request.headers['User-Agent'] = ['<script>window.__xss=2</script>'];
    hostile.ts += 1;
    const token = await ingestToken(page);
    expect(await ingest(panel, token, [...lines, JSON.stringify(hostile)])).toBe(51);
    // A Caddy error line whose message, path and user agent carry markup.
    const error = JSON.parse(readFileSync(CADDY_ERROR_SAMPLE, 'utf8').split('\n')[0]!);
    error.msg = '<img src=x onerror="window.__xss=3">dial failed<script>window.__xss=4</script>';
    error.request.uri = '/err/<svg onload="window.__xss=5">';
    error.request.headers['User-Agent'] = ['<iframe src="javascript:window.__xss=6"></iframe>'];
    expect(await ingest(panel, token, [JSON.stringify(error)], 'edge-errors', 'caddy_error')).toBe(1);
    // A ModSecurity audit line whose rule message (the WAF column, the entry's message) carries markup.
    const waf = JSON.parse(readFileSync(MODSEC_SAMPLE, 'utf8').split('\n')[0]!);
    const wafPayload = '<img src=x onerror="window.__xss=7">SQLi<script>window.__xss=8</script>';
    waf.transaction.messages[0].message = wafPayload;
    expect(await ingest(panel, token, [JSON.stringify(waf)], 'waf', 'modsec_audit')).toBe(1);

    await page.getByRole('link', { name: 'Logs' }).click();
    await page.getByRole('heading', { name: 'Logs' }).waitFor();
    await expect.poll(() => page.locator('table.log-table tbody tr', { has: page.locator('td:nth-child(2)', { hasText: /^caddy_access$/ }) }).count()).toBe(51);
    const hostileRow = page.locator('tbody tr', { hasText: 'onerror="window.__xss=1' });
    await expect.poll(() => hostileRow.count()).toBe(1);
    expect(await hostileRow.locator('td.request').textContent()).toContain('<img src=x onerror="window.__xss=1;alert(1)">');
    const injected = () => page.locator('img[src="x"], svg[onload], iframe, script:not([src])').count();
    expect(await injected()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);

    const errorRow = page.locator('tbody tr', { hasText: '/err/<svg' });
    await errorRow.waitFor();
    await errorRow.click();
    const errorDetail = page.getByRole('complementary', { name: 'Log entry' });
    expect(await errorDetail.locator('dd.message').textContent()).toBe('<img src=x onerror="window.__xss=3">dial failed<script>window.__xss=4</script>');
    expect(await errorDetail.locator('dd.ua').textContent()).toBe('<iframe src="javascript:window.__xss=6"></iframe>');
    await screenshot(page, 'logs-detail');
    expect(await injected()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.keyboard.press('Escape');
    await errorDetail.waitFor({ state: 'detached' });

    // The WAF row: the payload is text in the table and in the detail panel, opened with the keyboard.
    const wafRow = page.locator('tbody tr', { hasText: 'SQLi<script>' });
    expect(await wafRow.locator('td.waf').textContent()).toBe(`942100 ${wafPayload}`);
    await wafRow.focus();
    await page.keyboard.press('Enter');
    const wafDetail = page.getByRole('complementary', { name: 'Log entry' });
    await wafDetail.locator('dd.waf').waitFor();
    expect(await wafDetail.locator('dd.waf').textContent()).toContain(`942100 ${wafPayload} (blocked)`);
    expect(await wafDetail.locator('dd.message').textContent()).toContain(`942100: ${wafPayload}`);
    expect(await wafDetail.locator('pre').textContent()).toContain('"message": "<img src=x onerror=\\"window.__xss=7\\">SQLi<script>');
    expect(await injected()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.keyboard.press('Escape');
    await wafDetail.waitFor({ state: 'detached' });
    // Focus goes back to the row that opened the panel.
    expect(await wafRow.evaluate((row) => row === document.activeElement)).toBe(true);

    await hostileRow.focus();
    await page.keyboard.press('Enter');
    const detail = page.getByRole('complementary', { name: 'Log entry' });
    await detail.waitFor();
    expect(await detail.locator('pre').textContent()).toContain('"uri": "/\\"><img src=x onerror=');
    expect(await injected()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);

    // The URL carries the filters: a link reproduces the view.
    await page.goto(`${panel.url}/logs?status=404`);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(lines.filter((l) => JSON.parse(l).status === 404).length);
    expect(await page.getByLabel('Status', { exact: true }).inputValue()).toBe('404');
    await screenshot(page, 'logs');
  });
});
