// Backup and restore of a database with N log rows (default 1,000,000 rows of ~600 bytes of raw line),
// on SQLite, while a writer keeps inserting: prints the backup time, the longest writer stall and the
// restore time. Usage: node --import tsx --conditions=@panoptes/source bench/backup-restore.ts [--rows N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PROJECT_UUID, openDatabase, parseDatabaseUrl } from '@panoptes/db-core';
import { createMigrator, loadMigrations } from '@panoptes/migrations';
import { applyPendingRestore, BackupManager } from '../src/index.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const rows = Number(values.rows);
const dir = mkdtempSync(join(tmpdir(), 'panoptes-bench-backup-'));
const url = `sqlite:${join(dir, 'panoptes.db')}`;
const fingerprint = 'f'.repeat(64);
try {
  const db = await openDatabase(url);
  await createMigrator(db).up();
  const raw = '{"level":"info","ts":1795337346.271511,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"127.0.0.1","remote_port":"37360","proto":"HTTP/1.1","method":"GET","host":"127.0.0.1:8080","uri":"/hello?name=world","headers":{"User-Agent":["python-requests/2.31.0"],"Accept":["*/*"]}},"user_id":"","duration":0.000030736,"size":5,"status":200,"resp_headers":{"Server":["Caddy"],"Content-Type":["text/plain; charset=utf-8"]}}';
  for (let start = 0; start < rows; start += 20_000) {
    const n = Math.min(20_000, rows - start);
    await db.write((tx) =>
      tx.insertMany(
        'log_entries',
        ['project_uuid', 'ts', 'source', 'host_domain', 'remote_ip', 'method', 'path', 'status', 'raw'],
        Array.from({ length: n }, (_, i) => [DEFAULT_PROJECT_UUID, 1_795_000_000_000 + (start + i) * 50, 'caddy_access', '127.0.0.1', `10.0.${(i >> 8) & 255}.${i & 255}`, 'GET', `/p/${start + i}`, 200, raw.replace('37360', String(start + i))]),
      ),
    );
  }
  await db.checkpoint();
  const manager = new BackupManager({ db, target: parseDatabaseUrl(url), backupsDir: join(dir, 'backups'), appVersion: 'bench', masterKeyFingerprint: fingerprint });
  let writing = true;
  let last = performance.now();
  let stall = 0;
  let written = 0;
  const writer = (async () => {
    while (writing) {
      await db.write((tx) => tx.insertMany('log_entries', ['project_uuid', 'ts', 'source'], Array.from({ length: 10 }, () => [DEFAULT_PROJECT_UUID, Date.now(), 'audit'])));
      written += 10;
      const now = performance.now();
      stall = Math.max(stall, now - last);
      last = now;
      await new Promise((r) => setImmediate(r));
    }
  })();
  const t0 = performance.now();
  const backup = await manager.create({ kind: 'manual' });
  const backupSeconds = (performance.now() - t0) / 1000;
  writing = false;
  await writer;
  await manager.scheduleRestore(backup.filename, dir);
  await db.close();
  const t1 = performance.now();
  const outcome = await applyPendingRestore({
    dataDir: dir,
    backupsDir: join(dir, 'backups'),
    target: parseDatabaseUrl(url),
    masterKeyFingerprint: fingerprint,
    knownSchemaVersions: (await loadMigrations()).map((m) => m.version),
  });
  const restoreSeconds = (performance.now() - t1) / 1000;
  console.table([
    {
      rows,
      archive_mb: Math.round(backup.size_bytes / 1e6),
      backup_s: Number(backupSeconds.toFixed(1)),
      longest_writer_stall_ms: Number(stall.toFixed(1)),
      rows_written_during_backup: written,
      restore_s: Number(restoreSeconds.toFixed(1)),
      restore: outcome.status,
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
