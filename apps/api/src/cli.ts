#!/usr/bin/env node
// The `panoptes` command line: serve, migrate, users, backups, imports, key rotation, settings.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import pino from 'pino';
import { isPanoptesError, type Database } from '@panoptes/db-core';
import { FieldCipher, generateMasterKey, hashPassword, KeyRing, parseMasterKey, rotateEncryptedFields } from '@panoptes/crypto';
import { importFile, LONG_RUNNING_WRITER, RecordWriter } from '@panoptes/ingest';
import { createMigrator } from '@panoptes/migrations';
import { BackupManager } from '@panoptes/backup';
import { parseDatabaseUrl, INGEST_PARSERS, DEFAULT_PROJECT_UUID, type IngestParser } from '@panoptes/db-core';
import { loadConfig, ConfigError, type ServerConfig } from './env.js';
import { APP_VERSION, loadCipher, openMigrated, startServer } from './server.js';
import { Settings } from './services/settings.js';

const EXIT = { ok: 0, failed: 1, busy: 3 } as const;
const program = new Command('panoptes').description('Panoptes: a self-hosted security log and event panel').version(APP_VERSION);
const quiet = () => pino({ level: 'warn' }, pino.destination(2));

/** Runs a command with the database; refuses politely while a server holds the writer. */
async function withDatabase<T>(work: (db: Database, config: ServerConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openMigrated(config, quiet());
  try {
    return await work(db, config);
  } finally {
    await db.close();
  }
}

program
  .command('serve')
  .description('start the server (the panel, the API and the workers)')
  .action(async () => {
    const running = await startServer(loadConfig());
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      running.ctx.logger.info({ signal }, 'stopping');
      running.stop().then(
        () => process.exit(EXIT.ok),
        (error: unknown) => {
          running.ctx.logger.error({ error: (error as Error).message }, 'unclean stop');
          process.exit(EXIT.failed);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

const migrate = program.command('migrate').description('database migrations');
migrate.command('status').description('the applied migrations, the pending ones and whether the applied ones are unchanged').action(async () => {
  const config = loadConfig();
  const { openDatabase } = await import('@panoptes/db-core');
  const db = await openDatabase({ url: config.databaseUrl, readOnly: true }).catch(() => openDatabase(config.databaseUrl));
  const status = await createMigrator(db).status();
  await db.close();
  console.log(JSON.stringify(status, null, 2));
});
migrate.command('up').description('apply every pending migration').action(() => withDatabase(async () => console.log('the database is up to date')));
migrate
  .command('down')
  .description('revert migrations, newest first')
  .argument('<version>', 'revert every migration newer than this (0000 for all)')
  .action((version: string) =>
    withDatabase(async (db) => {
      console.log(JSON.stringify(await createMigrator(db).down(version)));
    }),
  );

const user = program.command('user').description('users');
user
  .command('create')
  .description('create a user; without --password-stdin a password is made and printed')
  .requiredOption('--username <name>')
  .option('--email <email>')
  .option('--admin', 'give the admin role', false)
  .option('--password-stdin', 'read the password from standard input')
  .action((options: { username: string; email?: string; admin: boolean; passwordStdin?: boolean }) =>
    withDatabase(async (db) => {
      const password = options.passwordStdin ? readFileSync(0, 'utf8').trim() : generateMasterKey().slice(0, 24);
      if (password.length < 12) throw new Error('the password needs at least 12 characters');
      const now = Date.now();
      await db.write(async (tx) =>
        tx.db.insertInto('users').values({ username: options.username, email: options.email ?? null, password_hash: await hashPassword(password), role: options.admin ? 'admin' : 'viewer', created_at: now, updated_at: now }).execute(),
      );
      console.log(`created ${options.admin ? 'admin' : 'viewer'} ${options.username}${options.passwordStdin ? '' : ` with the password ${password} (change it after signing in)`}`);
    }),
  );
user
  .command('reset-password')
  .description('give a user a new password (printed) and end their sessions')
  .requiredOption('--username <name>')
  .action((options: { username: string }) =>
    withDatabase(async (db) => {
      const password = generateMasterKey().slice(0, 24);
      const hash = await hashPassword(password);
      const result = await db.write((tx) => tx.db.updateTable('users').set({ password_hash: hash, updated_at: Date.now() }).where('username', '=', options.username).executeTakeFirst());
      if (Number(result.numUpdatedRows) === 0) throw new Error(`no user ${options.username}`);
      await db.write((tx) => tx.db.deleteFrom('sessions').where('user_id', 'in', tx.db.selectFrom('users').select('id').where('username', '=', options.username)).execute());
      console.log(`new password for ${options.username}: ${password}`);
    }),
  );
user
  .command('disable-totp')
  .description("turn off a user's two-factor sign-in (for one who lost both the authenticator and the recovery codes)")
  .requiredOption('--username <name>')
  .action((options: { username: string }) =>
    withDatabase(async (db) => {
      const result = await db.write((tx) =>
        tx.db.updateTable('users').set({ totp_enabled: false, totp_secret_encrypted: null, totp_recovery_codes_encrypted: null, totp_last_step: null }).where('username', '=', options.username).executeTakeFirst(),
      );
      if (Number(result.numUpdatedRows) === 0) throw new Error(`no user ${options.username}`);
      console.log(`two-factor sign-in disabled for ${options.username}`);
    }),
  );

const backup = program.command('backup').description('backups');
const manager = (db: Database, config: ServerConfig) => {
  const { fingerprint } = loadCipher(config, quiet());
  return new BackupManager({ db, target: parseDatabaseUrl(config.databaseUrl), backupsDir: config.backupsDir, appVersion: APP_VERSION, masterKeyFingerprint: fingerprint });
};
backup.command('create').description('take a full backup now').option('--note <text>', 'a note kept with it').action((o: { note?: string }) => withDatabase(async (db, config) => console.log(JSON.stringify(await manager(db, config).create({ kind: 'manual', note: o.note ?? null })))));
backup.command('list').description('the backups in the backups folder').action(() => withDatabase(async (db, config) => console.table(await manager(db, config).list())));
backup.command('verify').description("check a backup's SHA-256 and the database inside it").argument('<file>', 'a backup\'s name (see `backup list`)').action((file: string) => withDatabase(async (db, config) => console.log(JSON.stringify(await manager(db, config).verify(file)))));
backup
  .command('restore')
  .description('replace the database with a backup at the next start')
  .argument('<file>', 'a backup\'s name (see `backup list`)')
  .action((file: string) =>
    withDatabase(async (db, config) => {
      await manager(db, config).scheduleRestore(file, config.dataDir);
      console.log(`${file} will replace the database at the next start (the current one is kept as a pre-restore copy)`);
    }),
  );

program
  .command('ingest')
  .description('import a log file once (lines already stored are skipped)')
  .argument('<file>')
  .requiredOption('--parser <parser>', `one of ${INGEST_PARSERS.join(', ')}`)
  .option('--source <name>', 'the name rejected lines are filed under')
  .option('--project <uuid>', 'the project', DEFAULT_PROJECT_UUID)
  .action((file: string, o: { parser: string; source?: string; project: string }) =>
    withDatabase(async (db) => {
      if (!(INGEST_PARSERS as readonly string[]).includes(o.parser)) throw new Error(`--parser must be one of ${INGEST_PARSERS.join(', ')}`);
      const writer = new RecordWriter(db, LONG_RUNNING_WRITER);
      let shown = -1;
      const report = await importFile(writer, file, {
        projectUuid: o.project,
        parser: o.parser as IngestParser,
        ...(o.source ? { sourceName: o.source } : {}),
        onProgress: (done, total) => {
          const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
          if (percent !== shown && process.stderr.isTTY) process.stderr.write(`\r[${'#'.repeat(percent / 5).padEnd(20)}] ${percent}%`);
          shown = percent;
        },
      });
      await writer.close();
      if (process.stderr.isTTY) process.stderr.write('\n');
      console.log(JSON.stringify(report));
    }),
  );

program
  .command('key')
  .description('master key')
  .command('rotate')
  .description('make a new master key, re-encrypt every secret with it, then drop the old one')
  .action(() =>
    withDatabase(async (db, config) => {
      if (config.masterKey !== undefined) throw new Error('PANOPTES_MASTER_KEY is set: put a new key first in it (comma-separated, the old one after), run this, then remove the old key');
      const old = readFileSync(config.masterKeyFile, 'utf8');
      const fresh = generateMasterKey();
      const oldKeys = old.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean);
      writeFileSync(config.masterKeyFile, `# Panoptes master key (rotated ${new Date().toISOString()})\n${fresh}\n${oldKeys.join('\n')}\n`, { mode: 0o600 });
      const cipher = new FieldCipher(new KeyRing([fresh, ...oldKeys].map((k) => parseMasterKey(k))));
      const report = await rotateEncryptedFields(db, cipher);
      writeFileSync(config.masterKeyFile, `# Panoptes master key (rotated ${new Date().toISOString()})\n${fresh}\n`, { mode: 0o600 });
      console.log(JSON.stringify(report, null, 2));
      console.log('Backups made before now need the old key: keep a copy of it with them.');
    }),
  );

const settingsCommand = program.command('settings').description('settings');
settingsCommand.command('get').description('one setting, or all of them').argument('[key]').action((key?: string) =>
  withDatabase(async (db) => {
    const settings = new Settings(db);
    console.log(JSON.stringify(key === undefined ? await settings.all() : await settings.get(key as never), null, 2));
  }),
);
settingsCommand
  .command('set')
  .description('change a setting (checked like the panel does)')
  .argument('<key>')
  .argument('<value>', 'JSON (a bare word is taken as a string)')
  .action((key: string, value: string) =>
    withDatabase(async (db) => {
      let parsed: unknown = value;
      try {
        parsed = JSON.parse(value);
      } catch {
        // a bare string
      }
      await new Settings(db).set(key, parsed);
      console.log(`${key} = ${JSON.stringify(parsed)}`);
    }),
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else if (isPanoptesError(error) && error.code === 'DATABASE_LOCKED') {
    console.error(`${error.message}\nThis command needs the database to itself: stop the server first.`);
    process.exit(EXIT.busy);
  } else console.error(error instanceof Error ? error.message : String(error));
  process.exit(EXIT.failed);
});
