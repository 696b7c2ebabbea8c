import { Counter, Gauge, Registry } from 'prom-client';

/** Prometheus metrics of the process: ingest counters, writer queue depth, deliveries, backup age. */
export class Metrics {
  readonly registry = new Registry();
  readonly ingested = new Counter({ name: 'panoptes_ingest_lines_total', help: 'Lines ingested, by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly writerDepth: Gauge;
  readonly deliveries: Gauge;
  readonly backupAge: Gauge;

  constructor(sources: { writerDepth: () => number; deliveries: () => Promise<Record<string, number>>; lastBackupAt: () => Promise<number | null>; clock: () => number }) {
    this.writerDepth = new Gauge({ name: 'panoptes_writer_queue_depth', help: 'Items waiting in the ingest RecordWriter', registers: [this.registry], collect() {
      this.set(sources.writerDepth());
    } });
    this.deliveries = new Gauge({ name: 'panoptes_notification_deliveries', help: 'Notification deliveries by status', labelNames: ['status'], registers: [this.registry], async collect() {
      this.reset();
      for (const [status, n] of Object.entries(await sources.deliveries())) this.set({ status }, n);
    } });
    this.backupAge = new Gauge({ name: 'panoptes_last_backup_age_seconds', help: 'Seconds since the newest backup (-1: none)', registers: [this.registry], async collect() {
      const at = await sources.lastBackupAt();
      this.set(at === null ? -1 : Math.round((sources.clock() - at) / 1000));
    } });
  }
}
