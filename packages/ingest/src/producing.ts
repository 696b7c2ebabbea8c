import type { CommitSink, RecordWriter, WriteItem, WriteOutcome } from './record-writer.js';

/**
 * The sink of a producer that hands many items to the writer and waits for them all (an import, an
 * HTTP body): counts what is still pending, remembers the first failure, and passes each outcome on.
 */
export class PendingWrites implements CommitSink {
  readonly #onCommitted: (outcome: WriteOutcome, item: WriteItem) => void;
  #count = 0;
  #failure: { readonly error: unknown } | undefined;
  #waiter: (() => void) | undefined;

  constructor(onCommitted: (outcome: WriteOutcome, item: WriteItem) => void) {
    this.#onCommitted = onCommitted;
  }

  /** Queues an item with this sink; only when the writer's queue is full is there something to wait for. */
  queue(writer: RecordWriter, item: WriteItem): Promise<void> | undefined {
    this.#count += 1;
    const unqueued = (error: unknown): never => {
      this.#count -= 1;
      throw error;
    };
    try {
      return writer.offerTo(item, this) ? undefined : writer.submitTo(item, this).catch(unqueued);
    } catch (error) {
      return unqueued(error);
    }
  }

  committed(outcome: WriteOutcome, item: WriteItem): void {
    this.#onCommitted(outcome, item);
    this.#settle();
  }

  failed(error: unknown): void {
    this.#failure ??= { error };
    this.#settle();
  }

  /** Resolves when every queued item settled; rejects with the first failure. */
  async done(): Promise<void> {
    if (this.#count > 0) await new Promise<void>((resolve) => (this.#waiter = resolve));
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  #settle(): void {
    this.#count -= 1;
    if (this.#count > 0) return;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
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
