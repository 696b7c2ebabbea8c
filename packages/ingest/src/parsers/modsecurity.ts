import { emptyEntry, type LineParser } from '../entry.js';
import { FieldError, header, hostWithoutPort, integer, integerLike, object, jsonLineParser, text, type Json } from './fields.js';
import { applyMatches, type RuleMatch } from './waf.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Sun Nov 22 08:50:24 2026` (no zone, no sub-seconds: read as UTC) to epoch ms. */
export function parseModSecurityTime(value: string): number | null {
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(value.trim());
  if (m === null) return null;
  const month = MONTHS.indexOf(m[1]!);
  if (month === -1) return null;
  const ms = Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  return Number.isFinite(ms) ? ms : null;
}

/**
 * ModSecurity v3 JSON audit log (`SecAuditLogFormat JSON`): everything under `transaction`, rule
 * matches in `transaction.messages[].details` (rule id and severity as strings). One transaction is
 * one entry; see `summariseMatches`.
 */
export const parseModSecurityAudit: LineParser = jsonLineParser((record, line) => {
  const tx = object(record.transaction, 'transaction');
  if (tx === null) return { ok: false, reason: 'not a ModSecurity audit entry: transaction is missing' };
  const stamp = text(tx.time_stamp, 'transaction.time_stamp');
  const ts = stamp === null ? null : parseModSecurityTime(stamp);
  if (ts === null) return { ok: false, reason: 'transaction.time_stamp is missing or not a ModSecurity time' };
  const request = object(tx.request, 'transaction.request');
  const response = object(tx.response, 'transaction.response');
  const headers = object(request?.headers, 'transaction.request.headers');
  const rawMessages = tx.messages ?? [];
  if (!Array.isArray(rawMessages)) throw new FieldError('transaction.messages is not a list');
  const matches: RuleMatch[] = rawMessages.map((m: unknown, i) => {
    const message = object(m, `transaction.messages[${i}]`) ?? {};
    const details: Json = object(message.details, `transaction.messages[${i}].details`) ?? {};
    return {
      id: integerLike(details.ruleId, 'ruleId'),
      message: text(message.message, 'message') ?? '',
      severity: integerLike(details.severity, 'severity'),
    };
  });
  const entry = emptyEntry('waf_audit', ts, line);
  entry.remote_ip = text(tx.client_ip, 'transaction.client_ip');
  entry.method = text(request?.method, 'transaction.request.method');
  entry.path = text(request?.uri, 'transaction.request.uri');
  entry.host_domain = hostWithoutPort(header(headers, 'Host'));
  entry.user_agent = header(headers, 'User-Agent');
  entry.status = integer(response?.http_code, 'transaction.response.http_code');
  entry.waf_transaction_id = text(tx.unique_id, 'transaction.unique_id');
  const summary = applyMatches(entry, matches);
  entry.waf_blocked = matches.length > 0 && entry.status !== null && entry.status >= 400 && (summary.matchedBlockingRule || entry.status === 403);
  return { ok: true, entry };
});
