import webpush from 'web-push';
import type { Database } from '@panoptes/db-core';
import { PURPOSES, type FieldCipher } from '@panoptes/crypto';
import type { VapidKeys } from './channels/push.js';

export const VAPID_SETTINGS = {
  publicKey: 'notifications.vapid_public_key',
  privateKey: 'notifications.vapid_private_key',
  subject: 'notifications.vapid_subject',
} as const;

/**
 * The VAPID key pair, created on first use and kept in settings (the private key encrypted, bound
 * to its setting). Concurrent first uses agree on one pair (insert-or-ignore, then read back).
 */
export async function ensureVapidKeys(db: Database, cipher: FieldCipher, options: { readonly subject?: string; readonly now?: number } = {}): Promise<VapidKeys> {
  const read = async () => {
    const rows = await db.read.selectFrom('settings').select(['key', 'value']).where('key', 'in', Object.values(VAPID_SETTINGS)).execute();
    return new Map(rows.map((r) => [r.key, JSON.parse(r.value) as string]));
  };
  let stored = await read();
  if (!stored.has(VAPID_SETTINGS.publicKey) || !stored.has(VAPID_SETTINGS.privateKey)) {
    const pair = webpush.generateVAPIDKeys();
    const now = options.now ?? Date.now();
    await db.write(async (tx) => {
      const values = [
        { key: VAPID_SETTINGS.publicKey, value: JSON.stringify(pair.publicKey), updated_at: now },
        { key: VAPID_SETTINGS.privateKey, value: JSON.stringify(cipher.encrypt(pair.privateKey, PURPOSES.setting(VAPID_SETTINGS.privateKey))), updated_at: now },
      ];
      // Both or neither: a pair half from another writer would not match.
      const existing = await tx.db.selectFrom('settings').select('key').where('key', 'in', [VAPID_SETTINGS.publicKey, VAPID_SETTINGS.privateKey]).execute();
      if (existing.length === 0) await tx.db.insertInto('settings').values(values).execute();
    });
    stored = await read();
  }
  return {
    publicKey: stored.get(VAPID_SETTINGS.publicKey)!,
    privateKey: cipher.decrypt(stored.get(VAPID_SETTINGS.privateKey)!, PURPOSES.setting(VAPID_SETTINGS.privateKey)),
    subject: stored.get(VAPID_SETTINGS.subject) ?? options.subject ?? 'mailto:admin@localhost',
  };
}
