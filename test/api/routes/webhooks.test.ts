import { Connection, Client } from '@temporalio/client';
import { readDelivery } from '../../../src/store/deliveries';
import { createHarness, deliver, eventually, history, newDeliveryId, TASK_QUEUE, type Harness } from '../support/harness';
import { example } from '../support/webhook-examples';
import { quietAfterTeardown } from '../../support/temporal';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
}, 120_000);
afterAll(async () => h?.close());

// Each test works on its own issue number so the shared server's workflows do not interfere.
let nextIssue = 100;
function labeled(issue: number, label = 'agent') {
  const p = example('issues', 'labeled');
  p.issue.number = issue;
  p.label.name = label;
  return p;
}
function comment(issue: number, body: string, association = 'OWNER') {
  const p = example('issue_comment', 'created');
  p.issue.number = issue;
  p.comment.body = body;
  p.comment.author_association = association;
  return p;
}
const wf = (issue: number) => `Codertocat/Hello-World#${issue}`;

async function startedIssue(): Promise<number> {
  const issue = nextIssue++;
  const res = await deliver(h.app, 'issues', labeled(issue));
  expect(res.json()).toMatchObject({ outcome: 'started' });
  return issue;
}

describe('POST /webhooks/github: acting', () => {
  it('starts the issue workflow on the trigger label, with search attributes, and records the delivery', async () => {
    const issue = nextIssue++;
    const deliveryId = newDeliveryId();
    const res = await deliver(h.app, 'issues', labeled(issue), { deliveryId });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ deliveryId, outcome: 'started', workflowId: wf(issue) });
    const d = await h.client.workflow.getHandle(wf(issue)).describe();
    expect(d).toMatchObject({ type: 'issueWorkflow', taskQueue: TASK_QUEUE, status: { name: 'RUNNING' } });
    expect(d.searchAttributes).toMatchObject({ IssueflowRepo: ['Codertocat/Hello-World'], IssueflowIssue: [issue], IssueflowState: ['queued'] });
    const started = (await history(h.client, wf(issue))).events[0].workflowExecutionStartedEventAttributes!;
    expect(started.input?.payloads).toHaveLength(1);
    const row = await eventually(() => readDelivery(h.db.pool, deliveryId), (r) => r?.outcome !== 'received');
    expect(row).toMatchObject({ event: 'issues', action: 'labeled', repo: 'Codertocat/Hello-World', issueNumber: issue, outcome: 'started', workflowId: wf(issue), latencyMs: expect.any(Number) });
  });

  it('a redelivered issues.labeled answers duplicate and changes nothing in Temporal', async () => {
    const issue = nextIssue++;
    const deliveryId = newDeliveryId();
    await deliver(h.app, 'issues', labeled(issue), { deliveryId });
    const before = await history(h.client, wf(issue));
    const again = await deliver(h.app, 'issues', labeled(issue), { deliveryId });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ deliveryId, outcome: 'duplicate', duplicate: true });
    expect((await history(h.client, wf(issue))).count).toBe(before.count);
  });

  it('a second trigger of a running workflow does not start another', async () => {
    const issue = await startedIssue();
    const { runId } = await h.client.workflow.getHandle(wf(issue)).describe();
    const res = await deliver(h.app, 'issues', labeled(issue));
    expect(res.json()).toMatchObject({ outcome: 'already-running', workflowId: wf(issue) });
    expect((await h.client.workflow.getHandle(wf(issue)).describe()).runId).toBe(runId);
  });

  it('a finished workflow can be started again for the same issue', async () => {
    const issue = await startedIssue();
    const handle = h.client.workflow.getHandle(wf(issue));
    const { runId } = await handle.describe();
    await handle.terminate('test: finished');
    const res = await deliver(h.app, 'issues', labeled(issue));
    expect(res.json()).toMatchObject({ outcome: 'started' });
    const again = await handle.describe();
    expect(again.status.name).toBe('RUNNING');
    expect(again.runId).not.toBe(runId);
  });

  it('a command comment signals `command`; its redelivery changes nothing', async () => {
    const issue = await startedIssue();
    const deliveryId = newDeliveryId();
    const payload = comment(issue, '/agent approve');
    const res = await deliver(h.app, 'issue_comment', payload, { deliveryId });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ outcome: 'signaled', workflowId: wf(issue) });
    const after = await history(h.client, wf(issue));
    expect(after.signals).toEqual([{ name: 'command', arg: { deliveryId, command: 'approve', args: '', author: 'Codertocat', commentId: payload.comment.id, source: 'issue-comment' } }]);
    expect((await deliver(h.app, 'issue_comment', payload, { deliveryId })).json()).toMatchObject({ duplicate: true });
    expect((await history(h.client, wf(issue))).count).toBe(after.count);
  });

  it("the example comment is feedback from the issue's author", async () => {
    const issue = await startedIssue();
    const res = await deliver(h.app, 'issue_comment', comment(issue, "You are totally right! I'll get this fixed right away.", 'NONE'));
    expect(res.json()).toMatchObject({ outcome: 'signaled' });
    expect((await history(h.client, wf(issue))).signals).toMatchObject([{ name: 'feedback', arg: { body: "You are totally right! I'll get this fixed right away.", author: 'Codertocat' } }]);
  });

  it('/agent run on a running workflow becomes the command signal', async () => {
    const issue = await startedIssue();
    expect((await deliver(h.app, 'issue_comment', comment(issue, '/agent run'))).json()).toMatchObject({ outcome: 'signaled' });
    expect((await history(h.client, wf(issue))).signals).toMatchObject([{ name: 'command', arg: { command: 'run' } }]);
  });

  it('issues.edited signals issueEdited, pull_request.closed signals pullRequestClosed, issues.closed cancels', async () => {
    const issue = await startedIssue();
    const edited = example('issues', 'edited');
    edited.issue.number = issue;
    expect((await deliver(h.app, 'issues', edited)).json()).toMatchObject({ outcome: 'signaled' });
    const pr = example('pull_request', 'closed');
    pr.pull_request.head.ref = `issueflow/issue-${issue}`;
    expect((await deliver(h.app, 'pull_request', pr)).json()).toMatchObject({ outcome: 'signaled' });
    const closed = example('issues', 'opened');
    closed.action = 'closed';
    closed.issue.number = issue;
    expect((await deliver(h.app, 'issues', closed)).json()).toMatchObject({ outcome: 'cancel-requested' });
    const { signals, events } = await history(h.client, wf(issue));
    expect(signals.map((s) => s.name)).toEqual(['issueEdited', 'pullRequestClosed']);
    expect(signals[1].arg).toMatchObject({ pullRequestNumber: 2, merged: false });
    expect(events.some((e) => e.workflowExecutionCancelRequestedEventAttributes)).toBe(true);
  });
});

