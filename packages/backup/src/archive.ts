import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { BackupError } from './errors.js';
import { FILE_CHUNK_BYTES, sha256File, sha256Tap } from './files.js';
import { DATABASE_ENTRIES, METADATA_ENTRY, parseMetadata, type ArchiveMetadata } from './metadata.js';

const MAX_METADATA_BYTES = 1024 * 1024;
/** Gunzip's output chunk: its 16 KiB default means thousands of main-thread callbacks per archive. */
const ZLIB_CHUNK_BYTES = 1024 * 1024;

export interface ExtractedArchive {
  readonly metadata: ArchiveMetadata;
  readonly databaseFile: string;
  /** The SHA-256 of the whole archive file, computed while it was read. */
  readonly archiveSha256: string;
  /** The SHA-256 of the database as extracted, computed while it was written. */
  readonly databaseSha256: string;
}

/**
 * Extracts an archive into `dir`, accepting only the two expected regular files: an absolute path,
 * `..`, a folder, a link, a duplicate or any other name refuses the whole archive (ARCHIVE_UNSAFE).
 * Truncated or corrupt archives are ARCHIVE_CORRUPT. The archive is read once: both SHA-256 sums
 * are computed on the way.
 */
export async function extractArchive(archive: string, dir: string): Promise<ExtractedArchive> {
  const extract = tar.extract();
  const archiveHash = sha256Tap();
  let metadataText: string | undefined;
  let databaseFile: string | undefined;
  let databaseSha256: string | undefined;
  const seen = new Set<string>();
  const consume = (async () => {
    try {
      await readEntries();
    } catch (error) {
      extract.destroy(error as Error);
      throw error;
    }
  })();
  async function readEntries(): Promise<void> {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      const allowed = name === METADATA_ENTRY || name === DATABASE_ENTRIES.sqlite || name === DATABASE_ENTRIES.postgres;
      if (!allowed || type !== 'file' || seen.has(name)) {
        entry.resume();
        throw new BackupError('ARCHIVE_UNSAFE', `the archive holds an unexpected entry (${type ?? 'unknown'} ${JSON.stringify(name.slice(0, 200))}): refused`);
      }
      seen.add(name);
      if (name === METADATA_ENTRY) {
        const chunks: Buffer[] = [];
        let bytes = 0;
        for await (const chunk of entry as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          if (bytes > MAX_METADATA_BYTES) throw new BackupError('ARCHIVE_UNSAFE', 'metadata.json is implausibly large');
          chunks.push(chunk);
        }
        metadataText = Buffer.concat(chunks).toString('utf8');
      } else {
        databaseFile = join(dir, name);
        const hash = sha256Tap();
        await pipeline(entry, hash.stream, createWriteStream(databaseFile, { flags: 'wx', mode: 0o600 }));
        databaseSha256 = hash.digest();
      }
    }
  }
  try {
    const source = createReadStream(archive, { highWaterMark: FILE_CHUNK_BYTES });
    await Promise.all([pipeline(source, archiveHash.stream, createGunzip({ chunkSize: ZLIB_CHUNK_BYTES }), extract), consume]);
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError('ARCHIVE_CORRUPT', `the archive cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (metadataText === undefined || databaseFile === undefined || databaseSha256 === undefined) throw new BackupError('ARCHIVE_CORRUPT', 'the archive lacks metadata.json or the database');
  const metadata = parseMetadata(metadataText);
  if (!databaseFile.endsWith(DATABASE_ENTRIES[metadata.dialect])) throw new BackupError('ARCHIVE_CORRUPT', `the archive's database does not match its dialect (${metadata.dialect})`);
  return { metadata, databaseFile, archiveSha256: archiveHash.digest(), databaseSha256 };
}

/**
 * `extractArchive`, refusing (ARCHIVE_CHECKSUM, `mismatch`) an archive whose SHA-256 is not
 * `expectedSha256` when one is given, also when the damage makes the archive unreadable.
 */
export async function extractExpected(archive: string, dir: string, expectedSha256: string | undefined, mismatch: string): Promise<ExtractedArchive> {
  let extracted: ExtractedArchive;
  try {
    extracted = await extractArchive(archive, dir);
  } catch (error) {
    if (expectedSha256 !== undefined && (await sha256File(archive)) !== expectedSha256) throw new BackupError('ARCHIVE_CHECKSUM', mismatch, { cause: error });
    throw error;
  }
  if (expectedSha256 !== undefined && extracted.archiveSha256 !== expectedSha256) throw new BackupError('ARCHIVE_CHECKSUM', mismatch);
  return extracted;
}

/** Reads only `metadata.json` (the first entry) of an archive. */
export async function readArchiveMetadata(archive: string): Promise<ArchiveMetadata> {
  const source = createReadStream(archive);
  const extract = tar.extract();
  const reading = pipeline(source, createGunzip(), extract).catch(() => {});
  try {
    for await (const entry of extract) {
      if (entry.header.name !== METADATA_ENTRY || entry.header.type !== 'file' || (entry.header.size ?? 0) > MAX_METADATA_BYTES) break;
      const chunks: Buffer[] = [];
      for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
      return parseMetadata(Buffer.concat(chunks).toString('utf8'));
    }
    throw new BackupError('ARCHIVE_CORRUPT', 'the archive does not start with metadata.json');
  } finally {
    source.destroy();
    extract.destroy();
    await reading;
  }
}
