/**
 * Errors of this package. @panoptes/crypto imports no workspace package, so instead of extending
 * db-core's PanoptesError it carries the same shape and brand: `isPanoptesError()` recognises it.
 */
export const CRYPTO_ERROR_CODES = [
  'INVALID_MASTER_KEY',
  'KEY_FILE_UNREADABLE',
  'CIPHERTEXT_MALFORMED',
  'UNKNOWN_KEY',
  'DECRYPT_FAILED',
  'INVALID_WEBHOOK_SECRET',
  'INVALID_ARGUMENT',
] as const;
export type CryptoErrorCode = (typeof CRYPTO_ERROR_CODES)[number];

const BRAND = Symbol.for('panoptes.error');

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;
  readonly retryable = false;
  readonly context: Readonly<Record<string, unknown>>;

  /** Messages and context never carry key material or plaintext. */
  constructor(code: CryptoErrorCode, message: string, context: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = 'CryptoError';
    this.code = code;
    this.context = context;
    Object.defineProperty(this, BRAND, { value: true });
  }
}
