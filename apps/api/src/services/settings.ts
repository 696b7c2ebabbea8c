import { z } from 'zod';
import { PanoptesError, type Database, type WriteContext } from '@panoptes/db-core';
import { parseSchedule } from '@panoptes/backup';

/** The typed registry of known settings: schema, default and what each means. */
export const SETTINGS = {
  'logs.retention_days': { schema: z.number().int().min(1).max(3650), default: 30, description: 'Days log entries are kept' },
  'logs.max_entries': { schema: z.number().int().min(1000), default: 500_000, description: 'Most log entries kept (oldest go first)' },
  'session.idle_minutes': { schema: z.number().int().min(5).max(43_200), default: 720, description: 'A session ends after this long unused' },
  'session.absolute_hours': { schema: z.number().int().min(1).max(8760), default: 168, description: 'A session ends this long after login' },
  'auth.max_failures_per_ip': { schema: z.number().int().min(1).max(1000), default: 20, description: 'Failed logins per address per 15 minutes' },
  'auth.max_failures_per_user': { schema: z.number().int().min(1).max(1000), default: 5, description: 'Failed logins per user name per 15 minutes' },
  'backup.enabled': { schema: z.boolean(), default: true, description: 'Take scheduled backups' },
  'backup.schedule': {
    schema: z.string().refine((s) => {
      try {
        parseSchedule(s);
        return true;
      } catch {
        return false;
      }
    }, 'not a cron expression'),
    default: '0 3 * * *',
    description: 'When scheduled backups run (cron, UTC)',
  },
  'backup.retention_days': { schema: z.number().int().min(1).max(3650), default: 14, description: 'Days scheduled backups are kept' },
  'backup.keep_last': { schema: z.number().int().min(0).max(1000), default: 7, description: 'Newest scheduled backups always kept' },
  'notifications.retention_days': { schema: z.number().int().min(1).max(3650), default: 90, description: 'Days delivery history is kept' },
  'notifications.max_entries': { schema: z.number().int().min(100), default: 100_000, description: 'Most delivery rows kept' },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.infer<(typeof SETTINGS)[K]['schema']>;

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

/** Reads and writes the known settings, validated; the stored value is JSON. */
export class Settings {
  constructor(private readonly db: Database) {}

  async get<K extends SettingKey>(key: K): Promise<SettingValue<K>> {
    const row = await this.db.read.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    if (row === undefined) return SETTINGS[key].default as SettingValue<K>;
    const parsed = SETTINGS[key].schema.safeParse(JSON.parse(row.value));
    return (parsed.success ? parsed.data : SETTINGS[key].default) as SettingValue<K>;
  }

  async all(): Promise<Record<SettingKey, unknown>> {
    const out = {} as Record<SettingKey, unknown>;
    for (const key of Object.keys(SETTINGS) as SettingKey[]) out[key] = await this.get(key);
    return out;
  }

  /** Validates and stores; an invalid value is a VALIDATION error naming the key. `alongside` runs in the same write unit (the audit entry). */
  async set(key: string, value: unknown, now = Date.now(), alongside?: (tx: WriteContext, before: unknown) => Promise<void>): Promise<void> {
    if (!isSettingKey(key)) throw new PanoptesError('VALIDATION', `unknown setting ${JSON.stringify(key)}`, { context: { field: key } });
    const parsed = SETTINGS[key].schema.safeParse(value);
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => i.message).join('; ');
      throw new PanoptesError('VALIDATION', `${key}: ${message}`, { context: { fields: [{ field: key, message }] } });
    }
    await this.db.write(async (tx) => {
      const before = await tx.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
      await tx.db
        .insertInto('settings')
        .values({ key, value: JSON.stringify(parsed.data), updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(parsed.data), updated_at: now }))
        .execute();
      await alongside?.(tx, before === undefined ? SETTINGS[key].default : JSON.parse(before.value));
    });
  }
}
