import { Router } from 'express';
import * as client from 'openid-client';
import { PanoptesError } from '@panoptes/db-core';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import type { User } from '../auth/sessions.js';
import { audit } from '../services/audit.js';
import { startSession } from './auth.js';

interface Pending {
  readonly verifier: string;
  readonly nonce: string;
  readonly expires: number;
}

/**
 * OpenID Connect sign-in: authorization code with PKCE (S256), state and nonce, through
 * openid-client. An identity binds to a user by issuer and subject; the first time, to the local
 * user with the same verified e-mail, or (when allowed) to a new viewer account.
 */
export function oidcRoutes(ctx: AppContext): Router {
  const router = Router();
  const oidc = ctx.config.oidc;
  if (oidc === null) return router;
  const pending = new Map<string, Pending>();
  const http = new URL(oidc.issuer).protocol === 'http:';
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = () =>
    (discovered ??= client
      .discovery(new URL(oidc.issuer), oidc.clientId, oidc.clientSecret, undefined, http ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        discovered = undefined;
        throw new PanoptesError('OIDC_UNAVAILABLE', `the OpenID provider cannot be reached: ${(error as Error).message}`, { retryable: true });
      }));

  router.get('/login', route(async (_req, res) => {
    const config = await configuration();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const now = ctx.clock();
    for (const [key, p] of pending) if (p.expires < now) pending.delete(key);
    pending.set(state, { verifier, nonce, expires: now + 10 * 60_000 });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: oidc.redirectUrl,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    res.redirect(302, url.href);
  }));

  router.get('/callback', route(async (req, res) => {
    const config = await configuration();
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const p = pending.get(state);
    pending.delete(state);
    if (p === undefined || p.expires < ctx.clock()) throw new PanoptesError('UNAUTHENTICATED', 'the sign-in attempt expired or is unknown: start again');
    const current = new URL(req.originalUrl, oidc.redirectUrl);
    const tokens = await client.authorizationCodeGrant(config, current, { pkceCodeVerifier: p.verifier, expectedState: state, expectedNonce: p.nonce, idTokenExpected: true }).catch((error: unknown) => {
      throw new PanoptesError('UNAUTHENTICATED', `the OpenID provider's answer was refused: ${(error as Error).message}`);
    });
    const idToken = tokens.claims()!;
    // Providers put e-mail in the ID token or only in userinfo: ask userinfo (checked against the ID token's subject).
    const info = await client.fetchUserInfo(config, tokens.access_token, idToken.sub).catch(() => ({}));
    const user = await bind(ctx, oidc.issuer, { ...info, ...idToken }, oidc.createUsers);
    if (user.disabled) throw new PanoptesError('FORBIDDEN', 'this account is disabled');
    await startSession(ctx, req, res, user, 'lax');
    res.redirect(302, '/');
  }));
  return router;
}

async function bind(ctx: AppContext, issuer: string, claims: Record<string, unknown> & { sub: string }, createUsers: boolean): Promise<User> {
  const sub = String(claims.sub);
  const email = typeof claims.email === 'string' && claims.email_verified === true ? claims.email.toLowerCase() : null;
  const now = ctx.clock();
  return ctx.db.write(async (tx) => {
    const bound = await tx.db.selectFrom('users').selectAll().where('external_provider', '=', issuer).where('external_id', '=', sub).executeTakeFirst();
    if (bound !== undefined) return bound;
    if (email !== null) {
      const local = await tx.db.selectFrom('users').selectAll().where('email', '=', email).where('external_provider', 'is', null).executeTakeFirst();
      if (local !== undefined) {
        const updated = await tx.db.updateTable('users').set({ external_provider: issuer, external_id: sub, updated_at: now }).where('id', '=', local.id).returningAll().executeTakeFirstOrThrow();
        await audit(tx, { ts: now, actor: local.username, action: 'user.oidc_bind', target: `users/${local.id}`, after: { issuer, sub } });
        return updated;
      }
    }
    if (!createUsers) throw new PanoptesError('FORBIDDEN', 'no Panoptes account matches this identity: ask an admin to create one with your e-mail');
    const base = (typeof claims.preferred_username === 'string' ? claims.preferred_username : (email ?? `oidc-${sub}`)).replace(/[^A-Za-z0-9_.@-]/g, '').slice(0, 90) || `oidc-${sub.slice(0, 20)}`;
    const taken = await tx.db.selectFrom('users').select('id').where('username', '=', base).executeTakeFirst();
    const created = await tx.db
      .insertInto('users')
      .values({ username: taken ? `${base}-${sub.slice(0, 6)}` : base, email, role: 'viewer', created_via: 'oidc', external_provider: issuer, external_id: sub, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, { ts: now, actor: created.username, action: 'user.oidc_create', target: `users/${created.id}`, after: { issuer, sub } });
    return created;
  });
}
