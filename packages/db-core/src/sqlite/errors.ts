import { ConstraintViolationError, type ConstraintKind } from '../errors.js';

const CODES: Readonly<Record<string, ConstraintKind>> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
  SQLITE_CONSTRAINT_TRIGGER: 'foreign_key',
  SQLITE_CONSTRAINT_CHECK: 'check',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null',
};

/** Maps better-sqlite3's constraint errors onto ConstraintViolationError; others pass through. */
export function translateSqliteError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  const kind = CODES[code];
  if (kind === undefined) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ConstraintViolationError(kind, message, {
    cause: error,
    context: { driverCode: code, constraint: constraintName(message) },
  });
}

// "UNIQUE constraint failed: hosts.project_uuid, hosts.domain" -> "hosts.project_uuid, hosts.domain"
function constraintName(message: string): string | undefined {
  const match = /constraint failed: (.+)$/.exec(message);
  return match?.[1];
}
