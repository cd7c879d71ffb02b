import type { Pool } from 'pg';

/** What a delivery is about, recorded when it is first seen. */
export interface DeliveryRecord {
  deliveryId: string;
  event: string;
  action?: string;
  repo?: string;
  issueNumber?: number;
  /** What it routed to, when that is an action (JSON): whoever holds the claim, or takes it over, acts on it. */
  decision?: unknown;
  /** `ignored` for a delivery nothing is done for: its outcome is known when it is recorded. `received` otherwise. */
  outcome?: 'received' | 'ignored';
}

/** How a delivery ended: `started`, `already-running`, `signaled`, `cancelled`, `ignored`, ... */
export interface DeliveryOutcome {
  outcome: string;
  workflowId?: string;
  latencyMs: number;
}

/**
 * How long a delivery recorded but not acted on (outcome still `received`) stays claimed. Longer than
 * Temporal is given to accept one action (ACT_DEADLINE_MS in src/api/delivery-actor.ts), so a claim this
 * old was left by a process that crashed or a Temporal that failed, and it is taken over: by a redelivery,
 * or by any API process's sweep when the delivery's decision was recorded.
 */
export const CLAIM_LEASE_MS = 60_000;

/** `claimed`: act on it (first delivery, one whose claim lapsed, or one given up as `failed`); `duplicate`: recorded already, and acted on or being acted on. */
export type ClaimResult = 'claimed' | 'duplicate';

const CLAIM_MANY = `
INSERT INTO webhook_deliveries (delivery_id, event, action, repo, issue_number, decision, outcome)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::jsonb[], $7::text[])
ON CONFLICT (delivery_id) DO UPDATE SET received_at = now(), decision = EXCLUDED.decision, outcome = EXCLUDED.outcome,
  attempts = webhook_deliveries.attempts + 1
  WHERE (webhook_deliveries.outcome = 'received' AND webhook_deliveries.received_at < now() - make_interval(secs => $8))
     OR webhook_deliveries.outcome = 'failed'
RETURNING delivery_id`;

/**
 * Claims delivery ids before acting on them, each answered in order, in one statement. The unique key, not a
 * read-then-write, decides, so two concurrent copies cannot both act; a lapsed claim, or a delivery given up as
 * `failed` (a person redelivers it once the cause is fixed), is taken over by the same statement. An id twice in
 * `records` is claimed once: its later copies are duplicates.
 */
export async function claimDeliveries(pool: Pool, records: DeliveryRecord[], leaseMs = CLAIM_LEASE_MS): Promise<ClaimResult[]> {
  const unique = [...new Map(records.map((d) => [d.deliveryId, d])).values()];
  const column = <K extends keyof DeliveryRecord>(k: K) => unique.map((d) => d[k] ?? null);
  const decisions = unique.map((d) => (d.decision === undefined ? null : JSON.stringify(d.decision)));
  const outcomes = unique.map((d) => d.outcome ?? 'received');
  const inserted = await pool.query<{ delivery_id: string }>(CLAIM_MANY, [column('deliveryId'), column('event'), column('action'), column('repo'), column('issueNumber'), decisions, outcomes, leaseMs / 1000]);
  const claimed = new Set(inserted.rows.map((r) => r.delivery_id));
  return records.map((d) => (claimed.delete(d.deliveryId) ? 'claimed' : 'duplicate'));
}

/** A delivery whose claim lapsed before it was acted on, taken over by a sweep. */
export interface LapsedDelivery {
  deliveryId: string;
  decision: unknown;
  repo?: string;
  issueNumber?: number;
  /** When it was claimed before (epoch ms): deliveries are acted on in this order. */
  claimedAt: number;
}

/** Claims of one delivery before it is given up as `failed` (with the lease, about half an hour of retries). */
export const MAX_CLAIMS = 30;

const GIVE_UP = `
UPDATE webhook_deliveries SET outcome = 'failed'
WHERE outcome = 'received' AND decision IS NOT NULL AND attempts >= $2 AND received_at < now() - make_interval(secs => $1)
RETURNING delivery_id`;

