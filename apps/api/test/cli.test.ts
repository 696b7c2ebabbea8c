import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachDialect, sqliteFixture } from '@panoptes/db-core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '@panoptes/migrations';
import { loadConfig } from '../src/env.js';
import { startServer } from '../src/server.js';
import pino from 'pino';

const API_DIR = new URL('..', import.meta.url).pathname;
const SAMPLE = new URL('../../../packages/ingest/test/fixtures/caddy-access-903.jsonl', import.meta.url).pathname;

describe('the command line and a running server [sqlite]', () => {
  const fixture = sqliteFixture();
  const dir = mkdtempSync(join(tmpdir(), 'panoptes-cli-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const setup = async () => {
    const env = { PANOPTES_DATA_DIR: join(dir, 'data'), PANOPTES_DATABASE_URL: await fixture.freshUrl(), PANOPTES_MASTER_KEY_FILE: join(dir, 'panoptes.key'), PANOPTES_PORT: '0' };
    const cli = (args: string[]) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@panoptes/source', 'src/cli.ts', ...args], { cwd: API_DIR, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    return { env, cli };
  };

  it('refuses commands that need the database while a server holds it', { timeout: 120_000 }, async () => {
    const { env, cli } = await setup();
    const running = await startServer(loadConfig(env), { logger: pino({ level: 'silent' }), print: () => {} });
    try {
      expect(cli(['migrate', 'up'])).toMatchObject({ code: 3, err: expect.stringContaining('stop the server first') });
    } finally {
      await running.stop();
    }
    expect(cli(['migrate', 'up']).code).toBe(0);
  });

  it('describes every command in its help', { timeout: 120_000 }, async () => {
    const { cli } = await setup();
    for (const group of [[], ['migrate'], ['user'], ['backup'], ['key'], ['settings']]) {
      const help = cli([...group, '--help']);
      expect(help.code, group.join(' ')).toBe(0);
      const commands = help.out.split('Commands:')[1]!.split('\n').filter((line) => /^ {2}\S/.test(line));
      expect(commands.length, group.join(' ')).toBeGreaterThan(1);
      // A name (with its arguments), two spaces or more, then what it does.
      for (const line of commands) expect(line, `panoptes ${group.join(' ')} --help`).toMatch(/^ {2}\S.*\S {2,}\S/);
    }
  });
});

describeEachDialect('the panoptes command line', (fixture) => {
  const dir = mkdtempSync(join(tmpdir(), 'panoptes-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const setup = async () => {
    const env = { PANOPTES_DATA_DIR: join(dir, `data-${Math.random()}`), PANOPTES_DATABASE_URL: await fixture.freshUrl(), PANOPTES_MASTER_KEY_FILE: join(dir, `${Math.random()}.key`), PANOPTES_PORT: '0' };
    const cli = (args: string[], input?: string) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@panoptes/source', 'src/cli.ts', ...args], { cwd: API_DIR, env: { ...process.env, ...env }, input, encoding: 'utf8', timeout: 60_000 });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    return { env, cli };
  };

  it('creates users, changes settings, imports files and takes backups', { timeout: 300_000 }, async () => {
    const { cli } = await setup();
    expect(cli(['user', 'create', '--username', 'ops', '--admin', '--password-stdin'], 'a very long password\n')).toMatchObject({ code: 0, out: expect.stringContaining('created admin ops') });
    expect(cli(['user', 'reset-password', '--username', 'ops'])).toMatchObject({ code: 0, out: expect.stringMatching(/^new password for ops: \S{24}\n$/) });
    expect(cli(['user', 'disable-totp', '--username', 'ops'])).toMatchObject({ code: 0, out: expect.stringContaining('two-factor sign-in disabled for ops') });
    for (const command of ['reset-password', 'disable-totp']) expect(cli(['user', command, '--username', 'nobody'])).toMatchObject({ code: 1, err: expect.stringContaining('no user nobody') });
    expect(cli(['settings', 'set', 'logs.retention_days', '7'])).toMatchObject({ code: 0 });
    expect(JSON.parse(cli(['settings', 'get', 'logs.retention_days']).out)).toBe(7);
    expect(cli(['settings', 'set', 'logs.retention_days', '0'])).toMatchObject({ code: 1, err: expect.stringContaining('logs.retention_days') });
    const first = cli(['ingest', SAMPLE, '--parser', 'caddy_access']);
    expect(JSON.parse(first.out)).toMatchObject({ lines: 903, inserted: 903 });
    expect(JSON.parse(cli(['ingest', SAMPLE, '--parser', 'caddy_access']).out)).toMatchObject({ inserted: 0, duplicates: 903 });
    expect(cli(['ingest', SAMPLE, '--parser', 'nginx'])).toMatchObject({ code: 1, err: expect.stringContaining('--parser must be one of') });
    const backup = JSON.parse(cli(['backup', 'create', '--note', 'cli']).out) as { filename: string };
    expect(JSON.parse(cli(['backup', 'verify', backup.filename]).out)).toMatchObject({ ok: true });
    expect(cli(['migrate', 'status']).out).toContain(`"current": "${(await loadMigrations()).at(-1)!.version}"`);
  });

  it('rotates the master key: every secret moves to the new key and the server still starts', { timeout: 120_000 }, async () => {
    const { env, cli } = await setup();
    const first = await startServer(loadConfig(env), { logger: pino({ level: 'silent' }), print: () => {} }); // creates the key file and VAPID keys
    await first.stop();
    const before = readFileSync(env.PANOPTES_MASTER_KEY_FILE, 'utf8');
    const rotated = cli(['key', 'rotate']);
    expect(rotated.code).toBe(0);
    const report = JSON.parse(rotated.out.slice(0, rotated.out.lastIndexOf('}') + 1)) as { fields: { name: string; rotated: number }[] };
    expect(report.fields.find((f) => f.name === 'settings.value')!.rotated).toBe(1);
    const after = readFileSync(env.PANOPTES_MASTER_KEY_FILE, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(after).toHaveLength(1);
    expect(before).not.toContain(after[0]);
    const second = await startServer(loadConfig(env), { logger: pino({ level: 'silent' }), print: () => {} });
    const res = await fetch(`${second.url}/healthz`);
    expect(res.status).toBe(200);
    await second.stop();
  });
});
