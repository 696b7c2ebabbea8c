import { isAbsolute } from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { INGEST_PARSERS } from '@panoptes/db-core';
import type { AppContext } from '../context.js';
import { idParam, notFound, parseInput, route } from '../http.js';
import { currentUser, projectOf, requireUser } from '../auth/middleware.js';
import { audit } from '../services/audit.js';

const fileSource = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'lower-case letters, digits and _ . -'),
  path: z.string().refine(isAbsolute, 'an absolute path'),
  parser: z.enum(INGEST_PARSERS),
  startAt: z.enum(['beginning', 'end']).default('beginning'),
});

/** Ingest sources of the project: their status (counters, position, lag, last error); tailed files are added here. */
export function sourceRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', route(async (req, res) => {
    const rows = await ctx.db.project(projectOf(req)).read.selectFrom('ingest_sources').selectAll().orderBy('name').execute();
    res.json({ sources: rows.map((r) => ({ ...r, live: ctx.tailers.stats(r.id) ?? null })) });
  }));
  router.post('/', requireUser('admin'), route(async (req, res) => {
    const body = parseInput(fileSource, req.body);
    const projectUuid = projectOf(req);
    const id = await ctx.tailers.start({ projectUuid, ...body });
    await ctx.db.write((tx) => audit(tx, { ts: ctx.clock(), actor: currentUser(req).username, action: 'source.create', target: `ingest_sources/${id}`, after: body }, projectUuid));
    res.status(201).json({ id });
  }));
  router.delete('/:id', requireUser('admin'), route(async (req, res) => {
    const id = idParam(req);
    const scope = ctx.db.project(projectOf(req));
    const row = await scope.read.selectFrom('ingest_sources').select('id').where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw notFound(`source ${id}`);
    await ctx.tailers.stop(id);
    await scope.write(async (tx) => {
      await tx.db.deleteFrom('ingest_sources').where('id', '=', id).execute();
      await audit(tx, { ts: ctx.clock(), actor: currentUser(req).username, action: 'source.delete', target: `ingest_sources/${id}` }, projectOf(req));
    });
    res.status(204).end();
  }));
  return router;
}
