import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '@panoptes/db-core/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/**
 * The real api serving the built panel, and Debian's Chromium driving it. Each test file starts its
 * own server on a free 127.0.0.1 port with a throwaway data folder, and stops it by its PID.
 */

const API_DIR = new URL('../../api/', import.meta.url).pathname;
/** The built panel (`vite build`); PANOPTES_TEST_WEB_DIST points elsewhere to test another build. */
export const DIST = process.env.PANOPTES_TEST_WEB_DIST ?? new URL('../dist/', import.meta.url).pathname;
/** Screenshots of each main page land here (the test output folder, kept after the run). */
export const SCREENSHOTS = new URL('../test-output/screenshots/', import.meta.url).pathname;
export const CADDY_SAMPLE = new URL('../../../packages/ingest/test/fixtures/caddy-access.jsonl', import.meta.url).pathname;

export const CADDY_ERROR_SAMPLE = new URL('../../../packages/ingest/test/fixtures/caddy-error.jsonl', import.meta.url).pathname;

export const ADMIN = { username: 'ada', password: 'correct horse battery' } as const;

export interface Panel {
  readonly url: string;
  /** The one-time setup token the server printed. */
  readonly setupToken: string;
  readonly dir: string;
  readonly browser: Browser;
  stop(): Promise<void>;
}

/** How long the server may take to print its setup token. */
const START_TIMEOUT_MS = 90_000;

export async function startPanel(env: Record<string, string> = {}): Promise<Panel> {
  const dir = mkdtempSync(join(tmpdir(), 'panoptes-web-'));
  const port = await freePort();
  const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--conditions=@panoptes/source', 'src/cli.ts', 'serve'], {
    cwd: API_DIR,
    env: { ...process.env, PANOPTES_DATA_DIR: join(dir, 'data'), PANOPTES_MASTER_KEY_FILE: join(dir, 'panoptes.key'), PANOPTES_PORT: String(port), PANOPTES_WEB_DIST: DIST, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const kill = async () => {
    if (server.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // The server runs from the sources through tsx: on a loaded 2-core machine its start took over 30 s.
  const setupToken = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    createInterface({ input: server.stdout! }).on('line', (line) => {
      const t = /^\s{4}([A-Za-z0-9_-]{24})$/.exec(line);
      if (t) {
        clearTimeout(timer);
        resolve(t[1]!);
      }
    });
  }).catch(async (error: unknown) => {
    await kill();
    throw error;
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'] }).catch(async (error: unknown) => {
    await kill();
    throw error;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    setupToken,
    dir,
    browser,
    async stop() {
      await browser.close();
      await kill();
    },
  };
}

/** One panel for the test file: started before its tests, stopped after them. */
export function panelPerFile(env: Record<string, string> = {}): Panel {
  let current: Panel | undefined;
  beforeAll(async () => {
    current = await startPanel(env);
  }, START_TIMEOUT_MS + 30_000);
  afterAll(async () => {
    await current?.stop();
  });
  return new Proxy({} as Panel, {
    get(_target, key: keyof Panel) {
      if (current === undefined) throw new Error('the panel starts in beforeAll');
      return current[key];
    },
  });
}

/** A page that records every dialog (an XSS payload that ran would open one). */
export async function newPage(panel: Panel): Promise<{ page: Page; dialogs: string[] }> {
  const page = await (await panel.browser.newContext()).newPage();
  page.setDefaultTimeout(15_000);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { page, dialogs };
}

/** Creates the first admin through the setup form and waits for the dashboard. */
export async function setupAdminInBrowser(panel: Panel, page: Page, email?: string): Promise<void> {
  await page.goto(panel.url);
  await page.getByLabel('Setup token (printed by the server at start)').fill(panel.setupToken);
  await page.getByLabel('User name').fill(ADMIN.username);
  if (email !== undefined) await page.getByLabel('E-mail (optional)').fill(email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create admin' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}

/** Calls the api from inside the page with its session cookie and CSRF token. */
export async function apiInPage<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = await (await fetch('/api/auth/me')).json();
      const res = await fetch(path, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as never;
    },
    { method, path, body },
  );
}

/** An ingest token made with the page's session. */
export async function ingestToken(page: Page, name = 'agent'): Promise<string> {
  return (await apiInPage<{ token: string }>(page, 'POST', '/api/tokens', { name })).token;
}

/** Sends NDJSON lines to the ingest endpoint with a Bearer token; returns how many were accepted. */
export async function ingest(panel: Panel, token: string, lines: readonly string[], source = 'edge', parser = 'caddy_access'): Promise<number> {
  const res = await fetch(`${panel.url}/api/ingest/${source}?parser=${parser}`, { method: 'POST', body: lines.join('\n'), headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`ingest: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accepted: number }).accepted;
}

/** Saves a full-page screenshot as `<name>.png` in the test output folder. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
