import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { AppContext } from './context.js';
import { errorMiddleware, notFound } from './http.js';
import { authenticate, requireUser, selectProject, writesNeedAdmin } from './auth/middleware.js';
import { accountRoutes } from './routes/account.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { notificationRoutes } from './routes/notifications.js';
import { oidcRoutes } from './routes/oidc.js';
import { projectRoutes, tokenRoutes } from './routes/projects.js';
import { proxyRoutes } from './routes/proxy.js';
import { backupRoutes } from './routes/backups.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { logRoutes } from './routes/logs.js';
import { settingRoutes } from './routes/settings.js';
import { sourceRoutes } from './routes/sources.js';
import { userRoutes } from './routes/users.js';

/** The Express app of the server; `main` listens, tests call it directly. */
export function createApp(ctx: AppContext, workers: () => Record<string, boolean> = () => ({})): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag on the API's answers: live data nobody revalidates, and hashing every body cost a search
  // page 2% of its CPU. The panel's files keep theirs (express.static sets its own).
  app.disable('etag');
  app.set('trust proxy', ctx.config.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(healthRoutes(ctx, workers));
  app.use('/api', authenticate(ctx));
  app.use('/api/ingest', selectProject(ctx), ingestRoutes(ctx));
  app.use('/api', express.json({ limit: '1mb' }));
  app.use('/api/auth/oidc', oidcRoutes(ctx));
  app.use('/api/auth', authRoutes(ctx));
  app.use('/api/users', userRoutes(ctx));
  app.use('/api/settings', requireUser(), settingRoutes(ctx));
  app.use('/api/backups', backupRoutes(ctx));
  app.use('/api/logs', requireUser(), writesNeedAdmin, selectProject(ctx), logRoutes(ctx));
  app.use('/api/sources', requireUser(), selectProject(ctx), sourceRoutes(ctx));
  app.use('/api/account', requireUser(), accountRoutes(ctx));
  app.use('/api/projects', requireUser(), projectRoutes(ctx));
  app.use('/api/tokens', requireUser(), selectProject(ctx), tokenRoutes(ctx));
  app.use('/api/proxy', requireUser(), writesNeedAdmin, selectProject(ctx), proxyRoutes(ctx));
  app.use('/api/notifications', requireUser(), selectProject(ctx), notificationRoutes(ctx));
  app.use('/api/audit', requireUser(), selectProject(ctx), auditRoutes(ctx));
  app.use('/api', (req, _res, next) => next(notFound(`${req.method} ${req.originalUrl}`)));
  serveSpa(app, ctx.config.webDist);
  app.use(errorMiddleware((error) => ctx.logger.error({ error: error instanceof Error ? { message: error.message, stack: error.stack } : error }, 'request failed')));
  return app;
}

/** The built panel: hashed assets cached for a year, index.html never; every other path is the SPA. */
function serveSpa(app: Express, dist: string): void {
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return;
  app.use('/assets', express.static(join(dist, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }));
  app.use(express.static(dist, { index: false, maxAge: 0 }));
  app.get(/^\/(?!api\/|healthz$|metrics$).*/, (_req, res) => {
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
}
