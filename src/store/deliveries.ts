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
 * Claims a delivery id before acting on it. False means GitHub redelivered one already claimed:
 * the unique key, not a read-then-write, decides, so two concurrent redeliveries cannot both act.
 */
export async function claimDelivery(pool: Pool, d: DeliveryRecord): Promise<boolean> {
  const r = await pool.query(
    'INSERT INTO webhook_deliveries (delivery_id, event, action, repo, issue_number) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (delivery_id) DO NOTHING',
    [d.deliveryId, d.event, d.action ?? null, d.repo ?? null, d.issueNumber ?? null],
  );
  return r.rowCount === 1;
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
