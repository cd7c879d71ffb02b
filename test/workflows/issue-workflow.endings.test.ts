import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { IssueClosedSignalArgs, PullRequestClosedSignalArgs } from '../../src/workflows/messages';
import { MockActivities, runUntilCancelled } from './support/mock-activities';
import { inState, issueInput, startIssue, statusOf, waitForStatus, withWorkers, useIssueflowTestEnv } from './support/harness';

let env: TestWorkflowEnvironment;
useIssueflowTestEnv((e) => (env = e));

const prClosed = (pullRequestNumber: number, merged: boolean, deliveryId = `pr-${pullRequestNumber}-closed`): PullRequestClosedSignalArgs => ({ deliveryId, pullRequestNumber, merged });
const closedAsCompleted: IssueClosedSignalArgs = { deliveryId: 'issue-closed', stateReason: 'completed', by: 'acme' };
const plan = (mock: MockActivities) => ({ agent: 'claude-code', exitCode: 0, resultText: '', plan: mock.plan, outputTail: '', durationMs: 1 });

/** Pushes after `since` (an index into mock.calls): after a story's end there must be none. */
const pushesAfter = (mock: MockActivities, since: number) => mock.calls.slice(since).filter((c) => c.name === 'commitAndPush');

/** An implement run that waits until `release()`; the plan runs at once. */
function holdImplement(mock: MockActivities) {
  let release: () => void = () => undefined;
  const released = new Promise<void>((r) => (release = r));
  mock.overrides.runAgent = async (input) => (input.mode === 'plan' ? plan(mock) : released.then(() => ({ agent: 'claude-code', exitCode: 0, resultText: 'done', outputTail: 'ok', durationMs: 1 })));
  return () => release();
}

test("a PR closing before issueflow opened its own (a fork's, an earlier story's) does not end the story; the run goes on to its own PR", async () => {
  const mock = new MockActivities();
  const release = holdImplement(mock);
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, (s) => s.state === 'implementing' && mock.agentRuns('implement').length === 1, 'the agent at work');
    await handle.signal('pullRequestClosed', prClosed(55, false));
    release();
    const status = await waitForStatus(handle, inState('completed'), 'its own PR');
    expect(status.pullRequest?.number).toBe(101);
    // Another PR's close, now that the story has its own, is not its end either.
    await handle.signal('pullRequestClosed', prClosed(56, true));
    await handle.signal('pullRequestClosed', prClosed(101, true));
    expect(await handle.result()).toMatchObject({ state: 'completed', outcome: 'merged', pullRequest: { number: 101 } });
  });
});

test('a PR merged during a review round ends the story at once: the round stops, nothing is pushed after the merge', async () => {
  const mock = new MockActivities();
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('completed'), 'completed');
    mock.overrides.runAgent = async () => runUntilCancelled();
    await handle.signal('review', { deliveryId: 'review-1', kind: 'review', author: 'bob', body: 'Rename it.', pullRequestNumber: 101 });
    await waitForStatus(handle, (s) => s.state === 'implementing' && mock.agentRuns('implement').length === 2, 'the review round at work');
    const mergedAt = mock.calls.length;
    await handle.signal('pullRequestClosed', prClosed(101, true));
    expect(await handle.result()).toMatchObject({ state: 'completed', outcome: 'merged' });
    expect(pushesAfter(mock, mergedAt)).toEqual([]);
    expect(mock.labels[mock.labels.length - 1]).toBe('completed');
    expect(mock.comments.has('final')).toBe(false);
  });
});

test("the issue closed as completed with the PR's webhook lost: GitHub says merged, so the story ends merged, not cancelled, and nothing is pushed", async () => {
  const mock = new MockActivities();
  mock.overrides.getPullRequest = async ({ number }) => ({ number, url: `https://github.com/acme/app/pull/${number}`, state: 'closed', merged: true });
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('completed'), 'completed');
    const closedAt = mock.calls.length;
    await handle.signal('issueClosed', closedAsCompleted);
    await handle.cancel();
    expect(await handle.result()).toMatchObject({ state: 'completed', outcome: 'merged', pullRequest: { number: 101 } });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(mock.named('getPullRequest')).toHaveLength(1);
    expect(pushesAfter(mock, closedAt)).toEqual([]);
    expect(mock.calls.slice(closedAt).map((c) => c.name)).toEqual(['getPullRequest', 'notifyEndState', 'cleanupWorkspace']);
    expect(mock.labels).not.toContain('cancelled');
  });
});

