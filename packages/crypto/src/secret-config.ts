import { CryptoError } from './errors.js';
import type { FieldCipher } from './field-cipher.js';

/** What a write-only secret field shows, and what a client sends back to mean "unchanged". */
export const UNCHANGED_SECRET = '__unchanged__';

type Config = Readonly<Record<string, unknown>>;

/**
 * A JSON config with declared secret fields (a notification channel's password, a bot token):
 * encrypt on write, decrypt for use, redact for display. Each field's purpose is
 * `<purpose>.<field>`, so a secret cannot be moved to another field or config kind.
 */
export class SecretConfig {
  readonly #cipher: FieldCipher;
  readonly #purpose: string;
  readonly #fields: readonly string[];

  constructor(cipher: FieldCipher, purpose: string, secretFields: readonly string[]) {
    this.#cipher = cipher;
    this.#purpose = purpose;
    this.#fields = secretFields;
  }

  /**
   * The config to store: secret fields encrypted. A field sent as UNCHANGED_SECRET keeps the value
   * stored in `previous` (write-only semantics); with no previous value that is an error.
   */
  encrypt(config: Config, previous?: Config): Record<string, unknown> {
    const out: Record<string, unknown> = { ...config };
    for (const field of this.#fields) {
      const value = config[field];
      if (value === undefined || value === null) continue;
      if (value === UNCHANGED_SECRET) {
        const kept = previous?.[field];
        if (typeof kept !== 'string') throw new CryptoError('INVALID_ARGUMENT', `${field} was sent as unchanged, but there is no stored value to keep`, { field });
        out[field] = kept;
        continue;
      }
      if (typeof value !== 'string') throw new CryptoError('INVALID_ARGUMENT', `secret field ${field} must be a string`, { field });
      out[field] = this.#cipher.encrypt(value, `${this.#purpose}.${field}`);
    }
    return out;
  }

  /** The config for use, secret fields in clear. */
  decrypt(stored: Config): Record<string, unknown> {
    const out: Record<string, unknown> = { ...stored };
    for (const field of this.#fields) {
      const value = stored[field];
      if (typeof value === 'string') out[field] = this.#cipher.decrypt(value, `${this.#purpose}.${field}`);
    }
    return out;
  }

  /** The config for display: every set secret field replaced by UNCHANGED_SECRET. */
  redact(config: Config): Record<string, unknown> {
    const out: Record<string, unknown> = { ...config };
    for (const field of this.#fields) if (config[field] !== undefined && config[field] !== null) out[field] = UNCHANGED_SECRET;
    return out;
  }
}
