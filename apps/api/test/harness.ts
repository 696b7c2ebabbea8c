import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DialectFixture } from '@panoptes/db-core/testing';
import pino from 'pino';
import { afterAll } from 'vitest';
import { loadConfig } from '../src/env.js';
import { startServer, type Running } from '../src/server.js';

/** Starts real servers (port 0 on 127.0.0.1) on fresh databases; stops them after the file. */
export function servers(fixture: DialectFixture) {
  const running: Running[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const r of running) await r.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return async (env: Record<string, string> = {}): Promise<Running> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'panoptes-api-'));
    dirs.push(dataDir);
    const config = loadConfig({
      PANOPTES_DATA_DIR: dataDir,
      PANOPTES_DATABASE_URL: await fixture.freshUrl(),
      PANOPTES_MASTER_KEY: randomBytes(32).toString('base64'),
      PANOPTES_PORT: '0',
      PANOPTES_WEB_DIST: join(dataDir, 'no-web'),
      ...env,
    });
    const server = await startServer(config, { logger: pino({ level: 'silent' }), print: () => {} });
    running.push(server);
    return server;
  };
}

/** A browser-like client: keeps the session cookie and sends the CSRF header on mutations. */
export class Client {
  cookie: string | undefined;
  csrf: string | undefined;

  constructor(readonly base: string) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests inspect response bodies loosely
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers; text: string }> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET' && h['x-csrf-token'] === undefined) h['x-csrf-token'] = this.csrf;
    let payload: string | Buffer | undefined;
    if (Buffer.isBuffer(body) || typeof body === 'string') payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.base}${path}`, { method, headers: h, body: payload, signal: AbortSignal.timeout(15_000) });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    const json = parsed as { csrf?: string };
    if (json && typeof json === 'object' && typeof json.csrf === 'string') this.csrf = json.csrf;
    return { status: response.status, body: parsed, headers: response.headers, text };
  }
}

/** Creates the first admin through the setup token and returns a signed-in client. */
export async function setupAdmin(server: Running, username = 'ada', email = 'ada@a.example'): Promise<Client> {
  const client = new Client(server.url);
  const token = server.ctx.setupToken.value;
  const res = await client.call('POST', '/api/auth/setup', { token, username, password: 'correct horse battery', email });
  if (res.status !== 200) throw new Error(`setup failed: ${res.status} ${res.text}`);
  return client;
}
