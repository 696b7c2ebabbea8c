import type { Database, IngestParser } from '@panoptes/db-core';
import { FileTailer, type RecordWriter, type TailerStats } from '@panoptes/ingest';
import type { Logger } from 'pino';
import type { Notifier } from '@panoptes/notifications';

/** The running file tailers, started at boot and when a source is added through the API. */
export class Tailers {
  readonly #running = new Map<number, FileTailer>();
  #watch: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly writer: RecordWriter,
    private readonly notifier: Notifier,
    private readonly logger: Logger,
  ) {}

  /** Starts a tailer for every enabled file source, and watches them for failures. */
  async startAll(): Promise<void> {
    for (const source of await this.db.read.selectFrom('ingest_sources').selectAll().where('kind', '=', 'file').where('enabled', '=', true).execute()) {
      await this.start({ projectUuid: source.project_uuid, name: source.name, path: source.path!, parser: source.parser, startAt: source.start_at });
    }
    this.#watch = setInterval(() => void this.#report(), 60_000);
    this.#watch.unref();
  }

  async start(config: { projectUuid: string; name: string; path: string; parser: IngestParser; startAt: 'beginning' | 'end' }): Promise<number> {
    const tailer = new FileTailer(this.db, this.writer, config, { logger: this.logger });
    await tailer.start();
    this.#running.set(tailer.sourceId!, tailer);
    return tailer.sourceId!;
  }

  async stop(sourceId: number): Promise<void> {
    await this.#running.get(sourceId)?.stop();
    this.#running.delete(sourceId);
  }

  stats(sourceId: number): TailerStats | undefined {
    return this.#running.get(sourceId)?.stats;
  }


  async stopAll(): Promise<void> {
    if (this.#watch !== undefined) clearInterval(this.#watch);
    for (const id of [...this.#running.keys()]) await this.stop(id);
  }

  /** Sources that fail or fall behind become events (ingest.source_failed / ingest.source_behind). */
  async #report(): Promise<void> {
    for (const [id, tailer] of this.#running) {
      const stats = tailer.stats;
      const source = await this.db.read.selectFrom('ingest_sources').select(['project_uuid', 'name']).where('id', '=', id).executeTakeFirst();
      if (source === undefined) continue;
      if (stats.lastError !== null && stats.lastErrorAt !== null && Date.now() - stats.lastErrorAt < 60_000) {
        await this.notifier.notify({ type: 'ingest.source_failed', severity: 'warning', projectUuid: source.project_uuid, host: null, payload: { source: source.name, message: stats.lastError }, time: Date.now() });
      } else if (stats.bytesBehind > 64 * 1024 * 1024) {
        await this.notifier.notify({ type: 'ingest.source_behind', severity: 'warning', projectUuid: source.project_uuid, host: null, payload: { source: source.name, bytesBehind: stats.bytesBehind }, time: Date.now() });
      }
    }
  }
}
