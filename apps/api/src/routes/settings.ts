import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { parseInput, route } from '../http.js';
import { currentUser, requireUser } from '../auth/middleware.js';
import { SETTINGS } from '../services/settings.js';
import { audit } from '../services/audit.js';

export function settingRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/', route(async (_req, res) => {
    const values = await ctx.settings.all();
    res.json({ settings: Object.entries(SETTINGS).map(([key, s]) => ({ key, value: values[key as keyof typeof SETTINGS], default: s.default, description: s.description })) });
  }));
  router.put('/:key', requireUser('admin'), route(async (req, res) => {
    const { value } = parseInput(z.object({ value: z.unknown() }), req.body);
    const key = String(req.params.key);
    const now = ctx.clock();
    await ctx.settings.set(key, value, now, (tx, before) => audit(tx, { ts: now, actor: currentUser(req).username, action: 'setting.update', target: `settings/${key}`, before, after: value }));
    res.json({ key: req.params.key, value: await ctx.settings.get(req.params.key as keyof typeof SETTINGS) });
  }));
  return router;
}
