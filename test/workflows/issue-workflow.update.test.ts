import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { PendingMerge } from '../../src/activities/types';
import { MockActivities } from './support/mock-activities';
import { inState, issueInput, recordHistory, startIssue, waitForStatus, withWorkers, useIssueflowTestEnv } from './support/harness';
import { merged } from './support/signal-args';

let env: TestWorkflowEnvironment;
useIssueflowTestEnv((e) => (env = e));

const HOUR = 3_600_000;

/** A mock whose PR reads as `states`, one a check (then clean), with checks every hour. */
function mockWithPullRequest(states: string[]): MockActivities {
  const mock = new MockActivities();
  mock.config = { ...mock.config, timeouts: { ...mock.config.timeouts, mergeCheckMinutes: 60 } };
  mock.overrides.getPullRequest = async ({ number }) => ({ number, url: `https://github.com/acme/app/pull/${number}`, state: 'open', merged: false, mergeableState: states.shift() ?? 'clean' });
  return mock;
}

test('a PR that conflicts with its moved base: the base is merged, the agent resolves the conflicts, tests run, the merge is committed with both parents', async () => {
  const mock = mockWithPullRequest(['unknown', 'dirty']);
  mock.overrides.updateBranch = async () => ({ outcome: 'conflicted', baseBranch: 'main', baseSha: 'b45e', sha: 'def', files: ['src/header.ts'] });
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('completed'), 'completed');
    await env.sleep(HOUR + 5 * 60_000);
    await waitForStatus(handle, (s) => s.state === 'completed' && s.steps.filter((x) => x.step === 'implementing').length === 2, 'a conflict round');
    await handle.signal('pullRequestClosed', merged);
    expect((await handle.result()).outcome).toBe('merged');

    // unknown at the hour (GitHub computes it on that read), dirty a minute later: long before the next regular check.
    expect(mock.named('getPullRequest')).toHaveLength(2);
    expect(mock.named('updateBranch')).toHaveLength(1);
    const runs = mock.agentRuns('implement');
    expect(runs).toHaveLength(2);
    expect(runs[1].prompt).toContain('`main` moved and conflicts with this branch');
    expect(runs[1].prompt).toContain('- `src/header.ts`');
    expect(runs[0].prompt).not.toContain('conflict');
    const commits = mock.named('commitAndPush').map((c) => c.args[0] as { message: string; merge?: PendingMerge });
    expect(commits.map((c) => c.merge)).toEqual([undefined, { parent: 'b45e', files: ['src/header.ts'] }]);
    expect(commits[1].message).toMatch(/^Merge main into issueflow\/issue-\d+/);
    expect(mock.named('runTests')).toHaveLength(2);
    await recordHistory(handle, 'merge-conflict');
  });
});

test('`/agent update`: a clean merge of the base is pushed without an agent round; a PR that merges needs nothing', async () => {
  const mock = mockWithPullRequest([]);
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('completed'), 'completed');
    await env.sleep(HOUR + 60_000);
    expect(mock.named('updateBranch')).toHaveLength(0);
    await handle.signal('command', { deliveryId: 'update-1', command: 'update', author: 'bob', commentId: 9, source: 'issue-comment' });
    await waitForStatus(handle, (s) => s.steps.at(-1)?.note?.startsWith('merged main') === true, 'the merge noted');
    await handle.signal('pullRequestClosed', merged);
    expect((await handle.result()).outcome).toBe('merged');
    expect(mock.named('updateBranch')).toHaveLength(1);
    expect(mock.agentRuns('implement')).toHaveLength(1);
    expect(mock.named('reactToComment').map((c) => (c.args[0] as { content: string }).content)).toEqual(['eyes']);
  });
});
