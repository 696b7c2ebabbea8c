import { readFile } from 'node:fs/promises';
import { TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN, newPage, panelPerFile, screenshot, setupAdminInBrowser, type Panel } from './harness.js';

async function signIn(panel: Panel, page: Page, password: string = ADMIN.password): Promise<void> {
  await page.goto(panel.url);
  await page.getByLabel('User name').fill(ADMIN.username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Panoptes' }).waitFor();
}

const NEW_PASSWORD = 'a new and longer passphrase';

describe('the account page and two-factor sign-in in a real browser', () => {
  const panel = panelPerFile();

  it('changes the password and revokes another session', { timeout: 60_000 }, async () => {
    const { page } = await newPage(panel);
    await setupAdminInBrowser(panel, page);
    const other = await panel.browser.newContext();
    const otherPage = await other.newPage();
    await signIn(panel, otherPage);
    await otherPage.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await page.getByRole('link', { name: 'Account' }).click();
    const sessions = page.getByRole('region', { name: 'Sessions' });
    await expect.poll(() => sessions.locator('tbody tr').count()).toBe(2);
    await screenshot(page, 'account');
    const otherRow = sessions.locator('tbody tr').filter({ hasNot: page.locator('.current') });
    await otherRow.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: 'Revoke this session?' }).getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => sessions.locator('tbody tr').count()).toBe(1);
    await otherPage.reload();
    await otherPage.getByRole('heading', { name: 'Sign in to Panoptes' }).waitFor();
    await other.close();

    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill('not my password');
    await form.getByLabel('New password').fill('a much longer passphrase');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.locator('label', { hasText: 'Current password' }).getByText('wrong password').waitFor();
    await form.getByLabel('Current password').fill(ADMIN.password);
    await form.getByLabel('New password').fill('short');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.locator('label', { hasText: 'New password' }).getByText('at least 12 characters').waitFor();
    await form.getByLabel('New password').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('Password changed').waitFor();
    await signOut(page);
    await signIn(panel, page, ADMIN.password);
    await page.getByRole('alert').waitFor();
    await signIn(panel, page, NEW_PASSWORD);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });

  it('enrols TOTP with a QR code, then signs in with a code and with a recovery code', { timeout: 120_000 }, async () => {
    const { page, dialogs } = await newPage(panel);
    await signIn(panel, page, NEW_PASSWORD);
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const qr = page.getByRole('img', { name: 'QR code of the two-factor secret' });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
    const secret = (await page.getByLabel('Secret').textContent())!.trim();
    const totp = new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' });
    await screenshot(page, 'account-totp');

    // A malformed code is caught in the page, a wrong one by the server: both next to the field.
    await page.getByLabel('Code from the app').fill('12ab');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('enter the 6 digits your app shows').waitFor();
    const wrong = String((Number(totp.generate()) + 500_000) % 1_000_000).padStart(6, '0');
    await page.getByLabel('Code from the app').fill(wrong);
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('wrong code').waitFor();
    await page.getByLabel('Code from the app').fill(totp.generate());
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('list', { name: 'Recovery codes' }).waitFor();
    const codes = await page.getByRole('list', { name: 'Recovery codes' }).locator('li').allTextContents();
    expect(codes).toHaveLength(10);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download as a text file' }).click()]);
    expect(download.suggestedFilename()).toBe('panoptes-recovery-codes.txt');
    const file = await readFile((await download.path())!, 'utf8');
    for (const c of codes) expect(file).toContain(c);
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('On: signing in asks for a code').waitFor();
    expect(await page.getByRole('list', { name: 'Recovery codes' }).count()).toBe(0);

    // Password, then the code step. (Wait for the next period: a code is accepted once.)
    await signOut(page);
    await signIn(panel, page, NEW_PASSWORD);
    await page.getByRole('heading', { name: 'Two-factor code' }).waitFor();
    await screenshot(page, 'signin-totp');
    await page.getByLabel('Code from your authenticator, or a recovery code').fill('000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Wrong code');
    const now = Date.now();
    await page.waitForTimeout(30_000 - (now % 30_000) + 200);
    await page.getByLabel('Code from your authenticator, or a recovery code').fill(totp.generate());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    // A recovery code works once.
    await signOut(page);
    await signIn(panel, page, NEW_PASSWORD);
    await page.getByLabel('Code from your authenticator, or a recovery code').fill(codes[0]!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await signOut(page);
    await signIn(panel, page, NEW_PASSWORD);
    const code = page.getByLabel('Code from your authenticator, or a recovery code');
    await code.fill(codes[0]!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Wrong code');
    await code.fill(codes[1]!.toUpperCase().replaceAll('-', ' '));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    // Turning it off takes the password; then revoking this very session signs out.
    await page.getByRole('link', { name: 'Account' }).click();
    const totpSection = page.getByRole('region', { name: 'Two-factor sign-in' });
    await totpSection.getByLabel('Password to turn it off').fill('not my password');
    await totpSection.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
    await page.getByRole('dialog', { name: 'Turn off two-factor sign-in?' }).getByRole('button', { name: 'Turn off' }).click();
    await totpSection.locator('label', { hasText: 'Password to turn it off' }).getByText('wrong password').waitFor();
    await totpSection.getByLabel('Password to turn it off').fill(NEW_PASSWORD);
    await totpSection.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
    await page.getByRole('dialog', { name: 'Turn off two-factor sign-in?' }).getByRole('button', { name: 'Turn off' }).click();
    await totpSection.getByRole('button', { name: 'Set up two-factor sign-in' }).waitFor();
    const mine = page.getByRole('region', { name: 'Sessions' }).locator('tbody tr').filter({ has: page.locator('.current') });
    await mine.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: 'Revoke this session?' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('heading', { name: 'Sign in to Panoptes' }).waitFor();
    await signIn(panel, page, NEW_PASSWORD);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(dialogs).toEqual([]);
  });

});
