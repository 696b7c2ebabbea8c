import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describeEachDialect } from '@panoptes/db-core/testing';
import { afterAll, expect, it } from 'vitest';
import { caddyLines } from './fixtures/lines.js';

const CHILD = new URL('./fixtures/tail-in-child.ts', import.meta.url).pathname;
const PACKAGE_DIR = new URL('..', import.meta.url).pathname;
const LINES = 50_000;
const BAD = 50;

/** Runs the tailing child; kills it with SIGKILL after `killAfterMs` unless it finishes first. */
function runChild(url: string, path: string, killAfterMs: number): Promise<'done' | 'killed'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@panoptes/source', CHILD, url, path], { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { started?: boolean; done?: boolean };
      if (message.started) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      if (message.done) done = true;
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(done ? 'done' : 'killed');
    });
  });
}

describeEachDialect('exactly once across SIGKILL', (fixture) => {
  const dir = mkdtempSync(join(tmpdir(), 'panoptes-kill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores every line once however often the tailer is killed', { timeout: 240_000 }, async () => {
    const lines = caddyLines(LINES);
    // Sprinkle bad lines in: they must be counted once too.
    const content = lines.map((l, i) => (i % (LINES / BAD) === 7 ? `${l}\n{"broken": ${i}\n` : `${l}\n`)).join('');
    const path = join(dir, `access-${fixture.dialect}.log`);
    writeFileSync(path, content);
    const url = await fixture.freshUrl();

    // Deterministic "random" kill points, spread over a run.
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const runs: string[] = [];
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const killAfter = attempt < 8 ? 40 + Math.floor(next() * 400) : 60_000;
      const result = await runChild(url, path, killAfter);
      runs.push(`${result}@${killAfter}ms`);
      if (result === 'done') break;
    }
    console.log(`exactly-once [${fixture.dialect}]: ${runs.join(', ')}`);
    expect(runs.at(-1)).toMatch(/^done/);
    expect(runs.filter((r) => r.startsWith('killed')).length).toBeGreaterThanOrEqual(6);

    const db = await fixture.open({ url });
    const { rows, distinct } = await db.read
      .selectFrom('log_entries')
      .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.count<number>('content_hash').distinct().as('distinct')])
      .executeTakeFirstOrThrow();
    expect(Number(rows)).toBe(LINES);
    expect(Number(distinct)).toBe(LINES);
    const source = await db.read.selectFrom('ingest_sources').selectAll().where('name', '=', 'killed').executeTakeFirstOrThrow();
    // Counters commit with the offset: each line was read exactly once in committed state.
    expect(source).toMatchObject({ lines_read: LINES + BAD, lines_written: LINES, lines_rejected: BAD, byte_offset: statSync(path).size });
    expect(Number((await db.read.selectFrom('ingest_rejects').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(BAD);
  });
});
