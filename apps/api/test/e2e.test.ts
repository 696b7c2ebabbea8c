import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describeEachDialect, freePort } from '@panoptes/db-core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from './harness.js';
import { HttpReceiver } from './receiver.js';

const API_DIR = new URL('..', import.meta.url).pathname;
const SAMPLES = new URL('../../../packages/ingest/test/fixtures/', import.meta.url).pathname;


// The server runs as `npm start` runs it: bundled into one module.
beforeAll(async () => {
  const child = spawn(process.execPath, ['scripts/bundle.mjs'], { cwd: API_DIR, stdio: 'inherit' });
  expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
}, 60_000);

/** Starts the bundled `panoptes serve` as its own process; resolves with its URL and, on a fresh install, the setup token. */
function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; token: string | null }> {
  return new Promise((resolve, reject) => {
    // Without the NODE_PATH pnpm's shims give the test runner (every hoisted package): `npm start` has none.
    const { NODE_PATH: _, ...inherited } = process.env;
    const child = spawn(process.execPath, ['bundle/panoptes.mjs', 'serve'], { cwd: API_DIR, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let token: string | null = null;
    const timer = setTimeout(() => reject(new Error('the server did not start within 30 s')), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const t = /^\s{4}([A-Za-z0-9_-]{24})$/.exec(line);
      if (t) token = t[1]!;
      if (line.includes('Panoptes is listening')) {
        const url = (JSON.parse(line) as { url: string }).url;
        // The token is printed right after the listening line.
        setTimeout(() => {
          clearTimeout(timer);
          resolve({ child, url, token });
        }, 300);
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) while starting`)));
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeEachDialect('the server end to end', (fixture) => {
  const dir = mkdtempSync(join(tmpdir(), 'panoptes-e2e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ingests, searches, notifies, backs up, restores at restart', { timeout: 120_000 }, async () => {
    const receiver = await new HttpReceiver().start();
    const env = {
      PANOPTES_DATA_DIR: join(dir, `data-${fixture.dialect}`),
      PANOPTES_DATABASE_URL: await fixture.freshUrl(),
      PANOPTES_MASTER_KEY_FILE: join(dir, `${fixture.dialect}.key`),
      PANOPTES_PORT: String(await freePort()),
      PANOPTES_LOG_LEVEL: 'info',
    };
    let server = await serve(env);
    try {
      expect(server.token).not.toBeNull();
      const admin = new Client(server.url);
      expect((await admin.call('POST', '/api/auth/setup', { token: server.token, username: 'ada', password: 'correct horse battery' })).status).toBe(200);

      const channel = (await admin.call('POST', '/api/notifications/channels', { name: 'hook', type: 'webhook', config: { url: receiver.url } })).body.channel;
      expect((await admin.call('POST', '/api/notifications/rules', { name: 'waf', channelId: channel.id, eventType: 'waf.*' })).status).toBe(201);
      const token = (await admin.call('POST', '/api/tokens', { name: 'edge' })).body.token as string;

      // A tailed file...
      const log = join(dir, `access-${fixture.dialect}.log`);
      const caddy = readFileSync(`${SAMPLES}caddy-access.jsonl`, 'utf8').split('\n').filter(Boolean);
      writeFileSync(log, `${caddy.slice(0, 30).join('\n')}\n`);
      expect((await admin.call('POST', '/api/sources', { name: 'caddy', path: log, parser: 'caddy_access' })).status).toBe(201);
      appendFileSync(log, `${caddy.slice(30).join('\n')}\n`);
      // ...and the HTTP ingest API.
      const agent = new Client(server.url);
      const modsec = readFileSync(`${SAMPLES}modsec-audit.jsonl`, 'utf8');
      expect((await agent.call('POST', '/api/ingest/waf?parser=modsec_audit', modsec, { authorization: `Bearer ${token}` })).body).toMatchObject({ accepted: 12 });

      const accessRows = await until('the tailed lines', async () => {
        const res = await admin.call('GET', '/api/logs?source=caddy_access&limit=100');
        return res.body.entries.length === caddy.length ? res.body.entries : undefined;
      });
      expect(accessRows).toHaveLength(50);
      expect((await admin.call('GET', '/api/logs?source=waf_audit&wafRule=942100')).body.entries).toHaveLength(2);
      // Blocked WAF entries became waf.blocked notifications, delivered to the receiver.
      await until('the waf.blocked webhooks', async () => (receiver.requests.length >= 11 ? true : undefined));
      expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ type: 'waf.blocked', severity: 'critical' });
      // A delivery turns 'sent' once the receiver has answered, a moment after it got the request.
      const ledger = await until('the sent deliveries', async () => {
        const sent = (await admin.call('GET', '/api/notifications/deliveries?status=sent')).body.deliveries as unknown[];
        return sent.length >= 11 ? sent : undefined;
      });
      expect(ledger.length).toBeGreaterThanOrEqual(11);

      // Back up, change something, schedule the restore, restart: the change is gone.
      const backup = (await admin.call('POST', '/api/backups', { note: 'e2e' })).body.backup;
      await admin.call('PUT', '/api/settings/logs.retention_days', { value: 9 });
      expect((await admin.call('POST', `/api/backups/${backup.filename}/restore`)).body).toMatchObject({ scheduled: true, ok: true });
      expect((await admin.call('GET', '/api/backups')).body.pendingRestore).toBe(backup.filename);
      expect(await stop(server.child)).toBe(0);
      server = await serve(env);
      const again = new Client(server.url);
      expect((await again.call('POST', '/api/auth/login', { username: 'ada', password: 'correct horse battery' })).status).toBe(200);
      const settings = (await again.call('GET', '/api/settings')).body.settings as { key: string; value: unknown }[];
      expect(settings.find((s) => s.key === 'logs.retention_days')!.value).toBe(30);
      expect((await again.call('GET', '/api/backups')).body).toMatchObject({ lastRestore: { status: 'restored', archive: backup.filename }, pendingRestore: null });
      expect((await again.call('GET', '/api/logs?source=caddy_access&limit=100')).body.entries).toHaveLength(50);
    } finally {
      await stop(server.child);
      await receiver.stop();
    }
  });
});
