import type { BackupManager } from '@panoptes/backup';
import type { FieldCipher } from '@panoptes/crypto';
import type { Database } from '@panoptes/db-core';
import type { RecordWriter } from '@panoptes/ingest';
import type { Notifier } from '@panoptes/notifications';
import type { Logger } from 'pino';
import type { ServerConfig } from './env.js';
import type { Metrics } from './services/metrics.js';
import type { Settings } from './services/settings.js';
import type { Tailers } from './services/tailers.js';
import type { SetupToken } from './auth/setup-token.js';

/** Everything the routes need, built once at boot (or by a test). */
export interface AppContext {
  readonly config: ServerConfig;
  readonly db: Database;
  readonly cipher: FieldCipher;
  readonly settings: Settings;
  readonly writer: RecordWriter;
  readonly notifier: Notifier;
  readonly backups: BackupManager;
  readonly tailers: Tailers;
  readonly setupToken: SetupToken;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly appVersion: string;
}
