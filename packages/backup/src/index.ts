export { BackupManager, RESTORE_MARKER, type BackupManagerOptions, type BackupRecord, type BackupRetention, type ReconcileReport, type VerifyReport } from './backup-manager.js';
export { applyPendingRestore, lastRestoreResult, RESTORE_DONE, RESTORE_FAILED, type RestoreOptions, type RestoreOutcome } from './restore.js';
export { BackupScheduler, parseSchedule, type BackupSchedule } from './scheduler.js';
export { BackupError, BACKUP_ERROR_CODES, type BackupErrorCode } from './errors.js';
export { ARCHIVE_FORMAT_VERSION, COUNTED_TABLES, parseMetadata, type ArchiveMetadata } from './metadata.js';
export { archivePath, ARCHIVE_NAME } from './files.js';
export { extractArchive, readArchiveMetadata } from './archive.js';
