import type { ColumnType, Generated } from 'kysely';
import type { ProjectUuid } from './identity.js';
import type { Severity } from './security.js';

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export const CHANNEL_TYPES = ['webhook', 'email', 'telegram', 'browser_push'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'throttled', 'rate_limited'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface NotificationChannelsTable {
  id: Generated<number>;
  project_uuid: ProjectUuid;
  name: string;
  type: ChannelType;
  enabled: Defaulted<boolean>;
  /** JSON object; secret fields encrypted. */
  config: string;
  template: string | null;
  rate_limit_per_minute: number | null;
  created_at: number;
  updated_at: number;
}

export interface NotificationRulesTable {
  id: Generated<number>;
  project_uuid: ProjectUuid;
  name: string;
  channel_id: number;
  /** Exact type or a `prefix.*` wildcard. */
  event_type: string;
  /** JSON array of host ids; empty means every host. */
  filter_host_ids: Defaulted<string>;
  /** JSON array of severities; empty means every severity. */
  filter_severities: Defaulted<string>;
  throttle_window_seconds: Defaulted<number>;
  enabled: Defaulted<boolean>;
  created_at: number;
  updated_at: number;
}

export interface NotificationDeliveriesTable {
  id: Generated<number>;
  project_uuid: ProjectUuid;
  rule_id: number | null;
  channel_id: number | null;
  event_type: string;
  severity: Severity;
  host_domain: string | null;
  /** JSON of the event. */
  event_payload: string;
  /** What was sent, secrets redacted. */
  rendered_payload: string | null;
  status: DeliveryStatus;
  error_message: string | null;
  attempts: Defaulted<number>;
  next_attempt_at: number | null;
  suppressed_count: Defaulted<number>;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

export interface PushSubscriptionsTable {
  id: Generated<number>;
  user_id: number;
  endpoint: string;
  p256dh_key: string;
  auth_key: string;
  user_agent: string | null;
  created_at: number;
}
