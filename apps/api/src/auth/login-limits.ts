import { PanoptesError, type Database } from '@panoptes/db-core';

export const WINDOW_MS = 15 * 60_000;

/**
 * Refuses a login attempt (429 with Retry-After) when the address or the user name has too many
 * recent failures, counted from login_attempts (so a restart forgets nothing).
 */
export async function checkLoginLimits(db: Database, ip: string, username: string, now: number, limits: { perIp: number; perUser: number }): Promise<void> {
  const since = now - WINDOW_MS;
  const failures = async (column: 'remote_ip' | 'username', value: string) => {
    const row = await db.read
      .selectFrom('login_attempts')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('attempted_at').as('oldest')])
      .where(column, '=', value)
      .where('success', '=', false)
      .where('attempted_at', '>', since)
      .executeTakeFirstOrThrow();
    return { n: Number(row.n), oldest: Number(row.oldest ?? now) };
  };
  const [byIp, byUser] = await Promise.all([failures('remote_ip', ip), failures('username', username.toLowerCase())]);
  const blocked = byIp.n >= limits.perIp ? byIp : byUser.n >= limits.perUser ? byUser : null;
  if (blocked !== null) {
    const retryAfterSeconds = Math.max(1, Math.ceil((blocked.oldest + WINDOW_MS - now) / 1000));
    throw new PanoptesError('RATE_LIMITED', 'too many failed logins: try again later', { context: { retryAfterSeconds } });
  }
}

export async function recordLoginAttempt(db: Database, ip: string, username: string, success: boolean, now: number): Promise<void> {
  await db.write((tx) => tx.db.insertInto('login_attempts').values({ remote_ip: ip, username: username.toLowerCase(), success, attempted_at: now }).execute());
}

/** The same for the TOTP step, per user and address. */
export async function checkTotpLimits(db: Database, userId: number, now: number, limit = 5): Promise<void> {
  const row = await db.read
    .selectFrom('totp_attempts')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('attempted_at').as('oldest')])
    .where('user_id', '=', userId)
    .where('success', '=', false)
    .where('attempted_at', '>', now - WINDOW_MS)
    .executeTakeFirstOrThrow();
  if (Number(row.n) >= limit) {
    const retryAfterSeconds = Math.max(1, Math.ceil((Number(row.oldest ?? now) + WINDOW_MS - now) / 1000));
    throw new PanoptesError('RATE_LIMITED', 'too many wrong codes: try again later', { context: { retryAfterSeconds } });
  }
}
