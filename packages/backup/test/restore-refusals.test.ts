import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import pg from 'pg';
import tar from 'tar-stream';
import { describeEachDialect, postgresStatus } from '@panoptes/db-core/testing';
import { expect, it } from 'vitest';
import { applyPendingRestore, extractArchive, readArchiveMetadata, RESTORE_FAILED, RESTORE_MARKER } from '../src/index.js';
import { archiveName, sha256File } from '../src/files.js';
import { FINGERPRINT, insertSequence, OTHER_FINGERPRINT, sequence, worlds, type World } from './fixtures/setup.js';

/** A tar.gz with the given entries, written as an archive of the backups folder. */
async function craft(w: World, entries: readonly { name: string; type?: 'file' | 'symlink' | 'directory'; body?: Buffer; linkname?: string }[]): Promise<string> {
  const name = archiveName('manual', Date.now());
  const pack = tar.pack();
  const written = pipeline(pack, createGzip(), createWriteStream(join(w.backupsDir, name)));
  for (const e of entries) {
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: e.name, type: e.type ?? 'file', ...(e.linkname ? { linkname: e.linkname } : {}), ...(e.body ? { size: e.body.length } : {}) }, e.body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve())),
    );
  }
  pack.finalize();
  await written;
  return name;
}

async function schedule(w: World, archive: string, sha256?: string): Promise<void> {
  writeFileSync(join(w.dataDir, RESTORE_MARKER), JSON.stringify({ archive, sha256: sha256 ?? (await sha256File(join(w.backupsDir, archive))) }));
}

