import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import pino from 'pino';
import { createDeliveryActor, type Action, type DeliveryActor } from '../../src/api/delivery-actor';
import { ApiMetrics } from '../../src/api/metrics';
import { routeWebhook } from '../../src/domain/webhook-routing';
import { claimDeliveries, readDelivery } from '../../src/store/deliveries';
import { createOutcomeRecorder } from '../../src/store/outcome-recorder';
import { quietAfterTeardown } from '../support/temporal';
import { createHarness, eventually, newDeliveryId, type Harness } from './support/harness';
import { example } from './support/webhook-examples';

jest.setTimeout(60_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
}, 120_000);
afterAll(async () => h?.close());

const LEASE_MS = 3_000;
const quiet = pino({ level: 'silent' });
let nextIssue = 700;

function actorOn(client: Client): DeliveryActor {
  return createDeliveryActor({ client, pool: h.db.pool, taskQueue: h.config.temporal.taskQueue, outcomes: createOutcomeRecorder(h.db.pool), metrics: new ApiMetrics(), log: quiet, leaseMs: LEASE_MS });
}

/** A recorded trigger (or a reply) for `issue`, as the route records it before it answers. */
async function recorded(issue: number, event: 'issues' | 'issue_comment' = 'issues') {
  const deliveryId = newDeliveryId();
  const payload = event === 'issues' ? { ...example('issues', 'labeled'), label: { ...example('issues', 'labeled').label, name: 'agent' } } : example('issue_comment', 'created');
  payload.issue.number = issue;
  const { allowedRepos, allowedOwners } = h.config.github;
  const action = routeWebhook(event, payload, deliveryId, { triggerLabel: 'agent', allowedRepos, allowedOwners }) as Action;
  expect(action.kind).not.toBe('ignore');
  const claimedAt = Date.now();
  await claimDeliveries(h.db.pool, [{ deliveryId, event, decision: action }]);
  return { deliveryId, action, receivedAt: claimedAt, claimedAt };
}

const wf = (issue: number) => `Codertocat/Hello-World#${issue}`;

describe('the delivery actor', () => {
  it('does not act on a delivery whose claim ran out while it waited its turn (a sweep may own it now); it stays received', async () => {
    const issue = nextIssue++;
    const d = await recorded(issue);
    await expect(actorOn(h.client).act({ ...d, claimedAt: Date.now() - LEASE_MS })).rejects.toThrow('its claim ran out');
    await expect(h.client.workflow.getHandle(wf(issue)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(await readDelivery(h.db.pool, d.deliveryId)).toMatchObject({ outcome: 'received' });
  });

  it('when Temporal fails, the issue\'s later deliveries queued behind it fail too, and the sweep acts on all of them in the order received', async () => {
    const conn = await Connection.connect({ address: h.env.address, plugins: [quietAfterTeardown] });
    await conn.close();
    const broken = actorOn(new Client({ connection: conn }));
    const issue = nextIssue++;
    const trigger = await recorded(issue);
    const reply = await recorded(issue, 'issue_comment');
    const acts = [broken.act(trigger), broken.act(reply)];
    await expect(acts[0]).rejects.toThrow();
    await expect(acts[1]).rejects.toThrow('an earlier delivery');
    await broken.drain();

    const working = actorOn(h.client);
    await h.db.pool.query('UPDATE webhook_deliveries SET received_at = received_at - interval \'1 minute\' WHERE delivery_id = ANY($1::text[])', [[trigger.deliveryId, reply.deliveryId]]);
    expect(await working.sweep()).toBeGreaterThanOrEqual(2);
    await working.drain();
    expect(await eventually(() => readDelivery(h.db.pool, trigger.deliveryId), (r) => r?.outcome !== 'received')).toMatchObject({ outcome: 'started' });
    expect(await eventually(() => readDelivery(h.db.pool, reply.deliveryId), (r) => r?.outcome !== 'received')).toMatchObject({ outcome: 'signaled' });
  });
});
