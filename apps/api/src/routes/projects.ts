import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { DEFAULT_PROJECT_UUID, PanoptesError } from '@panoptes/db-core';
import { generateToken, hashToken } from '@panoptes/crypto';
import type { AppContext } from '../context.js';
import { idParam, notFound, parseInput, route } from '../http.js';
import { currentUser, mayAccess, projectOf, requireUser } from '../auth/middleware.js';
import { audit } from '../services/audit.js';

const projectInput = z.object({
  name: z.string().min(1).max(100),
  allowedEmails: z.array(z.string().email()).max(500).default([]),
  allowedDomains: z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'a domain name')).max(100).default([]),
});

/** Projects: each user sees those their e-mail may enter; admins create and change them. */
export function projectRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', route(async (req, res) => {
    const user = currentUser(req);
    const rows = await ctx.db.read.selectFrom('projects').selectAll().orderBy('name').execute();
    res.json({
      projects: rows
        .filter((p) => mayAccess(user.email, JSON.parse(p.allowed_emails) as string[], JSON.parse(p.allowed_domains) as string[]))
        .map((p) => ({ uuid: p.uuid, name: p.name, isDefault: p.uuid === DEFAULT_PROJECT_UUID, allowedEmails: JSON.parse(p.allowed_emails) as string[], allowedDomains: JSON.parse(p.allowed_domains) as string[] })),
    });
  }));
  router.post('/', requireUser('admin'), route(async (req, res) => {
    const body = parseInput(projectInput, req.body);
    const uuid = randomUUID();
    const now = ctx.clock();
    await ctx.db.write(async (tx) => {
      await tx.db.insertInto('projects').values({ uuid, name: body.name, allowed_emails: JSON.stringify(body.allowedEmails), allowed_domains: JSON.stringify(body.allowedDomains), created_at: now, updated_at: now }).execute();
      await audit(tx, { ts: now, actor: currentUser(req).username, action: 'project.create', target: `projects/${uuid}`, after: body }, uuid);
    });
    res.status(201).json({ project: { uuid, ...body } });
  }));
  router.patch('/:uuid', requireUser('admin'), route(async (req, res) => {
    const body = parseInput(projectInput.partial(), req.body);
    const uuid = String(req.params.uuid);
    await ctx.db.write(async (tx) => {
      const result = await tx.db
        .updateTable('projects')
        .set({
          ...(body.name ? { name: body.name } : {}),
          ...(body.allowedEmails ? { allowed_emails: JSON.stringify(body.allowedEmails) } : {}),
          ...(body.allowedDomains ? { allowed_domains: JSON.stringify(body.allowedDomains) } : {}),
          updated_at: ctx.clock(),
        })
        .where('uuid', '=', uuid)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw notFound(`project ${uuid}`);
      await audit(tx, { ts: ctx.clock(), actor: currentUser(req).username, action: 'project.update', target: `projects/${uuid}`, after: body }, uuid);
    });
    res.status(204).end();
  }));
  router.delete('/:uuid', requireUser('admin'), route(async (req, res) => {
    const uuid = String(req.params.uuid);
    if (uuid === DEFAULT_PROJECT_UUID) throw new PanoptesError('CONFLICT', 'the default project cannot be deleted');
    await ctx.db.write(async (tx) => {
      const result = await tx.db.deleteFrom('projects').where('uuid', '=', uuid).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw notFound(`project ${uuid}`);
      // The project's own audit rows go with it: the deletion is recorded in the default project.
      await audit(tx, { ts: ctx.clock(), actor: currentUser(req).username, action: 'project.delete', target: `projects/${uuid}` });
    });
    res.status(204).end();
  }));
  return router;
}

/** API tokens of the selected project, for ingest agents: shown once, stored as a hash. */
export function tokenRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', route(async (req, res) => {
    const rows = await ctx.db.project(projectOf(req)).read.selectFrom('api_tokens').select(['id', 'name', 'created_at', 'last_used_at', 'expires_at', 'revoked_at']).orderBy('id').execute();
    res.json({ tokens: rows });
  }));
  router.post('/', requireUser('admin'), route(async (req, res) => {
    const body = parseInput(z.object({ name: z.string().min(1).max(100), expiresInDays: z.number().int().min(1).max(3650).optional() }), req.body);
    const token = generateToken('api');
    const now = ctx.clock();
    const user = currentUser(req);
    const row = await ctx.db.project(projectOf(req)).write(async (tx) => {
      const created = await tx.db
        .insertInto('api_tokens')
        .values({ name: body.name, token_hash: hashToken(token), created_by_user_id: user.id, created_at: now, expires_at: body.expiresInDays ? now + body.expiresInDays * 86_400_000 : null })
        .returning(['id', 'name', 'created_at', 'expires_at'])
        .executeTakeFirstOrThrow();
      await audit(tx, { ts: now, actor: user.username, action: 'token.create', target: `api_tokens/${created.id}`, after: { name: body.name } }, projectOf(req));
      return created;
    });
    res.status(201).json({ token, ...row, notice: 'Copy the token now: it is not shown again.' });
  }));
  router.delete('/:id', requireUser('admin'), route(async (req, res) => {
    const id = idParam(req);
    await ctx.db.project(projectOf(req)).write(async (tx) => {
      const result = await tx.db.updateTable('api_tokens').set({ revoked_at: ctx.clock() }).where('id', '=', id).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw notFound(`token ${id}`);
      await audit(tx, { ts: ctx.clock(), actor: currentUser(req).username, action: 'token.revoke', target: `api_tokens/${id}` }, projectOf(req));
    });
    res.status(204).end();
  }));
  return router;
}
