import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import type { Pool } from 'pg';
import type { WebhookDecision } from '../domain/webhook-routing';
import { CLAIM_LEASE_MS, MAX_CLAIMS, takeOverLapsedDeliveries } from '../store/deliveries';
import type { OutcomeRecorder } from '../store/outcome-recorder';
import { applyDecision, type ActionOutcome } from './issue-workflows';
import type { ApiMetrics } from './metrics';

/** A routing decision that does something: a start, a signal or a cancel. */
export type Action = Exclude<WebhookDecision, { kind: 'ignore' }>;

/** A recorded (claimed) delivery to act on. */
export interface ClaimedDelivery {
  deliveryId: string;
  action: Action;
  /** When it was received (epoch ms): its outcome's latency is counted from here. */
  receivedAt: number;
  /** When this process claimed it (epoch ms, at or before the claim's statement): the claim is this process's for the lease from here. */
  claimedAt: number;
}

/** How long Temporal has to accept one action (at most a third of the lease); an action starts only while its claim has that long left. */
export const ACT_DEADLINE_MS = 20_000;

/** Temporal calls in flight at once; more wait their turn here. 8 and 16 drained a backlog as fast on 2 cores (bench/figures/webhooks.ts); 8 keeps the server from being flooded, and at 50 ms to a remote cluster still takes 160 a second. */
const ACT_CONCURRENCY = 8;

/** Lapsed deliveries one sweep takes over. */
const SWEEP_LIMIT = 100;

export interface DeliveryActorOptions {
  client: Client;
  pool: Pool;
  taskQueue: string;
  outcomes: OutcomeRecorder;
  metrics: ApiMetrics;
  log: FastifyBaseLogger;
  leaseMs?: number;
}

/**
 * Acts on recorded deliveries: their starts, signals and cancels, against Temporal. Owns the order (one
 * issue's deliveries one after another, in the order they were received) and the outcome of each.
 *
 * A delivery is recorded with its decision before it is answered; what happens to it after is this module's:
 * when Temporal fails (or this process dies) the delivery stays `received`, and once its claim lapses the
 * sweep of any API process takes it over and acts on it. Nothing a webhook was answered for is lost, and no
 * one has to redeliver it.
 */
export interface DeliveryActor {
  /** Acts on `d` after the earlier deliveries of its issue; resolves with what Temporal did, rejects if Temporal failed. */
  act(d: ClaimedDelivery): Promise<ActionOutcome>;
  /** Deliveries being acted on or waiting their turn in this process. */
  pending(): number;
  /** Takes over and acts on lapsed deliveries (any process's); resolves with how many it took. */
  sweep(): Promise<number>;
  /** Waits for every action begun. */
  drain(): Promise<void>;
}

export function createDeliveryActor({ client, pool, taskQueue, outcomes, metrics, log, leaseMs = CLAIM_LEASE_MS }: DeliveryActorOptions): DeliveryActor {
  // The last action of each issue with one in flight: the next one of that issue waits for it.
  const tails = new Map<string, Promise<unknown>>();
  const all = new Set<Promise<unknown>>();
  let running = 0;
  const turns: Array<() => void> = [];
  const slot = () => (running < ACT_CONCURRENCY ? (running++, Promise.resolve()) : new Promise<void>((resolve) => turns.push(resolve)));
  const release = () => {
    const next = turns.shift();
    if (next) next();
    else running--;
  };

  // An action starts only while the claim has time left for all of it, so no sweep takes over a delivery still being acted on.
  const deadlineMs = Math.min(ACT_DEADLINE_MS, leaseMs / 3);
  const perform = async ({ deliveryId, action, receivedAt, claimedAt }: ClaimedDelivery): Promise<ActionOutcome> => {
    await slot();
    let result: ActionOutcome;
    try {
      if (Date.now() - claimedAt > leaseMs - deadlineMs) throw new Error(`its claim ran out while it waited its turn; the sweep takes it over`);
      result = await client.withDeadline(Date.now() + deadlineMs, () => applyDecision(client, taskQueue, action));
    } finally {
      release();
    }
    if (result.outcome === 'started' || result.outcome === 'already-running') metrics.workflowStarts.inc({ result: result.outcome });
    if (result.outcome === 'signaled') metrics.workflowSignals.inc({ signal: result.signal, source: 'webhook' });
    const { ref } = action;
    outcomes
      .record({ deliveryId, outcome: result.outcome, workflowId: 'workflowId' in result ? result.workflowId : undefined, latencyMs: Date.now() - receivedAt, repo: `${ref.owner}/${ref.repo}`, issueNumber: ref.issueNumber })
      .catch((err: unknown) => log.warn({ deliveryId, err }, 'could not record the webhook outcome'));
    return result;
  };

  const act = (d: ClaimedDelivery): Promise<ActionOutcome> => {
    const key = d.action.workflowId;
    const before = tails.get(key);
    // An earlier delivery of the issue that failed is retried by the sweep, in order: this one waits for it there.
    const done = before
      ? before.then(() => perform(d), () => Promise.reject(new Error(`an earlier delivery of ${key} is not acted on yet; this one is retried after it`)))
      : perform(d);
    tails.set(key, done);
    all.add(done);
    const settle = () => {
      all.delete(done);
      if (tails.get(key) === done) tails.delete(key);
    };
    done.then(settle, (err: unknown) => {
      settle();
      log.warn({ deliveryId: d.deliveryId, workflowId: key, err }, `delivery not acted on yet; it is retried once its claim lapses (${leaseMs / 1000} s)`);
    });
    return done;
  };

  return {
    act,
    pending: () => all.size,
    async sweep() {
      const claimedAt = Date.now();
      const { lapsed, failed } = await takeOverLapsedDeliveries(pool, SWEEP_LIMIT, leaseMs);
      for (const deliveryId of failed) log.error({ deliveryId }, `delivery given up after ${MAX_CLAIMS} attempts to act on it; see the log lines before this one`);
      for (const d of lapsed) {
        log.info({ deliveryId: d.deliveryId }, 'acting on a delivery whose claim lapsed');
        act({ deliveryId: d.deliveryId, action: d.decision as Action, receivedAt: d.claimedAt, claimedAt }).catch(() => undefined);
      }
      return lapsed.length;
    },
    async drain() {
      while (all.size) await Promise.allSettled([...all]);
    },
  };
}