const TAKE_OVER_LAPSED = `
WITH lapsed AS (
  SELECT delivery_id, received_at FROM webhook_deliveries
  WHERE outcome = 'received' AND decision IS NOT NULL AND received_at < now() - make_interval(secs => $1)
  ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED)
UPDATE webhook_deliveries d SET received_at = now(), attempts = d.attempts + 1 FROM lapsed WHERE d.delivery_id = lapsed.delivery_id
RETURNING d.delivery_id, d.decision, d.repo, d.issue_number, lapsed.received_at AS claimed_at`;

/**
 * Claims again, for the caller to act on, up to `limit` recorded deliveries whose claim lapsed without an
 * outcome (the process died, or Temporal failed), oldest first; those claimed MAX_CLAIMS times already are
 * marked `failed` instead (their ids in `failed`). Rows locked by another sweep are skipped, so two processes
 * never take the same one.
 */
export async function takeOverLapsedDeliveries(pool: Pool, limit: number, leaseMs = CLAIM_LEASE_MS): Promise<{ lapsed: LapsedDelivery[]; failed: string[] }> {
  const failed = await pool.query<{ delivery_id: string }>(GIVE_UP, [leaseMs / 1000, MAX_CLAIMS]);
  const r = await pool.query<{ delivery_id: string; decision: unknown; repo: string | null; issue_number: number | null; claimed_at: Date }>(TAKE_OVER_LAPSED, [leaseMs / 1000, limit]);
  const lapsed = r.rows
    .map((row) => ({ deliveryId: row.delivery_id, decision: row.decision, repo: row.repo ?? undefined, issueNumber: row.issue_number ?? undefined, claimedAt: row.claimed_at.getTime() }))
    .sort((a, b) => a.claimedAt - b.claimedAt);
  return { lapsed, failed: failed.rows.map((row) => row.delivery_id) };
}

export async function recordOutcome(pool: Pool, deliveryId: string, o: DeliveryOutcome & { repo?: string; issueNumber?: number }): Promise<void> {
  await pool.query(
    'UPDATE webhook_deliveries SET outcome = $2, workflow_id = $3, latency_ms = $4, repo = COALESCE($5, repo), issue_number = COALESCE($6, issue_number) WHERE delivery_id = $1',
    [deliveryId, o.outcome, o.workflowId ?? null, Math.round(o.latencyMs), o.repo ?? null, o.issueNumber ?? null],
  );
}

export interface StoredDelivery extends Omit<DeliveryRecord, 'decision' | 'outcome'> {
  outcome: string;
  workflowId?: string;
  latencyMs?: number;
  /** When it was last claimed (ISO 8601). */
  receivedAt?: string;
  /** How many times it was claimed: more than one, it was taken over (a redelivery, a sweep). */
  attempts?: number;
}

const toStored = (row: Record<string, unknown>): StoredDelivery => ({
  deliveryId: row.delivery_id as string,
  event: row.event as string,
  action: (row.action as string | null) ?? undefined,
  repo: (row.repo as string | null) ?? undefined,
  issueNumber: (row.issue_number as number | null) ?? undefined,
  outcome: row.outcome as string,
  workflowId: (row.workflow_id as string | null) ?? undefined,
  latencyMs: (row.latency_ms as number | null) ?? undefined,
  receivedAt: (row.received_at as Date).toISOString(),
  attempts: row.attempts as number,
});

/** The newest deliveries first, at most `limit`, of one outcome when given (`received`: not acted on yet; `failed`: given up). */
export async function listDeliveries(pool: Pool, { outcome, limit }: { outcome?: string; limit: number }): Promise<StoredDelivery[]> {
  const r = await pool.query(
    'SELECT delivery_id, event, action, repo, issue_number, outcome, workflow_id, latency_ms, received_at, attempts FROM webhook_deliveries WHERE ($1::text IS NULL OR outcome = $1) ORDER BY received_at DESC LIMIT $2',
    [outcome ?? null, limit],
  );
  return r.rows.map(toStored);
}

export async function readDelivery(pool: Pool, deliveryId: string): Promise<StoredDelivery | undefined> {
  const r = await pool.query('SELECT * FROM webhook_deliveries WHERE delivery_id = $1', [deliveryId]);
  return r.rows[0] ? toStored(r.rows[0]) : undefined;
}

/** Deletes deliveries older than `days`; returns how many. */
export async function deleteDeliveriesOlderThan(pool: Pool, days: number): Promise<number> {
  const r = await pool.query("DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(days => $1)", [days]);
  return r.rowCount ?? 0;
}
