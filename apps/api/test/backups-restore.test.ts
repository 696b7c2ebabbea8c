import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeEachDialect } from '@panoptes/db-core/testing';
import { expect, it } from 'vitest';
import { servers, setupAdmin } from './harness.js';

describeEachDialect('a scheduled restore', (fixture) => {
  const start = servers(fixture);

  it('is cancelled by DELETE /api/backups/pending-restore, leaving nothing to apply at the next start', { timeout: 60_000 }, async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    expect((await admin.call('DELETE', '/api/backups/pending-restore')).status).toBe(404);
    const backup = (await admin.call('POST', '/api/backups', { note: 'cancel me' })).body.backup;
    expect((await admin.call('POST', `/api/backups/${backup.filename}/restore`)).status).toBe(200);
    expect((await admin.call('GET', '/api/backups')).body.pendingRestore).toBe(backup.filename);

    expect((await admin.call('DELETE', '/api/backups/pending-restore')).status).toBe(204);
    expect((await admin.call('GET', '/api/backups')).body).toMatchObject({ pendingRestore: null, backups: [{ filename: backup.filename }] });
    expect(existsSync(join(server.ctx.config.dataDir, '.restore_pending'))).toBe(false);
    const audit = (await admin.call('GET', '/api/audit')).body;
    expect(JSON.stringify(audit)).toContain('backup.cancel_restore');
  });
});
