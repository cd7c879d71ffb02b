import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createPool, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../../src/infra/postgres';
import { migrate } from '../../../src/infra/migrate';
import { ACT_INLINE_LIMIT } from '../../../src/api/routes/webhooks';
import { routeWebhook } from '../../../src/domain/webhook-routing';
import { claimDeliveries, readDelivery } from '../../../src/store/deliveries';
import { freePort } from '../../support/ports';
import { createHarness, deliver, eventually, newDeliveryId, TOKEN, type Harness } from '../support/harness';
import { example } from '../support/webhook-examples';

jest.setTimeout(120_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
}, 120_000);
afterAll(async () => h?.close());

let nextIssue = 400;
function labeled(issue: number) {
  const p = example('issues', 'labeled');
  p.issue.number = issue;
  p.label.name = 'agent';
  return p;
}
const wf = (issue: number) => `Codertocat/Hello-World#${issue}`;

async function expectNoWorkflow(issue: number) {
  await expect(h.client.workflow.getHandle(wf(issue)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}

/** A delivery row as a process left it that crashed (or is still working) between recording and acting. */
async function recordedNotActedOn(deliveryId: string, issue: number, ageSeconds: number) {
  await h.db.pool.query(
    "INSERT INTO webhook_deliveries (delivery_id, event, action, repo, issue_number, received_at) VALUES ($1, 'issues', 'labeled', 'Codertocat/Hello-World', $2, now() - make_interval(secs => $3))",
    [deliveryId, issue, ageSeconds],
  );
}

describe('POST /webhooks/github: no delivery is lost', () => {
  it('PostgreSQL stopped: 503 that says so and how to redeliver, nothing started; once it is back the redelivery starts the workflow', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'issueflow-pg-down-'));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user when the tests run as root
    const port = await freePort();
    let pg: EmbeddedPostgresHandle | undefined = await startEmbeddedPostgres({ dataDir, port });
    const pool = createPool(pg.url, 2);
    try {
      await migrate(pool);
      const app = await h.buildApp({ pool });
      await pg.stop();
      pg = undefined;

      const issue = nextIssue++;
      const deliveryId = newDeliveryId();
      const down = await deliver(app, 'issues', labeled(issue), { deliveryId });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({ error: { code: 'database_unavailable', message: expect.stringContaining('Recent Deliveries') } });
      await expectNoWorkflow(issue);

      pg = await startEmbeddedPostgres({ dataDir, port });
      const redelivered = await deliver(app, 'issues', labeled(issue), { deliveryId });
      expect(redelivered.statusCode).toBe(202);
      expect(redelivered.json()).toMatchObject({ deliveryId, outcome: 'started', workflowId: wf(issue) });
      expect((await h.client.workflow.getHandle(wf(issue)).describe()).status.name).toBe('RUNNING');
      expect(await eventually(() => readDelivery(pool, deliveryId), (r) => r?.outcome === 'started')).toMatchObject({ outcome: 'started' });
    } finally {
      await pool.end();
      await pg?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a delivery recorded without its decision (before the sweep existed) and never acted on: its redelivery acts, and the one after is a duplicate', async () => {
    const issue = nextIssue++;
    const deliveryId = newDeliveryId();
    await recordedNotActedOn(deliveryId, issue, 120);
    const res = await deliver(h.app, 'issues', labeled(issue), { deliveryId });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ outcome: 'started', workflowId: wf(issue) });
    await eventually(() => readDelivery(h.db.pool, deliveryId), (r) => r?.outcome === 'started');
    const again = await deliver(h.app, 'issues', labeled(issue), { deliveryId });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ deliveryId, outcome: 'duplicate', duplicate: true });
  });

  it('a copy of a delivery recorded moments ago (another request acts on it) is a duplicate, and does not act', async () => {
    const issue = nextIssue++;
    const deliveryId = newDeliveryId();
    await recordedNotActedOn(deliveryId, issue, 1);
    const res = await deliver(h.app, 'issues', labeled(issue), { deliveryId });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ deliveryId, outcome: 'duplicate', duplicate: true });
    await expectNoWorkflow(issue);
    expect(await readDelivery(h.db.pool, deliveryId)).toMatchObject({ outcome: 'received' });
  });

  it('a delivery answered but never acted on (the process died, or Temporal failed) is acted on by a sweep once its claim lapses, with no redelivery', async () => {
    const sweeper = await h.buildApp({ sweep: { everyMs: 100, leaseMs: 1_000 } });
    const issue = nextIssue++;
    const deliveryId = newDeliveryId();
    // What the route records before it answers: the claim and its decision.
    const { allowedRepos, allowedOwners } = h.config.github;
    const decision = routeWebhook('issues', labeled(issue), deliveryId, { triggerLabel: 'agent', allowedRepos, allowedOwners });
    expect(decision.kind).toBe('start');
    await claimDeliveries(h.db.pool, [{ deliveryId, event: 'issues', action: 'labeled', repo: 'Codertocat/Hello-World', issueNumber: issue, decision }]);
    const row = await eventually(() => readDelivery(h.db.pool, deliveryId), (r) => r?.outcome === 'started', 15_000);
    expect(row).toMatchObject({ outcome: 'started', workflowId: wf(issue) });
    expect((await h.client.workflow.getHandle(wf(issue)).describe()).status.name).toBe('RUNNING');
    await sweeper.close();
  });

  it('deliveries that arrive together share their claims\' statements; beyond the first few the answer is `accepted`, and each still starts its own issue once', async () => {
    const issues = Array.from({ length: 8 }, () => nextIssue++);
    const ids = issues.map(() => newDeliveryId());
    // Two copies of the first delivery in the same burst: one acts, the other is a duplicate.
    const answers = await Promise.all([...issues.map((issue, i) => deliver(h.app, 'issues', labeled(issue), { deliveryId: ids[i] })), deliver(h.app, 'issues', labeled(issues[0]), { deliveryId: ids[0] })]);
    const bodies = answers.slice(0, 8).map((r) => r.json());
    expect(bodies.map((b) => b.workflowId)).toEqual(issues.map(wf));
    // The first ACT_INLINE_LIMIT answers waited for Temporal; the rest did not.
    expect(bodies.map((b) => b.outcome)).toEqual(issues.map((_, i) => (i < ACT_INLINE_LIMIT ? 'started' : 'accepted')));
    expect(answers[8].json()).toEqual({ deliveryId: ids[0], outcome: 'duplicate', duplicate: true });
    for (const id of ids) await eventually(() => readDelivery(h.db.pool, id), (r) => r?.outcome === 'started');
    for (const issue of issues) expect((await h.client.workflow.getHandle(wf(issue)).describe()).status.name).toBe('RUNNING');
    // now() is the statement's transaction time: claims made by one INSERT share it.
    const { rows } = await h.db.pool.query<{ statements: string }>('SELECT count(DISTINCT received_at) AS statements FROM webhook_deliveries WHERE delivery_id = ANY($1::text[])', [ids]);
    expect(Number(rows[0].statements)).toBeLessThan(issues.length);
  });

  it('one issue\'s deliveries that arrive together are acted on in the order received: the trigger starts it, the comments after it are signals', async () => {
    const issue = nextIssue++;
    const reply = (n: number) => {
      const p = example('issue_comment', 'created');
      p.issue.number = issue;
      p.comment.id = 9_000 + n;
      p.comment.body = `more detail ${n}: it fails on Linux only`;
      p.comment.author_association = 'OWNER';
      return p;
    };
    const [started, ...signaled] = await Promise.all([deliver(h.app, 'issues', labeled(issue)), ...[1, 2, 3].map((n) => deliver(h.app, 'issue_comment', reply(n)))]);
    expect(started.json()).toMatchObject({ outcome: 'started', workflowId: wf(issue) });
    expect(signaled.map((r) => r.json().outcome)).toEqual(['signaled', 'signaled', 'signaled']);
  });

  it('GET /admin/deliveries lists them newest first, by outcome: what was acted on, what waits, what was given up', async () => {
    const issue = nextIssue++;
    const acted = newDeliveryId();
    expect((await deliver(h.app, 'issues', labeled(issue), { deliveryId: acted })).json()).toMatchObject({ outcome: 'started' });
    const given = newDeliveryId();
    await claimDeliveries(h.db.pool, [{ deliveryId: given, event: 'issues', action: 'labeled', repo: 'Codertocat/Hello-World', issueNumber: issue, decision: { kind: 'start' } }]);
    await h.db.pool.query("UPDATE webhook_deliveries SET outcome = 'failed', attempts = 30 WHERE delivery_id = $1", [given]);
    const auth = { authorization: `Bearer ${TOKEN}` };

    const failed = await h.app.inject({ method: 'GET', url: '/admin/deliveries?outcome=failed', headers: auth });
    expect(failed.statusCode).toBe(200);
    expect(failed.json().deliveries).toEqual([{ deliveryId: given, event: 'issues', action: 'labeled', repo: 'Codertocat/Hello-World', issueNumber: issue, outcome: 'failed', receivedAt: expect.any(String), attempts: 30 }]);
    await eventually(() => readDelivery(h.db.pool, acted), (r) => r?.outcome === 'started');
    const newest = (await h.app.inject({ method: 'GET', url: '/admin/deliveries?limit=2', headers: auth })).json().deliveries;
    expect(newest.map((d: { deliveryId: string }) => d.deliveryId)).toEqual([given, acted]);
    expect(newest[1]).toMatchObject({ outcome: 'started', workflowId: wf(issue), latencyMs: expect.any(Number), attempts: 1 });

    expect((await h.app.inject({ method: 'GET', url: '/admin/deliveries' })).statusCode).toBe(401);
    const bad = await h.app.inject({ method: 'GET', url: '/admin/deliveries?limit=0', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('limit');
  });
});
