import { readdirSync } from 'node:fs';
import { rejectionOf, sqliteFixture } from '@panoptes/db-core/testing';
import { describe, expect, it } from 'vitest';
import { createMigrator } from '../src/index.js';
import { migrationDir } from './fixtures/migration-dirs.js';
import { seedWorld } from './fixtures/world.js';

/** Rebuilds `users` the SQLite way: new table, copy, drop, rename. `keep` filters the copied rows. */
const rebuildUsers = (keep: string) => `
CREATE TABLE users_new (
  id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT, email TEXT, display_name TEXT,
  role TEXT NOT NULL DEFAULT 'viewer' CHECK (role IN ('admin', 'viewer')),
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)), external_provider TEXT, external_id TEXT,
  created_via TEXT NOT NULL DEFAULT 'local' CHECK (created_via IN ('local', 'oidc')), totp_secret_encrypted TEXT,
  totp_enabled INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1)), totp_enabled_at INTEGER,
  totp_recovery_codes_encrypted TEXT, totp_last_step INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  last_login_at INTEGER, locale TEXT NOT NULL DEFAULT 'en'
) STRICT;
INSERT INTO users_new (id, username, password_hash, email, display_name, role, disabled, external_provider, external_id, created_via,
  totp_secret_encrypted, totp_enabled, totp_enabled_at, totp_recovery_codes_encrypted, totp_last_step, created_at, updated_at, last_login_at)
SELECT id, username, password_hash, email, display_name, role, disabled, external_provider, external_id, created_via,
  totp_secret_encrypted, totp_enabled, totp_enabled_at, totp_recovery_codes_encrypted, totp_last_step, created_at, updated_at, last_login_at
FROM users WHERE ${keep};
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE UNIQUE INDEX users_external_identity ON users (external_provider, external_id) WHERE external_provider IS NOT NULL;
`;

describe('table-rebuild migrations on SQLite [sqlite]', () => {
  const fixture = sqliteFixture();

  it('rebuild users without firing cascades: sessions and subscriptions survive', async () => {
    const dirs = migrationDir({ '0900_users_locale': { sqlite: { up: rebuildUsers('1'), down: 'ALTER TABLE users DROP COLUMN locale;' }, postgres: { up: "ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';", down: 'ALTER TABLE users DROP COLUMN locale;' } } });
    const db = await fixture.open();
    await createMigrator(db).up();
    await seedWorld(db);
    const before = { sessions: await db.read.selectFrom('sessions').selectAll().execute(), subscriptions: await db.read.selectFrom('push_subscriptions').selectAll().execute() };
    expect(before.sessions).toHaveLength(1);
    await createMigrator(db, { migrations: await dirs.load() }).up();
    expect(await db.read.selectFrom('sessions').selectAll().execute()).toEqual(before.sessions);
    expect(await db.read.selectFrom('push_subscriptions').selectAll().execute()).toEqual(before.subscriptions);
    // Foreign keys are back on afterwards: a dangling insert is refused.
    await expect(
      db.write((tx) => tx.db.insertInto('sessions').values({ user_id: 999, token_hash: 'x', created_at: 1, last_seen_at: 1, expires_at: 2 }).execute()),
    ).rejects.toMatchObject({ kind: 'foreign_key' });
  });

  it('refuses a rebuild that would leave dangling references, and keeps the database as it was', async () => {
    const dirs = migrationDir({ '0900_users_lossy': { sqlite: { up: rebuildUsers("username <> 'ada'"), down: 'SELECT 1;' }, postgres: { up: 'SELECT 1;', down: 'SELECT 1;' } } });
    const db = await fixture.open();
    await createMigrator(db).up();
    await seedWorld(db);
    const catalog = await db.catalog();
    const error = await rejectionOf(createMigrator(db, { migrations: await dirs.load() }).up());
    expect(error.message).toMatch(/0900_users_lossy \(up\) failed and was rolled back: schema change left \d+ rows with dangling foreign keys/);
    expect(await db.catalog()).toEqual(catalog);
    expect(await db.read.selectFrom('users').select('username').execute()).toEqual([{ username: 'ada' }]);
    const latest = readdirSync(new URL('../src/sql/sqlite/', import.meta.url)).filter((f) => f.endsWith('.up.sql')).sort().at(-1)!.slice(0, 4);
    expect((await createMigrator(db).status()).current).toBe(latest);
  });
});
