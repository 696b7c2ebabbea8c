import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteFixture } from '@panoptes/db-core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, servers, setupAdmin } from './harness.js';

describe('serving the panel and security headers [sqlite]', () => {
  const start = servers(sqliteFixture());
  const dist = mkdtempSync(join(tmpdir(), 'panoptes-dist-'));
  afterAll(() => rmSync(dist, { recursive: true, force: true }));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/app-1a2b3c.js"></script>');
  writeFileSync(join(dist, 'assets', 'app-1a2b3c.js'), 'console.log(1)');

  it('serves index.html uncached for every panel path, hashed assets for a year, and JSON for the API', async () => {
    const server = await start({ PANOPTES_WEB_DIST: dist });
    const c = new Client(server.url);
    for (const path of ['/', '/logs', '/logs/42?ip=1.2.3.4', '/settings/backups']) {
      const res = await c.call('GET', path);
      expect(res.status, path).toBe(200);
      expect(res.text).toContain('<div id="root">');
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
    }
    const asset = await c.call('GET', '/assets/app-1a2b3c.js');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await c.call('GET', '/assets/missing.js')).status).toBe(404);
    const api = await c.call('GET', '/api/nowhere');
    expect(api).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const csp = (await c.call('GET', '/')).headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect((await c.call('GET', '/')).headers.get('x-powered-by')).toBeNull();
  });

  it('records every change in the audit log and raises a lockout event', async () => {
    const server = await start({ PANOPTES_WEB_DIST: dist });
    const admin = await setupAdmin(server);
    await admin.call('PUT', '/api/settings/auth.max_failures_per_user', { value: 1 });
    await admin.call('POST', '/api/notifications/channels', { name: 'c', type: 'webhook', config: { url: 'http://127.0.0.1:9/x' } });
    const intruder = new Client(server.url);
    await intruder.call('POST', '/api/auth/login', { username: 'ada', password: 'nope' });
    expect((await intruder.call('POST', '/api/auth/login', { username: 'ada', password: 'nope' })).status).toBe(429);
    const audit = (await admin.call('GET', '/api/audit')).body.entries as { message: string; record: { before?: unknown; after?: unknown } }[];
    const settingChange = audit.find((e) => e.message.includes('setting.update'))!;
    expect(settingChange.record).toMatchObject({ before: 5, after: 1 });
    expect(audit.some((e) => e.message.includes('notification_channel.create'))).toBe(true);
    expect(audit.some((e) => e.message.includes('user.setup'))).toBe(true);
    await admin.call('POST', '/api/notifications/rules', { name: 'all', channelId: 1, eventType: 'auth.*' });
    await intruder.call('POST', '/api/auth/login', { username: 'ada', password: 'nope' });
    const ledger = (await admin.call('GET', '/api/notifications/deliveries')).body.deliveries as { event_type: string }[];
    expect(ledger.map((d) => d.event_type)).toContain('auth.lockout');
  });
});
