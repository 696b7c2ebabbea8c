import type { BackupsTable, SchemaMigrationsTable } from './bookkeeping.js';
import type {
  ApiTokensTable,
  LoginAttemptsTable,
  ProjectsTable,
  SessionsTable,
  TotpAttemptsTable,
  UsersTable,
} from './identity.js';
import type {
  IngestRejectsTable,
  IngestSourcesTable,
  LogEntriesTable,
  LogRawBlocksTable,
  LogBlockFiltersTable,
  LogFacetRollupWatermarkTable,
  LogFacetRollupsHourTable,
  LogRollupsMinuteTable,
  LogRollupsMinuteTotalTable,
  SettingsTable,
} from './observability.js';
import type {
  NotificationChannelsTable,
  NotificationDeliveriesTable,
  NotificationRulesTable,
  PushSubscriptionsTable,
} from './notifications.js';
import type {
  CertStatusTable,
  HostSecurityTable,
  HostsTable,
  RulesTable,
  TargetGroupsTable,
  TargetsTable,
  WafCustomRulesTable,
  WafExclusionsTable,
} from './proxy.js';
import type {
  AllowlistsTable,
  BaselineFingerprintsTable,
  FindingEvidenceTable,
  FindingsTable,
} from './security.js';

export * from './bookkeeping.js';
export * from './identity.js';
export * from './notifications.js';
export * from './observability.js';
export * from './proxy.js';
export * from './security.js';

/** The whole Panoptes schema, as created by @panoptes/migrations, on both dialects. */
export interface Schema {
  projects: ProjectsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  totp_attempts: TotpAttemptsTable;
  api_tokens: ApiTokensTable;
  target_groups: TargetGroupsTable;
  targets: TargetsTable;
  hosts: HostsTable;
  rules: RulesTable;
  host_security: HostSecurityTable;
  waf_exclusions: WafExclusionsTable;
  waf_custom_rules: WafCustomRulesTable;
  cert_status: CertStatusTable;
  allowlists: AllowlistsTable;
  baseline_fingerprints: BaselineFingerprintsTable;
  findings: FindingsTable;
  finding_evidence: FindingEvidenceTable;
  log_entries: LogEntriesTable;
  log_raw_blocks: LogRawBlocksTable;
  log_block_filters: LogBlockFiltersTable;
  log_rollups_minute: LogRollupsMinuteTable;
  log_rollups_minute_total: LogRollupsMinuteTotalTable;
  log_facet_rollups_hour: LogFacetRollupsHourTable;
  log_facet_rollup_watermark: LogFacetRollupWatermarkTable;
  ingest_sources: IngestSourcesTable;
  ingest_rejects: IngestRejectsTable;
  settings: SettingsTable;
  notification_channels: NotificationChannelsTable;
  notification_rules: NotificationRulesTable;
  notification_deliveries: NotificationDeliveriesTable;
  push_subscriptions: PushSubscriptionsTable;
  backups: BackupsTable;
  schema_migrations: SchemaMigrationsTable;
}

export type TableName = keyof Schema;

/** The default project every install has, and the project of unscoped writes. */
export const DEFAULT_PROJECT_UUID = '00000000-0000-0000-0000-000000000001';

/** Tables with a `project_uuid` column: filtered on every scoped read, stamped on every scoped write. */
export const PROJECT_SCOPED_TABLES = [
  'api_tokens',
  'target_groups',
  'hosts',
  'allowlists',
  'baseline_fingerprints',
  'findings',
  'log_entries',
  'log_rollups_minute',
  'log_rollups_minute_total',
  'log_facet_rollups_hour',
  'ingest_sources',
  'ingest_rejects',
  'notification_channels',
  'notification_rules',
  'notification_deliveries',
] as const satisfies readonly TableName[];
export type ProjectScopedTable = (typeof PROJECT_SCOPED_TABLES)[number];

/**
 * Column names that hold booleans (BOOLEAN on Postgres, INTEGER 0/1 with a CHECK on SQLite). A name
 * here means a boolean in every table that has it; the catalog tests hold both lists to that.
 */
export const BOOLEAN_COLUMNS = [
  'auth_required',
  'disabled',
  'enabled',
  'health_check_enabled',
  'lan_only',
  'preserve_host',
  'rate_limit_enabled',
  'success',
  'totp_enabled',
  'verify_tls',
  'waf_blocked',
  'waf_enabled',
] as const;
