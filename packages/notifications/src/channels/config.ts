import { z } from 'zod';
import type { ChannelType } from '@panoptes/db-core';

const url = z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a valid header name');

export const webhookConfig = z.strictObject({
  url,
  method: z.enum(['POST', 'PUT']).default('POST'),
  /** Extra headers (shown in clear: put credentials in `authorization`). */
  headers: z.record(headerName, z.string().max(4096)).default({}),
  /** Sent as the Authorization header; kept encrypted. */
  authorization: z.string().min(1).optional(),
  format: z.enum(['generic', 'slack', 'discord']).default('generic'),
  /** `whsec_...`: Standard Webhooks signature headers on every delivery; kept encrypted. */
  signingSecret: z.string().regex(/^whsec_[A-Za-z0-9+/]{22,}={0,2}$/, 'must be whsec_ followed by base64 of at least 16 bytes').optional(),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});

export const emailConfig = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  /** `tls`: TLS from the start (465); `starttls`: upgrade required; `none`: plain (tests, local relays). */
  tls: z.enum(['tls', 'starttls', 'none']).default('starttls'),
  user: z.string().min(1).optional(),
  /** Kept encrypted. */
  password: z.string().min(1).optional(),
  from: z.string().email(),
  to: z.array(z.string().email()).min(1, 'at least one recipient is needed').max(50),
  timeoutMs: z.number().int().min(100).max(60_000).default(15_000),
});

export const telegramConfig = z.strictObject({
  /** Kept encrypted. */
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'not a Telegram bot token (digits:secret)'),
  chatId: z.union([z.string().regex(/^-?\d+$|^@[A-Za-z0-9_]{5,}$/, 'a numeric chat id or @channelname'), z.number().int()]),
  apiBaseUrl: url.default('https://api.telegram.org'),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});

export const browserPushConfig = z.strictObject({
  /** Only these users' browsers; all subscribed browsers when absent. */
  userIds: z.array(z.number().int().positive()).optional(),
  ttlSeconds: z.number().int().min(0).max(2_419_200).default(86_400),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});

export const CHANNEL_CONFIGS = { webhook: webhookConfig, email: emailConfig, telegram: telegramConfig, browser_push: browserPushConfig } as const;

/** The fields of each channel type that are secrets: encrypted at rest, never returned in clear. */
export const SECRET_FIELDS: Readonly<Record<ChannelType, readonly string[]>> = {
  webhook: ['authorization', 'signingSecret'],
  email: ['password'],
  telegram: ['botToken'],
  browser_push: [],
};

export type WebhookConfig = z.infer<typeof webhookConfig>;
export type EmailConfig = z.infer<typeof emailConfig>;
export type TelegramConfig = z.infer<typeof telegramConfig>;
export type BrowserPushConfig = z.infer<typeof browserPushConfig>;
export type ChannelConfig = WebhookConfig | EmailConfig | TelegramConfig | BrowserPushConfig;

export interface ConfigProblem {
  readonly field: string;
  readonly message: string;
}

/** Validates a config for its type: the parsed config, or every problem with its field path. */
export function validateChannelConfig(type: ChannelType, input: unknown): { ok: true; config: ChannelConfig } | { ok: false; problems: ConfigProblem[] } {
  const result = CHANNEL_CONFIGS[type].safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, problems: result.error.issues.map((i) => ({ field: i.path.join('.') || '(config)', message: i.message })) };
}
