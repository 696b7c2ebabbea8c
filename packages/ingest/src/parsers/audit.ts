import { emptyEntry, type LineParser, type NormalisedEntry } from '../entry.js';
import { integer, jsonLineParser, text } from './fields.js';

/** One of Panoptes' own audit records: who did what to which target, before and after (secrets redacted). */
export interface AuditEvent {
  /** Epoch milliseconds. */
  readonly ts: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly ip?: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** The JSON line an audit event is stored and exported as. */
export function formatAuditEvent(event: AuditEvent): string {
  return JSON.stringify({
    ts: event.ts,
    actor: event.actor,
    action: event.action,
    target: event.target,
    ...(event.ip == null ? {} : { ip: event.ip }),
    ...(event.before === undefined ? {} : { before: event.before }),
    ...(event.after === undefined ? {} : { after: event.after }),
  });
}

/** Parses an audit line written by `formatAuditEvent`. */
export const parseAudit: LineParser = jsonLineParser((record, line) => {
  const ts = integer(record.ts, 'ts');
  const actor = text(record.actor, 'actor');
  const action = text(record.action, 'action');
  const target = text(record.target, 'target');
  if (ts === null || actor === null || action === null || target === null) {
    return { ok: false, reason: 'not an audit entry: ts, actor, action and target are required' };
  }
  const entry = emptyEntry('audit', ts, line);
  entry.level = 'info';
  entry.user_id = actor;
  entry.remote_ip = text(record.ip, 'ip');
  entry.message = `${actor} ${action} ${target}`;
  return { ok: true, entry };
});

/** The entry for an audit event, for callers that write it in the same transaction as the change. */
export function auditEntry(event: AuditEvent): NormalisedEntry {
  const outcome = parseAudit(formatAuditEvent(event));
  if (!outcome.ok) throw new Error(`invalid audit event: ${outcome.reason}`);
  return outcome.entry;
}
