import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, OWASP_ARGON2ID, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes with argon2id at OWASP parameters and verifies', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(stored, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(stored, 'Correct horse battery staple')).toBe(false);
    expect(await hashPassword('correct horse battery staple')).not.toBe(stored);
  });

  it('asks for a rehash when the parameters change, and treats a malformed hash as a mismatch', async () => {
    const cheap = await hashPassword('pw', { memoryCost: 8192, timeCost: 1, parallelism: 1 });
    expect(needsRehash(cheap)).toBe(true);
    expect(needsRehash(await hashPassword('pw'))).toBe(false);
    expect(needsRehash(await hashPassword('pw'), { ...OWASP_ARGON2ID, timeCost: 3 })).toBe(true);
    expect(await verifyPassword('$argon2id$garbage', 'pw')).toBe(false);
    expect(needsRehash('not a hash')).toBe(true);
  });

  it('refuses absurdly long passwords before hashing them', async () => {
    await expect(hashPassword('x'.repeat(2000))).rejects.toThrow(/limited to 1024 bytes/);
    expect(await verifyPassword(await hashPassword('pw'), 'x'.repeat(2000))).toBe(false);
  });
});
