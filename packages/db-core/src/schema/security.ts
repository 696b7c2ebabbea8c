import type { ColumnType, Generated } from 'kysely';
import type { ProjectUuid } from './identity.js';

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface AllowlistsTable {
  id: Generated<number>;
  project_uuid: ProjectUuid;
  /** `global` applies to every host of the project; `host` needs host_id. */
  scope: 'global' | 'host';
  host_id: number | null;
  kind: 'cidr' | 'path' | 'host';
  value: string;
  note: Defaulted<string>;
  created_at: number;
}

export const BASELINE_CATEGORIES = ['client_network', 'user_agent_family', 'path_prefix'] as const;
export type BaselineCategory = (typeof BASELINE_CATEGORIES)[number];

export interface BaselineFingerprintsTable {
  project_uuid: ProjectUuid;
  host_domain: string;
  category: BaselineCategory;
  value: string;
  first_seen_at: number;
  last_seen_at: number;
  occurrence_count: Defaulted<number>;
}

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface FindingsTable {
  id: Generated<number>;
  project_uuid: ProjectUuid;
  /** Deduplication key, unique per project. */
  finding_hash: string;
  detector: string;
  severity: Severity;
  title: string;
  description: Defaulted<string>;
  host_id: number | null;
  host_domain: string | null;
  remote_ip: string | null;
  /** JSON object with detector-specific details. */
  details: Defaulted<string>;
  /** JSON array of merged near-duplicate evidence, capped by the detector. */
  extra_evidence: Defaulted<string>;
  status: Defaulted<'open' | 'acknowledged' | 'resolved'>;
  occurrence_count: Defaulted<number>;
  first_seen_at: number;
  last_seen_at: number;
  notified_at: number | null;
}

/** Pins a log entry as a finding's evidence: the retention pruner never deletes it. */
export interface FindingEvidenceTable {
  finding_id: number;
  log_entry_id: number;
}
