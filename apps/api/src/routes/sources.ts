import { Router } from 'express';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { projectOf } from '../auth/middleware.js';

/** The status of every ingest source of the project: counters, position, lag, last error. */
export function sourceRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', route(async (req, res) => {
    const rows = await ctx.db.project(projectOf(req)).read.selectFrom('ingest_sources').selectAll().orderBy('name').execute();
    res.json({ sources: rows });
  }));
  return router;
}
