import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROJECT_UUID, type Database } from '@panoptes/db-core';
import { describeEachDialect, sqliteFixture } from '@panoptes/db-core/testing';
import { openMigrated } from '@panoptes/migrations/testing';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTailer, loadSource, RecordWriter, resolveRaw, type FileSourceConfig } from '../src/index.js';
import { caddyLines, countRows } from './fixtures/lines.js';

const block = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

describeEachDialect('tailing a file', (fixture) => {
  const dir = mkdtempSync(join(tmpdir(), 'panoptes-tail-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  const setup = async (options: Partial<FileSourceConfig> = {}) => {
    n += 1;
    const path = join(dir, `access-${n}.log`);
    const db = await openMigrated(fixture);
    const writer = new RecordWriter(db, { flushIntervalMs: 10 });
    const config: FileSourceConfig = { projectUuid: DEFAULT_PROJECT_UUID, name: `caddy-${n}`, path, parser: 'caddy_access', ...options };
    const tailers: FileTailer[] = [];
    const tail = async () => {
      const tailer = new FileTailer(db, writer, config, { pollIntervalMs: 15 });
      tailers.push(tailer);
      await tailer.start();
      return tailer;
    };
    const stopAll = async () => {
      for (const t of tailers) await t.stop();
      await writer.drain();
    };
    return { db, writer, path, config, tail, stopAll };
  };
  const stored = async (db: Database) =>
    (await resolveRaw(db, await db.read.selectFrom('log_entries').select(['raw', 'raw_block_id', 'raw_block_line']).orderBy('id').execute())).map((r) => r.raw);

  it('reads a file from the beginning and follows appended lines', async () => {
    const { db, path, tail, stopAll } = await setup();
    const lines = caddyLines(60);
    writeFileSync(path, block(lines.slice(0, 40)));
    const tailer = await tail();
    await tailer.idle();
    appendFileSync(path, block(lines.slice(40)));
    await tailer.idle();
    expect(await stored(db)).toEqual(lines);
    expect(tailer.stats).toMatchObject({ linesRead: 60, written: 60, rejected: 0, bytesBehind: 0 });
    await stopAll();
  });

  it('joins a line written in two pieces', async () => {
    const { db, path, tail, stopAll } = await setup();
    const [line] = caddyLines(1);
    writeFileSync(path, line!.slice(0, 100));
    const tailer = await tail();
    await tailer.idle();
    expect(await countRows(db)).toBe(0);
    appendFileSync(path, `${line!.slice(100)}\n`);
    await tailer.idle();
    expect(await stored(db)).toEqual([line]);
    await stopAll();
  });

  it('follows rotation by rename: finishes the old file, then reads the new one', async () => {
    const { db, path, tail, stopAll } = await setup();
    const lines = caddyLines(30);
    writeFileSync(path, block(lines.slice(0, 10)));
    const tailer = await tail();
    await tailer.idle();
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, block(lines.slice(10, 20))); // written by the proxy just before it reopened
    writeFileSync(path, block(lines.slice(20)));
    await tailer.idle();
    await tailer.idle();
    expect(await stored(db)).toEqual(lines);
    await stopAll();
  });

  it('follows copytruncate', async () => {
    const { db, path, tail, stopAll } = await setup();
    const lines = caddyLines(20);
    writeFileSync(path, block(lines.slice(0, 10)));
    const tailer = await tail();
    await tailer.idle();
    truncateSync(path, 0);
    await tailer.idle();
    appendFileSync(path, block(lines.slice(10, 12)));
    await tailer.idle();
    expect(await stored(db)).toEqual(lines.slice(0, 12));
    await stopAll();
  });

  it('starts a new file at its end when configured to', async () => {
    const { db, path, tail, stopAll } = await setup({ startAt: 'end' });
    const lines = caddyLines(15);
    writeFileSync(path, block(lines.slice(0, 10)));
    const tailer = await tail();
    await tailer.idle();
    appendFileSync(path, block(lines.slice(10)));
    await tailer.idle();
    expect(await stored(db)).toEqual(lines.slice(10));
    await stopAll();
  });

  it('resumes at the committed offset after a restart, also when the file was rotated meanwhile', async () => {
    const { db, path, config, tail, stopAll } = await setup();
    const lines = caddyLines(50);
    writeFileSync(path, block(lines.slice(0, 10)));
    const first = await tail();
    await first.idle();
    await first.stop();
    appendFileSync(path, block(lines.slice(10, 20)));
    const second = await tail();
    await second.idle();
    await second.stop();
    // While stopped: more lines, a rotation, and a new file.
    appendFileSync(path, block(lines.slice(20, 30)));
    renameSync(path, join(dir, `access-${n}-2026-11-24T10-00-00.log`));
    writeFileSync(path, block(lines.slice(30)));
    const third = await tail();
    await third.idle();
    await third.idle();
    expect(await stored(db)).toEqual(lines);
    const source = await loadSource(db, DEFAULT_PROJECT_UUID, config.name);
    const counters = await db.read.selectFrom('ingest_sources').select(['lines_read', 'lines_written', 'byte_offset']).where('id', '=', source.id).executeTakeFirstOrThrow();
    expect(counters).toEqual({ lines_read: 50, lines_written: 50, byte_offset: Buffer.byteLength(block(lines.slice(30))) });
    await stopAll();
  });

  it('keeps bad lines aside with their reason and goes on', async () => {
    const { db, path, tail, stopAll } = await setup();
    const [a, b] = caddyLines(2);
    writeFileSync(path, `${a}\n{"truncated": \n\n${'x'.repeat(70_000)}\n${b}\n`);
    const tailer = await tail();
    await tailer.idle();
    expect(await stored(db)).toEqual([a, b]);
    const rejects = await db.read.selectFrom('ingest_rejects').select(['reason', 'byte_offset', 'source_name']).orderBy('id').execute();
    expect(rejects.map((r) => r.reason)).toEqual([expect.stringMatching(/^malformed JSON/), 'line exceeds 64 KiB (70000 bytes)']);
    expect(rejects[0]!.byte_offset).toBe(Buffer.byteLength(`${a}\n`));
    expect(tailer.stats).toMatchObject({ linesRead: 4, written: 2, rejected: 2 });
    await stopAll();
  });

  it('waits for a file that does not exist yet and records why', async () => {
    const { db, path, config, tail, stopAll } = await setup();
    const tailer = await tail();
    await expect.poll(() => tailer.stats.lastError, { timeout: 5000 }).toMatch(/does not exist/);
    const source = await loadSource(db, DEFAULT_PROJECT_UUID, config.name);
    await expect.poll(async () => (await db.read.selectFrom('ingest_sources').select('last_error').where('id', '=', source.id).executeTakeFirstOrThrow()).last_error, { timeout: 5000 }).toMatch(/does not exist/);
    const lines = caddyLines(3);
    writeFileSync(path, block(lines));
    await new Promise((r) => setTimeout(r, 1200));
    await tailer.idle();
    expect(await stored(db)).toEqual(lines);
    await stopAll();
  });
});

