import { describe, expect, it } from 'vitest';
import { apiInPage, newPage, screenshot, setupAdminInBrowser, panelPerFile } from './harness.js';

describe('users, projects, tokens and the audit log in a real browser', () => {
  const panel = panelPerFile();

  it('creates a viewer, a project, switches to it, shows a token once, revokes it, and pages the audit log', { timeout: 120_000 }, async () => {
    const { page, dialogs } = await newPage(panel);
    await setupAdminInBrowser(panel, page, 'ada@ops.example');

    await page.getByRole('link', { name: 'Users' }).click();
    const newUser = page.getByRole('form', { name: 'New user' });
    await newUser.getByLabel('User name').fill('bad name!');
    await newUser.getByLabel('Initial password').fill('short');
    await newUser.getByRole('button', { name: 'Create user' }).click();
    await newUser.locator('label', { hasText: 'User name' }).getByText('letters, digits').waitFor();
    await newUser.locator('label', { hasText: 'Initial password' }).locator('.field-error', { hasText: 'at least 12 characters' }).waitFor();
    await newUser.getByLabel('User name').fill('vera');
    await newUser.getByLabel('E-mail').fill('vera@ops.example');
    await newUser.getByLabel('Initial password').fill('a long enough password');
    await newUser.getByRole('button', { name: 'Create user' }).click();
    const vera = page.getByRole('row', { name: 'User vera' });
    await vera.waitFor();
    expect(await vera.getByRole('combobox', { name: 'Role of vera' }).inputValue()).toBe('viewer');
    await vera.getByRole('button', { name: 'Change the e-mail of vera' }).click();
    const emailForm = vera.getByRole('form', { name: 'Change the e-mail of vera' });
    await emailForm.getByLabel('E-mail of vera').fill('vera@');
    await emailForm.getByRole('button', { name: 'Save e-mail' }).click();
    await emailForm.locator('.field-error').waitFor();
    await emailForm.getByLabel('E-mail of vera').fill('vera@shop.example');
    await emailForm.getByRole('button', { name: 'Save e-mail' }).click();
    await vera.getByText('vera@shop.example').waitFor();
    await vera.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('dialog', { name: 'Disable vera?' }).getByRole('button', { name: 'Disable' }).click();
    await vera.getByRole('cell', { name: 'disabled' }).waitFor();
    await vera.getByRole('button', { name: 'Enable' }).click();
    await vera.getByRole('cell', { name: 'active' }).waitFor();
    await screenshot(page, 'users');

    // A viewer reads everything and is offered no change.
    const viewer = await (await panel.browser.newContext()).newPage();
    await viewer.goto(panel.url);
    await viewer.getByLabel('User name').fill('vera');
    await viewer.getByLabel('Password').fill('a long enough password');
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    await viewer.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await viewer.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).not.toContain('Users');
    await viewer.getByRole('link', { name: 'Proxy' }).click();
    await viewer.getByRole('region', { name: 'Target groups' }).getByText('No target groups yet.').waitFor();
    expect(await viewer.getByRole('button', { name: /^New / }).count()).toBe(0);
    await viewer.getByRole('link', { name: 'Notifications' }).click();
    await viewer.getByRole('region', { name: 'Channels' }).waitFor();
    expect(await viewer.getByRole('button', { name: /^New / }).count()).toBe(0);
    await viewer.getByRole('link', { name: 'Settings' }).click();
    await viewer.getByRole('heading', { name: 'Log retention' }).waitFor();
    expect(await viewer.getByRole('button', { name: /^Save / }).count()).toBe(0);
    await viewer.context().close();

    // A token in the default project, then a new project without any.
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByText('No tokens in this project.').waitFor();
    await page.getByLabel('Token name').fill('edge-01');
    await page.getByRole('button', { name: 'Create token' }).click();
    const value = (await page.getByLabel('Token value').textContent())!;
    expect(value).toMatch(/^\S{20,}$/);
    const ingest = await fetch(`${panel.url}/api/ingest/edge?parser=caddy_access`, { method: 'POST', body: '', headers: { authorization: `Bearer ${value}` } });
    expect(ingest.status).toBeLessThan(400);
    await screenshot(page, 'tokens');
    await page.reload();
    await page.getByRole('cell', { name: 'edge-01' }).waitFor();
    expect(await page.getByRole('row', { name: /edge-01/ }).getByRole('cell').nth(2).textContent()).not.toBe('never');
    expect(await page.getByLabel('Token value').count()).toBe(0);
    expect(await page.content()).not.toContain(value);

    await page.getByRole('link', { name: 'Projects' }).click();
    const form = page.getByRole('form', { name: 'New project' });
    await form.getByLabel('Name').fill('shop');
    await form.getByLabel('Allowed domains').fill('not a domain');
    await form.getByRole('button', { name: 'Create project' }).click();
    await form.locator('label', { hasText: 'Allowed domains' }).getByText('a domain name').waitFor();
    await form.getByLabel('Allowed domains').fill('shop.example, ops.example');
    await form.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('cell', { name: /anyone @shop\.example, anyone @ops\.example/ }).waitFor();
    await screenshot(page, 'projects');

    // Switch: the tokens page now shows the other project's (none).
    const switcher = page.getByRole('combobox', { name: 'Project' });
    await expect.poll(() => switcher.locator('option').allTextContents()).toEqual(['Default', 'shop']);
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('cell', { name: 'edge-01' }).waitFor();
    await switcher.selectOption({ label: 'shop' });
    await page.getByText('No tokens in this project.').waitFor();
    await page.reload();
    await page.getByText('No tokens in this project.').waitFor();
    expect(await page.getByRole('combobox', { name: 'Project' }).inputValue()).not.toBe('');

    // Edit and delete the selected project: the panel falls back to the default one.
    await page.getByRole('link', { name: 'Projects' }).click();
    const shop = page.getByRole('row', { name: /^shop/ });
    await shop.getByText('(current)').waitFor();
    await shop.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit project shop' });
    await edit.getByLabel('Allowed e-mails').fill('vera@shop.example');
    await edit.getByRole('button', { name: 'Save project' }).click();
    await page.getByRole('cell', { name: 'vera@shop.example, anyone @shop.example, anyone @ops.example' }).waitFor();
    await shop.getByRole('button', { name: 'Delete' }).click();
    const confirmDelete = page.getByRole('dialog', { name: 'Delete the project shop?' });
    expect(await confirmDelete.textContent()).toMatch(/log entries, hosts and rules, notification channels/);
    await confirmDelete.getByRole('button', { name: 'Delete' }).click();
    await shop.waitFor({ state: 'detached' });
    await page.getByRole('combobox', { name: 'Project' }).waitFor({ state: 'detached' });
    expect(await page.evaluate(() => localStorage.getItem('panoptes.project'))).toBeNull();
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('cell', { name: 'edge-01' }).waitFor();
    // A remembered project that is gone by the next visit is forgotten too.
    await page.evaluate(() => localStorage.setItem('panoptes.project', '00000000-0000-4000-8000-00000000dead'));
    await page.reload();
    await page.getByRole('cell', { name: 'edge-01' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('panoptes.project'))).toBeNull();

    const edge = page.getByRole('row', { name: /edge-01/ });
    await edge.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: 'Revoke the token edge-01?' }).getByRole('button', { name: 'Revoke' }).click();
    await edge.getByText(/^revoked/).waitFor();
    expect((await fetch(`${panel.url}/api/ingest/edge?parser=caddy_access`, { method: 'POST', body: '', headers: { authorization: `Bearer ${value}` } })).status).toBe(401);

    // Enough changes for two pages of the audit log.
    for (let i = 0; i < 24; i++) await apiInPage(page, 'PUT', '/api/settings/logs.retention_days', { value: 30 + i });
    await page.getByRole('link', { name: 'Audit log' }).click();
    const rows = page.locator('.audit-table tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    const actions = await page.locator('.audit-table tbody tr td:nth-child(3)').allTextContents();
    expect(actions.slice(0, 24)).toEqual(Array(24).fill('setting.update'));
    expect(actions[24]).toBe('token.revoke');
    await page.getByRole('button', { name: 'Load older' }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(25);
    const all = await page.locator('.audit-table tbody tr td:nth-child(3)').allTextContents();
    for (const action of ['user.create', 'user.update', 'token.create', 'token.revoke', 'project.delete', 'setting.update']) expect(all).toContain(action);
    const created = page.locator('.audit-table tbody tr', { hasText: 'user.create' });
    await created.getByText('before / after').click();
    expect(await created.getByLabel('After').textContent()).toContain('"username": "vera"');
    await screenshot(page, 'audit');
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await screenshot(page, 'audit-dark');
    expect(dialogs).toEqual([]);
  });
});
