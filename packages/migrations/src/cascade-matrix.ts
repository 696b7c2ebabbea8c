import { PROJECT_SCOPED_TABLES, type OnDelete } from '@panoptes/db-core';

export interface CascadeRule {
  readonly child: string;
  readonly column: string;
  readonly parent: string;
  readonly onDelete: OnDelete;
}

/**
 * Every foreign key of the schema and what deleting its parent does. The first fifteen rows are the
 * reference's matrix; the rest are ours (the project spine and the tables the reference lacks).
 * Configuration rows CASCADE; history and audit rows SET NULL; pinned evidence refuses (NO ACTION).
 */
export const CASCADE_MATRIX: readonly CascadeRule[] = [
  { child: 'sessions', column: 'user_id', parent: 'users', onDelete: 'cascade' },
  { child: 'hosts', column: 'target_group_id', parent: 'target_groups', onDelete: 'restrict' },
  { child: 'targets', column: 'target_group_id', parent: 'target_groups', onDelete: 'cascade' },
  { child: 'rules', column: 'host_id', parent: 'hosts', onDelete: 'cascade' },
  { child: 'host_security', column: 'host_id', parent: 'hosts', onDelete: 'cascade' },
  { child: 'waf_exclusions', column: 'host_id', parent: 'hosts', onDelete: 'cascade' },
  { child: 'waf_custom_rules', column: 'host_id', parent: 'hosts', onDelete: 'cascade' },
  { child: 'log_entries', column: 'host_id', parent: 'hosts', onDelete: 'set null' },
  { child: 'log_entries', column: 'rule_id', parent: 'rules', onDelete: 'set null' },
  { child: 'notification_rules', column: 'channel_id', parent: 'notification_channels', onDelete: 'cascade' },
  { child: 'notification_deliveries', column: 'rule_id', parent: 'notification_rules', onDelete: 'set null' },
  { child: 'notification_deliveries', column: 'channel_id', parent: 'notification_channels', onDelete: 'set null' },
  { child: 'push_subscriptions', column: 'user_id', parent: 'users', onDelete: 'cascade' },
  { child: 'backups', column: 'trigger_user_id', parent: 'users', onDelete: 'set null' },
  { child: 'totp_attempts', column: 'user_id', parent: 'users', onDelete: 'cascade' },
  // Beyond the reference.
  { child: 'api_tokens', column: 'created_by_user_id', parent: 'users', onDelete: 'set null' },
  { child: 'allowlists', column: 'host_id', parent: 'hosts', onDelete: 'cascade' },
  { child: 'findings', column: 'host_id', parent: 'hosts', onDelete: 'set null' },
  { child: 'finding_evidence', column: 'finding_id', parent: 'findings', onDelete: 'cascade' },
  { child: 'finding_evidence', column: 'log_entry_id', parent: 'log_entries', onDelete: 'no action' },
  { child: 'log_block_filters', column: 'block_id', parent: 'log_raw_blocks', onDelete: 'cascade' },
  { child: 'ingest_rejects', column: 'ingest_source_id', parent: 'ingest_sources', onDelete: 'set null' },
  ...PROJECT_SCOPED_TABLES.map((child) => ({ child, column: 'project_uuid', parent: 'projects', onDelete: 'cascade' as const })),
];
