import type { ColumnType, Generated } from 'kysely';
import type { ProjectUuid } from './identity.js';

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface TargetGroupsTable {
  id: Generated<number>;
  project_uuid: ProjectUuid;
  name: string;
  protocol: Defaulted<'http' | 'https'>;
  verify_tls: Defaulted<boolean>;
  algorithm: Defaulted<'round_robin' | 'least_conn' | 'ip_hash' | 'random'>;
  health_check_enabled: Defaulted<boolean>;
  health_check_path: Defaulted<string>;
  health_check_method: Defaulted<string>;
  health_check_expect_status: Defaulted<number>;
  health_check_interval_seconds: Defaulted<number>;
  health_check_timeout_seconds: Defaulted<number>;
  health_check_fails_to_unhealthy: Defaulted<number>;
  health_check_passes_to_healthy: Defaulted<number>;
  preserve_host: Defaulted<boolean>;
  created_at: number;
  updated_at: number;
}

export interface TargetsTable {
  id: Generated<number>;
  target_group_id: number;
  host: string;
  port: number;
  weight: Defaulted<number>;
  enabled: Defaulted<boolean>;
}

export interface HostsTable {
  id: Generated<number>;
  project_uuid: ProjectUuid;
  domain: string;
  target_group_id: number;
  tls_mode: Defaulted<'auto' | 'none'>;
  tls_email: string | null;
  enabled: Defaulted<boolean>;
  auth_required: Defaulted<boolean>;
  lan_only: Defaulted<boolean>;
  created_at: number;
  updated_at: number;
}

export const RULE_ACTIONS = ['forward', 'redirect', 'fixed_response', 'block', 'rewrite'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export interface RulesTable {
  id: Generated<number>;
  host_id: number;
  /** 1-50000 through the API; no CHECK so a reorder can park rows temporarily. */
  priority: number;
  name: string;
  enabled: Defaulted<boolean>;
  action_type: RuleAction;
  /** JSON object. */
  action_config: Defaulted<string>;
  /** JSON array of `{ type, config }`. */
  matchers_config: Defaulted<string>;
  created_at: number;
  updated_at: number;
}

export interface HostSecurityTable {
  host_id: number;
  waf_enabled: Defaulted<boolean>;
  waf_mode: Defaulted<'detect' | 'block'>;
  waf_paranoia: Defaulted<number>;
  waf_block_status: Defaulted<number>;
  waf_block_body: Defaulted<string>;
  rate_limit_enabled: Defaulted<boolean>;
  rate_limit_requests: Defaulted<number>;
  rate_limit_window_seconds: Defaulted<number>;
  rate_limit_key: Defaulted<'ip' | 'header' | 'global'>;
  rate_limit_header_name: string | null;
  rate_limit_status: Defaulted<number>;
  updated_at: number;
}

export interface WafExclusionsTable {
  id: Generated<number>;
  host_id: number;
  crs_rule_id: number;
  /** Empty means the exclusion applies to every path of the host. */
  path_pattern: Defaulted<string>;
  reason: Defaulted<string>;
  enabled: Defaulted<boolean>;
  created_at: number;
}

export interface WafCustomRulesTable {
  id: Generated<number>;
  host_id: number;
  name: string;
  secrule: string;
  enabled: Defaulted<boolean>;
  created_at: number;
  updated_at: number;
}

export interface CertStatusTable {
  domain: string;
  issuer: string | null;
  not_after: number | null;
  last_checked_at: number;
}
