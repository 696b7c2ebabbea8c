import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { apiInPage, newPage, screenshot, setupAdminInBrowser, panelPerFile } from './harness.js';

describe('backups and settings in a real browser', () => {
  const panel = panelPerFile();

  it('sets the schedule, creates, downloads, verifies, uploads and schedules a restore', { timeout: 120_000 }, async () => {
    const { page, dialogs } = await newPage(panel);
    await setupAdminInBrowser(panel, page);
    await page.getByRole('link', { name: 'Backups' }).click();
    await page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor();
    await page.getByText('No backups yet.').waitFor();

    // Schedule and retention: a bad cron expression is refused next to its field.
    const schedule = page.getByRole('form', { name: 'Backup schedule and retention' });
    await schedule.getByLabel('When scheduled backups run').fill('every night');
    await schedule.getByRole('button', { name: 'Save backup schedule and retention' }).click();
    await schedule.locator('label', { hasText: 'When scheduled backups run' }).getByText('not a cron expression').waitFor();
    await schedule.getByLabel('When scheduled backups run').fill('30 2 * * *');
    await schedule.getByLabel('Days scheduled backups are kept').fill('21');
    await schedule.getByRole('button', { name: 'Save backup schedule and retention' }).click();
    await schedule.getByText('Saved.').waitFor();
    const settings = (await apiInPage<{ settings: { key: string; value: unknown }[] }>(page, 'GET', '/api/settings')).settings;
    expect(settings.filter((s) => s.key.startsWith('backup.')).map((s) => [s.key, s.value])).toEqual(expect.arrayContaining([['backup.schedule', '30 2 * * *'], ['backup.retention_days', 21]]));

    await page.getByLabel('Note').fill('before the upgrade');
    await page.getByRole('button', { name: 'Create backup' }).click();
    const row = page.locator('tbody tr', { hasText: 'before the upgrade' });
    await row.waitFor();
    const listed = (await apiInPage<{ backups: { filename: string; size_bytes: number }[] }>(page, 'GET', '/api/backups')).backups[0]!;
    expect(await row.textContent()).toContain(listed.filename);
    expect(await row.locator('td').nth(3 - 1).textContent()).toMatch(/KiB|MiB/);

    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Download' }).click()]);
    const saved = join(panel.dir, 'downloaded.tar.gz');
    await download.saveAs(saved);
    expect(download.suggestedFilename()).toBe(listed.filename);
    expect(statSync(saved).size).toBe(listed.size_bytes);
    const tar = gunzipSync(readFileSync(saved));
    expect(tar.subarray(257, 262).toString()).toBe('ustar');

    await row.getByRole('button', { name: 'Verify' }).click();
    await page.getByText(`${listed.filename} verified`).waitFor();
    expect(await row.locator('td').nth(4).textContent()).toMatch(/^yes/);

    // The downloaded archive goes back in as an upload, verified by the server.
    await page.getByLabel('Upload an archive').setInputFiles(saved);
    await page.locator('tbody tr', { hasText: 'uploaded by ada' }).waitFor();
    // A file that is not an archive is refused with the server's reason.
    await page.getByLabel('Upload an archive').setInputFiles({ name: 'junk.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from('not an archive') });
    await page.getByRole('alert').filter({ hasText: 'refused' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(2);

    await row.getByRole('button', { name: 'Restore' }).click();
    const confirm = page.getByRole('dialog', { name: `Restore ${listed.filename}?` });
    expect(await confirm.textContent()).toContain('next start');
    expect(await confirm.textContent()).toContain('pre-restore copy');
    await confirm.getByRole('button', { name: 'Schedule restore' }).click();
    await page.getByText(`A restore of ${listed.filename} is scheduled`).waitFor();
    await screenshot(page, 'backups');
    await page.reload();
    await page.getByText(`A restore of ${listed.filename} is scheduled`).waitFor();
    expect(dialogs).toEqual([]);
  });

  it('shows every setting grouped, with the api message next to a bad value', { timeout: 60_000 }, async () => {
    const { page } = await newPage(panel);
    await page.goto(panel.url);
    await page.getByLabel('User name').fill('ada');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    const retention = page.getByRole('form', { name: 'Log retention' });
    await retention.getByLabel('Days log entries are kept').fill('0');
    await retention.getByRole('button', { name: 'Save log retention' }).click();
    await retention.locator('label', { hasText: 'Days log entries are kept' }).locator('.field-error').waitFor();
    await retention.getByLabel('Days log entries are kept').fill('45');
    await retention.getByRole('button', { name: 'Save log retention' }).click();
    await retention.getByText('Saved.').waitFor();
    for (const group of ['Sessions and sign-in', 'Backups', 'Notifications']) await page.getByRole('form', { name: group }).waitFor();
    await screenshot(page, 'settings');
  });
});
