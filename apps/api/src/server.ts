import type { Server } from 'node:http';
import { applyPendingRestore, BackupManager, BackupScheduler } from '@panoptes/backup';
import { FieldCipher, KeyRing, loadMasterKeys } from '@panoptes/crypto';
import { DEFAULT_PROJECT_UUID, openDatabase, parseDatabaseUrl, type Database } from '@panoptes/db-core';
import { LONG_RUNNING_WRITER, RecordWriter, RetentionWorker } from '@panoptes/ingest';
import { createMigrator, loadMigrations } from '@panoptes/migrations';
import { ensureVapidKeys, Notifier } from '@panoptes/notifications';
import pino, { type Logger } from 'pino';
import { createApp } from './app.js';
import { SetupToken } from './auth/setup-token.js';
import type { AppContext } from './context.js';
import type { ServerConfig } from './env.js';
import { Metrics } from './services/metrics.js';
import { Settings } from './services/settings.js';
import { Tailers } from './services/tailers.js';

export const APP_VERSION = '0.1.0';

/** How long an idle kept-alive connection stays open: longer than Caddy's 2 min. */
const KEEP_ALIVE_TIMEOUT_MS = 130_000;

export interface Running {
  readonly ctx: AppContext;
  readonly server: Server;
  readonly url: string;
  stop(): Promise<void>;
}

/** The master keys and cipher (the key file is created on first start, outside the data folder). */
export function loadCipher(config: ServerConfig, logger: Logger): { cipher: FieldCipher; fingerprint: string } {
  const keys = loadMasterKeys({ envValue: config.masterKey, keyFile: config.masterKeyFile, createIfMissing: true, dataDir: config.dataDir });
  if (keys.created) logger.info({ keyFile: config.masterKeyFile }, 'created a new master key file: back it up apart from the database');
  for (const warning of keys.warnings) logger.warn(warning);
  return { cipher: new FieldCipher(new KeyRing(keys.keys)), fingerprint: keys.keys[0]!.fingerprint };
}

