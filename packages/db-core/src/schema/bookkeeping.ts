import type { Generated } from 'kysely';

export const BACKUP_KINDS = ['manual', 'scheduled', 'orphan'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

export interface BackupsTable {
  id: Generated<number>;
  filename: string;
  size_bytes: number;
  sha256: string;
  kind: BackupKind;
  trigger_user_id: number | null;
  note: string | null;
  created_at: number;
  verified_at: number | null;
}

export interface SchemaMigrationsTable {
  version: string;
  name: string;
  applied_at: number;
  checksum: string;
}
