import { BackupError } from './errors.js';

export const ARCHIVE_FORMAT_VERSION = 1;
export const METADATA_ENTRY = 'metadata.json';
export const DATABASE_ENTRIES = { sqlite: 'panoptes.db', postgres: 'panoptes.pgdump' } as const;

/** What `metadata.json` in every archive says. */
export interface ArchiveMetadata {
  readonly format_version: number;
  readonly app_version: string;
  /** The newest applied migration of the database in the archive. */
  readonly schema_version: string | null;
  readonly dialect: 'sqlite' | 'postgres';
  readonly created_at: number;
  readonly kind: 'manual' | 'scheduled' | 'upload';
  readonly database_sha256: string;
  readonly master_key_fingerprint: string;
  readonly row_counts: Readonly<Record<string, number>>;
}

/** Tables whose row counts the metadata records. */
export const COUNTED_TABLES = ['projects', 'users', 'hosts', 'log_entries', 'findings', 'notification_channels', 'notification_deliveries', 'settings'] as const;

/** Reads and checks metadata.json; anything unexpected is ARCHIVE_CORRUPT. */
export function parseMetadata(text: string): ArchiveMetadata {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BackupError('ARCHIVE_CORRUPT', 'metadata.json is not JSON');
  }
  const m = value as Record<string, unknown>;
  const fail = (field: string): never => {
    throw new BackupError('ARCHIVE_CORRUPT', `metadata.json: ${field} is missing or invalid`);
  };
  if (typeof m !== 'object' || m === null) fail('the document');
  if (m.format_version !== ARCHIVE_FORMAT_VERSION) {
    throw new BackupError('ARCHIVE_CORRUPT', `metadata.json: format version ${String(m.format_version)} is not supported (this Panoptes reads ${ARCHIVE_FORMAT_VERSION})`);
  }
  if (typeof m.app_version !== 'string') fail('app_version');
  if (m.schema_version !== null && typeof m.schema_version !== 'string') fail('schema_version');
  if (m.dialect !== 'sqlite' && m.dialect !== 'postgres') fail('dialect');
  if (typeof m.created_at !== 'number') fail('created_at');
  if (m.kind !== 'manual' && m.kind !== 'scheduled' && m.kind !== 'upload') fail('kind');
  if (typeof m.database_sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.database_sha256)) fail('database_sha256');
  if (typeof m.master_key_fingerprint !== 'string') fail('master_key_fingerprint');
  if (typeof m.row_counts !== 'object' || m.row_counts === null) fail('row_counts');
  return m as unknown as ArchiveMetadata;
}
