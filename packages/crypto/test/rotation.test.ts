import { randomBytes } from 'node:crypto';
import type { Database } from '@panoptes/db-core';
import { describeEachDialect, rejectionOf } from '@panoptes/db-core/testing';
import { openMigrated } from '@panoptes/migrations/testing';
import { expect, it } from 'vitest';
import {
  FieldCipher,
  KeyRing,
  PURPOSES,
  SecretConfig,
  ciphertextKeyId,
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCodes,
  isEncrypted,
  rotateEncryptedFields,
  toMasterKey,
  type FieldRotationReport,
} from '../src/index.js';

const T = 1_800_000_000_000;
const USERS = 7;

interface Seeded {
  readonly plaintexts: string[];
  readonly userIds: number[];
}

/** Users with TOTP data, secret settings and channel configs, all encrypted with `cipher`. */
async function seed(db: Database, cipher: FieldCipher): Promise<Seeded> {
  const plaintexts: string[] = [];
  const userIds = await db.write(async (tx) => {
    const ids: number[] = [];
    for (let i = 0; i < USERS + 1; i += 1) {
      const { id } = await tx.db.insertInto('users').values({ username: `user${i}`, created_at: T, updated_at: T }).returning('id').executeTakeFirstOrThrow();
      const secret = generateTotpSecret();
      const recovery = JSON.stringify(hashRecoveryCodes(generateRecoveryCodes()));
      plaintexts.push(secret, recovery);
      // The last user predates encryption: a plaintext secret, which rotation encrypts.
      const storedSecret = i === USERS ? secret : cipher.encrypt(secret, PURPOSES.totpSecret(id));
      await tx.db
        .updateTable('users')
        .set({ totp_secret_encrypted: storedSecret, totp_recovery_codes_encrypted: cipher.encrypt(recovery, PURPOSES.recoveryCodes(id)), totp_enabled: true })
        .where('id', '=', id)
        .execute();
      ids.push(id);
    }
    const settings = { 'oidc.client_secret': 'oidc-secret-value', 'notifications.vapid_private_key': 'vapid-private-value' };
    for (const [key, value] of Object.entries(settings)) {
      plaintexts.push(value);
      await tx.db.insertInto('settings').values({ key, value: JSON.stringify(cipher.encrypt(value, PURPOSES.setting(key))), updated_at: T }).execute();
    }
    await tx.db.insertInto('settings').values({ key: 'logs.retention_days', value: '30', updated_at: T }).execute();
    const channels = [
      { type: 'email' as const, fields: ['password'], config: { host: 'smtp.example', password: 'smtp-password-value' } },
      { type: 'telegram' as const, fields: ['botToken'], config: { chatId: '42', botToken: 'telegram-token-value' } },
      { type: 'webhook' as const, fields: ['signingSecret'], config: { url: 'https://hooks.example/x' } },
    ];
    for (const [n, c] of channels.entries()) {
      plaintexts.push(...Object.values(c.config).filter((v) => v.endsWith('-value')));
      const stored = new SecretConfig(cipher, PURPOSES.channelConfig(c.type), c.fields).encrypt(c.config);
      await tx.db.insertInto('notification_channels').values({ name: `c${n}`, type: c.type, config: JSON.stringify(stored), created_at: T, updated_at: T }).execute();
    }
    return ids;
  });
  return { plaintexts, userIds };
}

/** Every value of an encrypted column (the legacy plaintext one too) with the purpose it decrypts under. */
async function encryptedValues(db: Database): Promise<{ value: string; purpose: string }[]> {
  const out: { value: string; purpose: string }[] = [];
  for (const u of await db.read.selectFrom('users').select(['id', 'totp_secret_encrypted', 'totp_recovery_codes_encrypted']).execute()) {
    out.push({ value: u.totp_secret_encrypted!, purpose: PURPOSES.totpSecret(u.id) }, { value: u.totp_recovery_codes_encrypted!, purpose: PURPOSES.recoveryCodes(u.id) });
  }
  for (const s of await db.read.selectFrom('settings').selectAll().execute()) {
    const value = JSON.parse(s.value) as unknown;
    if (typeof value === 'string') out.push({ value, purpose: PURPOSES.setting(s.key) });
  }
  for (const c of await db.read.selectFrom('notification_channels').select(['type', 'config']).execute()) {
    for (const [field, value] of Object.entries(JSON.parse(c.config) as Record<string, string>)) {
      if (isEncrypted(value)) out.push({ value, purpose: `${PURPOSES.channelConfig(c.type)}.${field}` });
    }
  }
  return out;
}

