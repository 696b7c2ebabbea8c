import { createReadStream, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEachDialect, rejectionOf } from '@panoptes/db-core/testing';
import { expect, it } from 'vitest';
import { loadMigrations } from '@panoptes/migrations';
import { applyPendingRestore, BackupScheduler, lastRestoreResult, readArchiveMetadata } from '../src/index.js';
import { FINGERPRINT, insertSequence, sequence, worlds } from './fixtures/setup.js';

const DAY = 86_400_000;

describeEachDialect('backups', (fixture) => {
  const world = worlds(fixture);

  it('backs up while another writer keeps inserting, and the restore holds exactly what was committed before the snapshot', { timeout: 120_000 }, async () => {
    const w = await world();
    await insertSequence(w.db, 0, 20_000);
    let next = 20_000;
    let writing = true;
    let lastCommit = performance.now();
    let longestStall = 0;
    const writer = (async () => {
      while (writing) {
        await insertSequence(w.db, next, 10);
        next += 10;
        const now = performance.now();
        longestStall = Math.max(longestStall, now - lastCommit);
        lastCommit = now;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const startedAt = next;
    const backup = await w.manager.create({ kind: 'manual', note: 'under load' });
    const endedAt = next;
    writing = false;
    await writer;
    console.log(`[${fixture.dialect}] backup under load: ${endedAt - startedAt} rows written meanwhile, longest writer stall ${longestStall.toFixed(1)} ms`);
    expect(endedAt - startedAt).toBeGreaterThan(0);
    expect(backup).toMatchObject({ kind: 'manual', note: 'under load', trigger_user_id: null });
    expect(backup.sha256).toMatch(/^[0-9a-f]{64}$/);
    const metadata = await readArchiveMetadata(join(w.backupsDir, backup.filename));
    expect(metadata).toMatchObject({ format_version: 1, app_version: '0.1.0-test', schema_version: (await loadMigrations()).at(-1)!.version, dialect: fixture.dialect, kind: 'manual', master_key_fingerprint: FINGERPRINT });
    const counted = metadata.row_counts.log_entries!;
    expect(counted).toBeGreaterThanOrEqual(startedAt);
    expect(counted).toBeLessThanOrEqual(endedAt);

    await w.manager.scheduleRestore(backup.filename, w.dataDir);
    await w.db.close();
    const outcome = await applyPendingRestore({ dataDir: w.dataDir, backupsDir: w.backupsDir, target: w.target, masterKeyFingerprint: FINGERPRINT, knownSchemaVersions: w.knownSchemaVersions });
    expect(outcome).toMatchObject({ status: 'restored', archive: backup.filename });
    const restored = await fixture.open({ url: w.url });
    const rows = await sequence(restored);
    // A consistent snapshot: an unbroken prefix of what the writer committed, as many rows as the metadata says.
    expect(rows.length).toBe(counted);
    expect(rows.every((n, i) => n === i)).toBe(true);
    expect(await lastRestoreResult(w.dataDir)).toMatchObject({ status: 'restored', archive: backup.filename });
    expect(existsSync(join(w.dataDir, '.restore_pending'))).toBe(false);
  });

  it('lists, verifies, serves and deletes backups', async () => {
    const w = await world();
    await insertSequence(w.db, 0, 100);
    const a = await w.manager.create({ kind: 'manual' });
    const b = await w.manager.create({ kind: 'scheduled' });
    expect((await w.manager.list()).map((r) => r.filename)).toEqual([b.filename, a.filename]);
    expect(await w.manager.verify(a.filename)).toMatchObject({ ok: true, metadata: { row_counts: { log_entries: 100 } } });
    expect((await w.manager.get(a.filename)).verified_at).not.toBeNull();
    const download = await w.manager.openDownload(a.filename);
    const chunks: Buffer[] = [];
    for await (const chunk of download.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).length).toBe(a.size_bytes);
    await w.manager.delete(a.filename);
    expect(existsSync(join(w.backupsDir, a.filename))).toBe(false);
    expect((await w.manager.list()).map((r) => r.filename)).toEqual([b.filename]);
    for (const hostile of ['../panoptes.db', '/etc/passwd', 'panoptes-x.tar.gz', `${b.filename}/../../x`]) {
      await expect(w.manager.openDownload(hostile)).rejects.toMatchObject({ code: 'INVALID_BACKUP_NAME' });
    }
    // A damaged archive fails verification with the reason.
    const path = join(w.backupsDir, b.filename);
    writeFileSync(path, Buffer.from('not a tarball'));
    expect(await w.manager.verify(b.filename)).toMatchObject({ ok: false, reason: expect.stringMatching(/SHA-256/) });
  });

  it('adopts orphan archives, reports rows without files and clears what an interrupted backup left', async () => {
    const w = await world();
    const kept = await w.manager.create({ kind: 'manual' });
    const orphan = await w.manager.create({ kind: 'manual' });
    await w.db.write((tx) => tx.db.deleteFrom('backups').where('id', '=', orphan.id).execute());
    const gone = await w.manager.create({ kind: 'manual' });
    await import('node:fs/promises').then((fs) => fs.rm(join(w.backupsDir, gone.filename)));
    writeFileSync(join(w.backupsDir, '.tmp-0123456789abcdef.tar.gz'), 'partial');
    const report = await w.manager.reconcile();
    expect(report).toEqual({ adopted: [orphan.filename], missingFiles: [gone.filename], removedTemporary: ['.tmp-0123456789abcdef.tar.gz'] });
    const adopted = await w.manager.get(orphan.filename);
    expect(adopted).toMatchObject({ kind: 'orphan', sha256: orphan.sha256, created_at: orphan.created_at });
    expect((await w.manager.get(kept.filename)).kind).toBe('manual');
  });

  it('takes scheduled backups when due and prunes them by age, keeping the newest and every manual one', { timeout: 120_000 }, async () => {
    let now = Date.UTC(2026, 10, 1, 2, 0);
    const w = await world({ clock: () => now });
    const settings = { enabled: true, schedule: '0 3 * * *', retentionDays: 3, keepLast: 2 };
    const scheduler = new BackupScheduler(w.manager, () => settings, { clock: () => now });
    expect(await scheduler.runDue()).toBeNull(); // 02:00, first run at 03:00
    const manual = await w.manager.create({ kind: 'manual' });
    const taken: string[] = [];
    for (let day = 0; day < 8; day += 1) {
      now = Date.UTC(2026, 10, 1 + day, 3, 0, 30);
      const backup = await scheduler.runDue();
      expect(backup?.kind).toBe('scheduled');
      taken.push(backup!.filename);
      expect(await scheduler.runDue()).toBeNull(); // not twice for one fire time
    }
    const left = (await w.manager.list()).map((b) => b.filename);
    // Retention 3 days: those no older than that stay (more than keepLast), the exact boundary included.
    expect(left).toEqual([...taken.slice(4).reverse(), manual.filename]);
    expect(await new BackupScheduler(w.manager, () => ({ ...settings, enabled: false }), { clock: () => now + DAY }).runDue()).toBeNull();
    await expect(new BackupScheduler(w.manager, () => ({ ...settings, schedule: 'every day' }), { clock: () => now + DAY }).runDue()).rejects.toMatchObject({ code: 'INVALID_SCHEDULE' });
  });

  it('stores an uploaded archive after verifying it, and refuses garbage', async () => {
    const w = await world();
    await insertSequence(w.db, 0, 10);
    const source = await w.manager.create({ kind: 'manual' });
    const uploaded = await w.manager.importUpload(createReadStream(join(w.backupsDir, source.filename)));
    expect(uploaded).toMatchObject({ kind: 'manual', note: 'uploaded', sha256: source.sha256 });
    expect(uploaded.filename).toMatch(/-upload-/);
    const garbage = join(w.dataDir, 'garbage.tar.gz');
    writeFileSync(garbage, 'nope');
    expect(await rejectionOf(w.manager.importUpload(createReadStream(garbage)))).toMatchObject({ code: 'ARCHIVE_CORRUPT' });
    expect(readdirSync(w.backupsDir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});
