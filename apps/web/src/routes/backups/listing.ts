/** What GET /api/backups answers (rows of the `backups` table, newest first, and the restore state). */
export interface Backup {
  readonly filename: string;
  readonly size_bytes: number;
  /** `manual` (also uploads), `scheduled`, or `orphan` (an archive found in the folder without a row). */
  readonly kind: string;
  readonly note: string | null;
  readonly created_at: number;
  /** When the last verification passed (a failed one is not recorded). */
  readonly verified_at: number | null;
}

/** `.restore_done` / `.restore_failed` as the backup package writes them at start. */
export interface RestoreResult {
  readonly status?: string;
  readonly archive?: string | null;
  readonly previous?: string | null;
  readonly reason?: string;
  readonly at?: number;
}

export interface Listing {
  readonly backups: Backup[];
  readonly lastRestore: RestoreResult | null;
  /** The archive a restore is scheduled from (applied at the next start), if any. */
  readonly pendingRestore: string | null;
}

/** The answer of POST /api/backups/:file/verify. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly reason?: string;
}

/** The kind to show: uploads are stored as manual backups but their file name says `upload`. */
export function kindLabel(b: Backup): string {
  if (b.kind === 'manual' && /-upload-[a-z0-9]{6}\.tar\.gz$/.test(b.filename)) return 'uploaded';
  if (b.kind === 'orphan') return 'adopted';
  return b.kind;
}

export const backupPath = (b: Backup, action = '') => `/api/backups/${encodeURIComponent(b.filename)}${action}`;
