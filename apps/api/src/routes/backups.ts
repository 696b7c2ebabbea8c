import { Router } from 'express';
import { z } from 'zod';
import { lastRestoreResult } from '@panoptes/backup';
import type { AppContext } from '../context.js';
import { parseInput, route } from '../http.js';
import { currentUser, requireUser } from '../auth/middleware.js';

export function backupRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(requireUser('admin'));
  router.get('/', route(async (_req, res) => {
    res.json({ backups: await ctx.backups.list(), lastRestore: await lastRestoreResult(ctx.config.dataDir) });
  }));
  router.post('/', route(async (req, res) => {
    const { note } = parseInput(z.object({ note: z.string().max(500).optional() }), req.body ?? {});
    const user = currentUser(req);
    try {
      const backup = await ctx.backups.create({ kind: 'manual', note: note ?? null, triggerUserId: user.id });
      await ctx.notifier.notify({ type: 'backup.completed', severity: 'info', projectUuid: '00000000-0000-0000-0000-000000000001', host: null, payload: { message: backup.filename, bytes: backup.size_bytes }, time: ctx.clock() });
      res.status(201).json({ backup });
    } catch (error) {
      await ctx.notifier.notify({ type: 'backup.failed', severity: 'critical', projectUuid: '00000000-0000-0000-0000-000000000001', host: null, payload: { message: (error as Error).message }, time: ctx.clock() });
      throw error;
    }
  }));
  router.post('/:file/verify', route(async (req, res) => {
    res.json(await ctx.backups.verify(String(req.params.file)));
  }));
  router.post('/:file/restore', route(async (req, res) => {
    const report = await ctx.backups.scheduleRestore(String(req.params.file), ctx.config.dataDir);
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
    res.status(204).end();
  }));
  return router;
}
