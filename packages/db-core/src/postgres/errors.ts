import { ConstraintViolationError, type ConstraintKind } from '../errors.js';

const CODES: Readonly<Record<string, ConstraintKind>> = {
  '23505': 'unique',
  '23503': 'foreign_key',
  '23001': 'foreign_key', // restrict_violation
  '23514': 'check',
  '23502': 'not_null',
};

/** Maps Postgres constraint errors (SQLSTATE class 23) onto ConstraintViolationError. */
export function translatePostgresError(error: unknown): unknown {
  const e = error as { code?: unknown; constraint?: unknown; table?: unknown; message?: unknown } | null;
  if (typeof e?.code !== 'string') return error;
  const kind = CODES[e.code];
  if (kind === undefined) return error;
  return new ConstraintViolationError(kind, String(e.message), {
    cause: error,
    context: { driverCode: e.code, constraint: e.constraint, table: e.table },
  });
}
