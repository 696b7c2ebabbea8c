import { Router } from 'express';
import { z } from 'zod';
import { PanoptesError } from '@panoptes/db-core';
import { generateRecoveryCodes, generateTotpSecret, hashPassword, hashRecoveryCodes, PURPOSES, totpUri, verifyPassword, verifyTotp } from '@panoptes/crypto';
import type { AppContext } from '../context.js';
import { idParam, notFound, parseInput, route } from '../http.js';
import { currentUser } from '../auth/middleware.js';
import { audit } from '../services/audit.js';

/** The signed-in user's own account: password, two-factor sign-in, sessions. */
export function accountRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/password', route(async (req, res) => {
    const body = parseInput(z.object({ current: z.string(), password: z.string().min(12, 'at least 12 characters').max(1024) }), req.body);
    const user = currentUser(req);
    if (!(await verifyPassword(user.password_hash ?? '', body.current))) throw new PanoptesError('VALIDATION', 'current: wrong password', { context: { fields: [{ field: 'current', message: 'wrong password' }] } });
    const hash = await hashPassword(body.password);
    const sessionId = req.auth?.kind === 'session' ? req.auth.sessionId : -1;
    await ctx.db.write(async (tx) => {
      await tx.db.updateTable('users').set({ password_hash: hash, updated_at: ctx.clock() }).where('id', '=', user.id).execute();
      await tx.db.deleteFrom('sessions').where('user_id', '=', user.id).where('id', '!=', sessionId).execute();
      await audit(tx, { ts: ctx.clock(), actor: user.username, action: 'account.password', target: `users/${user.id}` });
    });
    res.status(204).end();
  }));

  /** Step 1: a new secret (stored encrypted, not yet enabled) and the otpauth URI for the QR code. */
  router.post('/totp/setup', route(async (req, res) => {
    const user = currentUser(req);
    if (user.totp_enabled) throw new PanoptesError('CONFLICT', 'two-factor sign-in is already on');
    const secret = generateTotpSecret();
    await ctx.db.write((tx) => tx.db.updateTable('users').set({ totp_secret_encrypted: ctx.cipher.encrypt(secret, PURPOSES.totpSecret(user.id)) }).where('id', '=', user.id).execute());
    res.json({ secret, uri: totpUri({ secret, issuer: 'Panoptes', account: user.email ?? user.username }) });
  }));

  /** Step 2: a valid code turns it on and returns ten recovery codes, shown this once. */
  router.post('/totp/enable', route(async (req, res) => {
    const { code } = parseInput(z.object({ code: z.string() }), req.body);
    const user = currentUser(req);
    if (user.totp_secret_encrypted === null) throw new PanoptesError('CONFLICT', 'start with /totp/setup');
    const result = verifyTotp({ secret: ctx.cipher.decrypt(user.totp_secret_encrypted, PURPOSES.totpSecret(user.id)), code, now: ctx.clock() });
    if (!result.ok) throw new PanoptesError('VALIDATION', 'code: wrong code', { context: { fields: [{ field: 'code', message: 'wrong code' }] } });
    const codes = generateRecoveryCodes();
    await ctx.db.write(async (tx) => {
      await tx.db
        .updateTable('users')
        .set({ totp_enabled: true, totp_enabled_at: ctx.clock(), totp_last_step: result.step, totp_recovery_codes_encrypted: ctx.cipher.encrypt(JSON.stringify(hashRecoveryCodes(codes)), PURPOSES.recoveryCodes(user.id)) })
        .where('id', '=', user.id)
        .execute();
      await audit(tx, { ts: ctx.clock(), actor: user.username, action: 'account.totp_enable', target: `users/${user.id}` });
    });
    res.json({ recoveryCodes: codes });
  }));

  router.post('/totp/disable', route(async (req, res) => {
    const { password } = parseInput(z.object({ password: z.string() }), req.body);
    const user = currentUser(req);
    if (!(await verifyPassword(user.password_hash ?? '', password))) throw new PanoptesError('VALIDATION', 'password: wrong password', { context: { fields: [{ field: 'password', message: 'wrong password' }] } });
    await ctx.db.write(async (tx) => {
      await tx.db.updateTable('users').set({ totp_enabled: false, totp_secret_encrypted: null, totp_recovery_codes_encrypted: null, totp_last_step: null }).where('id', '=', user.id).execute();
      await audit(tx, { ts: ctx.clock(), actor: user.username, action: 'account.totp_disable', target: `users/${user.id}` });
    });
    res.status(204).end();
  }));

  router.get('/sessions', route(async (req, res) => {
    const user = currentUser(req);
    const rows = await ctx.db.read.selectFrom('sessions').select(['id', 'remote_ip', 'user_agent', 'created_at', 'last_seen_at', 'expires_at']).where('user_id', '=', user.id).orderBy('last_seen_at', 'desc').execute();
    const current = req.auth?.kind === 'session' ? req.auth.sessionId : -1;
    res.json({ sessions: rows.map((r) => ({ ...r, current: r.id === current })) });
  }));

  router.delete('/sessions/:id', route(async (req, res) => {
    const user = currentUser(req);
    const id = idParam(req);
    const result = await ctx.db.write((tx) => tx.db.deleteFrom('sessions').where('id', '=', id).where('user_id', '=', user.id).executeTakeFirst());
    if (Number(result.numDeletedRows) === 0) throw notFound(`session ${id}`);
    res.status(204).end();
  }));

  return router;
}
