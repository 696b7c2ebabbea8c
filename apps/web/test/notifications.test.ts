import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { freePort } from '@panoptes/db-core/testing';
import { newPage, screenshot, setupAdminInBrowser, panelPerFile } from './harness.js';

/** A webhook receiver on 127.0.0.1 that records what it gets; it answers `status`. */
async function receiver(status: number): Promise<{ url: string; requests: { headers: IncomingHttpHeaders; body: string }[]; stop: () => Promise<void> }> {
  const requests: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      res.statusCode = status;
      res.end(status === 200 ? 'ok' : 'receiver is down for maintenance');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
    requests,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Standard Webhooks: v1 = base64 HMAC-SHA256 of `id.timestamp.body` with the secret's bytes. */
function signatureValid(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${body}`).digest('base64');
  return String(headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
}

describe('notifications in a real browser', () => {
  const panel = panelPerFile();

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
      await form.getByLabel('Signing secret').fill('swordfish');
      await form.getByRole('button', { name: 'Save channel' }).click();
      // The api's messages, next to the fields they name.
      await form.locator('label', { hasText: 'Signing secret' }).getByText('must be whsec_').waitFor();
      await form.locator('label', { hasText: 'URL' }).locator('.field-error').waitFor();
      await form.getByLabel('URL').fill(good.url);
      await form.getByLabel('Signing secret').fill(secret);
      await form.getByRole('button', { name: 'Save channel' }).click();
      const hook = page.getByRole('listitem', { name: 'Channel ops hook' });
      await hook.waitFor();

      await hook.getByRole('button', { name: 'Send test' }).click();
      await hook.getByText('Test message sent.').waitFor();
      expect(good.requests).toHaveLength(1);
      expect(signatureValid(secret, good.requests[0]!.headers, good.requests[0]!.body)).toBe(true);
      expect(JSON.parse(good.requests[0]!.body)).toMatchObject({ type: 'notification.test' });

      // The secret is write-only: never in the page, and editing without it keeps it.
      expect(await page.content()).not.toContain(secret.slice(6, 20));
      await hook.getByRole('button', { name: 'Edit' }).click();
      form = page.getByRole('form', { name: 'Edit channel ops hook' });
      expect(await form.getByLabel('Signing secret').inputValue()).toBe('');
      expect(await form.getByLabel('Signing secret').getAttribute('placeholder')).toContain('stored');
      await form.getByLabel('Name').fill('ops webhook');
      await form.getByRole('button', { name: 'Save channel' }).click();
      const renamed = page.getByRole('listitem', { name: 'Channel ops webhook' });
      await renamed.getByRole('button', { name: 'Send test' }).click();
      await expect.poll(() => good.requests.length).toBe(2);
      await renamed.getByText('Test message sent.').waitFor();
      expect(signatureValid(secret, good.requests[1]!.headers, good.requests[1]!.body)).toBe(true);

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
      await ledger.getByLabel('Channel').selectOption({ label: 'flaky hook' });
      await expect.poll(() => ledger.locator('tbody tr').count()).toBe(1);
      await screenshot(page, 'notifications');
      expect(dialogs).toEqual([]);
    } finally {
      await good.stop();
      await bad.stop();
    }
  });
});
