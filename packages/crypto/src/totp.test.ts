import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { generateTotpSecret, totpUri, verifyTotp } from './totp.js';

// RFC 6238 appendix B: seeds, times and 8-digit codes per algorithm.
const SEEDS = { SHA1: '12345678901234567890', SHA256: '12345678901234567890123456789012', SHA512: '1234567890123456789012345678901234567890123456789012345678901234' } as const;
const VECTORS: readonly [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];
const rfcSecret = Secret.fromLatin1(SEEDS.SHA1).base32;

describe('TOTP', () => {
  it('reproduces the RFC 6238 test vectors for SHA-1, SHA-256 and SHA-512', () => {
    for (const [seconds, ...codes] of VECTORS) {
      (['SHA1', 'SHA256', 'SHA512'] as const).forEach((algorithm, i) => {
        const code = new TOTP({ secret: Secret.fromLatin1(SEEDS[algorithm]), algorithm, digits: 8, period: 30 }).generate({ timestamp: seconds * 1000 });
        expect(code, `${algorithm} at ${seconds}`).toBe(codes[i]);
      });
    }
  });

  it('accepts the RFC codes through verifyTotp (six digits are the last six of the eight)', () => {
    for (const [seconds, sha1] of VECTORS) {
      expect(verifyTotp({ secret: rfcSecret, code: sha1.slice(2), now: seconds * 1000 })).toEqual({ ok: true, step: Math.floor(seconds / 30) });
    }
  });

  it('accepts one step of drift either way, not two', () => {
    const now = 1_800_000_000_000;
    const codeAt = (ms: number) => new TOTP({ secret: Secret.fromBase32(rfcSecret), digits: 6 }).generate({ timestamp: ms });
    expect(verifyTotp({ secret: rfcSecret, code: codeAt(now - 30_000), now }).ok).toBe(true);
    expect(verifyTotp({ secret: rfcSecret, code: codeAt(now + 30_000), now }).ok).toBe(true);
    expect(verifyTotp({ secret: rfcSecret, code: codeAt(now - 60_000), now })).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyTotp({ secret: rfcSecret, code: 'abcdef', now })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('accepts a code once: the same step again is a replay', () => {
    const now = 1_800_000_000_000;
    const code = new TOTP({ secret: Secret.fromBase32(rfcSecret), digits: 6 }).generate({ timestamp: now });
    const first = verifyTotp({ secret: rfcSecret, code, now });
    expect(first.ok).toBe(true);
    const step = first.ok ? first.step : -1;
    expect(verifyTotp({ secret: rfcSecret, code, now: now + 5_000, lastAcceptedStep: step })).toEqual({ ok: false, reason: 'replayed' });
    const next = new TOTP({ secret: Secret.fromBase32(rfcSecret), digits: 6 }).generate({ timestamp: now + 30_000 });
    expect(verifyTotp({ secret: rfcSecret, code: next, now: now + 30_000, lastAcceptedStep: step })).toEqual({ ok: true, step: step + 1 });
  });

  it('makes 160-bit secrets and an otpauth URI for the QR code', () => {
    const secret = generateTotpSecret();
    expect(Buffer.from(Secret.fromBase32(secret).buffer)).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(secret);
    const uri = totpUri({ secret, issuer: 'Panoptes', account: 'ada@example.com' });
    expect(uri).toMatch(/^otpauth:\/\/totp\/Panoptes:ada%40example\.com\?/);
    expect(new URL(uri).searchParams.get('secret')).toBe(secret);
    expect(new URL(uri).searchParams.get('period')).toBe('30');
  });
});
