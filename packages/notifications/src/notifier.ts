import type { Agent } from 'node:https';
import { deleteInChunks, silentLogger, type Database, type DeliveryStatus, type Logger, type WriteContext } from '@panoptes/db-core';
import type { FieldCipher } from '@panoptes/crypto';
import { ChannelStore, type LoadedChannel } from './channels.js';
import type { BrowserPushConfig, EmailConfig, TelegramConfig, WebhookConfig } from './channels/config.js';
import { sendEmail } from './channels/email.js';
import type { AttemptOutcome } from './channels/outcome.js';
import { sendBrowserPush } from './channels/push.js';
import { refusePrivateTarget } from './channels/private-targets.js';
import { sendTelegram } from './channels/telegram.js';
import { sendWebhook, type SentRequest } from './channels/webhook.js';
import type { NotificationEvent } from './events.js';
import { renderMessage } from './render.js';
import { matchingRules } from './rules.js';
import { ensureVapidKeys } from './vapid.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. Default 6. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; doubles each time, with +-20 % jitter. Default 30 s. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface NotifierOptions {
  readonly db: Database;
  readonly cipher: FieldCipher;
  readonly retry?: Partial<RetryPolicy>;
  /** How long a claimed delivery is held before another dispatcher may take it. Default 2 min. */
  readonly claimLeaseMs?: number;
  /** Refuse webhook and Telegram targets in private, loopback and link-local ranges. */
  readonly refusePrivateTargets?: boolean;
  readonly vapidSubject?: string;
  /** The https agent for push services (extra CA certificates, a proxy). */
  readonly pushAgent?: Agent;
  readonly logger?: Logger;
  readonly clock?: () => number;
  /** 0 <= x < 1, for jitter. */
  readonly random?: () => number;
}

export interface RecordedDelivery {
  readonly id: number;
  readonly ruleId: number | null;
  readonly channelId: number;
  readonly status: DeliveryStatus;
}

export interface DeliveryResult {
  readonly id: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly error: string | null;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 30_000, maxDelayMs: 3_600_000 };

/**
 * Records every notification in the delivery ledger and delivers it. `notify()` matches rules and
 * writes one row per rule (pending, throttled or rate_limited); `processDue()` claims due rows
 * (FOR UPDATE SKIP LOCKED where the database has it, plus a lease), sends them, and records sent,
 * failed, or pending again with a backoff. Everything lives in the database, so throttles, rate
 * limits and retries survive a restart.
 */
