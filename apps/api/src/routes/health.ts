import { Router } from 'express';
import { createMigrator } from '@panoptes/migrations';
import type { AppContext } from '../context.js';
import { route } from '../http.js';

/** `/healthz`: database reachable, schema current, writer alive. */
export function healthRoutes(ctx: AppContext, workers: () => Record<string, boolean>): Router {
  const router = Router();
  const migrator = createMigrator(ctx.db);
  router.get('/healthz', route(async (_req, res) => {
    const database = await ctx.db.health();
    const status = await migrator.status();
    const alive = workers();
    const ok = database.ok && status.pending.length === 0 && status.unknown.length === 0 && Object.values(alive).every(Boolean);
    res.status(ok ? 200 : 503).json({ ok, database: { ok: database.ok, dialect: database.dialect, latencyMs: Math.round(database.latencyMs * 100) / 100 }, schema: { current: status.current, pending: status.pending.length }, workers: alive, writerQueue: ctx.writer.depth });
  }));
  router.get('/metrics', route(async (_req, res) => {
    res.setHeader('content-type', ctx.metrics.registry.contentType);
    res.send(await ctx.metrics.registry.metrics());
  }));
  return router;
}
