import type { Agent } from 'node:https';
import webpush from 'web-push';
import type { Database } from '@panoptes/db-core';
import type { BrowserPushConfig } from './config.js';
import { networkFailure, parseRetryAfter, type AttemptOutcome } from './outcome.js';
import type { SentRequest } from './webhook.js';

export interface VapidKeys {
  readonly publicKey: string;
  readonly privateKey: string;
  /** `mailto:` or https URL of whoever runs this Panoptes (push services may contact it). */
  readonly subject: string;
}

/**
 * Web Push (aes128gcm payload encryption, VAPID) to every subscribed browser of the channel. A 404
 * or 410 from the push service means the subscription is gone: it is removed. The delivery counts
 * as sent when one browser got it; it is retried when none did and a failure was transient.
 */
export async function sendBrowserPush(db: Database, config: BrowserPushConfig, payload: string, vapid: VapidKeys, agent?: Agent): Promise<SentRequest> {
  let query = db.read.selectFrom('push_subscriptions').selectAll().orderBy('id');
  if (config.userIds !== undefined) query = query.where('user_id', 'in', config.userIds.length > 0 ? config.userIds : [-1]);
  const subscriptions = await query.execute();
  const results: { endpoint: string; status: string }[] = [];
  let sent = 0;
  let transient: AttemptOutcome | undefined;
  let permanent: string | undefined;
  for (const s of subscriptions) {
    try {
      const response = await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh_key, auth: s.auth_key } }, payload, {
        vapidDetails: vapid,
        TTL: config.ttlSeconds,
        timeout: config.timeoutMs,
        contentEncoding: 'aes128gcm',
        ...(agent === undefined ? {} : { agent }),
      });
      sent += 1;
      results.push({ endpoint: origin(s.endpoint), status: `HTTP ${response.statusCode}` });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      const headers = (error as { headers?: Record<string, string> }).headers ?? {};
      results.push({ endpoint: origin(s.endpoint), status: status === undefined ? 'network error' : `HTTP ${status}` });
      if (status === 404 || status === 410) {
        await db.write((tx) => tx.db.deleteFrom('push_subscriptions').where('id', '=', s.id).execute());
      } else if (status === undefined) transient = networkFailure(error);
      else if (status === 429 || status >= 500) {
        const wait = parseRetryAfter(headers['retry-after'] ?? null);
        transient = wait === undefined ? { kind: 'retry', error: `push service HTTP ${status}` } : { kind: 'retry', error: `push service HTTP ${status}`, retryAfterSeconds: wait };
      } else permanent = `push service HTTP ${status}`;
    }
  }
  const record = { subscriptions: results, payload };
  if (sent > 0) return { outcome: { kind: 'sent', detail: `${sent} of ${subscriptions.length} browser(s)` }, record };
  if (transient !== undefined) return { outcome: transient, record };
  return { outcome: { kind: 'failed', error: permanent ?? (subscriptions.length === 0 ? 'no browser is subscribed' : 'every subscription was gone') }, record };
}

/** Only the origin of an endpoint goes to the ledger (the path identifies the browser). */
function origin(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return 'invalid endpoint';
  }
}