describe('tailing a file onto a full disk [sqlite]', () => {
  const fixture = sqliteFixture();
  const dir = mkdtempSync(join(tmpdir(), 'panoptes-full-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** Caps the database file a few pages above its size (as a full disk would), or lifts the cap. */
  const capPages = (db: Database, extra: number | null) =>
    db.write(async (tx) => {
      const { page_count: pages } = (await sql<{ page_count: number }>`PRAGMA page_count`.execute(tx.db)).rows[0]!;
      await sql.raw(`PRAGMA max_page_count = ${extra === null ? 2 ** 30 : Number(pages) + extra}`).execute(tx.db);
    });

  it('neither moves past lines it could not store nor stores them twice once there is room again', { timeout: 30_000 }, async () => {
    const db = await openMigrated(fixture);
    const writer = new RecordWriter(db, { flushIntervalMs: 10 });
    const path = join(dir, 'access.log');
    // Long request paths: the batch's compressed raw-line block fits in the room left, its rows do
    // not. The block's insert succeeds, then the rows' insert fails with SQLITE_FULL, which rolls
    // the transaction back; the source's new offset, posted with the rows, must not go in alone.
    const lines = caddyLines(20).map((line, i) => {
      const record = JSON.parse(line) as { request: Record<string, unknown> };
      return JSON.stringify({ ...record, request: { ...record.request, uri: `/${'x'.repeat(20_000)}/${i}` } });
    });
    writeFileSync(path, block(lines));
    const config: FileSourceConfig = { projectUuid: DEFAULT_PROJECT_UUID, name: 'caddy-full', path, parser: 'caddy_access' };
    await capPages(db, 8);
    const tailer = new FileTailer(db, writer, config, { pollIntervalMs: 15 });
    await tailer.start();
    await expect.poll(() => tailer.stats.lastError, { timeout: 10_000 }).toMatch(/full/);
    expect(await countRows(db)).toBe(0);
    expect((await loadSource(db, DEFAULT_PROJECT_UUID, config.name)).offset).toBe(0);

    await capPages(db, null);
    await expect.poll(async () => (await loadSource(db, DEFAULT_PROJECT_UUID, config.name)).offset, { timeout: 10_000 }).toBe(Buffer.byteLength(block(lines)));
    await tailer.stop();
    await writer.drain();
    const rows = await db.read.selectFrom('log_entries').select(['raw', 'raw_block_id', 'raw_block_line']).orderBy('id').execute();
    expect((await resolveRaw(db, rows)).map((r) => r.raw)).toEqual(lines);
  });
});
