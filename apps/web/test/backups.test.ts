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
    const cells = row.locator('td');
    expect(await cells.nth(0).textContent()).toBe(listed.filename);
    expect(await cells.nth(1).textContent()).toBe('manual');
    expect(await cells.nth(2).getAttribute('title')).toBe(`${listed.size_bytes} bytes`);
    expect(await cells.nth(2).textContent()).toBe(`${(listed.size_bytes / 1024).toFixed(1)} KiB`);
    expect(await cells.nth(4).textContent()).toBe('not verified');

    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Download' }).click()]);
    const saved = join(panel.dir, 'downloaded.tar.gz');
    await download.saveAs(saved);
    expect(download.suggestedFilename()).toBe(listed.filename);
    expect(statSync(saved).size).toBe(listed.size_bytes);
    const tar = gunzipSync(readFileSync(saved));
    expect(tar.subarray(257, 262).toString()).toBe('ustar');
    expect(tar.subarray(0, 100).toString().replace(/\0+$/, '')).toBe('metadata.json');

    await row.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('status').filter({ hasText: `${listed.filename} verified: checksum, metadata and database integrity are good.` }).waitFor();
    await cells.nth(4).getByText(/^verified \d+ s ago$/).waitFor();

    // The downloaded archive goes back in as an upload, verified by the server.
    await page.getByLabel('Upload an archive').setInputFiles(saved);
    const uploaded = page.locator('tbody tr', { hasText: 'uploaded by ada' });
    await uploaded.waitFor();
    expect(await uploaded.locator('td').nth(1).textContent()).toBe('uploaded');
    expect(await uploaded.locator('td').nth(2).getAttribute('title')).toBe(`${listed.size_bytes} bytes`);
    // A file that is not an archive is refused with the server's reason.
    await page.getByLabel('Upload an archive').setInputFiles({ name: 'junk.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from('not an archive') });
    await page.getByRole('alert').filter({ hasText: 'junk.tar.gz: the uploaded archive is refused' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(2);

    // Delete asks first; Cancel keeps the archive, confirming removes it.
    await uploaded.getByRole('button', { name: 'Delete' }).click();
    const del = page.getByRole('dialog', { name: /^Delete panoptes-.*-upload-/ });
    expect(await del.textContent()).toContain('cannot be undone');
    await del.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.locator('tbody tr').count()).toBe(2);
    await uploaded.getByRole('button', { name: 'Delete' }).click();
    await del.getByRole('button', { name: 'Delete' }).click();
    await uploaded.waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr').count()).toBe(1);

    await row.getByRole('button', { name: 'Restore' }).click();
    const confirm = page.getByRole('dialog', { name: `Restore ${listed.filename}?` });
    const text = (await confirm.textContent()) ?? '';
    expect(text).toContain('Nothing changes now');
    expect(text).toContain('next start');
    expect(text).toContain('pre-restore copy');
    expect(text).toContain('the current database is left untouched');
    await confirm.getByRole('button', { name: 'Schedule restore' }).click();
    const pending = page.getByRole('status', { name: 'Scheduled restore' });
    await pending.getByText(`A restore of ${listed.filename} is scheduled: it will be applied at the next start of the server`).waitFor();
    expect(await pending.textContent()).toContain('Restart Panoptes to apply it');
    await screenshot(page, 'backups');
    await page.reload();
    await page.getByText(`A restore of ${listed.filename} is scheduled`).waitFor();
    // Deleting the archive of a scheduled restore says what that does to the restore.
    await row.getByRole('button', { name: 'Delete' }).click();
    expect(await page.getByRole('dialog', { name: `Delete ${listed.filename}?` }).textContent()).toContain('that restore fails at the next start');
    await page.keyboard.press('Escape');
    // The scheduled restore can be taken back: nothing is left to apply at the next start.
    await pending.getByRole('button', { name: 'Unschedule the restore' }).click();
    const unschedule = page.getByRole('dialog', { name: 'Unschedule the restore?' });
    expect(await unschedule.textContent()).toContain('the database stays as it is');
    await unschedule.getByRole('button', { name: 'Unschedule the restore' }).click();
    await pending.waitFor({ state: 'detached' });
    expect((await apiInPage<{ pendingRestore: string | null }>(page, 'GET', '/api/backups')).pendingRestore).toBeNull();
    expect(await page.locator('tbody tr').count()).toBe(1);
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
    const days = retention.getByLabel('Days log entries are kept (days)');
    expect(await days.getAttribute('type')).toBe('number');
    await days.fill('0');
    await retention.getByRole('button', { name: 'Save log retention' }).click();
    const message = retention.locator('label', { hasText: 'Days log entries are kept' }).locator('.field-error');
    await message.waitFor();
    expect(await message.textContent()).toMatch(/1/);
    expect(await days.getAttribute('aria-invalid')).toBe('true');
    expect(await days.getAttribute('aria-describedby')).toContain(await message.getAttribute('id'));
    const stored = async (key: string) => (await apiInPage<{ settings: { key: string; value: unknown }[] }>(page, 'GET', '/api/settings')).settings.find((s) => s.key === key)?.value;
    expect(await stored('logs.retention_days')).toBe(30);
    await days.fill('45');
    await retention.getByRole('button', { name: 'Save log retention' }).click();
    await retention.getByText('Saved.').waitFor();
    expect(await message.count()).toBe(0);
    expect(await stored('logs.retention_days')).toBe(45);
    const sessions = page.getByRole('form', { name: 'Sessions and sign-in' });
    await sessions.getByLabel('A session ends after this long unused (minutes)').waitFor();
    for (const group of ['Backups', 'Notifications']) await page.getByRole('form', { name: group }).waitFor();
    // Every setting the api lists has its input on the page.
    for (const s of (await apiInPage<{ settings: { key: string }[] }>(page, 'GET', '/api/settings')).settings) expect(await page.locator(`input[name="${s.key}"]`).count()).toBe(1);
    await screenshot(page, 'settings');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('form.settings-group')!).backgroundColor)).toBe('rgb(28, 31, 36)');
    await screenshot(page, 'settings-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // A viewer sees the same settings read-only, and no backups.
    await apiInPage(page, 'POST', '/api/users', { username: 'vera', password: 'viewer password 1', role: 'viewer' });
    const viewer = (await newPage(panel)).page;
    await viewer.goto(panel.url);
    await viewer.getByLabel('User name').fill('vera');
    await viewer.getByLabel('Password').fill('viewer password 1');
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    await viewer.getByRole('link', { name: 'Settings' }).click();
    await viewer.getByText('settings are shown read-only').waitFor();
    expect(await viewer.getByLabel('Days log entries are kept (days)').inputValue()).toBe('45');
    expect(await viewer.getByLabel('Days log entries are kept (days)').getAttribute('readonly')).not.toBeNull();
    expect(await viewer.getByLabel('Take scheduled backups').isDisabled()).toBe(true);
    expect(await viewer.getByRole('button', { name: /^Save/ }).count()).toBe(0);
    // The backups page is not linked for viewers (the api refuses them).
    expect(await viewer.getByRole('link', { name: 'Backups' }).count()).toBe(0);
  });
});
