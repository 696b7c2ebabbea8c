import { describe, expect, it } from 'vitest';
import { apiInPage, newPage, screenshot, setupAdminInBrowser, panelPerFile } from './harness.js';

describe('proxy configuration in a real browser', () => {
  const panel = panelPerFile();

  it('configures a target group, a host, ordered rules, security, WAF settings and allowlists', { timeout: 120_000 }, async () => {
    const { page, dialogs } = await newPage(panel);
    await setupAdminInBrowser(panel, page);
    await page.getByRole('link', { name: 'Proxy' }).click();
    await page.getByRole('heading', { name: 'Proxy configuration' }).waitFor();

    const groups = page.getByRole('region', { name: 'Target groups' });
    await groups.getByRole('button', { name: 'New target group' }).click();
    await groups.getByLabel('Name').fill('app servers');
    await groups.getByRole('button', { name: 'Add target group' }).click();
    await groups.getByRole('cell', { name: 'app servers' }).waitFor();
    await groups.getByRole('button', { name: 'Targets' }).click();
    const targets = page.getByRole('region', { name: 'Targets of app servers' });
    await targets.getByRole('button', { name: 'New target' }).click();
    await targets.getByLabel('Target host').fill('10.0.0.5');
    await targets.getByLabel('Port').fill('not a port');
    await targets.getByRole('button', { name: 'Add target' }).click();
    await targets.getByText('must be a number').waitFor();
    await targets.getByLabel('Port').fill('8080');
    await targets.getByRole('button', { name: 'Add target' }).click();
    await targets.getByRole('cell', { name: '10.0.0.5:8080' }).waitFor();

    const hosts = page.getByRole('region', { name: 'Hosts' });
    await hosts.getByRole('button', { name: 'New host' }).click();
    await hosts.getByLabel('Domain').fill('bad domain!');
    await hosts.getByLabel('Target group').selectOption({ label: 'app servers' });
    await hosts.getByRole('button', { name: 'Add host' }).click();
    // The api's message, next to the field it names.
    await hosts.locator('label', { hasText: 'Domain' }).getByText('a host name').waitFor();
    await hosts.getByLabel('Domain').fill('app.example.com');
    await hosts.getByRole('button', { name: 'Add host' }).click();
    await hosts.getByRole('cell', { name: 'app.example.com' }).waitFor();
    // Editing a host keeps its place in the list and shows the new value.
    await hosts.getByRole('button', { name: 'Edit' }).click();
    await hosts.getByRole('combobox', { name: /^TLS/ }).selectOption('none');
    await hosts.getByRole('button', { name: 'Save host' }).click();
    await hosts.getByRole('cell', { name: 'none', exact: true }).waitFor();
    await hosts.getByRole('button', { name: 'Configure' }).click();

    const host = page.getByRole('region', { name: 'Host app.example.com' });
    const rules = host.getByRole('region', { name: 'Rules' });
    for (const name of ['admin block', 'legacy redirect']) {
      await rules.getByRole('button', { name: 'New rule' }).click();
      await rules.getByLabel('Rule name').fill(name);
      await rules.getByRole('combobox', { name: /^Action/ }).selectOption(name === 'admin block' ? 'block' : 'redirect');
      if (name === 'legacy redirect') {
        // A problem inside a JSON value is shown next to that JSON field, with its inner path.
        await rules.getByLabel(/^Matchers/).fill('[{"type": 1}]');
        await rules.getByRole('button', { name: 'Add rule' }).click();
        await rules.locator('label', { hasText: 'Matchers (JSON)' }).getByText(/^0\.type: /).waitFor();
        await rules.getByLabel(/^Matchers/).fill('[{"type": "path", "config": {"prefix": "/old"}}]');
      }
      await rules.getByRole('button', { name: 'Add rule' }).click();
      await rules.locator('.rule-name', { hasText: name }).waitFor();
    }
    const order = () => rules.locator('.rule-name').allTextContents();
    expect(await order()).toEqual(['admin block', 'legacy redirect']);
    // Keyboard: the moved rule keeps the focus (on the arrow it can still use) and the move is announced.
    await rules.getByRole('button', { name: 'Move legacy redirect up' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(order).toEqual(['legacy redirect', 'admin block']);
    await rules.getByRole('status').getByText('legacy redirect moved to position 1 of 2').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move legacy redirect down');
    // Drag and drop does the same with a mouse.
    await rules.locator('li', { hasText: 'admin block' }).dragTo(rules.locator('li', { hasText: 'legacy redirect' }));
    await expect.poll(order).toEqual(['admin block', 'legacy redirect']);
    await rules.getByRole('button', { name: 'Move legacy redirect up' }).click();
    await expect.poll(order).toEqual(['legacy redirect', 'admin block']);
    await screenshot(page, 'proxy-rules');

    const security = host.getByRole('region', { name: 'Host security' });
    await security.getByLabel('Count per').selectOption('header');
    await security.getByRole('button', { name: 'Save security settings' }).click();
    await security.getByText('required when rateLimitKey is header').waitFor();
    await security.getByLabel('Header name').fill('X-Api-Key');
    await security.getByLabel('Paranoia level (1-4)').fill('2');
    await security.getByRole('button', { name: 'Save security settings' }).click();
    await expect.poll(async () => (await apiInPage<{ security: { waf_paranoia: number; rate_limit_header_name: string } | null }>(page, 'GET', '/api/proxy/hosts/1/security')).security).toMatchObject({ waf_paranoia: 2, rate_limit_header_name: 'X-Api-Key' });

    const exclusions = host.getByRole('region', { name: 'WAF exclusions' });
    await exclusions.getByRole('button', { name: 'New WAF exclusion' }).click();
    await exclusions.getByLabel('CRS rule id').fill('942100');
    await exclusions.getByLabel('Path pattern').fill('/api/search');
    await exclusions.getByRole('button', { name: 'Add WAF exclusion' }).click();
    await exclusions.getByRole('cell', { name: '942100' }).waitFor();

    const custom = host.getByRole('region', { name: 'WAF custom rules' });
    await custom.getByRole('button', { name: 'New custom rule' }).click();
    await custom.getByLabel('Name').fill('deny wp-admin');
    await custom.getByLabel('SecRule').fill('SecRule REQUEST_URI "@beginsWith /wp-admin" "id:10001,phase:1,deny,status:403"');
    await custom.getByRole('button', { name: 'Add custom rule' }).click();
    await custom.getByRole('cell', { name: 'deny wp-admin' }).waitFor();

    const allow = host.getByRole('region', { name: 'Allowlist of this host' });
    await allow.getByRole('button', { name: 'New allowlist entry' }).click();
    await allow.getByLabel('Kind').selectOption('cidr');
    await allow.getByLabel('Value').fill('192.168.0.0/16');
    await allow.getByRole('button', { name: 'Add allowlist entry' }).click();
    await allow.getByRole('cell', { name: '192.168.0.0/16' }).waitFor();
    await screenshot(page, 'proxy');

    // The order and everything else survive a reload.
    await page.reload();
    await page.getByRole('region', { name: 'Hosts' }).getByRole('button', { name: 'Configure' }).click();
    await expect.poll(order).toEqual(['legacy redirect', 'admin block']);
    expect(await page.getByRole('region', { name: 'Global allowlist' }).getByText('192.168.0.0/16').count()).toBe(0);

    // Deleting asks first; cancelling keeps the rule.
    const adminRule = rules.locator('li', { hasText: 'admin block' });
    await adminRule.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete the rule admin block?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await order()).toEqual(['legacy redirect', 'admin block']);
    await adminRule.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(order).toEqual(['legacy redirect']);
    await screenshot(page, 'proxy-host');

    // A group still used by a host stays, and the dialog says why; once the host is gone it can go.
    const groupsAgain = page.getByRole('region', { name: 'Target groups' });
    await groupsAgain.getByRole('button', { name: 'Delete' }).click();
    const deleteGroup = page.getByRole('dialog', { name: 'Delete this target group?' });
    await deleteGroup.getByRole('button', { name: 'Delete' }).click();
    await deleteGroup.getByRole('alert').getByText('the target group is used by the host app.example.com', { exact: false }).waitFor();
    await deleteGroup.getByRole('button', { name: 'Cancel' }).click();
    const hostsAgain = page.getByRole('region', { name: 'Hosts' });
    await hostsAgain.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete this host?' }).getByRole('button', { name: 'Delete' }).click();
    await hostsAgain.getByText('No hosts yet.').waitFor();
    // The deleted host's settings panel closes with it.
    await expect.poll(() => page.getByRole('region', { name: 'Host app.example.com' }).count()).toBe(0);
    await groupsAgain.getByRole('button', { name: 'Delete' }).click();
    await deleteGroup.getByRole('button', { name: 'Delete' }).click();
    await groupsAgain.getByText('No target groups yet.').waitFor();
    expect(dialogs).toEqual([]);
  });
});
