import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { conversationQuery, type ApproveUpdateResult } from '../../src/workflows/messages';
import { FORM_ISSUE, MockActivities } from './support/mock-activities';
import { statusOf, inState, issueInput, recordHistory, startIssue, waitForStatus, withWorkers, useIssueflowTestEnv } from './support/harness';
import { merged } from './support/signal-args';

let env: TestWorkflowEnvironment;
useIssueflowTestEnv((e) => (env = e));

const HOUR = 3_600_000;
const noDescription = { ...FORM_ISSUE, body: FORM_ISSUE.body.replace(/The greeting in the header[^\n]*/, '_No response_') };

test('missing description: a question, then the answer continues the work and reaches the agent', async () => {
  const mock = new MockActivities();
  mock.issue = noDescription;
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    const waiting = await waitForStatus(handle, inState('awaiting-feedback'), 'the question');
    expect(waiting.pendingQuestion).toMatch(/description/);
    expect(mock.lastComment('question-1')).toMatch(/The \*\*description\*\* is missing/);
    expect(mock.lastComment('status')).toContain('**Waiting for:**');
    expect(mock.labels).toEqual(['queued', 'awaiting-feedback']);

    await handle.signal('feedback', { deliveryId: 'answer-1', author: 'alice', body: 'Read the greeting from settings.greeting and fall back to "Hello".' });
    await waitForStatus(handle, inState('completed'), 'completed after the answer');
    // The dashboard's conversation query: what was said, as it went to the agent (a query adds nothing to the history).
    expect(await handle.query(conversationQuery)).toEqual([
      { kind: 'answer', author: 'alice', trusted: false, body: 'Read the greeting from settings.greeting and fall back to "Hello".', at: expect.any(String) },
    ]);
    await handle.signal('pullRequestClosed', merged);
    expect((await handle.result()).outcome).toBe('merged');

    const [plan] = mock.agentRuns('plan');
    expect(plan.prompt).toContain('fall back to "Hello"');
    expect(mock.agentRuns('implement')[0].prompt).toContain('### answer from @alice');
    // Labels in the story's order; the working states that pass within seconds share one write (coalesced).
    const story = ['queued', 'awaiting-feedback', 'analyzing', 'implementing', 'testing', 'completed'];
    expect(mock.labels.slice(0, 2)).toEqual(['queued', 'awaiting-feedback']);
    expect(mock.labels[mock.labels.length - 1]).toBe('completed');
    expect(mock.labels.map((l) => story.indexOf(l))).toEqual([...mock.labels.map((l) => story.indexOf(l))].sort((a, b) => a - b));
    expect(mock.comments.has('question-1-reminder')).toBe(false);
    await recordHistory(handle, 'question-answered');
  });
});

test('files that do not exist are named in the question; an edit of the issue re-validates', async () => {
  const mock = new MockActivities();
  let checks = 0;
  mock.overrides.findMissingFiles = async (_ref, paths) => (++checks === 1 ? paths : []);
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('awaiting-feedback'), 'the question');
    expect(mock.lastComment('question-1')).toContain('do not exist on the default branch: `src/header.ts`');
    await handle.signal('issueEdited', { deliveryId: 'edit-1', title: FORM_ISSUE.title, body: FORM_ISSUE.body.replace('src/header.ts', 'src/layout/header.ts'), author: 'alice' });
    await waitForStatus(handle, inState('completed'), 'completed after the edit');
    expect(mock.named('findMissingFiles')[1].args[1]).toEqual(['src/layout/header.ts']);
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
  });
});

test('no answer: a reminder after half the time-out, then a stale end with a comment', async () => {
  const mock = new MockActivities();
  mock.issue = noDescription;
  mock.config = { ...mock.config, timeouts: { ...mock.config.timeouts, feedbackHours: 10 } };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('awaiting-feedback'), 'the question');
    const start = await env.currentTimeMs();
    expect(await handle.result()).toEqual({ state: 'stale', outcome: 'stale' });
    expect((await env.currentTimeMs()) - start).toBeGreaterThanOrEqual(10 * HOUR - 60_000);
    expect(mock.lastComment('question-1-reminder')).toMatch(/@alice a reminder.*5 h/);
    expect(mock.lastComment('final')).toMatch(/No answer arrived in time/);
    expect(mock.labels[mock.labels.length - 1]).toBe('stale');
    expect(mock.named('notifyEndState').map((c) => (c.args[0] as { state: string }).state)).toEqual(['stale']);
    expect(mock.named('runAgent')).toHaveLength(0);
    await recordHistory(handle, 'stale');
  });
});

