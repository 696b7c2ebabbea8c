import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROJECT_UUID } from '@panoptes/db-core';
import { describeEachDialect } from '@panoptes/db-core/testing';
import { openMigrated } from '@panoptes/migrations/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTailer, RecordWriter } from '../src/index.js';
import { hasCaddy, hasNginxModSecurity, startCaddy, startNginxModSecurity, stop } from './fixtures/real/peers.js';

const MODSECURITY_CONF = new URL('./fixtures/real/modsecurity.conf', import.meta.url).pathname;

if (!hasCaddy || !hasNginxModSecurity) {
  describe('real Caddy and nginx + ModSecurity', () => {
    it.skip(`skipped: install the Debian packages caddy, nginx, libnginx-mod-http-modsecurity and modsecurity-crs to run it (caddy ${hasCaddy}, nginx+modsecurity ${hasNginxModSecurity})`, () => {});
  });
}

/** Sends a fixed list of GET requests (bounded: each once, 5 s timeout); node:http lets us set Host. */
async function send(port: number, paths: readonly string[], headers: Record<string, string> = {}): Promise<number[]> {
  const statuses: number[] = [];
  for (const path of paths) {
    statuses.push(
      await new Promise<number>((resolve, reject) => {
        const request = get({ host: '127.0.0.1', port, path, headers, timeout: 5_000 }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        });
        request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out`)));
        request.on('error', reject);
      }),
    );
  }
  return statuses;
}

describeEachDialect('lines fresh from the real programs', (fixture) => {
  const dir = mkdtempSync(join(tmpdir(), 'panoptes-peers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.runIf(hasCaddy)('tails Caddy\'s access and error logs while Caddy serves requests', async () => {
    const caddy = await startCaddy(join(dir, `caddy-${fixture.dialect}`));
    try {
      const db = await openMigrated(fixture);
      const writer = new RecordWriter(db, { flushIntervalMs: 10 });
      const access = new FileTailer(db, writer, { projectUuid: DEFAULT_PROJECT_UUID, name: 'caddy', path: caddy.accessLog, parser: 'caddy_access' }, { pollIntervalMs: 20 });
      const errors = new FileTailer(db, writer, { projectUuid: DEFAULT_PROJECT_UUID, name: 'caddy-errors', path: caddy.errorLog, parser: 'caddy_error' }, { pollIntervalMs: 20 });
      await access.start();
      await errors.start();
      const paths = ['/hello', '/hello?x=1', '/forbidden', '/missing', '/err500', '/dead/thing', '/'];
      const statuses = await send(caddy.port, paths, { 'User-Agent': 'panoptes-test/1.0' });
      expect(statuses).toEqual([200, 200, 403, 404, 500, 502, 200]);
      await new Promise((r) => setTimeout(r, 300));
      await access.idle();
      await errors.idle();
      const rows = await db.read.selectFrom('log_entries').select(['path', 'status', 'user_agent', 'host_domain', 'method']).where('source', '=', 'caddy_access').orderBy('id').execute();
      expect(rows).toEqual(paths.map((path, i) => ({ path, status: statuses[i], user_agent: 'panoptes-test/1.0', host_domain: '127.0.0.1', method: 'GET' })));
      const errorRows = await db.read.selectFrom('log_entries').select(['status', 'message']).where('source', '=', 'caddy_error').where('status', 'is not', null).execute();
      expect(errorRows.map((r) => r.status).sort()).toEqual([500, 502]);
      expect(access.stats.rejected + errors.stats.rejected).toBe(0);
      await access.stop();
      await errors.stop();
      await writer.close();
    } finally {
      await stop(caddy.process);
    }
  });

  it.runIf(hasNginxModSecurity)('ingests ModSecurity audit entries while nginx blocks attacks', { timeout: 60_000 }, async () => {
    const nginx = await startNginxModSecurity(join(dir, `nginx-${fixture.dialect}`), MODSECURITY_CONF);
    try {
      const db = await openMigrated(fixture);
      const writer = new RecordWriter(db, { flushIntervalMs: 10 });
      const tailer = new FileTailer(db, writer, { projectUuid: DEFAULT_PROJECT_UUID, name: 'modsec', path: nginx.auditLog, parser: 'modsec_audit' }, { pollIntervalMs: 20 });
      await tailer.start();
      const attacks = ["/search?id=1'%20OR%20'1'='1", '/download?file=../../../../etc/passwd', '/q?x=%3Cscript%3Ealert(1)%3C/script%3E'];
      const statuses = await send(nginx.port, ['/', ...attacks], { Host: 'app.example.test', 'User-Agent': 'curl/8.0' });
      expect(statuses).toEqual([200, 403, 403, 403]);
      await new Promise((r) => setTimeout(r, 300));
      await tailer.idle();
      const rows = await db.read
        .selectFrom('log_entries')
        .select(['path', 'status', 'waf_rule_id', 'waf_blocked', 'waf_anomaly_score', 'host_domain'])
        .where('source', '=', 'waf_audit')
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.waf_rule_id)).toEqual([942100, 930100, 941100]);
      for (const row of rows) expect(row).toMatchObject({ status: 403, waf_blocked: true, host_domain: 'app.example.test' });
      expect(rows.every((r) => (r.waf_anomaly_score ?? 0) >= 5)).toBe(true);
      const rollup = await db.read.selectFrom('log_rollups_minute').select((eb) => eb.fn.sum<number>('waf_blocks').as('blocks')).executeTakeFirstOrThrow();
      expect(Number(rollup.blocks)).toBe(3);
      await tailer.stop();
      await writer.close();
    } finally {
      await stop(nginx.process);
    }
  });
});
