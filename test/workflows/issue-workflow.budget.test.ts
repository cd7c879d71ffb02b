import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { COST_ATTR } from '../../src/domain/search-attributes';
import { MockActivities } from './support/mock-activities';
import { inState, issueInput, recordHistory, startIssue, statusOf, useIssueflowTestEnv, waitForStatus, withWorkers } from './support/harness';
import { command, merged } from './support/signal-args';

let env: TestWorkflowEnvironment;
useIssueflowTestEnv((e) => (env = e));

// Retried once: a run of this file hung now and then (1 in ~8 whole runs, once in each of the last two tests,
// never reproduced alone), as issue-workflow.failures.test.ts's continue-as-new test has; a real regression fails both tries.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

const failing = { passed: false, exitCode: 1, timedOut: false, durationMs: 900, outputTail: 'FAIL test/header.test.ts' };

/** Stopped at the budget, once its question, status comment and label are out (the query may see the state first). */
const askedAtBudget = (mock: MockActivities) => (s: { state: string }) =>
  s.state === 'awaiting-feedback' && mock.lastComment('budget-1') !== undefined && mock.labels[mock.labels.length - 1] === 'awaiting-feedback' && (mock.lastComment('status') ?? '').includes('Waiting for your answer');

/** Polls `ok` (real time) for up to 20 s. */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 20_000; !ok(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

/** An agent that costs $0.40 and a minute a run, and tests that pass at the fourth round. */
function costlyMock(budget: { usd?: number; agentMinutes?: number }): MockActivities {
  const mock = new MockActivities();
  mock.config = { ...mock.config, maxFixAttempts: 3, budget };
  const run = mock['defaults'].runAgent;
  mock.overrides.runAgent = async (input) => ({ ...(await run(input)), costUsd: 0.4, durationMs: 60_000 });
  let testRuns = 0;
  mock.overrides.runTests = async () => (++testRuns < 4 ? failing : { ...failing, passed: true, exitCode: 0, outputTail: 'ok' });
  return mock;
}

test('a $1 budget stops before the third $0.40 run and asks; `/agent budget 2` goes on to a PR, and the spent figure is the sum of the runs', async () => {
  const mock = costlyMock({ usd: 1 });
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    const stopped = await waitForStatus(handle, askedAtBudget(mock), 'the stop at the budget');
    expect(mock.named('runAgent')).toHaveLength(2); // the plan and the first round
    expect(stopped.costUsd).toBe(0.8);
    expect(stopped.budget).toEqual({ usd: 1 });
    const asked = mock.lastComment('budget-1')!;
    expect(asked).toContain('$0.80 of $1.00 ($0.20 left)');
    expect(asked).toContain('`/agent budget 2`');
    expect(mock.lastComment('status')).toContain('Agent cost: $0.80 of $1.00 ($0.20 left)');
    expect(mock.labels[mock.labels.length - 1]).toBe('awaiting-feedback');

    await handle.signal('command', { ...command('budget', 'budget-bad', 7), args: 'lots' });
    await handle.signal('command', { ...command('budget', 'budget-1', 8), args: '2' });
    const done = await waitForStatus(handle, (st) => st.state === 'completed' && (mock.lastComment('status') ?? '').includes('Pull request ready'), 'the PR after the raise');
    // Both reactions may be scheduled in one workflow task, so they may start in either order: matched by comment.
    const reactions = mock.named('reactToComment').map((c) => c.args[0] as { commentId: number; content: string });
    expect(Object.fromEntries(reactions.map((r) => [r.commentId, r.content]))).toEqual({ 7: 'confused', 8: '+1' });
    expect(reactions).toHaveLength(2);
    const runs = mock.named('runAgent');
    expect(runs).toHaveLength(5); // plan + four rounds: $2.00 is the budget, not over it
    expect(done.costUsd).toBe(Math.round(runs.length * 0.4 * 100) / 100);
    expect(done.agentMs).toBe(runs.length * 60_000);
    expect(done.budget).toEqual({ usd: 2 });
    expect(mock.lastComment('status')).toContain('$2.00 of $2.00 ($0.00 left)');
    expect((await handle.describe()).typedSearchAttributes.get(COST_ATTR)).toBe(2);
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
    await recordHistory(handle, 'budget-raised');
  });
});

test('the agent-time budget from the service (input) stops a round too; minutes=N raises it', async () => {
  const mock = costlyMock({});
  mock.config = { ...mock.config, budget: undefined };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput({ budget: { agentMinutes: 3 } }));
    await waitForStatus(handle, askedAtBudget(mock), 'the stop at the agent-time budget');
    expect(mock.named('runAgent')).toHaveLength(3);
    expect(mock.lastComment('budget-1')).toContain('agent time 3 min of 3 min');
    await handle.signal('command', { ...command('budget', 'budget-1'), args: 'minutes=10' });
    const done = await waitForStatus(handle, inState('completed'), 'the PR after the raise');
    expect(done.budget).toEqual({ agentMinutes: 10 });
    expect((await statusOf(handle)).agentMs).toBe(5 * 60_000);
    await handle.signal('pullRequestClosed', merged);
    await handle.result();
  });
});

test('a stop nobody answers escalates (BudgetExceeded); `/agent budget` then resumes the round', async () => {
  const mock = costlyMock({ usd: 1 });
  mock.config = { ...mock.config, timeouts: { ...mock.config.timeouts, feedbackHours: 2 } };
  await withWorkers(env, mock, async (taskQueue) => {
    const handle = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(handle, askedAtBudget(mock), 'the stop at the budget');
    await env.sleep('3 hours');
    const escalated = await waitForStatus(handle, inState('escalated'), 'the escalation');
    expect(escalated.lastError).toMatchObject({ type: 'BudgetExceeded' });
    expect(mock.lastComment('escalation-1')).toContain('/agent budget');
    expect(mock.named('runAgent')).toHaveLength(2);
    await handle.signal('command', { ...command('budget', 'budget-1'), args: '$2' });
    const done = await waitForStatus(handle, inState('completed'), 'the PR after the raise');
    expect(done.costUsd).toBe(2);
    await handle.terminate('resumed after the raise: nothing more to see');
  });
});

test('continue-as-new carries what was spent, the largest run and the raised budget', async () => {
  const mock = costlyMock({ usd: 1 });
  await withWorkers(env, mock, async (taskQueue) => {
    // A fresh issue number each attempt: a retried attempt (jest.retryTimes above) must not find the first one's run.
    const handle = await startIssue(env, taskQueue, issueInput({ issueNumber: 800 + Math.floor(Math.random() * 100), continueAsNewAtHistoryLength: 25 }));
    // Watched through the mock, not the status query: a query sent while a run continues as new has hung on the test server.
    await until(() => mock.lastComment('budget-1') !== undefined && mock.labels[mock.labels.length - 1] === 'awaiting-feedback', 'the stop at the budget');
    const stopped = await waitForStatus(handle, askedAtBudget(mock), 'the stop at the budget');
    const firstRun = env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
    expect(mock.named('runAgent')).toHaveLength(2);
    expect(stopped.costUsd).toBe(0.8);
    await handle.signal('command', { ...command('budget', 'budget-1'), args: '2' });
    const done = await waitForStatus(handle, inState('completed'), 'the PR after the raise');
    expect(mock.named('runAgent')).toHaveLength(5);
    expect(done).toMatchObject({ costUsd: 2, agentMs: 5 * 60_000, budget: { usd: 2 } });
    await handle.terminate('the budget was carried: nothing more to see');
  });
}, 60_000);
