import { emptyEntry, type LineParser } from '../entry.js';
import { FieldError, header, hostWithoutPort, integer, number, object, jsonLineParser, text, type Json } from './fields.js';
import { applyMatches, type RuleMatch } from './waf.js';

/** `unix_timestamp` in whatever unit the writer used (Coraza writes nanoseconds) to epoch ms. */
function epochToMs(value: number): number {
  if (value > 1e17) return Math.floor(value / 1e6);
  if (value > 1e14) return Math.floor(value / 1e3);
  if (value > 1e11) return Math.floor(value);
  return Math.floor(value * 1000);
}

/** `2024/05/06 07:08:09` (Coraza's `timestamp`, read as UTC) to epoch ms. */
function parseCorazaTime(value: string): number | null {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value.trim());
  if (m === null) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/**
 * Coraza's JSON audit log: `transaction.{id, unix_timestamp, client_ip, request, response.status,
 * is_interrupted}` and top-level `messages[].data.{id, msg, severity}` (integers). Structured
 * messages appear only with audit part K. One transaction is one entry, as for ModSecurity.
 */
export const parseCorazaAudit: LineParser = jsonLineParser((record, line) => {
  const tx = object(record.transaction, 'transaction');
  if (tx === null) return { ok: false, reason: 'not a Coraza audit entry: transaction is missing' };
  // Nanoseconds exceed exact JSON numbers: a float is precise enough for milliseconds.
  const unix = number(tx.unix_timestamp, 'transaction.unix_timestamp');
  const stamp = text(tx.timestamp, 'transaction.timestamp');
  const ts = unix !== null ? epochToMs(unix) : stamp !== null ? parseCorazaTime(stamp) : null;
  if (ts === null) return { ok: false, reason: 'transaction.unix_timestamp and transaction.timestamp are missing or unreadable' };
  const request = object(tx.request, 'transaction.request');
  const response = object(tx.response, 'transaction.response');
  const headers = object(request?.headers, 'transaction.request.headers');
  const rawMessages = record.messages ?? [];
  if (!Array.isArray(rawMessages)) throw new FieldError('messages is not a list');
  const matches: RuleMatch[] = rawMessages.map((m: unknown, i) => {
    const message = object(m, `messages[${i}]`) ?? {};
    const data: Json = object(message.data, `messages[${i}].data`) ?? {};
    return {
      id: integer(data.id, `messages[${i}].data.id`),
      message: text(data.msg, `messages[${i}].data.msg`) ?? text(message.message, `messages[${i}].message`) ?? '',
      severity: integer(data.severity, `messages[${i}].data.severity`),
    };
  });
  const entry = emptyEntry('waf_audit', ts, line);
  entry.remote_ip = text(tx.client_ip, 'transaction.client_ip');
  entry.method = text(request?.method, 'transaction.request.method');
  entry.path = text(request?.uri, 'transaction.request.uri');
  entry.host_domain = hostWithoutPort(header(headers, 'Host') ?? text(tx.host, 'transaction.host'));
  entry.user_agent = header(headers, 'User-Agent');
  entry.status = integer(response?.status, 'transaction.response.status');
  entry.waf_transaction_id = text(tx.id, 'transaction.id');
  applyMatches(entry, matches);
  const interrupted = tx.is_interrupted;
  if (interrupted !== undefined && interrupted !== null && typeof interrupted !== 'boolean') throw new FieldError('transaction.is_interrupted is not a boolean');
  entry.waf_blocked = interrupted === true;
  return { ok: true, entry };
});
