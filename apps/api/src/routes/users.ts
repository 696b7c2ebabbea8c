import { Router } from 'express';
import { z } from 'zod';
import { hashPassword } from '@panoptes/crypto';
import type { AppContext } from '../context.js';
import { idParam, notFound, parseInput, route } from '../http.js';
import { currentUser, requireUser } from '../auth/middleware.js';
import type { User } from '../auth/sessions.js';
import { audit } from '../services/audit.js';

/** A user as the API shows it: no hashes, no secrets. */
export function publicUser(u: User) {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    displayName: u.display_name,
    role: u.role,
    disabled: u.disabled,
    totpEnabled: u.totp_enabled,
    createdAt: u.created_at,
    lastLoginAt: u.last_login_at,
  };
}

const newUser = z.object({
  username: z.string().regex(/^[A-Za-z0-9_.@-]{1,100}$/, 'letters, digits and _ . @ - only'),
  password: z.string().min(12, 'at least 12 characters').max(1024),
  email: z.string().email().optional(),
  role: z.enum(['admin', 'viewer']).default('viewer'),
});
const change = z.object({ role: z.enum(['admin', 'viewer']).optional(), disabled: z.boolean().optional(), email: z.string().email().nullable().optional() });

export function userRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(requireUser('admin'));

  router.get('/', route(async (_req, res) => {
    const users = await ctx.db.read.selectFrom('users').selectAll().orderBy('username').execute();
    res.json({ users: users.map(publicUser) });
  }));

  router.post('/', route(async (req, res) => {
    const body = parseInput(newUser, req.body);
    const actor = currentUser(req);
    const now = ctx.clock();
    const hash = await hashPassword(body.password);
    const user = await ctx.db.write(async (tx) => {
      const created = await tx.db
        .insertInto('users')
        .values({ username: body.username, password_hash: hash, email: body.email ?? null, role: body.role, created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(tx, { ts: now, actor: actor.username, action: 'user.create', target: `users/${created.id}`, after: publicUser(created) });
      return created;
    });
    res.status(201).json({ user: publicUser(user) });
  }));

  router.patch('/:id', route(async (req, res) => {
    const id = idParam(req);
    const body = parseInput(change, req.body);
    const actor = currentUser(req);
    const now = ctx.clock();
    const updated = await ctx.db.write(async (tx) => {
      const before = await tx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (before === undefined) throw notFound(`user ${id}`);
      const after = await tx.db
        .updateTable('users')
        .set({ ...(body.role ? { role: body.role } : {}), ...(body.disabled !== undefined ? { disabled: body.disabled } : {}), ...(body.email !== undefined ? { email: body.email } : {}), updated_at: now })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (body.disabled === true) await tx.db.deleteFrom('sessions').where('user_id', '=', id).execute();
      await audit(tx, { ts: now, actor: actor.username, action: 'user.update', target: `users/${id}`, before: publicUser(before), after: publicUser(after) });
      return after;
    });
    res.json({ user: publicUser(updated) });
  }));

  return router;
}