const summary = (fields: readonly FieldRotationReport[]) => Object.fromEntries(fields.map((f) => [f.name, f.rotated + f.encryptedPlaintext]));

describeEachDialect('key rotation', (fixture) => {
  const oldKey = toMasterKey(randomBytes(32));
  const newKey = toMasterKey(randomBytes(32));
  const oldCipher = new FieldCipher(new KeyRing([oldKey]));
  const rotating = new FieldCipher(new KeyRing([newKey, oldKey]));
  const newOnly = new FieldCipher(new KeyRing([newKey]));

  it('re-encrypts every encrypted column on the new key, after which the old key can go', async () => {
    const db = await openMigrated(fixture);
    await seed(db, oldCipher);
    const before = await encryptedValues(db);
    expect(before.filter((v) => !isEncrypted(v.value))).toHaveLength(1);
    const decryptedBefore = before.map((v) => oldCipher.decrypt(v.value, v.purpose)).sort();

    const report = await rotateEncryptedFields(db, rotating, { batchSize: 3 });
    expect(report.primaryKeyId).toBe(newKey.id);
    expect(summary(report.fields)).toEqual({
      'users.totp_secret_encrypted': USERS + 1,
      'users.totp_recovery_codes_encrypted': USERS + 1,
      'settings.value': 2,
      'notification_channels.config': 2,
    });
    expect(report.fields[0]).toMatchObject({ rotated: USERS, encryptedPlaintext: 1, conflicts: 0 });

    const after = await encryptedValues(db);
    for (const { value } of after) expect(ciphertextKeyId(value)).toBe(newKey.id);
    expect(after.map((v) => newOnly.decrypt(v.value, v.purpose)).sort()).toEqual(decryptedBefore);
    expect((await db.read.selectFrom('settings').select('value').where('key', '=', 'logs.retention_days').executeTakeFirstOrThrow()).value).toBe('30');

    const again = await rotateEncryptedFields(db, newOnly);
    expect(again.rotated).toBe(0);
  });

  it('resumes an interrupted rotation where it stopped', async () => {
    const db = await openMigrated(fixture);
    await seed(db, oldCipher);
    let batches = 0;
    const interrupted = await rejectionOf(
      rotateEncryptedFields(db, rotating, {
        batchSize: 2,
        onBatch: () => {
          batches += 1;
          if (batches === 2) throw new Error('power cut');
        },
      }),
    );
    expect(interrupted.message).toBe('power cut');
    const partly = await encryptedValues(db);
    const onNew = partly.filter((v) => isEncrypted(v.value) && ciphertextKeyId(v.value) === newKey.id).length;
    expect(onNew).toBeGreaterThan(0);
    expect(onNew).toBeLessThan(partly.length);

    const resumed = await rotateEncryptedFields(db, rotating, { batchSize: 2 });
    expect(resumed.rotated).toBe(partly.length - onNew);
    for (const { value, purpose } of await encryptedValues(db)) {
      expect(ciphertextKeyId(value)).toBe(newKey.id);
      expect(() => newOnly.decrypt(value, purpose)).not.toThrow();
    }
  });

  it('never puts a secret or a key in a log line or an error message', async () => {
    const db = await openMigrated(fixture);
    const { plaintexts } = await seed(db, oldCipher);
    const lines: string[] = [];
    const logger = { info: (context: Record<string, unknown>, message: string) => lines.push(JSON.stringify({ context, message })) };
    const failure = await rejectionOf(rotateEncryptedFields(db, newOnly, { logger }));
    expect(failure).toMatchObject({ code: 'UNKNOWN_KEY' });
    const copied = await rejectionOf(
      (async () => {
        const [first] = await encryptedValues(db);
        oldCipher.decrypt(first!.value, PURPOSES.setting('elsewhere'));
      })(),
    );
    expect(copied).toMatchObject({ code: 'DECRYPT_FAILED' });
    await rotateEncryptedFields(db, rotating, { logger, batchSize: 4 });
    expect(lines.length).toBeGreaterThan(0);
    const everything = [...lines, failure.message, JSON.stringify(failure.context), copied.message, JSON.stringify(copied.context)].join('\n');
    const forbidden = [...plaintexts, ...[oldKey, newKey].flatMap((k) => [k.bytes.toString('base64'), k.bytes.toString('hex')])];
    for (const secret of forbidden) expect(everything).not.toContain(secret);
  });
});
