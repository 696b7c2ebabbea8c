import { Router } from 'express';
import { z } from 'zod';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { lastRestoreResult, RESTORE_MARKER } from '@panoptes/backup';
import { DEFAULT_PROJECT_UUID } from '@panoptes/db-core';
import type { AppContext } from '../context.js';
import { notFound, parseInput, route } from '../http.js';
import { currentUser, requireUser } from '../auth/middleware.js';
import { auditAfter } from '../services/audit.js';

export function backupRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(requireUser('admin'));
  router.get('/', route(async (_req, res) => {
    const pending = await readFile(join(ctx.config.dataDir, RESTORE_MARKER), 'utf8').then((text) => JSON.parse(text) as { archive?: string }, () => null);
    res.json({ backups: await ctx.backups.list(), lastRestore: await lastRestoreResult(ctx.config.dataDir), pendingRestore: pending?.archive ?? null });
  }));
  router.post('/', route(async (req, res) => {
    const { note } = parseInput(z.object({ note: z.string().max(500).optional() }), req.body ?? {});
    const user = currentUser(req);
    try {
      const backup = await ctx.backups.create({ kind: 'manual', note: note ?? null, triggerUserId: user.id });
      await auditAfter(ctx.db, { ts: ctx.clock(), actor: user.username, action: 'backup.create', target: `backups/${backup.filename}` });
      await ctx.notifier.notify({ type: 'backup.completed', severity: 'info', projectUuid: DEFAULT_PROJECT_UUID, host: null, payload: { message: backup.filename, bytes: backup.size_bytes }, time: ctx.clock() });
      res.status(201).json({ backup });
    } catch (error) {
      await ctx.notifier.notify({ type: 'backup.failed', severity: 'critical', projectUuid: DEFAULT_PROJECT_UUID, host: null, payload: { message: (error as Error).message }, time: ctx.clock() });
      throw error;
    }
  }));
  /** An archive from another machine: streamed to disk, verified, stored as a manual backup. */
  router.post('/upload', route(async (req, res) => {
    const user = currentUser(req);
    const backup = await ctx.backups.importUpload(req, `uploaded by ${user.username}`);
    await auditAfter(ctx.db, { ts: ctx.clock(), actor: user.username, action: 'backup.upload', target: `backups/${backup.filename}` });
    res.status(201).json({ backup });
  }));
  /** Cancels the scheduled restore: the marker goes, the database stays as it is at the next start. */
  router.delete('/pending-restore', route(async (req, res) => {
    const marker = join(ctx.config.dataDir, RESTORE_MARKER);
    const pending = await readFile(marker, 'utf8').then((text) => JSON.parse(text) as { archive?: string }, () => null);
    if (pending === null) throw notFound('scheduled restore');
    await rm(marker, { force: true });
    await auditAfter(ctx.db, { ts: ctx.clock(), actor: currentUser(req).username, action: 'backup.cancel_restore', target: `backups/${pending.archive ?? ''}` });
    res.status(204).end();
  }));
  router.post('/:file/verify', route(async (req, res) => {
    res.json(await ctx.backups.verify(String(req.params.file)));
  }));
  router.post('/:file/restore', route(async (req, res) => {
    const report = await ctx.backups.scheduleRestore(String(req.params.file), ctx.config.dataDir);
    await auditAfter(ctx.db, { ts: ctx.clock(), actor: currentUser(req).username, action: 'backup.schedule_restore', target: `backups/${String(req.params.file)}` });
    res.json({ scheduled: true, ...report, message: 'The backup will replace the database at the next start; the current database is kept as a pre-restore copy.' });
  }));
  router.get('/:file/download', route(async (req, res) => {
    const download = await ctx.backups.openDownload(String(req.params.file));
    res.setHeader('content-type', 'application/gzip');
    res.setHeader('content-length', String(download.size));
    res.setHeader('content-disposition', `attachment; filename="${download.filename}"`);
    download.stream.pipe(res);
  }));
  router.delete('/:file', route(async (req, res) => {
    await ctx.backups.delete(String(req.params.file));
    await auditAfter(ctx.db, { ts: ctx.clock(), actor: currentUser(req).username, action: 'backup.delete', target: `backups/${String(req.params.file)}` });
    res.status(204).end();
  }));
  return router;
}
