import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldCipher, isEncrypted } from './field-cipher.js';
import { KeyRing } from './key-ring.js';
import { toMasterKey } from './master-key.js';
import { SecretConfig, UNCHANGED_SECRET } from './secret-config.js';

const cipher = new FieldCipher(new KeyRing([toMasterKey(Buffer.alloc(32, 9))]));
const email = new SecretConfig(cipher, 'notification_channels.config#email', ['password']);

describe('SecretConfig', () => {
  it('encrypts declared secret fields only, and decrypts them for use', () => {
    const stored = email.encrypt({ host: 'smtp.example', port: 587, password: 'p4ss' });
    expect(stored.host).toBe('smtp.example');
    expect(isEncrypted(String(stored.password))).toBe(true);
    expect(email.decrypt(stored)).toEqual({ host: 'smtp.example', port: 587, password: 'p4ss' });
  });

  it('redacts for display and keeps the stored secret when the placeholder comes back', () => {
    const stored = email.encrypt({ host: 'a', password: 'first' });
    const shown = email.redact(stored);
    expect(shown).toEqual({ host: 'a', password: UNCHANGED_SECRET });
    const updated = email.encrypt({ ...shown, host: 'b' }, stored);
    expect(updated.password).toBe(stored.password);
    expect(email.decrypt(updated)).toEqual({ host: 'b', password: 'first' });
    expect(() => email.encrypt({ password: UNCHANGED_SECRET })).toThrow(/no stored value/);
  });

  it('binds each secret to its config kind and field', () => {
    const stored = email.encrypt({ password: 'x' });
    const telegram = new SecretConfig(cipher, 'notification_channels.config#telegram', ['password']);
    expect(() => telegram.decrypt(stored)).toThrow(/does not authenticate/);
  });

  it('round-trips and redacts any config (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string(), { nil: undefined }), (host, password) => {
        const config = password === undefined ? { host } : { host, password };
        const stored = email.encrypt(config);
        expect(email.decrypt(stored)).toEqual(config);
        const shown = email.redact(stored);
        expect(JSON.stringify(shown)).not.toContain(String(stored.password ?? '\u0000'));
        if (password !== undefined) expect(email.decrypt(email.encrypt(shown, stored))).toEqual(config);
      }),
    );
  });
});
