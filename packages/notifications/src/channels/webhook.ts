import { signWebhook } from '@panoptes/crypto';
import type { WebhookConfig } from './config.js';
import { classifyHttp, networkFailure, type AttemptOutcome } from './outcome.js';

export interface SentRequest {
  readonly outcome: AttemptOutcome;
  /** What was sent, secrets left out: stored in the ledger. */
  readonly record: Readonly<Record<string, unknown>>;
}

/**
 * POSTs (or PUTs) the rendered body. With a signing secret the Standard Webhooks headers are
 * added; the id is the delivery's, the same on every retry, so receivers can deduplicate.
 */
export async function sendWebhook(config: WebhookConfig, body: string, context: { readonly deliveryId: number; readonly now: number }): Promise<SentRequest> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Panoptes-Notifications/1', ...config.headers };
  if (config.authorization !== undefined) headers.authorization = config.authorization;
  if (config.signingSecret !== undefined) {
    Object.assign(headers, signWebhook({ secret: config.signingSecret, id: `msg_${context.deliveryId}`, timestampSeconds: Math.floor(context.now / 1000), body }));
  }
  const record = { url: config.url, method: config.method, headers: { ...headers, ...(config.authorization ? { authorization: '[redacted]' } : {}) }, body };
  try {
    const response = await fetch(config.url, { method: config.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(config.timeoutMs) });
    const text = await response.text().catch(() => '');
    return { outcome: classifyHttp(response.status, response.headers.get('retry-after'), text), record };
  } catch (error) {
    return { outcome: networkFailure(error), record };
  }
}
