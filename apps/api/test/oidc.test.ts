import type { Server } from 'node:http';
import { freePort, sqliteFixture } from '@panoptes/db-core/testing';
import Provider from 'oidc-provider';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, servers, setupAdmin } from './harness.js';


/** Follows a browser's way through the provider's (development) login and consent pages. */
async function signInThroughProvider(startUrl: string, login: string): Promise<{ callback: string }> {
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      jar.set(name!, value.join('='));
    }
  };
  const cookies = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = startUrl;
  for (let hop = 0; hop < 12; hop += 1) {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: cookies() } });
    remember(response);
    const location = response.headers.get('location');
    if (location?.includes('/api/auth/oidc/callback')) return { callback: new URL(location, url).href };
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const html = await response.text();
    const action = /action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form on ${url}: ${html.slice(0, 200)}`);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)![1]!;
    const body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
    const submitted = await fetch(new URL(action, url), { method: 'POST', redirect: 'manual', body, headers: { cookie: cookies(), 'content-type': 'application/x-www-form-urlencoded' } });
    remember(submitted);
    url = new URL(submitted.headers.get('location')!, url).href;
  }
  throw new Error('too many hops');
}

describe('OpenID Connect sign-in against a real provider [sqlite]', () => {
  const start = servers(sqliteFixture());
  let provider: Server | undefined;
  afterAll(() => new Promise<void>((resolve) => (provider ? provider.close(() => resolve()) : resolve())));

  it('signs in with authorization code + PKCE, binds the local user by e-mail, and refuses strangers', async () => {
    const [idpPort, panoptesPort] = [await freePort(), await freePort()];
    const issuer = `http://127.0.0.1:${idpPort}`;
    const redirect = `http://127.0.0.1:${panoptesPort}/api/auth/oidc/callback`;
    const oidc = new Provider(issuer, {
      clients: [{ client_id: 'panoptes', client_secret: 'provider-secret-123', redirect_uris: [redirect], grant_types: ['authorization_code'], response_types: ['code'] }],
      findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, email: `${id}@corp.example`, email_verified: true, preferred_username: id }) }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username'] },
      pkce: { required: () => true },
      cookies: { keys: ['test-cookie-key'] },
    });
    provider = oidc.listen(idpPort, '127.0.0.1') as unknown as Server;
    const server = await start({
      PANOPTES_PORT: String(panoptesPort),
      PANOPTES_OIDC_ISSUER: issuer,
      PANOPTES_OIDC_CLIENT_ID: 'panoptes',
      PANOPTES_OIDC_CLIENT_SECRET: 'provider-secret-123',
      PANOPTES_OIDC_REDIRECT_URL: redirect,
    });
    await setupAdmin(server, 'ada', 'ada@corp.example');
    const browser = new Client(server.url);
    const login = await fetch(`${server.url}/api/auth/oidc/login`, { redirect: 'manual' });
    const authorize = new URL(login.headers.get('location')!);
    expect(authorize.origin).toBe(issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const { callback } = await signInThroughProvider(authorize.href, 'ada');
    const done = await fetch(callback, { redirect: 'manual' });
    expect(done.status).toBe(302);
    browser.cookie = done.headers.get('set-cookie')!.split(';')[0];
    const me = await browser.call('GET', '/api/auth/me');
    expect(me.body.user).toMatchObject({ username: 'ada', role: 'admin' });
    const bound = await server.ctx.db.read.selectFrom('users').select(['external_provider', 'external_id']).where('username', '=', 'ada').executeTakeFirstOrThrow();
    expect(bound).toEqual({ external_provider: issuer, external_id: 'ada' });
    // A replayed callback (same state and code) is refused.
    expect((await fetch(callback, { redirect: 'manual' })).status).toBe(401);
    // Someone the panel does not know gets no account (creating users is off by default).
    const second = await fetch(`${server.url}/api/auth/oidc/login`, { redirect: 'manual' });
    const stranger = await signInThroughProvider(second.headers.get('location')!, 'mallory');
    expect((await fetch(stranger.callback, { redirect: 'manual' })).status).toBe(403);
  });
});
