import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DEFAULT_PROJECT_UUID, PanoptesError } from '@panoptes/db-core';
import { constantTimeEqual, hashToken } from '@panoptes/crypto';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { csrfToken, readCookie, resolveSession, SESSION_COOKIE, type SessionRow, type User } from './sessions.js';
import { ShortCache } from './short-cache.js';

export type Auth =
  | { readonly kind: 'session'; readonly user: User; readonly sessionId: number; readonly csrf: string }
  | { readonly kind: 'token'; readonly tokenId: number; readonly projectUuid: string };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      auth?: Auth;
      projectUuid?: string;
    }
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const TOKEN_USE_RESOLUTION_MS = 60_000;
/** How long sessions, the session limits and a project's access lists are reused without reading them again. */
const CACHE_MS = 1000;

interface ProjectAccess {
  readonly emails: readonly string[];
  readonly domains: readonly string[];
}

interface AuthCaches {
  readonly sessions: ShortCache<SessionRow | undefined>;
  readonly limits: ShortCache<{ idleMs: number; absoluteMs: number }>;
  readonly projects: ShortCache<ProjectAccess | undefined>;
}

const caches = new WeakMap<AppContext, AuthCaches>();

function cachesOf(ctx: AppContext): AuthCaches {
  let found = caches.get(ctx);
  if (found === undefined) {
    found = { sessions: new ShortCache(CACHE_MS, ctx.clock), limits: new ShortCache(CACHE_MS, ctx.clock), projects: new ShortCache(CACHE_MS, ctx.clock) };
    caches.set(ctx, found);
  }
  return found;
}

export async function sessionLimits(ctx: AppContext) {
  return cachesOf(ctx).limits.get('', async () => ({
    idleMs: (await ctx.settings.get('session.idle_minutes')) * 60_000,
    absoluteMs: (await ctx.settings.get('session.absolute_hours')) * 3_600_000,
  }));
}

/** A project's access lists (undefined: no such project), read at most once a second. */
function projectAccess(ctx: AppContext, uuid: string): Promise<ProjectAccess | undefined> {
  return cachesOf(ctx).projects.get(uuid, async () => {
    const project = await ctx.db.read.selectFrom('projects').select(['allowed_emails', 'allowed_domains']).where('uuid', '=', uuid).executeTakeFirst();
    if (project === undefined) return undefined;
    return { emails: JSON.parse(project.allowed_emails) as string[], domains: JSON.parse(project.allowed_domains) as string[] };
  });
}

/** A signed-in change (a sign-out, a user disabled, a setting, a project's access) applies to the very next request. */
function forgetOnChange(ctx: AppContext, res: Response): void {
  res.once('finish', () => {
    const { sessions, limits, projects } = cachesOf(ctx);
    sessions.clear();
    limits.clear();
    projects.clear();
  });
}

/**
 * Who is calling: a session cookie (with CSRF defence on every mutation: SameSite=Strict plus the
 * `x-csrf-token` header) or an API token (`Authorization: Bearer pna_...`, scoped to one project).
 */
export function authenticate(ctx: AppContext): RequestHandler {
  return route(async (req: Request, res: Response, next: NextFunction) => {
    const bearer = /^Bearer (pna_[A-Za-z0-9_-]{43})$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) {
      const row = await ctx.db.read.selectFrom('api_tokens').select(['id', 'project_uuid', 'expires_at', 'revoked_at', 'last_used_at']).where('token_hash', '=', hashToken(bearer)).executeTakeFirst();
      const now = ctx.clock();
      if (row !== undefined && row.revoked_at === null && (row.expires_at === null || row.expires_at > now)) {
        req.auth = { kind: 'token', tokenId: row.id, projectUuid: row.project_uuid };
        // "Last used" on the tokens page; at most one write a minute per token keeps busy agents off the writer.
        if (row.last_used_at === null || now - row.last_used_at >= TOKEN_USE_RESOLUTION_MS) {
          await ctx.db.project(row.project_uuid).write((tx) => tx.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute());
        }
      }
      return next();
    }
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (token !== undefined) {
      const found = await resolveSession(ctx.db, token, ctx.clock(), await sessionLimits(ctx), cachesOf(ctx).sessions);
      if (found !== null) {
        if (!SAFE.has(req.method)) {
          const sent = req.headers['x-csrf-token'];
          if (typeof sent !== 'string' || !constantTimeEqual(sent, csrfToken(token))) throw new PanoptesError('CSRF', 'missing or wrong x-csrf-token header');
        }
        // Its HMAC only when asked for (GET /api/auth/me): a read needs none, and it was 2% of a search.
        req.auth = {
          kind: 'session',
          user: found.user,
          sessionId: found.sessionId,
          get csrf() {
            return csrfToken(token);
          },
        };
        if (!SAFE.has(req.method)) forgetOnChange(ctx, res);
      }
    }
    next();
  });
}

export function currentUser(req: Request): User {
  if (req.auth?.kind !== 'session') throw new PanoptesError('UNAUTHENTICATED', 'sign in first');
  return req.auth.user;
}

/** A signed-in user (401 otherwise); `admin` for routes that change things. */
export function requireUser(role: 'viewer' | 'admin' = 'viewer') {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const user = currentUser(req);
    if (role === 'admin' && user.role !== 'admin') throw new PanoptesError('FORBIDDEN', 'this needs the admin role');
    next();
  };
}

/** Viewers read; changing anything needs admin. */
export function writesNeedAdmin(req: Request, _res: Response, next: NextFunction): void {
  const user = currentUser(req);
  if (!SAFE.has(req.method) && user.role !== 'admin') throw new PanoptesError('FORBIDDEN', 'this needs the admin role');
  next();
}

/**
 * The project of the request (`x-project` header, default project otherwise), checked against the
 * project's allowed e-mails (an exact match wins) and domains; a project with neither is open.
 */
export function selectProject(ctx: AppContext): RequestHandler {
  return route(async (req: Request, _res: Response, next: NextFunction) => {
    const requested = req.headers['x-project'];
    const uuid = typeof requested === 'string' && requested !== '' ? requested : DEFAULT_PROJECT_UUID;
    if (req.auth?.kind === 'token') {
      if (uuid !== req.auth.projectUuid && typeof requested === 'string') throw new PanoptesError('FORBIDDEN', 'this token belongs to another project');
      req.projectUuid = req.auth.projectUuid;
      return next();
    }
    const user = currentUser(req);
    const project = await projectAccess(ctx, uuid);
    if (project === undefined || !mayAccess(user.email, project.emails, project.domains)) {
      throw new PanoptesError('FORBIDDEN', 'you have no access to this project');
    }
    req.projectUuid = uuid;
    next();
  });
}

export function mayAccess(email: string | null, emails: readonly string[], domains: readonly string[]): boolean {
  if (emails.length === 0 && domains.length === 0) return true;
  if (email === null) return false;
  const lower = email.toLowerCase();
  if (emails.some((e) => e.toLowerCase() === lower)) return true;
  const domain = lower.split('@')[1] ?? '';
  return domains.some((d) => d.toLowerCase() === domain);
}

export function projectOf(req: Request): string {
  if (req.projectUuid === undefined) throw new PanoptesError('FORBIDDEN', 'no project selected');
  return req.projectUuid;
}
