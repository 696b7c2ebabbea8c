import { Router } from 'express';
import { z } from 'zod';
import { CHANNEL_TYPES, DELIVERY_STATUSES, SEVERITIES } from '@panoptes/db-core';
import { ensureVapidKeys, EVENT_CATALOG, saveRule, savePushSubscription } from '@panoptes/notifications';
import type { AppContext } from '../context.js';
import { idParam, notFound, parseInput, route } from '../http.js';
import { currentUser, projectOf, requireUser } from '../auth/middleware.js';
import { audit, auditAfter } from '../services/audit.js';

const channelInput = z.object({
  name: z.string().min(1).max(100),
  type: z.enum(CHANNEL_TYPES),
  config: z.record(z.string(), z.unknown()),
  enabled: z.boolean().optional(),
  templates: z.object({ subject: z.string().max(500).optional(), body: z.string().max(10_000).optional(), title: z.string().max(200).optional() }).nullable().optional(),
  rateLimitPerMinute: z.number().int().min(1).max(10_000).nullable().optional(),
});
const ruleInput = z.object({
  name: z.string().min(1).max(100),
  channelId: z.number().int().positive(),
  eventType: z.string().min(1).max(100),
  hostIds: z.array(z.number().int().positive()).optional(),
  severities: z.array(z.enum(SEVERITIES)).optional(),
  throttleWindowSeconds: z.number().int().min(0).max(604_800).optional(),
  enabled: z.boolean().optional(),
});
const deliveryQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  channelId: z.coerce.number().int().positive().optional(),
  eventType: z.string().max(100).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Channels (secret fields write-only), rules, the delivery ledger, test-send, push subscriptions. */
export function notificationRoutes(ctx: AppContext): Router {
  const router = Router();
  const admin = requireUser('admin');

  router.get('/events', (_req, res) => {
    res.json({ events: EVENT_CATALOG });
  });
  router.get('/channels', route(async (req, res) => {
    res.json({ channels: await ctx.notifier.channels.list(projectOf(req)) });
  }));
  const record = (req: Parameters<typeof currentUser>[0], action: string, target: string, after?: unknown) =>
    auditAfter(ctx.db, { ts: ctx.clock(), actor: currentUser(req).username, action, target, ...(after === undefined ? {} : { after }) }, projectOf(req));
  /** Deletes a row of the project by `:id`, with its audit entry in the same transaction. */
  const remove = (table: 'notification_channels' | 'notification_rules', noun: string, action: string) =>
    route(async (req, res) => {
      const id = idParam(req);
      await ctx.db.project(projectOf(req)).write(async (tx) => {
        const result = await tx.db.deleteFrom(table).where('id', '=', id).executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) throw notFound(`${noun} ${id}`);
        await audit(tx, { ts: ctx.clock(), actor: currentUser(req).username, action, target: `${table}/${id}` }, projectOf(req));
      });
      res.status(204).end();
    });
  router.post('/channels', admin, route(async (req, res) => {
    const channel = await ctx.notifier.channels.save(projectOf(req), parseInput(channelInput, req.body));
    await record(req, 'notification_channel.create', `notification_channels/${channel.id}`, channel);
    res.status(201).json({ channel });
  }));
  router.put('/channels/:id', admin, route(async (req, res) => {
    const id = idParam(req);
    await ctx.notifier.channels.view(projectOf(req), id);
    const channel = await ctx.notifier.channels.save(projectOf(req), parseInput(channelInput, req.body), id);
    await record(req, 'notification_channel.update', `notification_channels/${id}`, channel);
    res.json({ channel });
  }));
  router.delete('/channels/:id', admin, remove('notification_channels', 'channel', 'notification_channel.delete'));
  router.post('/channels/:id/test', admin, route(async (req, res) => {
    const id = idParam(req);
    res.json(await ctx.notifier.testSend(projectOf(req), id));
  }));
  router.get('/channels/:id/preview', route(async (req, res) => {
    const id = idParam(req);
    res.json(await ctx.notifier.preview(projectOf(req), id));
  }));

  router.get('/rules', route(async (req, res) => {
    const rows = await ctx.db.project(projectOf(req)).read.selectFrom('notification_rules').selectAll().orderBy('id').execute();
    res.json({ rules: rows.map((r) => ({ ...r, filter_host_ids: JSON.parse(r.filter_host_ids) as number[], filter_severities: JSON.parse(r.filter_severities) as string[] })) });
  }));
  router.post('/rules', admin, route(async (req, res) => {
    const body = parseInput(ruleInput, req.body);
    const id = await saveRule(ctx.db, projectOf(req), body);
    await record(req, 'notification_rule.create', `notification_rules/${id}`, body);
    res.status(201).json({ id });
  }));
  router.put('/rules/:id', admin, route(async (req, res) => {
    const id = idParam(req);
    const exists = await ctx.db.project(projectOf(req)).read.selectFrom('notification_rules').select('id').where('id', '=', id).executeTakeFirst();
    if (exists === undefined) throw notFound(`rule ${id}`);
    const body = parseInput(ruleInput, req.body);
    await saveRule(ctx.db, projectOf(req), body, id);
    await record(req, 'notification_rule.update', `notification_rules/${id}`, body);
    res.json({ id });
  }));
  router.delete('/rules/:id', admin, remove('notification_rules', 'rule', 'notification_rule.delete'));

  /** The ledger, newest first (`before` = the last id of the previous page), with each attempt's error. */
  router.get('/deliveries', route(async (req, res) => {
    const q = parseInput(deliveryQuery, req.query, 'query');
    const rows = await ctx.db
      .project(projectOf(req))
      .read.selectFrom('notification_deliveries')
      .select(['id', 'rule_id', 'channel_id', 'event_type', 'severity', 'host_domain', 'status', 'error_message', 'attempts', 'next_attempt_at', 'suppressed_count', 'created_at', 'updated_at', 'sent_at'])
      .$if(q.status !== undefined, (b) => b.where('status', '=', q.status!))
      .$if(q.channelId !== undefined, (b) => b.where('channel_id', '=', q.channelId!))
      .$if(q.eventType !== undefined, (b) => b.where('event_type', '=', q.eventType!))
      .$if(q.before !== undefined, (b) => b.where('id', '<', q.before!))
      .orderBy('id', 'desc')
      .limit(q.limit)
      .execute();
    res.json({ deliveries: rows, nextBefore: rows.length === q.limit ? rows.at(-1)!.id : null });
  }));

  router.get('/push/vapid-public-key', route(async (_req, res) => {
    res.json({ publicKey: (await ensureVapidKeys(ctx.db, ctx.cipher)).publicKey });
  }));
  router.post('/push/subscriptions', route(async (req, res) => {
    const body = parseInput(z.object({ endpoint: z.string().url(), keys: z.object({ p256dh: z.string(), auth: z.string() }) }), req.body);
    const id = await savePushSubscription(ctx.db, currentUser(req).id, body, req.headers['user-agent'] ?? null);
    res.status(201).json({ id });
  }));
  router.delete('/push/subscriptions', route(async (req, res) => {
    const { endpoint } = parseInput(z.object({ endpoint: z.string() }), req.body);
    await ctx.db.write((tx) => tx.db.deleteFrom('push_subscriptions').where('user_id', '=', currentUser(req).id).where('endpoint', '=', endpoint).execute());
    res.status(204).end();
  }));
  return router;
}
