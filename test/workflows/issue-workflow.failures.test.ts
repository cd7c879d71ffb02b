import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { MockActivities, runUntilCancelled } from './support/mock-activities';
import { statusOf, inState, issueInput, recordHistory, startIssue, waitForStatus, withWorkers, useIssueflowTestEnv } from './support/harness';
import { merged, command } from './support/signal-args';

let env: TestWorkflowEnvironment;
useIssueflowTestEnv((e) => (env = e));

const failingTests = { passed: false, exitCode: 1, timedOut: false, durationMs: 900, outputTail: 'FAIL test/header.test.ts\n  expected "Hi" to be "Hello"' };

test('failing tests: the output goes back to the agent, after maxFixAttempts it escalates; /agent retry resumes at the tests', async () => {
  const mock = new MockActivities();
  mock.config = { ...mock.config, maintainers: ['carol', 'dave'] };
  let testRuns = 0;
  mock.overrides.runTests = async () => (++testRuns <= 3 ? failingTests : { ...failingTests, passed: true, exitCode: 0, outputTail: 'ok' });
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    const escalated = await waitForStatus(handle, inState('escalated'), 'the escalation');
    expect(escalated.lastError).toMatchObject({ step: 'test', type: 'TestsFailed' });
    expect(mock.agentRuns('implement')).toHaveLength(3);
    expect(mock.agentRuns('implement')[1].prompt).toContain('expected "Hi" to be "Hello"');
    const comment = mock.lastComment('escalation-1')!;
    expect(comment).toContain('@carol @dave');
    expect(comment).toContain('step `test` failed');
    expect(comment).toContain('expected "Hi" to be "Hello"');
    expect(comment).toContain('`/agent retry`');
    expect(mock.labels[mock.labels.length - 1]).toBe('escalated');

    await handle.signal('command', command('retry', 'retry-1'));
    await waitForStatus(handle, inState('completed'), 'completed after the retry');
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
    expect(mock.named('runTests')).toHaveLength(4);
    expect(mock.agentRuns('implement')).toHaveLength(3);
    expect(mock.agentRuns('plan')).toHaveLength(1);
    expect(mock.named('getRepoConfig')).toHaveLength(1);
    await recordHistory(handle, 'fix-loop-escalate-retry');
  });
});

test('a GitHub call that keeps failing (rate limit, nextRetryDelay) escalates after its retries; retry resumes at the pull request', async () => {
  const mock = new MockActivities();
  let broken = true;
  mock.overrides.ensurePullRequest = async () => {
    if (broken) throw ApplicationFailure.create({ message: 'API rate limit exceeded', type: 'GithubRateLimited', nextRetryDelay: 10 });
    return { number: 101, url: 'https://github.com/acme/app/pull/101', created: true };
  };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    const escalated = await waitForStatus(handle, inState('escalated'), 'the escalation');
    expect(escalated.lastError).toMatchObject({ step: 'complete', type: 'GithubRateLimited', message: 'API rate limit exceeded' });
    // The tests passed; the step that failed is the pull request, shown by the escalated step's note.
    expect(escalated.steps.slice(-2).map((s) => [s.step, s.state, s.note])).toEqual([
      ['testing', 'done', expect.stringMatching(/^passed/)],
      ['escalated', 'running', 'complete failed'],
    ]);
    expect(mock.named('ensurePullRequest').map((c) => c.attempt)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1)); // the GitHub retry policy's maximumAttempts
    expect(mock.lastComment('escalation-1')).toContain('API rate limit exceeded');
    broken = false;
    await handle.signal('command', command('retry', 'retry-1'));
    await waitForStatus(handle, inState('completed'), 'completed after the retry');
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
    expect(mock.named('runTests')).toHaveLength(1);
    expect(mock.agentRuns('implement')).toHaveLength(1);
    await recordHistory(handle, 'github-retries-escalate');
  });
});

