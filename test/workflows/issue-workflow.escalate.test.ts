import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { MockActivities, runUntilCancelled } from './support/mock-activities';
import { eventually, inState, issueInput, recordHistory, startIssue, waitForStatus, withWorkers, useIssueflowTestEnv } from './support/harness';
import { command } from './support/signal-args';

let env: TestWorkflowEnvironment;
useIssueflowTestEnv((e) => (env = e));

const reactions = (mock: MockActivities) => mock.named('reactToComment').map((c) => c.args[0] as { commentId: number; content: string });

test('/agent escalate mid-implement: the agent stops, the escalation comment and label as after a failure; /agent retry runs the agent again', async () => {
  const mock = new MockActivities();
  mock.config = { ...mock.config, maintainers: ['dave'] };
  let implementRuns = 0;
  mock.overrides.runAgent = async (input) => {
    if (input.mode === 'implement' && ++implementRuns === 1) return runUntilCancelled();
    return { agent: 'claude-code', exitCode: 0, resultText: 'done', ...(input.mode === 'plan' ? { plan: mock.plan } : {}), outputTail: 'ok', durationMs: 1 };
  };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, (s) => s.state === 'implementing' && implementRuns === 1, 'the agent at work');
    await handle.signal('command', command('escalate', 'escalate-1', 501));
    const escalated = await waitForStatus(handle, inState('escalated'), 'the escalation');
    expect(escalated.lastError).toMatchObject({ step: 'implement', type: 'HandedOver', message: 'handed to a maintainer by @carol (`/agent escalate`)' });
    const comment = mock.lastComment('escalation-1')!;
    expect(comment).toContain('@dave');
    expect(comment).toContain('handed to a maintainer by @carol');
    // Nothing failed: the heading says who has the issue now, not that a step failed.
    expect(comment).toMatch(/^### ⚠️ Handed to a maintainer at step `implement`/);
    expect(comment).not.toContain('failed (');
    expect(comment).toContain('`/agent retry`');
    expect(mock.labels[mock.labels.length - 1]).toBe('escalated');
    // Stopped, not finished: nothing was committed or tested.
    expect(mock.named('commitAndPush')).toHaveLength(0);
    expect(mock.named('runTests')).toHaveLength(0);

    // Already escalated: nothing more to hand over.
    await handle.signal('command', command('escalate', 'escalate-2', 502));
    await handle.signal('command', command('retry', 'retry-1'));
    await waitForStatus(handle, inState('completed'), 'completed after the retry');
    expect(implementRuns).toBe(2);
    expect(reactions(mock)).toEqual(expect.arrayContaining([{ ref: expect.anything(), commentId: 501, content: '+1' }, { ref: expect.anything(), commentId: 502, content: 'confused' }]));
    await handle.signal('pullRequestClosed', { deliveryId: 'pr-closed', pullRequestNumber: 101, merged: true });
    expect(await handle.result()).toMatchObject({ state: 'completed', outcome: 'merged' });
    expect(mock.named('getRepoConfig')).toHaveLength(1);
    await recordHistory(handle, 'escalate-command');
  });
});

test('/agent escalate while the PR waits for review escalates at once; /agent cancel then ends it', async () => {
  const mock = new MockActivities();
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, inState('completed'), 'the PR waiting for review');
    await handle.signal('command', command('escalate', 'escalate-1'));
    const escalated = await waitForStatus(handle, inState('escalated'), 'the escalation');
    expect(escalated.lastError).toMatchObject({ step: 'listen', type: 'HandedOver' });
    // The comment is written beside the status, in the background: the state may show first.
    await eventually('the escalation comment', () => mock.lastComment('escalation-1') !== undefined);
    expect(mock.lastComment('escalation-1')).toContain('handed to a maintainer by @carol');
    await handle.signal('command', command('cancel', 'cancel-1'));
    expect(await handle.result()).toMatchObject({ state: 'cancelled', outcome: 'cancelled' });
    expect(mock.labels.slice(-2)).toEqual(['escalated', 'cancelled']);
  });
});
