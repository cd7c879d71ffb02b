/** Items sent to one statement together; each caller gets its own item's answer. */
export interface Batcher<T, R> {
  /** Queues `item`; resolves with its answer once its statement ran, rejects when that statement failed. */
  submit(item: T): Promise<R>;
  /** Resolves once everything queued so far has run (or failed). */
  drain(): Promise<void>;
}

interface Queued<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Items that come while a statement is in flight wait for it and then go together in the next one: alone when
 * they are few (no added wait beyond the tick), one PostgreSQL round trip for many under a burst. Each round
 * trip is a write and a wake-up of both processes: on a busy machine, most of the webhook route's cost beside
 * Temporal's. `run` answers the items of one statement in their order.
 */
export function createBatcher<T, R>(run: (items: T[]) => Promise<R[]>, maxBatch = 100): Batcher<T, R> {
  const queue: Queued<T, R>[] = [];
  let flight: Promise<void> | undefined;

  const flush = async (): Promise<void> => {
    while (queue.length) {
      const batch = queue.splice(0, maxBatch);
      try {
        const answers = await run(batch.map((q) => q.item));
        batch.forEach((q, i) => q.resolve(answers[i]));
      } catch (error) {
        for (const q of batch) q.reject(error);
      }
    }
    flight = undefined;
  };

  return {
    submit(item) {
      const answered = new Promise<R>((resolve, reject) => queue.push({ item, resolve, reject }));
      // Items of the same tick go together; a flight in progress takes the queue when it is done.
      flight ??= new Promise<void>((resolve) => setImmediate(resolve)).then(flush);
      return answered;
    },
    async drain() {
      while (flight) await flight;
    },
  };
}
