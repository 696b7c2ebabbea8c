import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROJECT_UUID } from '@panoptes/db-core';
import { describeEachDialect } from '@panoptes/db-core/testing';
import { openMigrated } from '@panoptes/migrations/testing';
import { afterAll, expect, it } from 'vitest';
import { importFile, ingestBatch, RecordWriter } from '../src/index.js';
import { caddyLines, countRows, FIXTURES, sampleLines } from './fixtures/lines.js';

describeEachDialect('importing files and batches', (fixture) => {
  const dir = mkdtempSync(join(tmpdir(), 'panoptes-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a whole file, and importing it again stores nothing twice', async () => {
    const db = await openMigrated(fixture);
    const writer = new RecordWriter(db, { batchSize: 256 });
    const progress: number[] = [];
    const first = await importFile(writer, join(FIXTURES, 'caddy-access-903.jsonl'), { projectUuid: DEFAULT_PROJECT_UUID, parser: 'caddy_access', onProgress: (b) => progress.push(b) });
    expect(first).toMatchObject({ lines: 903, inserted: 903, duplicates: 0, rejected: 0 });
    expect(progress.at(-1)).toBe(first.bytes);
    const second = await importFile(writer, join(FIXTURES, 'caddy-access-903.jsonl'), { projectUuid: DEFAULT_PROJECT_UUID, parser: 'caddy_access' });
    expect(second).toMatchObject({ lines: 903, inserted: 0, duplicates: 903 });
    expect(await countRows(db)).toBe(903);
    const audit = await importFile(writer, join(FIXTURES, 'modsec-audit.jsonl'), { projectUuid: DEFAULT_PROJECT_UUID, parser: 'modsec_audit' });
    expect(audit).toMatchObject({ lines: 12, inserted: 12 });
    await writer.close();
  });

  it('counts and keeps the bad lines of an import', async () => {
    const db = await openMigrated(fixture);
    const writer = new RecordWriter(db);
    const path = join(dir, `mixed-${fixture.dialect}.log`);
    const [a, b] = caddyLines(2);
    writeFileSync(path, Buffer.concat([Buffer.from(`${a}\nnot json\n`), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(`${b}`)]));
    const report = await importFile(writer, path, { projectUuid: DEFAULT_PROJECT_UUID, parser: 'caddy_access', sourceName: 'manual import' });
    expect(report).toMatchObject({ lines: 4, inserted: 2, rejected: 2 });
    const rejects = await db.read.selectFrom('ingest_rejects').select(['reason', 'line_number', 'source_name']).orderBy('id').execute();
    expect(rejects).toEqual([
      { reason: expect.stringMatching(/^malformed JSON/), line_number: 2, source_name: 'manual import' },
      { reason: 'invalid UTF-8', line_number: 3, source_name: 'manual import' },
    ]);
    await writer.close();
  });

  it('answers an NDJSON batch line by line, and a retried batch stores nothing twice', async () => {
    const db = await openMigrated(fixture);
    const writer = new RecordWriter(db);
    const lines = sampleLines('caddy-access.jsonl').slice(0, 3);
    const body = Buffer.from(`${lines[0]}\n${lines[1]}\n\n{"level":1}\n${lines[2]}`);
    const first = await ingestBatch(writer, body, { projectUuid: DEFAULT_PROJECT_UUID, parser: 'caddy_access', sourceName: 'http:agent-1' });
    expect(first).toMatchObject({ accepted: 3, duplicates: 0, rejected: 1 });
    expect(first.results).toEqual([
      { line: 1, status: 'inserted' },
      { line: 2, status: 'inserted' },
      { line: 4, status: 'rejected', reason: 'not a Caddy access entry: request is missing' },
      { line: 5, status: 'inserted' },
    ]);
    const retry = await ingestBatch(writer, body, { projectUuid: DEFAULT_PROJECT_UUID, parser: 'caddy_access', sourceName: 'http:agent-1' });
    expect(retry).toMatchObject({ accepted: 0, duplicates: 3, rejected: 1 });
    expect(await countRows(db)).toBe(3);
    await writer.close();
  });

  it('queues bodies that arrive together one after the other, each whole', async () => {
    const db = await openMigrated(fixture);
    const writer = new RecordWriter(db);
    const lines = caddyLines(1800);
    const bodies = [0, 1, 2].map((n) => Buffer.from(lines.slice(n * 600, (n + 1) * 600).join('\n')));
    const reports = await Promise.all(bodies.map((body) => ingestBatch(writer, body, { projectUuid: DEFAULT_PROJECT_UUID, parser: 'caddy_access', sourceName: 'http:agent-1' })));
    expect(reports.map((r) => r.accepted)).toEqual([600, 600, 600]);
    // The lines' times rise through the bodies: stored in the order of their ids, each body's rows come whole, in order.
    const ts = (await db.read.selectFrom('log_entries').select('ts').orderBy('id').execute()).map((r) => Number(r.ts));
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    await writer.close();
  });
});
