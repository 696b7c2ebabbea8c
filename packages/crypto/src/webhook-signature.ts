import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CryptoError } from './errors.js';

const SECRET_PREFIX = 'whsec_';
/** How far a webhook's timestamp may be from now (the specification's recommendation). */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/** A new signing secret in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(random: (n: number) => Buffer = randomBytes): string {
  return `${SECRET_PREFIX}${random(32).toString('base64')}`;
}

function secretBytes(secret: string): Buffer {
  const body = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const bytes = Buffer.from(body, 'base64');
  if (bytes.length < 16 || bytes.toString('base64').replace(/=+$/, '') !== body.replace(/=+$/, '')) {
    throw new CryptoError('INVALID_WEBHOOK_SECRET', 'a webhook secret is whsec_ followed by base64 of at least 16 bytes');
  }
  return bytes;
}

function signature(key: Buffer, id: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
}

export type WebhookHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

/** The Standard Webhooks headers for one delivery: `webhook-signature: v1,<base64 HMAC-SHA256>`. */
export function signWebhook(options: { readonly secret: string; readonly id: string; readonly timestampSeconds: number; readonly body: string }): WebhookHeaders {
  const sig = signature(secretBytes(options.secret), options.id, options.timestampSeconds, options.body);
  return { 'webhook-id': options.id, 'webhook-timestamp': String(options.timestampSeconds), 'webhook-signature': `v1,${sig}` };
}

export type WebhookVerification = { readonly ok: true } | { readonly ok: false; readonly reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

/**
 * Verifies a received webhook: the timestamp must be within the tolerance of now (replays of old
 * deliveries are refused) and one of the space-separated `v1,` signatures must match.
 */
export function verifyWebhook(options: {
  readonly secret: string;
  /** Request headers, lower-case names (Node's `req.headers` fits). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: string;
  /** Epoch seconds. */
  readonly nowSeconds: number;
  readonly toleranceSeconds?: number;
}): WebhookVerification {
  const single = (name: string): string | undefined => {
    const value = options.headers[name];
    return typeof value === 'string' ? value : value?.[0];
  };
  const id = single('webhook-id');
  const timestamp = single('webhook-timestamp');
  const header = single('webhook-signature');
  if (id === undefined || timestamp === undefined || header === undefined || !/^\d+$/.test(timestamp)) return { ok: false, reason: 'missing_headers' };
  const seconds = Number(timestamp);
  if (Math.abs(options.nowSeconds - seconds) > (options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) return { ok: false, reason: 'stale_timestamp' };
  const expected = Buffer.from(signature(secretBytes(options.secret), id, seconds, options.body), 'base64');
  for (const entry of header.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || value === undefined) continue;
    const given = Buffer.from(value, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'bad_signature' };
}