test('a PR merged while a review round is escalated ends the story as completed and merged, not failed', async () => {
  const mock = new MockActivities();
  let testRuns = 0;
  mock.overrides.runTests = async () => (++testRuns === 1 ? { ...failingTests, passed: true, exitCode: 0 } : failingTests);
  mock.config = { ...mock.config, maxFixAttempts: 0 };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('completed'), 'completed');
    await handle.signal('review', { deliveryId: 'review-1', kind: 'review', author: 'bob', body: 'Rename it.', pullRequestNumber: 101 });
    await waitForStatus(handle, inState('escalated'), 'the escalation of the review round');
    await handle.signal('pullRequestClosed', merged);
    expect(await handle.result()).toMatchObject({ state: 'completed', outcome: 'merged' });
    expect(mock.labels.slice(-2)).toEqual(['escalated', 'completed']);
    expect(mock.named('notifyEndState').map((c) => (c.args[0] as { state: string }).state)).toEqual(['completed']);
  });
});

test('an escalation nobody answers ends as failed with a final comment', async () => {
  const mock = new MockActivities();
  mock.overrides.runAgent = async () => {
    throw ApplicationFailure.nonRetryable('claude not found on PATH', 'AgentMissing');
  };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    expect(await handle.result()).toEqual({ state: 'failed', outcome: 'failed' });
    expect(mock.named('runAgent')).toHaveLength(1);
    expect(mock.lastComment('escalation-1')).toContain('claude not found on PATH');
    expect(mock.lastComment('final')).toContain('was not retried in time');
    expect(mock.labels.slice(-2)).toEqual(['escalated', 'failed']);
    expect(mock.named('notifyEndState').map((c) => (c.args[0] as { state: string }).state)).toEqual(['failed']);
  });
});

test('/agent cancel mid-implement: the agent is cancelled, unpushed work pushed, label, final comment, workspace cleaned', async () => {
  const mock = new MockActivities();
  mock.overrides.runAgent = async (input) => (input.mode === 'plan' ? { agent: 'claude-code', exitCode: 0, resultText: '', plan: mock.plan, outputTail: '', durationMs: 1 } : runUntilCancelled());
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, (s) => s.state === 'implementing' && mock.agentRuns('implement').length === 1, 'the agent at work');
    await handle.signal('command', command('cancel', 'cancel-1'));
    expect(await handle.result()).toEqual({ state: 'cancelled', outcome: 'cancelled' });
    const order = mock.calls.map((c) => c.name);
    expect(order.indexOf('commitAndPush')).toBeGreaterThan(order.lastIndexOf('runAgent'));
    expect(order.indexOf('cleanupWorkspace')).toBeGreaterThan(order.indexOf('commitAndPush'));
    expect(mock.labels[mock.labels.length - 1]).toBe('cancelled');
    expect(mock.lastComment('final')).toMatch(/Cancelled.*by @carol/);
    expect(mock.named('notifyEndState').map((c) => (c.args[0] as { state: string }).state)).toEqual(['cancelled']);
    await recordHistory(handle, 'cancel-command');
  });
});

test('/agent cancel mid-implement: the clean-up begins only once the agent run has finished cancelling (its processes dead)', async () => {
  const mock = new MockActivities();
  const DYING_MS = 1500;
  let agentDeadAt = 0;
  let commitAt = 0;
  mock.overrides.runAgent = async (input) => {
    if (input.mode === 'plan') return { agent: 'claude-code', exitCode: 0, resultText: '', plan: mock.plan, outputTail: '', durationMs: 1 };
    try {
      return await runUntilCancelled();
    } finally {
      // Like runSupervised: SIGTERM, the grace, SIGKILL; the activity ends once the group is gone.
      await new Promise((r) => setTimeout(r, DYING_MS));
      agentDeadAt = Date.now();
    }
  };
  mock.overrides.commitAndPush = async () => {
    commitAt = Date.now();
    return { committed: true, sha: 'def', filesChanged: ['src/header.ts'], pushed: true };
  };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, (s) => s.state === 'implementing' && mock.agentRuns('implement').length === 1, 'the agent at work');
    await handle.signal('command', command('cancel', 'cancel-1'));
    expect(await handle.result()).toEqual({ state: 'cancelled', outcome: 'cancelled' });
    expect(agentDeadAt).toBeGreaterThan(0);
    expect(commitAt).toBeGreaterThanOrEqual(agentDeadAt);
    expect(mock.labels[mock.labels.length - 1]).toBe('cancelled');
    const events = (await handle.fetchHistory()).events ?? [];
    const requested = events.findIndex((e) => e.activityTaskCancelRequestedEventAttributes);
    const canceled = events.findIndex((e) => e.activityTaskCanceledEventAttributes);
    expect(requested).toBeGreaterThan(0);
    expect(canceled).toBeGreaterThan(requested);
    // Nothing of the clean-up (the PR look-up, the commit, labels, comments) was scheduled while the agent was dying.
    const scheduledMeanwhile = events.slice(requested, canceled).filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduledMeanwhile).toEqual([]);
    expect(events.findIndex((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'commitAndPush')).toBeGreaterThan(canceled);
    await recordHistory(handle, 'cancel-waits-for-agent');
  });
});

