import { randomBytes } from 'node:crypto';
import { DEFAULT_PROJECT_UUID, type Database } from '@panoptes/db-core';
import { FieldCipher, KeyRing, toMasterKey } from '@panoptes/crypto';
import { Notifier, type NotificationEvent, type NotifierOptions } from '../src/index.js';

export const cipher = new FieldCipher(new KeyRing([toMasterKey(randomBytes(32))]));
export const T0 = Date.UTC(2026, 10, 24, 12);

/** A notifier on a controllable clock, with short, deterministic backoff. */
export function makeNotifier(db: Database, clock: { now: number }, options: Partial<NotifierOptions> = {}): Notifier {
  return new Notifier({ db, cipher, clock: () => clock.now, random: () => 0.5, retry: { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 60_000 }, claimLeaseMs: 30_000, ...options });
}

export function event(overrides: Partial<NotificationEvent> = {}, clock?: { now: number }): NotificationEvent {
  return {
    type: 'waf.blocked',
    severity: 'critical',
    projectUuid: DEFAULT_PROJECT_UUID,
    host: { id: null, domain: 'shop.example' },
    payload: { message: 'SQL injection blocked', rule: 942100, client: '203.0.113.7' },
    time: clock?.now ?? T0,
    ...overrides,
  };
}

export async function deliveries(db: Database) {
  return db.read.selectFrom('notification_deliveries').selectAll().orderBy('id').execute();
}
