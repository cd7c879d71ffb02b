import type { Pool } from 'pg';
import { createBatcher } from './batcher';
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

/** Outcomes batched as `createBatcher` says; a delivery id queued twice keeps its last outcome. */
export function createOutcomeRecorder(pool: Pool, maxBatch = 100): OutcomeRecorder {
  const batcher = createBatcher<RecordedOutcome, void>(async (batch) => {
    const rows = [...new Map(batch.map((o) => [o.deliveryId, o])).values()];
    await pool.query(UPDATE_MANY, [
      rows.map((o) => o.deliveryId),
      rows.map((o) => o.outcome),
      rows.map((o) => o.workflowId ?? null),
      rows.map((o) => Math.round(o.latencyMs)),
      rows.map((o) => o.repo ?? null),
      rows.map((o) => o.issueNumber ?? null),
    ]);
    return batch.map(() => undefined);
  }, maxBatch);
  return { record: (o) => batcher.submit(o), drain: () => batcher.drain() };
}