export class Notifier {
  readonly channels: ChannelStore;
  readonly #db: Database;
  readonly #cipher: FieldCipher;
  readonly #retry: RetryPolicy;
  readonly #leaseMs: number;
  readonly #logger: Logger;
  readonly #clock: () => number;
  readonly #random: () => number;
  readonly #options: NotifierOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(options: NotifierOptions) {
    this.#options = options;
    this.#db = options.db;
    this.#cipher = options.cipher;
    this.channels = new ChannelStore(options.db, options.cipher);
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#leaseMs = options.claimLeaseMs ?? 120_000;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  /** Records the deliveries an event calls for; sending happens in `processDue()`. */
  async notify(event: NotificationEvent): Promise<RecordedDelivery[]> {
    const rules = await matchingRules(this.#db, event);
    if (rules.length === 0) return [];
    const now = this.#clock();
    const host = event.host?.domain ?? null;
    const recorded = await this.#db.write(async (tx) => {
      const out: RecordedDelivery[] = [];
      for (const rule of rules) {
        const status = await this.#decide(tx, rule, host, now);
        const suppressed = status === 'pending' ? await this.#suppressedSinceLastSent(tx, rule.id, host) : 0;
        const row = await tx.db
          .insertInto('notification_deliveries')
          .values({
            project_uuid: event.projectUuid,
            rule_id: rule.id,
            channel_id: rule.channelId,
            event_type: event.type,
            severity: event.severity,
            host_domain: host,
            event_payload: JSON.stringify(event),
            status,
            attempts: 0,
            next_attempt_at: status === 'pending' ? now : null,
            suppressed_count: suppressed,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        out.push({ id: row.id, ruleId: rule.id, channelId: rule.channelId, status });
      }
      return out;
    });
    if (recorded.some((r) => r.status === 'pending') && this.#timer !== undefined) void this.#tick();
    return recorded;
  }

  /** Throttle (per rule and host) first, then the channel's rate limit per minute. */
  async #decide(tx: WriteContext, rule: { id: number; channelId: number; throttleWindowSeconds: number }, host: string | null, now: number): Promise<DeliveryStatus> {
    if (rule.throttleWindowSeconds > 0) {
      const recent = await tx.db
        .selectFrom('notification_deliveries')
        .select('id')
        .where('rule_id', '=', rule.id)
        .where('host_domain', host === null ? 'is' : '=', host)
        .where('status', 'in', ['pending', 'sent'])
        .where('created_at', '>', now - rule.throttleWindowSeconds * 1000)
        .limit(1)
        .executeTakeFirst();
      if (recent !== undefined) return 'throttled';
    }
    const channel = await tx.db.selectFrom('notification_channels').select('rate_limit_per_minute').where('id', '=', rule.channelId).executeTakeFirst();
    const limit = channel?.rate_limit_per_minute ?? null;
    if (limit !== null) {
      const { n } = await tx.db
        .selectFrom('notification_deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('channel_id', '=', rule.channelId)
        .where('status', 'in', ['pending', 'sent', 'failed'])
        .where('created_at', '>', now - 60_000)
        .executeTakeFirstOrThrow();
      if (Number(n) >= limit) return 'rate_limited';
    }
    return 'pending';
  }

  /** Throttled deliveries of the rule and host since its last one that went out. */
  async #suppressedSinceLastSent(tx: WriteContext, ruleId: number, host: string | null): Promise<number> {
    const last = await tx.db
      .selectFrom('notification_deliveries')
      .select('id')
      .where('rule_id', '=', ruleId)
      .where('host_domain', host === null ? 'is' : '=', host)
      .where('status', 'in', ['pending', 'sent', 'failed'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const { n } = await tx.db
      .selectFrom('notification_deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('rule_id', '=', ruleId)
      .where('host_domain', host === null ? 'is' : '=', host)
      .where('status', '=', 'throttled')
      .where('id', '>', last?.id ?? 0)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Claims and sends every due delivery (up to `limit`); returns how many were attempted. */
  async processDue(limit = 50): Promise<number> {
    const now = this.#clock();
    const claimed = await this.#db.write(async (tx) => {
      let query = tx.db
        .selectFrom('notification_deliveries')
        .select(['id', 'channel_id', 'event_payload', 'attempts', 'suppressed_count'])
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit);
      if (tx.capabilities.skipLocked) query = query.forUpdate().skipLocked();
      const rows = await query.execute();
      if (rows.length > 0) {
        await tx.db
          .updateTable('notification_deliveries')
          .set({ next_attempt_at: now + this.#leaseMs, updated_at: now })
          .where('id', 'in', rows.map((r) => r.id))
          .execute();
      }
      return rows;
    });
    for (const row of claimed) await this.#attempt(row);
    return claimed.length;
  }

  async #attempt(row: { id: number; channel_id: number | null; event_payload: string; attempts: number; suppressed_count: number }): Promise<DeliveryResult> {
    const channel = row.channel_id === null ? undefined : await this.channels.load(row.channel_id);
    const attempts = row.attempts + 1;
    let sent: SentRequest;
    if (channel === undefined) sent = { outcome: { kind: 'failed', error: 'the channel was deleted' }, record: {} };
    else if (!channel.enabled) sent = { outcome: { kind: 'failed', error: 'the channel is disabled' }, record: {} };
    else {
      const event = JSON.parse(row.event_payload) as NotificationEvent;
      sent = await this.#send(channel, event, row.suppressed_count, row.id);
    }
    return this.#record(row.id, attempts, sent);
  }

  async #send(channel: LoadedChannel, event: NotificationEvent, suppressed: number, deliveryId: number): Promise<SentRequest> {
    const config = channel.secretConfig;
    try {
      switch (channel.type) {
        case 'webhook': {
          const c = config as WebhookConfig;
          if (this.#options.refusePrivateTargets === true) await refusePrivateTarget(c.url);
          const message = renderMessage('webhook', event, { suppressed, templates: channel.templates, webhookFormat: c.format, deliveryId: `msg_${deliveryId}` });
          return await sendWebhook(c, message.type === 'webhook' ? message.body : '', { deliveryId, now: this.#clock() });
        }
        case 'email': {
          const message = renderMessage('email', event, { suppressed, templates: channel.templates });
          if (message.type !== 'email') throw new Error('unreachable');
          return await sendEmail(config as EmailConfig, message);
        }
        case 'telegram': {
          const c = config as TelegramConfig;
          if (this.#options.refusePrivateTargets === true) await refusePrivateTarget(c.apiBaseUrl);
          const message = renderMessage('telegram', event, { suppressed, templates: channel.templates });
          return await sendTelegram(c, message.type === 'telegram' ? message.text : '');
        }
        case 'browser_push': {
          const message = renderMessage('browser_push', event, { suppressed, templates: channel.templates });
          const vapid = await ensureVapidKeys(this.#db, this.#cipher, this.#options.vapidSubject === undefined ? {} : { subject: this.#options.vapidSubject });
          return await sendBrowserPush(this.#db, config as BrowserPushConfig, message.type === 'browser_push' ? message.payload : '', vapid, this.#options.pushAgent);
        }
      }
    } catch (error) {
      return { outcome: { kind: 'failed', error: (error as Error).message }, record: {} };
    }
  }

  /** Stores an attempt's outcome; `retry: false` (a test-send) makes a retryable failure final at once. */
  async #record(id: number, attempts: number, sent: SentRequest, retry = true): Promise<DeliveryResult> {
    const now = this.#clock();
    const outcome: AttemptOutcome = sent.outcome;
    let status: DeliveryStatus;
    let next: number | null = null;
    let error: string | null = null;
    if (outcome.kind === 'sent') status = 'sent';
    else if (outcome.kind === 'retry' && retry && attempts < this.#retry.maxAttempts) {
      status = 'pending';
      next = now + this.#delay(attempts, outcome.retryAfterSeconds);
      error = outcome.error;
    } else {
      status = 'failed';
      error = outcome.kind === 'retry' && retry ? `${outcome.error} (gave up after ${attempts} attempts)` : outcome.error;
    }
    await this.#db.write((tx) =>
      tx.db
        .updateTable('notification_deliveries')
        .set({
          status,
          attempts,
          error_message: error,
          next_attempt_at: next,
          rendered_payload: JSON.stringify(sent.record),
          updated_at: now,
          ...(status === 'sent' ? { sent_at: now } : {}),
        })
        .where('id', '=', id)
        .execute(),
    );
    if (status !== 'sent') this.#logger.warn({ delivery: id, status, attempts, error }, 'notification not delivered');
    return { id, status, attempts, error };
  }

  /** Backoff before attempt `attempts + 1`: Retry-After when given, else exponential with jitter. */
  #delay(attempts: number, retryAfterSeconds: number | undefined): number {
    if (retryAfterSeconds !== undefined) return Math.min(this.#retry.maxDelayMs, retryAfterSeconds * 1000);
    const base = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempts - 1));
    return Math.round(base * (0.8 + 0.4 * this.#random()));
  }

  /** Sends a sample event through one channel now (no rule, no throttle) and returns the outcome. */
  async testSend(projectUuid: string, channelId: number): Promise<DeliveryResult> {
    const view = await this.channels.view(projectUuid, channelId);
    const now = this.#clock();
    const event: NotificationEvent = { type: 'notification.test', severity: 'info', projectUuid, host: null, payload: { message: `test message for channel ${view.name}` }, time: now };
    const row = await this.#db.write((tx) =>
      tx.db
        .insertInto('notification_deliveries')
        .values({ project_uuid: projectUuid, rule_id: null, channel_id: channelId, event_type: event.type, severity: 'info', event_payload: JSON.stringify(event), status: 'pending', attempts: 0, next_attempt_at: now + this.#leaseMs, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
    const channel = (await this.channels.load(channelId))!;
    // A test is one attempt, now: no retry.
    return this.#record(row.id, 1, await this.#send(channel, event, 0, row.id), false);
  }

  /** What a channel would send for an event (a sample one by default). */
  async preview(projectUuid: string, channelId: number, event?: NotificationEvent) {
    const view = await this.channels.view(projectUuid, channelId);
    const sample: NotificationEvent = event ?? {
      type: 'waf.blocked',
      severity: 'critical',
      projectUuid,
      host: { id: null, domain: 'app.example.com' },
      payload: { message: 'SQL injection blocked', rule: 942100, client: '203.0.113.7' },
      time: this.#clock(),
    };
    const format = view.type === 'webhook' ? (view.config.format as 'generic' | 'slack' | 'discord') : 'generic';
    return renderMessage(view.type, sample, { templates: view.templates, webhookFormat: format });
  }

  /** Deletes finished deliveries older than the retention and the oldest beyond the cap. */
  async prune(settings: { readonly retentionDays: number; readonly maxEntries: number }): Promise<number> {
    const cutoff = this.#clock() - settings.retentionDays * 86_400_000;
    const done = ['sent', 'failed', 'throttled', 'rate_limited'] as const;
    let deleted = await deleteInChunks(this.#db, { table: 'notification_deliveries', where: (eb) => eb.and([eb('created_at', '<', cutoff), eb('status', 'in', done)]) });
    const { n } = await this.#db.read.selectFrom('notification_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const excess = Number(n) - settings.maxEntries;
    if (excess > 0) deleted += await deleteInChunks(this.#db, { table: 'notification_deliveries', where: (eb) => eb('status', 'in', done), limit: excess });
    return deleted;
  }

  /** Processes due deliveries every `pollMs` (and right after `notify`), until `stop()`. */
  start(pollMs = 1_000): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.#tick(), pollMs);
    this.#timer.unref();
    void this.#tick();
  }

  /** Stops the loop and waits for deliveries in flight. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #tick(): Promise<number> {
    this.#running ??= this.processDue()
      .catch((error: unknown) => {
        this.#logger.error({ error: (error as Error).message }, 'notification dispatch failed');
        return 0;
      })
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }
}
