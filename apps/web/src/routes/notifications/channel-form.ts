import type { FieldSpec } from '../../components/resource-form.js';

export const CHANNEL_TYPES = ['webhook', 'email', 'telegram', 'browser_push'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];
export const TYPE_LABELS: Record<ChannelType, string> = { webhook: 'Webhook', email: 'E-mail', telegram: 'Telegram', browser_push: 'Browser push' };

/** What the api shows in place of a stored secret; sent back, it keeps the stored value. */
export const UNCHANGED_SECRET = '__unchanged__';

export interface Channel {
  readonly id: number;
  readonly name: string;
  readonly type: ChannelType;
  readonly enabled: boolean;
  readonly config: Record<string, unknown>;
  readonly rateLimitPerMinute: number | null;
}

/** The config fields of each type; `password` fields are the secrets (write-only). `list` fields are comma-separated. */
export const CONFIG_FIELDS: Record<ChannelType, readonly (FieldSpec & { readonly list?: boolean })[]> = {
  webhook: [
    { name: 'url', label: 'URL', kind: 'text', required: true, placeholder: 'https://hooks.example.com/panoptes' },
    { name: 'format', label: 'Format', kind: 'select', options: [{ value: 'generic', label: 'generic JSON' }, { value: 'slack', label: 'Slack' }, { value: 'discord', label: 'Discord' }] },
    { name: 'method', label: 'Method', kind: 'select', options: ['POST', 'PUT'] },
    { name: 'signingSecret', label: 'Signing secret (whsec_…)', kind: 'password', hint: 'Signs every delivery (Standard Webhooks).' },
    { name: 'authorization', label: 'Authorization header', kind: 'password' },
    { name: 'headers', label: 'Extra headers (JSON object)', kind: 'json', placeholder: '{"X-Team": "ops"}' },
    { name: 'timeoutMs', label: 'Timeout (ms)', kind: 'number' },
  ],
  email: [
    { name: 'host', label: 'SMTP server', kind: 'text', required: true },
    { name: 'port', label: 'SMTP port', kind: 'number', required: true },
    { name: 'tls', label: 'Encryption', kind: 'select', options: [{ value: 'starttls', label: 'STARTTLS' }, { value: 'tls', label: 'TLS' }, { value: 'none', label: 'none' }] },
    { name: 'user', label: 'SMTP user', kind: 'text' },
    { name: 'password', label: 'SMTP password', kind: 'password' },
    { name: 'from', label: 'From', kind: 'text', required: true },
    { name: 'to', label: 'To (comma-separated)', kind: 'text', required: true, list: true },
  ],
  telegram: [
    { name: 'botToken', label: 'Bot token', kind: 'password', required: true },
    { name: 'chatId', label: 'Chat id', kind: 'text', required: true, placeholder: '-1001234567890 or @channel' },
  ],
  browser_push: [{ name: 'ttlSeconds', label: 'Time to live (seconds)', kind: 'number' }],
};

/** A form field's name for a config field (kept apart from the channel's own fields). */
export const configInput = (name: string) => `config.${name}`;
/** The checkbox that removes a stored secret (blank alone keeps it). */
export const clearInput = (name: string) => `clear.${name}`;

/** Whether the channel being edited has this secret stored (the api shows only the placeholder). */
export const storedSecret = (name: string, existing: Channel | null, type: ChannelType) => existing?.type === type && existing.config[name] === UNCHANGED_SECRET;

/** The channel as the form shows it: secrets blank, lists joined, objects as JSON. */
export function channelFormValue(field: FieldSpec & { readonly list?: boolean }, channel: Channel | null): string {
  const value = channel?.config[field.name];
  if (value === undefined || value === null || field.kind === 'password') return '';
  if (field.list && Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return Object.keys(value).length === 0 ? '' : JSON.stringify(value);
  return String(value);
}

export class ChannelFormError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The api body from the form: typed config values; a blank secret keeps the stored one on edit
 * (sent as the api's placeholder) unless its remove box is ticked, and is left out on create.
 */
export function channelBody(type: ChannelType, values: Record<string, string>, enabled: boolean, existing: Channel | null): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const f of CONFIG_FIELDS[type]) {
    const raw = (values[configInput(f.name)] ?? '').trim();
    if (raw === '') {
      if (f.kind === 'password' && storedSecret(f.name, existing, type) && values[clearInput(f.name)] !== 'on') config[f.name] = UNCHANGED_SECRET;
      continue;
    }
    if (f.kind === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new ChannelFormError(configInput(f.name), 'must be a number');
      config[f.name] = n;
    } else if (f.kind === 'json') {
      try {
        config[f.name] = JSON.parse(raw);
      } catch {
        throw new ChannelFormError(configInput(f.name), 'must be valid JSON');
      }
    } else if (f.list) config[f.name] = raw.split(',').map((s) => s.trim()).filter(Boolean);
    else config[f.name] = raw;
  }
  const limit = (values.rateLimitPerMinute ?? '').trim();
  if (limit !== '' && !Number.isFinite(Number(limit))) throw new ChannelFormError('rateLimitPerMinute', 'must be a number');
  return { name: (values.name ?? '').trim(), type, enabled, config, rateLimitPerMinute: limit === '' ? null : Number(limit) };
}
