import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@panoptes/db-core/testing';
import { decryptPushBody, newSubscriber, selfSignedCertificate } from '@panoptes/notifications/testing';
import { ADMIN, newPage, screenshot, setupAdminInBrowser, panelPerFile } from './harness.js';
import { receiver, signatureValid } from './notification-peers.js';

/** Signs in as the admin the first journey created. */
async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('User name').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Notifications' }).click();
}


describe('notifications in a real browser', () => {
  // The stand-in push service has a self-signed certificate: the server trusts it, as it would a real one.
  const tls = selfSignedCertificate();
  const caDir = mkdtempSync(join(tmpdir(), 'panoptes-web-ca-'));
  writeFileSync(join(caDir, 'push-service.pem'), tls.cert);
  afterAll(() => rmSync(caDir, { recursive: true, force: true }));
  const panel = panelPerFile({ NODE_EXTRA_CA_CERTS: join(caDir, 'push-service.pem') });

  it('creates webhook channels, test-sends to a local receiver, shows failures and the ledger', { timeout: 120_000 }, async () => {
    const good = await receiver(200);
    const bad = await receiver(503);
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    try {
      const { page, dialogs } = await newPage(panel);
      await setupAdminInBrowser(panel, page);
      await page.getByRole('link', { name: 'Notifications' }).click();
      await page.getByText('No channels yet').waitFor();
      const channels = page.getByRole('region', { name: 'Channels' });

      await channels.getByRole('button', { name: 'New channel' }).click();
      let form = page.getByRole('form', { name: 'New channel' });
      await form.getByLabel('Name').fill('ops hook');
      await form.getByLabel('URL').fill('not a url');
      await form.getByLabel(/^Signing secret/).fill('swordfish');
      await form.getByRole('button', { name: 'Save channel' }).click();
      // The api's messages, next to the fields they name.
      await form.locator('label', { hasText: /^Signing secret/ }).getByText('must be whsec_').waitFor();
      await form.locator('label', { hasText: 'URL' }).locator('.field-error').waitFor();
      await form.getByLabel('URL').fill(good.url);
      await form.getByLabel(/^Signing secret/).fill(secret);
      await form.getByRole('button', { name: 'Save channel' }).click();
      const hook = page.getByRole('listitem', { name: 'Channel ops hook' });
      await hook.waitFor();

      await hook.getByRole('button', { name: 'Send test' }).click();
      await hook.getByText('Test message sent.').waitFor();
      expect(good.requests).toHaveLength(1);
      expect(signatureValid(secret, good.requests[0]!)).toBe(true);
      expect(JSON.parse(good.requests[0]!.body.toString())).toMatchObject({ type: 'notification.test' });

      // The preview is what the channel sends for a sample event, shown as text.
      await hook.getByRole('button', { name: 'Preview' }).click();
      expect(JSON.parse((await hook.getByLabel('Preview of ops hook').textContent())!)).toMatchObject({ type: 'waf.blocked', severity: 'critical', host: 'app.example.com' });
      await hook.getByRole('button', { name: 'Hide preview' }).click();
      expect(await hook.getByLabel('Preview of ops hook').count()).toBe(0);

      // The secret is write-only: never in the page, and editing without it keeps it.
      expect(await page.content()).not.toContain(secret.slice(6, 20));
      await hook.getByRole('button', { name: 'Edit' }).click();
      form = page.getByRole('form', { name: 'Edit channel ops hook' });
      expect(await form.getByLabel(/^Signing secret/).inputValue()).toBe('');
      expect(await form.getByLabel(/^Signing secret/).getAttribute('placeholder')).toContain('stored');
      await form.getByLabel('Name').fill('ops webhook');
      await form.getByRole('button', { name: 'Save channel' }).click();
      const renamed = page.getByRole('listitem', { name: 'Channel ops webhook' });
      await renamed.getByRole('button', { name: 'Send test' }).click();
      await expect.poll(() => good.requests.length).toBe(2);
      await renamed.getByText('Test message sent.').waitFor();
      expect(signatureValid(secret, good.requests[1]!)).toBe(true);

      // A receiver that answers 503, and one where nothing listens.
      const closed = `http://127.0.0.1:${await freePort()}/hook`;
      for (const [name, url] of [['flaky hook', bad.url], ['nobody home', closed]] as const) {
        await channels.getByRole('button', { name: 'New channel' }).click();
        form = page.getByRole('form', { name: 'New channel' });
        await form.getByLabel('Name').fill(name);
        await form.getByLabel('URL').fill(url);
        await form.getByRole('button', { name: 'Save channel' }).click();
        const item = page.getByRole('listitem', { name: `Channel ${name}` });
        await item.getByRole('button', { name: 'Send test' }).click();
        await item.getByText(/^Test failed: /).waitFor();
      }
      expect(await page.getByRole('listitem', { name: 'Channel flaky hook' }).getByRole('status').textContent()).toContain('503');
      expect(bad.requests).toHaveLength(1);

      const rules = page.getByRole('region', { name: 'Rules' });
      await rules.getByRole('button', { name: 'New rule' }).click();
      const ruleForm = page.getByRole('form', { name: 'New rule' });
      await ruleForm.getByLabel('Rule name').fill('blocks to ops');
      await ruleForm.getByRole('combobox', { name: /^Event/ }).selectOption('waf.blocked');
      await ruleForm.getByRole('combobox', { name: /^Send to/ }).selectOption({ label: 'ops webhook' });
      await ruleForm.getByLabel('critical').check();
      await ruleForm.getByLabel('Throttle window (seconds)').fill('soon');
      await ruleForm.getByRole('button', { name: 'Save rule' }).click();
      await ruleForm.getByText('must be whole seconds').waitFor();
      await ruleForm.getByLabel('Throttle window (seconds)').fill('300');
      await ruleForm.getByRole('button', { name: 'Save rule' }).click();
      await rules.getByRole('cell', { name: 'blocks to ops' }).waitFor();
      expect(await rules.locator('tbody tr').first().textContent()).toContain('300 s');

      const ledger = page.getByRole('region', { name: 'Delivery ledger' });
      await expect.poll(() => ledger.locator('tbody tr').count()).toBe(4);
      await ledger.getByLabel('Status').selectOption('failed');
      await expect.poll(() => ledger.locator('tbody tr').count()).toBe(2);
      const errors = await ledger.locator('td.delivery-error').allTextContents();
      expect(errors.some((e) => e.includes('503'))).toBe(true);
      expect(errors.every((e) => e.length > 0)).toBe(true);
      await screenshot(page, 'notifications');
      await ledger.getByLabel('Channel').selectOption({ label: 'flaky hook' });
      await expect.poll(() => ledger.locator('tbody tr').count()).toBe(1);
      await ledger.getByLabel('Status').selectOption('sent');
      await ledger.getByText('No deliveries match.').waitFor();
      await ledger.getByLabel('Channel').selectOption({ label: 'ops webhook' });
      await ledger.getByLabel('Event').selectOption('notification.test');
      await expect.poll(() => ledger.locator('tbody tr').count()).toBe(2);
      expect(await ledger.locator('td.delivery-error').allTextContents()).toEqual(['', '']);
      await ledger.scrollIntoViewIfNeeded();
      await screenshot(page, 'notifications-ledger');

      // A family rule end to end: a failed login reaches the receiver, signed, and shows in the ledger.
      await rules.getByRole('button', { name: 'New rule' }).click();
      const familyForm = page.getByRole('form', { name: 'New rule' });
      await familyForm.getByLabel('Rule name').fill('logins to ops');
      await familyForm.getByRole('combobox', { name: /^Event/ }).selectOption('auth.*');
      await familyForm.getByRole('combobox', { name: /^Send to/ }).selectOption({ label: 'ops webhook' });
      await familyForm.getByRole('button', { name: 'Save rule' }).click();
      await rules.getByRole('cell', { name: 'logins to ops' }).waitFor();
      const login = await fetch(`${panel.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ADMIN.username, password: 'not the password' }) });
      expect(login.status).toBe(401);
      await expect.poll(() => good.requests.length).toBe(3);
      expect(signatureValid(secret, good.requests[2]!)).toBe(true);
      expect(JSON.parse(good.requests[2]!.body.toString())).toMatchObject({ type: 'auth.login_failed', severity: 'warning' });
      // The row turns 'sent' once the receiver has answered, a moment after it got the request:
      // choosing the event again asks the ledger again, as an operator would.
      await expect
        .poll(async () => {
          await ledger.getByLabel('Event').selectOption('');
          const [answer] = await Promise.all([page.waitForResponse((r) => r.url().includes('eventType=auth.login_failed')), ledger.getByLabel('Event').selectOption('auth.login_failed')]);
          return ((await answer.json()) as { deliveries: unknown[] }).deliveries.length;
        })
        .toBe(1);
      await expect.poll(() => ledger.locator('tbody tr').count()).toBe(1);
      expect(dialogs).toEqual([]);
    } finally {
      await good.stop();
      await bad.stop();
    }
  });

  it('explains a blocked permission, registers the service worker once allowed, and reports what the browser answers', { timeout: 60_000 }, async () => {
    const { page, dialogs } = await newPage(panel);
    await signIn(page, panel.url);
    const push = page.getByRole('region', { name: 'Browser push' });
    await push.getByRole('button', { name: 'Turn on push in this browser' }).click();
    const state = push.getByRole('status');
    // Headless Chromium denies the permission prompt.
    await state.getByText('Push could not be turned on: Notifications are blocked for this site', { exact: false }).waitFor();

    await page.context().grantPermissions(['notifications'], { origin: panel.url });
    await push.getByRole('button', { name: 'Turn on push in this browser' }).click();
    // Allowed, the worker registers; this Chromium has no push service, and the page says so.
    await state.getByText(/^Push could not be turned on: Registration failed/).waitFor();
    await push.getByRole('button', { name: 'Turn on push in this browser' }).waitFor();
    const worker = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration('/'))?.active?.scriptURL ?? null);
    expect(worker).toBe(`${panel.url}/sw.js`);
    const served = await fetch(`${panel.url}/sw.js`);
    expect(served.headers.get('content-type')).toMatch(/^(application|text)\/javascript/);
    expect(dialogs).toEqual([]);
  });

  it('subscribes with the VAPID key, receives a test push, and stops receiving once turned off', { timeout: 60_000 }, async () => {
    // This Chromium's push service (Google's) is unreachable: a local one speaking Web Push stands in for it,
    // and the page's PushManager hands out a subscription to it whose keys this test holds, like the browser would.
    const service = await receiver(201, tls);
    const browser = newSubscriber();
    try {
      const { page, dialogs } = await newPage(panel);
      await page.context().grantPermissions(['notifications'], { origin: panel.url });
      await page.addInitScript(({ endpoint, keys }: { endpoint: string; keys: { p256dh: string; auth: string } }) => {
        let current: unknown = null;
        PushManager.prototype.getSubscription = async () => current as PushSubscription | null;
        PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
          (window as unknown as { pushKey: number[] }).pushKey = [...new Uint8Array(options!.applicationServerKey as ArrayBuffer)];
          current = { endpoint, toJSON: () => ({ endpoint, keys }), unsubscribe: async () => ((current = null), true) };
          return current as PushSubscription;
        };
      }, { endpoint: service.url.replace('/hook', '/push/this-browser'), keys: browser.keys });
      await signIn(page, panel.url);
      const push = page.getByRole('region', { name: 'Browser push' });
      await push.getByRole('button', { name: 'Turn on push in this browser' }).click();
      // Registering and activating the service worker took more than the page's 15 s once, under
      // the whole suite's load on two cores: wait longer, and for either outcome, so a failure says why.
      const state = push.getByRole('status');
      await state.getByText(/^Push (is on|could not be turned on)/).waitFor({ timeout: 40_000 });
      expect(await state.textContent()).toBe('Push is on for this browser.');
      const { publicKey } = (await (await page.request.get(`${panel.url}/api/notifications/push/vapid-public-key`)).json()) as { publicKey: string };
      expect(await page.evaluate(() => (window as unknown as { pushKey: number[] }).pushKey)).toEqual([...Buffer.from(publicKey, 'base64url')]);

      const channels = page.getByRole('region', { name: 'Channels' });
      await channels.getByRole('button', { name: 'New channel' }).click();
      const form = page.getByRole('form', { name: 'New channel' });
      await form.getByLabel('Name').fill('my browsers');
      await form.getByRole('combobox', { name: /^Type/ }).selectOption('browser_push');
      expect(await form.getByLabel(/^URL/).count()).toBe(0);
      await form.getByLabel('Time to live (seconds)').fill('600');
      await form.getByRole('button', { name: 'Save channel' }).click();
      const item = page.getByRole('listitem', { name: 'Channel my browsers' });
      await item.getByRole('button', { name: 'Send test' }).click();
      await item.getByText('Test message sent.').waitFor();
      expect(service.requests).toHaveLength(1);
      const sent = service.requests[0]!;
      expect(sent.headers).toMatchObject({ 'content-encoding': 'aes128gcm', ttl: '600' });
      expect(String(sent.headers.authorization)).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${publicKey}$`));
      expect(JSON.parse(decryptPushBody(sent.body, browser))).toMatchObject({ title: 'Panoptes: notification.test', type: 'notification.test', body: expect.stringContaining('test message for channel my browsers') });
      await screenshot(page, 'notifications-push');

      await push.getByRole('button', { name: 'Turn off push in this browser' }).click();
      await push.getByText('Push is off for this browser.').waitFor();
      await item.getByRole('button', { name: 'Send test' }).click();
      await item.getByText('Test failed: no browser is subscribed').waitFor();
      expect(service.requests).toHaveLength(1);
      expect(dialogs).toEqual([]);
    } finally {
      await service.stop();
    }
  });
});
