import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractArchive } from './archive.js';
import { writeArchive } from './archive-writer.js';
import { sha256File } from './files.js';
import { ARCHIVE_FORMAT_VERSION, type ArchiveMetadata } from './metadata.js';

const metadata: ArchiveMetadata = {
  format_version: ARCHIVE_FORMAT_VERSION,
  app_version: 'test',
  schema_version: '0001',
  dialect: 'sqlite',
  created_at: Date.UTC(2026, 11, 7, 12, 0, 0),
  kind: 'manual',
  database_sha256: 'a'.repeat(64),
  master_key_fingerprint: 'b'.repeat(64),
  row_counts: { log_entries: 3 },
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'panoptes-archive-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Archives `content` as the database file; returns the archive's path and what writeArchive reported. */
async function archived(content: Buffer, level = 1): Promise<{ path: string; sha256: string; size: number }> {
  const database = join(dir, 'source.db');
  writeFileSync(database, content);
  const path = join(dir, `archive-${randomBytes(4).toString('hex')}.tar.gz`);
  return { path, ...(await writeArchive({ target: path, metadata, databaseFile: database, gzipLevel: level })) };
}

describe('writeArchive', () => {
  it('writes a tar.gz of metadata.json and the database that extracts to the exact bytes, with its SHA-256 and size', async () => {
    const text = Buffer.from('GET /index.html 200 1234 "Mozilla/5.0"\n'.repeat(80_000));
    const noise = randomBytes(3 * 1024 * 1024 + 17);
    // Several members, one of them stored, and an end that falls inside a member.
    const content = Buffer.concat([text, noise, text.subarray(0, 12_345)]);
    const { path, sha256, size } = await archived(content);
    expect(size).toBe(statSync(path).size);
    expect(sha256).toBe(await sha256File(path));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const out = join(dir, 'out');
    mkdirSync(out);
    const extracted = await extractArchive(path, out);
    expect(extracted.metadata).toEqual(metadata);
    expect(extracted.archiveSha256).toBe(sha256);
    expect(readFileSync(extracted.databaseFile).equals(content)).toBe(true);
  });

  it('compresses what shrinks and stores what does not', async () => {
    const text = Buffer.from('{"status":200,"uri":"/api/v1/items"}\n'.repeat(100_000));
    expect((await archived(text)).size).toBeLessThan(text.length / 20);
    const noise = randomBytes(4 * 1024 * 1024);
    const stored = await archived(noise);
    // Noise cannot shrink: what comes out is the input, the tar headers and the block and member framing.
    expect(stored.size).toBeLessThan(noise.length * 1.001 + 4096);
    expect(gunzipSync(readFileSync(stored.path)).includes(noise.subarray(0, 4096))).toBe(true);
  });

  it('archives an empty database file', async () => {
    const { path } = await archived(Buffer.alloc(0));
    const out = join(dir, 'empty');
    mkdirSync(out);
    const extracted = await extractArchive(path, out);
    expect(readFileSync(extracted.databaseFile).length).toBe(0);
  });

  it('refuses to overwrite an existing file and leaves it as it was', async () => {
    const database = join(dir, 'source.db');
    writeFileSync(database, 'data');
    const target = join(dir, 'taken.tar.gz');
    writeFileSync(target, 'not ours');
    await expect(writeArchive({ target, metadata, databaseFile: database, gzipLevel: 1 })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(target, 'utf8')).toBe('not ours');
  });

  it('rejects a missing database file without creating the archive', async () => {
    const target = join(dir, 'never.tar.gz');
    await expect(writeArchive({ target, metadata, databaseFile: join(dir, 'missing.db'), gzipLevel: 1 })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => statSync(target)).toThrow();
  });
});
