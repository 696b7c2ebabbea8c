import type { CommitSink, RecordWriter, WriteItem, WriteOutcome } from './record-writer.js';

/**
 * The sink of a producer that hands many items to the writer (a tailer, an import, an HTTP body):
 * counts what is still pending, passes each outcome on, and remembers the first failure. A failure
 * handler that returns a promise (the tailer recording its error) holds its item pending until done.
 */
export class PendingWrites implements CommitSink {
  readonly #onCommitted: (outcome: WriteOutcome, item: WriteItem) => void;
  readonly #onFailed: ((error: unknown, item: WriteItem) => Promise<void> | void) | undefined;
  #count = 0;
  #failure: { readonly error: unknown } | undefined;
  readonly #waiters: (() => void)[] = [];

  constructor(onCommitted: (outcome: WriteOutcome, item: WriteItem) => void, onFailed?: (error: unknown, item: WriteItem) => Promise<void> | void) {
    this.#onCommitted = onCommitted;
    this.#onFailed = onFailed;
  }

  /** Items queued whose batch has not settled yet. */
  get count(): number {
    return this.#count;
  }

  /** Queues an item with this sink; only when the writer's queue is full is there something to wait for. */
  queue(writer: RecordWriter, item: WriteItem): Promise<void> | undefined {
    this.#count += 1;
    try {
      if (writer.offerTo(item, this)) return undefined;
    } catch (error) {
      this.#unqueued(error);
    }
    // Only here, with the queue full, a closure: this runs for every line.
    return writer.submitTo(item, this).catch((error: unknown) => this.#unqueued(error));
  }

  #unqueued(error: unknown): never {
    this.#count -= 1;
    throw error;
  }

  committed(outcome: WriteOutcome, item: WriteItem): void {
    this.#onCommitted(outcome, item);
    this.#settle();
  }

  failed(error: unknown, item: WriteItem): void {
    this.#failure ??= { error };
    const handled = this.#onFailed?.(error, item);
    if (handled === undefined) this.#settle();
    else void handled.finally(() => this.#settle());
  }

  /** Resolves once no queued item is pending. */
  settled(): Promise<void> {
    return this.#count === 0 ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Resolves when every queued item settled; rejects with the first failure. */
  async done(): Promise<void> {
    await this.settled();
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  #settle(): void {
    this.#count -= 1;
    if (this.#count === 0) for (const resolve of this.#waiters.splice(0)) resolve();
  }
}

/** How long a producer parses before it gives the event loop a turn. */
const TURN_EVERY_MS = 0.1;

/**
 * For a producer's loop: a promise to await when it has held the event loop for `TURN_EVERY_MS`,
 * else undefined. The writer thread's answers are only handled between turns, and a batch's write
 * takes several round trips: a producer that parsed a whole read chunk (or HTTP body) in one go made
 * each of them wait, and the writer thread sat idle (1M lines here: 29 s, 24 s with turns).
 */
export function eventLoopTurns(): () => Promise<void> | undefined {
  let since = performance.now();
  const turn = (resolve: () => void) =>
    setImmediate(() => {
      since = performance.now();
      resolve();
    });
  return () => (performance.now() - since < TURN_EVERY_MS ? undefined : new Promise<void>(turn));
}
