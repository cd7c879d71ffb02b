import type { Pool } from 'pg';

/** What a delivery is about, recorded when it is first seen. */
export interface DeliveryRecord {
  deliveryId: string;
  event: string;
  action?: string;
  repo?: string;
  issueNumber?: number;
}

/** How a delivery ended: `started`, `already-running`, `signaled`, `cancelled`, `ignored`, ... */
export interface DeliveryOutcome {
  outcome: string;
  workflowId?: string;
  latencyMs: number;
}

/**
 * How long a delivery recorded but not acted on (outcome still `received`) stays claimed. Longer than
 * the route gives Temporal to accept (ACT_DEADLINE_MS in the webhook route), so a claim this old was
 * left by a process that crashed between recording and acting, and its redelivery acts.
 */
export const CLAIM_LEASE_MS = 60_000;

/**
 * `claimed`: act on it (first delivery, or a redelivery of one recorded but never acted on);
 * `duplicate`: acted on already; `in-progress`: another request claimed it less than CLAIM_LEASE_MS ago.
 */
export type ClaimResult = 'claimed' | 'duplicate' | 'in-progress';

const CLAIM_MANY = `
INSERT INTO webhook_deliveries (delivery_id, event, action, repo, issue_number)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])
ON CONFLICT (delivery_id) DO UPDATE SET received_at = now()
  WHERE webhook_deliveries.outcome = 'received' AND webhook_deliveries.received_at < now() - make_interval(secs => $6)
RETURNING delivery_id`;

/**
 * Claims delivery ids before acting on them, each answered in order. The unique key, not a read-then-write,
 * decides, so two concurrent redeliveries cannot both act; an abandoned claim is taken over by the same
 * statement. One INSERT for all, and one read for those it did not claim. An id twice in `records` is claimed
 * once: its later copies are `in-progress` (or what the first is, when that is not `claimed`).
 */
export async function claimDeliveries(pool: Pool, records: DeliveryRecord[], leaseMs = CLAIM_LEASE_MS): Promise<ClaimResult[]> {
  const unique = [...new Map(records.map((d) => [d.deliveryId, d])).values()];
  const column = <K extends keyof DeliveryRecord>(k: K) => unique.map((d) => d[k] ?? null);
  const inserted = await pool.query<{ delivery_id: string }>(CLAIM_MANY, [column('deliveryId'), column('event'), column('action'), column('repo'), column('issueNumber'), leaseMs / 1000]);
  const answers = new Map<string, ClaimResult>(inserted.rows.map((r) => [r.delivery_id, 'claimed']));
  const rest = unique.map((d) => d.deliveryId).filter((id) => !answers.has(id));
  if (rest.length) {
    const existing = await pool.query<{ delivery_id: string; outcome: string }>('SELECT delivery_id, outcome FROM webhook_deliveries WHERE delivery_id = ANY($1::text[])', [rest]);
    const outcomes = new Map(existing.rows.map((r) => [r.delivery_id, r.outcome]));
    // No row: the claimer failed and gave it back just now; it was not acted on either.
    for (const id of rest) answers.set(id, outcomes.get(id) === undefined || outcomes.get(id) === 'received' ? 'in-progress' : 'duplicate');
  }
  const seen = new Set<string>();
  return records.map((d) => {
    const answer = answers.get(d.deliveryId)!;
    if (seen.has(d.deliveryId)) return answer === 'claimed' ? 'in-progress' : answer;
    seen.add(d.deliveryId);
    return answer;
  });
}

export async function recordOutcome(pool: Pool, deliveryId: string, o: DeliveryOutcome & { repo?: string; issueNumber?: number }): Promise<void> {
  await pool.query(
    'UPDATE webhook_deliveries SET outcome = $2, workflow_id = $3, latency_ms = $4, repo = COALESCE($5, repo), issue_number = COALESCE($6, issue_number) WHERE delivery_id = $1',
    [deliveryId, o.outcome, o.workflowId ?? null, Math.round(o.latencyMs), o.repo ?? null, o.issueNumber ?? null],
  );
}

/** Gives a delivery back when acting on it failed, so GitHub's redelivery is processed, not skipped. */
export async function releaseDelivery(pool: Pool, deliveryId: string): Promise<void> {
  await pool.query('DELETE FROM webhook_deliveries WHERE delivery_id = $1', [deliveryId]);
}

export interface StoredDelivery extends DeliveryRecord {
  outcome: string;
  workflowId?: string;
  latencyMs?: number;
}

export async function readDelivery(pool: Pool, deliveryId: string): Promise<StoredDelivery | undefined> {
  const r = await pool.query('SELECT * FROM webhook_deliveries WHERE delivery_id = $1', [deliveryId]);
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    deliveryId: row.delivery_id,
    event: row.event,
    action: row.action ?? undefined,
    repo: row.repo ?? undefined,
    issueNumber: row.issue_number ?? undefined,
    outcome: row.outcome,
    workflowId: row.workflow_id ?? undefined,
    latencyMs: row.latency_ms ?? undefined,
  };
}

/** Deletes deliveries older than `days`; returns how many. */
export async function deleteDeliveriesOlderThan(pool: Pool, days: number): Promise<number> {
  const r = await pool.query("DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(days => $1)", [days]);
  return r.rowCount ?? 0;
}
