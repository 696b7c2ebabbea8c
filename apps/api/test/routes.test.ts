import { describeEachDialect } from '@panoptes/db-core/testing';
import { Secret, TOTP } from 'otpauth';
import { expect, it } from 'vitest';
import type { Running } from '../src/server.js';
import { Client, servers, setupAdmin } from './harness.js';
import { HttpReceiver } from './receiver.js';

async function login(server: Running, username: string, password: string): Promise<Client> {
  const c = new Client(server.url);
  const res = await c.call('POST', '/api/auth/login', { username, password });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.text}`);
  return c;
}

/** Project B with its own admin and one of everything in it; returns the ids. */
async function populate(server: Running, admin: Client, projectName: string, email: string) {
  const project = (await admin.call('POST', '/api/projects', { name: projectName, allowedEmails: [email] })).body.project;
  const username = `owner-${projectName}`;
  await admin.call('POST', '/api/users', { username, password: 'long enough password', email, role: 'admin' });
  const owner = await login(server, username, 'long enough password');
  const h = { 'x-project': project.uuid };
  const group = (await owner.call('POST', '/api/proxy/target-groups', { name: 'web' }, h)).body;
  const target = (await owner.call('POST', '/api/proxy/targets', { targetGroupId: group.id, host: '10.0.0.5', port: 8080 }, h)).body;
  const host = (await owner.call('POST', '/api/proxy/hosts', { domain: `${projectName}.example`, targetGroupId: group.id }, h)).body;
  const rule = (await owner.call('POST', '/api/proxy/rules', { hostId: host.id, priority: 10, name: 'all', actionType: 'forward' }, h)).body;
  const exclusion = (await owner.call('POST', '/api/proxy/waf-exclusions', { hostId: host.id, crsRuleId: 942100, pathPattern: '/api/' }, h)).body;
  const custom = (await owner.call('POST', '/api/proxy/waf-custom-rules', { hostId: host.id, name: 'deny', secrule: 'SecRule ARGS "@contains x" "id:1,deny"' }, h)).body;
  const allow = (await owner.call('POST', '/api/proxy/allowlists', { scope: 'host', hostId: host.id, kind: 'cidr', value: '10.0.0.0/8' }, h)).body;
  const channel = (await owner.call('POST', '/api/notifications/channels', { name: 'hook', type: 'webhook', config: { url: 'http://127.0.0.1:9/x' } }, h)).body.channel;
  const notificationRule = (await owner.call('POST', '/api/notifications/rules', { name: 'r', channelId: channel.id, eventType: '*' }, h)).body;
  const token = (await owner.call('POST', '/api/tokens', { name: 'agent' }, h)).body;
  for (const [name, value] of Object.entries({ group, target, host, rule, exclusion, custom, allow, channel, notificationRule, token })) {
    expect(value?.id, `${projectName}: ${name}`).toBeTypeOf('number');
  }
  return { project, owner, ids: { group: group.id, target: target.id, host: host.id, rule: rule.id, exclusion: exclusion.id, custom: custom.id, allow: allow.id, channel: channel.id, notificationRule: notificationRule.id, token: token.id }, token: token.token as string };
}

describeEachDialect('the REST API', (fixture) => {
  const start = servers(fixture);

  it('walks every route: a user of project A can neither read nor change project B', async () => {
    const server = await start();
    const root = await setupAdmin(server, 'root', 'root@ops.example');
    const a = await populate(server, root, 'alpha', 'a@a.example');
    const b = await populate(server, root, 'beta', 'b@b.example');
    const asB = { 'x-project': b.project.uuid };
    const asA = { 'x-project': a.project.uuid };
    const reads = ['/api/logs', '/api/logs/facets?field=host', `/api/logs/timeseries?from=0&to=1`, '/api/logs/export', '/api/sources', '/api/tokens', '/api/audit',
      '/api/proxy/target-groups', '/api/proxy/targets', '/api/proxy/hosts', '/api/proxy/rules', '/api/proxy/waf-exclusions', '/api/proxy/waf-custom-rules', '/api/proxy/allowlists',
      '/api/notifications/channels', '/api/notifications/rules', '/api/notifications/deliveries', `/api/notifications/channels/${b.ids.channel}/preview`];
    for (const path of reads) expect((await a.owner.call('GET', path, undefined, asB)).status, `GET ${path}`).toBe(403);
    const writes: [string, string, unknown][] = [
      ['POST', '/api/proxy/hosts', { domain: 'x.example', targetGroupId: b.ids.group }],
      ['PATCH', `/api/proxy/hosts/${b.ids.host}`, { enabled: false }],
      ['DELETE', `/api/proxy/rules/${b.ids.rule}`, undefined],
      ['POST', '/api/notifications/channels', { name: 'x', type: 'webhook', config: { url: 'http://127.0.0.1:9' } }],
      ['POST', `/api/notifications/channels/${b.ids.channel}/test`, undefined],
      ['DELETE', `/api/notifications/rules/${b.ids.notificationRule}`, undefined],
      ['POST', '/api/tokens', { name: 'steal' }],
      ['DELETE', `/api/tokens/${b.ids.token}`, undefined],
    ];
    for (const [method, path, body] of writes) expect((await a.owner.call(method, path, body, asB)).status, `${method} ${path}`).toBe(403);
    // In its own project, A cannot reach B's rows by id either: they do not exist there.
    const byId: [string, string, unknown][] = [
      ['PATCH', `/api/proxy/target-groups/${b.ids.group}`, { name: 'mine' }],
      ['PATCH', `/api/proxy/targets/${b.ids.target}`, { port: 1 }],
      ['PATCH', `/api/proxy/hosts/${b.ids.host}`, { enabled: false }],
      ['PATCH', `/api/proxy/rules/${b.ids.rule}`, { name: 'x' }],
      ['DELETE', `/api/proxy/waf-exclusions/${b.ids.exclusion}`, undefined],
      ['DELETE', `/api/proxy/waf-custom-rules/${b.ids.custom}`, undefined],
      ['DELETE', `/api/proxy/allowlists/${b.ids.allow}`, undefined],
      ['PUT', `/api/notifications/channels/${b.ids.channel}`, { name: 'x', type: 'webhook', config: { url: 'http://127.0.0.1:9' } }],
      ['POST', `/api/notifications/channels/${b.ids.channel}/test`, undefined],
      ['DELETE', `/api/notifications/channels/${b.ids.channel}`, undefined],
      ['PUT', `/api/notifications/rules/${b.ids.notificationRule}`, { name: 'x', channelId: a.ids.channel, eventType: '*' }],
      ['DELETE', `/api/tokens/${b.ids.token}`, undefined],
      ['POST', '/api/proxy/hosts', { domain: 'sneaky.example', targetGroupId: b.ids.group }],
      ['POST', '/api/proxy/rules', { hostId: b.ids.host, priority: 99, name: 'x', actionType: 'block' }],
      ['POST', '/api/notifications/rules', { name: 'x', channelId: b.ids.channel, eventType: '*' }],
    ];
    for (const [method, path, body] of byId) {
      const res = await a.owner.call(method, path, body, asA);
      expect([400, 404], `${method} ${path} -> ${res.status} ${res.text}`).toContain(res.status);
    }
    for (const path of reads.slice(0, -1)) {
      const res = await a.owner.call('GET', path, undefined, asA);
      expect(res.status, path).toBe(200);
      expect(res.text, path).not.toContain('beta.example');
    }
    // B's data is all still there.
    expect((await b.owner.call('GET', '/api/proxy/hosts', undefined, asB)).body.hosts).toHaveLength(1);
    expect((await b.owner.call('GET', '/api/proxy/rules', undefined, asB)).body.rules).toHaveLength(1);
    // A's ingest token cannot write into B.
    expect((await new Client(server.url).call('POST', '/api/ingest/x?parser=caddy_access', '{}', { authorization: `Bearer ${a.token}`, ...asB })).status).toBe(403);
    // Every change left an audit entry in its project.
    const audit = (await b.owner.call('GET', '/api/audit', undefined, asB)).body.entries.map((e: { message: string }) => e.message);
    expect(audit.some((m: string) => m.includes('hosts.create'))).toBe(true);
  });

  it('manages notification channels with write-only secrets and sends a test through a real receiver', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    const receiver = await new HttpReceiver().start();
    try {
      const created = await admin.call('POST', '/api/notifications/channels', { name: 'ops', type: 'webhook', config: { url: receiver.url, authorization: 'Bearer top-secret' } });
      expect(created.body.channel.config.authorization).toBe('__unchanged__');
      expect(JSON.stringify((await admin.call('GET', '/api/notifications/channels')).body)).not.toContain('top-secret');
      const kept = await admin.call('PUT', `/api/notifications/channels/${created.body.channel.id}`, { name: 'ops', type: 'webhook', config: { ...created.body.channel.config, format: 'slack' } });
      expect(kept.status).toBe(200);
      const test = await admin.call('POST', `/api/notifications/channels/${created.body.channel.id}/test`);
      expect(test.body).toMatchObject({ status: 'sent' });
      expect(receiver.requests[0]!.headers.authorization).toBe('Bearer top-secret');
      const invalid = await admin.call('POST', '/api/notifications/channels', { name: 'bad', type: 'email', config: { host: 'x' } });
      expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'INVALID_CHANNEL_CONFIG' } } });
      expect((await admin.call('GET', '/api/notifications/deliveries')).body.deliveries[0]).toMatchObject({ event_type: 'notification.test', status: 'sent' });
      expect((await admin.call('GET', '/api/notifications/events')).body.events.map((e: { type: string }) => e.type)).toContain('waf.blocked');
      expect((await admin.call('GET', '/api/notifications/push/vapid-public-key')).body.publicKey).toMatch(/^[A-Za-z0-9_-]{80,}$/);
    } finally {
      await receiver.stop();
    }
  });

  it('reorders a host\'s rules without collisions and keeps its WAF and rate-limit settings', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    const group = (await admin.call('POST', '/api/proxy/target-groups', { name: 'g' })).body;
    const host = (await admin.call('POST', '/api/proxy/hosts', { domain: 'Shop.Example', targetGroupId: group.id })).body;
    expect(host.domain).toBe('shop.example');
    const ids = [];
    for (const priority of [10, 20, 30]) ids.push((await admin.call('POST', '/api/proxy/rules', { hostId: host.id, priority, name: `r${priority}`, actionType: 'forward' })).body.id);
    expect((await admin.call('POST', '/api/proxy/rules', { hostId: host.id, priority: 10, name: 'dup', actionType: 'forward' })).status).toBe(409);
    expect((await admin.call('POST', '/api/proxy/rules', { hostId: host.id, priority: 50_001, name: 'x', actionType: 'forward' })).status).toBe(400);
    expect((await admin.call('PUT', `/api/proxy/hosts/${host.id}/rules/order`, { ruleIds: [ids[2], ids[0]] })).status).toBe(400);
    expect((await admin.call('PUT', `/api/proxy/hosts/${host.id}/rules/order`, { ruleIds: [ids[2], ids[0], ids[1]] })).status).toBe(204);
    const rules = (await admin.call('GET', `/api/proxy/rules?host_id=${host.id}`)).body.rules as { id: number; priority: number }[];
    expect(rules.sort((a, b) => a.priority - b.priority).map((r) => r.id)).toEqual([ids[2], ids[0], ids[1]]);
    expect((await admin.call('GET', `/api/proxy/hosts/${host.id}/security`)).body).toEqual({ security: null });
    const security = { wafEnabled: true, wafMode: 'block', wafParanoia: 2, wafBlockStatus: 403, wafBlockBody: 'no', rateLimitEnabled: true, rateLimitRequests: 100, rateLimitWindowSeconds: 60, rateLimitKey: 'header', rateLimitHeaderName: null, rateLimitStatus: 429 };
    expect((await admin.call('PUT', `/api/proxy/hosts/${host.id}/security`, security)).body.error.fields[0].field).toBe('rateLimitHeaderName');
    expect((await admin.call('PUT', `/api/proxy/hosts/${host.id}/security`, { ...security, rateLimitKey: 'ip' })).status).toBe(200);
    expect((await admin.call('GET', `/api/proxy/hosts/${host.id}/security`)).body.security).toMatchObject({ waf_enabled: true, waf_mode: 'block', waf_paranoia: 2 });
    // A host still in use keeps its target group (RESTRICT).
    expect((await admin.call('DELETE', `/api/proxy/target-groups/${group.id}`)).status).toBe(409);
  });

  it('enrols two-factor sign-in with a QR URI and recovery codes, and lists and revokes sessions', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    const setup = await admin.call('POST', '/api/account/totp/setup');
    expect(setup.body.uri).toMatch(/^otpauth:\/\/totp\/Panoptes:/);
    expect((await admin.call('POST', '/api/account/totp/enable', { code: '000000' })).status).toBe(400);
    const enabled = await admin.call('POST', '/api/account/totp/enable', { code: new TOTP({ secret: Secret.fromBase32(setup.body.secret) }).generate() });
    expect(enabled.body.recoveryCodes).toHaveLength(10);
    expect((await admin.call('GET', '/api/auth/me')).body.user.totpEnabled).toBe(true);
    const other = await new Client(server.url).call('POST', '/api/auth/login', { username: 'ada', password: 'correct horse battery' });
    expect(other.body.totpRequired).toBe(true);
    const sessions = (await admin.call('GET', '/api/account/sessions')).body.sessions;
    expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect((await admin.call('DELETE', `/api/account/sessions/${sessions[0].id}`)).status).toBe(204);
  });
});
