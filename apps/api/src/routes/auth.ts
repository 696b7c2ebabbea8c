import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { DEFAULT_PROJECT_UUID, PanoptesError } from '@panoptes/db-core';
import { consumeRecoveryCode, hashPassword, needsRehash, PURPOSES, verifyPassword, verifyTotp } from '@panoptes/crypto';
import type { AppContext } from '../context.js';
import { parseInput, route } from '../http.js';
import { checkLoginLimits, checkTotpLimits, recordLoginAttempt } from '../auth/login-limits.js';
import { currentUser, sessionLimits } from '../auth/middleware.js';
import { createSession, csrfToken, SESSION_COOKIE, type User } from '../auth/sessions.js';
import { audit } from '../services/audit.js';
import { publicUser } from './users.js';

const credentials = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1024) });
const setup = credentials.extend({ token: z.string().min(1), email: z.string().email().optional(), password: z.string().min(12, 'at least 12 characters').max(1024) });
const totpStep = z.object({ challenge: z.string().min(1), code: z.string().optional(), recoveryCode: z.string().optional() }).refine((b) => b.code !== undefined || b.recoveryCode !== undefined, 'code or recoveryCode is required');

/** A password check passed; the TOTP step remains (five minutes, kept in memory). */
const challenges = new Map<string, { userId: number; expires: number }>();

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Starts a session and sets its cookie: HttpOnly, SameSite=Strict (Lax for the OIDC redirect), Secure behind https. */
export async function startSession(ctx: AppContext, req: Request, res: Response, user: User, sameSite: 'strict' | 'lax' = 'strict'): Promise<string> {
  const limits = await sessionLimits(ctx);
  const token = await createSession(ctx.db, user.id, { ip: clientIp(req), userAgent: req.headers['user-agent'] ?? null, now: ctx.clock(), limits });
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite, secure: req.secure, path: '/', maxAge: limits.absoluteMs });
  await ctx.db.write((tx) => tx.db.updateTable('users').set({ last_login_at: ctx.clock() }).where('id', '=', user.id).execute());
  return token;
}

async function signIn(ctx: AppContext, req: Request, res: Response, user: User): Promise<void> {
  const token = await startSession(ctx, req, res, user);
  res.json({ user: publicUser(user), csrf: csrfToken(token) });
}

