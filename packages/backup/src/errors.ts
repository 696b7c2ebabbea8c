import { PanoptesError } from '@panoptes/db-core';

export const BACKUP_ERROR_CODES = [
  'ARCHIVE_UNSAFE',
  'ARCHIVE_CORRUPT',
  'ARCHIVE_CHECKSUM',
  'ARCHIVE_NEWER_SCHEMA',
  'ARCHIVE_WRONG_KEY',
  'ARCHIVE_WRONG_DIALECT',
  'INVALID_BACKUP_NAME',
  'BACKUP_NOT_FOUND',
  'BACKUP_FAILED',
  'PG_TOOL_MISSING',
  'INVALID_SCHEDULE',
] as const;
export type BackupErrorCode = (typeof BACKUP_ERROR_CODES)[number];

export class BackupError extends PanoptesError {
  declare readonly code: BackupErrorCode;

  constructor(code: BackupErrorCode, message: string, options: ConstructorParameters<typeof PanoptesError>[2] = {}) {
    super(code, message, options);
  }
}
