import { PanoptesError, type Database } from '@panoptes/db-core';

/** Stores (or refreshes) a browser's push subscription for a user. */
export async function savePushSubscription(
  db: Database,
  userId: number,
  subscription: { readonly endpoint: string; readonly keys: { readonly p256dh: string; readonly auth: string } },
  userAgent: string | null = null,
): Promise<number> {
  let endpoint: URL;
  try {
    endpoint = new URL(subscription.endpoint);
  } catch {
    throw new PanoptesError('INVALID_SUBSCRIPTION', 'the push endpoint is not a URL');
  }
  if (endpoint.protocol !== 'https:' && endpoint.hostname !== '127.0.0.1' && endpoint.hostname !== 'localhost') {
    throw new PanoptesError('INVALID_SUBSCRIPTION', 'push endpoints must be https');
  }
  const key = (value: string, bytes: number, name: string) => {
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(value) || Buffer.from(value, 'base64url').length !== bytes) {
      throw new PanoptesError('INVALID_SUBSCRIPTION', `keys.${name} must be base64url of ${bytes} bytes`);
    }
  };
  key(subscription.keys.p256dh, 65, 'p256dh');
  key(subscription.keys.auth, 16, 'auth');
  const row = await db.write((tx) =>
    tx.db
      .insertInto('push_subscriptions')
      .values({ user_id: userId, endpoint: subscription.endpoint, p256dh_key: subscription.keys.p256dh, auth_key: subscription.keys.auth, user_agent: userAgent, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['user_id', 'endpoint']).doUpdateSet({ p256dh_key: subscription.keys.p256dh, auth_key: subscription.keys.auth, user_agent: userAgent }))
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  return row.id;
}
