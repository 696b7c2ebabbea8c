import { randomBytes } from 'node:crypto';
import { NONCE_BYTES, TAG_BYTES, open, seal } from './aes-gcm.js';
import { CryptoError } from './errors.js';
import type { KeyRing } from './key-ring.js';

/** The version prefix of every encrypted value. */
export const CIPHERTEXT_PREFIX = 'pnx1:';
const FORMAT = /^pnx1:([0-9a-f]{12}):([A-Za-z0-9_-]+)$/;

/** True when a stored value is one of our ciphertexts (anything else is read as plaintext). */
export function isEncrypted(value: string): boolean {
  return value.startsWith(CIPHERTEXT_PREFIX);
}

/** The id of the key a ciphertext was made with. */
export function ciphertextKeyId(value: string): string {
  const match = FORMAT.exec(value);
  if (match === null) throw new CryptoError('CIPHERTEXT_MALFORMED', 'the value has the ciphertext prefix but not its format');
  return match[1]!;
}

/** Associated data: binds a value to its purpose (table, column, field or row). */
function associatedData(purpose: string): Buffer {
  if (purpose === '') throw new CryptoError('INVALID_ARGUMENT', 'an encryption purpose is required');
  return Buffer.from(`panoptes/v1|${purpose}`, 'utf8');
}

export interface FieldCipherOptions {
  /** Source of nonces; tests pass their own. */
  readonly random?: (n: number) => Buffer;
}

/**
 * Encrypts and decrypts text fields. Format: `pnx1:<key id>:<base64url(nonce | ciphertext | tag)>`,
 * with the purpose as associated data, so a value copied to another field does not decrypt.
 */
export class FieldCipher {
  readonly ring: KeyRing;
  readonly #random: (n: number) => Buffer;

  constructor(ring: KeyRing, options: FieldCipherOptions = {}) {
    this.ring = ring;
    this.#random = options.random ?? randomBytes;
  }

  /** Encrypts with the primary key under a fresh nonce. */
  encrypt(plaintext: string, purpose: string): string {
    const key = this.ring.primary;
    const nonce = this.#random(NONCE_BYTES);
    if (nonce.length !== NONCE_BYTES) throw new CryptoError('INVALID_ARGUMENT', `the nonce source returned ${nonce.length} bytes, not ${NONCE_BYTES}`);
    const { ciphertext, tag } = seal(key.bytes, nonce, Buffer.from(plaintext, 'utf8'), associatedData(purpose));
    return `${CIPHERTEXT_PREFIX}${key.id}:${Buffer.concat([nonce, ciphertext, tag]).toString('base64url')}`;
  }

  /**
   * Decrypts a ciphertext made for this purpose with any key of the ring; a value without the
   * prefix is returned as it is (plaintext). Altered, truncated, wrong-key and wrong-purpose values
   * throw a CryptoError, never garbage.
   */
  decrypt(value: string, purpose: string): string {
    if (!isEncrypted(value)) return value;
    const match = FORMAT.exec(value);
    if (match === null) throw new CryptoError('CIPHERTEXT_MALFORMED', 'the value has the ciphertext prefix but not its format');
    const key = this.ring.get(match[1]!);
    const raw = Buffer.from(match[2]!, 'base64url');
    if (raw.length < NONCE_BYTES + TAG_BYTES || raw.toString('base64url') !== match[2]) {
      throw new CryptoError('CIPHERTEXT_MALFORMED', 'the ciphertext is truncated or not canonical base64url', { keyId: key.id });
    }
    const nonce = raw.subarray(0, NONCE_BYTES);
    const tag = raw.subarray(raw.length - TAG_BYTES);
    const body = raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES);
    let plaintext: Buffer;
    try {
      plaintext = open(key.bytes, nonce, body, tag, associatedData(purpose));
    } catch {
      throw new CryptoError('DECRYPT_FAILED', `the value does not authenticate for ${purpose}: it was altered, or it belongs to another field`, {
        keyId: key.id,
        purpose,
      });
    }
    const text = new TextDecoder('utf-8', { fatal: true });
    try {
      return text.decode(plaintext);
    } catch {
      throw new CryptoError('DECRYPT_FAILED', 'the decrypted value is not UTF-8 text', { keyId: key.id, purpose });
    }
  }

  /** Whether a stored value should be re-encrypted: plaintext, or made with a key other than the primary. */
  needsRotation(value: string): boolean {
    return !isEncrypted(value) || ciphertextKeyId(value) !== this.ring.primary.id;
  }
}
