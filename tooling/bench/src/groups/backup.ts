import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { applyPendingRestore, BackupManager } from '@panoptes/backup';
import { DEFAULT_PROJECT_UUID, openDatabase, parseDatabaseUrl, type Database } from '@panoptes/db-core';
import { pruneLogs } from '@panoptes/ingest';
import { loadMigrations } from '@panoptes/migrations';
import type { BenchContext } from '../context.js';

/** A steady writer (10 rows per commit, as fast as it goes); resolves with the longest gap between two commits. */
function steadyWriter(db: Database): { stop: () => Promise<{ maxGapMs: number; rows: number }> } {
  let running = true;
  let last = performance.now();
  let maxGapMs = 0;
  let rows = 0;
  const loop = (async () => {
    while (running) {
      await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source', 'message'], Array.from({ length: 10 }, () => [DEFAULT_PROJECT_UUID, Date.now(), 'audit', 'steady writer'])));
      rows += 10;
      const now = performance.now();
      maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
      await new Promise((r) => setImmediate(r));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { maxGapMs, rows };
    },
  };
}

/** Backup and restore of the ingested database, the writer's longest stall during each, and during retention. */
export async function backupGroup(ctx: BenchContext): Promise<void> {
  const { path } = await ctx.ingested();
  const dir = join(ctx.dir, 'backup');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(path, join(dir, 'panoptes.db'));
  const url = `sqlite:${join(dir, 'panoptes.db')}`;
  const fingerprint = 'b'.repeat(64);
  try {
    let db = await openDatabase(url);
    const manager = new BackupManager({ db, target: parseDatabaseUrl(url), backupsDir: join(dir, 'backups'), appVersion: 'bench', masterKeyFingerprint: fingerprint });
    let writer = steadyWriter(db);
    let started = performance.now();
    const backup = await manager.create({ kind: 'manual' });
    const backupSeconds = (performance.now() - started) / 1000;
    const duringBackup = await writer.stop();
    ctx.figures.add('backup.seconds_1m_rows', backupSeconds, 's', { op: '<=', value: 10 }, `${ctx.lines} rows, archive ${Math.round(backup.size_bytes / 1e6)} MB`);
    ctx.figures.add('writer.max_stall_ms_during_backup', duringBackup.maxGapMs, 'ms', { op: '<=', value: 50 }, `${duringBackup.rows} rows written meanwhile`);

    // Retention: a quarter of the rows are past the cutoff.
    const { oldest, newest } = await db.read.selectFrom('log_entries').select((eb) => [eb.fn.min<number>('ts').as('oldest'), eb.fn.max<number>('ts').as('newest')]).where('source', '=', 'caddy_access').executeTakeFirstOrThrow();
    const cutoff = Number(oldest) + (Number(newest) - Number(oldest)) / 4;
    writer = steadyWriter(db);
    started = performance.now();
    const report = await pruneLogs(db, { retentionDays: 1, maxEntries: 100_000_000 }, { now: cutoff + 86_400_000 });
    const retentionSeconds = (performance.now() - started) / 1000;
    const duringRetention = await writer.stop();
    ctx.figures.add('writer.max_stall_ms_during_retention', duringRetention.maxGapMs, 'ms', { op: '<=', value: 50 }, `${report.deletedByAge} rows deleted in ${retentionSeconds.toFixed(1)} s`);

    await manager.scheduleRestore(backup.filename, dir);
    await db.close();
    started = performance.now();
    const outcome = await applyPendingRestore({ dataDir: dir, backupsDir: join(dir, 'backups'), target: parseDatabaseUrl(url), masterKeyFingerprint: fingerprint, knownSchemaVersions: (await loadMigrations()).map((m) => m.version) });
    const restoreSeconds = (performance.now() - started) / 1000;
    if (outcome.status !== 'restored') throw new Error(`the restore failed: ${JSON.stringify(outcome)}`);
    ctx.figures.add('restore.seconds_1m_rows', restoreSeconds, 's', { op: '<=', value: 10 });
    db = await openDatabase(url);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
