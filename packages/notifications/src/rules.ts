import { PanoptesError, SEVERITIES, type Database, type Severity } from '@panoptes/db-core';
import { isEventPattern, matchesEventType, type NotificationEvent } from './events.js';

export interface RuleInput {
  readonly name: string;
  readonly channelId: number;
  /** An exact type, `prefix.*` or `*`. */
  readonly eventType: string;
  readonly hostIds?: readonly number[];
  readonly severities?: readonly Severity[];
  readonly throttleWindowSeconds?: number;
  readonly enabled?: boolean;
}

export interface MatchedRule {
  readonly id: number;
  readonly channelId: number;
  readonly throttleWindowSeconds: number;
}

/** Stores a rule after checking its event pattern, severities and channel (of the same project). */
export async function saveRule(db: Database, projectUuid: string, input: RuleInput, id?: number): Promise<number> {
  if (!isEventPattern(input.eventType)) throw new PanoptesError('INVALID_RULE', `eventType ${JSON.stringify(input.eventType)}: use a dotted type, prefix.* or *`);
  for (const s of input.severities ?? []) if (!(SEVERITIES as readonly string[]).includes(s)) throw new PanoptesError('INVALID_RULE', `severity ${JSON.stringify(s)} is not one of ${SEVERITIES.join(', ')}`);
  if ((input.throttleWindowSeconds ?? 0) < 0) throw new PanoptesError('INVALID_RULE', 'throttleWindowSeconds cannot be negative');
  const scope = db.project(projectUuid);
  const channel = await scope.read.selectFrom('notification_channels').select('id').where('id', '=', input.channelId).executeTakeFirst();
  if (channel === undefined) throw new PanoptesError('INVALID_RULE', `channel ${input.channelId} does not exist in this project`);
  const now = Date.now();
  const values = {
    name: input.name,
    channel_id: input.channelId,
    event_type: input.eventType,
    filter_host_ids: JSON.stringify(input.hostIds ?? []),
    filter_severities: JSON.stringify(input.severities ?? []),
    throttle_window_seconds: input.throttleWindowSeconds ?? 0,
    enabled: input.enabled ?? true,
    updated_at: now,
  };
  const saved = await scope.write((tx) =>
    id === undefined
      ? tx.db.insertInto('notification_rules').values({ ...values, created_at: now }).returning('id').executeTakeFirstOrThrow()
      : tx.db.updateTable('notification_rules').set(values).where('id', '=', id).returning('id').executeTakeFirstOrThrow(),
  );
  return saved.id;
}

/** The enabled rules of the event's project, on enabled channels, that match it. */
export async function matchingRules(db: Database, event: NotificationEvent): Promise<MatchedRule[]> {
  const rows = await db
    .project(event.projectUuid)
    .read.selectFrom('notification_rules as r')
    .innerJoin('notification_channels as c', 'c.id', 'r.channel_id')
    .select(['r.id', 'r.channel_id', 'r.event_type', 'r.filter_host_ids', 'r.filter_severities', 'r.throttle_window_seconds'])
    .where('r.enabled', '=', true)
    .where('c.enabled', '=', true)
    .orderBy('r.id')
    .execute();
  return rows
    .filter((r) => matchesEventType(r.event_type, event.type))
    .filter((r) => {
      const hosts = JSON.parse(r.filter_host_ids) as number[];
      return hosts.length === 0 || (event.host?.id != null && hosts.includes(event.host.id));
    })
    .filter((r) => {
      const severities = JSON.parse(r.filter_severities) as string[];
      return severities.length === 0 || severities.includes(event.severity);
    })
    .map((r) => ({ id: r.id, channelId: r.channel_id, throttleWindowSeconds: r.throttle_window_seconds }));
}
