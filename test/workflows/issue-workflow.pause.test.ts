import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { MockActivities } from './support/mock-activities';
import { issueInput, recordHistory, startIssue, statusOf, waitForStatus, withWorkers, useIssueflowTestEnv, inState } from './support/harness';
import { merged } from './support/signal-args';

let env: TestWorkflowEnvironment;
useIssueflowTestEnv((e) => (env = e));


test('a pause of hours holds the agent round in the workflow; it runs after the resume and nothing escalates', async () => {
  const mock = new MockActivities();
  let paused = true;
  const refusals: number[] = [];
  // The real activity refuses to start while paused (test/activities/agent/run-agent.test.ts); here the mock does, else answers as usual.
  const usual = new MockActivities().activities();
  mock.overrides.runAgent = async (input) => {
    if (paused) {
      refusals.push(Date.now());
      throw ApplicationFailure.create({ message: 'Agent runs are paused', type: 'AgentPaused', nonRetryable: true });
    }
    return usual.runAgent(input);
  };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, (s) => s.state === 'analyzing' && refusals.length > 0, 'the first refusal');
    const held = await waitForStatus(handle, (s) => s.steps[s.steps.length - 1].note?.startsWith('held') === true, 'the held note');
    expect(held.state).toBe('analyzing');
    await env.sleep('6 hours');
    const during = await statusOf(handle);
    expect(during.state).toBe('analyzing');
    expect(during.lastError).toBeUndefined();
    expect(mock.labels).not.toContain('escalated');
    expect(mock.comments.has('escalation-1')).toBe(false);
    // Asked again and again (15 s, then each wait twice as long, at most 5 minutes), never more often.
    const asks = refusals.length;
    expect(asks).toBeGreaterThan(6 * 12 - 10);
    expect(asks).toBeLessThan(6 * 12 + 10);
    expect(mock.agentRuns('implement')).toHaveLength(0);

    paused = false;
    await env.sleep('5 minutes');
    await waitForStatus(handle, inState('completed'), 'completed after the resume');
    expect(mock.agentRuns('plan').length).toBe(asks + 1);
    expect(mock.agentRuns('implement')).toHaveLength(1);
    await handle.signal('pullRequestClosed', merged);
    expect(await handle.result()).toMatchObject({ state: 'completed', outcome: 'merged' });
    expect(mock.labels).not.toContain('escalated');
    await recordHistory(handle, 'paused-round');
  });
});
