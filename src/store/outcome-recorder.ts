import type { Pool } from 'pg';
import type { DeliveryOutcome } from './deliveries';

/** One delivery's outcome, as the webhook route records it beside its answer. */
export type RecordedOutcome = DeliveryOutcome & { deliveryId: string; repo?: string; issueNumber?: number };

/** Writes outcomes in the background, several to a statement when they come faster than one statement takes. */
export interface OutcomeRecorder {
  /** Queues `o`; resolves once it is written, rejects when its statement failed. */
  record(o: RecordedOutcome): Promise<void>;
  /** Resolves once everything queued so far is written (or failed). */
  drain(): Promise<void>;
}

const UPDATE_MANY = `
UPDATE webhook_deliveries d SET outcome = v.outcome, workflow_id = v.workflow_id, latency_ms = v.latency_ms,
  repo = COALESCE(v.repo, d.repo), issue_number = COALESCE(v.issue_number, d.issue_number)
FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[]) AS v(delivery_id, outcome, workflow_id, latency_ms, repo, issue_number)
WHERE d.delivery_id = v.delivery_id`;

interface Queued {
  o: RecordedOutcome;
  done: (error?: unknown) => void;
}

/**
 * Outcomes that come while a statement is in flight wait for it and then go together in the next one: alone
 * when deliveries are few (no added wait), one PostgreSQL round trip for many under a burst (each round trip
 * is a write and a wake-up of both processes, most of the route's cost beside Temporal's on a busy machine).
 * A delivery id queued twice keeps its last outcome.
 */
export function createOutcomeRecorder(pool: Pool, maxBatch = 100): OutcomeRecorder {
  const queue: Queued[] = [];
  let flight: Promise<void> | undefined;

  const flush = async (): Promise<void> => {
    while (queue.length) {
      const batch = queue.splice(0, maxBatch);
      const last = new Map(batch.map((q) => [q.o.deliveryId, q.o]));
      const rows = [...last.values()];
      try {
        await pool.query(UPDATE_MANY, [
          rows.map((o) => o.deliveryId),
          rows.map((o) => o.outcome),
          rows.map((o) => o.workflowId ?? null),
          rows.map((o) => Math.round(o.latencyMs)),
          rows.map((o) => o.repo ?? null),
          rows.map((o) => o.issueNumber ?? null),
        ]);
        for (const q of batch) q.done();
      } catch (error) {
        for (const q of batch) q.done(error);
      }
    }
    flight = undefined;
  };

  return {
    record(o) {
      const written = new Promise<void>((resolve, reject) => queue.push({ o, done: (error) => (error === undefined ? resolve() : reject(error)) }));
      // Outcomes of the same tick go together; a flight in progress takes the queue when it is done.
      flight ??= new Promise<void>((resolve) => setImmediate(resolve)).then(flush);
      return written;
    },
    async drain() {
      while (flight) await flight;
    },
  };
}
