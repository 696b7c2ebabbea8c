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
    // The first batches of a new source, sent together, both land (one creates the source).
    const together = await Promise.all([0, 1].map((i) => agent.call('POST', '/api/ingest/edge-2?parser=caddy_access', caddy.split('\n')[10 + i]!, { authorization: `Bearer ${token}` })));
    expect(together.map((r) => [r.status, r.body.accepted])).toEqual([[200, 1], [200, 1]]);
    const retry = await agent.call('POST', '/api/ingest/edge-1', body, { authorization: `Bearer ${token}` });
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 3, rejected: 1 });
    // A shipper's batch of hundreds (Postgres COPYs those), retried whole, then half again with new lines.
    const lines = caddy.split('\n').filter(Boolean);
    const big = lines.slice(100, 400).join('\n');
    expect((await agent.call('POST', '/api/ingest/edge-1', big, { authorization: `Bearer ${token}` })).body).toMatchObject({ accepted: 300, duplicates: 0, rejected: 0 });
    expect((await agent.call('POST', '/api/ingest/edge-1', big, { authorization: `Bearer ${token}` })).body).toMatchObject({ accepted: 0, duplicates: 300 });
    const overlap = await agent.call('POST', '/api/ingest/edge-1', lines.slice(250, 550).join('\n'), { authorization: `Bearer ${token}` });
    expect(overlap.body).toMatchObject({ accepted: 150, duplicates: 150 });
    expect(overlap.body.results.slice(149, 151)).toEqual([{ line: 150, status: 'duplicate' }, { line: 151, status: 'inserted' }]);
    expect((await agent.call('POST', '/api/ingest/edge-1', lines.slice(600, 800).join('\n'), { authorization: `Bearer ${token}` })).body).toMatchObject({ accepted: 200, duplicates: 0 });
    expect((await agent.call('POST', '/api/ingest/edge-1', body)).status).toBe(401);
    expect((await agent.call('POST', '/api/ingest/new-source', body, { authorization: `Bearer ${token}` })).body.error.fields[0].field).toBe('parser');
    const admin = await setupAdmin(server);
    const sources = (await admin.call('GET', '/api/sources')).body.sources;
    expect(sources).toEqual([
      expect.objectContaining({ name: 'edge-1', kind: 'http', parser: 'caddy_access', lines_read: 1108, lines_written: 653, lines_rejected: 2 }),
      expect.objectContaining({ name: 'edge-2', kind: 'http', lines_read: 2, lines_written: 2 }),
    ]);
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
    // A window alone is answered from the hourly facet rollup and its edges' rows; with a source it is a GROUP BY.
    const window = `from=${Date.UTC(2026, 10, 21, 23, 30)}&to=${Date.UTC(2026, 10, 23, 12, 15)}&limit=100`;
    for (const field of ['path', 'status', 'host', 'method', 'user_agent', 'waf_rule']) {
      const rolled = (await admin.call('GET', `/api/logs/facets?field=${field}&${window}`)).body.values as { value: string | number; count: number }[];
      const grouped = new Map<string | number, number>();
      for (const source of ['caddy_access', 'caddy_error', 'waf_audit', 'audit']) {
        for (const v of (await admin.call('GET', `/api/logs/facets?field=${field}&${window}&source=${source}`)).body.values as typeof rolled) grouped.set(v.value, (grouped.get(v.value) ?? 0) + v.count);
      }
      expect(rolled.length, field).toBeGreaterThan(0);
      expect(new Map(rolled.map((v) => [v.value, v.count])), field).toEqual(grouped);
    }
    // A point per bucket, oldest first, its values in the order `columns` gives; the per-minute rows
    // read as they are and the hourly sums agree.
    const columns = ['t', 'requests', 's2xx', 's3xx', 's4xx', 's5xx', 'bytes', 'wafBlocks'];
    const seriesOf = async (bucketSeconds: number) => {
      const res = await admin.call('GET', `/api/logs/timeseries?from=0&to=${5e12}&bucketSeconds=${bucketSeconds}`);
      expect(res.body.bucketSeconds).toBe(bucketSeconds);
      expect(res.body.columns).toEqual(columns);
      const points = res.body.points as number[][];
      expect(points.length).toBeGreaterThan(0);
      for (const p of points) expect(p.map((v) => typeof v)).toEqual(columns.map(() => 'number'));
      expect(points.every(([t], i) => t! % (bucketSeconds * 1000) === 0 && (i === 0 || t! > points[i - 1]![0]!))).toBe(true);
      return (column: string) => points.reduce((n, p) => n + p[columns.indexOf(column)]!, 0);
    };
    const [minutes, hours] = [await seriesOf(60), await seriesOf(3600)];
    expect(hours('requests')).toBe(904);
    expect(hours('wafBlocks')).toBe(11);
    for (const c of columns.slice(1)) expect(minutes(c), c).toBe(hours(c));
    expect((await admin.call('GET', '/api/logs/timeseries?from=0&to=1')).body).toEqual({ bucketSeconds: 60, columns, points: [] });
    const hosts = (await admin.call('GET', '/api/logs/facets?field=host&source=caddy_access&limit=100')).body.values as { value: string; count: number }[];
    expect(hosts.length).toBeGreaterThan(1);
    for (const host of hosts) {
      const res = await admin.call('GET', `/api/logs/timeseries?from=0&to=${5e12}&bucketSeconds=900&host=${encodeURIComponent(host.value)}`);
      expect((res.body.points as number[][]).reduce((n, p) => n + p[1]!, 0), host.value).toBe(host.count);
    }
    for (const k of [2, 3, 4, 5]) {
      const expected = (statuses.body.values as { value: number; count: number }[]).filter((v) => Math.floor(v.value / 100) === k).reduce((n, v) => n + v.count, 0);
      expect(hours(`s${k}xx`), `${k}xx`).toBe(expected);
    }

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

  // About 150 searches one after the other: 2 s alone, 18-30 s while every package's tests share the two cores.
  it('finds a client address through the block filters exactly as a scan of every row would, page by page', { timeout: 120_000 }, async () => {
    const server = await start();
    const token = await apiToken(server);
    const agent = new Client(server.url);
    // 10 batches (a raw-line block each, or more) of 200 lines from 40 addresses in four /16s, times
    // interleaved across batches. A block's segment filters cover 128 lines: each segment of a batch
    // holds one /16, so a search reads some segments of a block and not others.
    const base = JSON.parse(caddy.split('\n')[0]!) as { ts: number; request: Record<string, unknown> };
    const address = (batch: number, i: number) => `10.${(batch + (i >> 7)) % 4}.${(i * 7) % 5}.${(i + batch) % 40}`;
    for (let batch = 0; batch < 10; batch++) {
      const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ ...base, ts: 1_700_000_000 + ((i * 12 + batch * 5) % 2400), request: { ...base.request, remote_ip: address(batch, i) } }));
      expect((await agent.call('POST', '/api/ingest/edge?parser=caddy_access', lines.join('\n'), { authorization: `Bearer ${token}` })).body.accepted).toBe(200);
    }
    const admin = await setupAdmin(server); // its login writes an audit row from 127.0.0.1, kept outside blocks
    // A block written before filters existed has no Bloom filter: it is always opened; one written
    // before segment filters is read whole.
    await server.ctx.db.write((tx) => tx.db.updateTable('log_block_filters').set({ ip_bloom: null }).where('block_id', '=', (eb) => eb.selectFrom('log_block_filters').select((e) => e.fn.min('block_id').as('m'))).execute());
    await server.ctx.db.write((tx) =>
      tx.db.updateTable('log_block_filters').set({ ip_segments: null }).where('block_id', '=', (eb) => eb.selectFrom('log_block_filters').select((e) => e.fn.max('block_id').as('m'))).execute(),
    );
    // A block a request at least (more when the flush interval passed while a body was being queued).
    expect(Number((await server.ctx.db.read.selectFrom('log_block_filters').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBeGreaterThanOrEqual(10);
    const pages = async (query: string, limit = 7) => {
      const ids: number[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: { entries: { id: number }[]; nextCursor: string | null } } = await admin.call('GET', `/api/logs?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        ids.push(...res.body.entries.map((e) => e.id));
        cursor = res.body.nextCursor;
      } while (cursor !== null);
      return ids;
    };
    const scan = async (match: (ip: string) => boolean, from = -Infinity, to = Infinity) =>
      (await server.ctx.db.read.selectFrom('log_entries').select(['id', 'ts', 'remote_ip']).orderBy('ts', 'desc').orderBy('id', 'desc').execute())
        .filter((r) => r.remote_ip !== null && match(r.remote_ip) && r.ts >= from && r.ts < to)
        .map((r) => r.id);
    const audit = await server.ctx.db.read.selectFrom('log_entries').select(['remote_ip', 'raw_block_id']).where('source', '=', 'audit').where('remote_ip', 'is not', null).executeTakeFirstOrThrow();
    expect(audit.raw_block_id).toBeNull();
    for (const ip of ['10.1.2.1', '10.2.4.7', audit.remote_ip!]) {
      const expected = await scan((x) => x === ip);
      expect(expected.length).toBeGreaterThan(0);
      expect(await pages(`ip=${ip}`)).toEqual(expected);
    }
    expect(await pages('ip=10.2.0.0/16', 40)).toEqual(await scan((x) => x.startsWith('10.2.')));
    expect(await pages('ip=10.0.0.0/8', 100)).toEqual(await scan((x) => x.startsWith('10.')));
    expect(await pages('ip=10.1.3.0/24')).toEqual(await scan((x) => x.startsWith('10.1.3.')));
    const [from, to] = [1_700_000_600_000, 1_700_001_400_000];
    expect(await pages(`ip=10.1.2.1&from=${from}&to=${to}`)).toEqual(await scan((x) => x === '10.1.2.1', from, to));
    expect(await pages('ip=10.9.9.9')).toEqual([]);
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
