import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachDialect } from '@panoptes/db-core/testing';
import { Secret, TOTP } from 'otpauth';
import { afterAll, expect, it } from 'vitest';
import { Client, servers, setupAdmin } from './harness.js';

/** The audit actions recorded in a project, newest first. */
async function actions(client: Client, project?: string): Promise<string[]> {
  const res = await client.call('GET', '/api/audit?limit=200', undefined, project ? { 'x-project': project } : {});
  return res.body.entries.map((e: { record: { action: string } }) => e.record.action);
}

describeEachDialect('changing and removing what was created', (fixture) => {
  const start = servers(fixture);
  const dir = mkdtempSync(join(tmpdir(), 'panoptes-lifecycle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('users: admins list and change them; disabling one ends its sessions', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    const created = (await admin.call('POST', '/api/users', { username: 'bob', password: 'long enough password', role: 'viewer' })).body.user;
    const bob = new Client(server.url);
    expect((await bob.call('POST', '/api/auth/login', { username: 'bob', password: 'long enough password' })).status).toBe(200);
    expect((await admin.call('GET', '/api/users')).body.users.map((u: { username: string }) => u.username)).toEqual(['ada', 'bob']);

    expect((await admin.call('PATCH', `/api/users/${created.id}`, { role: 'root' })).status).toBe(400);
    expect((await admin.call('PATCH', '/api/users/9999', { role: 'admin' })).status).toBe(404);
    expect((await admin.call('PATCH', '/api/users/abc', { role: 'admin' })).body.error.message).toBe('id: Invalid input: expected number, received NaN');
    const changed = await admin.call('PATCH', `/api/users/${created.id}`, { role: 'admin', email: 'bob@b.example' });
    expect(changed.body.user).toMatchObject({ username: 'bob', role: 'admin', email: 'bob@b.example' });
    expect((await admin.call('PATCH', `/api/users/${created.id}`, { disabled: true })).status).toBe(200);
    expect((await bob.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await new Client(server.url).call('POST', '/api/auth/login', { username: 'bob', password: 'long enough password' })).status).toBe(401);
    expect(await actions(admin)).toEqual(expect.arrayContaining(['user.create', 'user.update']));
  });

  it('account: a password change keeps this session and ends the others; two-factor can be turned off with the password', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    const elsewhere = new Client(server.url);
    await elsewhere.call('POST', '/api/auth/login', { username: 'ada', password: 'correct horse battery' });
    expect((await admin.call('POST', '/api/account/password', { current: 'wrong', password: 'a new long password' })).body.error.message).toBe('current: wrong password');
    expect((await admin.call('POST', '/api/account/password', { current: 'correct horse battery', password: 'short' })).status).toBe(400);
    expect((await admin.call('POST', '/api/account/password', { current: 'correct horse battery', password: 'a new long password' })).status).toBe(204);
    expect((await admin.call('GET', '/api/auth/me')).status).toBe(200);
    expect((await elsewhere.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await new Client(server.url).call('POST', '/api/auth/login', { username: 'ada', password: 'correct horse battery' })).status).toBe(401);

    const setup = await admin.call('POST', '/api/account/totp/setup');
    await admin.call('POST', '/api/account/totp/enable', { code: new TOTP({ secret: Secret.fromBase32(setup.body.secret) }).generate() });
    expect((await admin.call('POST', '/api/account/totp/disable', { password: 'correct horse battery' })).status).toBe(400);
    expect((await admin.call('POST', '/api/account/totp/disable', { password: 'a new long password' })).status).toBe(204);
    expect((await admin.call('GET', '/api/auth/me')).body.user.totpEnabled).toBe(false);
    const login = await new Client(server.url).call('POST', '/api/auth/login', { username: 'ada', password: 'a new long password' });
    expect(login.status).toBe(200);
    expect(login.body.totpRequired).toBeUndefined();
    expect(await actions(admin)).toEqual(expect.arrayContaining(['account.password', 'account.totp_enable', 'account.totp_disable']));
  });

  it('projects: users see the projects their e-mail may enter; admins rename and delete them, never the default', async () => {
    const server = await start();
    const admin = await setupAdmin(server, 'root', 'root@ops.example');
    const project = (await admin.call('POST', '/api/projects', { name: 'shop', allowedDomains: ['shop.example'] })).body.project;
    await admin.call('POST', '/api/users', { username: 'carol', password: 'long enough password', email: 'carol@shop.example', role: 'viewer' });
    const carol = new Client(server.url);
    await carol.call('POST', '/api/auth/login', { username: 'carol', password: 'long enough password' });
    // The default project has no lists, so everyone may enter it; "shop" admits its domain.
    const visible = async () => (await carol.call('GET', '/api/projects')).body.projects.map((p: { name: string }) => p.name);
    expect(await visible()).toEqual(['Default', 'shop']);
    expect((await carol.call('GET', '/api/projects')).body.projects.map((p: { isDefault: boolean }) => p.isDefault)).toEqual([true, false]);
    expect((await carol.call('PATCH', `/api/projects/${project.uuid}`, { name: 'mine' })).status).toBe(403);

    expect((await admin.call('PATCH', `/api/projects/${project.uuid}`, { allowedDomains: ['not a domain'] })).status).toBe(400);
    expect((await admin.call('PATCH', `/api/projects/${project.uuid}`, { name: 'web shop', allowedDomains: ['other.example'] })).status).toBe(204);
    expect(await visible()).toEqual(['Default']);
    const projects = () => server.ctx.db.read.selectFrom('projects').select(['uuid', 'name']).orderBy('name').execute();
    expect((await projects()).map((p) => p.name)).toEqual(['Default', 'web shop']);
    const projectAudit = await server.ctx.db.read.selectFrom('log_entries').select('raw').where('source', '=', 'audit').where('project_uuid', '=', project.uuid).execute();
    expect(projectAudit.map((r) => JSON.parse(r.raw!).action)).toContain('project.update');

    const defaultUuid = (await projects())[0]!.uuid;
    expect((await admin.call('DELETE', `/api/projects/${defaultUuid}`)).status).toBe(409);
    expect((await admin.call('DELETE', `/api/projects/${project.uuid}`)).status).toBe(204);
    expect((await admin.call('DELETE', `/api/projects/${project.uuid}`)).status).toBe(404);
    expect((await projects()).map((p) => p.uuid)).toEqual([defaultUuid]);
    expect(await actions(admin)).toContain('project.delete');
  });

  it('proxy configuration: rows are changed and removed, and a target group in use is kept', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    const group = (await admin.call('POST', '/api/proxy/target-groups', { name: 'web' })).body;
    const target = (await admin.call('POST', '/api/proxy/targets', { targetGroupId: group.id, host: '10.0.0.5', port: 8080 })).body;
    const host = (await admin.call('POST', '/api/proxy/hosts', { domain: 'shop.example', targetGroupId: group.id })).body;
    const rule = (await admin.call('POST', '/api/proxy/rules', { hostId: host.id, priority: 10, name: 'all', actionType: 'forward' })).body;
    const exclusion = (await admin.call('POST', '/api/proxy/waf-exclusions', { hostId: host.id, crsRuleId: 942100, pathPattern: '/api/' })).body;
    const custom = (await admin.call('POST', '/api/proxy/waf-custom-rules', { hostId: host.id, name: 'deny', secrule: 'SecRule ARGS "@contains x" "id:1,deny"' })).body;
    const allow = (await admin.call('POST', '/api/proxy/allowlists', { scope: 'host', hostId: host.id, kind: 'cidr', value: '10.0.0.0/8' })).body;

    expect((await admin.call('PATCH', `/api/proxy/waf-exclusions/${exclusion.id}`, { pathPattern: '/admin/' })).body).toMatchObject({ crs_rule_id: 942100, path_pattern: '/admin/' });
    expect((await admin.call('PATCH', `/api/proxy/waf-custom-rules/${custom.id}`, { name: 'deny x' })).body).toMatchObject({ name: 'deny x' });
    expect((await admin.call('PATCH', `/api/proxy/allowlists/${allow.id}`, { value: '192.168.0.0/16' })).body).toMatchObject({ value: '192.168.0.0/16' });
    expect((await admin.call('PATCH', `/api/proxy/allowlists/${allow.id}`, { scope: 'everywhere' })).status).toBe(400);

    expect((await admin.call('DELETE', `/api/proxy/rules/${rule.id}`)).status).toBe(204);
    expect((await admin.call('GET', '/api/proxy/rules')).body.rules).toEqual([]);
    expect((await admin.call('DELETE', `/api/proxy/targets/${target.id}`)).status).toBe(204);
    expect((await admin.call('DELETE', `/api/proxy/targets/${target.id}`)).status).toBe(404);
    expect((await admin.call('DELETE', `/api/proxy/target-groups/${group.id}`)).status).toBe(409);
    // Deleting the host takes its exclusions, custom rules and allowlists with it; then the group may go.
    expect((await admin.call('DELETE', `/api/proxy/hosts/${host.id}`)).status).toBe(204);
    for (const kind of ['waf-exclusions', 'waf-custom-rules', 'allowlists']) {
      expect((await admin.call('PATCH', `/api/proxy/${kind}/${kind === 'allowlists' ? allow.id : kind === 'waf-exclusions' ? exclusion.id : custom.id}`, { name: 'x' })).status, kind).toBe(404);
    }
    expect((await admin.call('DELETE', `/api/proxy/target-groups/${group.id}`)).status).toBe(204);
  });

  it('sources, tokens, backups and notification rules are removed; channel previews and browser push subscriptions work', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    const log = join(dir, `access-${fixture.dialect}.log`);
    writeFileSync(log, '');
    const source = (await admin.call('POST', '/api/sources', { name: 'caddy', path: log, parser: 'caddy_access' })).body;
    expect((await admin.call('DELETE', `/api/sources/${source.id}`)).status).toBe(204);
    expect((await admin.call('GET', '/api/sources')).body.sources).toEqual([]);
    expect((await admin.call('DELETE', `/api/sources/${source.id}`)).status).toBe(404);

    const token = (await admin.call('POST', '/api/tokens', { name: 'agent' })).body;
    expect((await admin.call('GET', '/api/tokens')).body.tokens[0].last_used_at).toBeNull();
    expect((await new Client(server.url).call('POST', '/api/ingest/edge?parser=caddy_access', '', { authorization: `Bearer ${token.token}` })).status).toBeLessThan(400);
    expect((await admin.call('GET', '/api/tokens')).body.tokens[0].last_used_at).toEqual(expect.any(Number));
    expect((await admin.call('DELETE', `/api/tokens/${token.id}`)).status).toBe(204);
    expect((await new Client(server.url).call('POST', '/api/ingest/edge?parser=caddy_access', '{}', { authorization: `Bearer ${token.token}` })).status).toBe(401);

    const backup = (await admin.call('POST', '/api/backups', { note: 'to delete' })).body.backup;
    expect((await admin.call('DELETE', '/api/backups/..%2Fpanoptes.db')).status).toBe(400);
    expect((await admin.call('DELETE', `/api/backups/${backup.filename}`)).status).toBe(204);
    expect((await admin.call('GET', '/api/backups')).body.backups).toEqual([]);

    const channel = (await admin.call('POST', '/api/notifications/channels', { name: 'hook', type: 'webhook', config: { url: 'http://127.0.0.1:9/x', format: 'slack' } })).body.channel;
    const preview = await admin.call('GET', `/api/notifications/channels/${channel.id}/preview`);
    expect(preview.status).toBe(200);
    expect(JSON.parse(preview.body.body)).toHaveProperty('text');
    const rule = (await admin.call('POST', '/api/notifications/rules', { name: 'all', channelId: channel.id, eventType: '*' })).body;
    expect((await admin.call('DELETE', `/api/notifications/rules/${rule.id}`)).status).toBe(204);
    expect((await admin.call('GET', '/api/notifications/rules')).body.rules).toEqual([]);

    const subscription = { endpoint: 'https://push.example/send/abc', keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' } };
    expect((await admin.call('POST', '/api/notifications/push/subscriptions', { ...subscription, endpoint: 'not a url' })).status).toBe(400);
    expect((await admin.call('POST', '/api/notifications/push/subscriptions', subscription)).status).toBe(201);
    const stored = () => server.ctx.db.read.selectFrom('push_subscriptions').select('endpoint').execute();
    expect(await stored()).toEqual([{ endpoint: subscription.endpoint }]);
    expect((await admin.call('DELETE', '/api/notifications/push/subscriptions', { endpoint: subscription.endpoint })).status).toBe(204);
    expect(await stored()).toEqual([]);
    expect(await actions(admin)).toEqual(expect.arrayContaining(['source.delete', 'token.revoke', 'backup.delete', 'notification_rule.delete']));
  });
});
