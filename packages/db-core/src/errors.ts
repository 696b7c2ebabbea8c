const BRAND = Symbol.for('panoptes.error');

export interface PanoptesErrorOptions {
  readonly retryable?: boolean;
  readonly context?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/**
 * The one error base class: a stable `code` for callers and the API's status mapping, whether a
 * retry can help, and context that is safe to log (never secrets).
 */
export class PanoptesError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: PanoptesErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = options.context ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for a PanoptesError, also one created by another copy of this package. */
export function isPanoptesError(error: unknown): error is PanoptesError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

export const CONSTRAINT_KINDS = ['unique', 'foreign_key', 'check', 'not_null'] as const;
export type ConstraintKind = (typeof CONSTRAINT_KINDS)[number];

/** A write broke a constraint; the same type whatever the driver's own error code. */
export class ConstraintViolationError extends PanoptesError {
  readonly kind: ConstraintKind;

  constructor(kind: ConstraintKind, message: string, options: PanoptesErrorOptions = {}) {
    super(`CONSTRAINT_${kind.toUpperCase()}`, message, options);
    this.kind = kind;
  }
}

/** The database is held by another writer, is read-only, or cannot be opened. */
export class DatabaseUnavailableError extends PanoptesError {}

/** A misuse of the write path that would deadlock or corrupt a transaction. */
export class WritePathError extends PanoptesError {}
