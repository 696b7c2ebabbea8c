import type { ColumnType, Generated } from 'kysely';

/** Project uuid: defaults to the default project when a write is not scoped. */
export type ProjectUuid = ColumnType<string, string | undefined, string>;

export const USER_ROLES = ['admin', 'viewer'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface ProjectsTable {
  uuid: string;
  name: string;
  /** JSON array of e-mail addresses allowed in this project. */
  allowed_emails: ColumnType<string, string | undefined, string>;
  /** JSON array of e-mail domains allowed in this project. */
  allowed_domains: ColumnType<string, string | undefined, string>;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  /** Null for accounts that only sign in through OIDC. */
  password_hash: string | null;
  email: string | null;
  display_name: string | null;
  role: ColumnType<UserRole, UserRole | undefined, UserRole>;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  external_provider: string | null;
  external_id: string | null;
  created_via: ColumnType<'local' | 'oidc', 'local' | 'oidc' | undefined, 'local' | 'oidc'>;
  totp_secret_encrypted: string | null;
  totp_enabled: ColumnType<boolean, boolean | undefined, boolean>;
  totp_enabled_at: number | null;
  totp_recovery_codes_encrypted: string | null;
  /** Last accepted TOTP time step, so a code is accepted once. */
  totp_last_step: number | null;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

export interface SessionsTable {
  id: Generated<number>;
  user_id: number;
  /** Hash of the session token; the token itself is never stored. */
  token_hash: string;
  remote_ip: string | null;
  user_agent: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  remote_ip: string;
  username: string;
  success: boolean;
  attempted_at: number;
}

export interface TotpAttemptsTable {
  id: Generated<number>;
  user_id: number;
  remote_ip: string;
  success: boolean;
  attempted_at: number;
}

export interface ApiTokensTable {
  id: Generated<number>;
  project_uuid: ProjectUuid;
  name: string;
  token_hash: string;
  created_by_user_id: number | null;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}