describeEachDialect('restores that must be refused', (fixture) => {
  const world = worlds(fixture);

  /** The live database's state, to compare before and after: file bytes (SQLite) or data and databases (Postgres). */
  const snapshotLive = async (w: World) => {
    if (w.target.dialect === 'sqlite') return { file: await sha256File(w.target.path) };
    const reopened = await fixture.open({ url: w.url });
    const rows = await sequence(reopened);
    await reopened.close();
    const admin = new pg.Client({ connectionString: postgresStatus().adminUrl });
    await admin.connect();
    // The live database and anything a restore would make beside it (<live>_restore_pending, <live>_pre_restore_...).
    const live = new URL(w.url).pathname.slice(1);
    const dbs = (await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1", [live])).rows.map((r) => r.datname);
    await admin.end();
    return { rows, dbs };
  };

  it('refuses every bad archive and leaves the live database exactly as it was', { timeout: 120_000 }, async () => {
    const w = await world();
    await insertSequence(w.db, 0, 500);
    const good = await w.manager.create({ kind: 'manual' });
    const goodPath = join(w.backupsDir, good.filename);
    await insertSequence(w.db, 500, 10, 'after the backup');
    const metadata = await readArchiveMetadata(goodPath);
    const dbEntry = w.target.dialect === 'sqlite' ? 'panoptes.db' : 'panoptes.pgdump';
    await w.db.close();
    const before = await snapshotLive(w);

    const truncated = archiveName('manual', Date.now());
    copyFileSync(goodPath, join(w.backupsDir, truncated));
    truncateSync(join(w.backupsDir, truncated), Math.floor(good.size_bytes / 2));
    const corrupt = archiveName('manual', Date.now());
    const bytes = readFileSync(goodPath);
    for (let i = 2000; i < 2100; i += 1) bytes[i] = bytes[i]! ^ 0xff;
    writeFileSync(join(w.backupsDir, corrupt), bytes);
    const meta = (changes: Record<string, unknown>) => ({ name: 'metadata.json', body: Buffer.from(JSON.stringify({ ...metadata, ...changes })) });
    const dummy = Buffer.from('x');

    const cases: { name: string; archive: string; sha256?: string; fingerprint?: string; expect: RegExp }[] = [
      { name: 'wrong SHA-256', archive: good.filename, sha256: '0'.repeat(64), expect: /changed since the restore was scheduled/ },
      { name: 'corrupt archive', archive: corrupt, expect: /cannot be read|does not match its SHA-256|integrity/ },
      { name: 'truncated tar', archive: truncated, expect: /cannot be read/ },
      { name: 'wrong master key', archive: good.filename, fingerprint: OTHER_FINGERPRINT, expect: /master key whose fingerprint starts aaaaaaaaaaaa, but this Panoptes runs with bbbbbbbbbbbb/ },
      { name: 'newer schema', archive: await craft(w, [meta({ schema_version: '9999' }), { name: dbEntry, body: dummy }]), expect: /schema \(9999\) is newer/ },
      { name: 'entry ../x', archive: await craft(w, [meta({}), { name: '../x', body: dummy }]), expect: /unexpected entry/ },
      { name: 'absolute path', archive: await craft(w, [meta({}), { name: '/tmp/panoptes-evil', body: dummy }]), expect: /unexpected entry/ },
      { name: 'symlink', archive: await craft(w, [meta({}), { name: dbEntry, type: 'symlink', linkname: '/etc/passwd' }]), expect: /unexpected entry \(symlink/ },
      { name: 'database checksum', archive: await craft(w, [meta({}), { name: dbEntry, body: dummy }]), expect: /inside the archive does not match/ },
    ];
    if (w.target.dialect === 'sqlite') {
      // Checksums that agree with a damaged database: only the integrity check can refuse it (the
      // marker was not written by scheduleRestore, so nothing vouches for this archive).
      const scratch = mkdtempSync(join(tmpdir(), 'panoptes-damaged-'));
      const database = readFileSync((await extractArchive(goodPath, scratch)).databaseFile);
      rmSync(scratch, { recursive: true, force: true });
      // The last b-tree leaf page (type 0x0a or 0x0d): its cell pointers now point outside it.
      const pageSize = database.readUInt16BE(16);
      let page = database.length - pageSize;
      while (page > pageSize && database[page] !== 0x0a && database[page] !== 0x0d) page -= pageSize;
      database.fill(0x55, page + 8, page + pageSize);
      const sha256 = createHash('sha256').update(database).digest('hex');
      cases.push({ name: 'damaged database', archive: await craft(w, [meta({ database_sha256: sha256 }), { name: dbEntry, body: database }]), expect: /integrity check|malformed/ });
    }
    for (const c of cases) {
      await schedule(w, c.archive, c.sha256);
      const outcome = await applyPendingRestore({
        dataDir: w.dataDir,
        backupsDir: w.backupsDir,
        target: w.target,
        masterKeyFingerprint: c.fingerprint ?? FINGERPRINT,
        knownSchemaVersions: w.knownSchemaVersions,
      });
      expect(outcome, c.name).toMatchObject({ status: 'failed', reason: expect.stringMatching(c.expect) });
      const recorded = JSON.parse(readFileSync(join(w.dataDir, RESTORE_FAILED), 'utf8')) as { reason: string; archive: string };
      expect(recorded, c.name).toMatchObject({ archive: c.archive, reason: outcome.status === 'failed' ? outcome.reason : '' });
      expect(await snapshotLive(w), c.name).toEqual(before);
      expect(readdirSync(w.dataDir).filter((n) => n.startsWith('.tmp-') || n === RESTORE_MARKER), c.name).toEqual([]);
    }
    expect(readdirSync('/tmp').filter((n) => n === 'panoptes-evil')).toEqual([]);
  });

  it('refuses a marker that points outside the backups folder', async () => {
    const w = await world();
    await w.db.close();
    writeFileSync(join(w.dataDir, RESTORE_MARKER), JSON.stringify({ archive: '../panoptes.db', sha256: '0'.repeat(64) }));
    const outcome = await applyPendingRestore({ dataDir: w.dataDir, backupsDir: w.backupsDir, target: w.target, masterKeyFingerprint: FINGERPRINT, knownSchemaVersions: w.knownSchemaVersions });
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringMatching(/not a Panoptes backup file name/) });
  });
});