export function authRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/state', route(async (_req, res) => {
    res.json({ setupRequired: ctx.setupToken.value !== null, oidc: ctx.config.oidc !== null });
  }));

  router.post('/setup', route(async (req, res) => {
    const body = parseInput(setup, req.body);
    const existing = await ctx.db.read.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (existing !== undefined || !ctx.setupToken.consume(body.token)) throw new PanoptesError('FORBIDDEN', 'setup is closed, or the setup token is wrong');
    const now = ctx.clock();
    const passwordHash = await hashPassword(body.password);
    const user = await ctx.db.write(async (tx) => {
      const created = await tx.db
        .insertInto('users')
        .values({ username: body.username, email: body.email ?? null, password_hash: passwordHash, role: 'admin', created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(tx, { ts: now, actor: body.username, action: 'user.setup', target: `users/${created.id}`, ip: clientIp(req) });
      return created;
    });
    await signIn(ctx, req, res, user);
  }));

  router.post('/login', route(async (req, res) => {
    const body = parseInput(credentials, req.body);
    const ip = clientIp(req);
    const now = ctx.clock();
    try {
      await checkLoginLimits(ctx.db, ip, body.username, now, { perIp: await ctx.settings.get('auth.max_failures_per_ip'), perUser: await ctx.settings.get('auth.max_failures_per_user') });
    } catch (error) {
      await ctx.notifier.notify({ type: 'auth.lockout', severity: 'critical', projectUuid: DEFAULT_PROJECT_UUID, host: null, payload: { username: body.username, ip, message: `logins locked for ${body.username} from ${ip}` }, time: now }).catch(() => []);
      throw error;
    }
    const user = await ctx.db.read.selectFrom('users').selectAll().where('username', '=', body.username).executeTakeFirst();
    // The same answer, after the same work, for an unknown user and a wrong password.
    const valid = await verifyPassword(user?.password_hash ?? DUMMY_HASH, body.password);
    if (user === undefined || !valid || user.disabled) {
      await recordLoginAttempt(ctx.db, ip, body.username, false, now);
      await ctx.notifier.notify({ type: 'auth.login_failed', severity: 'warning', projectUuid: DEFAULT_PROJECT_UUID, host: null, payload: { username: body.username, ip }, time: now }).catch(() => []);
      throw new PanoptesError('UNAUTHENTICATED', 'wrong user name or password');
    }
    await recordLoginAttempt(ctx.db, ip, body.username, true, now);
    if (needsRehash(user.password_hash!)) {
      const rehashed = await hashPassword(body.password);
      await ctx.db.write((tx) => tx.db.updateTable('users').set({ password_hash: rehashed }).where('id', '=', user.id).execute());
    }
    if (user.totp_enabled) {
      const challenge = randomBytes(24).toString('base64url');
      challenges.set(challenge, { userId: user.id, expires: now + 5 * 60_000 });
      res.json({ totpRequired: true, challenge });
      return;
    }
    await signIn(ctx, req, res, user);
  }));

  router.post('/totp', route(async (req, res) => {
    const body = parseInput(totpStep, req.body);
    const now = ctx.clock();
    const pending = challenges.get(body.challenge);
    if (pending === undefined || pending.expires < now) throw new PanoptesError('UNAUTHENTICATED', 'the login step expired: sign in again');
    await checkTotpLimits(ctx.db, pending.userId, now);
    const user = await ctx.db.read.selectFrom('users').selectAll().where('id', '=', pending.userId).executeTakeFirstOrThrow();
    let ok = false;
    if (body.code !== undefined && user.totp_secret_encrypted !== null) {
      const secret = ctx.cipher.decrypt(user.totp_secret_encrypted, PURPOSES.totpSecret(user.id));
      const result = verifyTotp({ secret, code: body.code, now, lastAcceptedStep: user.totp_last_step });
      if (result.ok) {
        ok = true;
        await ctx.db.write((tx) => tx.db.updateTable('users').set({ totp_last_step: result.step }).where('id', '=', user.id).execute());
      }
    } else if (body.recoveryCode !== undefined && user.totp_recovery_codes_encrypted !== null) {
      const purpose = PURPOSES.recoveryCodes(user.id);
      const hashes = JSON.parse(ctx.cipher.decrypt(user.totp_recovery_codes_encrypted, purpose)) as string[];
      const left = consumeRecoveryCode(hashes, body.recoveryCode);
      if (left !== null) {
        ok = true;
        await ctx.db.write((tx) => tx.db.updateTable('users').set({ totp_recovery_codes_encrypted: ctx.cipher.encrypt(JSON.stringify(left), purpose) }).where('id', '=', user.id).execute());
      }
    }
    await ctx.db.write((tx) => tx.db.insertInto('totp_attempts').values({ user_id: user.id, remote_ip: clientIp(req), success: ok, attempted_at: now }).execute());
    if (!ok) throw new PanoptesError('UNAUTHENTICATED', 'wrong code');
    challenges.delete(body.challenge);
    await signIn(ctx, req, res, user);
  }));

  router.post('/logout', route(async (req, res) => {
    if (req.auth?.kind === 'session') {
      const sessionId = req.auth.sessionId;
      await ctx.db.write((tx) => tx.db.deleteFrom('sessions').where('id', '=', sessionId).execute());
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  }));

  router.get('/me', route(async (req, res) => {
    const user = currentUser(req);
    res.json({ user: publicUser(user), csrf: req.auth?.kind === 'session' ? req.auth.csrf : null });
  }));

  return router;
}

/** A real argon2id hash of a random password: unknown users cost as much as known ones. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$yW2bTBYDtVObCgy9n0i9cWmxGGqQOEeYaQWdCL8OMko';
