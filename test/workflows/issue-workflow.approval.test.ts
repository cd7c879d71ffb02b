import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parsePlan } from '../../src/activities/agent/parse';
import { MockActivities } from './support/mock-activities';
import { createIssueflowTestEnv, inState, issueInput, startIssue, waitForStatus, withWorkers, workflowBundle } from './support/harness';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createIssueflowTestEnv();
  await workflowBundle();
}, 120_000);
afterAll(() => env?.teardown());

const merged = { deliveryId: 'pr-closed', pullRequestNumber: 101, merged: true };

test('under `approval: complex` a plan in prose (no complexity) waits for approval', async () => {
  const mock = new MockActivities();
  mock.config = { ...mock.config, approval: 'complex' };
  mock.overrides.runAgent = async (input) => ({
    agent: 'claude-code',
    exitCode: 0,
    resultText: 'I will read the greeting from the settings.',
    ...(input.mode === 'plan' ? { plan: parsePlan('I will read the greeting from the settings.') } : {}),
    outputTail: '',
    durationMs: 5,
  });
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('awaiting-approval'), 'the plan waiting for approval');
    expect(mock.agentRuns('implement')).toHaveLength(0);
    expect(mock.lastComment('plan-1')).toMatch(/Complexity: \*\*not stated/);
    await handle.signal('command', { deliveryId: 'cmd-approve', command: 'approve', author: 'bob', source: 'issue-comment' });
    await waitForStatus(handle, inState('completed'), 'completed after the approval');
    await handle.signal('pullRequestClosed', merged);
    expect((await handle.result()).outcome).toBe('merged');
  });
});
