import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_BYTES = 32;
export const TOKEN_PREFIXES = { session: 'pns_', api: 'pna_' } as const;
export type TokenKind = keyof typeof TOKEN_PREFIXES;

/**
 * A new 256-bit random token, URL-safe, with a prefix that names its kind (so secret scanners and
 * humans can tell a session cookie from an API token). Show it once; store only `hashToken()`.
 */
export function generateToken(kind: TokenKind, random: (n: number) => Buffer = randomBytes): string {
  return `${TOKEN_PREFIXES[kind]}${random(TOKEN_BYTES).toString('base64url')}`;
}

/** SHA-256 of a token, hex: what the database stores and looks up. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two secrets in constant time (by their hashes, so lengths leak nothing either). */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
