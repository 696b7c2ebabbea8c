import type { Severity } from '@panoptes/db-core';

/** Something that happened, for the rules to match. */
export interface NotificationEvent {
  /** Dotted type: `waf.blocked`, `backup.failed`, ... */
  readonly type: string;
  readonly severity: Severity;
  readonly projectUuid: string;
  readonly host?: { readonly id?: number | null; readonly domain?: string | null } | null;
  /** Event details, JSON-serialisable. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** Epoch milliseconds. */
  readonly time: number;
}

/** The known event types, with what they mean, for the panel's rule editor. */
export const EVENT_CATALOG = [
  { type: 'waf.blocked', description: 'The WAF blocked a request (rule, client and host in the payload)' },
  { type: 'http.5xx_burst', description: 'A burst of 5xx answers from one host' },
  { type: 'auth.login_failed', description: 'A failed login to the panel' },
  { type: 'auth.lockout', description: 'Logins locked for an address or a user after repeated failures' },
  { type: 'backup.completed', description: 'A backup was taken' },
  { type: 'backup.failed', description: 'A backup failed' },
  { type: 'restore.completed', description: 'A pending restore was applied at start' },
  { type: 'restore.failed', description: 'A pending restore was refused; the live database was kept' },
  { type: 'ingest.source_failed', description: 'An ingest source cannot be read' },
  { type: 'ingest.source_behind', description: 'An ingest source is falling behind its file' },
  { type: 'finding.created', description: 'A detector raised a new finding' },
  { type: 'notification.test', description: 'A test message sent from the panel' },
] as const satisfies readonly { type: string; description: string }[];

const TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;
const PATTERN = /^([a-z0-9_]+(\.[a-z0-9_]+)*)(\.\*)?$|^\*$/;

/** Whether `pattern` (an exact type, `prefix.*`, or `*`) names a valid rule event type. */
export function isEventPattern(pattern: string): boolean {
  return PATTERN.test(pattern);
}

export function isEventType(type: string): boolean {
  return TYPE.test(type);
}

/** Whether a rule's event type matches an event type: exact, `prefix.*` (any depth below) or `*`. */
export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}
