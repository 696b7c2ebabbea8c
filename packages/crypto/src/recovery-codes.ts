import { randomBytes } from 'node:crypto';
import { constantTimeEqual, hashToken } from './tokens.js';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32: no i, l, o, u

/** Ten fresh codes like `k3f9q-2m7xd-8c4tz` (75 bits each): show them once. */
export function generateRecoveryCodes(random: (n: number) => Buffer = randomBytes): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = random(15);
    const chars = [...bytes].map((b) => ALPHABET[b & 31]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5, 10)}-${chars.slice(10, 15)}`;
  });
}

/** Case, spaces and dashes do not matter when a code is typed back. */
function normalise(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/** The hashes to store (inside the encrypted recovery data). */
export function hashRecoveryCodes(codes: readonly string[]): string[] {
  return codes.map((code) => hashToken(normalise(code)));
}

/**
 * Checks a typed code against the stored hashes. On success returns the hashes left (store them:
 * each code works once); on failure returns null. Every hash is compared, in constant time.
 */
export function consumeRecoveryCode(storedHashes: readonly string[], typed: string): string[] | null {
  const candidate = hashToken(normalise(typed));
  let match = -1;
  storedHashes.forEach((stored, i) => {
    if (constantTimeEqual(stored, candidate) && match === -1) match = i;
  });
  return match === -1 ? null : storedHashes.filter((_, i) => i !== match);
}
