import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Every setting of the server, from the environment: the only file that reads `process.env`. A
 * wrong value stops the start with a message naming the variable.
 */
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  PANOPTES_DATA_DIR: z.string().min(1).default('./data'),
  PANOPTES_DATABASE_URL: z.string().min(1).optional(),
  PANOPTES_MASTER_KEY: z.string().min(1).optional(),
  PANOPTES_MASTER_KEY_FILE: z.string().min(1).default('./panoptes.key'),
  PANOPTES_HOST: z.string().min(1).default('127.0.0.1'),
  PANOPTES_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  PANOPTES_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Behind a reverse proxy: trust X-Forwarded-* (client address, https for Secure cookies). */
  PANOPTES_TRUST_PROXY: flag.default(false),
  /** Refuse notification targets in private and link-local ranges. */
  PANOPTES_REFUSE_PRIVATE_TARGETS: flag.default(false),
  /** Where the built panel is; the api serves it. */
  PANOPTES_WEB_DIST: z.string().min(1).optional(),
  /** Contact for push services (VAPID subject). */
  PANOPTES_VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)/, 'must start with mailto: or https://').default('mailto:admin@localhost'),
  /** OpenID Connect sign-in (all four, or none). */
  PANOPTES_OIDC_ISSUER: z.string().url().optional(),
  PANOPTES_OIDC_CLIENT_ID: z.string().min(1).optional(),
  PANOPTES_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  PANOPTES_OIDC_REDIRECT_URL: z.string().url().optional(),
  /** Create a viewer account for an OIDC identity that matches no user. */
  PANOPTES_OIDC_CREATE_USERS: flag.default(false),
}).refine(
  (e) => [e.PANOPTES_OIDC_ISSUER, e.PANOPTES_OIDC_CLIENT_ID, e.PANOPTES_OIDC_CLIENT_SECRET, e.PANOPTES_OIDC_REDIRECT_URL].every((v) => v === undefined) ||
    [e.PANOPTES_OIDC_ISSUER, e.PANOPTES_OIDC_CLIENT_ID, e.PANOPTES_OIDC_CLIENT_SECRET, e.PANOPTES_OIDC_REDIRECT_URL].every((v) => v !== undefined),
  { message: 'set all of PANOPTES_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET and _REDIRECT_URL, or none', path: ['PANOPTES_OIDC_ISSUER'] },
);

export type Env = z.infer<typeof schema>;

export interface ServerConfig {
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly backupsDir: string;
  readonly masterKey: string | undefined;
  readonly masterKeyFile: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: Env['PANOPTES_LOG_LEVEL'];
  readonly trustProxy: boolean;
  readonly refusePrivateTargets: boolean;
  readonly webDist: string;
  readonly vapidSubject: string;
  readonly oidc: { readonly issuer: string; readonly clientId: string; readonly clientSecret: string; readonly redirectUrl: string; readonly createUsers: boolean } | null;
}

export class ConfigError extends Error {}

/** Reads and validates the environment (`process.env` by default). */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): ServerConfig {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${String(issue.path[0])}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  const dataDir = resolve(e.PANOPTES_DATA_DIR);
  return {
    dataDir,
    databaseUrl: e.PANOPTES_DATABASE_URL ?? `sqlite:${resolve(dataDir, 'panoptes.db')}`,
    backupsDir: resolve(dataDir, 'backups'),
    masterKey: e.PANOPTES_MASTER_KEY,
    masterKeyFile: resolve(e.PANOPTES_MASTER_KEY_FILE),
    host: e.PANOPTES_HOST,
    port: e.PANOPTES_PORT,
    logLevel: e.PANOPTES_LOG_LEVEL,
    trustProxy: e.PANOPTES_TRUST_PROXY,
    refusePrivateTargets: e.PANOPTES_REFUSE_PRIVATE_TARGETS,
    webDist: resolve(e.PANOPTES_WEB_DIST ?? new URL('../../web/dist', import.meta.url).pathname),
    vapidSubject: e.PANOPTES_VAPID_SUBJECT,
    oidc:
      e.PANOPTES_OIDC_ISSUER === undefined
        ? null
        : { issuer: e.PANOPTES_OIDC_ISSUER, clientId: e.PANOPTES_OIDC_CLIENT_ID!, clientSecret: e.PANOPTES_OIDC_CLIENT_SECRET!, redirectUrl: e.PANOPTES_OIDC_REDIRECT_URL!, createUsers: e.PANOPTES_OIDC_CREATE_USERS },
  };
}
