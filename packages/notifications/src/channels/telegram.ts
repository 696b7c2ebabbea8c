import type { TelegramConfig } from './config.js';
import { networkFailure, type AttemptOutcome } from './outcome.js';
import type { SentRequest } from './webhook.js';

interface BotApiReply {
  readonly ok?: boolean;
  readonly description?: string;
  readonly error_code?: number;
  readonly parameters?: { readonly retry_after?: number };
}

/** Bot API `sendMessage` with HTML parse mode. The token is in the URL, never in the ledger. */
export async function sendTelegram(config: TelegramConfig, text: string): Promise<SentRequest> {
  const payload = { chat_id: config.chatId, text, parse_mode: 'HTML', disable_web_page_preview: true };
  const record = { api: config.apiBaseUrl, method: 'sendMessage', ...payload };
  let outcome: AttemptOutcome;
  try {
    const response = await fetch(`${config.apiBaseUrl.replace(/\/+$/, '')}/bot${config.botToken}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    const reply = (await response.json().catch(() => ({}))) as BotApiReply;
    const error = `Telegram ${reply.error_code ?? response.status}: ${reply.description ?? response.statusText}`;
    if (response.ok && reply.ok === true) outcome = { kind: 'sent', detail: 'Telegram ok' };
    else if (response.status === 429 || response.status >= 500) {
      const wait = reply.parameters?.retry_after;
      outcome = wait === undefined ? { kind: 'retry', error } : { kind: 'retry', error, retryAfterSeconds: wait };
    } else outcome = { kind: 'failed', error };
  } catch (error) {
    outcome = networkFailure(error);
  }
  return { outcome, record };
}
