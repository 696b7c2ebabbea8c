import { Router, type Request } from 'express';
import { z } from 'zod';
import { PanoptesError } from '@panoptes/db-core';
import type { AppContext } from '../context.js';
import { idParam, notFound, parseInput, route } from '../http.js';
import { currentUser, projectOf } from '../auth/middleware.js';
import { audit } from '../services/audit.js';

const security = z.object({
  wafEnabled: z.boolean(),
  wafMode: z.enum(['detect', 'block']),
  wafParanoia: z.number().int().min(1).max(4),
  wafBlockStatus: z.number().int().min(100).max(599),
  wafBlockBody: z.string().max(10_000),
  rateLimitEnabled: z.boolean(),
  rateLimitRequests: z.number().int().min(1).max(1_000_000),
  rateLimitWindowSeconds: z.number().int().min(1).max(86_400),
  rateLimitKey: z.enum(['ip', 'header', 'global']),
  rateLimitHeaderName: z.string().max(100).nullable(),
  rateLimitStatus: z.number().int().min(100).max(599),
});

/** Per-host settings that are not lists: WAF and rate limits (1:1 with the host), and rule order. */
export function hostSettingRoutes(ctx: AppContext): Router {
  const router = Router();
  const host = async (req: Request) => {
    const id = idParam(req);
    const row = await ctx.db.project(projectOf(req)).read.selectFrom('hosts').select('id').where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw notFound(`host ${id}`);
    return id;
  };

  router.get('/:id/security', route(async (req, res) => {
    const id = await host(req);
    const row = await ctx.db.read.selectFrom('host_security').selectAll().where('host_id', '=', id).executeTakeFirst();
    res.json({ security: row ?? null });
  }));

  router.put('/:id/security', route(async (req, res) => {
    const id = await host(req);
    const s = parseInput(security, req.body);
    if (s.rateLimitKey === 'header' && !s.rateLimitHeaderName) throw new PanoptesError('VALIDATION', 'rateLimitHeaderName: required when rateLimitKey is header', { context: { fields: [{ field: 'rateLimitHeaderName', message: 'required when rateLimitKey is header' }] } });
    const now = ctx.clock();
    const row = {
      waf_enabled: s.wafEnabled, waf_mode: s.wafMode, waf_paranoia: s.wafParanoia, waf_block_status: s.wafBlockStatus, waf_block_body: s.wafBlockBody,
      rate_limit_enabled: s.rateLimitEnabled, rate_limit_requests: s.rateLimitRequests, rate_limit_window_seconds: s.rateLimitWindowSeconds, rate_limit_key: s.rateLimitKey,
      rate_limit_header_name: s.rateLimitHeaderName, rate_limit_status: s.rateLimitStatus, updated_at: now,
    };
    await ctx.db.write(async (tx) => {
      await tx.db.insertInto('host_security').values({ host_id: id, ...row }).onConflict((oc) => oc.column('host_id').doUpdateSet(row)).execute();
      await audit(tx, { ts: now, actor: currentUser(req).username, action: 'host_security.update', target: `hosts/${id}`, after: s }, projectOf(req));
    });
    res.json({ security: { host_id: id, ...row } });
  }));

  /** New rule order: priorities 10, 20, ... in the given order, without a moment of collision. */
  router.put('/:id/rules/order', route(async (req, res) => {
    const id = await host(req);
    const { ruleIds } = parseInput(z.object({ ruleIds: z.array(z.number().int().positive()).min(1).max(5000) }), req.body);
    await ctx.db.write(async (tx) => {
      const rules = await tx.db.selectFrom('rules').select('id').where('host_id', '=', id).execute();
      const known = new Set(rules.map((r) => r.id));
      if (ruleIds.length !== known.size || !ruleIds.every((r) => known.has(r)) || new Set(ruleIds).size !== ruleIds.length) {
        throw new PanoptesError('VALIDATION', 'ruleIds: must list every rule of the host exactly once', { context: { fields: [{ field: 'ruleIds', message: 'must list every rule of the host exactly once' }] } });
      }
      // Park every rule above the allowed range first (UNIQUE(host_id, priority) holds throughout).
      await tx.db.updateTable('rules').set((eb) => ({ priority: eb('priority', '+', 100_000) })).where('host_id', '=', id).execute();
      for (const [i, ruleId] of ruleIds.entries()) await tx.db.updateTable('rules').set({ priority: (i + 1) * 10, updated_at: ctx.clock() }).where('id', '=', ruleId).execute();
      await audit(tx, { ts: ctx.clock(), actor: currentUser(req).username, action: 'rules.reorder', target: `hosts/${id}`, after: ruleIds }, projectOf(req));
    });
    res.status(204).end();
  }));
  return router;
}
