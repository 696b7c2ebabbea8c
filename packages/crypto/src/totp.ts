import { Secret, TOTP } from 'otpauth';
import { CryptoError } from './errors.js';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;

/** A fresh 160-bit TOTP secret, base32 (what authenticator apps expect). */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/...` URI an authenticator app reads from the QR code. */
export function totpUri(options: { readonly secret: string; readonly issuer: string; readonly account: string }): string {
  return new TOTP({
    issuer: options.issuer,
    label: options.account,
    secret: Secret.fromBase32(options.secret),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

export type TotpResult =
  | { readonly ok: true; /** Store it: a later code must be of a later step. */ readonly step: number }
  | { readonly ok: false; readonly reason: 'invalid' | 'replayed' };

export interface VerifyTotpOptions {
  readonly secret: string;
  readonly code: string;
  /** Epoch milliseconds. */
  readonly now: number;
  /** The step of the last code this user had accepted, if any. */
  readonly lastAcceptedStep?: number | null;
  readonly window?: number;
}

/**
 * RFC 6238 verification with +-1 step of clock drift and replay protection: a code is accepted
 * only for a time step later than the last accepted one, so each code works once.
 */
export function verifyTotp(options: VerifyTotpOptions): TotpResult {
  const code = options.code.replace(/\s+/g, '');
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) return { ok: false, reason: 'invalid' };
  let secret: Secret;
  try {
    secret = Secret.fromBase32(options.secret);
  } catch {
    throw new CryptoError('INVALID_ARGUMENT', 'the stored TOTP secret is not base32');
  }
  const totp = new TOTP({ secret, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS });
  const delta = totp.validate({ token: code, timestamp: options.now, window: options.window ?? 1 });
  if (delta === null) return { ok: false, reason: 'invalid' };
  const step = Math.floor(options.now / 1000 / TOTP_PERIOD_SECONDS) + delta;
  if (options.lastAcceptedStep != null && step <= options.lastAcceptedStep) return { ok: false, reason: 'replayed' };
  return { ok: true, step };
}
