import { createHmac } from 'node:crypto';
import type { Database, UsersTable } from '@panoptes/db-core';
import { generateToken, hashToken } from '@panoptes/crypto';
import type { Selectable } from 'kysely';
import type { ShortCache } from './short-cache.js';

export const SESSION_COOKIE = 'panoptes_session';
export type User = Selectable<UsersTable>;

export interface SessionLimits {
  readonly idleMs: number;
  readonly absoluteMs: number;
}

/** Starts a session: a random token for the cookie, only its hash in the database. */
export async function createSession(db: Database, userId: number, meta: { readonly ip: string | null; readonly userAgent: string | null; readonly now: number; readonly limits: SessionLimits }): Promise<string> {
  const token = generateToken('session');
  await db.write((tx) =>
    tx.db
      .insertInto('sessions')
      .values({
        user_id: userId,
        token_hash: hashToken(token),
        remote_ip: meta.ip,
        user_agent: meta.userAgent?.slice(0, 300) ?? null,
        created_at: meta.now,
        last_seen_at: meta.now,
        expires_at: meta.now + meta.limits.absoluteMs,
      })
      .execute(),
  );
  return token;
}

/** A session and its user as stored, split once when read (a memo hands the same one to many requests). */
export interface SessionRow {
  readonly sessionId: number;
  readonly expiresAt: number;
  lastSeenAt: number;
  readonly user: User;
}

async function loadSession(db: Database, tokenHash: string): Promise<SessionRow | undefined> {
  const row = await db.read
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id as session_id', 's.last_seen_at', 's.expires_at'])
    .selectAll('u')
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { session_id: sessionId, last_seen_at: lastSeenAt, expires_at: expiresAt, ...user } = row;
  return { sessionId, expiresAt, lastSeenAt, user };
}

/**
 * The live session and its user for a cookie token; idle and absolute expiry enforced. `memo`
 * reuses a recent read of the session (every request of a signed-in panel asks for it).
 */
export async function resolveSession(db: Database, token: string, now: number, limits: SessionLimits, memo?: ShortCache<SessionRow | undefined>): Promise<{ sessionId: number; user: User } | null> {
  const tokenHash = hashToken(token);
  const row = await (memo === undefined ? loadSession(db, tokenHash) : memo.get(tokenHash, () => loadSession(db, tokenHash)));
  if (row === undefined || row.expiresAt <= now || row.lastSeenAt + limits.idleMs <= now || row.user.disabled) return null;
  if (now - row.lastSeenAt > 60_000) {
    await db.write((tx) => tx.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', row.sessionId).execute());
    // A memo holds this very row: the requests after this one need not write it again.
    row.lastSeenAt = now;
  }
  return row;
}

/** The CSRF token of a session: derived from its secret, so nothing else needs storing. */
export function csrfToken(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('panoptes csrf v1').digest('base64url');
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