test('plan approval: changes requested go back into analysis; the approve Update says whether it was accepted', async () => {
  const mock = new MockActivities();
  mock.config = { ...mock.config, approval: 'always' };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    // Too early: the validator refuses it, so it leaves nothing in the history.
    const early = handle.executeUpdate<ApproveUpdateResult, [{ deliveryId: string; author: string }]>('approve', { args: [{ deliveryId: 'approve-0', author: 'bob' }] });
    await expect(early).rejects.toMatchObject({ name: 'WorkflowUpdateFailedError', cause: { message: expect.stringMatching(/^nothing to approve: the issue is /) } });

    await waitForStatus(handle, inState('awaiting-approval'), 'the plan');
    expect(mock.lastComment('plan-1')).toContain('/agent approve');
    await handle.signal('feedback', { deliveryId: 'changes-1', author: 'bob', body: 'Also document the setting in the README.' });
    await waitForStatus(handle, (s) => s.state === 'awaiting-approval' && s.steps.filter((x) => x.step === 'analyzing').length === 2, 'the revised plan');
    expect(mock.agentRuns('plan')[1].prompt).toContain('### plan-feedback from @bob');

    const ok = await handle.executeUpdate<ApproveUpdateResult, [{ deliveryId: string; author: string }]>('approve', { args: [{ deliveryId: 'approve-1', author: 'bob' }] });
    expect(ok).toEqual({ accepted: true, state: 'awaiting-approval' });
    await waitForStatus(handle, inState('completed'), 'completed');
    expect(mock.agentRuns('implement')[0].prompt).toContain('Also document the setting in the README.');
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
    await recordHistory(handle, 'plan-approval');
  });
});

test('plan approval by `/agent approve` comment; a redelivered command is ignored', async () => {
  const mock = new MockActivities();
  mock.plan = { ...mock.plan, complexity: 'complex' };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('awaiting-approval'), 'the plan (complex plans need approval by default)');
    const approve = { deliveryId: 'cmd-1', command: 'approve' as const, author: 'bob', commentId: 55, source: 'issue-comment' as const };
    await handle.signal('command', approve);
    await waitForStatus(handle, inState('completed'), 'completed');
    await handle.signal('command', approve);
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
    const reactions = mock.named('reactToComment').map((c) => (c.args[0] as { content: string }).content);
    expect(reactions).toEqual(['+1']);
  });
});

test("the agent's questions go to the issue; the answer goes into the next analysis", async () => {
  const mock = new MockActivities();
  const plan = mock.plan;
  let plans = 0;
  mock.overrides.runAgent = async (input) => ({
    agent: 'codex',
    exitCode: 0,
    resultText: '',
    ...(input.mode === 'plan' ? { plan: ++plans === 1 ? { ...plan, questions: ['Should the greeting be translated?'] } : plan } : {}),
    outputTail: '',
    durationMs: 5,
  });
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    const waiting = await waitForStatus(handle, inState('awaiting-feedback'), "the agent's question");
    expect(waiting.pendingQuestion).toBe('Should the greeting be translated?');
    expect(mock.lastComment('plan-question-1')).toContain('- Should the greeting be translated?');
    await handle.signal('feedback', { deliveryId: 'a-1', author: 'alice', body: 'No, English only.' });
    await waitForStatus(handle, inState('completed'), 'completed');
    expect(mock.agentRuns('plan')).toHaveLength(2);
    expect(mock.agentRuns('plan')[1].prompt).toContain('No, English only.');
    expect((await statusOf(handle)).agent).toBe('codex');
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
  });
});
