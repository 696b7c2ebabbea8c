import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { parseInput, route } from '../http.js';
import { projectOf } from '../auth/middleware.js';

/** The audit log of the project: every change, who made it, before and after (in `raw`). */
export function auditRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', route(async (req, res) => {
    const q = parseInput(z.object({ before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }), req.query, 'query');
    const rows = await ctx.db
      .project(projectOf(req))
      .read.selectFrom('log_entries')
      .select(['id', 'ts', 'user_id', 'remote_ip', 'message', 'raw'])
      .where('source', '=', 'audit')
      .$if(q.before !== undefined, (b) => b.where('id', '<', q.before!))
      .orderBy('id', 'desc')
      .limit(q.limit)
      .execute();
    res.json({ entries: rows.map((r) => ({ ...r, record: JSON.parse(r.raw ?? '{}') as unknown })), nextBefore: rows.length === q.limit ? rows.at(-1)!.id : null });
  }));
  return router;
}
