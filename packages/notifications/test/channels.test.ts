import { Agent } from 'node:https';
import { DEFAULT_PROJECT_UUID } from '@panoptes/db-core';
import { generateWebhookSecret, verifyWebhook } from '@panoptes/crypto';
import { describeEachDialect, rejectionOf } from '@panoptes/db-core/testing';
import { openMigrated } from '@panoptes/migrations/testing';
import { afterEach, expect, it } from 'vitest';
import { ChannelConfigError, saveRule, savePushSubscription, UNCHANGED } from './imports.js';
import { deliveries, event, makeNotifier, T0 } from './fixtures.js';
import { HttpPeer } from './peers/http-peer.js';
import { decryptPushBody, newSubscriber, selfSignedCertificate, verifyVapid } from '../src/testing.js';
import { startSmtp } from './peers/smtp.js';

const P = DEFAULT_PROJECT_UUID;

describeEachDialect('channels against real peers', (fixture) => {
  const peers: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) await p.stop();
  });
  const peer = async (...args: ConstructorParameters<typeof HttpPeer>) => {
    const p = await new HttpPeer(...args).start();
    peers.push(p);
    return p;
  };

  it('signs webhooks with Standard Webhooks headers the receiver verifies, and keeps the secret out of the ledger', async () => {
    const db = await openMigrated(fixture);
    const clock = { now: T0 };
    const notifier = makeNotifier(db, clock);
    const secret = generateWebhookSecret();
    const verdicts: unknown[] = [];
    const receiver = await peer(undefined, (r) =>
      verdicts.push(verifyWebhook({ secret, headers: r.headers as Record<string, string>, body: r.body.toString(), nowSeconds: Math.floor(clock.now / 1000) })),
    );
    const channel = await notifier.channels.save(P, { name: 'hook', type: 'webhook', config: { url: `${receiver.url}/hook`, signingSecret: secret, authorization: 'Bearer s3cr3t-token' } });
    expect(channel.config).toMatchObject({ signingSecret: UNCHANGED, authorization: UNCHANGED, url: `${receiver.url}/hook` });
    await saveRule(db, P, { name: 'waf', channelId: channel.id, eventType: 'waf.*' });
    expect(await notifier.notify(event())).toMatchObject([{ status: 'pending' }]);
    expect(await notifier.processDue()).toBe(1);
    expect(verdicts).toEqual([{ ok: true }]);
    const [request] = receiver.requests;
    expect(request!.headers.authorization).toBe('Bearer s3cr3t-token');
    const [row] = await deliveries(db);
    expect(request!.headers['webhook-id']).toBe(`msg_${row!.id}`);
    expect(JSON.parse(request!.body.toString())).toMatchObject({ type: 'waf.blocked', severity: 'critical', host: 'shop.example', payload: { rule: 942100 }, suppressed: 0 });
    expect(row).toMatchObject({ status: 'sent', attempts: 1, error_message: null, sent_at: T0 });
    const stored = JSON.stringify(await db.read.selectFrom('notification_channels').selectAll().execute()) + JSON.stringify(row);
    expect(stored).not.toContain(secret.slice(6));
    expect(stored).not.toContain('s3cr3t-token');
  });

  it('sends Slack and Discord payload shapes', async () => {
    const db = await openMigrated(fixture);
    const notifier = makeNotifier(db, { now: T0 });
    const receiver = await peer();
    for (const format of ['slack', 'discord'] as const) {
      const channel = await notifier.channels.save(P, { name: format, type: 'webhook', config: { url: `${receiver.url}/${format}`, format } });
      await saveRule(db, P, { name: format, channelId: channel.id, eventType: 'backup.failed' });
    }
    await notifier.notify(event({ type: 'backup.failed', severity: 'warning', host: null, payload: { message: 'disk full' } }));
    await notifier.processDue();
    const bodies = Object.fromEntries(receiver.requests.map((r) => [r.path, JSON.parse(r.body.toString()) as Record<string, unknown>]));
    expect(bodies['/slack']).toEqual({ text: '[warning] backup.failed: disk full' });
    expect(bodies['/discord']).toEqual({ content: '[warning] backup.failed: disk full' });
  });

  it('mails through a real SMTP server, with authentication, to every recipient', async () => {
    const db = await openMigrated(fixture);
    const notifier = makeNotifier(db, { now: T0 });
    const smtp = await startSmtp({ user: 'panoptes', password: 'mail-pass-123' });
    peers.push(smtp);
    const channel = await notifier.channels.save(P, {
      name: 'mail',
      type: 'email',
      config: { host: '127.0.0.1', port: smtp.port, tls: 'none', user: 'panoptes', password: 'mail-pass-123', from: 'panoptes@example.com', to: ['ops@example.com', 'sec@example.com'] },
    });
    await saveRule(db, P, { name: 'all', channelId: channel.id, eventType: '*' });
    await notifier.notify(event({ payload: { message: 'blocked <script>alert(1)</script>' } }));
    await notifier.processDue();
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail!.to).toEqual(['ops@example.com', 'sec@example.com']);
    expect(mail!.raw.replace(/\r\n[ \t]+/g, ' ')).toContain('Subject: [Panoptes] critical: waf.blocked on shop.example: blocked <script>alert(1)</script>');
    expect(mail!.raw).toContain('&lt;script&gt;alert(1)&lt;/script&gt;'); // the HTML part is escaped
    expect((await deliveries(db))[0]).toMatchObject({ status: 'sent' });
    // Wrong password: the server refuses with 535, a permanent failure.
    await notifier.channels.save(P, { name: 'mail', type: 'email', config: { ...channel.config, password: 'wrong', tls: 'none' } }, channel.id);
    await notifier.notify(event());
    await notifier.processDue();
    expect((await deliveries(db))[1]).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/^SMTP 535/) });
  });

  it('speaks the Telegram Bot API sendMessage format', async () => {
    const db = await openMigrated(fixture);
    const notifier = makeNotifier(db, { now: T0 });
    const telegram = await peer(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: true, result: { message_id: 7 } }) }));
    const token = '123456:ABCdefGHIjklMNOpqrSTUvwx-yz_0123';
    const channel = await notifier.channels.save(P, { name: 'tg', type: 'telegram', config: { botToken: token, chatId: '-100123', apiBaseUrl: telegram.url } });
    await saveRule(db, P, { name: 'critical', channelId: channel.id, eventType: '*', severities: ['critical'] });
    await notifier.notify(event({ severity: 'info' })); // filtered out by severity
    await notifier.notify(event({ payload: { message: '<b>boom</b>' } }));
    await notifier.processDue();
    expect(telegram.requests).toHaveLength(1);
    const [request] = telegram.requests;
    expect(request!.path).toBe(`/bot${token}/sendMessage`);
    const body = JSON.parse(request!.body.toString()) as Record<string, unknown>;
    expect(body).toMatchObject({ chat_id: '-100123', parse_mode: 'HTML' });
    expect(body.text).toContain('waf.blocked on shop.example: &lt;b&gt;boom&lt;/b&gt;');
    const [row] = await deliveries(db);
    expect(row!.rendered_payload).not.toContain(token);
    // Telegram's 429 carries retry_after in the body.
    telegram.script({ status: 429, body: JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 9', parameters: { retry_after: 9 } }) });
    await notifier.notify(event({ payload: { message: 'again' } }));
    await notifier.processDue();
    expect((await deliveries(db))[1]).toMatchObject({ status: 'pending', next_attempt_at: T0 + 9000, error_message: expect.stringMatching(/^Telegram 429/) });
  });

  it('pushes to browsers: the payload decrypts with the subscription keys, the VAPID JWT verifies, and a 410 removes the subscription', async () => {
    const db = await openMigrated(fixture);
    const tls = selfSignedCertificate();
    const notifier = makeNotifier(db, { now: Date.now() }, { vapidSubject: 'mailto:ops@example.com', pushAgent: new Agent({ ca: tls.cert }) });
    const service = await peer(() => ({ status: 201 }), undefined, tls);
    service.script({ status: 201 }, { status: 410, body: 'gone' });
    const user = await db.write((tx) => tx.db.insertInto('users').values({ username: 'ada', created_at: T0, updated_at: T0 }).returning('id').executeTakeFirstOrThrow());
    const [alive, gone] = [newSubscriber(), newSubscriber()];
    await savePushSubscription(db, user.id, { endpoint: `${service.url}/push/alive`, keys: alive.keys });
    const goneId = await savePushSubscription(db, user.id, { endpoint: `${service.url}/push/gone`, keys: gone.keys });
    const channel = await notifier.channels.save(P, { name: 'push', type: 'browser_push', config: {} });
    await saveRule(db, P, { name: 'push', channelId: channel.id, eventType: 'waf.blocked' });
    await notifier.notify(event());
    await notifier.processDue();
    expect(await deliveries(db)).toMatchObject([{ error_message: null }]);
    expect(service.requests.map((r) => r.path)).toEqual(['/push/alive', '/push/gone']);
    const [first] = service.requests;
    expect(first!.headers['content-encoding']).toBe('aes128gcm');
    const payload = JSON.parse(decryptPushBody(first!.body, alive)) as Record<string, unknown>;
    expect(payload).toMatchObject({ title: 'Panoptes: waf.blocked', type: 'waf.blocked', severity: 'critical' });
    expect(payload.body).toContain('SQL injection blocked');
    expect(verifyVapid(first!, service.url)).toMatchObject({ sub: 'mailto:ops@example.com' });
    const remaining = await db.read.selectFrom('push_subscriptions').select('id').execute();
    expect(remaining.map((r) => r.id)).not.toContain(goneId);
    expect((await deliveries(db))[0]).toMatchObject({ status: 'sent' });
  });

  it('validates each channel type with precise messages', async () => {
    const db = await openMigrated(fixture);
    const notifier = makeNotifier(db, { now: T0 });
    const error = (await rejectionOf(notifier.channels.save(P, { name: 'bad', type: 'email', config: { host: '', port: 70000, from: 'nope', to: [] } }))) as ChannelConfigError;
    expect(error).toBeInstanceOf(ChannelConfigError);
    expect(error.problems.map((p) => p.field).sort()).toEqual(['from', 'host', 'port', 'to']);
    await expect(notifier.channels.save(P, { name: 'tg', type: 'telegram', config: { botToken: 'x', chatId: 'y' } })).rejects.toThrow(/botToken: not a Telegram bot token/);
    await expect(notifier.channels.save(P, { name: 'w', type: 'webhook', config: { url: 'ftp://x' } })).rejects.toThrow(/url/);
    await expect(saveRule(db, P, { name: 'r', channelId: 999, eventType: 'waf.*' })).rejects.toThrow(/channel 999 does not exist/);
  });
});
