import { DEFAULT_PROJECT_UUID, type Database } from '@panoptes/db-core';
import { describeEachDialect, freePort, hasPostgres, postgresFixture, postgresStatus } from '@panoptes/db-core/testing';
import { sql } from 'kysely';
import { openMigrated } from '@panoptes/migrations/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { renderTemplate, saveRule } from '../src/index.js';
import { deliveries, event, makeNotifier, T0 } from './fixtures.js';
import { HttpPeer } from './peers/http-peer.js';

const P = DEFAULT_PROJECT_UUID;


describeEachDialect('the delivery ledger', (fixture) => {
  const peers: HttpPeer[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) await p.stop();
  });
  const setup = async (config: Record<string, unknown> = {}, rule: { throttleWindowSeconds?: number } = {}, rateLimitPerMinute: number | null = null) => {
    const db = await openMigrated(fixture);
    const clock = { now: T0 };
    const notifier = makeNotifier(db, clock);
    const receiver = await new HttpPeer().start();
    peers.push(receiver);
    const channel = await notifier.channels.save(P, { name: 'hook', type: 'webhook', config: { url: `${receiver.url}/hook`, ...config }, rateLimitPerMinute });
    const ruleId = await saveRule(db, P, { name: 'all', channelId: channel.id, eventType: '*', ...rule });
    return { db, clock, notifier, receiver, channel, ruleId };
  };

  it('retries a 500, then delivers on the next attempt after the backoff', async () => {
    const { db, clock, notifier, receiver } = await setup();
    receiver.script({ status: 500, body: 'oops' });
    await notifier.notify(event());
    await notifier.processDue();
    expect((await deliveries(db))[0]).toMatchObject({ status: 'pending', attempts: 1, error_message: 'HTTP 500: oops', next_attempt_at: T0 + 1000 });
    expect(await notifier.processDue()).toBe(0); // not due yet
    clock.now += 1000;
    await notifier.processDue();
    expect((await deliveries(db))[0]).toMatchObject({ status: 'sent', attempts: 2, sent_at: T0 + 1000 });
    expect(receiver.requests).toHaveLength(2);
    // The same webhook-id on the retry: receivers can deduplicate.
    expect(receiver.requests[0]!.headers['webhook-id'] ?? null).toBe(receiver.requests[1]!.headers['webhook-id'] ?? null);
  });

  it('honours Retry-After on a 429, fails a 400 at once, and gives up after the attempt limit', async () => {
    const { db, clock, notifier, receiver } = await setup();
    receiver.script({ status: 429, headers: { 'retry-after': '7' } }, { status: 400, body: 'bad payload' });
    await notifier.notify(event());
    await notifier.processDue();
    expect((await deliveries(db))[0]).toMatchObject({ status: 'pending', next_attempt_at: T0 + 7000, error_message: 'HTTP 429' });
    clock.now += 7000;
    await notifier.processDue();
    expect((await deliveries(db))[0]).toMatchObject({ status: 'failed', attempts: 2, error_message: 'HTTP 400: bad payload' });
    receiver.script(...Array.from({ length: 4 }, () => ({ status: 503 })));
    await notifier.notify(event({ type: 'backup.failed' }));
    for (let i = 0; i < 4; i += 1) {
      await notifier.processDue();
      clock.now += 60_000;
    }
    expect((await deliveries(db))[1]).toMatchObject({ status: 'failed', attempts: 4, error_message: 'HTTP 503 (gave up after 4 attempts)' });
  });

  it('retries when the receiver is down or too slow, with exponential backoff', async () => {
    const { db, clock, notifier, receiver, channel } = await setup({ timeoutMs: 200 });
    receiver.script({ status: 200, delayMs: 1500 });
    await notifier.notify(event());
    await notifier.processDue();
    expect((await deliveries(db))[0]).toMatchObject({ status: 'pending', error_message: 'network: timed out', next_attempt_at: T0 + 1000 });
    await notifier.channels.save(P, { name: 'hook', type: 'webhook', config: { url: `http://127.0.0.1:${await freePort()}/x`, timeoutMs: 200 } }, channel.id);
    clock.now += 1000;
    await notifier.processDue();
    expect((await deliveries(db))[0]).toMatchObject({ status: 'pending', attempts: 2, error_message: 'network: ECONNREFUSED', next_attempt_at: clock.now + 2000 });
  });

  it('throttles per rule and host, and the next message says how many were suppressed', async () => {
    const { db, clock, notifier, receiver } = await setup({}, { throttleWindowSeconds: 60 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await notifier.notify(event({}, clock)))[0]!.status);
    statuses.push((await notifier.notify(event({ host: { domain: 'other.example' } }, clock)))[0]!.status);
    expect(statuses).toEqual(['pending', 'throttled', 'throttled', 'pending']);
    clock.now += 61_000;
    expect((await notifier.notify(event({}, clock)))[0]!.status).toBe('pending');
    await notifier.processDue();
    // Only the webhook's own requests: a stray connection to a reused port must not break the parse.
    const sent = receiver.requests.filter((r) => r.method === 'POST' && r.path === '/hook');
    expect(sent.map((r) => r.body.length > 0), JSON.stringify(receiver.requests.map((r) => [r.method, r.path, r.body.toString()]))).toEqual([true, true, true]);
    const bodies = sent.map((r) => JSON.parse(r.body.toString()) as { host: string; suppressed: number });
    expect(bodies.map((b) => [b.host, b.suppressed])).toEqual([
      ['shop.example', 0],
      ['other.example', 0],
      ['shop.example', 2],
    ]);
    expect((await deliveries(db)).map((d) => d.status)).toEqual(['sent', 'throttled', 'throttled', 'sent', 'sent']);
  });

  it('records deliveries over the channel rate limit as rate_limited, also across a restart', async () => {
    const { db, clock, notifier } = await setup({}, {}, 2);
    const first = [];
    for (let i = 0; i < 3; i += 1) first.push((await notifier.notify(event({ payload: { n: i } }, clock)))[0]!.status);
    expect(first).toEqual(['pending', 'pending', 'rate_limited']);
    const restarted = makeNotifier(db, clock); // the limiter is the ledger: nothing in memory to lose
    clock.now += 30_000;
    expect((await restarted.notify(event({}, clock)))[0]!.status).toBe('rate_limited');
    clock.now += 31_000;
    expect((await restarted.notify(event({}, clock)))[0]!.status).toBe('pending');
  });

  it('resumes pending retries and abandoned claims after a restart', async () => {
    const { db, clock, notifier, receiver } = await setup();
    receiver.script({ status: 502 });
    await notifier.notify(event());
    await notifier.processDue();
    // A dispatcher that claimed a delivery and died: the claim is a lease that runs out.
    await notifier.notify(event({ type: 'backup.completed' }));
    await db.write((tx) => tx.db.updateTable('notification_deliveries').set({ next_attempt_at: clock.now + 30_000 }).where('event_type', '=', 'backup.completed').execute());
    const restarted = makeNotifier(db, clock);
    clock.now += 1000;
    expect(await restarted.processDue()).toBe(1);
    clock.now += 30_000;
    expect(await restarted.processDue()).toBe(1);
    expect((await deliveries(db)).map((d) => [d.event_type, d.status])).toEqual([
      ['waf.blocked', 'sent'],
      ['backup.completed', 'sent'],
    ]);
  });

  it('keeps the history when a rule or channel is deleted, and fails what can no longer be sent', async () => {
    const { db, notifier, channel, ruleId } = await setup();
    await notifier.notify(event());
    await notifier.processDue();
    await notifier.notify(event({ type: 'backup.failed' }));
    await db.write((tx) => tx.db.deleteFrom('notification_rules').where('id', '=', ruleId).execute());
    await db.write((tx) => tx.db.deleteFrom('notification_channels').where('id', '=', channel.id).execute());
    await notifier.processDue();
    expect((await deliveries(db)).map((d) => [d.status, d.rule_id, d.channel_id, d.error_message])).toEqual([
      ['sent', null, null, null],
      ['failed', null, null, 'the channel was deleted'],
    ]);
  });

  it('previews and test-sends through one channel, and prunes old deliveries', async () => {
    const { db, clock, notifier, channel, receiver } = await setup({ format: 'slack' });
    expect(await notifier.preview(P, channel.id)).toEqual({ type: 'webhook', body: JSON.stringify({ text: '[critical] waf.blocked on app.example.com: SQL injection blocked' }) });
    expect(await notifier.testSend(P, channel.id)).toMatchObject({ status: 'sent', attempts: 1, error: null });
    expect(JSON.parse(receiver.requests[0]!.body.toString())).toEqual({ text: '[info] notification.test: test message for channel hook' });
    receiver.script({ status: 500 });
    expect(await notifier.testSend(P, channel.id)).toMatchObject({ status: 'failed', attempts: 1, error: 'HTTP 500' });
    clock.now += 40 * 86_400_000;
    await notifier.notify(event({}, clock));
    expect(await notifier.prune({ retentionDays: 30, maxEntries: 100 })).toBe(2);
    expect((await deliveries(db)).map((d) => d.status)).toEqual(['pending']);
  });
});

