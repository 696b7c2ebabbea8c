import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoError } from './errors.js';
import { CIPHERTEXT_PREFIX, FieldCipher, ciphertextKeyId, isEncrypted } from './field-cipher.js';
import { KeyRing } from './key-ring.js';
import { toMasterKey } from './master-key.js';

const keyA = toMasterKey(Buffer.alloc(32, 1));
const keyB = toMasterKey(Buffer.alloc(32, 2));
const cipher = new FieldCipher(new KeyRing([keyA]));
const GRAMMAR = /^pnx1:[0-9a-f]{12}:[A-Za-z0-9_-]+$/;

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof CryptoError) return error.code;
    throw error;
  }
  return undefined;
};

describe('FieldCipher', () => {
  it('writes the documented format with the key id and a fresh nonce every time', () => {
    const a = cipher.encrypt('hunter2', 'users.totp_secret_encrypted#1');
    const b = cipher.encrypt('hunter2', 'users.totp_secret_encrypted#1');
    expect(a).toMatch(GRAMMAR);
    expect(a).not.toBe(b);
    expect(ciphertextKeyId(a)).toBe(keyA.id);
    // 12-byte nonce + 7-byte body + 16-byte tag.
    expect(Buffer.from(a.split(':')[2]!, 'base64url')).toHaveLength(12 + 7 + 16);
  });

  it('uses the injected nonce source', () => {
    const fixed = new FieldCipher(new KeyRing([keyA]), { random: (n) => Buffer.alloc(n, 7) });
    expect(fixed.encrypt('x', 'p')).toBe(fixed.encrypt('x', 'p'));
  });

  it('reads values without the prefix as plaintext', () => {
    expect(isEncrypted('plain secret')).toBe(false);
    expect(cipher.decrypt('plain secret', 'any')).toBe('plain secret');
  });

  it('refuses tampered, truncated, wrong-purpose, wrong-key and unknown-key values with a typed error', () => {
    const value = cipher.encrypt('s3cret', 'settings.value#oidc.client_secret');
    const body = value.slice(value.lastIndexOf(':') + 1);
    const raw = Buffer.from(body, 'base64url');
    raw[14]! ^= 1;
    expect(codeOf(() => cipher.decrypt(`${CIPHERTEXT_PREFIX}${keyA.id}:${raw.toString('base64url')}`, 'settings.value#oidc.client_secret'))).toBe('DECRYPT_FAILED');
    const shorter = Buffer.from(body, 'base64url').subarray(0, -1).toString('base64url');
    expect(codeOf(() => cipher.decrypt(`${CIPHERTEXT_PREFIX}${keyA.id}:${shorter}`, 'settings.value#oidc.client_secret'))).toBe('DECRYPT_FAILED');
    expect(['DECRYPT_FAILED', 'CIPHERTEXT_MALFORMED']).toContain(codeOf(() => cipher.decrypt(value.slice(0, -10), 'settings.value#oidc.client_secret')));
    expect(codeOf(() => cipher.decrypt(value.slice(0, 30), 'settings.value#oidc.client_secret'))).toBe('CIPHERTEXT_MALFORMED');
    expect(codeOf(() => cipher.decrypt(`${value}!`, 'settings.value#oidc.client_secret'))).toBe('CIPHERTEXT_MALFORMED');
    expect(codeOf(() => cipher.decrypt(value, 'settings.value#notifications.vapid_private_key'))).toBe('DECRYPT_FAILED');
    const otherRingSameId = new FieldCipher(new KeyRing([keyB]));
    expect(codeOf(() => otherRingSameId.decrypt(value, 'settings.value#oidc.client_secret'))).toBe('UNKNOWN_KEY');
    const forged = value.replace(keyA.id, keyB.id);
    expect(codeOf(() => new FieldCipher(new KeyRing([keyA, keyB])).decrypt(forged, 'settings.value#oidc.client_secret'))).toBe('DECRYPT_FAILED');
  });

  it('decrypts with any key of the ring and encrypts with the primary', () => {
    const old = cipher.encrypt('v', 'p');
    const ring = new FieldCipher(new KeyRing([keyB, keyA]));
    expect(ring.decrypt(old, 'p')).toBe('v');
    expect(ring.needsRotation(old)).toBe(true);
    const fresh = ring.encrypt('v', 'p');
    expect(ciphertextKeyId(fresh)).toBe(keyB.id);
    expect(ring.needsRotation(fresh)).toBe(false);
  });

  it('round-trips any text for any purpose (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ minLength: 1, maxLength: 40 }), (text, purpose) => {
        const value = cipher.encrypt(text, purpose);
        expect(value).toMatch(GRAMMAR);
        expect(cipher.decrypt(value, purpose)).toBe(text);
      }),
    );
  });

  it('never returns garbage for a value with one byte changed (property)', () => {
    const value = cipher.encrypt('the secret', 'p');
    const raw = Buffer.from(value.slice(value.lastIndexOf(':') + 1), 'base64url');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: raw.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const altered = Buffer.from(raw);
        altered[at]! ^= flip;
        expect(codeOf(() => cipher.decrypt(`${CIPHERTEXT_PREFIX}${keyA.id}:${altered.toString('base64url')}`, 'p'))).toBe('DECRYPT_FAILED');
      }),
    );
  });
});
