import { generateTotpSecret, hashRecoveryCodes, PURPOSES } from '@panoptes/crypto';
import { describeEachDialect } from '@panoptes/db-core/testing';
import { Secret, TOTP } from 'otpauth';
import { expect, it } from 'vitest';
import { Client, servers, setupAdmin } from './harness.js';

describeEachDialect('auth over HTTP', (fixture) => {
  const start = servers(fixture);

  it('needs the one-time setup token to create the first admin, once', async () => {
    const server = await start();
    const stranger = new Client(server.url);
    expect((await stranger.call('GET', '/api/auth/state')).body).toEqual({ setupRequired: true, oidc: false });
    expect((await stranger.call('POST', '/api/auth/setup', { token: 'guess', username: 'eve', password: 'correct horse battery' })).status).toBe(403);
    const admin = await setupAdmin(server);
    expect((await admin.call('GET', '/api/auth/me')).body.user).toMatchObject({ username: 'ada', role: 'admin' });
    expect((await stranger.call('POST', '/api/auth/setup', { token: 'anything', username: 'eve', password: 'correct horse battery' })).status).toBe(403);
    expect((await stranger.call('GET', '/api/auth/state')).body).toEqual({ setupRequired: false, oidc: false });
  });

  it('answers an unknown user and a wrong password alike, and limits failures with Retry-After', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    await admin.call('PUT', '/api/settings/auth.max_failures_per_user', { value: 3 });
    const c = new Client(server.url);
    const unknown = await c.call('POST', '/api/auth/login', { username: 'nobody', password: 'x' });
    const wrong = await c.call('POST', '/api/auth/login', { username: 'ada', password: 'x' });
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    await c.call('POST', '/api/auth/login', { username: 'ada', password: 'y' });
    await c.call('POST', '/api/auth/login', { username: 'ada', password: 'z' });
    const limited = await c.call('POST', '/api/auth/login', { username: 'ada', password: 'correct horse battery' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Every failure is recorded (the limiter reads them back after a restart).
    const attempts = await server.ctx.db.read.selectFrom('login_attempts').select('success').execute();
    expect(attempts.filter((a) => !a.success)).toHaveLength(4);
  });

  it('keeps sessions in an HttpOnly SameSite=Strict cookie and refuses mutations without the CSRF token', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    const login = await new Client(server.url).call('POST', '/api/auth/login', { username: 'ada', password: 'correct horse battery' });
    expect(login.headers.get('set-cookie')).toMatch(/panoptes_session=pns_[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; Expires=.*; HttpOnly; SameSite=Strict/);
    const forged = await admin.call('PUT', '/api/settings/logs.retention_days', { value: 7 }, { 'x-csrf-token': 'forged' });
    expect(forged).toMatchObject({ status: 403, body: { error: { code: 'CSRF' } } });
    expect((await admin.call('PUT', '/api/settings/logs.retention_days', { value: 7 })).status).toBe(200);
    expect((await admin.call('POST', '/api/auth/logout')).status).toBe(204);
    expect((await admin.call('GET', '/api/auth/me')).status).toBe(401);
    // Only a hash of the token is stored.
    const rows = await server.ctx.db.read.selectFrom('sessions').select('token_hash').execute();
    for (const r of rows) expect(r.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('asks for the TOTP step, refuses a replayed code, and takes a recovery code once', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    const { db, cipher } = server.ctx;
    const secret = generateTotpSecret();
    const user = await db.read.selectFrom('users').select('id').where('username', '=', 'ada').executeTakeFirstOrThrow();
    await db.write((tx) =>
      tx.db
        .updateTable('users')
        .set({ totp_enabled: true, totp_secret_encrypted: cipher.encrypt(secret, PURPOSES.totpSecret(user.id)), totp_recovery_codes_encrypted: cipher.encrypt(JSON.stringify(hashRecoveryCodes(['aaaaa-bbbbb-ccccc'])), PURPOSES.recoveryCodes(user.id)) })
        .where('id', '=', user.id)
        .execute(),
    );
    void admin;
    const c = new Client(server.url);
    const first = await c.call('POST', '/api/auth/login', { username: 'ada', password: 'correct horse battery' });
    expect(first.body).toMatchObject({ totpRequired: true });
    expect(c.cookie).toBeUndefined();
    const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
    expect((await c.call('POST', '/api/auth/totp', { challenge: first.body.challenge, code })).status).toBe(200);
    const again = await new Client(server.url).call('POST', '/api/auth/login', { username: 'ada', password: 'correct horse battery' });
    const replay = await new Client(server.url).call('POST', '/api/auth/totp', { challenge: again.body.challenge, code });
    expect(replay).toMatchObject({ status: 401, body: { error: { message: 'wrong code' } } });
    const recovery = await new Client(server.url).call('POST', '/api/auth/totp', { challenge: again.body.challenge, recoveryCode: 'AAAAA-BBBBB-CCCCC' });
    expect(recovery.status).toBe(200);
    const third = await new Client(server.url).call('POST', '/api/auth/login', { username: 'ada', password: 'correct horse battery' });
    expect((await new Client(server.url).call('POST', '/api/auth/totp', { challenge: third.body.challenge, recoveryCode: 'aaaaa-bbbbb-ccccc' })).status).toBe(401);
  });

  it('lets viewers read and only admins change things', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    expect((await admin.call('POST', '/api/users', { username: 'vic', password: 'another long password', role: 'viewer' })).status).toBe(201);
    expect((await admin.call('POST', '/api/users', { username: 'bad name!', password: 'short' })).body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['password', 'username']);
    const viewer = new Client(server.url);
    await viewer.call('POST', '/api/auth/login', { username: 'vic', password: 'another long password' });
    expect((await viewer.call('GET', '/api/logs')).status).toBe(200);
    expect((await viewer.call('GET', '/api/settings')).status).toBe(200);
    expect((await viewer.call('PUT', '/api/settings/logs.retention_days', { value: 3 })).status).toBe(403);
    expect((await viewer.call('GET', '/api/users')).status).toBe(403);
    expect((await viewer.call('GET', '/api/backups')).status).toBe(403);
  });
});
