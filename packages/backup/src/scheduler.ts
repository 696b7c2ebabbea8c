import { Cron } from 'croner';
import { silentLogger, type Logger } from '@panoptes/db-core';
import type { BackupManager, BackupRecord, BackupRetention } from './backup-manager.js';
import { BackupError } from './errors.js';

export interface BackupSchedule extends BackupRetention {
  /** `backup.enabled`. */
  readonly enabled: boolean;
  /** `backup.schedule`: a cron expression (five or six fields), e.g. `0 3 * * *`. */
  readonly schedule: string;
}

/** Refuses an invalid cron expression with croner's reason. */
export function parseSchedule(expression: string): Cron {
  try {
    return new Cron(expression, { paused: true, timezone: 'UTC' });
  } catch (error) {
    throw new BackupError('INVALID_SCHEDULE', `backup.schedule ${JSON.stringify(expression)} is not a cron expression: ${(error as Error).message}`);
  }
}

/**
 * Takes scheduled backups and prunes old ones. `runDue()` decides from the clock and the newest
 * scheduled backup whether one is due (so a restart neither skips nor repeats a run); `start()`
 * sleeps until the next fire time (settings are read again each time).
 */
export class BackupScheduler {
  #timer: NodeJS.Timeout | undefined;
  readonly #startedAt: number;

  constructor(
    private readonly manager: BackupManager,
    private readonly settings: () => Promise<BackupSchedule> | BackupSchedule,
    private readonly options: {
      readonly clock?: () => number;
      readonly logger?: Logger;
      /** Told about every scheduled backup, taken or failed (for notifications). */
      readonly onOutcome?: (outcome: { readonly backup: BackupRecord } | { readonly error: Error }) => void | Promise<void>;
    } = {},
  ) {
    this.#startedAt = this.#now();
  }

  #now(): number {
    return (this.options.clock ?? Date.now)();
  }

  /** Takes a scheduled backup if one is due, then prunes. Returns the backup taken, if any. */
  async runDue(): Promise<BackupRecord | null> {
    const settings = await this.settings();
    if (!settings.enabled) return null;
    const cron = parseSchedule(settings.schedule);
    const newest = (await this.manager.list()).find((b) => b.kind === 'scheduled');
    const since = newest?.created_at ?? this.#startedAt;
    const due = cron.nextRun(new Date(since));
    if (due === null || due.getTime() > this.#now()) return null;
    let backup: BackupRecord;
    try {
      backup = await this.manager.create({ kind: 'scheduled', note: `schedule ${settings.schedule}` });
    } catch (error) {
      await this.options.onOutcome?.({ error: error as Error });
      throw error;
    }
    await this.options.onOutcome?.({ backup });
    const pruned = await this.manager.prune(settings);
    if (pruned.length > 0) (this.options.logger ?? silentLogger).info({ pruned }, 'old scheduled backups deleted');
    return backup;
  }

  /** Wakes at each fire time (and at least hourly, to pick up new settings). */
  start(): void {
    this.stop();
    const loop = async (): Promise<void> => {
      try {
        await this.runDue();
      } catch (error) {
        (this.options.logger ?? silentLogger).error({ error: (error as Error).message }, 'scheduled backup failed');
      }
      let wait = 3_600_000;
      try {
        const settings = await this.settings();
        const next = settings.enabled ? parseSchedule(settings.schedule).nextRun(new Date(this.#now())) : null;
        if (next !== null) wait = Math.min(wait, Math.max(1_000, next.getTime() - this.#now()));
      } catch {
        // an invalid schedule is reported by runDue; check again later
      }
      this.#timer = setTimeout(() => void loop(), wait);
      this.#timer.unref();
    };
    void loop();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
