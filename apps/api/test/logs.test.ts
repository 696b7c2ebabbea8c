import { readFileSync } from 'node:fs';
import { DEFAULT_PROJECT_UUID } from '@panoptes/db-core';
import { generateToken, hashToken } from '@panoptes/crypto';
import { describeEachDialect } from '@panoptes/db-core/testing';
import { expect, it } from 'vitest';
import type { Running } from '../src/server.js';
import { Client, servers, setupAdmin } from './harness.js';

const SAMPLES = new URL('../../../packages/ingest/test/fixtures/', import.meta.url).pathname;
const caddy = readFileSync(`${SAMPLES}caddy-access-903.jsonl`, 'utf8');
const modsec = readFileSync(`${SAMPLES}modsec-audit.jsonl`, 'utf8');

/** An API token for a project, made the way the token routes will make it. */
async function apiToken(server: Running, projectUuid = DEFAULT_PROJECT_UUID): Promise<string> {
  const token = generateToken('api');
  await server.ctx.db.write((tx) => tx.db.insertInto('api_tokens').values({ project_uuid: projectUuid, name: 'agent', token_hash: hashToken(token), created_at: Date.now() }).execute());
  return token;
}

describeEachDialect('ingest and log search over HTTP', (fixture) => {
  const start = servers(fixture);

  it('ingests NDJSON with an API token, answering per line, and stores a retried batch once', async () => {
    const server = await start();
    const token = await apiToken(server);
    const agent = new Client(server.url);
    const body = `${caddy.split('\n').slice(0, 3).join('\n')}\n{"broken":\n`;
    const first = await agent.call('POST', '/api/ingest/edge-1?parser=caddy_access', body, { authorization: `Bearer ${token}` });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 0, rejected: 1 });
    expect(first.body.results[3]).toMatchObject({ line: 4, status: 'rejected', reason: expect.stringMatching(/^malformed JSON/) });
    const retry = await agent.call('POST', '/api/ingest/edge-1', body, { authorization: `Bearer ${token}` });
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 3, rejected: 1 });
    expect((await agent.call('POST', '/api/ingest/edge-1', body)).status).toBe(401);
    expect((await agent.call('POST', '/api/ingest/new-source', body, { authorization: `Bearer ${token}` })).body.error.fields[0].field).toBe('parser');
    const admin = await setupAdmin(server);
    const sources = (await admin.call('GET', '/api/sources')).body.sources;
    expect(sources).toEqual([expect.objectContaining({ name: 'edge-1', kind: 'http', parser: 'caddy_access', lines_read: 8, lines_written: 3, lines_rejected: 2 })]);
  });

  it('searches with every filter, pages by keyset while rows arrive, and shows facets and time series', async () => {
    const server = await start();
    const token = await apiToken(server);
    const agent = new Client(server.url);
    await agent.call('POST', '/api/ingest/caddy?parser=caddy_access', caddy, { authorization: `Bearer ${token}` });
    await agent.call('POST', '/api/ingest/waf?parser=modsec_audit', modsec, { authorization: `Bearer ${token}` });
    const admin = await setupAdmin(server);
    const all = await admin.call('GET', '/api/logs?source=caddy_access&limit=500');
    expect(all.body.entries).toHaveLength(500);
    const count = async (query: string) => {
      let n = 0;
      let cursor: string | null = null;
      do {
        const res: { body: { entries: unknown[]; nextCursor: string | null } } = await admin.call('GET', `/api/logs?${query}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
        n += res.body.entries.length;
        cursor = res.body.nextCursor;
      } while (cursor !== null);
      return n;
    };
    const lines = caddy.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { status: number; request: { method: string; uri: string; headers: Record<string, string[]> } });
    expect(await count('source=caddy_access')).toBe(903);
    expect(await count('source=caddy_access&status=404')).toBe(lines.filter((l) => l.status === 404).length);
    expect(await count('source=caddy_access&statusClass=5')).toBe(lines.filter((l) => l.status >= 500).length);
    expect(await count('source=caddy_access&method=POST')).toBe(lines.filter((l) => l.request.method === 'POST').length);
    expect(await count('source=caddy_access&path=ADMIN')).toBe(lines.filter((l) => l.request.uri.toLowerCase().includes('admin')).length);
    expect(await count('source=waf_audit&wafRule=942100')).toBe(2);
    expect(await count('ip=127.0.0.0/8&source=caddy_access')).toBe(903);
    expect(await count('source=caddy_access&q=sqlmap')).toBe(lines.filter((l) => (l.request.headers['User-Agent']?.[0] ?? '').includes('sqlmap')).length);

    // Keyset pages stay stable while new rows arrive.
    const page1 = await admin.call('GET', '/api/logs?source=caddy_access&limit=10');
    await agent.call('POST', '/api/ingest/caddy', JSON.stringify({ ...JSON.parse(caddy.split('\n')[0]!), ts: 4e9 }), { authorization: `Bearer ${token}` });
    const page2 = await admin.call('GET', `/api/logs?source=caddy_access&limit=10&cursor=${page1.body.nextCursor}`);
    const ids = [...page1.body.entries, ...page2.body.entries].map((e: { id: number }) => e.id);
    expect(new Set(ids).size).toBe(20);
    const fresh = await admin.call('GET', '/api/logs?source=caddy_access&limit=10');
    expect(fresh.body.entries.slice(1).map((e: { id: number }) => e.id)).toEqual(page1.body.entries.slice(0, 9).map((e: { id: number }) => e.id));

    const statuses = await admin.call('GET', '/api/logs/facets?field=status&source=caddy_access');
    expect(statuses.body.values.reduce((n: number, v: { count: number }) => n + v.count, 0)).toBe(904);
    const series = await admin.call('GET', `/api/logs/timeseries?from=0&to=${5e12}&bucketSeconds=3600`);
    expect(series.body.points.reduce((n: number, p: { requests: number }) => n + p.requests, 0)).toBe(904);
    expect(series.body.points.reduce((n: number, p: { wafBlocks: number }) => n + p.wafBlocks, 0)).toBe(11);

    const detail = await admin.call('GET', `/api/logs/${page1.body.entries[0].id}`);
    expect(detail.body.entry.raw).toContain('"handled request"');
    // Stored compressed in a block, served back byte for byte as it was ingested.
    expect(caddy.split('\n')).toContain(detail.body.entry.raw);
    expect(detail.body.entry).not.toHaveProperty('raw_block_id');
    const csv = await admin.call('GET', '/api/logs/export?format=csv&source=waf_audit');
    expect(csv.text.split('\n')[0]).toMatch(/^id,ts,source/);
    expect(csv.text.trim().split('\n')).toHaveLength(13);
    expect((await admin.call('GET', '/api/logs?cursor=garbage')).status).toBe(400);
    expect((await admin.call('GET', '/api/logs?status=abc')).body.error.fields[0].field).toBe('status');
  });

  it('keeps each project\'s data to the users and tokens of that project', async () => {
    const server = await start();
    const admin = await setupAdmin(server, 'ada', 'ada@a.example');
    const B = '00000000-0000-0000-0000-0000000000bb';
    await server.ctx.db.write((tx) => tx.db.insertInto('projects').values({ uuid: B, name: 'B', allowed_emails: '["bob@b.example"]', allowed_domains: '[]', created_at: 1, updated_at: 1 }).execute());
    const tokenB = await apiToken(server, B);
    const tokenA = await apiToken(server);
    const agent = new Client(server.url);
    await agent.call('POST', '/api/ingest/b?parser=caddy_access', caddy.split('\n')[0]!, { authorization: `Bearer ${tokenB}` });
    expect((await admin.call('GET', '/api/logs', undefined, { 'x-project': B })).status).toBe(403);
    expect((await admin.call('GET', '/api/logs/facets?field=host', undefined, { 'x-project': B })).status).toBe(403);
    expect((await admin.call('GET', '/api/sources', undefined, { 'x-project': B })).status).toBe(403);
    expect((await agent.call('POST', '/api/ingest/b', caddy.split('\n')[1]!, { authorization: `Bearer ${tokenA}`, 'x-project': B })).status).toBe(403);
    // The default project (open) shows nothing of B.
    expect((await admin.call('GET', '/api/logs?source=caddy_access')).body.entries).toEqual([]);
    const bob = await admin.call('POST', '/api/users', { username: 'bob', password: 'bob long password', email: 'bob@b.example' });
    expect(bob.status).toBe(201);
    const b = new Client(server.url);
    await b.call('POST', '/api/auth/login', { username: 'bob', password: 'bob long password' });
    expect((await b.call('GET', '/api/logs', undefined, { 'x-project': B })).body.entries).toHaveLength(1);
  });

  it('answers with one error shape, health and metrics', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    expect(await admin.call('PUT', '/api/settings/logs.retention_days', { value: 0 })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION', fields: [{ field: 'logs.retention_days' }] } } });
    expect((await admin.call('PUT', '/api/settings/logs.retention_days', '{nope', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await admin.call('GET', '/api/nothing-here')).status).toBe(404);
    expect((await admin.call('POST', '/api/users', 'x'.repeat(2_000_000), { 'content-type': 'application/json' })).status).toBe(413);
    const health = await new Client(server.url).call('GET', '/healthz');
    expect(health.body).toMatchObject({ ok: true, database: { ok: true, dialect: fixture.dialect }, schema: { current: expect.stringMatching(/^\d{4}$/), pending: 0 } });
    const metrics = await new Client(server.url).call('GET', '/metrics');
    expect(metrics.text).toMatch(/panoptes_writer_queue_depth 0/);
    expect(metrics.text).toMatch(/panoptes_last_backup_age_seconds -1/);
    const backup = await admin.call('POST', '/api/backups', { note: 'from the API' });
    expect(backup.status).toBe(201);
    const listed = await admin.call('GET', '/api/backups');
    expect(listed.body.backups[0]).toMatchObject({ note: 'from the API', kind: 'manual' });
    const download = await admin.call('GET', `/api/backups/${backup.body.backup.filename}/download`);
    expect(Number(download.headers.get('content-length'))).toBe(backup.body.backup.size_bytes);
    expect((await admin.call('POST', `/api/backups/${backup.body.backup.filename}/verify`)).body).toMatchObject({ ok: true });
    expect((await admin.call('GET', '/api/backups/..%2F..%2Fetc%2Fpasswd/download')).status).toBe(400);
  });
});