/** Opens and migrates the database, refusing a newer schema. */
export async function openMigrated(config: ServerConfig, logger: Logger, options: { writerLockWaitMs?: number } = {}): Promise<Database> {
  const db = await openDatabase({ url: config.databaseUrl, logger, ...options });
  try {
    const { applied } = await createMigrator(db, { logger }).up();
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * Boot: apply a pending restore, open the database, migrate, create defaults, start the workers,
 * listen. `stop()` drains the writer and deliveries and closes the database cleanly.
 */
export async function startServer(config: ServerConfig, options: { logger?: Logger; clock?: () => number; print?: (text: string) => void } = {}): Promise<Running> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const clock = options.clock ?? Date.now;
  const { cipher, fingerprint } = loadCipher(config, logger);
  const target = parseDatabaseUrl(config.databaseUrl);
  const restore = await applyPendingRestore({
    dataDir: config.dataDir,
    backupsDir: config.backupsDir,
    target,
    masterKeyFingerprint: fingerprint,
    knownSchemaVersions: (await loadMigrations()).map((m) => m.version),
    logger,
  });
  if (restore.status !== 'none') logger.info({ restore }, 'pending restore handled');

  const db = await openMigrated(config, logger);
  const settings = new Settings(db);
  await ensureVapidKeys(db, cipher, { subject: config.vapidSubject });
  const notifier = new Notifier({ db, cipher, logger, refusePrivateTargets: config.refusePrivateTargets, vapidSubject: config.vapidSubject });
  // Assigned once the metrics exist; batches committed before that are not counted (a const would throw).
  // eslint-disable-next-line prefer-const
  let metrics: Metrics | undefined;
  const writer = new RecordWriter(db, {
    ...LONG_RUNNING_WRITER,
    logger,
    onBatch: (batch) => {
      metrics?.ingested.inc({ outcome: 'inserted' }, batch.inserted);
      metrics?.ingested.inc({ outcome: 'duplicate' }, batch.duplicates);
      metrics?.ingested.inc({ outcome: 'rejected' }, batch.rejected);
      for (const { projectUuid, entry, hostId } of batch.entries) {
        if (entry.source === 'waf_audit' && entry.waf_blocked === true) {
          void notifier
            .notify({ type: 'waf.blocked', severity: 'critical', projectUuid, host: { id: hostId, domain: entry.host_domain }, payload: { rule: entry.waf_rule_id, message: entry.waf_rule_message, client: entry.remote_ip, path: entry.path }, time: entry.ts })
            .catch((error: unknown) => logger.error({ error: (error as Error).message }, 'waf.blocked notification failed'));
        }
      }
    },
  });
  const backups = new BackupManager({ db, target, backupsDir: config.backupsDir, appVersion: APP_VERSION, masterKeyFingerprint: fingerprint, logger });
  const reconciled = await backups.reconcile();
  if (reconciled.adopted.length + reconciled.missingFiles.length > 0) logger.warn(reconciled, 'backups folder and table disagreed');
  if (restore.status !== 'none') {
    await notifier.notify({ type: restore.status === 'restored' ? 'restore.completed' : 'restore.failed', severity: restore.status === 'restored' ? 'info' : 'critical', projectUuid: DEFAULT_PROJECT_UUID, host: null, payload: { ...restore }, time: clock() });
  }

  const tailers = new Tailers(db, writer, notifier, logger);
  await tailers.startAll();
  const retention = new RetentionWorker(db, async () => ({ retentionDays: await settings.get('logs.retention_days'), maxEntries: await settings.get('logs.max_entries') }), { logger });
  retention.start(3_600_000);
  const scheduler = new BackupScheduler(
    backups,
    async () => ({
      enabled: await settings.get('backup.enabled'),
      schedule: await settings.get('backup.schedule'),
      retentionDays: await settings.get('backup.retention_days'),
      keepLast: await settings.get('backup.keep_last'),
    }),
    {
      logger,
      onOutcome: (outcome) =>
        notifier
          .notify(
            'backup' in outcome
              ? { type: 'backup.completed', severity: 'info', projectUuid: DEFAULT_PROJECT_UUID, host: null, payload: { message: outcome.backup.filename, bytes: outcome.backup.size_bytes }, time: clock() }
              : { type: 'backup.failed', severity: 'critical', projectUuid: DEFAULT_PROJECT_UUID, host: null, payload: { message: outcome.error.message }, time: clock() },
          )
          .then(() => undefined),
    },
  );
  scheduler.start();
  notifier.start();

  const hasUsers = (await db.read.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
  const setupToken = new SetupToken(!hasUsers);
  metrics = new Metrics({
    writerDepth: () => writer.depth,
    deliveries: async () => {
      const rows = await db.read.selectFrom('notification_deliveries').select((eb) => ['status', eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
    lastBackupAt: async () => (await db.read.selectFrom('backups').select((eb) => eb.fn.max('created_at').as('t')).executeTakeFirst())?.t ?? null,
    clock,
  });
  const ctx: AppContext = { config, db, cipher, settings, writer, notifier, backups, tailers, setupToken, metrics, logger, clock, appVersion: APP_VERSION };
  let stopping = false;
  const app = createApp(ctx, () => ({ writer: !stopping, notifier: !stopping }));
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    // A reverse proxy keeps idle connections to the server open and reuses them (Caddy for 2 min,
    // nginx's upstream keepalive for 60 s); one the server closed first fails the request the proxy
    // just sent on it (a 502). Node closes them after 5 s: keep them longer than any proxy does. An
    // idle connection does not count against `headersTimeout`, which still bounds slow headers.
    s.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    s.once('error', reject);
  });
  const address = server.address() as { port: number };
  const url = `http://${config.host}:${address.port}`;
  logger.info({ url }, 'Panoptes is listening');
  if (setupToken.value !== null) {
    // Printed, not logged at a level that might be filtered: the operator needs it to create the first admin.
    (options.print ?? ((text: string) => process.stdout.write(text)))(`\nNo user exists yet. Open ${url} and create the first admin with this one-time setup token:\n\n    ${setupToken.value}\n\n(or run: panoptes user create --admin)\n\n`);
  }
  return {
    ctx,
    server,
    url,
    stop: async () => {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      scheduler.stop();
      retention.stop();
      await tailers.stopAll();
      await writer.close();
      await notifier.stop();
      await db.close();
      logger.info('Panoptes stopped');
    },
  };
}
