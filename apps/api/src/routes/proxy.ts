import { Router } from 'express';
import { z } from 'zod';
import { PanoptesError } from '@panoptes/db-core';
import type { AppContext } from '../context.js';
import { projectOf } from '../auth/middleware.js';
import { idParam, route } from '../http.js';
import { crudRoutes } from './crud.js';
import { hostSettingRoutes } from './host-settings.js';

const snake = (input: Record<string, unknown>, json: readonly string[] = []) =>
  Object.fromEntries(
    Object.entries(input)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), json.includes(k) ? JSON.stringify(v) : v]),
  );

/** Proxy configuration (hosts, target groups, targets, rules, WAF exclusions and custom rules, allowlists), per project. */
export function proxyRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/hosts', hostSettingRoutes(ctx));
  const invalidateHosts = (projectUuid: string) => ctx.writer.hosts.invalidate(projectUuid);
  // The foreign key refuses this too, but its message names no host; say which hosts still use the group.
  router.delete('/target-groups/:id', route(async (req, _res, next) => {
    const users = await ctx.db.project(projectOf(req)).read
      .selectFrom('hosts')
      .innerJoin('target_groups', 'target_groups.id', 'hosts.target_group_id')
      .select('hosts.domain')
      .where('target_groups.id', '=', idParam(req))
      .where('target_groups.project_uuid', '=', projectOf(req))
      .orderBy('hosts.domain')
      .execute();
    if (users.length === 0) return next();
    const domains = users.map((h) => h.domain);
    throw new PanoptesError('CONFLICT', `the target group is used by ${domains.length === 1 ? 'the host' : `${domains.length} hosts:`} ${domains.slice(0, 5).join(', ')}${domains.length > 5 ? ', …' : ''}; point ${domains.length === 1 ? 'it' : 'them'} at another group or delete ${domains.length === 1 ? 'it' : 'them'} first`);
  }));
  router.use('/target-groups', crudRoutes(ctx, {
    name: 'target_groups',
    table: 'target_groups',
    create: z.object({
      name: z.string().min(1).max(100),
      protocol: z.enum(['http', 'https']).optional(),
      verifyTls: z.boolean().optional(),
      algorithm: z.enum(['round_robin', 'least_conn', 'ip_hash', 'random']).optional(),
      healthCheckEnabled: z.boolean().optional(),
      healthCheckPath: z.string().startsWith('/').max(500).optional(),
      preserveHost: z.boolean().optional(),
    }),
    toRow: (i) => snake(i),
    scoped: true,
  }));
  router.use('/targets', crudRoutes(ctx, {
    name: 'targets',
    table: 'targets',
    parent: { table: 'target_groups', column: 'target_group_id' },
    create: z.object({ targetGroupId: z.number().int().positive(), host: z.string().min(1).max(253), port: z.number().int().min(1).max(65_535), weight: z.number().int().min(0).max(1000).optional(), enabled: z.boolean().optional() }),
    toRow: (i) => snake(i),
    timestamps: { created: false, updated: false },
    scoped: false,
  }));
  router.use('/hosts', crudRoutes(ctx, {
    name: 'hosts',
    table: 'hosts',
    create: z.object({
      domain: z.string().regex(/^(\*\.)?[a-z0-9.-]+$/i, 'a host name').max(253).transform((d) => d.toLowerCase()),
      targetGroupId: z.number().int().positive(),
      tlsMode: z.enum(['auto', 'none']).optional(),
      tlsEmail: z.string().email().nullable().optional(),
      enabled: z.boolean().optional(),
      authRequired: z.boolean().optional(),
      lanOnly: z.boolean().optional(),
    }),
    toRow: (i) => snake(i),
    parent: { table: 'target_groups', column: 'target_group_id' },
    scoped: true,
    changed: invalidateHosts,
  }));
  const hostChild = { table: 'hosts', column: 'host_id' } as const;
  router.use('/rules', crudRoutes(ctx, {
    name: 'rules',
    table: 'rules',
    parent: hostChild,
    create: z.object({
      hostId: z.number().int().positive(),
      priority: z.number().int().min(1).max(50_000),
      name: z.string().min(1).max(100),
      enabled: z.boolean().optional(),
      actionType: z.enum(['forward', 'redirect', 'fixed_response', 'block', 'rewrite']),
      actionConfig: z.record(z.string(), z.unknown()).optional(),
      matchersConfig: z.array(z.object({ type: z.string(), config: z.unknown() })).optional(),
    }),
    toRow: (i) => snake(i, ['actionConfig', 'matchersConfig']),
    scoped: false,
  }));
  router.use('/waf-exclusions', crudRoutes(ctx, {
    name: 'waf_exclusions',
    table: 'waf_exclusions',
    parent: hostChild,
    create: z.object({ hostId: z.number().int().positive(), crsRuleId: z.number().int().positive(), pathPattern: z.string().max(500).optional(), reason: z.string().max(500).optional(), enabled: z.boolean().optional() }),
    toRow: (i) => snake(i),
    timestamps: { created: true, updated: false },
    scoped: false,
  }));
  router.use('/waf-custom-rules', crudRoutes(ctx, {
    name: 'waf_custom_rules',
    table: 'waf_custom_rules',
    parent: hostChild,
    create: z.object({ hostId: z.number().int().positive(), name: z.string().min(1).max(100), secrule: z.string().min(1).max(10_000), enabled: z.boolean().optional() }),
    toRow: (i) => snake(i),
    scoped: false,
  }));
  router.use('/allowlists', crudRoutes(ctx, {
    name: 'allowlists',
    table: 'allowlists',
    parent: hostChild,
    create: z.object({ scope: z.enum(['global', 'host']), hostId: z.number().int().positive().nullable().optional(), kind: z.enum(['cidr', 'path', 'host']), value: z.string().min(1).max(500), note: z.string().max(500).optional() }),
    toRow: (i) => {
      if (i.scope !== undefined && (i.scope === 'global') !== (i.hostId == null)) {
        throw new PanoptesError('VALIDATION', 'hostId: required for a host entry, forbidden for a global one', { context: { fields: [{ field: 'hostId', message: 'required for a host entry, forbidden for a global one' }] } });
      }
      return snake(i);
    },
    timestamps: { created: true, updated: false },
    scoped: true,
  }));
  return router;
}