describe('POST /webhooks/github: ignoring', () => {
  it('answers 202 ignored with a reason for an event it does not act on', async () => {
    const res = await deliver(h.app, 'issues', labeled(nextIssue++, 'bug'));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ outcome: 'ignored', ignored: true, reason: 'label bug is not the trigger label' });
  });

  it('a signal for an issue without a workflow is ignored with a reason', async () => {
    const res = await deliver(h.app, 'issue_comment', comment(nextIssue++, 'thanks'));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ ignored: true, reason: expect.stringContaining('no running workflow') });
  });

  it('an unauthorized commenter cannot command', async () => {
    const issue = await startedIssue();
    const res = await deliver(h.app, 'issue_comment', comment(issue, '/agent approve', 'CONTRIBUTOR'));
    expect(res.json()).toMatchObject({ ignored: true, reason: expect.stringContaining('not an owner') });
    expect((await history(h.client, wf(issue))).signals).toEqual([]);
  });

  it('a bot comment (including issueflow, by user id) is ignored', async () => {
    const issue = await startedIssue();
    const bot = comment(issue, '/agent retry');
    bot.comment.user.type = 'Bot';
    expect((await deliver(h.app, 'issue_comment', bot)).json()).toMatchObject({ ignored: true });
    const self = comment(issue, 'status update');
    self.comment.user.id = 999_001;
    expect((await deliver(h.app, 'issue_comment', self)).json()).toMatchObject({ ignored: true });
    expect((await history(h.client, wf(issue))).signals).toEqual([]);
  });
});

describe('POST /webhooks/github: failures', () => {
  it('when Temporal fails, answers 202 `accepted` and keeps the delivery; a sweep acts on it once its claim lapses, and a redelivery is a duplicate', async () => {
    const conn = await Connection.connect({ address: h.env.address, plugins: [quietAfterTeardown] });
    await conn.close();
    const broken = await h.buildApp({ client: new Client({ connection: conn }) });
    const issue = nextIssue++;
    const deliveryId = newDeliveryId();
    const res = await deliver(broken, 'issues', labeled(issue), { deliveryId });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ outcome: 'accepted', workflowId: wf(issue), reason: expect.stringContaining('Temporal did not accept it yet') });
    expect(await readDelivery(h.db.pool, deliveryId)).toMatchObject({ outcome: 'received' });
    expect((await deliver(h.app, 'issues', labeled(issue), { deliveryId })).json()).toMatchObject({ outcome: 'duplicate' });
    const sweeper = await h.buildApp({ sweep: { everyMs: 100, leaseMs: 1_000 } });
    expect(await eventually(() => readDelivery(h.db.pool, deliveryId), (r) => r?.outcome === 'started', 15_000)).toMatchObject({ workflowId: wf(issue) });
    await sweeper.close();
  });
});