describe.runIf(hasPostgres())('two dispatchers on one Postgres database [postgres]', () => {
  const fixture = postgresFixture();
  const peers: HttpPeer[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) await p.stop();
  });

  it('never sends a delivery twice with two dispatchers', async () => {
    const db = await openMigrated(fixture);
    const clock = { now: T0 };
    const notifier = makeNotifier(db, clock);
    const receiver = await new HttpPeer().start();
    peers.push(receiver);
    const channel = await notifier.channels.save(P, { name: 'hook', type: 'webhook', config: { url: `${receiver.url}/hook` } });
    await saveRule(db, P, { name: 'all', channelId: channel.id, eventType: '*' });
    for (let i = 0; i < 60; i += 1) await notifier.notify(event({ payload: { n: i } }, clock));
    // A second dispatcher with its own pool on the same database, as a second process would have.
    const other = makeNotifier(await fixture.open({ url: await currentUrl(db) }), clock);
    const rounds = await Promise.all([0, 1, 2].flatMap(() => [notifier.processDue(7), other.processDue(7)]));
    let sent = rounds.reduce((a, b) => a + b, 0);
    while (sent < 60) sent += (await Promise.all([notifier.processDue(7), other.processDue(7)])).reduce((a, b) => a + b, 0);
    const ids = receiver.requests.map((r) => (JSON.parse(r.body.toString()) as { id: string }).id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    expect((await deliveries(db)).every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
  });
});

/** The URL of the database a handle is open on (Postgres): read back from the server. */
async function currentUrl(db: Database): Promise<string> {
  const { rows } = await sql<{ d: string }>`SELECT current_database() AS d`.execute(db.read);
  const url = new URL(postgresStatus().adminUrl);
  url.pathname = `/${rows[0]!.d}`;
  return url.toString();
}

it('renders templates without evaluating anything', () => {
  const vars = { event: { type: 'x', payload: { a: 1 } }, name: '<b>' };
  expect(renderTemplate('{{event.type}} {{event.payload}} {{name}} {{constructor.constructor}} {{__proto__}}', vars, 'html')).toBe('x {&quot;a&quot;:1} &lt;b&gt;  ');
  expect(renderTemplate('{"v":"{{name}}"}', { name: 'a"b\\' }, 'json')).toBe('{"v":"a\\"b\\\\"}');
});