test('closing the issue cancels the workflow (Temporal cancellation): the same clean-up, and the run ends cancelled', async () => {
  const mock = new MockActivities();
  mock.overrides.runAgent = async (input) => (input.mode === 'plan' ? { agent: 'claude-code', exitCode: 0, resultText: '', plan: mock.plan, outputTail: '', durationMs: 1 } : runUntilCancelled());
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, (s) => s.state === 'implementing' && mock.agentRuns('implement').length === 1, 'the agent at work');
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(mock.named('commitAndPush')).toHaveLength(1);
    expect(mock.named('cleanupWorkspace')).toHaveLength(1);
    expect(mock.labels[mock.labels.length - 1]).toBe('cancelled');
    expect((await statusOf(handle)).state).toBe('cancelled');
  });
});

// Retried once: it has hung under load (see resultWithin); a real regression fails both tries.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

test('continue-as-new carries the state: steps, cost, the seen deliveries', async () => {
  const mock = new MockActivities();
  const input = issueInput({ continueAsNewAtHistoryLength: 25 });
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, input);
    await waitForStatus(handle, inState('completed'), 'completed');
    const firstRun = env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
    await recordHistory(firstRun, 'continue-as-new-first-run');
    // The start's delivery id was seen in the first run: a redelivered `/agent cancel` with it is ignored.
    await handle.signal('command', command('cancel', input.trigger.deliveryId));
    await handle.signal('pullRequestClosed', merged);
    expect((await resultWithin(handle, 20_000)).outcome).toBe('merged');
    const status = await statusOf(handle);
    expect(status.steps.map((s) => s.step)).toEqual(['queued', 'parsing', 'validating', 'analyzing', 'implementing', 'testing', 'completed']);
    expect(status.costUsd).toBe(0.5);
    expect(mock.named('getRepoConfig')).toHaveLength(1);
    expect(mock.named('getIssue')).toHaveLength(1);
    expect(mock.labels).toEqual(['queued', 'analyzing', 'implementing', 'testing', 'completed']);
  });
}, 120_000); // Three runs of the workflow; under a loaded CI machine this took over a minute.

/**
 * The result, or a failure that says where the run stands. Twice in full CI runs on a loaded machine this
 * test waited out Jest's 60 s here without an answer (never reproduced alone); a bounded wait turns
 * that into a readable failure instead of a hung run with workers still attached.
 */
async function resultWithin(handle: Awaited<ReturnType<typeof startIssue>>, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed-out'>((resolve) => (timer = setTimeout(() => resolve('timed-out'), ms)));
  const result = await Promise.race([handle.result(), timedOut]).finally(() => clearTimeout(timer));
  if (result !== 'timed-out') return result;
  const described = await handle.describe();
  const events = (await handle.fetchHistory()).events ?? [];
  const pending = described.raw.pendingActivities?.map((a) => a.activityType?.name) ?? [];
  throw new Error(
    `no result within ${ms} ms: run ${described.runId} is ${described.status.name}, pending activities ${JSON.stringify(pending)}, last events ${events.slice(-12).map((e) => e.eventType).join(',')}`,
  );
}