test("the PR's webhook first, the issue's closing (a cancellation) while the story ends: the end is not cancelled", async () => {
  const mock = new MockActivities();
  let notified: () => void = () => undefined;
  const cancelSent = new Promise<void>((r) => (notified = r));
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('completed'), 'completed');
    // The end's first activity waits for the cancellation, so it lands mid-end.
    mock.overrides.notifyEndState = async () => cancelSent;
    const mergedAt = mock.calls.length;
    await handle.signal('pullRequestClosed', prClosed(101, true));
    await waitForStatus(handle, () => mock.named('notifyEndState').length === 1, 'the end under way');
    await handle.signal('issueClosed', closedAsCompleted);
    await handle.cancel();
    notified();
    expect(await handle.result()).toMatchObject({ state: 'completed', outcome: 'merged' });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(mock.calls.slice(mergedAt).map((c) => c.name)).toEqual(['notifyEndState', 'cleanupWorkspace']);
    expect(mock.labels).not.toContain('cancelled');
    expect(mock.comments.has('final')).toBe(false);
  });
});

test('closed as completed before any PR cancels as before: work pushed, the run ends cancelled', async () => {
  const mock = new MockActivities();
  mock.overrides.runAgent = async (input) => (input.mode === 'plan' ? plan(mock) : runUntilCancelled());
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, (s) => s.state === 'implementing' && mock.agentRuns('implement').length === 1, 'the agent at work');
    await handle.signal('issueClosed', closedAsCompleted);
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(mock.named('commitAndPush')).toHaveLength(1);
    expect(mock.named('getPullRequest')).toHaveLength(0);
    expect(mock.lastComment('final')).toContain('Any work in progress was pushed');
    expect(mock.labels[mock.labels.length - 1]).toBe('cancelled');
  });
});

test('closed as not planned while GitHub says the PR is merged: cancelled, and nothing is pushed to the merged branch', async () => {
  const mock = new MockActivities();
  mock.overrides.getPullRequest = async ({ number }) => ({ number, url: `https://github.com/acme/app/pull/${number}`, state: 'closed', merged: true });
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('completed'), 'completed');
    const closedAt = mock.calls.length;
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(pushesAfter(mock, closedAt)).toEqual([]);
    expect(mock.lastComment('final')).toContain('nothing more was pushed');
    expect((await statusOf(handle)).state).toBe('cancelled');
  });
});

test("a new story on the issue looks up the last PR of issueflow's branch and names it in the status comment", async () => {
  const mock = new MockActivities();
  mock.overrides.findPullRequest = async () => ({ number: 12, url: 'https://github.com/acme/app/pull/12', state: 'closed', merged: true });
  await withWorkers(env, mock, async (taskQueue) => {
    const input = issueInput({ trigger: { deliveryId: 'reopened-1', kind: 'reopened', actor: 'alice', earlierStory: true } });
    const handle = await startIssue(env, taskQueue, input);
    const status = await waitForStatus(handle, inState('completed'), 'completed');
    expect(status.previousPullRequest).toEqual({ number: 12, url: 'https://github.com/acme/app/pull/12', state: 'merged' });
    expect(mock.named('findPullRequest')[0].args[0]).toEqual({ ref: { owner: 'acme', repo: 'app' }, branch: `issueflow/issue-${input.issueNumber}` });
    expect(mock.lastComment('status')).toContain('Previous PR: [#12](https://github.com/acme/app/pull/12) (merged)');
    // The old PR's late webhook is not this story's end; its own PR's is.
    await handle.signal('pullRequestClosed', prClosed(12, true));
    await handle.signal('pullRequestClosed', prClosed(101, true));
    expect((await handle.result()).outcome).toBe('merged');
  });
});
