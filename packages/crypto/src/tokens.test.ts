import { describe, expect, it } from 'vitest';
import { consumeRecoveryCode, generateRecoveryCodes, hashRecoveryCodes } from './recovery-codes.js';
import { constantTimeEqual, generateToken, hashToken } from './tokens.js';

describe('tokens', () => {
  it('are 256-bit, URL-safe, prefixed by kind, and stored only as a hash', () => {
    const token = generateToken('session');
    expect(token).toMatch(/^pns_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    expect(generateToken('api')).toMatch(/^pna_/);
    expect(generateToken('session')).not.toBe(token);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token.slice(4));
    expect(constantTimeEqual(token, token)).toBe(true);
    expect(constantTimeEqual(token, `${token}x`)).toBe(false);
  });
});

describe('recovery codes', () => {
  it('are ten distinct codes, each usable once, typed in any case with or without dashes', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    const stored = hashRecoveryCodes(codes);
    expect(stored.join()).not.toContain(codes[0]);
    const left = consumeRecoveryCode(stored, ` ${codes[3]!.toUpperCase().replace(/-/g, '')} `);
    expect(left).toHaveLength(9);
    expect(consumeRecoveryCode(left!, codes[3]!)).toBeNull();
    expect(consumeRecoveryCode(left!, 'aaaaa-bbbbb-ccccc')).toBeNull();
    expect(consumeRecoveryCode(left!, codes[0]!)).toHaveLength(8);
  });
});
