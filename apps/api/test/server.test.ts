import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { generateToken, hashToken } from '@panoptes/crypto';
import { DEFAULT_PROJECT_UUID } from '@panoptes/db-core';
import { describeEachDialect, rejectionOf, sqliteFixture } from '@panoptes/db-core/testing';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/env.js';
import { startServer } from '../src/server.js';
import { Client, servers, setupAdmin } from './harness.js';

const SAMPLE = new URL('../../../packages/ingest/test/fixtures/caddy-access.jsonl', import.meta.url).pathname;

describe('one server per database file [sqlite]', () => {
  const start = servers(sqliteFixture());

  it('refuses a second server on the same SQLite file with a clear message', async () => {
    const first = await start();
    const error = await rejectionOf(startServer(loadConfig({ ...process.env, PANOPTES_DATA_DIR: first.ctx.config.dataDir, PANOPTES_DATABASE_URL: first.ctx.config.databaseUrl, PANOPTES_MASTER_KEY_FILE: `${first.ctx.config.dataDir}/other.key`, PANOPTES_PORT: '0' }), { logger: pino({ level: 'silent' }), print: () => {} }));
    expect(error.message).toMatch(/already open for writing by another Panoptes process/);
  });
});

describe('kept-alive connections [sqlite]', () => {
  const start = servers(sqliteFixture());

  /** Two requests on one connection, the second `pauseMs` after the first: the status codes answered. */
  async function requestsOnOneSocket(url: string, pauseMs: number): Promise<string[]> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.setEncoding('latin1');
    let received = '';
    const answers = () => [...received.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => match[1]!);
    /** Resolves once `count` answers arrived, the socket closed, or 5 s passed. */
    const answered = (count: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        const check = () => {
          if (answers().length < count && !socket.destroyed) return;
          clearTimeout(timer);
          socket.off('data', check).off('close', check);
          resolve();
        };
        socket.on('data', check).on('close', check);
      });
    socket.on('data', (chunk: string) => (received += chunk));
    // A connection the server closed may fail the second write (EPIPE, ECONNRESET): the answers tell.
    socket.on('error', () => {});
    const ask = () => socket.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    ask();
    await answered(1);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    if (!socket.destroyed) {
      ask();
      await answered(2);
    }
    socket.destroy();
    return answers();
  }

  it('keeps an idle connection open longer than the reverse proxies in front of it keep theirs', async () => {
    const server = await start();
    // Node closes an idle kept-alive connection after 5 s; Caddy reuses its idle upstream connections
    // for 2 min, nginx's upstream keepalive for 60 s: a request sent on one the server was closing
    // meanwhile fails at the proxy (502). After 8 s idle (Node's default closed it within 7), the
    // connection still answers.
    expect(server.server.keepAliveTimeout).toBeGreaterThan(120_000);
    expect(await requestsOnOneSocket(server.url, 8_000)).toEqual(['200', '200']);
  }, 20_000);
});

describeEachDialect('uploads and metrics', (fixture) => {
  const start = servers(fixture);

  it('takes an uploaded archive after verifying it, and counts ingested lines in the metrics', async () => {
    const server = await start();
    const admin = await setupAdmin(server);
    const token = generateToken('api');
    await server.ctx.db.write((tx) => tx.db.insertInto('api_tokens').values({ project_uuid: DEFAULT_PROJECT_UUID, name: 'a', token_hash: hashToken(token), created_at: 1 }).execute());
    await new Client(server.url).call('POST', '/api/ingest/c?parser=caddy_access', readFileSync(SAMPLE), { authorization: `Bearer ${token}` });
    expect((await new Client(server.url).call('GET', '/metrics')).text).toMatch(/panoptes_ingest_lines_total\{outcome="inserted"\} 50/);
    const backup = (await admin.call('POST', '/api/backups')).body.backup;
    const archive = Buffer.from(await (await fetch(`${server.url}/api/backups/${backup.filename}/download`, { headers: { cookie: admin.cookie! } })).arrayBuffer());
    const uploaded = await admin.call('POST', '/api/backups/upload', archive, { 'content-type': 'application/gzip' });
    expect(uploaded).toMatchObject({ status: 201, body: { backup: { kind: 'manual', note: 'uploaded by ada', sha256: backup.sha256 } } });
    const garbage = await admin.call('POST', '/api/backups/upload', Buffer.from('not an archive'), { 'content-type': 'application/gzip' });
    expect(garbage).toMatchObject({ status: 400, body: { error: { code: 'ARCHIVE_CORRUPT' } } });
  });
});
